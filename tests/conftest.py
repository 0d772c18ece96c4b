"""Shared test helpers: small workbooks built from Python lists, processed for real."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.contract.config import load_fields
from pipeline.sources.snapshot import Snapshot, Tab

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KLEIN_DIR = FIXTURES / "klein"
TODAY = date(2026, 11, 28)

ACTION_HEADERS = [f.kop for f in load_fields()["Acties"]]
LIBRARY_HEADERS = [f.kop for f in load_fields()["Bibliotheken"]]

LIBRARIES = [
    LIBRARY_HEADERS,
    ["Bibliotheek Duinstreek", "Noord-Holland", "Castricum, Heiloo",
     "https://www.duinstreek.bieb-voorbeeld.nl", 52.5486, 4.6694,
     "marketing@duinstreek.bieb-voorbeeld.nl", 60000],
    ["Bibliotheek Veenweide", "Zuid-Holland", "Alphen aan den Rijn",
     "https://www.veenweide.bieb-voorbeeld.nl", "52,1284", "4,6569",
     "communicatie@veenweide.bieb-voorbeeld.nl", "112.000"],
]


def action(**values) -> list:
    """An Acties row by veld name; unnamed fields stay empty."""
    by_veld = {f.veld: i for i, f in enumerate(load_fields()["Acties"])}
    row = [None] * len(by_veld)
    for veld, value in values.items():
        row[by_veld[veld]] = value
    return row


def good_action(**overrides) -> list:
    values = dict(
        bibliotheek="Bibliotheek Duinstreek", titel="Kinderboekenweek 2024",
        omschrijving="Voorleesfeest in alle vestigingen.", aanleiding="Minder jeugdleden.",
        doelen="Leesbevordering", doelgroepen="Kinderen (4-12)", kanalen="Facebook",
        startdatum="2-10-2024", einddatum="13-10-2024", budget_eur=500, uren=20,
        meetbaar_doel="50 nieuwe jeugdleden", kpi="Nieuwe leden", streefwaarde=50,
        resultaat=60, resultaten_toelichting="Ruim gehaald.", wat_werkte="Voorlezen.",
        tip="Begin op tijd.",
    )
    values.update(overrides)
    return action(**values)


def snapshot_of(actions: list[list], libraries: list[list] | None = None,
                keuzelijsten: list[list] | None = None) -> Snapshot:
    tabs = [Tab("Acties", [ACTION_HEADERS, *actions], 0),
            Tab("Bibliotheken", libraries or LIBRARIES, 1)]
    if keuzelijsten is not None:
        tabs.append(Tab("Keuzelijsten", keuzelijsten, 2))
    return Snapshot(source={"soort": "test"}, tabs=tabs, fetched_at="2026-11-28T12:00:00Z")


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The embedded sample, built once for the whole session through the real CLI path."""
    from pipeline.app import build

    out = tmp_path_factory.mktemp("sample")
    return build(None, out, TODAY)


def start_serve(db: Path, *options: str, env: dict | None = None):
    """`kennisbank serve` as a process on a free port, once it answers: (process, port)."""
    import subprocess
    import sys
    import time

    from bench.run import free_port, get

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", str(db),
                             "--port", str(port), *options], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"kennisbank serve {' '.join(options)} antwoordde niet")
        try:
            if get(port, "/-/versions.json", timeout=5)[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
