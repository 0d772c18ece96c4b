"""Fast facets for the published catalogue, with Datasette's own facet classes and URLs.

The catalogue is served immutable: its file never changes while it is served (a rebuild swaps
in a new file, which is a new cache key). So

1. the facet counts of the unfiltered `acties` table (the page every reader starts on) are
   computed once per file, when the server starts, and served from memory;
2. array facets (`?_facet_array=kanalen`) on a filtered table are counted with a plain
   `json_each` join instead of Datasette's generic query, which de-duplicates whole rows and
   took seconds (and so ran into facet_time_limit_ms and was silently left out). The plain
   count is the same number because the load stage writes every list without repeats; that is
   checked per column when the cache is made, and a column with repeats keeps Datasette's query;
3. the counts of a filtered table (the same SQL as Datasette's) are kept for the most recent
   filters, so the second reader of a popular filter or search does not count again.

Everything else (filters, `?kanalen__arraycontains=`, toggle URLs, the JSON and HTML output) is
Datasette's: the classes below only decide where the rows of counts come from. The hooks that
install them are in pipeline/catalogue/plugins/precomputed.py; benchmarks in bench/ (`make bench`).
"""

from __future__ import annotations

import asyncio
import os
import threading
import urllib.parse
from collections import OrderedDict
from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet, ColumnFacet, DateFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from pipeline.catalogue import compare
from pipeline.contract.config import BUDGET_LABELS
from pipeline.store import precomputed

DATABASE = "kennisbank"
TABLE = "acties"
# Column facets whose values read in a fixed order (low to high), not by count.
VALUE_ORDER = {"budget_klasse": BUDGET_LABELS}

# (path, inode, size, mtime) of a database file → its counts
_CACHE: dict[tuple, "Counts"] = {}
# (file, facet type, column, filtered SQL, parameters, size) → counts, most recent last
_RECENT: OrderedDict[tuple, list] = OrderedDict()
RECENT_MAX = 1024
# the same key → the count being made right now (one per event loop of the server process)
_PENDING: dict[tuple, "asyncio.Future"] = {}
_LOCK = threading.Lock()


class Counts:
    """Every value and count of each configured facet of the unfiltered table, in Datasette's
    order (count descending, then value); and which list columns hold no repeated items."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], list[tuple[Any, int]]] = {}
        self.unique_items: set[str] = set()

    def get(self, kind: str, column: str) -> list[tuple[Any, int]] | None:
        return self.rows.get((kind, column))


def file_key(db) -> tuple | None:
    """The identity of an immutable database file; None for anything else."""
    if db.is_mutable or db.is_memory or not db.path:
        return None
    if getattr(db, "file_key", None):  # pipeline/catalogue/swap.py: the file its connections read
        return db.file_key
    try:
        found = os.stat(db.path)
    except OSError:
        return None
    return (os.path.abspath(db.path), found.st_ino, found.st_size, found.st_mtime_ns)


def facet_configs(datasette) -> list[tuple[str, str]]:
    """(type, column) of the facets configured for the table in the metadata."""
    return precomputed.configs_of(datasette.table_metadata(DATABASE, TABLE))


def compute(conn, configs: list[tuple[str, str]]) -> Counts:
    """The counts the catalogue was built with (pipeline/store/precomputed.py), and those of
    any configured facet the file does not hold, counted now."""
    counts = Counts()
    held = precomputed.shipped(conn)
    missing = [c for c in configs if c not in held]
    found = {**held, **(precomputed.count(conn, missing) if missing else {})}
    for kind, column in configs:
        if (kind, column) in found:
            counts.rows[(kind, column)] = found[(kind, column)]
            if kind == "array":
                counts.unique_items.add(column)
    return counts


async def warm(datasette) -> None:
    """Compute the counts of the catalogue when the server starts (no request waits for it)."""
    if DATABASE in datasette.databases:
        await counts_for(datasette, datasette.get_database(DATABASE))


async def counts_for(datasette, db) -> Counts | None:
    key = file_key(db)
    if key is None:
        return None
    found = _CACHE.get(key)
    if found is None:
        configs = facet_configs(datasette)
        found = await db.execute_fn(lambda conn: compute(conn, configs))
        with _LOCK:
            # Earlier files at this path, except the latest: while a rebuilt file is being
            # swapped in (pipeline/catalogue/swap.py), the one it replaces still serves.
            for old in [k for k in _CACHE if k[0] == key[0]][:-1]:
                del _CACHE[old]
            _CACHE[key] = found
    return found


def unfiltered(facet) -> bool:
    """Whether the facet is computed over the whole `acties` table of the catalogue."""
    return (facet.database == DATABASE and facet.table == TABLE and not facet.params
            and facet.sql.rstrip().endswith((f" from {TABLE}", f" from [{TABLE}]")))


# ------------------------------------------------------------------------ the facet classes

class _Cached:
    """Mixin: counts from the cache for the unfiltered table; Datasette's query otherwise."""

    type: str

    async def facet_results(self):
        if self.database != DATABASE or self.table != TABLE:
            return await super().facet_results()
        counts = await counts_for(self.ds, self.ds.get_database(self.database))
        whole = counts is not None and unfiltered(self)
        results, timed_out = [], []
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            rows = counts.get(self.type, column) if whole else None
            if rows is None:
                rows = await self.filtered_rows(column, counts)
            if rows is None:  # Datasette's own query, for this config alone
                found, late = await self._original([source_and_config])
                results.extend(found)
                timed_out.extend(late)
                continue
            if rows is QueryInterrupted:
                timed_out.append(column)
                continue
            results.append(await self.shape(column, source_and_config["source"], rows))
        return results, timed_out

    async def filtered_rows(self, column: str, counts: Counts | None):
        """Counts of a filtered table: from the cache of recent filters of this file, or
        counted now (and kept: the file never changes)."""
        key = file_key(self.ds.get_database(self.database))
        if key is None or counts is None:
            return None
        params = self.params.items() if isinstance(self.params, dict) else enumerate(self.params)
        try:
            wanted = (key, self.type, column, self.sql, tuple(sorted(params)),
                      self.get_facet_size())
            hash(wanted)
        except TypeError:
            return None
        with _LOCK:
            if wanted in _RECENT:
                _RECENT.move_to_end(wanted)
                return _RECENT[wanted]
        # Readers asking for the same counts at the same time wait for one count instead of
        # each starting their own (which, on a busy server, made all of them time out).
        loop = asyncio.get_running_loop()
        pending = _PENDING.get(wanted)
        if pending is not None and pending.get_loop() is loop:
            rows = await asyncio.shield(pending)
            if rows is not None:
                return rows
        future = _PENDING[wanted] = loop.create_future()
        rows = None
        try:
            rows = await self.count_filtered(column, counts)
            if isinstance(rows, list):
                with _LOCK:
                    _RECENT[wanted] = rows
                    while len(_RECENT) > RECENT_MAX:
                        _RECENT.popitem(last=False)
        finally:
            if _PENDING.get(wanted) is future:
                del _PENDING[wanted]
            future.set_result(rows)  # None (this count failed): a waiter counts itself
        return rows

    async def count_filtered(self, column: str, counts: Counts):
        """Datasette's own facet query for this type, with a time limit."""
        col = escape_sqlite(column)
        value = f"date({col})" if self.type == "date" else col
        sql = (f"select {value} as value, count(*) as count from ({self.sql}) "
               f"where {value} is not null group by {value} order by count desc, value "
               f"limit {self.get_facet_size() + 1}")
        return await self._counted(sql)

    async def _counted(self, sql: str):
        """Counts of a filtered table of the immutable catalogue: kept for the readers after
        this one (_RECENT), so they may take as long as any query (sql_time_limit_ms) instead
        of the facet time limit; a count that timed out was never kept, and every reader of a
        filter on 1,000,000 actions paid the limit for each facet again, without the facet."""
        try:
            found = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                          custom_time_limit=self.ds.setting(
                                              "sql_time_limit_ms"))
        except QueryInterrupted:
            return QueryInterrupted
        return [(r["value"], r["count"]) for r in found.rows]

    async def _original(self, configs: list[dict]):
        self._only = configs
        try:
            return await super().facet_results()
        finally:
            self._only = None

    def get_configs(self):
        only = getattr(self, "_only", None)
        return only if only is not None else super().get_configs()


class FastColumnFacet(_Cached, ColumnFacet):
    async def shape(self, column: str, source: str, rows: list[tuple[Any, int]]) -> dict:
        facet_size = self.get_facet_size()
        qs_pairs = self.get_querystring_pairs()
        values = []
        order = VALUE_ORDER.get(column)
        if order:
            rows = sorted(rows, key=lambda r: order.index(r[0]) if r[0] in order else len(order))
        shown = rows[:facet_size]
        expanded = await self.ds.expand_foreign_keys(
            self.database, self.table, column, [v for v, _ in shown])
        for value, count in shown:
            column_qs = f"{column}__exact" if column.startswith("_") else column
            selected = (column_qs, str(value)) in qs_pairs
            toggle_path = (path_with_removed_args(self.request, {column_qs: str(value)})
                           if selected else path_with_added_args(self.request, {column_qs: value}))
            values.append({"value": value, "label": expanded.get((column, value), value),
                           "count": count,
                           "toggle_url": self.ds.absolute_url(self.request,
                                                              self.ds.urls.path(toggle_path)),
                           "selected": selected})
        return {"name": column, "type": self.type, "hideable": source != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request,
                                                                       {"_facet": column})),
                "results": values, "truncated": len(rows) > facet_size}


class FastDateFacet(_Cached, DateFacet):
    async def shape(self, column: str, source: str, rows: list[tuple[Any, int]]) -> dict:
        facet_size = self.get_facet_size()
        args = dict(self.get_querystring_pairs())
        values = []
        for value, count in rows[:facet_size]:
            selected = str(args.get(f"{column}__date")) == str(value)
            toggle_path = (path_with_removed_args(self.request, {f"{column}__date": str(value)})
                           if selected else
                           path_with_added_args(self.request, {f"{column}__date": value}))
            values.append({"value": value, "label": value, "count": count,
                           "toggle_url": self.ds.absolute_url(self.request, toggle_path),
                           "selected": selected})
        return {"name": column, "type": self.type, "results": values,
                "hideable": source != "metadata",
                "toggle_url": path_with_removed_args(self.request, {"_facet_date": column}),
                "truncated": len(rows) > facet_size}


class FastArrayFacet(_Cached, ArrayFacet):
    async def count_filtered(self, column: str, counts: Counts):
        """A filtered table: count list items with a plain join (lists without repeats)."""
        if column not in counts.unique_items:
            return None
        col = escape_sqlite(column)
        sql = compare.without_own_filter(self.sql, self.request.args, column)
        # with values chosen in this facet every value is counted: the chosen ones stay shown
        limit = "" if sql != self.sql else f" limit {self.get_facet_size() + 1}"
        return await self._counted(
            f"select j.value as value, count(*) as count from ({sql}) t, "
            f"json_each(t.{col}) j group by j.value order by count desc, value{limit}")

    async def shape(self, column: str, source: str, rows: list[tuple[Any, int]]) -> dict:
        facet_size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        values = []
        for position, (raw, count) in enumerate(rows):
            value = str(raw)
            toggle_path, selected = toggled(self.request, pairs, column, value)
            if position >= facet_size and not selected:
                continue  # beyond the facet's size only the chosen values
            values.append({"value": value, "label": value, "count": count,
                           "toggle_url": self.ds.absolute_url(self.request, toggle_path),
                           "selected": selected})
        return {"name": column, "type": self.type, "results": values,
                "hideable": source != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(
                    self.request, {"_facet_array": column})),
                "truncated": len(rows) > facet_size}


def toggled(request, pairs, column: str, value: str) -> tuple[str, bool]:
    """The path that chooses or drops a value of a list facet, and whether it is chosen. A value
    is chosen with ?column__arrayany= (OR within the facet); one chosen with Datasette's
    ?column__arraycontains= (a link from a card) joins the others as arrayany when another
    value is added, so the facet keeps widening the list."""
    all_key, any_key = f"{column}__arraycontains", f"{column}__{compare.ANY}"
    for key in (all_key, any_key):
        if (key, value) in pairs:
            return path_with_removed_args(request, {key: value}), True
    chosen = [v for k, v in pairs if k == all_key]
    base = path_with_removed_args(request, {all_key, "_next"})
    added = urllib.parse.urlencode([(any_key, v) for v in [*chosen, value]])
    return base + ("&" if "?" in base else "?") + added, False


FAST = {ColumnFacet: FastColumnFacet, DateFacet: FastDateFacet, ArrayFacet: FastArrayFacet}


def top_values(counts: Counts | None, column: str, limit: int) -> list[dict[str, Any]] | None:
    """The most used values of a list column of the whole table (the home page's entries), or
    None when they are not cached."""
    rows = counts.get("array", column) if counts is not None else None
    if rows is None:
        return None
    return [{"waarde": value, "aantal": count} for value, count in rows[:limit]]


__all__ = ["FAST", "warm", "counts_for", "top_values"]
