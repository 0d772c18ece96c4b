"""Issue 13's acceptance: sharing levels per action and the agreement per library. A small
workbook with actions at every level (and an empty Delen) and libraries with a current, an
outdated, a missing, an unreadable and a future agreement ends with exact counts per outcome;
kennisbank.db holds exactly the openbaar actions of agreed libraries, netwerk.db those plus the
netwerk ones, and the coordinator report names who still has to agree."""

from __future__ import annotations

import json
import sqlite3
import struct

import pytest

from helpers import ACTION_HEADERS, LIBRARY_HEADERS, TODAY, agreed, good_action
from pipeline.app import publish
from pipeline.contract.process import OUTCOMES, process
from pipeline.contract.row_status import row_statuses
from pipeline.sources.snapshot import Snapshot, Tab

DUINSTREEK, VEENWEIDE = "Bibliotheek Duinstreek", "Bibliotheek Veenweide"
WULPWIJK, KUSTLICHT, POLDERHOF = "Bibliotheek Wulpwijk", "Bibliotheek Kustlicht", \
    "Bibliotheek Polderhof"

# (title, library, Delen as typed, budget, expected outcome); titles, texts and budgets are
# unique, so a byte scan finds them wherever they end up.
ACTIONS = [
    ("Openbaar Aalscholver", DUINSTREEK, "openbaar", 101.25, "gepubliceerd"),
    ("Oud ja Bergeend", DUINSTREEK, "Ja", 202.5, "gepubliceerd"),
    ("Publiek Citroensijs", VEENWEIDE, "publiek", 303.75, "gepubliceerd"),
    ("Netwerk Dodaars", DUINSTREEK, "netwerk", 4104.35, "alleen_netwerk"),
    ("Leeg Eidereend", VEENWEIDE, None, 5205.45, "alleen_netwerk"),
    ("Collega Fuut", DUINSTREEK, "collega's", 6306.55, "alleen_netwerk"),
    ("Nee Goudhaan", DUINSTREEK, "nee", 7407.65, "niet_gedeeld"),
    ("Misschien Houtsnip", VEENWEIDE, "misschien", 8508.75, "niet_gedeeld"),
    ("Wacht IJsvogel", WULPWIJK, "openbaar", 9609.85, "wacht_op_akkoord"),
    ("Wacht Jan-van-gent", KUSTLICHT, "netwerk", 1710.95, "wacht_op_akkoord"),
    ("Wacht Kwartel", POLDERHOF, "openbaar", 2811.15, "wacht_op_akkoord"),
    ("Afgekeurd Lepelaar", DUINSTREEK, "openbaar", 3912.25, "afgekeurd"),
    ("Nee Merel", WULPWIJK, "nee", 4013.35, "niet_gedeeld"),
]


def library(name: str, day: str | None, by: str | None = "directeur Nachtegaal") -> list:
    return agreed([name, "Noord-Holland", None, None, None, None, None, None], day, by)


LIBRARIES = [
    LIBRARY_HEADERS,
    library(DUINSTREEK, "12-11-2026"),          # agreed to the current terms (1 november 2026)
    library(VEENWEIDE, "2-6-2025"),             # agreed to an older version: still valid
    library(WULPWIJK, None, None),              # not yet
    library(KUSTLICHT, "binnenkort"),           # unreadable: a finding, waits
    library(POLDERHOF, "1-1-2027"),             # after today: a finding, waits
]


def sharing_snapshot() -> Snapshot:
    acties = [ACTION_HEADERS]
    for title, name, share, budget, _ in ACTIONS:
        acties.append(good_action(
            titel=title, bibliotheek=name, delen=share, budget_eur=budget,
            omschrijving=f"Omschrijving van {title}.",
            startdatum="ergens in juli" if title.startswith("Afgekeurd") else "2-10-2024",
            contactpersoon=f"Contact {title.split()[-1]}"))
    return Snapshot(source={"soort": "test"}, tabs=[Tab("Acties", acties, 0),
                                                   Tab("Bibliotheken", LIBRARIES, 1)])


def rows(path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def expected(*outcomes: str) -> set[str]:
    return {title for title, *_, outcome in ACTIONS if outcome in outcomes}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    out = tmp_path_factory.mktemp("delen") / "uit"
    source = out.parent / "bron.json"
    source.write_text(json.dumps(sharing_snapshot().to_json()), encoding="utf-8")
    result = publish(str(source), out, TODAY, netwerk=True)
    assert result.failures == [], result.failures
    return out, result


def test_every_row_ends_in_exactly_one_outcome():
    outcome = process(sharing_snapshot(), TODAY)
    assert {k: outcome.counts[k] for k in OUTCOMES} == {
        "gepubliceerd": 3, "alleen_netwerk": 3, "niet_gedeeld": 3, "wacht_op_akkoord": 3,
        "afgekeurd": 1}
    assert dict(zip(outcome.actions["titel"], outcome.actions["uitkomst"])) == {
        title: result for title, *_, result in ACTIONS}
    assert outcome.agreed == {DUINSTREEK, VEENWEIDE}
    libs = outcome.findings[outcome.findings["tabblad"] == "Bibliotheken"]
    assert libs[["rij", "code", "bericht"]].values.tolist() == [
        [5, "akkoord_onleesbaar", "'binnenkort' in 'Akkoord voorwaarden' is geen leesbare datum; "
                                  "de acties van de bibliotheek wachten op akkoord."],
        [6, "akkoord_in_toekomst", "Het akkoord met de voorwaarden is gedateerd op 2027-01-01, "
                                   "na vandaag; de acties van de bibliotheek wachten op akkoord."],
    ]
    share = outcome.findings[outcome.findings["code"] == "delen_onleesbaar"]
    assert share[["rij", "ernst"]].values.tolist() == [[9, "waarschuwing"]]


def test_controle_texts_name_the_level_and_the_missing_agreement():
    statuses = row_statuses(process(sharing_snapshot(), TODAY))
    waiting = ("Wacht op akkoord: de bibliotheek moet eerst akkoord gaan met de "
               "gebruiksvoorwaarden (tabblad Bibliotheken)")
    assert [statuses[row] for row in range(2, 15)] == [
        "OK", "OK", "OK", "Alleen netwerk", "Alleen netwerk", "Alleen netwerk",
        "Niet gedeeld", "Niet gedeeld", waiting, waiting, waiting,
        "Afgekeurd: 'ergens in juli' in 'Startdatum' is geen leesbare datum.", "Niet gedeeld"]


def titles(path, table: str = "acties") -> set[str]:
    return {r[0] for r in rows(path, f"select titel from {table}")}


def test_the_public_catalogue_holds_exactly_the_openbaar_actions_of_agreed_libraries(shared):
    out, _ = shared
    assert titles(out / "kennisbank.db") == expected("gepubliceerd")


def test_netwerk_db_holds_the_openbaar_and_netwerk_actions_with_their_contacts(shared):
    out, _ = shared
    assert titles(out / "netwerk.db") == expected("gepubliceerd", "alleen_netwerk")
    assert titles(out / "netwerk.db", "contacten") == expected("gepubliceerd", "alleen_netwerk")
    shape = "select name, type, pk from pragma_table_info('acties') order by cid"
    assert rows(out / "netwerk.db", shape) == rows(out / "kennisbank.db", shape)
    assert rows(out / "netwerk.db", "select count(*) from acties_zoeken where acties_zoeken "
                                    "match 'eidereend'") == [(1,)]


def test_no_byte_of_netwerk_nee_or_waiting_actions_in_the_public_catalogue(shared):
    out, _ = shared
    data = (out / "kennisbank.db").read_bytes()
    hidden = [a for a in ACTIONS if a[4] in ("alleen_netwerk", "niet_gedeeld",
                                             "wacht_op_akkoord")]
    assert len(hidden) == 9
    for title, _, _, budget, _ in hidden:
        word = title.split()[-1]
        for needle in (title, f"Omschrijving van {title}", word.lower(), f"Contact {word}"):
            assert needle.encode() not in data and needle.encode() not in data.lower(), needle
        # a REAL is stored as a big-endian double; nor as text anywhere
        for figure in (struct.pack(">d", budget), str(budget).encode(),
                       str(budget).replace(".", ",").encode()):
            assert figure not in data, (title, figure)
    # who agreed is personal data: never public
    assert b"Nachtegaal" not in data and b"nachtegaal" not in data
    # the shown actions' figures are there, so the scan can find a figure
    assert struct.pack(">d", 101.25) in data


def test_beheer_db_keeps_the_withheld_and_waiting_rows_and_counts_them(shared):
    out, result = shared
    history = out / "beheer.db"
    assert titles(history, "wacht_op_akkoord") == expected("wacht_op_akkoord")
    assert titles(history, "niet_gedeeld") == expected("niet_gedeeld")
    assert rows(history, "select gepubliceerd, alleen_netwerk, niet_gedeeld, wacht_op_akkoord, "
                         "afgekeurd from runs") == [(3, 3, 3, 3, 1)]
    # each agreement recorded with the version of the terms in force on its date
    assert rows(history, "select naam, akkoord_voorwaarden, akkoord_versie from bibliotheken "
                         "order by naam") == [
        (DUINSTREEK, "2026-11-12", "2026-11-01"), (KUSTLICHT, None, None),
        (POLDERHOF, "2027-01-01", None), (VEENWEIDE, "2025-06-02", "2025-01-01"),
        (WULPWIJK, None, None)]


def test_coordinator_report_lists_missing_and_outdated_agreements(shared):
    out, _ = shared
    text = (out / "rapporten" / "coordinatoren.txt").read_text(encoding="utf-8")
    assert (
        "AKKOORD MET DE GEBRUIKSVOORWAARDEN (versie van 1 november 2026)\n"
        "  Nog geen akkoord: hun acties worden niet gedeeld, ook niet met het netwerk.\n"
        "  - Bibliotheek Kustlicht: 1 actie wacht\n"
        "  - Bibliotheek Polderhof: 1 actie wacht\n"
        "  - Bibliotheek Wulpwijk: 1 actie wacht\n"
        "  Akkoord met een oudere versie (nog geldig; vraag een nieuw akkoord):\n"
        "  - Bibliotheek Veenweide: akkoord op 2 juni 2025 (versie van 1 januari 2025)\n\n") in text
    assert "  Alleen netwerk:           3  (eerste verwerking)\n" in text
    assert "  Wacht op akkoord:         3  (eerste verwerking)\n" in text
    html = (out / "rapporten" / "coordinatoren.html").read_text(encoding="utf-8")
    assert "<li>Bibliotheek Wulpwijk: 1 actie wacht</li>" in html
    assert ("<li>Bibliotheek Veenweide: akkoord op 2 juni 2025 (versie van 1 januari 2025)</li>"
            in html)
