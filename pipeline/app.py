"""One run of the product, and the only place that orders its steps.

`publish` is what `kennisbank build` and `kennisbank run` do: `build` (fetch -> snapshot ->
normalise + validate -> load -> history, under the output folder's lock; nothing published when
it fails), then the steps that follow a published catalogue: the reports (and their mail), the
Controle column written back to the sheet, and the network members' netwerk.db. A step that
fails after publication is recorded in the RunResult, never raised. `write_reports_and_mail` is
`kennisbank report`. The click commands (pipeline/cli.py) only parse options and print."""

from __future__ import annotations

import os
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

from pipeline.contract.config import contract_hash
from pipeline.contract.process import Outcome, process
from pipeline.errors import KennisbankError
from pipeline.progress import Stage, no_progress
from pipeline.sources import fetch
from pipeline.sources.snapshot import Snapshot, utc_now, write_snapshot
from pipeline.store import load
from pipeline.store.folder import identity, remove_leftovers, storage_error
from pipeline.store.lock import run_lock


@dataclass
class BuildResult:
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
          force: bool = False, stage: Stage = no_progress) -> BuildResult:
    """Run the whole pipeline under the output folder's lock (see _build). A file or database
    error (disk full, read-only folder) becomes a StorageError that says whether the published
    catalogue is still the previous one."""
    before: tuple[int, int, int] | None | bool = False  # False: the run did not start
    try:
        with run_lock(out_dir):
            before = identity(out_dir / load.CATALOGUE)
            remove_leftovers(out_dir)
            return _build(source, out_dir, today, force, stage)
    except (OSError, sqlite3.Error) as exc:
        unchanged = before is False or identity(out_dir / load.CATALOGUE) == before
        raise storage_error(exc, out_dir, unchanged) from None


def _build(source: str | None, out_dir: Path, today: date | None = None,
           force: bool = False, stage: Stage = no_progress) -> BuildResult:
    """Run the whole pipeline. On any failure the published catalogue is left untouched, the
    failed run is recorded in beheer.db, and the error is raised again. When the sheet, the
    contract and the run date are those of the last completed run, nothing is rebuilt (unless
    ``force``)."""
    today = today or date.today()
    run_id, started = new_run_id(), utc_now()
    snapshot = snapshot_path = None
    try:
        with stage("lezen"):
            snapshot = fetch.read_source(source)
        if not force and (same := load.identical_run(out_dir, snapshot.content_hash,
                                                     contract_hash(), today.isoformat())):
            return BuildResult(same, None, None, out_dir / load.CATALOGUE, out_dir / load.HISTORY,
                             snapshot, unchanged_since=same)
        with stage("controleren"):
            snapshot_path = write_snapshot(snapshot, out_dir / "raw")
            outcome = process(snapshot, today)
        with stage("laden"):
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
    return BuildResult(run_id, outcome, snapshot_path, catalogue, out_dir / load.HISTORY, snapshot)


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


# ------------------------------------------------------------------ the steps after a build

@dataclass
class MailResult:
    deliveries: list = field(default_factory=list)   # pipeline.reports.mail.Delivery
    skipped: list[str] = field(default_factory=list)  # why a message was not made

    @property
    def failed(self) -> list:
        return [d for d in self.deliveries if not d.ok]


@dataclass
class StepFailure:
    step: str       # "rapporten", "e-mail", "terugschrijven", "netwerk.db"
    message: str    # Dutch


@dataclass
class RunResult:
    """What one publish did. `code`: 0 when every step succeeded, 1 when the catalogue was
    published but a later step (reports, mail, write-back, netwerk.db) failed."""

    build: BuildResult
    counts: dict[str, int] | None = None      # None: the source had not changed
    reports: Any = None                       # pipeline.reports.render.Reports
    mail: MailResult | None = None            # None: no mail asked (or source unchanged)
    written_back: Any = None                  # pipeline.sources.google.WriteBackResult
    network: Path | None = None
    network_asked: bool = False
    failures: list[StepFailure] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.counts is not None

    @property
    def code(self) -> int:
        return 1 if self.failures else 0


def publish(source: str | None, out_dir: Path, today: date, *, force: bool = False,
            mail: bool = False, mail_all: bool = False, dry_run: bool = False,
            write_back: bool = False, netwerk: bool = False,
            env: Mapping[str, str] | None = None, stage: Stage = no_progress) -> RunResult:
    """Build and publish the catalogue, then write the reports, mail them (when asked and the
    source changed), write the Controle column back (when asked and changed) and update
    netwerk.db (when asked). Raises KennisbankError when nothing was published."""
    if write_back and not (source and fetch.is_google_source(source)):
        raise KennisbankError("--write-back kan alleen bij een Google Sheet als bron.")
    built = build(source, out_dir, today, force=force, stage=stage)
    result = RunResult(built, network_asked=netwerk)
    statuses = expected_rows = None
    known_sources: dict = {}
    if built.outcome is not None:
        result.counts = built.outcome.counts
        known_sources = sources_of(built)
        if write_back:
            from pipeline.contract.row_status import row_statuses
            from pipeline.reports.context import site_address

            statuses = row_statuses(built.outcome, site_address())
            expected_rows = built.snapshot.tab("Acties").values
        if not netwerk:
            # The reports read beheer.db; the run's frames and the snapshot (most of the
            # memory at 100,000 rows) are not needed any more.
            built.outcome = built.snapshot = None
        from pipeline.reports.render import release_build_memory

        release_build_memory()
    with stage("rapporten"):
        _step(result, "rapporten", lambda: _write_reports(result, out_dir, known_sources))
    if mail and result.changed and result.reports is not None:
        with stage("e-mail"):
            _step(result, "e-mail", lambda: _mail(result, out_dir, mail_all, dry_run, env))
    if statuses is not None:
        with stage("terugschrijven"):
            _step(result, "terugschrijven", lambda: _write_back(result, source, statuses,
                                                                expected_rows))
    if netwerk:
        with stage("netwerk"):
            _step(result, "netwerk.db", lambda: _network(result, out_dir, today))
    return result


def _step(result: RunResult, name: str, action: Callable[[], None]) -> None:
    try:
        action()
    except KennisbankError as exc:
        result.failures.append(StepFailure(name, str(exc)))
    except OSError as exc:
        result.failures.append(StepFailure(name, f"{exc.strerror or exc} ({exc.filename})"))
    except Exception as exc:  # noqa: BLE001 - the catalogue is published; this step failed
        result.failures.append(StepFailure(
            name, f"onverwachte fout ({type(exc).__name__}): {exc}"))


def _write_reports(result: RunResult, out_dir: Path, known_sources: dict) -> None:
    result.reports, _ = write_reports_and_mail(out_dir, known_sources=known_sources)


def _mail(result: RunResult, out_dir: Path, mail_all: bool, dry_run: bool,
          env: Mapping[str, str] | None) -> None:
    result.mail = mail_reports(result.reports, out_dir, mail_all, dry_run, env, nightly=True)
    if failed := result.mail.failed:
        result.failures.append(StepFailure(
            "e-mail", f"{len(failed)} e-mails niet verstuurd ({failed[0].error})"))


def write_reports_and_mail(out_dir: Path, mail: bool = False, mail_all: bool = False,
                           dry_run: bool = False, env: Mapping[str, str] | None = None,
                           known_sources: Mapping | None = None) -> tuple[Any, MailResult | None]:
    """Write DIR/rapporten/ and, when asked, mail them (dry_run: as .eml files). Raises
    KennisbankError when the reports cannot be made or the mail settings are incomplete."""
    from pipeline.reports.render import write_reports

    try:
        reports = write_reports(out_dir, known_sources)
    except OSError as exc:
        raise KennisbankError(f"De rapporten konden niet worden geschreven in "
                              f"'{out_dir / 'rapporten'}' ({exc.strerror or exc}).") from None
    return reports, mail_reports(reports, out_dir, mail_all, dry_run, env) if mail else None


def mail_reports(reports: Any, out_dir: Path, mail_all: bool = False, dry_run: bool = False,
                 env: Mapping[str, str] | None = None, nightly: bool = False) -> MailResult:
    """Send the written reports (dry_run: write them as .eml files in DIR/rapporten/mail/).
    `nightly` (build and run): a recipient already mailed about exactly its current open items
    is left alone for a while (pipeline/reports/mail_log.py; not with mail_all). Every message
    sent is recorded in beheer.db. Raises KennisbankError when the mail settings are
    incomplete."""
    from pipeline.reports.mail import deliver
    from pipeline.reports.mail_log import MailLog, repeat_days

    env = os.environ if env is None else env
    log = MailLog.read(out_dir)
    quiet = log.quiet(repeat_days(env)) if nightly and not mail_all else {}
    deliveries, skipped = deliver(reports, env, mail_all, dry_run,
                                  (reports.directory or out_dir) / "mail", quiet)
    if not dry_run:
        log.record(d.naam for d in deliveries if d.ok and d.naam)
    return MailResult(deliveries, skipped)


def _write_back(result: RunResult, source: str, statuses: dict, expected_rows: list) -> None:
    from pipeline.sources.write_back import write_back

    result.written_back = write_back(source, statuses, utc_now(), expected_rows=expected_rows)


def _network(result: RunResult, out_dir: Path, today: date) -> None:
    from pipeline.store.network import update_network_catalogue

    result.network = update_network_catalogue(out_dir, result.build, today)


def sources_of(built: BuildResult) -> dict:
    """The links to the sheet for the reports, from the snapshot this build holds (see
    reports.render.read_sources), by the snapshot path recorded in beheer.db."""
    from pipeline.reports.render import sources_of as report_sources

    if built.snapshot is None or built.snapshot_path is None:
        return {}
    snapshot = built.snapshot
    return {str(built.snapshot_path): report_sources({
        "bron": snapshot.source,
        "tabbladen": [{"titel": t.title, "tab_id": t.tab_id} for t in snapshot.tabs]})}
