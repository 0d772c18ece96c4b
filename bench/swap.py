"""Readers during a rebuild: 32 concurrent readers on `kennisbank serve` while `kennisbank build`
swaps the served kennisbank.db for a catalogue built from another snapshot (and, at the end, a
copy of the first file is renamed back in, the way a build swaps it). Loopback only, bounded in
time.

Every response is checked against the two catalogues: the count, the facet counts and the row
ids of a table page (unfiltered and filtered) and every value of an action card must be exactly
those of catalogue A or exactly those of catalogue B, computed from the files with sqlite3
(`expected`). Counted: failed requests (not 200, connection errors), mixed responses (neither A
nor B) and late responses (a catalogue that was not at the path at any moment between the
request being sent and answered, e.g. the old one for a request sent after the swap).

    python -m bench.swap [--rows 100000] [--seconds 30] [--readers 32]

runs it on generated snapshots (seeds 1 and 2, cached in output/bench/momentopnamen/);
bench/run.py calls `run` at 100,000 actions; tests/test_load_swap.py runs it small.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.run import BIN, OUT, PEILDATUM, ROOT, Server, get, percentile
from pipeline.catalogue.facets import VALUE_ORDER
from pipeline.store.precomputed import configs_of

READERS = 32


# ------------------------------------------------------------------------ what A and B answer

def _settings() -> tuple[int, int, list[tuple[str, str]], str]:
    """(page size, facet size, configured facets as (kind, column), sort column) of `acties`."""
    from pipeline.catalogue.serve import SETTINGS, build_metadata

    table = build_metadata()["databases"]["kennisbank"]["tables"]["acties"]
    configs = configs_of(table)
    return (table.get("size") or SETTINGS["default_page_size"],
            table.get("facet_size") or SETTINGS["default_facet_size"], configs,
            table.get("sort_desc") or "actie_id")


def _facet_sql(kind: str, column: str, where: str) -> str:
    if kind == "array":
        return (f"select j.value, count(*) from acties t, json_each(t.[{column}]) j "
                f"where t.rowid in (select rowid from acties where {where}) "
                f"group by j.value order by 2 desc, 1")
    value = f"date([{column}])" if kind == "date" else f"[{column}]"
    return (f"select {value}, count(*) from acties where ({where}) and {value} is not null "
            f"group by {value} order by 2 desc, 1")


def expected(db: Path, page: dict[str, Any]) -> Any:
    """What `page` must show when it is answered from the catalogue in `db`."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        if page["soort"] == "kaart":
            row = conn.execute("select * from acties where actie_id = ?", [page["id"]]).fetchone()
            return ("kaart", list(row) if row else None)
        size, facet_size, configs, sort = _settings()
        where, params, column = page["where"], page["params"], page["kolom"]
        order = "actie_id" if column == "actie_id" else f"[{sort}] desc"  # Datasette's order
        count = conn.execute(f"select count(*) from acties where {where}", params).fetchone()[0]
        ids = [r[0] for r in conn.execute(
            f"select [{column}] from acties where {where} order by {order} limit {size}",
            params)]
        facets = {}
        for kind, column in configs:
            # the facet of the filtered list column counts without its own filter (OR within
            # a facet, pipeline/catalogue/compare.py); budget classes read low to high
            own = column == page.get("eigen")
            rows = [list(r) for r in conn.execute(_facet_sql(kind, column, "1" if own else where),
                                                  [] if own else params)]
            order = VALUE_ORDER.get(column)
            if order:
                rows.sort(key=lambda r: order.index(r[0]) if r[0] in order else len(order))
            facets[column] = (rows[:facet_size], len(rows) > facet_size)
        return ("tabel", count, ids, facets)
    finally:
        conn.close()


def fingerprint(page: dict[str, Any], status: int, body: bytes) -> Any:
    """The same shape as `expected`, from a response (a card that is not there: None)."""
    if page["soort"] == "kaart" and status == 404:
        return ("kaart", None)
    data = json.loads(body)
    if page["soort"] == "kaart":
        return ("kaart", data["rows"][0])
    column = data["columns"].index(page["kolom"])
    facets = {name: ([[r["value"], r["count"]] for r in found["results"]], found["truncated"])
              for name, found in data["facet_results"].items()}
    return ("tabel", data["filtered_table_rows_count"], [r[column] for r in data["rows"]],
            facets)


def canonical(found: Any) -> str:
    return json.dumps(found, sort_keys=True, ensure_ascii=False)


def judge(found: Any, want: dict[str, Any]) -> tuple[str, bool]:
    """(catalogue, complete): ("A" or "B", True) for an answer that is all A's or all B's,
    ("gemengd", True) for any other answer. Under load Datasette leaves out a facet (facet_time_limit_ms) or the count
    (sql_time_limit_ms) it could not compute in time: then the rest must match, and the answer
    counts as incomplete (onvolledig), not as mixed."""
    for version in ("A", "B"):
        if found == want[version]:
            return version, True
    for version in ("A", "B"):
        expect = want[version]
        if (found[0] == expect[0] == "tabel" and found[1] in (None, expect[1])
                and found[2] == expect[2]
                and all(expect[3].get(name) == value for name, value in found[3].items())):
            return version, False
    return "gemengd", True


def pages(db: Path, cards: int = 4) -> list[dict[str, Any]]:
    """The pages the readers read, chosen from catalogue `db`: the table as a reader first sees
    it (with its count and facets; Datasette orders it by start date only, so rows of the same
    date may come in any order and only their dates are compared), the table by action id, the
    table filtered on the most used goal, and a few action cards."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        goal = conn.execute("select j.value from acties, json_each(acties.doelen) j "
                            "group by 1 order by count(*) desc, 1 limit 1").fetchone()[0]
        ids = [r[0] for r in conn.execute("select actie_id from acties order by actie_id")]
    _, _, _, sort = _settings()
    table = "/kennisbank/acties.json"
    step = max(1, len(ids) // cards)
    return [
        {"naam": "tabel", "pad": table, "soort": "tabel", "where": "1", "params": [],
         "kolom": sort},
        {"naam": "tabel_id", "pad": f"{table}?_sort=actie_id", "soort": "tabel", "where": "1",
         "params": [], "kolom": "actie_id"},
        {"naam": "gefilterd", "soort": "tabel", "kolom": "actie_id",
         "pad": f"{table}?" + urllib.parse.urlencode({"doelen__arraycontains": goal,
                                                      "_sort": "actie_id"}),
         "where": "exists (select 1 from json_each(acties.doelen) where value = ?)",
         "params": [goal], "eigen": "doelen"},
    ] + [{"naam": "kaart", "pad": f"/kennisbank/acties/{urllib.parse.quote(i, safe='')}.json",
          "soort": "kaart", "id": i} for i in ids[::step][:cards]]


# ------------------------------------------------------------------------ the readers

class Readers:
    """`count` threads, each with one keep-alive connection, reading the pages in turn until
    stop() or `limit_s`. Each answer is kept as a fingerprint (distinct ones once); phase()
    marks from when on a request must be answered from which catalogue ("A", "B", or "AB"
    while a swap is under way)."""

    def __init__(self, port: int, pages_: list[dict[str, Any]], count: int = READERS,
                 limit_s: float = 600):
        self.port, self.pages, self.count = port, pages_, count
        self.results: list[tuple[float, float, int, int | str]] = []  # start, s, page, answer
        self.answers: dict[tuple[int, str], int] = {}  # (page, canonical fingerprint) → number
        self.phases: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._deadline = time.perf_counter() + limit_s
        self._threads = [threading.Thread(target=self._read, args=(n,), daemon=True)
                         for n in range(count)]

    def start(self, allowed: str = "A") -> None:
        self.phase(allowed)
        for t in self._threads:
            t.start()

    def phase(self, allowed: str) -> None:
        with self._lock:
            self.phases.append((time.perf_counter(), allowed))

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            if t.is_alive():
                t.join()

    def _read(self, offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        i = offset
        while not self._stop.is_set() and time.perf_counter() < self._deadline:
            page_no = i % len(self.pages)
            page = self.pages[page_no]
            started = time.perf_counter()
            try:
                status, body, took = get(self.port, page["pad"], conn=conn)
                found = (canonical(fingerprint(page, status, body))
                         if status == 200 or (status == 404 and page["soort"] == "kaart")
                         else f"fout:{status}")
            except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
                found, took = f"fout:{type(exc).__name__}", time.perf_counter() - started
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            with self._lock:
                answer = (found if found.startswith("fout:") else
                          self.answers.setdefault((page_no, found), len(self.answers)))
                self.results.append((started, took, page_no, answer))
            i += 1
        conn.close()

    def allowed(self, start: float, end: float) -> str:
        """The catalogues a request sent at `start` and answered at `end` may see: those of the
        phases during its lifetime (the server reads a request some time after it was sent)."""
        found = ""
        for n, (since, which) in enumerate(self.phases):
            until = self.phases[n + 1][0] if n + 1 < len(self.phases) else float("inf")
            if since <= end and until > start:
                found += which
        return found

    def summary(self, db_a: Path, db_b: Path) -> dict[str, Any]:
        """The numbers, with each answer judged against what A and B must answer."""
        want = [{v: json.loads(canonical(expected(db, p))) for v, db in (("A", db_a), ("B", db_b))}
                for p in self.pages]
        verdict = {number: judge(json.loads(text), want[page_no])
                   for (page_no, text), number in self.answers.items()}
        outcomes = [verdict[r[3]][0] if r[3] in verdict else r[3] for r in self.results]
        incomplete = sum(1 for r in self.results if r[3] in verdict and not verdict[r[3]][1])
        late = sum(1 for r, o in zip(self.results, outcomes)
                   if o in ("A", "B") and o not in self.allowed(r[0], r[0] + r[1]))
        times = [r[1] for r in self.results]
        span = (max(r[0] + r[1] for r in self.results) - min(r[0] for r in self.results)
                if self.results else 0)
        return {
            "lezers": self.count, "seconden": round(span, 1), "verzoeken": len(outcomes),
            "per_seconde": round(len(outcomes) / span, 1) if span else None,
            "fouten": sum(o.startswith("fout:") for o in outcomes),
            "soorten_fouten": sorted({o for o in outcomes if o.startswith("fout:")}),
            "gemengd": outcomes.count("gemengd"), "verouderd": late,
            "onvolledig": incomplete,
            "versies": {v: outcomes.count(v) for v in ("A", "B")},
            "a_en_b_verschillen": all(w["A"] != w["B"] for w in want if w),
            "p50_ms": round(percentile(times, 50) * 1000, 1) if times else None,
            "p95_ms": round(percentile(times, 95) * 1000, 1) if times else None,
            "max_ms": round(max(times) * 1000, 1) if times else None,
        }


# ------------------------------------------------------------------------ one run

def replace_with_copy(source: Path, target: Path) -> None:
    """Copy `source` next to `target` and rename it over `target`, as write_catalogue does."""
    tmp = target.with_name(f".{target.name}.wissel.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def run(served_dir: Path, snapshot_b: Path, seconds: float, readers: int = READERS,
        before_s: float = 2.0, after_s: float = 3.0, back: bool = True,
        build_timeout_s: float = 1800, say=print, workers: int | None = None) -> dict[str, Any]:
    """served_dir/kennisbank.db is catalogue A. Serve it with `kennisbank serve`, start the
    readers, run `kennisbank build` of snapshot_b into served_dir (the swap to B), read on, and
    with `back` rename a copy of A in again (the swap back) and read on: `seconds` of reading
    in all, at least `after_s` after the build. `workers`: processes of `kennisbank serve`
    (bench.run.WORKERS when None). Returns the numbers (see Readers.summary)."""
    served = served_dir / "kennisbank.db"
    aside = served_dir.parent / f"{served_dir.name}-wissel"
    shutil.rmtree(aside, ignore_errors=True)
    aside.mkdir(parents=True)
    db_a, db_b = aside / "a.db", aside / "b.db"
    shutil.copyfile(served, db_a)
    server = Server("kennisbank", served, workers=workers)
    readers_ = None
    try:
        readers_ = Readers(server.port, pages(db_a), readers,
                           limit_s=before_s + build_timeout_s + max(after_s, seconds))
        started = time.perf_counter()
        readers_.start("A")
        time.sleep(before_s)
        readers_.phase("AB")
        build_started = time.perf_counter()
        done = subprocess.run([str(BIN / "kennisbank"), "build", "--source", str(snapshot_b),
                               "--out", str(served_dir), "--peildatum", PEILDATUM, "--force"],
                              cwd=ROOT, capture_output=True, text=True, timeout=build_timeout_s)
        build_s = time.perf_counter() - build_started
        readers_.phase("B")  # the build has renamed B in: every request from now on sees B
        if done.returncode != 0:
            raise RuntimeError(f"kennisbank build mislukte ({done.returncode}):\n"
                               f"{done.stderr[-3000:]}")
        os.link(served, db_b)  # B, kept for the check
        say(f"    swap: build van B {build_s:.1f} s")
        rest = max(after_s, seconds - (time.perf_counter() - started))
        if back:
            time.sleep(rest / 2)
            readers_.phase("AB")
            replace_with_copy(db_a, served)
            readers_.phase("A")
            time.sleep(rest / 2)
        else:
            time.sleep(rest)
    finally:
        if readers_ is not None:
            readers_.stop()
        server.stop()
    result = readers_.summary(db_a, db_b)
    result["build_s"] = round(build_s, 1)
    result["wissels"] = 2 if back else 1
    shutil.rmtree(aside, ignore_errors=True)
    return result


def say_result(result: dict[str, Any], say=print) -> None:
    say(f"    swap: {result['lezers']} lezers, {result['seconden']} s, {result['verzoeken']} "
        f"verzoeken ({result['per_seconde']} /s), fouten {result['fouten']}, gemengd "
        f"{result['gemengd']}, verouderd {result['verouderd']}, versies {result['versies']} "
        f"(onvolledig door tijdslimiet {result['onvolledig']}), "
        f"p95 {result['p95_ms']} ms, max {result['max_ms']} ms")


def main(argv: list[str] | None = None) -> int:
    from tools.sample.synthetic import snapshot_file

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--readers", type=int, default=READERS)
    args = parser.parse_args(argv)
    folder = OUT / "momentopnamen"
    snapshot_a = snapshot_file(args.rows, 1, folder)
    snapshot_b = snapshot_file(args.rows, 2, folder)
    served_dir = OUT / "werk" / f"wissel-{args.rows}"
    shutil.rmtree(served_dir, ignore_errors=True)
    subprocess.run([str(BIN / "kennisbank"), "build", "--source", str(snapshot_a), "--out",
                    str(served_dir), "--peildatum", PEILDATUM, "--force"], cwd=ROOT,
                   check=True, capture_output=True)
    result = run(served_dir, snapshot_b, args.seconds, args.readers)
    say_result(result)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    ok = not (result["fouten"] or result["gemengd"] or result["verouderd"])
    return 0 if ok and result["versies"]["A"] and result["versies"]["B"] else 1


if __name__ == "__main__":
    sys.exit(main())
