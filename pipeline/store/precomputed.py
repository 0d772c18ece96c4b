"""What a server needs before it answers its first reader, computed once when the catalogue is
built and shipped in it, so that a server that starts cold (a deployment that scales to zero)
does not first count and hash the whole file:

- COUNTS_TABLE: the facet counts of the unfiltered `acties` table;
- WORDS_TABLE: every token of the search index (the search plugin looks up the parts of a
  compound a reader types in it; reading them from the index itself took seconds per
  connection at 1,000,000 actions);
- INFO_TABLE: the number of rows of every table (Datasette shows and caches them) and the file's
  fingerprint (Datasette's `hash`, otherwise a SHA-256 of the whole file read at start): a random
  value made once per built file.

The SQL of the facet counts is Datasette's own facet count (per value, count descending, then value) with a plain
`json_each` join for list columns; pipeline/catalogue/facets.py serves these rows and counts
whatever the file does not hold (an older catalogue, a facet added to the metadata later) the
same way. A list column is only counted this way when no action repeats an item in it (the
load stage never writes repeats); otherwise Datasette's de-duplicating query stays.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import yaml

from pipeline.contract.config import SCHEMAS_DIR

TABLE = "acties"
DATABASE = "kennisbank"
COUNTS_TABLE = "facet_tellingen"
INFO_TABLE = "catalogus"
WORDS_TABLE = "zoekwoorden"
SEARCH_TABLE = "acties_zoeken"  # pipeline/store/search_index.py
KINDS = ("column", "date", "array")


def configs_of(table_metadata: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(type, column) of the facets configured for a table in Datasette's metadata."""
    found = []
    for facet in (table_metadata or {}).get("facets", []):
        if isinstance(facet, str):
            found.append(("column", facet))
        else:
            kind, config = next(iter(facet.items()))
            column = config if isinstance(config, str) else (config.get("column")
                                                            or config.get("simple"))
            found.append((kind, column))
    return found


def configured() -> list[tuple[str, str]]:
    """The facets of `acties` in schemas/metadata.yml."""
    with open(SCHEMAS_DIR / "metadata.yml", encoding="utf-8") as fh:
        metadata = yaml.safe_load(fh)
    tables = metadata.get("databases", {}).get(DATABASE, {}).get("tables", {})
    return configs_of(tables.get(TABLE))


def _name(column: str) -> str:
    return "[" + column.replace("]", "]]") + "]"


def count_sql(kind: str, column: str) -> str:
    col = _name(column)
    if kind == "column":
        return (f"select {col} as value, count(*) as count from [{TABLE}] where {col} is not null "
                f"group by {col} order by count desc, value")
    if kind == "date":
        return (f"select date({col}) as value, count(*) as count from [{TABLE}] "
                f"where date({col}) is not null group by date({col}) order by count desc, value")
    return (f"select j.value as value, count(*) as count from [{TABLE}] t, json_each(t.{col}) j "
            f"group by j.value order by count desc, value")


def repeats_sql(column: str) -> str:
    col = _name(column)
    return (f"select count(*) from [{TABLE}] t where {col} is not null and "
            f"json_array_length(t.{col}) != (select count(distinct value) from json_each(t.{col}))")


def count(conn, configs: list[tuple[str, str]]) -> dict[tuple[str, str], list[tuple[Any, int]]]:
    """(type, column) → its rows of (value, count), for each configured facet that can be
    counted this way (a list column with repeated items is left out)."""
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    if TABLE not in tables:
        return {}
    columns = {r[1] for r in conn.execute(f"pragma table_info([{TABLE}])")}
    found = {}
    for kind, column in configs:
        if column not in columns or kind not in KINDS:
            continue
        if kind == "array" and conn.execute(repeats_sql(column)).fetchone()[0]:
            continue  # repeated items: Datasette's own (de-duplicating) query stays
        found[(kind, column)] = [(r[0], r[1]) for r in conn.execute(count_sql(kind, column))]
    return found


def save(conn, configs: list[tuple[str, str]] | None = None) -> None:
    """COUNTS_TABLE (one row per facet, its counts as JSON) and INFO_TABLE in the catalogue
    being built, as its last tables."""
    conn.execute(f"create table [{COUNTS_TABLE}] (soort text not null, kolom text not null, "
                 "tellingen text not null, primary key (soort, kolom))")
    conn.executemany(
        f"insert into [{COUNTS_TABLE}] (soort, kolom, tellingen) values (?, ?, ?)",
        [(kind, column, json.dumps(rows, ensure_ascii=False))
         for (kind, column), rows in count(conn, configured() if configs is None
                                           else configs).items()])
    if _exists(conn, SEARCH_TABLE):
        conn.execute(f"create virtual table temp.woorden using fts5vocab(main, {SEARCH_TABLE}, row)")
        conn.execute(f"create table [{WORDS_TABLE}] (term text primary key) without rowid")
        conn.execute(f"insert into [{WORDS_TABLE}] (term) select term from temp.woorden")
        conn.execute("drop table temp.woorden")
    conn.execute(f"create table [{INFO_TABLE}] (sleutel text primary key, waarde text not null)")
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    rows = {t: conn.execute(f"select count(*) from {_name(t)}").fetchone()[0] for t in tables}
    rows[INFO_TABLE] = 2  # the two rows written here
    conn.executemany(f"insert into [{INFO_TABLE}] (sleutel, waarde) values (?, ?)",
                     [("kenmerk", secrets.token_hex(32)),
                      ("tabellen", json.dumps(rows, ensure_ascii=False))])


def _exists(conn, table: str) -> bool:
    return conn.execute("select 1 from sqlite_master where type = 'table' and name = ?",
                        [table]).fetchone() is not None


def words(conn) -> frozenset[str] | None:
    """The search index's tokens as the build stored them (None for a file without them)."""
    if not _exists(conn, WORDS_TABLE):
        return None
    return frozenset(r[0] for r in conn.execute(f"select term from [{WORDS_TABLE}]"))


def shipped(conn) -> dict[tuple[str, str], list[tuple[Any, int]]]:
    """The counts the catalogue file holds ({} for a file without them)."""
    if not _exists(conn, COUNTS_TABLE):
        return {}
    return {(kind, column): [(value, number) for value, number in json.loads(rows)]
            for kind, column, rows in conn.execute(
                f"select soort, kolom, tellingen from [{COUNTS_TABLE}]")}


def info(conn) -> dict[str, Any]:
    """INFO_TABLE of a catalogue: {"kenmerk": str, "tabellen": {table: rows}} ({} without it)."""
    if not _exists(conn, INFO_TABLE):
        return {}
    found = dict(conn.execute(f"select sleutel, waarde from [{INFO_TABLE}]").fetchall())
    return {"kenmerk": found.get("kenmerk"),
            "tabellen": json.loads(found["tabellen"]) if found.get("tabellen") else None}
