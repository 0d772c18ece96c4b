"""The catalogue's search index (FTS5 table SEARCH_TABLE): per action its title, its tags and its
other text, as pipeline/contract/search_text.py normalises them (the catalogue's Datasette plugin
normalises a search the same way). Its rowid is the action's rowid in `acties`.

Normalising (stemming every word, finding the vocabulary's terms) is Python work per text, the
largest part of a build at 100,000 actions. On a machine with more than one core and from
PARALLEL_FROM actions on, a forked process (pipeline/forked.py) does it while this process
writes the catalogue's tables, and writes the rows to a file next to the catalogue, which SQL
copies into the index; the index is the same either way (tests/test_search.py).
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from pipeline.contract import search_text
from pipeline.forked import Forked, can_fork

SEARCH_TABLE = "acties_zoeken"
SEARCH_TAGS = search_text.TAG_FIELDS
SEARCH_TEXT = ["omschrijving", "aanleiding", "meetbaar_doel", "resultaten_toelichting",
               "wat_werkte", "wat_werkte_niet", "tip", "partners", "vestigingen"]
NO_TAG = "Geen"  # "no national campaign" / "no offer" is not something to search for
PARALLEL_FROM = 5_000  # actions; below this a second process costs more than it saves


def _labels(value: Any) -> list[str]:
    """The tags of one cell: a list (in a frame), its JSON text (in the catalogue) or one value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return []
    if isinstance(value, str):
        values = json.loads(value) if value.startswith("[") else [value]
    else:
        values = list(value)
    return [v for v in values if v and v != NO_TAG]


def _text(value: Any) -> str | None:
    """A text cell as the catalogue holds it: a list as its JSON text (pipeline/store/load.py)."""
    if isinstance(value, str):
        return value or None
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value.item() if hasattr(value, "item") else value)


def tokens_of(rows: Iterable[tuple]) -> list[tuple]:
    """(key, title, tag cells..., text cells...) → (key, titel, labels, tekst) of the index."""
    tags_end = 2 + len(SEARCH_TAGS)
    parsed: dict[str, list[str]] = {}  # a tag cell's text repeats across actions: parse it once
    found = []
    for row in rows:
        labels = []
        for value in row[2:tags_end]:
            if isinstance(value, str):
                if value not in parsed:
                    parsed[value] = _labels(value)
                labels.extend(parsed[value])
            else:
                labels.extend(_labels(value))
        texts = [t for t in map(_text, row[tags_end:]) if t]
        found.append((row[0], search_text.index_tokens(_text(row[1]) or ""),
                      search_text.index_tokens(labels, labels),
                      search_text.index_tokens(texts)))
    return found


def _columns() -> list[str]:
    return ["titel", *SEARCH_TAGS, *SEARCH_TEXT]


def frame_rows(frame: pd.DataFrame) -> list[tuple]:
    """The index's rows of the actions in a frame, by actie_id."""
    return tokens_of(frame[["actie_id", *_columns()]].itertuples(index=False, name=None))


STAGING = "zoektekst"  # the table of the forked process's file


def write_rows(frame: pd.DataFrame, path: Path) -> Path:
    """The index's rows of the frame, in its order (rowid = position + 1), into a new SQLite
    file (written by the forked process; the catalogue copies them with SQL)."""
    conn = sqlite3.connect(path)
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    conn.execute(f"create table {STAGING} (actie_id text, titel text, labels text, tekst text)")
    conn.executemany(f"insert into {STAGING} (rowid, actie_id, titel, labels, tekst) "
                     "values (?, ?, ?, ?, ?)",
                     ((n, *row) for n, row in enumerate(frame_rows(frame), start=1)))
    conn.commit()
    conn.close()
    return path


class Tokens:
    """The index's rows of the actions about to be published, in the order they are inserted
    into `acties`: made in a forked process when that is worth it (started before the
    catalogue's tables are written, in a file next to it), else when the index is saved."""

    def __init__(self, frame: pd.DataFrame, folder: Path | None = None):
        self.frame = frame
        self.path = None if folder is None else folder / f".{STAGING}.{os.getpid()}.tmp"
        self._job: Forked | None = None

    def start(self) -> "Tokens":
        if self.path is not None and len(self.frame) >= PARALLEL_FROM and can_fork():
            self.path.unlink(missing_ok=True)
            frame, path = self.frame, self.path
            self._job = Forked(lambda: write_rows(frame, path), parallel=True)
        return self

    def fill(self, conn) -> None:
        """Insert the rows into SEARCH_TABLE (which exists, empty) of the catalogue."""
        if self._job is None or not self._job.forked:
            _insert(conn, frame_rows(self.frame))
            return
        path = self._job.result()
        conn.commit()  # ATTACH and DETACH run outside a transaction
        conn.execute("attach database ? as zoek", [str(path)])
        try:
            moved = conn.execute(  # the same actions at the same rowids, or it is a bug
                f"select count(*) from zoek.{STAGING} t left join acties a on a.rowid = t.rowid "
                "where a.actie_id is not t.actie_id").fetchone()[0]
            if moved:
                raise RuntimeError(f"zoekindex: {moved} acties op een andere plaats")
            conn.execute(f"insert into [{SEARCH_TABLE}] (rowid, titel, labels, tekst) "
                         f"select rowid, titel, labels, tekst from zoek.{STAGING} order by rowid")
        finally:
            conn.commit()
            conn.execute("detach database zoek")
            self.close()

    def close(self) -> None:
        if self._job is not None:
            self._job.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def _insert(conn, rows: Iterable[tuple]) -> None:
    """Rows by actie_id into SEARCH_TABLE at the action's rowid."""
    rowids = dict(conn.execute("select actie_id, rowid from acties"))
    conn.executemany(f"insert into [{SEARCH_TABLE}] (rowid, titel, labels, tekst) "
                     "values (?, ?, ?, ?)",
                     sorted((rowids[key], *rest) for key, *rest in rows if key in rowids))


def save(conn, tokens: Tokens | None = None) -> None:
    """SEARCH_TABLE, rebuilt: from the rows of `tokens`, or else from the `acties` table."""
    conn.execute(f"drop table if exists [{SEARCH_TABLE}]")
    conn.execute(f"create virtual table [{SEARCH_TABLE}] using fts5(titel, labels, tekst, "
                 "tokenize = 'unicode61 remove_diacritics 2')")
    if tokens is not None:
        tokens.fill(conn)
        return
    columns = ", ".join(f"[{c}]" for c in _columns())
    _insert(conn, tokens_of(conn.execute(f"select actie_id, {columns} from acties")))
