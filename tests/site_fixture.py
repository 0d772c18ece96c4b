"""A small catalogue for the site tests, built from sheet rows by the real pipeline: four
libraries (one without actions), six actions with known costs and results, one titled with a
script tag and one whose texts start with =, +, - and @."""

from __future__ import annotations

from pathlib import Path

from pipeline.store.load import write_catalogue
from pipeline.contract.process import process

from conftest import LIBRARY_HEADERS, TODAY, good_action, snapshot_of

SCRIPT_TITLE = "<script>alert(1)</script>"
FORMULA_TEXTS = {
    "omschrijving": '=HYPERLINK("http://example.org","klik")',
    "aanleiding": "@bibliotheek vroeg om meer zichtbaarheid",
    "wat_werkte": "+31 procent meer volgers",
    "tip": "-geen posters ophangen in de zomer",
}

LIBRARIES = [
    LIBRARY_HEADERS,
    ["Bibliotheek Duinstreek", "Noord-Holland", "Castricum, Heiloo",
     "https://www.duinstreek.bieb-voorbeeld.nl", 52.5486, 4.6694,
     "marketing@duinstreek.bieb-voorbeeld.nl", 60000],
    ["Bibliotheek Veenweide", "Zuid-Holland", "Alphen aan den Rijn",
     "https://www.veenweide.bieb-voorbeeld.nl", 52.1284, 4.6569,
     "communicatie@veenweide.bieb-voorbeeld.nl", 112000],
    ["Bibliotheek Kustlicht", "Noord-Holland", "Bergen, Egmond",
     "https://www.kustlicht.bieb-voorbeeld.nl", 52.6603, 4.6986,
     "pr@kustlicht.bieb-voorbeeld.nl", 30000],
    ["Bibliotheek Polderrand", "Zuid-Holland", "Zoeterwoude", None, 52.1180, 4.4960,
     "info@polderrand.bieb-voorbeeld.nl", 9000],
]

NO_RESULT = dict(kpi=None, streefwaarde=None, resultaat=None, meetbaar_doel=None,
                 resultaten_toelichting=None)

ACTIONS = [
    good_action(titel="Kinderboekenweek voorleesfeest", doelen="Leesbevordering, Ledenwerving",
                kanalen="Facebook; Poster en flyer", landelijke_campagne="Kinderboekenweek",
                budget_eur=600, nieuwe_leden=60, deelnemers=300,
                links="https://www.duinstreek.bieb-voorbeeld.nl/kbw",
                wat_werkte="Voorlezen door de wethouder.", wat_werkte_niet="Te weinig posters.",
                tip="Begin op tijd met de posters."),
    good_action(bibliotheek="Bibliotheek Veenweide", titel="Welkom nieuwe inwoners",
                omschrijving="Welkomstpakket met een proefabonnement voor nieuwe inwoners.",
                doelen="Ledenwerving", doelgroepen="Volwassenen", kanalen="Direct mail",
                startdatum="1-3-2024", einddatum="31-3-2024", budget_eur=1000,
                meetbaar_doel="50 nieuwe leden", streefwaarde=50, resultaat=40, nieuwe_leden=40,
                wat_werkte="Persoonlijke brief van de directeur."),
    good_action(bibliotheek="Bibliotheek Veenweide", titel="Digitaal Café",
                omschrijving="Wekelijks inloopspreekuur voor digitale vragen.",
                doelen="Deelname aan activiteiten", doelgroepen="Senioren (65+)",
                kanalen="Lokale pers", startdatum="1-2-2023", einddatum="30-6-2023",
                budget_eur=200, kpi="Deelnemers", meetbaar_doel="80 deelnemers",
                streefwaarde=80, resultaat=100, deelnemers=100,
                wat_werkte="Vaste tijd, vaste plek."),
    good_action(bibliotheek="Bibliotheek Kustlicht", titel=SCRIPT_TITLE,
                doelen="Leesbevordering", doelgroepen="Kinderen (4-12)", kanalen="Instagram",
                startdatum="15-1-2025", einddatum="15-2-2025", budget_eur=None, uren=None,
                **NO_RESULT, **FORMULA_TEXTS),
    good_action(titel="Zomerlezen", omschrijving="Leesclub voor de zomervakantie.",
                doelen="Leesbevordering", doelgroepen="Kinderen (4-12), Gezinnen",
                kanalen="Instagram, Facebook", landelijke_campagne="VakantieBieb en zomerlezen",
                startdatum="1-7-2025", einddatum="31-8-2025", budget_eur=300, kpi="Deelnemers",
                meetbaar_doel="100 deelnemers", streefwaarde=100, resultaat=120, deelnemers=120,
                wat_werkte="Stempelkaart met een prijs aan het eind."),
    good_action(bibliotheek="Bibliotheek Kustlicht", titel="BoekStart voor baby's",
                omschrijving="Gratis lidmaatschap en koffertje voor baby's via het consultatiebureau.",
                doelen="Ledenwerving", doelgroepen="Peuters en ouders (0-4)",
                kanalen="Via partners", startdatum="1-9-2023", einddatum="30-11-2023",
                budget_eur=450, meetbaar_doel="40 nieuwe leden", streefwaarde=40, resultaat=30,
                nieuwe_leden=30),
]


def build_site_catalogue(out_dir: Path) -> Path:
    """kennisbank.db of the site fixture in out_dir (the real process and load stages)."""
    outcome = process(snapshot_of(ACTIONS, LIBRARIES), TODAY)
    assert outcome.counts["gepubliceerd"] == len(ACTIONS), outcome.findings
    return write_catalogue(outcome, out_dir)
