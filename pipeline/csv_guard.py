"""CSV that a spreadsheet program cannot turn into formulas: the one rule for the catalogue's
CSV downloads (the ASGI middleware below) and the reports' CSV files (pipeline/reports/render.py).

A cell that starts with =, +, -, @, a tab, CR or LF is run as a formula by Excel, LibreOffice and
Google Sheets ("CSV injection"), also after leading spaces; in some locales so is one that
starts with the full-width ＝ ＋ － ＠. Such a cell gets a leading apostrophe, so it is taken as
text. Two exceptions stay as they are, because they cannot call a function or refer to a cell:

- a plain number with a minus: digits, "." or "," between them, an optional exponent
  (-12, -1.5, -1.250,50, -1e5), so negative amounts, Dutch or not, stay numbers;
- a lone "-", the usual "niet van toepassing" in a sheet, which spreadsheets read as text.

A plus is always guarded, also before digits: the product writes no number with a plus, and
"+31 6 12345678" (or "+31" alone) is the start of a phone number that must stay text. Full-width
signs are always guarded. JSON responses are not touched, so they keep the exact value.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_CHECK_FIRST = frozenset(FORMULA_STARTS) | {" "}  # first characters that need the full check
PLAIN_NUMBER = re.compile(r"-?(?:[0-9]+(?:[.,][0-9]+)*|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")


def guard_cell(value: Any) -> str:
    """The cell's text (None: empty), with a leading apostrophe when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    if text[:1] not in _CHECK_FIRST:  # fast path: cannot start a formula (also "")
        return text
    if text == "-" or PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def neutralise_csv(text: str) -> str:
    """The same CSV (Datasette writes the excel dialect) with every risky cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([guard_cell(cell) for cell in row])
    return out.getvalue()


def is_csv_request(scope) -> bool:
    if scope.get("type") != "http":
        return False
    if scope.get("path", "").endswith(".csv"):
        return True
    query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return query.get("_format") == ["csv"]


def csv_guard(app):
    """ASGI middleware: collects a CSV response, neutralises it and sends it in one piece."""

    async def guarded(scope, receive, send):
        if not is_csv_request(scope):
            return await app(scope, receive, send)
        start: dict = {}
        chunks: list[bytes] = []

        async def collect(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = {k.lower(): v for k, v in start.get("headers") or []}
            content_type = headers.get(b"content-type", b"").split(b";")[0]
            if start.get("status") == 200 and content_type in (b"text/csv", b"text/plain"):
                body = neutralise_csv(body.decode("utf-8")).encode("utf-8")
            headers = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, collect)

    return guarded
