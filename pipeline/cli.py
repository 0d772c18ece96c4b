"""The `kennisbank` command: a thin layer over build, check and serve."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from .errors import KennisbankError

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


def summary(counts: dict[str, int]) -> str:
    return (f"{counts['rijen_gelezen']} acties gelezen: {counts['gepubliceerd']} gepubliceerd "
            f"(waarvan {counts['onvolledig']} onvolledig), {counts['afgekeurd']} afgekeurd, "
            f"{counts['niet_gedeeld']} niet gedeeld. Meldingen: {counts['fouten']} fouten, "
            f"{counts['waarschuwingen']} waarschuwingen, {counts['info']} ter info.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--peildatum", default=None, metavar="JJJJ-MM-DD",
              envvar="KENNISBANK_PEILDATUM",
              help="Datum waarop de status (gepland/lopend/afgerond) wordt bepaald; standaard vandaag.")
def build(source: str | None, out_dir: Path, peildatum: str | None) -> None:
    """Lees de bron, controleer alle rijen en publiceer de kennisbank.

    Schrijft DIR/raw/ (momentopname), DIR/kennisbank.db (de openbare kennisbank) en
    DIR/beheer.db (meldingen en geschiedenis voor coördinatoren). Exit 0 als de run
    voltooid is, ook als er rijen zijn afgekeurd.

    \b
    Voorbeeld:
      kennisbank build --source acties.xlsx --out output
    """
    from .build import build as run_build

    try:
        result = run_build(source, out_dir, _today(peildatum))
    except KennisbankError as exc:
        _fail(exc)
        return
    click.echo(summary(result.outcome.counts))
    click.echo(f"Kennisbank: {result.catalogue}")
    click.echo(f"Beheer:     {result.history} (run {result.run_id})")


@main.command()
@click.option("--source", "source", default=None, help=SOURCE_HELP)
@click.option("--peildatum", default=None, metavar="JJJJ-MM-DD", envvar="KENNISBANK_PEILDATUM",
              help="Datum voor de status; standaard vandaag.")
def check(source: str | None, peildatum: str | None) -> None:
    """Controleer de bron zonder iets te publiceren; exit 1 als er rijen worden afgekeurd.

    \b
    Voorbeeld:
      kennisbank check --source acties.xlsx
    """
    from .build import check as run_check

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
def serve(db_path: Path, port: int) -> None:
    """Toon de kennisbank met Datasette op http://127.0.0.1:PORT/ (alleen lezen).

    \b
    Voorbeeld:
      kennisbank serve --db output/kennisbank.db --port 8001
    """
    from .serve import serve as run_serve

    click.echo(f"De kennisbank draait op http://127.0.0.1:{port}/ (stoppen met Ctrl-C)")
    run_serve(db_path, port)


if __name__ == "__main__":
    main()
