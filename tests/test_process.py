"""Normalise + validate on small sheets: exact clean values and exact findings per defect kind."""

from __future__ import annotations

import json

import pytest

from helpers import ACTION_HEADERS, TODAY, good_action, snapshot_of
from pipeline.contract.process import OUTCOMES, process

LONG_TEXT = "Lang verhaal. " * 200  # 2.800 characters

# Row numbers as a person sees them: header on row 1, so the first action is row 2.
DEFECT_ROWS = [
    good_action(),                                                               # 2 good
    good_action(titel=None),                                                     # 3
    good_action(titel="Zomerlezen", startdatum="ergens in juli"),                # 4
    good_action(titel="Boekenweek", bibliotheek="Bibliotheek Duinstrek"),        # 5
    good_action(titel="Voorleesdagen", startdatum="13-10-2024", einddatum="2-10-2024"),  # 6
    good_action(titel="Ledenwerving", budget_eur="1,250"),                       # 7
    good_action(titel="Poëzieweek", budget_eur=-50),                             # 8
    good_action(titel="Week van Lezen", kanalen="Mastodon, FB"),                 # 9
    good_action(titel="Taalcafé", kanalen="Facebok"),                            # 10
    good_action(titel="Digitaal Café", uren="#REF!"),                            # 11
    good_action(titel="Klik & Tik", omschrijving="=SOM(A1:A3)"),                 # 12
    good_action(titel="T" * 151),                                                # 13
    good_action(titel="Materiaal", links="www.voorbeeld.nl https://ok.example/x"),  # 14
    [None] * len(ACTION_HEADERS),                                                # 15 blank
    good_action(),                                                               # 16 duplicate of 2
    good_action(titel="Vertrouwelijk", delen="nee"),                             # 17 withheld
    good_action(titel="Spreekuur", budget_eur="weet ik niet"),                   # 18
    good_action(titel="Nieuwe leden", nieuwe_leden="12,5"),                      # 19
    good_action(titel="Geen doel", doelen=None),                                 # 20
    good_action(titel="Met ID", actie_id="HLM-2023-04"),                         # 21
    good_action(titel="Ander ID", actie_id="HLM-2023-04", einddatum="2-10-2025"),  # 22
    good_action(titel="Onbekend delen", delen="misschien"),                      # 23
    good_action(titel="Cel fout verplicht", omschrijving="#N/B"),                # 24
    [None] * len(ACTION_HEADERS),                                                # 25 trailing blank
]

# (row, veld, severity, code) for every finding the defects must produce, besides the
# completeness warnings, which test_completeness covers.
EXPECTED = {
    (3, "titel", "fout", "verplicht_leeg"),
    (4, "startdatum", "fout", "datum_onleesbaar"),
    (5, "bibliotheek", "fout", "bibliotheek_onbekend"),
    (6, "einddatum", "fout", "einddatum_voor_start"),
    (7, "budget_eur", "waarschuwing", "bedrag_dubbelzinnig"),
    (8, "budget_eur", "waarschuwing", "negatief"),
    (9, "kanalen", "waarschuwing", "keuze_onbekend"),
    (10, "kanalen", "info", "keuze_gecorrigeerd"),
    (11, "uren", "waarschuwing", "celfout"),
    (12, "omschrijving", "info", "formule_als_tekst"),
    (13, "titel", "fout", "titel_te_lang"),
    (14, "links", "waarschuwing", "url_ongeldig"),
    (16, None, "fout", "dubbele_rij"),
    (17, None, "info", "niet_gedeeld"),
    (18, "budget_eur", "waarschuwing", "bedrag_onleesbaar"),
    (19, "nieuwe_leden", "waarschuwing", "geen_geheel_getal"),
    (20, "doelen", "fout", "verplicht_leeg"),
    (22, "actie_id", "fout", "dubbel_id"),
    (23, "delen", "waarschuwing", "delen_onleesbaar"),
    (23, None, "info", "niet_gedeeld"),
    (24, "omschrijving", "waarschuwing", "celfout"),
    (24, "omschrijving", "fout", "verplicht_leeg"),
}


@pytest.fixture(scope="module")
def defects():
    return process(snapshot_of(DEFECT_ROWS), TODAY)


def findings_without_completeness(outcome):
    f = outcome.findings
    f = f[~f["code"].isin(["aanbevolen_leeg", "verwacht_bij_kpi"])]
    return {(int(r.rij), None if r.veld is None or r.veld != r.veld else r.veld, r.ernst, r.code)
            for r in f.itertuples()}


def test_each_defect_gives_exactly_its_finding(defects):
    assert findings_without_completeness(defects) == EXPECTED


def test_messages_are_dutch_and_name_the_value(defects):
    f = defects.findings.set_index(["rij", "code"])
    assert f.loc[(5, "bibliotheek_onbekend"), "bericht"] == (
        "Bibliotheek 'Bibliotheek Duinstrek' staat niet in het tabblad Bibliotheken. "
        "Bedoelde u 'Bibliotheek Duinstreek'?")
    assert f.loc[(4, "datum_onleesbaar"), "bericht"] == (
        "'ergens in juli' in 'Startdatum' is geen leesbare datum.")
    assert f.loc[(4, "datum_onleesbaar"), "hint"] == (
        "Schrijf de datum als dag-maand-jaar, bijvoorbeeld 3-2-2024.")
    assert f.loc[(7, "bedrag_dubbelzinnig"), "bericht"] == (
        "'1,250' in 'Budget (€)' is dubbelzinnig; gelezen als 1,25 (komma als decimaalteken).")
    assert f.loc[(16, "dubbele_rij"), "bericht"] == (
        "Deze actie staat al in rij 2 (zelfde bibliotheek, titel en startdatum).")
    assert f.loc[(10, "keuze_gecorrigeerd"), "bericht"] == (
        "'Facebok' in 'Kanalen' is gelezen als 'Facebook'.")
    assert f.loc[(13, "titel_te_lang"), "bericht"] == (
        "De titel is 151 tekens lang; het maximum is 150.")
    assert set(defects.findings["tabblad"]) == {"Acties"}


def test_every_row_ends_in_exactly_one_place(defects):
    outcome = {int(r): u for r, u in zip(defects.actions["rij"], defects.actions["uitkomst"])}
    assert outcome == {
        2: "gepubliceerd", 3: "afgekeurd", 4: "afgekeurd", 5: "afgekeurd", 6: "afgekeurd",
        7: "gepubliceerd", 8: "gepubliceerd", 9: "gepubliceerd", 10: "gepubliceerd",
        11: "gepubliceerd", 12: "gepubliceerd", 13: "afgekeurd", 14: "gepubliceerd",
        16: "afgekeurd", 17: "niet_gedeeld", 18: "gepubliceerd", 19: "gepubliceerd",
        20: "afgekeurd", 21: "gepubliceerd", 22: "afgekeurd", 23: "niet_gedeeld",
        24: "afgekeurd",
    }
    counts = defects.counts
    assert counts["rijen_gelezen"] == 22
    assert counts["gepubliceerd"] + counts["afgekeurd"] + counts["niet_gedeeld"] == 22


def test_warning_values_are_left_out_but_unknown_vocabulary_kept(defects):
    rows = defects.actions.set_index("rij")
    assert rows.at[7, "budget_eur"] == 1.25
    assert rows.at[8, "budget_eur"] != rows.at[8, "budget_eur"]  # NaN: negative left out
    assert rows.at[9, "kanalen"] == ["Mastodon", "Facebook"]
    assert rows.at[10, "kanalen"] == ["Facebook"]
    assert rows.at[14, "links"] == ["https://ok.example/x"]
    assert rows.at[12, "omschrijving"] == "=SOM(A1:A3)"
    assert rows.at[21, "actie_id"] == "HLM-2023-04"


def test_completeness_and_missing_fields():
    outcome = process(snapshot_of([
        good_action(),
        good_action(titel="Kaal", aanleiding=None, einddatum=None, budget_eur=None, uren=None,
                    meetbaar_doel=None, kpi=None, streefwaarde=None, resultaat=None,
                    resultaten_toelichting=None, wat_werkte=None, tip=None),
        good_action(titel="KPI zonder resultaat", resultaat=None),
    ]), TODAY)
    rows = outcome.actions.set_index("rij")
    assert rows.at[2, "compleetheid"] == 100 and rows.at[2, "ontbreekt"] == []
    # 7 required filled of 7 required + 9 recommended
    assert rows.at[3, "compleetheid"] == round(100 * 7 / 16)
    assert rows.at[3, "ontbreekt"] == ["Aanleiding", "Einddatum", "Budget (€)", "Inzet (uren)",
                                       "Meetbaar doel", "KPI", "Toelichting resultaten",
                                       "Wat werkte", "Tip voor collega's"]
    # a KPI makes streefwaarde and resultaat expected: 17 of 18
    assert rows.at[4, "compleetheid"] == round(100 * 17 / 18)
    assert rows.at[4, "ontbreekt"] == ["Resultaat"]
    f = outcome.findings
    assert sorted(f.loc[f["rij"] == 4, "code"]) == ["verwacht_bij_kpi"]
    assert f.loc[f["rij"] == 3, "code"].tolist() == ["aanbevolen_leeg"] * 9
    assert outcome.counts["onvolledig"] == 2


def test_exact_normalised_values_of_good_rows():
    outcome = process(snapshot_of([
        good_action(titel="\u200bKinderboekenweek\u00a0", startdatum=45567, einddatum="13 okt. 2024",
                    budget_eur="€ 1.250,50", uren="1,5", kanalen="FB; insta\nfolder",
                    doelgroepen="kinderen / Gezinnen", nieuwe_leden="60", deelnemers="1.250",
                    bereik="EUR 300", streefwaarde=50, resultaat=40, vestigingen="Noord/Zuid",
                    links="https://a.example/1, https://b.example/2", delen="JA",
                    contactpersoon="Anna de Vries"),
        good_action(titel="'Boekstart 👶 <script>alert(1)</script>", startdatum="februari 2024",
                    einddatum="maart 2024", budget_eur="0", uren="n.v.t.", nieuwe_leden=0,
                    deelnemers=0, streefwaarde=10, resultaat=0, doel_behaald=None,
                    landelijke_campagne="KBW", aanbod="proefabonnement", functies="lezen"),
        good_action(titel="Digitaal Café", startdatum="3/2/2024", einddatum="2024-02-03",
                    budget_eur="ca. 200", uren="-", kpi="Deelnemers", streefwaarde=None,
                    resultaat=None, doel_behaald="Deels", deelnemers=25),
        good_action(titel="Zomer", startdatum="1 juni 2026", einddatum="31-12-2026",
                    budget_eur=7500, streefwaarde=0, resultaat=3, nieuwe_leden=3),
    ]), TODAY)
    rows = outcome.actions.set_index("rij")
    cols = ["titel", "startdatum", "einddatum", "budget_eur", "uren", "kanalen", "doelgroepen",
            "nieuwe_leden", "deelnemers", "bereik", "doel_behaald", "jaar", "kwartaal",
            "duur_dagen", "status", "provincie", "budget_klasse", "kosten_per_nieuw_lid",
            "kosten_per_deelnemer", "realisatie_pct", "compleetheid", "vestigingen", "links",
            "landelijke_campagne", "aanbod", "functies"]
    got = {r: {c: _plain(rows.at[r, c]) for c in cols} for r in rows.index}
    assert got[2] == {
        "titel": "Kinderboekenweek", "startdatum": "2024-10-02", "einddatum": "2024-10-13",
        "budget_eur": 1250.5, "uren": 1.5, "kanalen": ["Facebook", "Instagram", "Poster en flyer"],
        "doelgroepen": ["Kinderen (4-12)", "Gezinnen"], "nieuwe_leden": 60.0,
        "deelnemers": 1250.0, "bereik": 300.0, "doel_behaald": "deels", "jaar": 2024,
        "kwartaal": "2024-K4", "duur_dagen": 12, "status": "afgerond",
        "provincie": "Noord-Holland", "budget_klasse": "1.000 – 5.000",
        # total cost 1250.5 + 1.5 hours × € 40 (schemas/vergelijken.yml) = 1310.5
        "kosten_per_nieuw_lid": 21.84, "kosten_per_deelnemer": 1.05, "realisatie_pct": 80.0,
        "compleetheid": 100, "vestigingen": ["Noord", "Zuid"],
        "links": ["https://a.example/1", "https://b.example/2"], "landelijke_campagne": None,
        "aanbod": None, "functies": None,
    }
    assert got[3] == {
        "titel": "Boekstart 👶 <script>alert(1)</script>", "startdatum": "2024-02-01",
        "einddatum": "2024-03-31", "budget_eur": 0.0, "uren": None,
        "kanalen": ["Facebook"], "doelgroepen": ["Kinderen (4-12)"], "nieuwe_leden": 0.0,
        "deelnemers": 0.0, "bereik": None, "doel_behaald": "nee", "jaar": 2024,
        "kwartaal": "2024-K1", "duur_dagen": 60, "status": "afgerond",
        "provincie": "Noord-Holland", "budget_klasse": "Geen budget (€ 0)",
        "kosten_per_nieuw_lid": None,
        "kosten_per_deelnemer": None, "realisatie_pct": 0.0, "compleetheid": round(100 * 15 / 16),
        "vestigingen": None, "links": None, "landelijke_campagne": "Kinderboekenweek",
        "aanbod": "Gratis proefperiode", "functies": ["Lezen en literatuur"],
    }
    assert got[4]["startdatum"] == got[4]["einddatum"] == "2024-02-03"
    assert (got[4]["budget_eur"], got[4]["uren"], got[4]["doel_behaald"]) == (200.0, None, "deels")
    # no hours known: the total cost, and so the cost per participant, is unknown
    assert (got[4]["budget_klasse"], got[4]["kosten_per_deelnemer"], got[4]["realisatie_pct"]) == (
        "< 250", None, None)
    assert (got[4]["duur_dagen"], got[4]["status"]) == (1, "afgerond")
    assert got[5]["status"] == "lopend" and got[5]["budget_klasse"] == "> 5.000"
    assert got[5]["doel_behaald"] == "ja" and got[5]["realisatie_pct"] is None
    assert got[5]["kosten_per_nieuw_lid"] == 2766.67  # (7500 + 20 hours × € 40) / 3
    codes = outcome.findings[["rij", "code"]].itertuples(index=False)
    assert {(int(r), c) for r, c in codes if c not in ("aanbevolen_leeg", "verwacht_bij_kpi")} == {
        (3, "datum_maand"), (4, "bedrag_circa")}
    # einddatum "maart 2024" is month precision too, read as the month's last day
    month = outcome.findings[outcome.findings["code"] == "datum_maand"]
    assert month["veld"].tolist() == ["startdatum", "einddatum"]
    assert month["bericht"].tolist() == [
        "In 'Startdatum' staat alleen een maand (februari 2024); gelezen als 2024-02-01.",
        "In 'Einddatum' staat alleen een maand (maart 2024); gelezen als 2024-03-31."]


def test_status_follows_the_run_date():
    outcome = process(snapshot_of([
        good_action(titel="Toekomst", startdatum="1-1-2027", einddatum="31-1-2027"),
    ]), TODAY)
    assert outcome.actions["status"].tolist() == ["gepland"]


def test_keuzelijsten_tab_extends_a_list():
    outcome = process(snapshot_of(
        [good_action(kanalen="Podcast, Website")],
        keuzelijsten=[["kanaal", "doel"], ["Podcast", "Ledenwerving"]],
    ), TODAY)
    assert outcome.actions["kanalen"].tolist() == [["Podcast", "Website"]]
    assert "Podcast" in outcome.vocabularies["kanaal"].labels
    assert outcome.vocabularies["kanaal"].added == ["Podcast"]
    assert len(outcome.vocabularies["doel"].labels) == 10


def test_keuzelijsten_tab_can_replace_a_list():
    outcome = process(snapshot_of(
        [good_action(kanalen="Website")],
        keuzelijsten=[["kanaal (vervangt)"], ["Website"], ["Podcast"]],
    ), TODAY)
    assert outcome.vocabularies["kanaal"].labels == ["Website", "Podcast"]
    assert outcome.vocabularies["kanaal"].find("site") == "Website"


def _plain(value):
    if isinstance(value, list):
        return value
    if value is None or value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def test_header_below_title_rows_and_aliases():
    from pipeline.sources.snapshot import Snapshot, Tab

    headers = [h.upper() for h in ACTION_HEADERS]
    headers[1] = " bibliotheek\u00a0"
    values = [["Kennisbank Marketing"], ["Vul hieronder in"], headers, good_action()]
    snap = Snapshot(source={}, tabs=[Tab("Acties", values),
                                      Tab("Bibliotheken", snapshot_of([]).tab("Bibliotheken").values)])
    outcome = process(snap, TODAY)
    assert outcome.actions["rij"].tolist() == [4]
    assert outcome.actions["uitkomst"].tolist() == ["gepubliceerd"]
    assert json.dumps(outcome.actions["kanalen"].tolist()) == '[["Facebook"]]'


def test_action_of_a_rejected_library_says_so():
    libraries = [*snapshot_of([]).tab("Bibliotheken").values,
                 ["Bibliotheek Nergensland", "Atlantis"]]
    outcome = process(snapshot_of([good_action(bibliotheek="bibliotheek nergensland")],
                                  libraries=libraries), TODAY)
    f = outcome.findings
    assert f[["tabblad", "rij", "veld", "ernst", "code"]].values.tolist() == [
        ["Bibliotheken", 4, "provincie", "fout", "provincie_onbekend"],
        ["Acties", 2, "bibliotheek", "fout", "bibliotheek_afgekeurd"],
    ]
    assert outcome.actions["uitkomst"].tolist() == ["afgekeurd"]


def test_every_sample_row_ends_in_exactly_one_place(sample_build):
    outcome = sample_build.outcome
    counts = outcome.counts
    assert counts["rijen_gelezen"] == 198
    assert {k: counts[k] for k in OUTCOMES} == {
        "gepubliceerd": 164, "alleen_netwerk": 13, "niet_gedeeld": 6, "wacht_op_akkoord": 3,
        "afgekeurd": 12}
    assert sum(counts[k] for k in OUTCOMES) == 198
    assert sorted(outcome.rows("niet_gedeeld")["rij"]) == [33, 78, 103, 155, 173, 178]
    # Delen netwerk, its aliases or empty: the network members only
    assert sorted(outcome.rows("alleen_netwerk")["rij"]) == [
        19, 31, 38, 43, 59, 77, 79, 97, 102, 114, 134, 147, 157]
    # Bibliotheek Sleutelstad-Oost has not agreed to the terms yet
    waiting = outcome.rows("wacht_op_akkoord")
    assert sorted(waiting["rij"]) == [56, 63, 64]
    assert set(waiting["bibliotheek"]) == {"Bibliotheek Sleutelstad-Oost"}
    assert outcome.actions["rij"].is_unique
