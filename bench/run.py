"""`make bench`: the pipeline and the catalogue at 1,000, 10,000 and 100,000 actions
(and 1,000,000 with BENCH_FULL=1), with a table on screen and JSON in output/bench/.

1. Pipeline: wall time and peak memory of `kennisbank build` from a snapshot, per stage
   (bench/stages.py), against the floor measured in the same run: plain sqlite3 executemany of
   the same raw strings into one table, and `sqlite-utils insert --csv` of the same rows (up to
   100,000 actions).
2. Catalogue: `kennisbank serve` over HTTP on 127.0.0.1, p50/p95 per page (table with its
   facets as HTML and JSON, a filtered page, a search, action cards, the home page, every canned
   query (its first page of 50 rows; stock gets the same SQL and shows its whole answer, and
   each page's p95 is judged against stock's: "vraag <naam>: p95 ≤ stock"); the table page once more with the usage log written to a file, issue 14), and the
   same URLs on stock `datasette serve -i` (default settings, no plugins) of the
   same file, as the reference; whether every configured facet came back.
3. Load: 8 and 32 concurrent readers (threads, one keep-alive connection each, loopback only,
   bounded in time) on the table page and the cards: requests/s, p95, p99, errors.
4. Cold start (issue 18): from starting `kennisbank serve` (1 and 2 workers) to the first
   complete answer of the home page and then of the faceted table, as a deployment that
   scales to zero pays it on a first visit.
5. Swap under load (bench/swap.py, at 100,000 actions): 32 readers, at least 30 s and all through
   the `kennisbank build` of another snapshot (seed + 1) that swaps the served file: failed,
   mixed and late answers.

Settings (environment): BENCH_FULL=1 adds 1,000,000 rows; BENCH_SIZES=1000,10000 chooses the
sizes; BENCH_SEED (1); BENCH_REQUESTS (30 per page); BENCH_PAGE_SECONDS (90: a page slower than
that in total stops early, with the count recorded); BENCH_LOAD_SECONDS (20);
BENCH_LOAD_SIZES (the largest size); BENCH_STOCK=0 skips stock Datasette, BENCH_STOCK_SIZES
measures it at these sizes only (at 1,000,000 stock takes minutes per page); BENCH_SWAP=0 skips
the swap, BENCH_SWAP_SECONDS (30); BENCH_WORKERS: processes of `kennisbank serve --workers`
(the number of cores; the faceted table under load is also measured with one process).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import shape
from pipeline.catalogue.usage import USAGE_LOG_ENV
from tools.sample.synthetic import snapshot_file

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "output" / "bench"
PYTHON = sys.executable
BIN = Path(sys.executable).parent
PEILDATUM = "2026-11-28"
SEARCH_TERM = "voorlezen"
TARGET_SIZE = 100_000
SQLITE_UTILS_UP_TO = 100_000  # the second floor (sqlite-utils insert --csv) takes ~9 min at 1M
# server processes of `kennisbank serve --workers` (one per core; BENCH_WORKERS to choose)
WORKERS = int(os.environ.get("BENCH_WORKERS") or os.cpu_count() or 1)

QUESTION = "vraag_"  # the name of a canned question's page in the report: vraag_<name>


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def sizes() -> list[int]:
    if os.environ.get("BENCH_SIZES"):
        return [int(s) for s in os.environ["BENCH_SIZES"].split(",") if s.strip()]
    return [1_000, 10_000, 100_000] + ([1_000_000] if os.environ.get("BENCH_FULL") == "1" else [])


def say(text: str) -> None:
    print(text, flush=True)


# ------------------------------------------------------------------------ 1. pipeline

def timed(cmd: list[str], **kwargs: Any) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, **kwargs)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, done


def bench_pipeline(rows: int, snapshot: Path, work: Path) -> dict[str, Any]:
    floor_db, floor_csv, su_db = work / "floor.db", work / "floor.csv", work / "floor-su.db"
    executemany_s, _ = timed([PYTHON, "-m", "bench.floor", "executemany", str(snapshot),
                              str(floor_db)])
    sqlite_utils_s = None
    if rows <= SQLITE_UTILS_UP_TO:
        timed([PYTHON, "-m", "bench.floor", "csv", str(snapshot), str(floor_csv)])
        su_db.unlink(missing_ok=True)
        sqlite_utils_s, _ = timed([str(BIN / "sqlite-utils"), "insert", str(su_db), "acties",
                                   str(floor_csv), "--csv"])
    for path in (floor_db, floor_csv, su_db):
        path.unlink(missing_ok=True)
    out = work / "uitvoer"
    shutil.rmtree(out, ignore_errors=True)
    result_file = work / "stadia.json"
    build_s, _ = timed([PYTHON, "-m", "bench.stages", str(result_file), "--", "build",
                        "--source", str(snapshot), "--out", str(out), "--peildatum", PEILDATUM,
                        "--force"])
    stages = json.loads(result_file.read_text(encoding="utf-8"))
    with sqlite3.connect(out / "kennisbank.db") as db:
        published = db.execute("select count(*) from acties").fetchone()[0]
    return {
        "rijen": rows, "snapshot_bytes": snapshot.stat().st_size, "gepubliceerd": published,
        "vloer_executemany_s": round(executemany_s, 2),
        "sqlite_utils_csv_s": None if sqlite_utils_s is None else round(sqlite_utils_s, 2),
        "build_s": round(build_s, 2), "build_piek_mib": stages["piek_mib"],
        "verhouding_executemany": round(build_s / executemany_s, 2),
        "verhouding_sqlite_utils": None if sqlite_utils_s is None else round(
            build_s / sqlite_utils_s, 2),
        "stadia": stages["stadia"], "overig_s": stages["overig_seconden"],
        "cpu_s": stages["cpu_seconden"], "catalogus": str(out / "kennisbank.db"),
        "piek_kindproces_mib": stages.get("piek_kindproces_mib"),
        "cpu_kindproces_s": stages.get("cpu_kindproces_seconden"),
    }


def bench_sample(work: Path) -> dict[str, Any]:
    out = work / "voorbeeld"
    runs = []
    for _ in range(3):
        shutil.rmtree(out, ignore_errors=True)
        seconds, _ = timed([str(BIN / "kennisbank"), "build", "--out", str(out),
                            "--peildatum", PEILDATUM])
        runs.append(seconds)
    return {"runs_s": [round(s, 2) for s in runs], "beste_s": round(min(runs), 2),
            "mediaan_s": round(sorted(runs)[1], 2)}


# ------------------------------------------------------------------------ 2. catalogue

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STOCK = ("import sys; sys._called_from_test = True  # Datasette's own switch: no plugins\n"
         "from datasette.cli import cli; cli()")


class Server:
    """A catalogue server on 127.0.0.1, started and stopped by the benchmark."""

    def __init__(self, kind: str, db: Path, workers: int | None = None,
                 usage_log: Path | None = None):
        self.kind, self.port = kind, free_port()
        self.workers = WORKERS if workers is None else workers
        if kind == "kennisbank":
            cmd = [str(BIN / "kennisbank"), "serve", "--db", str(db), "--port", str(self.port),
                   "--workers", str(self.workers)]
        else:  # stock Datasette 0.65 with its default settings
            cmd = [PYTHON, "-c", STOCK, "serve", "-i", str(db), "--host", "127.0.0.1",
                   "--port", str(self.port)]
        self.started = time.perf_counter()
        env = {k: v for k, v in os.environ.items() if k != USAGE_LOG_ENV}
        if usage_log is not None:
            env[USAGE_LOG_ENV] = str(usage_log)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.ready_s = self._wait()

    def _wait(self, limit: float = 600) -> float:
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} stopped while starting ({self.proc.returncode})")
            try:
                status, _, _ = get(self.port, "/-/versions.json", timeout=5)
                if status == 200:
                    return round(time.perf_counter() - self.started, 2)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.kind} did not answer within {limit} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def get(port: int, path: str, timeout: float = 120,
        conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes, float]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - started
    finally:
        if own:
            conn.close()


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def facet_query(metadata_facets: list) -> list[tuple[str, str]]:
    """The table's configured facets as query arguments (stock Datasette has no metadata)."""
    args = []
    for facet in metadata_facets:
        if isinstance(facet, str):
            args.append(("_facet", facet))
        else:
            kind, column = next(iter(facet.items()))
            args.append((f"_facet_{kind}", column))
    return args


def pages(db: Path, seed: int, stock: bool) -> list[dict[str, Any]]:
    """The pages to time: (name, path or list of paths). Stock Datasette gets the configured
    facets, sort and size as arguments, and each canned query as ?sql= (its whole answer, up to
    max_returned_rows); the kennisbank gets the question's first HTML page (50 rows)."""
    from pipeline.catalogue.paging import unpaged
    from pipeline.catalogue.serve import build_metadata

    metadata = build_metadata()
    table = metadata["databases"]["kennisbank"]["tables"]["acties"]
    queries = metadata["databases"]["kennisbank"]["queries"]
    extra = (facet_query(table["facets"]) + [("_sort_desc", table["sort_desc"]),
                                             ("_size", str(table["size"]))]) if stock else []

    def table_path(suffix: str = "", args: list[tuple[str, str]] = ()) -> str:
        query = urllib.parse.urlencode(list(args) + extra)
        return f"/kennisbank/acties{suffix}" + (f"?{query}" if query else "")

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        top_goal = conn.execute(
            "select j.value, count(*) from acties, json_each(acties.doelen) j "
            "group by 1 order by 2 desc limit 1").fetchone()[0]
        top_library = conn.execute("select bibliotheek from acties group by 1 "
                                   "order by count(*) desc limit 1").fetchone()[0]
        ids = [r[0] for r in conn.execute("select actie_id from acties order by actie_id")]
    finally:
        conn.close()
    rng = random.Random(seed)
    cards = [f"/kennisbank/acties/{urllib.parse.quote(i, safe='')}"
             for i in rng.sample(ids, min(len(ids), 50))]
    params = {"doel": top_goal, "bibliotheek": top_library}
    found = [
        {"naam": "tabel_html", "paden": [table_path()]},
        {"naam": "tabel_json", "paden": [table_path(".json")], "facetten": True},
        {"naam": "gefilterd_doel", "paden": [table_path(".json", [("doelen__arraycontains",
                                                                    top_goal)])],
         "facetten": True},
        {"naam": "gefilterd_bibliotheek", "paden": [table_path(".json", [("bibliotheek",
                                                                           top_library)])],
         "facetten": True},
        {"naam": "zoeken", "paden": [table_path("", [("_search", SEARCH_TERM)])]},
        {"naam": "kaart", "paden": cards},
        {"naam": "home", "paden": ["/"]},
    ]
    for name, query in queries.items():
        values = {p: params.get(p, "") for p in query.get("params", [])}
        if stock:  # the question's own SQL, without the page's limit (paging.py)
            path = "/kennisbank?" + urllib.parse.urlencode({"sql": unpaged(query["sql"]),
                                                            **values})
        else:
            path = f"/kennisbank/{name}" + (f"?{urllib.parse.urlencode(values)}" if values
                                            else "")
        found.append({"naam": f"{QUESTION}{name}", "paden": [path]})
    expected = [next(iter(f.values())) if isinstance(f, dict) else f for f in table["facets"]]
    for page in found:
        page["verwacht"] = expected
    return found


def time_page(port: int, page: dict[str, Any], requests: int, budget: float) -> dict[str, Any]:
    paths = page["paden"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        status, body, cold = get(port, paths[0], conn=conn)  # first request: not counted
        times, statuses, missing = [], {status}, None
        if page.get("facetten") and status == 200:
            facets = json.loads(body).get("facet_results") or {}
            missing = [f for f in page["verwacht"] if f not in facets]
        spent = 0.0
        for i in range(requests):
            status, _, seconds = get(port, paths[(i + 1) % len(paths)], conn=conn)
            times.append(seconds)
            statuses.add(status)
            spent += seconds
            if spent > budget and len(times) >= 5:
                break
    finally:
        conn.close()
    return {"n": len(times), "p50_ms": round(percentile(times, 50) * 1000, 1),
            "p95_ms": round(percentile(times, 95) * 1000, 1),
            "eerste_ms": round(cold * 1000, 1), "status": sorted(statuses),
            "ontbrekende_facetten": missing, "pad": paths[0]}


def bench_catalogue(db: Path, seed: int, stock: bool) -> dict[str, Any]:
    requests = env_int("BENCH_REQUESTS", 30)
    budget = float(env_int("BENCH_PAGE_SECONDS", 90))
    result: dict[str, Any] = {}
    for kind in ("kennisbank",) + (("stock",) if stock else ()):
        server = Server(kind, db)
        try:
            timings = {"opstart_s": server.ready_s}
            for page in pages(db, seed, stock=kind == "stock"):
                timings[page["naam"]] = time_page(server.port, page, requests, budget)
                say(f"    {kind:10} {page['naam']:34} p50 {timings[page['naam']]['p50_ms']:>8} ms"
                    f"  p95 {timings[page['naam']]['p95_ms']:>8} ms"
                    f"  (n={timings[page['naam']]['n']})")
            result[kind] = timings
        finally:
            server.stop()
    result["kennisbank"]["tabel_html_gebruikslog"] = bench_usage_log(db, seed, requests, budget)
    return result


def bench_usage_log(db: Path, seed: int, requests: int, budget: float) -> dict[str, Any]:
    """The table page with the usage log written to a file (KENNISBANK_USAGE_LOG), against the
    same page on a server started the same way without it, measured in turns (A, B, A, B) so
    that warming up and the machine's other work weigh on both alike; the p50 of each half."""
    log = OUT / "werk" / "gebruik.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    plain, logged = Server("kennisbank", db), Server("kennisbank", db, usage_log=log)
    try:
        page = next(p for p in pages(db, seed, stock=False) if p["naam"] == "tabel_html")
        halves: dict[str, list[dict[str, Any]]] = {"zonder": [], "met": []}
        for _ in range(2):
            for name, server in (("zonder", plain), ("met", logged)):
                halves[name].append(time_page(server.port, page, max(requests // 2, 5), budget))
    finally:
        plain.stop()
        logged.stop()
    timing = dict(halves["met"][-1])
    timing["p50_ms"] = round(sum(t["p50_ms"] for t in halves["met"]) / 2, 1)
    timing["p95_ms"] = max(t["p95_ms"] for t in halves["met"])
    timing["n"] = sum(t["n"] for t in halves["met"])
    timing["zonder_p50_ms"] = round(sum(t["p50_ms"] for t in halves["zonder"]) / 2, 1)
    timing["regels"] = len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0
    say(f"    {'kennisbank':10} {'tabel_html_gebruikslog':34} p50 {timing['p50_ms']:>8} ms"
        f"  p95 {timing['p95_ms']:>8} ms  (n={timing['n']}, {timing['regels']} regels; "
        f"zonder log p50 {timing['zonder_p50_ms']} ms)")
    return timing


# ------------------------------------------------------------------------ 3. load

def bench_cold_start(db: Path, seed: int) -> dict[str, Any]:
    """Per number of workers: seconds from starting the server to the first complete answer of
    `/` (polled every 20 ms), and to the faceted table page requested right after it."""
    table = next(p for p in pages(db, seed, stock=False) if p["naam"] == "tabel_html")["paden"][0]
    result: dict[str, Any] = {}
    for workers in (1, 2):
        port = free_port()
        started = time.perf_counter()
        proc = subprocess.Popen([str(BIN / "kennisbank"), "serve", "--db", str(db), "--port",
                                 str(port), "--workers", str(workers)], cwd=ROOT,
                                env={k: v for k, v in os.environ.items() if k != USAGE_LOG_ENV},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            home = None
            while home is None and time.perf_counter() - started < 600:
                if proc.poll() is not None:
                    raise RuntimeError(f"kennisbank serve stopped while starting "
                                       f"({proc.returncode})")
                try:
                    status, _, _ = get(port, "/", timeout=60)
                    home = time.perf_counter() - started if status == 200 else None
                except OSError:
                    time.sleep(0.02)
            status, _, _ = get(port, table, timeout=120)
            result[str(workers)] = {"thuis_s": round(home or float("nan"), 2),
                                    "tabel_s": round(time.perf_counter() - started, 2),
                                    "status_tabel": status}
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        say(f"    koude start, {workers} proces(sen): voorpagina {result[str(workers)]['thuis_s']} s"
            f", tabel met facetten {result[str(workers)]['tabel_s']} s")
    return result


def load_run(port: int, paths: list[str], connections: int, seconds: float) -> dict[str, Any]:
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    times: list[float] = []
    errors: list[str] = []

    def reader(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        while time.perf_counter() < deadline:
            try:
                status, _, took = get(port, paths[i % len(paths)], conn=conn)
                with lock:
                    (times.append(took) if status == 200 else errors.append(str(status)))
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            i += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=reader, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"verbindingen": connections, "seconden": round(elapsed, 1), "verzoeken": len(times),
            "per_seconde": round(len(times) / elapsed, 1),
            "p95_ms": round(percentile(times, 95) * 1000, 1) if times else None,
            "p99_ms": round(percentile(times, 99) * 1000, 1) if times else None,
            "fouten": len(errors), "soorten_fouten": sorted(set(errors))}


def bench_load(db: Path, seed: int) -> dict[str, Any]:
    seconds = float(env_int("BENCH_LOAD_SECONDS", 20))
    found = {p["naam"]: p["paden"] for p in pages(db, seed, stock=False)}
    result = {}
    runs = [(WORKERS, name, connections) for name in ("tabel_html", "kaart")
            for connections in (8, 32)]
    if WORKERS != 1:  # and the table with one process, as `kennisbank serve` starts by default
        runs.append((1, "tabel_html", 8))
    for workers in sorted({w for w, _, _ in runs}, reverse=True):
        server = Server("kennisbank", db, workers=workers)
        try:
            for _, name, connections in [r for r in runs if r[0] == workers]:
                run = load_run(server.port, found[name], connections, seconds)
                run["processen"] = workers
                key = f"{name}_{connections}" + ("" if workers == WORKERS else f"_{workers}proces")
                result[key] = run
                say(f"    load {name:10} {connections:>2} verbindingen, {workers} proces(sen): "
                    f"{run['per_seconde']:>7} /s  p95 {run['p95_ms']} ms  p99 {run['p99_ms']} ms"
                    f"  fouten {run['fouten']}")
        finally:
            server.stop()
    return result


def bench_swap(rows: int, seed: int, db: Path) -> dict[str, Any]:
    """bench/swap.py on a copy of the catalogue, swapped for one built from seed + 1."""
    from bench import swap

    other = snapshot_file(rows, seed + 1, OUT / "momentopnamen")
    served = OUT / "werk" / str(rows) / "wissel"
    shutil.rmtree(served, ignore_errors=True)
    served.mkdir(parents=True)
    shutil.copyfile(db, served / "kennisbank.db")
    result = swap.run(served, other, float(env_int("BENCH_SWAP_SECONDS", 30)), say=say)
    swap.say_result(result, say)
    return result


# ------------------------------------------------------------------------ the report

def verdict_sizes(doc: dict[str, Any]) -> list[str]:
    """The sizes whose verdicts are shown: 100,000 and 1,000,000 where measured, otherwise the
    largest size (its verdicts for indication only)."""
    found = [s for s in (str(shape.TARGET_SIZE), str(shape.FULL_SIZE)) if s in doc["sizes"]]
    return found or [max(doc["sizes"], key=int)]


def print_report(doc: dict[str, Any]) -> None:
    """The tables on screen, from a document of the shape of bench/shape.py."""
    say("\nPijplijn (kennisbank build uit een momentopname)")
    say(f"{'acties':>9} {'executemany':>12} {'sqlite-utils':>13} {'build':>8} {'× vloer':>8} "
        f"{'× s-u':>6} {'piek MiB':>9}  stadia (s)")
    for size, s in doc["sizes"].items():
        stages = " ".join(f"{k}={v['s']}" for k, v in s["stages"].items())
        say(f"{int(size):>9} {s['floor_s']:>11}s {str(s.get('sqlite_utils_s')):>12}s "
            f"{s['build_s']:>7}s {s['build_ratio']:>7}× {str(s.get('sqlite_utils_ratio')):>5}× "
            f"{s['peak_mib']:>9}  {stages} other={s.get('other_s')}")
    say("\nCatalogus (p50 / p95 in ms; stock = datasette serve -i met standaardinstellingen)")
    for size, s in doc["sizes"].items():
        kb, stock = s["pages"]["kennisbank"], s["pages"].get("stock") or {}
        startup = s["startup_s"]
        say(f"  {int(size)} acties (opstart kennisbank {startup['kennisbank']} s"
            + (f", stock {startup['stock']} s)" if "stock" in startup else ")"))
        for name, t in kb.items():
            ref = stock.get(name)
            cells = f"{ref['p50_ms']:>9} / {ref['p95_ms']:<9}" if ref else " " * 21
            flag = "" if not t.get("missing_facets") else \
                f"  ontbreekt: {', '.join(t['missing_facets'])}"
            flag += "" if t["status"] == [200] else f"  status {t['status']}"
            flag += f"  n={t['n']}" if t["n"] < 30 else ""
            if ref:
                flag += "" if not ref.get("missing_facets") else \
                    f"  stock ontbreekt: {', '.join(ref['missing_facets'])}"
                flag += f"  stock n={ref['n']}" if ref["n"] < 30 else ""
                flag += "" if ref["status"] == [200] else f"  stock status {ref['status']}"
            say(f"    {name:34} {t['p50_ms']:>8} / {t['p95_ms']:<8}  stock {cells}{flag}")
        if s.get("usage_log"):
            log = s["usage_log"]
            say(f"    {'table_html met gebruikslog':34} {log['p50_ms']:>8} / {log['p95_ms']:<8}"
                f"  zonder log p50 {log['without_p50_ms']}")
        for page, per_workers in (s.get("load") or {}).items():
            for workers, runs in per_workers.items():
                for connections, run in runs.items():
                    say(f"    belasting {page:10} {connections:>2} verbindingen, {workers} "
                        f"proces(sen): {run['rps']:>7} /s  p95 {run.get('p95_ms')} ms  "
                        f"p99 {run.get('p99_ms')} ms  fouten {run['errors']}")
        for workers, c in s["cold_start_s"].items():
            say(f"    koude start {workers} proces(sen): voorpagina {c['home']} s, "
                f"tabel met facetten {c['table']} s")
        if s.get("swap"):
            w = s["swap"]
            say(f"    swap: {w.get('readers')} lezers, {w['requests']} verzoeken, fouten "
                f"{w['errors']}, gemengd {w['mixed']}, verouderd {w['late']}, versies "
                f"{w['versions']}, p95 {w.get('p95_ms')} ms")
    for size in verdict_sizes(doc):
        verdicts = doc["sizes"][size]["verdicts"]
        indication = not any(v["applies"] for k, v in verdicts.items()
                             if k not in shape.SIZE_FREE)
        say(f"\nDoelen bij {int(size)} acties" + (" (ter indicatie: de doelen gelden bij "
                                                 f"{shape.TARGET_SIZE})" if indication else ""))
        for key, v in verdicts.items():
            outcome = ("n.v.t." if v["met"] is None else "doel gehaald" if v["met"]
                       else "doel gemist")
            target = "—" if v["target"] is None else f"{v['op']} {v['target']} {v['unit']}"
            say(f"  {key:44} {str(v['measured']):>10} {v['unit']:<4} {target:>16}  {outcome}")


def machine() -> dict[str, Any]:
    import platform

    import datasette

    return {"cpu": os.cpu_count(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "datasette": datasette.__version__,
            "belasting_begin": [round(x, 2) for x in os.getloadavg()]}


def main() -> int:
    if sys.argv[1:2] == ["--report"]:  # print the table of an earlier run again
        try:
            print_report(shape.load(Path(sys.argv[2])))
        except shape.ShapeError as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    seed = env_int("BENCH_SEED", 1)
    stock = os.environ.get("BENCH_STOCK", "1") != "0"
    chosen = sizes()
    stock_sizes = [int(s) for s in (os.environ.get("BENCH_STOCK_SIZES") or ",".join(
        map(str, chosen))).split(",") if s.strip()]
    load_sizes = [int(s) for s in (os.environ.get("BENCH_LOAD_SIZES") or str(max(chosen))
                                   ).split(",") if s.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"gestart": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              "machine": machine(), "seed": seed, "doelen_bij": TARGET_SIZE,
                              "per_grootte": {}}
    say("Voorbeeld: kennisbank build van het ingebouwde voorbeeld (3×)")
    report["voorbeeld"] = bench_sample(OUT / "werk")
    say(f"  {report['voorbeeld']}")
    for rows in chosen:
        say(f"\n== {rows} acties ==")
        started = time.perf_counter()
        snapshot = snapshot_file(rows, seed, OUT / "momentopnamen")
        say(f"  momentopname {snapshot.name} ({time.perf_counter() - started:.1f} s)")
        work = OUT / "werk" / str(rows)
        work.mkdir(parents=True, exist_ok=True)
        pipeline = bench_pipeline(rows, snapshot, work)
        say(f"  build {pipeline['build_s']} s = {pipeline['verhouding_executemany']}× executemany "
            f"({pipeline['vloer_executemany_s']} s), piek {pipeline['build_piek_mib']} MiB")
        db = Path(pipeline["catalogus"])
        data = {"pijplijn": pipeline,
                "catalogus": bench_catalogue(db, seed, stock and rows in stock_sizes),
                "koude_start": bench_cold_start(db, seed)}
        if rows in load_sizes:
            data["belasting"] = bench_load(db, seed)
        if rows == TARGET_SIZE and os.environ.get("BENCH_SWAP", "1") != "0":
            data["wissel"] = bench_swap(rows, seed, db)
        report["per_grootte"][str(rows)] = data
    report["machine"]["belasting_einde"] = [round(x, 2) for x in os.getloadavg()]
    report["machine"]["processen"] = WORKERS
    report["klaar"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    # the measurements as taken, kept should the document fail: python -m bench.shape --convert
    (OUT / f"bench-{stamp}-metingen.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    doc = shape.document(report)  # the stable shape of latest.json
    for name in (f"bench-{stamp}.json", "latest.json"):
        (OUT / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
                                encoding="utf-8")
    print_report(doc)
    try:
        shape.check(doc, "latest.json")
    except shape.ShapeError as exc:
        say(str(exc))
        return 1
    say(f"\nJSON: {OUT / 'latest.json'} (de README-cijfers daaruit: make bench-readme)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
