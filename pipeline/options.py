"""Command-line options that `kennisbank build`, `check` and `run` share (one text each)."""

from __future__ import annotations

import click

peildatum = click.option(
    "--peildatum", default=None, metavar="JJJJ-MM-DD", envvar="KENNISBANK_PEILDATUM",
    help="Datum waarop de status (gepland/lopend/afgerond) wordt bepaald; standaard vandaag.")
force = click.option(
    "--force", is_flag=True, help="Ook bouwen als de sheet niet is gewijzigd sinds de vorige run.")
write_back = click.option(
    "--write-back", is_flag=True,
    help="Schrijf per rij de uitkomst in de kolom Controle van de Google Sheet.")
netwerk = click.option(
    "--netwerk", is_flag=True,
    help="Maak ook DIR/netwerk.db met de contactpersonen van gedeelde acties, voor het "
         "netwerkexemplaar met inlog (nooit in de openbare kennisbank).")
