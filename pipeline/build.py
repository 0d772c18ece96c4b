"""One run: fetch → snapshot → normalise + validate → load → history."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from . import fetch, load
from .config import contract_hash
from .errors import KennisbankError
from .lock import run_lock
from .process import Outcome, process
from .snapshot import Snapshot, utc_now, write_snapshot


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


def build(source: str | None, out_dir: Path, today: date | None = None,
          force: bool = False) -> RunResult:
    """Run the whole pipeline under the output folder's lock (see _build)."""
    with run_lock(out_dir):
        return _build(source, out_dir, today, force)


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
    except KennisbankError as exc:
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
            "beeindigd": utc_now(), "status": "mislukt", "foutmelding": str(exc),
            "peildatum": today.isoformat(),
        }, None)
        history.conn.close()
    except Exception:  # the history is a record, never a reason to hide the real error
        pass


def check(source: str | None, today: date | None = None) -> Outcome:
    """Validation only: nothing is written."""
    return process(fetch.read_source(source), today or date.today())
