"""The `kennisbank` command: click commands that parse options, call pipeline.app or one stage,
and print. No step of a run is ordered here (that is pipeline/app.py)."""

from __future__ import annotations

import os
import sys
import warnings
from datetime import date
from pathlib import Path

import click

from pipeline import nl
from pipeline.errors import KennisbankError

SOURCE_HELP = ("Een .xlsx, .ods, een map met .csv-bestanden per tabblad, een map met werkmappen "
               "(.xlsx/.ods, één per bibliotheek), een momentopname (.json) of een Google Sheet "
               "(link of gsheet:SLEUTEL). Zonder --source: het ingebouwde fictieve voorbeeld.")
OK, PARTIAL, FAILED = 0, 1, 2

# ------------------------------------------------------------------ options shared by commands

peildatum_option = click.option(
    "--peildatum", default=None, metavar="JJJJ-MM-DD", envvar="KENNISBANK_PEILDATUM",
    help="Datum waarop de status (gepland/lopend/afgerond) wordt bepaald; standaard vandaag.")
force_option = click.option(
    "--force", is_flag=True, help="Ook bouwen als de sheet niet is gewijzigd sinds de vorige run.")
write_back_option = click.option(
    "--write-back", is_flag=True,
    help="Schrijf per rij de uitkomst in de kolom Controle van de Google Sheet.")
netwerk_option = click.option(
    "--netwerk", is_flag=True,
    help="Maak ook DIR/netwerk.db met de contactpersonen van gedeelde acties, voor het "
         "netwerkexemplaar met inlog (nooit in de openbare kennisbank).")
mail_all_option = click.option(
    "--mail-all", is_flag=True,
    help="Ook bibliotheken zonder open meldingen krijgen hun rapport (houdt --mail in).")


def mail_options(command):
    """--mail, --mail-all and --dry-run, shared by build and report."""
    options = [
        click.option("--mail", is_flag=True,
                     help="Verstuur de rapporten per e-mail (instellingen in KENNISBANK_SMTP_*, "
                          "KENNISBANK_MAIL_FROM en KENNISBANK_COORDINATOR_EMAIL)."),
        mail_all_option,
        click.option("--dry-run", is_flag=True,
                     help="Schrijf de e-mails als .eml-bestanden in DIR/rapporten/mail/ in "
                          "plaats van ze te versturen (houdt --mail in)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _today(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("gebruik JJJJ-MM-DD, bijvoorbeeld 2026-11-28") from None


def _fail(exc: Exception) -> None:
    click.echo(f"Fout: {exc}", err=True)
    sys.exit(FAILED)


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
    import tempfile
    import time
    import traceback

    from pipeline.redact import redact

    text = redact("".join(traceback.format_exception(exc)), os.environ)
    path = os.path.join(tempfile.gettempdir(),
                        f"kennisbank-fout-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.log")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError:
        return "(geen logbestand: de tijdelijke map is niet beschrijfbaar)"
    return path


def summary(counts: dict[str, int]) -> str:
    return (f"{counts['rijen_gelezen']} acties gelezen: {counts['gepubliceerd']} gepubliceerd "
            f"(waarvan {counts['onvolledig']} onvolledig), "
            f"{counts['alleen_netwerk']} alleen netwerk, {counts['afgekeurd']} afgekeurd, "
            f"{counts['niet_gedeeld']} niet gedeeld, {counts['wacht_op_akkoord']} wacht op "
            f"akkoord. {counts['bibliotheken_met_acties']} van de {counts['bibliotheken']} "
            f"aangemelde bibliotheken {'doet' if counts['bibliotheken_met_acties'] == 1 else 'doen'}"
            f" mee. Meldingen: "
            f"{nl.counted(counts['fouten'], 'fout')}, "
            f"{nl.counted(counts['waarschuwingen'], 'waarschuwing')}, "
            f"{nl.counted(counts['info'], 'info')}.")


def echo_deliveries(deliveries) -> bool:
    """One line per message: written, sent or not sent (on stderr). True when one failed."""
    failed = False
    for delivery in deliveries:
        to = ", ".join(delivery.to)
        if delivery.file is not None:
            click.echo(f"E-mail geschreven: {delivery.file} (aan {to})")
        elif delivery.ok:
            click.echo(f"E-mail verstuurd aan {to}: {delivery.subject}")
        else:
            failed = True
            click.echo(f"E-mail NIET verstuurd aan {to}: {delivery.error}", err=True)
    return failed


def echo_reports(reports, mail) -> None:
    """The lines of the reports step, as `kennisbank build` and `report` print them."""
    click.echo(f"Rapporten:  {reports.directory} (coördinatoren en {len(reports.libraries)} "
               f"bibliotheken)")
    if mail is None:
        return
    echo_deliveries(mail.deliveries)
    for reason in mail.skipped:
        click.echo(f"Geen e-mail: {reason}")


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Kennisbank Marketing: van de gedeelde sheet naar een doorzoekbare kennisbank.

    \b
    Voorbeeld:
      kennisbank build --out output
      kennisbank serve
    """


# ------------------------------------------------------------------ build, run, check, report

@main.command()
@click.option("--source", "source", default=None, help=SOURCE_HELP)
@click.option("--out", "out_dir", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Map voor de uitvoer.")
@peildatum_option
@force_option
@write_back_option
@netwerk_option
@mail_options
def build(source: str | None, out_dir: Path, peildatum: str | None, force: bool,
          write_back: bool, netwerk: bool, mail: bool, mail_all: bool, dry_run: bool) -> None:
    """Lees de bron, controleer alle rijen en publiceer de kennisbank.

    Schrijft DIR/raw/ (momentopname), DIR/kennisbank.db (de openbare kennisbank) en
    DIR/beheer.db (meldingen en geschiedenis voor coördinatoren), en de rapporten in
    DIR/rapporten/ (zie kennisbank report). Exit 0 als de run voltooid is, ook als er rijen
    zijn afgekeurd; 1 als de kennisbank is bijgewerkt maar rapporten, e-mail, terugschrijven
    of netwerk.db mislukte.

    \b
    Voorbeeld:
      kennisbank build --source acties.xlsx --out output
      kennisbank build --source https://docs.google.com/spreadsheets/d/SLEUTEL/edit --write-back
    """
    from pipeline.app import publish
    from pipeline.progress import terminal_progress

    asked_mail = mail or mail_all or dry_run
    with terminal_progress() as stage:  # bars on a terminal only; a log gets the lines below
        result = publish(source, out_dir, _today(peildatum), force=force, mail=asked_mail,
                         mail_all=mail_all, dry_run=dry_run, write_back=write_back,
                         netwerk=netwerk, stage=stage)
    built = result.build
    if result.changed:
        click.echo(summary(result.counts))
        click.echo(f"Kennisbank: {built.catalogue}")
        click.echo(f"Beheer:     {built.history} (run {built.run_id})")
    else:
        click.echo(f"De bron is niet gewijzigd sinds run {built.unchanged_since}; de kennisbank "
                   f"is niet opnieuw gebouwd. Gebruik --force om toch te bouwen.")
    if result.reports is not None:
        echo_reports(result.reports, result.mail)
    if asked_mail and not result.changed:
        click.echo("Geen e-mail: de sheet is niet gewijzigd (kennisbank report --mail "
                   "verstuurt de rapporten toch).")
    if result.written_back is not None and result.written_back.unchanged:
        click.echo("Controlekolom ongewijzigd: geen status veranderd, niets geschreven.")
    elif result.written_back is not None:
        click.echo(f"Controlekolom bijgewerkt: {result.written_back.rows_written} rijen in "
                   f"{result.written_back.range}")
    if netwerk and not any(f.step == "netwerk.db" for f in result.failures):
        click.echo(f"Netwerk:    {result.network}" if result.network
                   else "Netwerk:    netwerk.db ongewijzigd")
    for failure in result.failures:
        if not (failure.step == "e-mail" and result.mail):  # unsent mails: own lines above
            click.echo(f"Fout bij {failure.step} (de kennisbank is wel bijgewerkt): "
                       f"{failure.message}", err=True)
    sys.exit(result.code)


@main.command("run")
@click.option("--source", "source", default=None, envvar="KENNISBANK_SOURCE",
              help="Zoals bij build (ook uit KENNISBANK_SOURCE); zonder: het ingebouwde "
                   "voorbeeld.")
@click.option("--out", "out_dir", default="output", show_default=True, envvar="KENNISBANK_OUT",
              type=click.Path(file_okay=False, path_type=Path),
              help="Map voor de uitvoer (ook uit KENNISBANK_OUT).")
@peildatum_option
@force_option
@click.option("--mail", is_flag=True,
              help="Verstuur de rapporten per e-mail (niet bij een ongewijzigde bron).")
@mail_all_option
@write_back_option
@netwerk_option
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
    from pipeline.redact import log_line

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code, problems, parts = _unattended(source, out_dir, peildatum, force=force,
                                            mail=mail or mail_all, mail_all=mail_all,
                                            write_back=write_back, netwerk=netwerk)
    status = {OK: "OK", PARTIAL: "DEELS MISLUKT", FAILED: "MISLUKT"}[code]
    click.echo(log_line(status, "; ".join(problems + parts), os.environ), err=code != OK)
    sys.exit(code)


def _unattended(source: str | None, out_dir: Path, peildatum: str | None,
                **steps: bool) -> tuple[int, list[str], list[str]]:
    """One publish as (exit code, problems, what was done); never raises."""
    from pipeline.app import publish

    try:
        today = date.fromisoformat(peildatum) if peildatum else date.today()
    except ValueError:
        return FAILED, [f"peildatum '{peildatum}' is geen datum (JJJJ-MM-DD)"], []
    try:
        result = publish(source, out_dir, today, **steps)
    except KennisbankError as exc:
        return FAILED, [str(exc)], []
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback that may hold a secret
        return FAILED, [f"onverwachte fout ({type(exc).__name__}): {exc}"], []
    built = result.build
    parts = [f"run {built.run_id}: {summary(result.counts).rstrip('.')}" if result.changed else
             f"de bron is niet gewijzigd sinds run {built.unchanged_since}; niets opnieuw gebouwd"]
    if result.reports is not None:
        parts.append(f"rapporten voor {len(result.reports.libraries)} bibliotheken")
    if result.mail is not None:
        parts.append(f"{sum(d.ok for d in result.mail.deliveries)} e-mails verstuurd")
    if result.written_back is not None:
        parts.append("controlekolom ongewijzigd" if result.written_back.unchanged
                     else f"controlekolom: {result.written_back.rows_written} rijen")
    if result.network_asked and not any(f.step == "netwerk.db" for f in result.failures):
        parts.append("netwerk.db bijgewerkt" if result.network else "netwerk.db ongewijzigd")
    problems = [f.message if f.step == "e-mail" else f"{f.step}: {f.message}"
                for f in result.failures]
    return result.code, problems, parts


@main.command()
@click.option("--source", "source", default=None, help=SOURCE_HELP)
@peildatum_option
def check(source: str | None, peildatum: str | None) -> None:
    """Controleer de bron zonder iets te publiceren; exit 1 als er rijen worden afgekeurd.

    \b
    Voorbeeld:
      kennisbank check --source acties.xlsx
    """
    from pipeline.app import check as run_check
    from pipeline.sources.workbooks import locate

    outcome = run_check(source, _today(peildatum))
    files = outcome.snapshot.source.get("bestanden")
    findings = outcome.findings.sort_values(["tabblad", "rij"], kind="stable")
    for f in findings.itertuples():
        place = locate(files, f.tabblad, f.rij)
        where = f"{place[0]}, {f.tabblad}, rij {place[1]}" if place else f"{f.tabblad}, rij {f.rij}"
        click.echo(f"[{f.ernst}] {where}, {f.kop or '-'}: {f.bericht}")
    click.echo(summary(outcome.counts))
    sys.exit(1 if outcome.counts["afgekeurd"] else 0)


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
    from pipeline.app import write_reports_and_mail

    reports, sent = write_reports_and_mail(out_dir, mail or mail_all or dry_run, mail_all,
                                           dry_run)
    echo_reports(reports, sent)
    sys.exit(PARTIAL if sent is not None and sent.failed else OK)


# ------------------------------------------------------------------ serve and deploy

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
    from pipeline.catalogue.serve import serve as serve_one

    serve_one(db_path, port)


def _day(_ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is geen datum als JJJJ-MM-DD.") from None


@main.command()
@click.option("--log", "logs", required=True, multiple=True,
              type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Een gebruikslogboek (KENNISBANK_USAGE_LOG), ook gecomprimeerd (.gz); "
                   "herhaal --log voor meer logboeken of exemplaren.")
@click.option("--out", "out_dir", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Map voor gebruik.json en gebruik.html.")
@click.option("--van", callback=_day, default=None, metavar="JJJJ-MM-DD",
              help="Eerste dag van de periode (standaard: de eerste dag in de logboeken).")
@click.option("--tot", callback=_day, default=None, metavar="JJJJ-MM-DD",
              help="Laatste dag van de periode, die dag meegeteld (standaard: de laatste).")
def gebruik(logs: tuple[Path, ...], out_dir: Path, van: date | None, tot: date | None) -> None:
    """Tel het gebruik van de catalogus uit een of meer gebruikslogboeken.

    \b
    Voorbeeld:
      kennisbank gebruik --log gebruik.jsonl --log gebruik-2.jsonl.gz --out output \\
        --van 2026-11-01 --tot 2026-11-30
    """
    from pipeline.reports.usage import make_usage_report

    written = make_usage_report(logs, out_dir, van, tot)
    g = written.usage
    click.echo(f"{g['verzoeken']} verzoeken, {len(g['zonder_resultaat'])} zoektermen zonder "
               f"resultaat, {g['overgeslagen']} onleesbare regels overgeslagen.")
    click.echo(f"Geschreven: {written.json_path} en {written.html_path}")


@main.command()
@click.option("--out", "out_dir", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Map met beheer.db (en kennisbank.db); het rapport komt in DIR/evaluatie/.")
@click.option("--log", "logs", multiple=True,
              type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Een gebruikslogboek (KENNISBANK_USAGE_LOG), ook gecomprimeerd (.gz); "
                   "herhaal --log voor meer logboeken of exemplaren.")
@click.option("--van", callback=_day, default=None, metavar="JJJJ-MM-DD",
              help="Eerste dag van de periode (standaard: alles).")
@click.option("--tot", callback=_day, default=None, metavar="JJJJ-MM-DD",
              help="Laatste dag van de periode, die dag meegeteld (standaard: alles).")
@click.option("--mail", is_flag=True,
              help="Stuur het rapport naar KENNISBANK_COORDINATOR_EMAIL (instellingen in "
                   "KENNISBANK_SMTP_* en KENNISBANK_MAIL_FROM).")
@click.option("--dry-run", is_flag=True,
              help="Schrijf de e-mail als .eml-bestand in DIR/evaluatie/mail/ in plaats van hem "
                   "te versturen (houdt --mail in).")
def evaluatie(out_dir: Path, logs: tuple[Path, ...], van: date | None, tot: date | None,
              mail: bool, dry_run: bool) -> None:
    """Maak het evaluatierapport van de pilot (HTML, tekst en CSV).

    Beantwoordt de drie vragen van de pilot met cijfers door de tijd: deelname per maand
    (bibliotheken die meedoen tegenover aangemelde), acties per bibliotheek, compleetheid,
    meldingen en hoe snel ze worden opgelost, deelniveaus en akkoorden, en met --log het
    gebruik van de website; elk cijfer naast zijn streefwaarde uit schemas/evaluatie.yml.

    \b
    Voorbeeld:
      kennisbank evaluatie --out output --log gebruik.jsonl --log gebruik-2.jsonl.gz
      kennisbank evaluatie --out output --mail --dry-run
    """
    from pipeline.reports.evaluation import make_evaluation

    made = make_evaluation(out_dir, logs, van, tot)
    click.echo(f"Evaluatie: {made.html_path} (en {len(made.files) - 1} bestanden ernaast)")
    click.echo(made.subject)
    if not (mail or dry_run):
        return
    from pipeline.reports.mail import deliver_to_coordinators

    deliveries = deliver_to_coordinators(
        "evaluatie", made.subject, made.text, made.html,
        ("deelname-per-maand.csv", (made.folder / "deelname-per-maand.csv").read_text("utf-8")),
        os.environ, dry_run, made.folder / "mail")
    sys.exit(PARTIAL if echo_deliveries(deliveries) else OK)


@main.group()
def deploy() -> None:
    """De kennisbank in productie: containermap voor Docker, Cloud Run of Fly.

    \b
    Voorbeeld:
      kennisbank deploy prepare --db output/kennisbank.db --out output/container
    """


@deploy.command("prepare")
@click.option("--db", "db_path", default="output/kennisbank.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="De gebouwde kennisbank.")
@click.option("--out", "out_dir", default="output/container", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="De containermap (wordt vervangen als hij al eerder zo is gemaakt).")
@click.option("--netwerk", is_flag=True,
              help="Het netwerkexemplaar met inlog: neemt ook netwerk.db naast --db mee.")
def deploy_prepare(db_path: Path, out_dir: Path, netwerk: bool) -> None:
    """Maak de containermap: kennisbank.db, metadata, sjablonen, tellingen, Dockerfile.

    Bouw het image daarna met `docker build -t kennisbank DIR`, of zet het met
    `gcloud run deploy --source DIR` of `fly deploy DIR` online (zie deploy/README.md).

    \b
    Voorbeeld:
      kennisbank deploy prepare --db output/kennisbank.db --out output/container
      kennisbank deploy prepare --netwerk --db output/kennisbank.db --out output/container-netwerk
    """
    from pipeline.catalogue.deploy import prepare

    context = prepare(db_path, out_dir, netwerk=netwerk)
    click.echo(f"Containermap: {context.directory}")
    click.echo(f"Start:        {context.command_line}")


# ------------------------------------------------------------------ the Google Sheet

@main.group()
def sheet() -> None:
    """De gedeelde Google Sheet beheren, of een Excel-sjabloon maken.

    \b
    Voorbeeld:
      kennisbank sheet init --sheet https://docs.google.com/spreadsheets/d/SLEUTEL/edit
      kennisbank sheet template --out kennisbank-sjabloon.xlsx
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

    result = init_sheet(sheet_url, force=force)
    created = ", ".join(result.created) or "geen"
    click.echo(f"Sheet '{result.title}' ingericht (nieuwe tabbladen: {created}).")


@sheet.command("template")
@click.option("--out", "out_path", default="kennisbank-sjabloon.xlsx", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Het Excel-bestand (.xlsx).")
@click.option("--bibliotheek", default=None, metavar="NAAM",
              help="Vul de kolom Bibliotheek in met deze naam en zet die kolom vast.")
def sheet_template(out_path: Path, bibliotheek: str | None) -> None:
    """Maak een Excel-sjabloon voor bibliotheken die liever in Excel werken.

    Dezelfde tabbladen, koppen, uitleg per kolom (opmerkingen), keuzemenu's en notaties als de
    Google Sheet, een voorbeeldrij die nooit wordt gepubliceerd en de Toelichting. Het bestand
    werkt ook in LibreOffice; lees het in met --source.

    \b
    Voorbeeld:
      kennisbank sheet template --out kennisbank-sjabloon.xlsx
      kennisbank sheet template --out duinstreek.xlsx --bibliotheek "Bibliotheek Duinstreek"
    """
    from pipeline.sources.template import make_template

    if out_path.suffix.casefold() != ".xlsx":
        raise click.BadParameter("gebruik een bestandsnaam die eindigt op .xlsx", param_hint="--out")
    written = make_template(out_path, (bibliotheek or "").strip() or None)
    click.echo(f"Sjabloon geschreven: {written}")


if __name__ == "__main__":
    main()
