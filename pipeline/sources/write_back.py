"""The Controle column: after each run, one status per data row of Acties is written back to the
Google Sheet, in one values write, in that column only (never a contributor's cell). The header
row is found by the same rule as reading (pipeline/contract/headers.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

import requests
from gspread.exceptions import APIError

from pipeline.contract.config import ACTIES
from pipeline.contract.headers import CONTROL_HEADER, column_of, find_header_row
from pipeline.errors import SourceError
from pipeline.sources.google import (
    RENDER_OPTIONS,
    Connection,
    LoginFailed,
    RequestFailed,
    RetryPolicy,
    _find_sheet,
    _sheet_properties,
    _trimmed,
    column_letter,
    connect,
    place_value_range,
    quote_title,
    translate_error,
)


@dataclass(frozen=True)
class WriteBackResult:
    range: str
    column: str
    header_row: int  # sheet row number of the header row
    rows_written: int
    column_created: bool
    unchanged: bool = False  # every status was already there: nothing was written


CHECKED = re.compile(r"^(.*) \(gecontroleerd [^()]*\)$", re.S)


def status_cell(status: str, checked_at: str) -> str:
    return f"{status} (gecontroleerd {checked_at})"


def status_of(cell: Any) -> str:
    """The status in a Controle cell, without the time of the check ("" for an empty cell)."""
    text = "" if cell is None else str(cell)
    match = CHECKED.match(text)
    return match.group(1) if match else text


def same_statuses(rows: list[list[Any]], header: int, column: int,
                  statuses: Mapping[int, str]) -> bool:
    """True when the Controle column already holds exactly these statuses (rows without a
    status empty), whatever the time of the check it names."""
    last_row = max([len(rows), *statuses.keys()])
    for number in range(header + 2, last_row + 1):
        row = rows[number - 1] if number <= len(rows) else []
        cell = row[column] if column < len(row) else None
        if status_of(cell) != statuses.get(number, ""):
            return False
    return True


def write_back(
    source: str,
    statuses: Mapping[int, str],
    checked_at: str,
    *,
    expected_rows: list[list[Any]] | None = None,
    env: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
    credentials: Any = None,
    policy: RetryPolicy | None = None,
) -> WriteBackResult:
    """Write one status per data row of Acties to the ``Controle`` column, in one values write.

    ``statuses`` maps a sheet row number to its status (``OK``, ``Onvolledig: …``,
    ``Afgekeurd: …``, ``Niet gedeeld``); each cell gets ``"<status> (gecontroleerd <checked_at>)"``.
    The column is the one headed ``Controle`` in the header row, or a new one right of the last
    used column. Data rows without a status get an empty cell there (a stale status is cleared).
    Only that column, from the header row down, is written, and nothing when it already holds
    these statuses (only the time of the check would change: ``unchanged``). When ``expected_rows`` (the Acties
    values the statuses were computed from) no longer match the sheet, nothing is written.
    """
    conn = connect(source, write=True, env=env, session=session, credentials=credentials,
                   policy=policy)
    try:
        return _write_back(conn, statuses, checked_at, expected_rows)
    except (APIError, RequestFailed, LoginFailed) as err:
        raise translate_error(err, conn) from None


def _write_back(conn: Connection, statuses: Mapping[int, str], checked_at: str,
                expected_rows: list[list[Any]] | None) -> WriteBackResult:
    metadata = conn.http.fetch_sheet_metadata(conn.key)
    sheet = _find_sheet(_sheet_properties(metadata), ACTIES)
    if sheet is None:
        raise SourceError(
            f"Het tabblad '{ACTIES}' ontbreekt in de Google Sheet ({conn.key}); "
            "de controlekolom is niet geschreven."
        )
    title = sheet["title"]
    response = conn.http.values_batch_get(conn.key, [quote_title(title)],
                                          params=dict(RENDER_OPTIONS))
    rows: list[list[Any]] = []
    for value_range in response.get("valueRanges", []):
        place_value_range(rows, value_range)
    header = find_header_row(rows, ACTIES)
    if header is None:
        raise SourceError(
            f"De kopregel van het tabblad '{title}' is niet gevonden; "
            "de controlekolom is niet geschreven."
        )
    column = column_of(rows[header], CONTROL_HEADER)
    created = column is None
    if column is None:
        column = max(len(r) for r in rows)
    if expected_rows is not None and _trimmed(rows, column) != _trimmed(expected_rows, column):
        raise SourceError(
            f"Het tabblad '{title}' is veranderd sinds het inlezen; de controlekolom is niet "
            "bijgewerkt. Draai de controle opnieuw."
        )
    bad = sorted(r for r in statuses if r <= header + 1)
    if bad:
        raise ValueError(f"status for row {bad[0]} at or above the header row {header + 1}")
    if not created and same_statuses(rows, header, column, statuses):
        letter = column_letter(column)
        return WriteBackResult(range=f"{quote_title(title)}!{letter}{header + 1}", column=letter,
                               header_row=header + 1, rows_written=0, column_created=False,
                               unchanged=True)
    last_row = max([len(rows), *statuses.keys()])
    grid = sheet.get("gridProperties", {})
    extra = column + 1 - int(grid.get("columnCount", 26))
    if extra > 0:
        conn.http.batch_update(conn.key, {"requests": [{"appendDimension": {
            "sheetId": sheet.get("sheetId"), "dimension": "COLUMNS", "length": extra}}]})
    letter = column_letter(column)
    target = f"{quote_title(title)}!{letter}{header + 1}:{letter}{last_row}"
    values = [[CONTROL_HEADER]] + [
        [status_cell(statuses[r], checked_at) if r in statuses else ""]
        for r in range(header + 2, last_row + 1)
    ]
    conn.http.values_update(
        conn.key, target, params={"valueInputOption": "RAW"},
        body={"majorDimension": "ROWS", "values": values},
    )
    return WriteBackResult(range=target, column=letter, header_row=header + 1,
                           rows_written=len(values) - 1, column_created=created)
