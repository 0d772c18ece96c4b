"""A folder of workbooks as one source: the libraries that work in Excel or LibreOffice each keep
their own file (`kennisbank sheet template --bibliotheek NAAM`), for example in a synced
SharePoint or Teams folder, and `--source MAP` reads them together into one snapshot.

Each tab (Acties, Bibliotheken, Keuzelijsten) of every file is taken below one shared header:
the headers of the first file, then any header another file adds (matched as the reader matches
headers). The rows of each file follow each other in the order of the file names; where every
row came from is kept in the snapshot's source (``bestanden``), so a finding can name the file
and its own row (`locate`). A Keuzelijsten column adds the values it does not have yet.

One file that cannot be read stops the whole run with a message that names it: a catalogue
built without it would silently drop that library's published actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from pipeline.contract.config import header_key
from pipeline.contract.headers import find_header_row
from pipeline.errors import SourceError
from pipeline.sources.snapshot import Cell, Snapshot, Tab

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
LIST_TAB = "Keuzelijsten"


def workbooks_in(folder: Path) -> list[Path]:
    """The workbooks of a folder, by name; lock files of Excel (~$…) and hidden files left out."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.casefold() in WORKBOOK_SUFFIXES
                  and not p.name.startswith(("~$", ".")))


def read_workbook_folder(folder: Path, read: Callable[[Path], Snapshot],
                         tab_titles: Iterable[str]) -> Snapshot:
    """Every workbook of the folder, read with `read` (fetch.py's reader of one file), merged
    tab by tab (`tab_titles`, in that order)."""
    snapshots = []
    for path in workbooks_in(folder):
        try:
            snapshot = read(path)
        except SourceError as exc:
            raise SourceError(f"Het bestand '{path.name}' in de map '{folder}' kan niet worden "
                              f"gelezen: {exc} Er is niets gepubliceerd of gewijzigd; herstel "
                              f"of verwijder het bestand en probeer het opnieuw.") from None
        snapshots.append((path.name, snapshot))
    tabs, origins = [], []
    for title in tab_titles:
        parts = [(name, tab) for name, s in snapshots if (tab := s.tab(title)) is not None]
        if not parts:
            continue
        if title == LIST_TAB:
            tabs.append(Tab(title, merge_lists(tab.values for _, tab in parts)))
            continue
        values, from_files = merge_rows(title, parts)
        tabs.append(Tab(title, values))
        origins.extend(from_files)
    return Snapshot(source={"soort": "map", "locatie": str(folder), "titel": folder.name,
                            "bestanden": origins}, tabs=tabs)


def merge_rows(title: str, parts: list[tuple[str, Tab]]
               ) -> tuple[list[list[Cell]], list[dict[str, Any]]]:
    """One header and every file's rows below it, with where each file's rows landed."""
    header: list[Cell] = []
    keys: list[str] = []
    rows: list[list[Cell]] = []
    origins: list[dict[str, Any]] = []
    for name, tab in parts:
        at = find_header_row(tab.values, title)
        if at is None:
            if any(cell not in (None, "") for row in tab.values for cell in row):
                raise SourceError(f"Het tabblad '{title}' in het bestand '{name}' heeft geen "
                                  f"herkenbare kopregel; er is niets gepubliceerd of gewijzigd.")
            continue
        places = []
        for cell in tab.values[at]:
            key = header_key(cell) if isinstance(cell, str) and cell.strip() else None
            if key is None:
                places.append(None)
                continue
            if key not in keys:
                keys.append(key)
                header.append(cell)
            places.append(keys.index(key))
        body = tab.values[at + 1:]
        first = len(rows) + 2  # sheet row of the combined tab: the header is row 1
        for row in body:
            combined: list[Cell] = []
            for place, cell in zip(places, row):
                if place is None or cell in (None, ""):
                    continue
                combined.extend([None] * (place + 1 - len(combined)))
                combined[place] = cell
            rows.append(combined)
        if body:
            origins.append({"bestand": name, "tabblad": title, "van": first,
                            "tot": first + len(body) - 1, "eerste_rij": at + 2})
    return [header, *rows], origins


def merge_lists(tabs: Iterable[list[list[Cell]]]) -> list[list[Cell]]:
    """Keuzelijsten: per column name (row 1) the values of every file, each once, in order."""
    columns: dict[str, list[Cell]] = {}
    names: dict[str, Cell] = {}
    for values in tabs:
        if not values:
            continue
        for i, name in enumerate(values[0]):
            if not isinstance(name, str) or not name.strip():
                continue
            key = header_key(name)
            names.setdefault(key, name)
            column = columns.setdefault(key, [])
            for row in values[1:]:
                cell = row[i] if i < len(row) else None
                if cell not in (None, "") and cell not in column:
                    column.append(cell)
    order = list(columns)
    height = max((len(c) for c in columns.values()), default=0)
    return [[names[k] for k in order],
            *[[columns[k][r] if r < len(columns[k]) else None for k in order]
              for r in range(height)]]


def locate(files: list[dict[str, Any]] | None, tab: str, row: int | None
           ) -> tuple[str, int] | None:
    """The file and its own row number of a row of the combined tab; None when the source was
    not a folder of workbooks (or the row is the header)."""
    if not files or row is None:
        return None
    for part in files:
        if part["tabblad"] == tab and part["van"] <= row <= part["tot"]:
            return part["bestand"], part["eerste_rij"] + row - part["van"]
    return None
