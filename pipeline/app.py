"""One run: fetch → snapshot → normalise + validate → load → history."""

from __future__ import annotations

import errno
import secrets
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from pipeline.sources import fetch
from pipeline.store import load
from pipeline.contract.config import contract_hash
from pipeline.errors import KennisbankError
from pipeline.store.lock import run_lock
from pipeline.contract.process import Outcome, process
from pipeline.sources.snapshot import Snapshot, utc_now, write_snapshot


@dataclass
class RunResult:
    run_id: str
    outcome: Outcome | None
    snapshot_path: Path | None
    catalogue: Path
    history: Path
    snapshot: Snapshot | None = None
    unchanged_since: str | None = None  # run id of the identical earlier run, when skipped


def new_run_id() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def describe_source(snapshot: Snapshot | None, source: str | None) -> tuple[str, str]:
    if snapshot is not None:
        info = snapshot.source
        return str(info.get("locatie") or source or "voorbeeld"), str(info.get("soort", ""))
    return source or "voorbeeld", ""


class StorageError(KennisbankError):
    """The output folder cannot be written (disk full, no permission) or read."""


def build(source: str | None, out_dir: Path, today: date | None = None,
          force: bool = False) -> RunResult:
    """Run the whole pipeline under the output folder's lock (see _build). A file or database
    error (disk full, read-only folder) becomes a StorageError that says whether the published
    catalogue is still the previous one."""
    before: tuple[int, int, int] | None | bool = False  # False: the run did not start
    try:
        with run_lock(out_dir):
            before = _identity(out_dir / load.CATALOGUE)
            remove_leftovers(out_dir)
            return _build(source, out_dir, today, force)
    except (OSError, sqlite3.Error) as exc:
        unchanged = before is False or _identity(out_dir / load.CATALOGUE) == before
        raise storage_error(exc, out_dir, unchanged) from None


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def storage_error(exc: OSError | sqlite3.Error, out_dir: Path, unchanged: bool) -> StorageError:
    if isinstance(exc, OSError):
        code, detail = exc.errno, f"{exc.strerror or exc}: {exc.filename or out_dir}"
        full, denied = code in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT), code in (
            errno.EACCES, errno.EPERM, errno.EROFS)
    else:
        code, detail = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF, str(exc)
        full, denied = code == sqlite3.SQLITE_FULL, code in (sqlite3.SQLITE_READONLY,
                                                             sqlite3.SQLITE_CANTOPEN)
    name = getattr(exc, "filename", None)
    if name and not Path(name).resolve().is_relative_to(out_dir.resolve()):
        problem = f"Geen toegang tot '{name}'" if denied else f"Lezen van '{name}' is mislukt"
    elif full:
        problem = f"De schijf is vol: in '{out_dir}' kon niet worden geschreven"
    elif denied:
        problem = f"Geen schrijfrechten in '{out_dir}'"
    else:
        problem = f"Lezen of schrijven in '{out_dir}' is mislukt"
    state = ("De gepubliceerde kennisbank is niet gewijzigd." if unchanged else
             "De nieuwe kennisbank is gepubliceerd, maar de geschiedenis in beheer.db is "
             "misschien niet bijgewerkt.")
    return StorageError(f"{problem} ({detail}). {state}")


def remove_leftovers(out_dir: Path) -> None:
    """Temporary files of runs that were killed (SIGKILL, power cut): under the lock no other
    run is writing, so whatever temporary file is there is a leftover."""
    patterns = [f".{load.CATALOGUE}.*.tmp*", ".rapporten.*.tmp", ".rapporten.*.old",
                "raw/*.json.tmp"]
    for pattern in patterns:
        for path in out_dir.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _build(source: str | None, out_dir: Path, today: date | None = None,
           force: bool = False) -> RunResult:
    """Run the whole pipeline. On any failure the published catalogue is left untouched, the
    failed run is recorded in beheer.db, and the error is raised again. When the sheet, the
    contract and the run date are those of the last completed run, nothing is rebuilt (unless
    ``force``)."""
    today = today or date.today()
    run_id, started = new_run_id(), utc_now()
    snapshot = snapshot_path = None
    try:
        snapshot = fetch.read_source(source)
        if not force and (same := load.identical_run(out_dir, snapshot.content_hash,
                                                     contract_hash(), today.isoformat())):
            return RunResult(same, None, None, out_dir / load.CATALOGUE, out_dir / load.HISTORY,
                             snapshot, unchanged_since=same)
        snapshot_path = write_snapshot(snapshot, out_dir / "raw")
        outcome = process(snapshot, today)
        catalogue = load.write_catalogue(outcome, out_dir)
    except Exception as exc:  # recorded as a failed run, then raised again
        _record_failure(out_dir, run_id, started, source, snapshot, snapshot_path, today, exc)
        raise
    history = load.open_history(out_dir)
    bron, soort = describe_source(snapshot, source)
    run = {"run_id": run_id, "bron": bron, "bron_soort": soort, "snapshot": str(snapshot_path),
           "inhoud_hash": snapshot.content_hash, "contract_hash": contract_hash(),
           "gestart": started, "beeindigd": utc_now(),
           "status": "voltooid", "foutmelding": None, "peildatum": today.isoformat(),
           **outcome.counts}
    load.record_run(history, run, outcome)
    history.conn.close()
    return RunResult(run_id, outcome, snapshot_path, catalogue, out_dir / load.HISTORY, snapshot)


def _record_failure(out_dir: Path, run_id: str, started: str, source: str | None,
                    snapshot: Snapshot | None, snapshot_path: Path | None, today: date,
                    exc: Exception) -> None:
    try:
        history = load.open_history(out_dir)
        bron, soort = describe_source(snapshot, source)
        load.record_run(history, {
            "run_id": run_id, "bron": bron, "bron_soort": soort,
            "snapshot": str(snapshot_path) if snapshot_path else None,
            "inhoud_hash": snapshot.content_hash if snapshot else None, "gestart": started,
            "beeindigd": utc_now(), "status": "mislukt", "foutmelding": failure_text(exc),
            "peildatum": today.isoformat(),
        }, None)
        history.conn.close()
    except Exception:  # the history is a record, never a reason to hide the real error
        pass


def failure_text(exc: Exception) -> str:
    """What beheer.db (and so the coordinators' report) says about a failed run: the Dutch
    message, or for a bug only its kind (its text might hold anything, even a secret)."""
    if isinstance(exc, (KennisbankError, OSError, sqlite3.Error)):
        return str(exc)
    return f"onverwachte fout ({type(exc).__name__})"


def check(source: str | None, today: date | None = None) -> Outcome:
    """Validation only: nothing is written."""
    return process(fetch.read_source(source), today or date.today())
