"""Fetch: read a source into a Snapshot. The only stage that touches the outside world.

Sources: a Google Sheet (URL or ``gsheet:KEY``, see gsheet.py), an .xlsx/.xlsm, an .ods, a folder
of .csv files named after the tabs, a folder of workbooks (one per library, see workbooks.py), a
snapshot .json of an earlier run, or nothing: the embedded sample workbook. Local files produce the same shape as the Google Sheets API under
UNFORMATTED_VALUE + SERIAL_NUMBER: numbers as numbers, date cells as serial day counts.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Iterable

from pipeline.contract.config import SAMPLE_WORKBOOK
from pipeline.errors import SourceError
from pipeline.sources.snapshot import Cell, Snapshot, Tab, read_snapshot

READ_TABS = ("Acties", "Bibliotheken", "Keuzelijsten")
REQUIRED_TABS = ("Acties", "Bibliotheken")
SERIAL_EPOCH = datetime(1899, 12, 30)


def is_google_source(source: str) -> bool:
    """True for ``gsheet:KEY`` and for a docs.google.com spreadsheet URL. Here, not in gsheet.py,
    so that gspread and google-auth (about 0.7 s) are imported only for a Google source."""
    text = str(source).strip()
    return text.lower().startswith("gsheet:") or bool(
        re.match(r"^https?://docs\.google\.com/spreadsheets?/", text, re.IGNORECASE)
    )


def read_source(source: str | None) -> Snapshot:
    """Read any supported source; raise SourceError with a Dutch message when it cannot."""
    if source is None:
        return _with_source(read_xlsx(SAMPLE_WORKBOOK), soort="voorbeeld")
    if is_google_source(source):
        from pipeline.sources import google as gsheet
        return valid_text(gsheet.read_google_sheet(source, tabs=READ_TABS,
                                                   required=REQUIRED_TABS))
    path = Path(source)
    if not path.exists():
        raise SourceError(f"De bron '{source}' bestaat niet.")
    suffix = path.suffix.casefold()
    if path.is_dir():
        from pipeline.sources.workbooks import read_workbook_folder, workbooks_in

        if workbooks_in(path) and not list(path.glob("*.csv")):
            return read_workbook_folder(path, read_workbook, READ_TABS)
        return read_csv_folder(path)
    if suffix == ".csv":
        return read_csv_folder(path.parent)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix == ".ods":
        return read_ods(path)
    if suffix == ".json":
        return valid_text(read_snapshot_file(path))
    raise SourceError(
        f"De bron '{source}' wordt niet herkend: gebruik een .xlsx, .ods, een map met .csv-"
        f"bestanden, een momentopname (.json) of de link van een Google Sheet."
    )


def _with_source(snapshot: Snapshot, **changes: Any) -> Snapshot:
    return Snapshot(source={**snapshot.source, **changes}, tabs=snapshot.tabs,
                    fetched_at=snapshot.fetched_at)


def _select_tabs(found: dict[str, list[list[Cell]]], where: str) -> list[Tab]:
    by_key = {title.strip().casefold(): title for title in found}
    missing = [t for t in REQUIRED_TABS if t.casefold() not in by_key]
    if missing:
        present = ", ".join(f"'{t}'" for t in found) or "geen"
        names = " en ".join(f"'{t}'" for t in missing)
        raise SourceError(f"Tabblad {names} ontbreekt in {where} (gevonden: {present}).")
    return [Tab(title=t, values=found[by_key[t.casefold()]])
            for t in READ_TABS if t.casefold() in by_key]


def trim(rows: Iterable[Iterable[Cell]]) -> list[list[Cell]]:
    """Drop trailing empty cells and trailing empty rows, as the Sheets API does."""
    out: list[list[Cell]] = []
    for row in rows:
        cells = list(row)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def to_cell(value: Any) -> Cell:
    """A spreadsheet value as the Sheets API's UNFORMATTED_VALUE/SERIAL_NUMBER would give it."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else (int(value) if value.is_integer() else value)
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - SERIAL_EPOCH
        serial = delta.days + delta.seconds / 86400
        return int(serial) if float(serial).is_integer() else serial
    if isinstance(value, date):
        return (value - SERIAL_EPOCH.date()).days
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return to_cell(value.to_pydatetime())
    return str(value)


def read_workbook(path: Path) -> Snapshot:
    """An .xlsx, .xlsm or .ods file."""
    return read_ods(path) if path.suffix.casefold() == ".ods" else read_xlsx(path)


def read_xlsx(path: Path) -> Snapshot:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SourceError(f"'{path.name}' is geen leesbaar Excel-bestand ({exc}).") from None
    except Exception as exc:  # a damaged part: zlib, XML and other parser errors
        raise SourceError(f"'{path.name}' is geen leesbaar Excel-bestand "
                          f"({type(exc).__name__}: {str(exc)[:200]}).") from None
    try:
        found = {ws.title: trim([to_cell(v) for v in row] for row in ws.iter_rows(values_only=True))
                 for ws in workbook.worksheets}
        title = workbook.properties.title or path.stem
    except Exception as exc:  # the sheets are parsed lazily: a damaged part fails only here
        raise SourceError(f"'{path.name}' is geen leesbaar Excel-bestand "
                          f"({type(exc).__name__}: {str(exc)[:200]}).") from None
    finally:
        workbook.close()
    return Snapshot(source={"soort": "xlsx", "locatie": str(path), "titel": title},
                    tabs=_select_tabs(found, f"'{path.name}'"))


def read_ods(path: Path) -> Snapshot:
    import pandas as pd

    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, engine="odf", dtype=object)
    except Exception as exc:  # odfpy raises a variety of parser errors
        raise SourceError(f"'{path.name}' is geen leesbaar OpenDocument-bestand ({exc}).") from None
    found = {title: trim([to_cell(v) for v in row] for row in frame.itertuples(index=False))
             for title, frame in sheets.items()}
    return Snapshot(source={"soort": "ods", "locatie": str(path), "titel": path.stem},
                    tabs=_select_tabs(found, f"'{path.name}'"))


def read_csv_folder(folder: Path) -> Snapshot:
    found = {}
    for path in sorted(folder.glob("*.csv")):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = path.read_text(encoding="cp1252")
            except UnicodeDecodeError:
                raise SourceError(f"'{path.name}' is geen tekstbestand in UTF-8 of Windows-1252; "
                                  f"sla het op als CSV UTF-8.") from None
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            found[path.stem] = trim(csv.reader(io.StringIO(text, newline=""), dialect))
        except csv.Error as exc:
            raise SourceError(f"'{path.name}' is geen leesbaar CSV-bestand ({exc}).") from None
    return Snapshot(source={"soort": "csv", "locatie": str(folder), "titel": folder.name},
                    tabs=_select_tabs(found, f"de map '{folder}'"))


def read_snapshot_file(path: Path) -> Snapshot:
    try:
        snapshot = read_snapshot(path)
        check_shape(snapshot)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SourceError(f"'{path.name}' is geen leesbare momentopname ({exc}).") from None
    _select_tabs({t.title: t.values for t in snapshot.tabs}, f"'{path.name}'")
    return snapshot


def check_shape(snapshot: Snapshot) -> None:
    """A snapshot read from a file: tabs with a title and rows of cells (see snapshot.py)."""
    if not isinstance(snapshot.source, dict):
        raise ValueError("'bron' is geen object")
    plain = frozenset({str, int, float, bool, type(None)})  # what JSON gives: checked by type
    for tab in snapshot.tabs:
        if not isinstance(tab.title, str) or not isinstance(tab.values, list):
            raise ValueError("een tabblad zonder titel of rijen")
        for number, row in enumerate(tab.values, start=1):
            if type(row) is list and plain.issuperset(map(type, row)):
                continue
            if not isinstance(row, list) or not all(
                    cell is None or isinstance(cell, (str, int, float)) for cell in row):
                raise ValueError(f"tabblad '{tab.title[:40]}', rij {number}: geen lijst van cellen")


def valid_text(snapshot: Snapshot) -> Snapshot:
    """Text decoded from JSON may hold lone surrogates (``\\ud800``), which no UTF-8 file or
    database can store: each becomes U+FFFD. Everything else is left exactly as received."""
    try:
        snapshot.content_hash  # encodes every title and cell as UTF-8
        json.dumps(snapshot.source, ensure_ascii=False, default=str).encode("utf-8")
        return snapshot
    except UnicodeEncodeError:
        pass

    def fix(value: Any) -> Any:
        if isinstance(value, str):
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value

    tabs = [Tab(title=fix(t.title), values=[[fix(c) for c in row] for row in t.values],
                tab_id=t.tab_id) for t in snapshot.tabs]
    source = {fix(k): fix(v) for k, v in snapshot.source.items()}
    return Snapshot(source=source, tabs=tabs, fetched_at=snapshot.fetched_at)
