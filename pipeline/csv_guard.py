"""CSV exports that a spreadsheet program cannot turn into formulas.

A cell that starts with =, +, -, @, a tab or a line break is read as a formula by Excel,
LibreOffice and Google Sheets ("CSV injection"). In CSV responses such a cell gets a leading
apostrophe, which makes the program show it as text; plain numbers such as -12.5 stay numbers.
(The same rule as csv_safe in pipeline/reports/render.py, which writes the coordinators' CSV files.)
JSON responses are not touched, so they keep the exact value.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """A leading apostrophe for a cell a spreadsheet would run (also after leading spaces, and
    the full-width = + - @); a plain number such as -12.5 is left alone."""
    if cell.lstrip(" ").startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def neutralise_csv(text: str) -> str:
    """The same CSV (Datasette writes the excel dialect) with every risky cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([neutralise(cell) for cell in row])
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
