"""The `kennisbank` command: a thin layer over build, check and serve."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from pipeline import options
from pipeline.errors import KennisbankError

SOURCE_HELP = ("Een .xlsx, .ods, een map met .csv-bestanden per tabblad, een momentopname (.json) "
               "of een Google Sheet (link of gsheet:SLEUTEL). Zonder --source: het ingebouwde "
               "fictieve voorbeeld.")


def _today(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("gebruik JJJJ-MM-DD, bijvoorbeeld 2026-11-28") from None


def _fail(exc: Exception) -> None:
    click.echo(f"Fout: {exc}", err=True)
    sys.exit(2)


class GuardedGroup(click.Group):
    """Last resort: an unexpected error (a bug) ends in one Dutch line on stderr and exit 2,
    never a traceback on the screen; the traceback goes to a private log file."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # e.g. `kennisbank check | head`: click handles this itself
            raise
        except KennisbankError as exc:
            _fail(exc)
        except Exception as exc:  # noqa: BLE001 - the last resort
            log = _log_traceback(exc)
            _fail(KennisbankError(f"onverwachte fout in de kennisbank ({type(exc).__name__}). "
                                  f"Meld dit aan de beheerder; details staan in {log}"))


def _log_traceback(exc: Exception) -> str:
    import os
    import tempfile
    import time
    import traceback

    from pipeline.run import known_secrets

    text = "".join(traceback.format_exception(exc))
    for secret in known_secrets(os.environ):  # passwords, keys, the credentials file's secrets
        text = text.replace(secret, "*****")
    path = os.path.join(tempfile.gettempdir(),
                        f"kennisbank-fout-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.log")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError:
        return "(geen logbestand: de tijdelijke map is niet beschrijfbaar)"
    return path


def mail_options(command):
    """--mail, --mail-all and --dry-run, shared by build and report."""
    options = [
        click.option("--mail", is_flag=True,
                     help="Verstuur de rapporten per e-mail (instellingen in KENNISBANK_SMTP_*, "
                          "KENNISBANK_MAIL_FROM en KENNISBANK_COORDINATOR_EMAIL)."),
        click.option("--mail-all", is_flag=True,
                     help="Ook bibliotheken zonder open meldingen krijgen hun rapport "
                          "(houdt --mail in)."),
        click.option("--dry-run", is_flag=True,
                     help="Schrijf de e-mails als .eml-bestanden in DIR/rapporten/mail/ in "
                          "plaats van ze te versturen (houdt --mail in)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _reports(out_dir: Path, mail: bool, mail_all: bool, dry_run: bool,
             known_sources: dict | None = None) -> bool:
    """Write the reports and, when asked, mail them; True when a mail could not be sent."""
    from pipeline.reports.mail import write_and_mail

    try:
        return write_and_mail(out_dir, mail or mail_all or dry_run, mail_all, dry_run, click.echo,
                              known_sources)
    except KennisbankError as exc:
        _fail(exc)
        return True
    except OSError as exc:
        _fail(KennisbankError(f"De rapporten konden niet worden geschreven in "
                              f"'{out_dir / 'rapporten'}' ({exc.strerror or exc})."))
        return True


def summary(counts: dict[str, int]) -> str:
    return (f"{counts['rijen_gelezen']} acties gelezen: {counts['gepubliceerd']} gepubliceerd "
            f"(waarvan {counts['onvolledig']} onvolledig), {counts['afgekeurd']} afgekeurd, "
            f"{counts['niet_gedeeld']} niet gedeeld. Meldingen: {counts['fouten']} fouten, "
            f"{counts['waarschuwingen']} waarschuwingen, {counts['info']} ter info.")


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Kennisbank Marketing: van de gedeelde sheet naar een doorzoekbare kennisbank.

    \b
    Voorbeeld:
      kennisbank build --out output
      kennisbank serve
    """


@main.command()
@click.option("--source", "source", default=None, help=SOURCE_HELP)
@click.option("--out", "out_dir", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Map voor de uitvoer.")
@options.peildatum
@options.force
@options.write_back
@options.netwerk
@mail_options
def build(source: str | None, out_dir: Path, peildatum: str | None, force: bool,
          write_back: bool, netwerk: bool, mail: bool, mail_all: bool, dry_run: bool) -> None:
    """Lees de bron, controleer alle rijen en publiceer de kennisbank.

    Schrijft DIR/raw/ (momentopname), DIR/kennisbank.db (de openbare kennisbank) en
    DIR/beheer.db (meldingen en geschiedenis voor coördinatoren), en de rapporten in
    DIR/rapporten/ (zie kennisbank report). Exit 0 als de run voltooid is, ook als er rijen
    zijn afgekeurd.

    \b
    Voorbeeld:
      kennisbank build --source acties.xlsx --out output
      kennisbank build --source https://docs.google.com/spreadsheets/d/SLEUTEL/edit --write-back
    """
    from pipeline.app import build as run_build
    from pipeline.sources.fetch import is_google_source
    from pipeline.reports.render import release_build_memory

    if write_back and not (source and is_google_source(source)):
        _fail(KennisbankError("--write-back kan alleen bij een Google Sheet als bron."))
    try:
        result = run_build(source, out_dir, _today(peildatum), force=force)
    except KennisbankError as exc:
        _fail(exc)
        return
    if result.outcome is None:
        click.echo(f"De bron is niet gewijzigd sinds run {result.unchanged_since}; de kennisbank "
                   f"is niet opnieuw gebouwd. Gebruik --force om toch te bouwen.")
        _reports(out_dir, False, False, False)  # no mail for an unchanged sheet
        if mail or mail_all or dry_run:
            click.echo("Geen e-mail: de sheet is niet gewijzigd (kennisbank report --mail "
                       "verstuurt de rapporten toch).")
        if netwerk:
            _network(out_dir, result, _today(peildatum))
        return
    click.echo(summary(result.outcome.counts))
    click.echo(f"Kennisbank: {result.catalogue}")
    click.echo(f"Beheer:     {result.history} (run {result.run_id})")
    known_sources = _sources_of(result)
    statuses = expected_rows = None
    if write_back:
        from pipeline.contract.row_status import row_statuses

        statuses = row_statuses(result.outcome)
        expected_rows = result.snapshot.tab("Acties").values
    if not netwerk:
        # The reports read beheer.db; the run's frames and the snapshot (most of the memory
        # at 100,000 rows) are not needed any more.
        result.outcome = result.snapshot = None
    release_build_memory()
    mail_failed = _reports(out_dir, mail, mail_all, dry_run, known_sources)
    if write_back:
        _write_back(source, statuses, expected_rows)
    if netwerk:
        _network(out_dir, result, _today(peildatum))
    if mail_failed:
        sys.exit(1)


def _network(out_dir: Path, result, today: date) -> None:
    from pipeline.store.network import update_network_catalogue

    written = update_network_catalogue(out_dir, result, today)
    click.echo(f"Netwerk:    {written}" if written else "Netwerk:    netwerk.db ongewijzigd")


def _sources_of(result) -> dict:
    """The links to the sheet for the reports, from the snapshot this build holds (see
    report.read_sources), by the snapshot path recorded in beheer.db."""
    from pipeline.reports.render import sources_of

    if result.snapshot is None or result.snapshot_path is None:
        return {}
    snapshot = result.snapshot
    return {str(result.snapshot_path): sources_of({
        "bron": snapshot.source,
        "tabbladen": [{"titel": t.title, "tab_id": t.tab_id} for t in snapshot.tabs]})}


def _write_back(source: str, statuses: dict[int, str], expected_rows: list) -> None:
    from pipeline.sources import google as gsheet
    from pipeline.sources.snapshot import utc_now

    try:
        written = gsheet.write_back(source, statuses, utc_now(), expected_rows=expected_rows)
    except KennisbankError as exc:
        click.echo(f"Fout bij terugschrijven (de kennisbank is wel bijgewerkt): {exc}", err=True)
        sys.exit(1)
    click.echo(f"Controlekolom bijgewerkt: {written.rows_written} rijen in {written.range}")


@main.command()
@click.option("--source", "source", default=None, help=SOURCE_HELP)
@options.peildatum
def check(source: str | None, peildatum: str | None) -> None:
    """Controleer de bron zonder iets te publiceren; exit 1 als er rijen worden afgekeurd.

    \b
    Voorbeeld:
      kennisbank check --source acties.xlsx
    """
    from pipeline.app import check as run_check

    try:
        outcome = run_check(source, _today(peildatum))
    except KennisbankError as exc:
        _fail(exc)
        return
    findings = outcome.findings.sort_values(["tabblad", "rij"], kind="stable")
    for f in findings.itertuples():
        click.echo(f"[{f.ernst}] {f.tabblad}, rij {f.rij}, {f.kop or '-'}: {f.bericht}")
    click.echo(summary(outcome.counts))
    sys.exit(1 if outcome.counts["afgekeurd"] else 0)


@main.command()
@click.option("--db", "db_path", default="output/kennisbank.db", show_default=True,
              type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="De kennisbank die wordt getoond.")
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, envvar="KENNISBANK_WORKERS",
              type=click.IntRange(1, 64),
              help="Aantal serverprocessen (één per processorkern is een goede keuze).")
def serve(db_path: Path, port: int, workers: int) -> None:
    """Toon de kennisbank met Datasette op http://127.0.0.1:PORT/ (alleen lezen).

    \b
    Voorbeeld:
      kennisbank serve --db output/kennisbank.db --port 8001
      kennisbank serve --workers 2     # twee processen: twee kernen beantwoorden lezers
    """
    click.echo(f"De kennisbank draait op http://127.0.0.1:{port}/ (stoppen met Ctrl-C)")
    if workers > 1:
        from pipeline.catalogue.workers import serve as serve_workers

        serve_workers(db_path, port, workers)
        return
    from pipeline.catalogue.serve import serve as run_serve

    run_serve(db_path, port)


@main.command()
@click.option("--out", "out_dir", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Map met kennisbank.db en beheer.db; de rapporten komen in DIR/rapporten/.")
@mail_options
def report(out_dir: Path, mail: bool, mail_all: bool, dry_run: bool) -> None:
    """Maak de rapporten voor coördinatoren en per bibliotheek (HTML, tekst en CSV).

    Leest DIR/kennisbank.db en DIR/beheer.db en schrijft DIR/rapporten/. Met --mail gaat het
    coördinatorenrapport naar KENNISBANK_COORDINATOR_EMAIL en krijgt elke bibliotheek met open
    meldingen haar eigen rapport op het adres uit het tabblad Bibliotheken. Exit 1 als een
    e-mail niet verstuurd kon worden (de andere worden wel verstuurd).

    \b
    Voorbeeld:
      kennisbank report --out output
      kennisbank report --out output --mail --dry-run
    """
    if _reports(out_dir, mail, mail_all, dry_run):
        sys.exit(1)


@main.group()
def sheet() -> None:
    """De gedeelde Google Sheet beheren.

    \b
    Voorbeeld:
      kennisbank sheet init --sheet https://docs.google.com/spreadsheets/d/SLEUTEL/edit
    """


@sheet.command("init")
@click.option("--sheet", "sheet_url", required=True,
              help="Link of gsheet:SLEUTEL van een nieuwe of lege Google Sheet.")
@click.option("--force", is_flag=True,
              help="Ook als er al gegevens in staan (er wordt nooit een rij verwijderd).")
def sheet_init(sheet_url: str, force: bool) -> None:
    """Richt een nieuwe of lege Google Sheet in voor de bibliotheken.

    Maakt de tabbladen Acties, Bibliotheken, Keuzelijsten en Toelichting, met vaste en
    beschermde koppen, uitleg per kolom, keuzelijsten en datum- en getalnotatie.

    \b
    Voorbeeld:
      kennisbank sheet init --sheet https://docs.google.com/spreadsheets/d/SLEUTEL/edit
    """
    from pipeline.sources.sheet_init import init_sheet

    try:
        result = init_sheet(sheet_url, force=force)
    except KennisbankError as exc:
        _fail(exc)
        return
    created = ", ".join(result.created) or "geen"
    click.echo(f"Sheet '{result.title}' ingericht (nieuwe tabbladen: {created}).")


def _add_commands() -> None:
    from pipeline.catalogue.deploy import deploy
    from pipeline.run import run

    main.add_command(run)
    main.add_command(deploy)


_add_commands()

if __name__ == "__main__":
    main()
