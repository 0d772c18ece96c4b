"""A catalogue that can be rebuilt while it is served: every request is answered from one file.

`kennisbank build` writes a new kennisbank.db aside and os.replace()s it over the served path
(pipeline/store/load.py): the path always names a complete file, the old or the new one (never a
half-written or missing one). Datasette, however, serves the catalogue as an immutable database
and would not notice: its per-thread connections are keyed by the database name only (so threads
would keep reading the old file while threads that connect later read the new one, even within
one request), the table counts are cached on the Database object, and pipeline/catalogue/facets.py caches
the unfiltered facet counts per file. A page could then take its count from one file and its
rows from the other.

So the catalogue is served as a `Catalogue`: a Database whose connections are all opened at
once, to one file whose identity (path, inode, size, mtime) it keeps as `file_key`, with its
table counts and facet counts computed before it is used. The ASGI middleware `guard` checks the
file's identity (one os.stat) when a request comes in. When it changed, new requests wait from
that moment; the next Catalogue is opened while the requests in flight finish; then it replaces
the old one and the waiting requests go on, on the new file. Nothing fails: a request that
arrives during the switch waits about as long as opening the new file (its facet counts) or the
slowest request in flight takes (SQL is limited to sql_time_limit_ms). A file is never absent or
half-written at the path (os.replace of a complete file); if a new file cannot be opened at all,
the old one keeps serving. Tests: tests/test_load_swap.py; under load: bench/swap.py.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import queue
import sys
import time
import weakref
from pathlib import Path

from datasette.database import Database
from datasette.inspect import inspect_hash

from pipeline.catalogue import facets
from pipeline.store import precomputed

DB = facets.DATABASE
_INSIDE = contextvars.ContextVar("kennisbank_inside_request", default=False)
_STATE: "weakref.WeakKeyDictionary[object, Switch]" = weakref.WeakKeyDictionary()


def identity(path: str | Path) -> tuple | None:
    """The same key as facets.file_key: which file the path names right now."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (os.path.abspath(path), found.st_ino, found.st_size, found.st_mtime_ns)


class Catalogue(Database):
    """The immutable catalogue on a fixed set of connections, all opened to the same file."""

    def __init__(self, datasette, path: str):
        super().__init__(datasette, path=path, is_mutable=False)
        self.name = self.route = DB  # prepare_connection hooks see the right name
        self.file_key: tuple | None = None  # set by open_catalogue once it is sure
        self._pool: queue.SimpleQueue = queue.SimpleQueue()

    def _open(self) -> None:
        """One connection per SQL thread (each thread uses one at a time, so none waits), and
        the file's fingerprint, size and table counts (Datasette's index page shows them), read
        now, from this file: as the build stored them in it (pipeline/store/precomputed.py), or
        else hashed and counted (a catalogue built before they were stored)."""
        connections = []
        for _ in range(max(1, self.ds.setting("num_sql_threads") or 1)):
            conn = self.connect()  # ?immutable=1; SQLite opens the file here
            self.ds._prepare_connection(conn, self.name)
            connections.append(conn)
        stored = precomputed.info(connections[0])
        for conn in connections:
            self._pool.put(conn)
        self.cached_hash = stored.get("kenmerk") or inspect_hash(Path(self.path))
        self.cached_size = os.path.getsize(self.path)
        if stored.get("tabellen") is not None:
            self._cached_table_counts = stored["tabellen"]

    async def execute_fn(self, fn):
        """Datasette's execute_fn, with a connection of this object instead of the thread's."""

        def on_own_connection():
            conn = self._pool.get()
            try:
                return fn(conn)
            finally:
                self._pool.put(conn)

        return await asyncio.get_running_loop().run_in_executor(self.ds.executor,
                                                                on_own_connection)


async def open_catalogue(datasette, path: str) -> Catalogue | None:
    """A Catalogue of the file the path names, ready to serve; None if there is none."""
    while True:
        before = identity(path)
        if before is None:
            return None
        db = Catalogue(datasette, path)
        await asyncio.to_thread(db._open)
        if identity(path) == before:  # not swapped while opening: everything read `before`
            break
        db.close()  # a newer file came in meanwhile: open that one
    db.file_key = before
    await db.table_counts(limit=3600 * 1000)  # the counts Datasette caches per Database
    await facets.counts_for(datasette, db)    # the unfiltered facet counts of this file
    return db


def install(datasette, db: Catalogue) -> None:
    # A new dict, in the same order, as datasette.add_database does (never mutate it in place).
    datasette.databases = {**datasette.databases, DB: db}


async def pin(datasette) -> None:
    """At startup: serve the catalogue Datasette opened (--immutable) as a Catalogue."""
    current = datasette.databases.get(DB)
    if current is None or isinstance(current, Catalogue) or current.is_mutable or not current.path:
        return
    db = await open_catalogue(datasette, current.path)
    if db is not None:
        install(datasette, db)
        current.close()


class Switch:
    """Per Datasette: the requests in flight and the switch to a newer file. Everything runs
    on the event loop, so the counter needs no lock; leave() does not await, so a cancelled
    request cannot leave the counter behind."""

    def __init__(self, datasette):
        self.ds = datasette
        self.in_flight = 0
        self.idle = asyncio.Event()   # set when no request is in flight
        self.idle.set()
        self.open = asyncio.Event()   # cleared during a switch: new requests wait
        self.open.set()
        self.switching = False
        self.task: asyncio.Task | None = None
        self.refused: tuple | None = None  # a file that could not be opened: not tried again

    def notice(self) -> None:
        """When the path names another file than the one served: hold new requests from now
        on and switch to that file (so once `kennisbank build` is done, every new request sees
        the new catalogue)."""
        served = self.ds.databases.get(DB)
        if self.switching or not isinstance(served, Catalogue):
            return
        now = identity(served.path)
        if now is not None and now != served.file_key and now != self.refused:
            self.switching = True
            self.open.clear()
            self.task = asyncio.get_running_loop().create_task(self.switch(served))  # kept: a
            # task nobody refers to may be garbage-collected while it runs

    async def switch(self, old: Catalogue) -> None:
        started = time.perf_counter()
        try:
            new = await open_catalogue(self.ds, old.path)  # meanwhile in-flight requests end
        except Exception as exc:  # noqa: BLE001 - keep serving the old file, say why once
            self.refused = identity(old.path)
            print(f"kennisbank: nieuwe kennisbank niet geopend, de vorige blijft: {exc!r}",
                  file=sys.stderr, flush=True)
            new = None
        try:
            while self.in_flight:
                await self.idle.wait()
            if new is not None:
                install(self.ds, new)
                old.close()  # no request uses the old file any more
                print(f"kennisbank: nieuwe kennisbank in gebruik ({new.path}); nieuwe verzoeken "
                      f"wachtten {time.perf_counter() - started:.1f} s", file=sys.stderr,
                      flush=True)
        finally:
            self.switching = False
            self.open.set()

    async def enter(self) -> None:
        self.notice()
        while not self.open.is_set():
            await self.open.wait()
        self.in_flight += 1
        self.idle.clear()

    def leave(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0:
            self.idle.set()


def guard(datasette, app):
    """ASGI middleware: each HTTP request runs entirely on one Catalogue (see the top)."""

    async def guarded(scope, receive, send):
        # Datasette's own internal requests (datasette.client) run inside a request: not again.
        if scope.get("type") != "http" or _INSIDE.get():
            return await app(scope, receive, send)
        state = _STATE.get(datasette)
        if state is None:
            state = _STATE[datasette] = Switch(datasette)
        await state.enter()
        token = _INSIDE.set(True)
        try:
            return await app(scope, receive, send)
        finally:
            _INSIDE.reset(token)
            state.leave()

    return guarded
