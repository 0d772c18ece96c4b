"""Under load: 32 readers over HTTP on `kennisbank serve` while a real `kennisbank build` swaps
the served kennisbank.db, and then a copy of the first file is renamed back in
(pipeline/catalogue/swap.py). Every answer (the table's count, facet counts and first rows, action
cards) must be exactly that of the old or of the new catalogue, computed from the files with
sqlite3; none may fail, and every request sent after a swap is complete sees the new file. The long version,
with facets, 30 s on 100,000 actions, is the benchmark `python -m bench.swap`.

Also: `kennisbank serve` stopped with SIGTERM removes its temporary metadata folder."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from helpers import ROOT, TODAY, start_serve, stop, wait_for
from pipeline.app import build
from pipeline.sources.snapshot import write_snapshot
from tools.sample.synthetic import make_snapshot

ROWS = 1000          # per catalogue: a build takes a few seconds
READERS = 32
TABLE = "/kennisbank/acties.json?_sort=actie_id&_size=20"
FACETS = ("provincie", "doel_behaald", "budget_klasse")  # counted once per file (facets.py)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("momentopnamen")
    # two catalogues with different actions and counts
    return [write_snapshot(make_snapshot(ROWS, seed), folder / str(seed)) for seed in (1, 2)]


def expected(db: Path, cards: list[str]) -> dict[str, str]:
    """What each page answers from the catalogue in `db` (canonical JSON)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        count = conn.execute("select count(*) from acties").fetchone()[0]
        ids = [r[0] for r in conn.execute("select actie_id from acties order by actie_id limit 20")]
        facets = {column: dict(sorted(conn.execute(
            f"select {column}, count(*) from acties where {column} is not null group by 1")))
            for column in FACETS}
        found = {TABLE: json.dumps([count, ids, facets])}
        for card in cards:
            row = conn.execute("select * from acties where actie_id = ?", [card]).fetchone()
            found[card_path(card)] = json.dumps(list(row) if row else None)
        return found
    finally:
        conn.close()


def card_path(actie_id: str) -> str:
    return f"/kennisbank/acties/{urllib.parse.quote(actie_id, safe='')}.json"


def fingerprint(path: str, status: int, body: bytes) -> str:
    if path != TABLE and status == 404:
        return json.dumps(None)
    if status != 200:
        return f"fout:{status}"
    data = json.loads(body)
    if path == TABLE:
        column = data["columns"].index("actie_id")
        facets = {name: dict(sorted((r["value"], r["count"])
                                    for r in data["facet_results"][name]["results"]))
                  for name in FACETS}
        return json.dumps([data["filtered_table_rows_count"], [r[column] for r in data["rows"]],
                           facets])
    return json.dumps(data["rows"][0])


class Readers:
    """Threads, each with one keep-alive connection, reading the pages in turn until stop():
    (sent, answered, path, fingerprint) per request."""

    def __init__(self, port: int, pages: list[str]):
        self.port, self.pages = port, pages
        self.results: list[tuple[float, float, str, str]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._read, args=(n,), daemon=True)
                         for n in range(READERS)]
        for thread in self._threads:
            thread.start()

    def _read(self, offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        i = offset
        while not self._stop.is_set():
            path = self.pages[i % len(self.pages)]
            sent = time.monotonic()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                found = fingerprint(path, response.status, response.read())
            except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
                found = f"fout:{type(exc).__name__}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.results.append((sent, time.monotonic(), path, found))
            i += 1
        conn.close()

    def read_on(self, since: float, requests: int) -> None:
        """Wait until `requests` more requests were sent after `since` and answered."""
        wait_for(lambda: sum(r[0] > since for r in list(self.results)) >= requests,
                 f"{requests} answers", timeout=120)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=90)
            assert not thread.is_alive()


@pytest.mark.parametrize("workers", [1, 2])  # kennisbank serve, and serve --workers 2
def test_readers_see_one_whole_catalogue_while_a_build_swaps_it(tmp_path, snapshots, workers):
    snapshot_a, snapshot_b = snapshots
    served = tmp_path / "uitvoer"
    build(str(snapshot_a), served, TODAY, force=True)  # catalogue A, by the real pipeline
    db = served / "kennisbank.db"
    db_a = shutil.copyfile(db, tmp_path / "a.db")
    with sqlite3.connect(f"file:{db_a}?mode=ro", uri=True) as conn:
        cards = [r[0] for r in conn.execute("select actie_id from acties order by actie_id")][::250]
    pages = [TABLE, *(card_path(c) for c in cards)]

    proc, port = start_serve(db, *(["--workers", str(workers)] if workers > 1 else []))
    readers = Readers(port, pages)
    try:
        readers.read_on(0, 2 * READERS)  # reading A
        build_started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "pipeline.cli", "build", "--source",
                               str(snapshot_b), "--out", str(served), "--peildatum",
                               TODAY.isoformat(), "--force"], cwd=ROOT, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        built = time.monotonic()  # B is in place: every request from now on sees B
        db_b = shutil.copyfile(db, tmp_path / "b.db")
        readers.read_on(built, 2 * READERS)
        back_started = time.monotonic()
        aside = served / ".kennisbank.db.terug.tmp"
        shutil.copyfile(db_a, aside)
        os.replace(aside, db)  # A back, renamed in as a build does it
        back = time.monotonic()
        readers.read_on(back, 2 * READERS)
    finally:
        readers.stop()
        stop(proc, group=True)

    want = {"A": expected(db_a, cards), "B": expected(db_b, cards)}
    assert all(want["A"][p] != want["B"][p] for p in pages)  # every page tells A from B
    phases = [(0, build_started, "A"), (build_started, built, "AB"), (built, back_started, "B"),
              (back_started, back, "AB"), (back, float("inf"), "A")]
    seen = {"A": 0, "B": 0}
    for sent, answered, path, found in readers.results:
        assert not found.startswith("fout:"), (path, found)
        version = next((v for v in "AB" if want[v][path] == found), None)
        assert version is not None, (path, found[:300])  # no answer mixes the two files
        allowed = "".join(v for start, end, v in phases if start <= answered and end > sent)
        assert version in allowed, (path, version, allowed)  # no stale answer after a swap
        seen[version] += 1
    assert seen["A"] > 0 and seen["B"] > 0


def test_serve_removes_its_temporary_folder_on_sigterm(tmp_path, site_catalogue):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc, _ = start_serve(site_catalogue, env={**os.environ, "TMPDIR": str(tmp)})
    try:
        folders = [p.name for p in tmp.iterdir()]
        assert len(folders) == 1 and folders[0].startswith("kennisbank-")
        assert [p.name for p in (tmp / folders[0]).iterdir()] == ["metadata.json"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        stop(proc)
    assert list(tmp.iterdir()) == []
