"""`kennisbank run`: one unattended run for cron, a systemd timer or a CI schedule.

It does what `kennisbank build` does (with --mail, --write-back and --netwerk when asked) under
the same lock, and prints exactly one line: on success to stdout, on failure to stderr, with a
UTC timestamp. Exit 0 when all went well, 1 when the catalogue was updated but mail, write-back
or netwerk.db failed, 2 when the run failed (another run holds the lock, the source cannot be
read, ...) and the published catalogue is as it was. The line never holds a secret: known
secrets from the environment are blanked out of it as a last safeguard."""

from __future__ import annotations

import json
import os
import re
import sys
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Mapping

import click

from pipeline import options
from pipeline.errors import KennisbankError

OK, PARTIAL, FAILED = 0, 1, 2
SECRET_ENV = ("KENNISBANK_SMTP_PASSWORD", "KENNISBANK_GOOGLE_API_KEY",
              "KENNISBANK_NETWERK_WACHTWOORD_HASH", "DATASETTE_SECRET")
SECRET_KEYS = ("private_key", "private_key_id", "client_secret", "refresh_token", "token")
MAX_LINE = 2000


@dataclass
class RunReport:
    code: int = OK
    parts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def fail(self, code: int, message: str) -> None:
        self.code = max(self.code, code)
        self.problems.append(message)


def timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def known_secrets(env: Mapping[str, str]) -> list[str]:
    """Secret values this run may hold: passwords and keys from the environment and the secret
    fields of the Google credentials file it names."""
    from pipeline.sources.google import ENV_CREDENTIALS

    found = [env.get(name, "") for name in SECRET_ENV]
    for name in ENV_CREDENTIALS:
        path = env.get(name, "").strip()
        if not path:
            continue
        try:
            info = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(info, dict):
            found += [str(info[k]) for k in SECRET_KEYS if info.get(k)]
    pieces = []
    for secret in found:
        secret = secret.strip()
        pieces.append(secret)
        pieces += [line.strip() for line in secret.splitlines()]  # a PEM key, line by line
    return sorted({p for p in pieces if len(p) >= 6}, key=len, reverse=True)


def log_line(status: str, message: str, env: Mapping[str, str]) -> str:
    """One line: timestamp, status, message; secrets blanked out, whitespace collapsed."""
    for secret in known_secrets(env):
        message = message.replace(secret, "*****")
    message = re.sub(r"\s+", " ", message).strip()
    if len(message) > MAX_LINE:
        message = message[:MAX_LINE] + " …"
    return f"{timestamp()} kennisbank run {status}: {message}"


def unattended_run(source: str | None, out_dir: Path, today: date, *, force: bool = False,
                   mail: bool = False, mail_all: bool = False, write_back: bool = False,
                   netwerk: bool = False) -> RunReport:
    """The steps of one run; failures become the report's problems, never an exception."""
    from pipeline.app import build
    from pipeline.sources.fetch import is_google_source

    report = RunReport()
    if write_back and not (source and is_google_source(source)):
        report.fail(FAILED, "--write-back kan alleen bij een Google Sheet als bron.")
        return report
    try:
        result = build(source, out_dir, today, force=force)
    except KennisbankError as exc:
        report.fail(FAILED, str(exc))
        return report
    if result.outcome is None:
        report.parts.append(f"de bron is niet gewijzigd sinds run {result.unchanged_since}; "
                            f"niets opnieuw gebouwd")
    else:
        from pipeline.cli import summary

        report.parts.append(f"run {result.run_id}: {summary(result.outcome.counts).rstrip('.')}")
    changed = result.outcome is not None
    known_sources = {}
    if changed:
        from pipeline.cli import _sources_of
        from pipeline.reports.render import release_build_memory

        known_sources = _sources_of(result)
        if not write_back and not netwerk:
            # The reports read beheer.db; the run's frames and the snapshot (most of the
            # memory at 100,000 rows) are not needed any more.
            result.outcome = result.snapshot = None
        release_build_memory()
    _step(report, "rapporten", lambda: _reports(report, out_dir, changed and (mail or mail_all),
                                                mail_all, known_sources))
    if write_back and changed:
        _step(report, "terugschrijven", lambda: _write_back(report, source, result))
    if netwerk:
        _step(report, "netwerk.db", lambda: _network(report, out_dir, result, today))
    return report


def _step(report: RunReport, name: str, action) -> None:
    try:
        action()
    except KennisbankError as exc:
        report.fail(PARTIAL, f"{name}: {exc}")
    except Exception as exc:  # the catalogue is published; this step is what failed
        report.fail(PARTIAL, f"{name}: onverwachte fout ({type(exc).__name__}): {exc}")


def _reports(report: RunReport, out_dir: Path, mail: bool, mail_all: bool,
             known_sources: dict | None = None) -> None:
    from pipeline.reports.mail import deliver
    from pipeline.reports.render import write_reports

    reports = write_reports(out_dir, known_sources)
    report.parts.append(f"rapporten voor {len(reports.libraries)} bibliotheken")
    if not mail:
        return
    deliveries, _ = deliver(reports, os.environ, mail_all, False,
                            (reports.directory or out_dir) / "mail")
    sent = sum(d.ok for d in deliveries)
    report.parts.append(f"{sent} e-mails verstuurd")
    failed = [d for d in deliveries if not d.ok]
    if failed:
        report.fail(PARTIAL, f"{len(failed)} e-mails niet verstuurd ({failed[0].error})")


def _write_back(report: RunReport, source: str, result) -> None:
    from pipeline.sources import google as gsheet
    from pipeline.contract.row_status import row_statuses
    from pipeline.sources.snapshot import utc_now

    written = gsheet.write_back(source, row_statuses(result.outcome), utc_now(),
                                expected_rows=result.snapshot.tab("Acties").values)
    report.parts.append(f"controlekolom: {written.rows_written} rijen")


def _network(report: RunReport, out_dir: Path, result, today: date) -> None:
    from pipeline.store.network import update_network_catalogue

    written = update_network_catalogue(out_dir, result, today)
    report.parts.append("netwerk.db bijgewerkt" if written else "netwerk.db ongewijzigd")


@click.command("run")
@click.option("--source", "source", default=None, envvar="KENNISBANK_SOURCE",
              help="Zoals bij build (ook uit KENNISBANK_SOURCE); zonder: het ingebouwde "
                   "voorbeeld.")
@click.option("--out", "out_dir", default="output", show_default=True, envvar="KENNISBANK_OUT",
              type=click.Path(file_okay=False, path_type=Path),
              help="Map voor de uitvoer (ook uit KENNISBANK_OUT).")
@options.peildatum
@options.force
@click.option("--mail", is_flag=True,
              help="Verstuur de rapporten per e-mail (niet bij een ongewijzigde bron).")
@click.option("--mail-all", is_flag=True,
              help="Ook bibliotheken zonder open meldingen krijgen hun rapport (houdt --mail in).")
@options.write_back
@options.netwerk
def run(source: str | None, out_dir: Path, peildatum: str | None, force: bool, mail: bool,
        mail_all: bool, write_back: bool, netwerk: bool) -> None:
    """Eén onbewaakte run (cron, systemd-timer, CI): bouw, rapporteer en meld in één regel.

    Doet wat build doet, onder hetzelfde slot (twee runs lopen nooit tegelijk), en schrijft
    precies één regel met tijdstip: bij succes naar stdout, bij een fout naar stderr. Exit 0
    als alles lukte, 1 als de kennisbank is bijgewerkt maar e-mail, terugschrijven of
    netwerk.db mislukte, 2 als de run mislukte (de kennisbank bleef zoals hij was). Geheimen
    (wachtwoorden, sleutels) komen nooit in de regel.

    \b
    Voorbeeld:
      kennisbank run --source https://docs.google.com/spreadsheets/d/SLEUTEL/edit \\
          --out /var/lib/kennisbank --mail --write-back
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            today = date.fromisoformat(peildatum) if peildatum else date.today()
        except ValueError:
            report = RunReport()
            report.fail(FAILED, f"peildatum '{peildatum}' is geen datum (JJJJ-MM-DD)")
        else:
            try:
                report = unattended_run(source, out_dir, today, force=force, mail=mail,
                                        mail_all=mail_all, write_back=write_back,
                                        netwerk=netwerk)
            except Exception as exc:  # one line, never a traceback that may hold a secret
                report = RunReport()
                report.fail(FAILED, f"onverwachte fout ({type(exc).__name__}): {exc}")
    status = {OK: "OK", PARTIAL: "DEELS MISLUKT", FAILED: "MISLUKT"}[report.code]
    message = "; ".join(report.problems + report.parts) if report.code else "; ".join(report.parts)
    click.echo(log_line(status, message, os.environ), err=report.code != OK)
    sys.exit(report.code)
