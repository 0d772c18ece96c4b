"""Crash safety: a build killed with SIGKILL at many points of the load leaves the published
catalogue byte-identical and the next build succeeds without clean-up; two builds at once never
corrupt anything (one refuses with a clear message, a report waits); a full disk or a read-only
output folder gives a clear error and keeps the old catalogue.

The builds are real processes running the real CLI (`kennisbank build`). To keep this fast they
are forked from a small server process that has the pipeline imported once; the kill points are
made exact by a hook installed in the child only (an SQLite trace callback that kills the process
at the N-th statement on the temporary catalogue or on beheer.db, or a wrapper of os.replace that
kills just before or after the swap). One test kills a plain `python -m pipeline.cli build` from
outside, at a random moment while its temporary catalogue exists. `make fuzz` (HYPOTHESIS_PROFILE
=fuzz) kills at every tenth of the load and at many random moments."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import KLEIN_DIR, ROOT, wait_for
from pipeline.store.lock import LOCK_NAME

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
ENV = {"PATH": "/usr/bin:/bin", "KENNISBANK_PEILDATUM": "2026-11-28", "LANG": "C.UTF-8"}
NEXT_DAY = {**ENV, "KENNISBANK_PEILDATUM": "2026-11-29"}  # a new run date: really rebuilds
LOCKED = re.compile(r"^Fout: Er loopt al een run voor '.+' \(proces \d+\); deze run is niet "
                    r"gestart\. Probeer het opnieuw als die klaar is\.$")

SERVER = r'''
import json, os, resource, signal, sqlite3, sys, time, traceback
sys.path.insert(0, os.getcwd())
import pipeline.cli, pipeline.app, pipeline.reports.render, pipeline.reports.mail  # imported once, then forked
# and what the commands import lazily: a child run as user nobody cannot read this Python's
# standard library (under /root), so every module it needs must be there before the fork
import pipeline.progress

def pause(marker):
    open(marker, "w").close()
    deadline = time.monotonic() + 60
    while os.path.exists(marker) and time.monotonic() < deadline:
        time.sleep(0.02)

def install(hook, counts):
    kind = hook.get("kind")
    if kind in ("sql", "count", "pause"):
        real = sqlite3.connect
        def connect(database, *args, **kwargs):
            conn = real(database, *args, **kwargs)
            name = os.path.basename(str(database))
            group = ("catalogue" if name.startswith(".kennisbank.db.") else
                     "history" if name == "beheer.db" else None)  # not the read-only ones
            if group:
                def trace(sql, group=group):
                    counts[group] = counts.get(group, 0) + 1
                    if group == hook.get("db") and counts[group] == hook.get("at"):
                        if kind == "sql":
                            os.kill(os.getpid(), signal.SIGKILL)
                        if kind == "pause":
                            pause(hook["marker"])
                conn.set_trace_callback(trace)
            return conn
        sqlite3.connect = connect
    if kind in ("before-replace", "after-replace"):
        real_replace = os.replace
        def replace(src, dst, *args, **kwargs):
            hit = os.path.basename(str(src)).startswith(hook["prefix"])
            if hit and kind == "before-replace":
                os.kill(os.getpid(), signal.SIGKILL)
            result = real_replace(src, dst, *args, **kwargs)
            if hit and kind == "after-replace":
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        os.replace = replace

def child(job, pipes):
    code = 70
    try:
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        for fd, (_, write) in zip((1, 2), pipes):  # pipes: not subject to RLIMIT_FSIZE
            os.dup2(write, fd)
        os.environ.clear()
        os.environ.update(job["env"])
        if job.get("fsize") is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (job["fsize"], job["fsize"]))
        if job.get("user") is not None:
            os.setgroups([])
            os.setgid(job["user"])
            os.setuid(job["user"])
        counts = {}
        install(job.get("hook") or {}, counts)
        try:
            pipeline.cli.main(args=job["args"], prog_name="kennisbank")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if job.get("counts"):
            with open(job["counts"], "w") as fh:
                json.dump(counts, fh)
    except BaseException:
        traceback.print_exc()
        code = 99
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)

def drain(fd):
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")

running = {}

for line in sys.stdin:
    job = json.loads(line)
    if job["op"] == "run":
        sys.stdout.flush()
        pipes = [os.pipe(), os.pipe()]
        pid = os.fork()
        if pid == 0:
            child(job, pipes)
        for _, write in pipes:
            os.close(write)
        running[pid] = [read for read, _ in pipes]
        answer = {"pid": pid}
    else:
        out, err = (drain(fd) for fd in running.pop(job["pid"]))  # until the child is gone
        _, status = os.waitpid(job["pid"], 0)
        answer = {"code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                  "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                  "stdout": out, "stderr": err}
    print(json.dumps(answer), flush=True)
'''


@dataclass
class Finished:
    code: int | None
    signal: int | None
    stdout: str
    stderr: str
    seconds: float

    @property
    def killed(self) -> bool:
        return self.signal == signal.SIGKILL


class ForkServer:
    """Runs `kennisbank ARGS` in forked children of one warm Python process."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER], cwd=ROOT, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env={**ENV, "PYTHONDONTWRITEBYTECODE": "1",
                                          "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        self.started: dict[int, float] = {}

    def ask(self, job: dict) -> dict:
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def start(self, *args: str, env: dict | None = None, hook: dict | None = None,
              fsize: int | None = None, user: int | None = None,
              counts: Path | None = None) -> int:
        pid = self.ask({"op": "run", "args": list(args), "env": env or ENV, "hook": hook,
                        "fsize": fsize, "user": user,
                        "counts": str(counts) if counts else None})["pid"]
        self.started[pid] = time.monotonic()
        return pid

    def wait(self, pid: int) -> Finished:
        answer = self.ask({"op": "wait", "pid": pid})
        return Finished(answer["code"], answer["signal"], answer["stdout"], answer["stderr"],
                        time.monotonic() - self.started.pop(pid))

    def run(self, *args: str, **kwargs) -> Finished:
        return self.wait(self.start(*args, **kwargs))

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server():
    forks = ForkServer()
    yield forks
    forks.close()


@pytest.fixture(scope="module")
def template(server, tmp_path_factory) -> Path:
    """A folder with a published catalogue, history, snapshot and reports of the small fixture."""
    out = tmp_path_factory.mktemp("sjabloon") / "uit"
    done = server.run("build", "--source", str(KLEIN_DIR), "--out", str(out))
    assert done.code == 0, done.stderr
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy(template: Path, where: Path) -> Path:
    shutil.copytree(template, where)
    return where


def build_args(out: Path, *extra: str) -> list[str]:
    return ["build", "--source", str(KLEIN_DIR), "--out", str(out), *extra]


def leftovers(out: Path) -> list[str]:
    found = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".kennisbank.lock"]
    found += [f"raw/{p.name}" for p in (out / "raw").glob("*.tmp")]
    return sorted(found)


def query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def assert_sound(out: Path) -> None:
    for name in ("kennisbank.db", "beheer.db"):
        assert query(out / name, "pragma integrity_check") == [("ok",)], name
        assert query(out / name, "pragma foreign_key_check") == [], name


def assert_next_build_succeeds(server: ForkServer, out: Path, pid: int | None = None) -> None:
    done = server.wait(pid or server.start(*build_args(out), env=NEXT_DAY))
    assert done.code == 0, done.stderr
    assert "Traceback" not in done.stderr and done.stderr == ""
    assert done.stdout.startswith("3 acties gelezen: 2 gepubliceerd")
    assert leftovers(out) == []
    assert_sound(out)
    assert query(out / "kennisbank.db", "select count(*) from acties") == [(2,)]
    assert query(out / "beheer.db", "select status, peildatum from runs order by gestart desc, "
                 "rowid desc limit 1")[0] in [("voltooid", "2026-11-29"),
                                              ("ongewijzigd", "2026-11-29")]


# ------------------------------------------------------------------------ kill points

@pytest.fixture(scope="module")
def statements(server, template, tmp_path_factory) -> dict[str, int]:
    """How many SQL statements a rebuild runs on the temporary catalogue and on beheer.db."""
    where = tmp_path_factory.mktemp("tellen")
    counts = where / "counts.json"
    done = server.run(*build_args(copy(template, where / "uit"), "--force"),
                      hook={"kind": "count"}, counts=counts)
    assert done.code == 0, done.stderr
    found = json.loads(counts.read_text())
    assert found["catalogue"] > 20 and found["history"] > 5
    return found


def kill_points(statements: dict[str, int]) -> dict[str, dict]:
    n = statements["catalogue"]
    fractions = [i / 10 for i in range(11)] if FUZZ else [0, 0.5]
    points = {f"catalogue statement {max(1, round(f * n))} of {n}":
              {"kind": "sql", "db": "catalogue", "at": max(1, round(f * n))} for f in fractions}
    points.update({
        "catalogue complete, not yet renamed": {"kind": "before-replace",
                                                "prefix": ".kennisbank.db."},
        "catalogue renamed, history not yet written": {"kind": "after-replace",
                                                       "prefix": ".kennisbank.db."},
        "halfway through writing the history": {"kind": "sql", "db": "history",
                                                "at": statements["history"] // 2},
    })
    if FUZZ:
        points.update({
            "snapshot written, not yet renamed": {"kind": "before-replace", "prefix": "2"},
            "reports half written": {"kind": "before-replace", "prefix": ".rapporten."},
        })
    return points


def test_sigkill_at_any_point_of_the_load(server, template, statements, tmp_path):
    before = digest(template / "kennisbank.db")
    points = kill_points(statements)
    started = {}
    for i, (name, hook) in enumerate(points.items()):
        out = copy(template, tmp_path / f"punt{i}")
        started[name] = (out, server.start(*build_args(out, "--force"), hook=hook))
    for name, (out, pid) in started.items():
        done = server.wait(pid)
        assert done.killed, (name, done.code, done.stderr)
        published = digest(out / "kennisbank.db")
        if name.startswith(("catalogue renamed", "halfway through writing the history",
                            "reports half")):
            assert_sound(out)  # the new catalogue, complete; the old one is gone
        else:
            assert published == before, name
        if name.startswith("catalogue statement"):
            assert [p for p in leftovers(out) if p.startswith(".kennisbank.db.")], name
    next_builds = [(out, server.start(*build_args(out), env=NEXT_DAY))
                   for out, _ in started.values()]
    for out, pid in next_builds:
        assert_next_build_succeeds(server, out, pid)


def test_killed_from_outside_while_the_temporary_catalogue_exists(server, template, tmp_path):
    """A plain `python -m pipeline.cli build`, killed by another process at a random moment
    while its temporary catalogue is being written."""
    before = digest(template / "kennisbank.db")
    rng = random.Random(7 if not FUZZ else None)
    for attempt in range(1 if not FUZZ else 25):
        out = copy(template, tmp_path / f"poging{attempt}")
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", *build_args(out, "--force")],
                                cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not list(out.glob(".kennisbank.db.*.tmp")) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.05))
        proc.kill()
        proc.communicate(timeout=30)
        if list(out.glob(".kennisbank.db.*.tmp")):  # killed before the swap
            assert digest(out / "kennisbank.db") == before
        assert_sound(out)
        assert_next_build_succeeds(server, out)



def open_files(pid: int) -> set[Path]:
    """The files process `pid` has open (from /proc)."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.add(Path(os.readlink(fd)))
        except OSError:  # closed meanwhile
            pass
    return found


# ------------------------------------------------------------------------ two at once

def test_second_build_refuses_and_a_report_waits_while_one_runs(server, template, tmp_path):
    out = copy(template, tmp_path / "uit")
    marker = tmp_path / "gepauzeerd"
    first = server.start(*build_args(out, "--force"),
                         hook={"kind": "pause", "db": "catalogue", "at": 1,
                               "marker": str(marker)})
    wait_for(marker.exists, "the first build to reach its load")
    second = server.run(*build_args(out, "--force"))
    assert second.code == 2 and LOCKED.match(second.stderr.strip()), second.stderr
    assert f"(proces {first})" in second.stderr
    report = server.start("report", "--out", str(out))
    lock = (out / LOCK_NAME).resolve()
    wait_for(lambda: lock in open_files(report), "the report to wait for the lock")
    marker.unlink()  # let the first build finish; the report was waiting for it
    assert server.wait(first).code == 0
    waited = server.wait(report)
    assert waited.code == 0 and waited.stderr == "", waited.stderr
    assert leftovers(out) == []
    assert_sound(out)


def test_builds_started_at_once_never_corrupt_anything(server, template, tmp_path):
    out = copy(template, tmp_path / "uit")
    pids = [server.start(*build_args(out, "--force"), env=env)
            for env in (ENV, NEXT_DAY, ENV, NEXT_DAY)]
    results = [server.wait(pid) for pid in pids]
    for done in results:
        assert "Traceback" not in done.stderr
        assert done.code == 0 or (done.code == 2 and LOCKED.match(done.stderr.strip())), \
            done.stderr
    assert any(done.code == 0 for done in results)
    assert leftovers(out) == []
    assert_sound(out)
    reports = sorted(p.name for p in (out / "rapporten").iterdir())
    assert "coordinatoren.html" in reports and "meldingen.csv" in reports
    assert_next_build_succeeds(server, out)


# ------------------------------------------------------------------------ full disk, read-only

@pytest.mark.parametrize("limit", [4_000, 60_000] + ([0, 1_000, 20_000, 120_000] if FUZZ else []))
def test_full_disk_gives_a_clear_error_and_keeps_the_catalogue(server, template, tmp_path, limit):
    """RLIMIT_FSIZE in the child: no file may grow beyond `limit` bytes, as on a full disk."""
    out = copy(template, tmp_path / "uit")
    before = digest(out / "kennisbank.db")
    done = server.run(*build_args(out, "--force"), fsize=limit)
    assert done.code == 2, (done, done.stderr)
    message = done.stderr.strip()
    assert re.match(r"^Fout: (De schijf is vol: in '.+' kon niet worden geschreven|Lezen of "
                    r"schrijven in '.+' is mislukt) \(.+\)\. De gepubliceerde kennisbank is niet "
                    r"gewijzigd\.$", message), message
    assert "\n" not in message and "Traceback" not in done.stderr
    assert digest(out / "kennisbank.db") == before
    assert_next_build_succeeds(server, out)


def test_full_tmpfs_gives_a_clear_error_and_keeps_the_catalogue(server, template, tmp_path):
    """A real full file system, when this machine lets us mount a small tmpfs (root)."""
    mountpoint = Path(tempfile.mkdtemp(prefix="kennisbank-vol-"))
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mountpoint)],
        capture_output=True).returncode == 0
    if not mounted:
        mountpoint.rmdir()
        pytest.skip("geen kleine tmpfs te koppelen (geen root); RLIMIT_FSIZE test dekt dit")
    try:
        out = copy(template, mountpoint / "uit")
        before = digest(out / "kennisbank.db")
        free = shutil.disk_usage(mountpoint).free
        (mountpoint / "vulling").write_bytes(b"\0" * (free - 64 * 1024))
        done = server.run(*build_args(out, "--force"))
        assert done.code == 2, (done.stdout, done.stderr)
        assert re.match(r"^Fout: De schijf is vol: in '.+' kon niet worden geschreven \(.+\)\. "
                        r"De gepubliceerde kennisbank is niet gewijzigd\.$",
                        done.stderr.strip()), done.stderr
        assert digest(out / "kennisbank.db") == before
        (mountpoint / "vulling").unlink()
        assert_next_build_succeeds(server, out)
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)
        mountpoint.rmdir()


def test_read_only_output_folder_gives_a_clear_error_and_keeps_the_catalogue(server, template):
    """As root chmod does not stop writes, so the build then runs as user nobody."""
    base = Path(tempfile.mkdtemp(prefix="kennisbank-alleen-lezen-"))
    try:
        base.chmod(0o755)
        out = copy(template, base / "uit")
        before = digest(out / "kennisbank.db")
        for path in [out, *out.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        user = 65534 if os.geteuid() == 0 else None
        done = server.run(*build_args(out, "--force"), user=user)
        assert done.code == 2, (done.stdout, done.stderr)
        message = done.stderr.strip()
        assert re.match(r"^Fout: (De uitvoermap '.+' is niet te gebruiken: .+\. Er is niets "
                        r"gepubliceerd of gewijzigd\.|Geen schrijfrechten in '.+' \(.+\)\. De "
                        r"gepubliceerde kennisbank is niet gewijzigd\.)$", message), message
        assert digest(out / "kennisbank.db") == before
        for path in [out, *out.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_file_in_place_of_the_snapshot_folder(server, template, tmp_path):
    out = copy(template, tmp_path / "uit")
    before = digest(out / "kennisbank.db")
    shutil.rmtree(out / "raw")
    (out / "raw").write_text("geen map", encoding="utf-8")
    done = server.run(*build_args(out, "--force"))
    assert done.code == 2
    assert re.match(r"^Fout: Lezen of schrijven in '.+' is mislukt \(File exists: .+raw\)\. De "
                    r"gepubliceerde kennisbank is niet gewijzigd\.$", done.stderr.strip()), \
        done.stderr
    assert digest(out / "kennisbank.db") == before


def test_unexpected_error_is_one_dutch_line_and_a_log(tmp_path, monkeypatch):
    """The last resort in the CLI: a bug shows no traceback, only where the details are."""
    from click.testing import CliRunner

    import pipeline.app
    from pipeline.cli import main

    def broken(*args, **kwargs):
        raise ZeroDivisionError("een fout in de code")

    monkeypatch.setattr(pipeline.app, "process", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None
    try:
        result = CliRunner().invoke(main, build_args(tmp_path / "uit"))
    finally:
        tempfile.tempdir = None
    assert result.exit_code == 2
    match = re.fullmatch(r"Fout: onverwachte fout in de kennisbank \(ZeroDivisionError\)\. Meld "
                         r"dit aan de beheerder; details staan in (\S+\.log)\n", result.stderr)
    assert match, result.stderr
    log = Path(match[1])
    assert log.parent == tmp_path and log.stat().st_mode & 0o077 == 0
    assert "ZeroDivisionError: een fout in de code" in log.read_text(encoding="utf-8")
