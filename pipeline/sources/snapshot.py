"""The immutable snapshot: what was read from a source, exactly as received.

Shape (JSON, one file per run under ``DIR/raw/``)::

    {
      "formaat": 1,
      "bron": {"soort": "xlsx" | "ods" | "csv" | "google" | "voorbeeld",
               "locatie": "<path or URL>", "spreadsheet_id": null | "<key>",
               "titel": "<workbook title>", "gewijzigd": null | "<ISO time>",
               "render_opties": null | {"valueRenderOption": ..., "dateTimeRenderOption": ...}},
      "opgehaald": "<ISO time, UTC>",
      "tabbladen": [{"titel": "Acties", "tab_id": 0, "waarden": [[cell, ...], ...]}],
      "inhoud_hash": "<sha256 of the tabs' titles and values, without the Controle column>"
    }

``waarden`` is a list of rows; row ``i`` (0-based) is sheet row ``i + 1``. Trailing empty cells
and rows may be missing (the Sheets API drops them). A cell is a string, a number (int/float;
under date columns a spreadsheet serial day count from 1899-12-30), a bool, or null.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Tab:
    title: str
    values: list[list[Cell]]
    tab_id: int | None = None


@dataclass(frozen=True)
class Snapshot:
    source: dict[str, Any]
    tabs: list[Tab]
    fetched_at: str = field(default_factory=lambda: utc_now())
    # A snapshot file this snapshot was read from and whose JSON it is exactly (the same keys
    # and values as to_json()): write_snapshot copies that file instead of encoding it again.
    origin: Path | None = field(default=None, compare=False, repr=False)

    def tab(self, title: str) -> Tab | None:
        """The tab with this title, matched case- and space-insensitively."""
        wanted = title.strip().casefold()
        for tab in self.tabs:
            if tab.title.strip().casefold() == wanted:
                return tab
        return None

    @cached_property  # computed once: a snapshot is not changed after it is read
    def content_hash(self) -> str:
        """What the contributors typed: the project's own Controle column (the statuses a run
        writes back, with the time of the check) is no change of the sheet."""
        return hash_tabs(without_control_column(self.tabs))

    def to_json(self) -> dict[str, Any]:
        return {
            "formaat": FORMAT_VERSION,
            "bron": self.source,
            "opgehaald": self.fetched_at,
            "tabbladen": [
                {"titel": t.title, "tab_id": t.tab_id, "waarden": t.values} for t in self.tabs
            ],
            "inhoud_hash": self.content_hash,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Snapshot":
        if data.get("formaat") != FORMAT_VERSION or "tabbladen" not in data:
            raise ValueError("geen momentopname van de kennisbank (onbekend formaat)")
        tabs = [
            Tab(title=t["titel"], values=t.get("waarden") or [], tab_id=t.get("tab_id"))
            for t in data["tabbladen"]
        ]
        return cls(source=data.get("bron") or {}, tabs=tabs, fetched_at=data.get("opgehaald", ""))


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


CHUNK_ROWS = 2000  # rows encoded at a time: the C encoder's speed without one huge string


def without_control_column(tabs: list[Tab]) -> list[Tab]:
    """The tabs with the Controle column of Acties taken out, and the empty cells it leaves at
    the end of a row (so a sheet reads the same before and after the first write-back)."""
    from pipeline.contract.headers import CONTROL_HEADER, column_of, find_header_row

    result = []
    for tab in tabs:
        header = find_header_row(tab.values) if tab.title.strip().casefold() == "acties" else None
        column = None if header is None else column_of(tab.values[header], CONTROL_HEADER)
        if column is None:
            result.append(tab)
            continue
        rows = []
        for row in tab.values:
            kept = [*row[:column], *row[column + 1:]]
            while kept and kept[-1] in (None, ""):
                kept.pop()
            rows.append(kept)
        result.append(Tab(tab.title, rows, tab.tab_id))
    return result


def hash_tabs(tabs: list[Tab]) -> str:
    """sha256 of json.dumps([[title, values], ...], ensure_ascii=False, separators=(",", ":"),
    default=str) as UTF-8, fed to the hash a block of rows at a time (the same bytes)."""
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)

    digest = hashlib.sha256()
    digest.update(b"[")
    for t, tab in enumerate(tabs):
        digest.update(("," if t else "").encode() + b"[" + dumps(tab.title).encode("utf-8")
                      + b",[")
        for start in range(0, len(tab.values), CHUNK_ROWS):
            block = dumps(tab.values[start:start + CHUNK_ROWS])[1:-1]
            digest.update((("," if start else "") + block).encode("utf-8"))
        digest.update(b"]]")
    digest.update(b"]")
    return digest.hexdigest()


def write_snapshot(snapshot: Snapshot, raw_dir: Path) -> Path:
    """Write the snapshot once, read-only; an identical snapshot of the same moment is reused."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    stamp = snapshot.fetched_at.replace(":", "").replace("-", "")
    path = raw_dir / f"{stamp}-{snapshot.content_hash[:12]}.json"
    if path.exists():
        return path
    tmp = path.with_suffix(".json.tmp")
    if snapshot.origin is not None:  # already a snapshot file with exactly this content
        shutil.copyfile(snapshot.origin, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
    else:
        with open(tmp, "w", encoding="utf-8") as fh:
            dump_snapshot(snapshot, fh)
            fh.flush()
            os.fsync(fh.fileno())
    os.chmod(tmp, 0o444)
    os.replace(tmp, path)
    return path


def dump_snapshot(snapshot: Snapshot, fh) -> None:
    """The same JSON as json.dump(snapshot.to_json(), fh, ensure_ascii=False), written a row at a
    time with the C encoder: json.dump's pure-Python streaming was the slowest part of a run."""
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    def write_object(items: dict[str, Any], streamed: str) -> None:
        fh.write("{")
        for i, (key, value) in enumerate(items.items()):
            fh.write((", " if i else "") + dumps(key) + ": ")
            if key != streamed:
                fh.write(dumps(value))
            elif streamed == "tabbladen":
                fh.write("[")
                for t, tab in enumerate(value):
                    fh.write(", " if t else "")
                    write_object(tab, "waarden")
                fh.write("]")
            else:
                fh.write("[")
                for start in range(0, len(value), CHUNK_ROWS):  # a block of rows at a time
                    fh.write((", " if start else "") + dumps(value[start:start + CHUNK_ROWS])[1:-1])
                fh.write("]")
        fh.write("}")

    write_object(snapshot.to_json(), "tabbladen")


def read_snapshot(path: Path) -> Snapshot:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    snapshot = Snapshot.from_json(data)
    try:
        exact = data == snapshot.to_json()  # the same cell objects: a quick comparison
    except UnicodeEncodeError:  # a lone surrogate: fetch.valid_text replaces it
        exact = False
    if exact:  # set on the instance itself, keeping its computed content_hash
        object.__setattr__(snapshot, "origin", Path(path))
    return snapshot
