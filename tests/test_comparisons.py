"""Fair comparisons over HTTP on a served catalogue: total cost with the staff hours, € 0 actions
apart from the ranking, the number of left-out actions shown, OR within a list facet and AND
across facets; and the findings where the data contradicts itself."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from tests import helpers
from tests.helpers import LIBRARIES, agreed, good_action, snapshot_of

# Five actions of Duinstreek (60.000 inhabitants) and Veenweide (112.000); the hourly rate of
# schemas/vergelijken.yml is € 40, so total cost = budget + uren × 40.
ACTIONS = [
    good_action(titel="Gratis voorlezen", doelen="Ledenwerving, Leesbevordering",
                kanalen="Facebook", budget_eur=0, uren=10, nieuwe_leden=50),    # 400 / 50 = 8
    good_action(titel="Welkomstpakket", bibliotheek="Bibliotheek Veenweide",
                doelen="Ledenwerving", kanalen="Instagram", budget_eur=1000, uren=20,
                nieuwe_leden=90),                                               # 1800 / 90 = 20
    good_action(titel="Proefabonnement", doelen="Ledenwerving", kanalen="TikTok, Lokale pers",
                budget_eur=200, uren=20, nieuwe_leden=40),                      # 1000 / 40 = 25
    good_action(titel="Ledenactie zonder uren", doelen="Ledenwerving", kanalen="Lokale pers",
                budget_eur=500, uren=None, nieuwe_leden=30),                    # unknown
    good_action(titel="Leesclub", doelen="Leesbevordering", kanalen="Instagram, Poster en flyer",
                budget_eur=300, uren=20, deelnemers=120),                       # no new members
]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    from pipeline.contract.process import process
    from pipeline.store.load import write_catalogue

    outcome = process(snapshot_of(ACTIONS), helpers.TODAY)
    assert outcome.counts["gepubliceerd"] == len(ACTIONS)
    return write_catalogue(outcome, tmp_path_factory.mktemp("vergelijken"))


@pytest.fixture(scope="module")
def site(catalogue):
    with helpers.serving(catalogue) as base:
        yield base


def fetch(site: str, path: str) -> str:
    port = int(site.rsplit(":", 1)[1])
    status, body = helpers.get(port, path)
    assert status == 200, (path, body[:300])
    return body.decode("utf-8")


def titles(site: str, query: str) -> list[str]:
    rows = json.loads(fetch(site, f"/kennisbank/acties.json?_shape=array&_sort=titel&{query}"))
    return [r["titel"] for r in rows]


def q(**params) -> str:
    return urllib.parse.urlencode([(k, v) for k, values in params.items()
                                   for v in ([values] if isinstance(values, str) else values)])


def test_total_cost_counts_the_hours_and_per_1000_inhabitants(site):
    rows = json.loads(fetch(site, "/kennisbank/acties.json?_shape=array&_sort=titel"))
    assert [(r["titel"], r["totale_kosten"], r["kosten_per_nieuw_lid"],
             r["nieuwe_leden_per_1000_inwoners"], r["budget_klasse"]) for r in rows] == [
        ("Gratis voorlezen", 400.0, 8.0, 0.83, "Geen budget (€ 0)"),
        ("Ledenactie zonder uren", None, None, 0.5, "250 – 1.000"),
        ("Leesclub", 1100.0, None, None, "250 – 1.000"),
        ("Proefabonnement", 1000.0, 25.0, 0.67, "< 250"),
        ("Welkomstpakket", 1800.0, 20.0, 0.8, "1.000 – 5.000"),
    ]
    html = fetch(site, "/kennisbank/acties")
    assert "Totale kosten (budget + uren × € 40)" in html  # the column description, as set


def test_ranking_puts_actions_without_budget_apart_and_counts_the_left_out(site):
    path = "/kennisbank/kosten_per_nieuw_lid.json?_shape=array&doel=Ledenwerving"
    rows = json.loads(fetch(site, path))
    assert [(r["plaats"], r["titel"], r["kosten_per_nieuw_lid"]) for r in rows] == [
        (1, "Welkomstpakket", 20.0), (2, "Proefabonnement", 25.0),
        ("zonder budget", "Gratis voorlezen", 8.0)]
    html = fetch(site, "/kennisbank/kosten_per_nieuw_lid?doel=Ledenwerving")
    assert ('<p class="kb-weggelaten">1 actie zonder bekende kosten per nieuw lid staat niet in '
            'deze lijst (budget, inzet in uren of aantal nieuwe leden ontbreekt).</p>') in html
    everything = fetch(site, "/kennisbank/kosten_per_nieuw_lid?doel=")
    assert "2 acties zonder bekende kosten per nieuw lid staan niet in deze lijst" in everything


def test_cost_ordering_of_the_list_says_what_it_leaves_out(site):
    html = fetch(site, "/kennisbank/acties")
    link = html.split('" rel="nofollow">Laagste kosten per nieuw lid')[0].rsplit('href="', 1)[1]
    link = urllib.parse.unquote(link.replace("&amp;", "&"))
    assert link == ("/kennisbank/acties?_sort=kosten_per_nieuw_lid"
                    "&kosten_per_nieuw_lid__notblank=1&budget_eur__gt=0")
    rows = json.loads(fetch(site, link.replace("acties?", "acties.json?_shape=array&")))
    assert [r["titel"] for r in rows] == ["Welkomstpakket", "Proefabonnement"]
    page = fetch(site, link)
    assert [p.split("</p>")[0] for p in page.split('<p class="kb-weggelaten">')[1:]] == [
        "1 actie zonder budget (€ 0) staat niet in deze lijst.",
        "2 acties zonder bekende kosten per nieuw lid staan niet in deze lijst (budget, inzet "
        "in uren of aantal nieuwe leden ontbreekt)."]
    # the same ordering of a filtered list counts within the filter
    filtered = fetch(site, link + "&kanalen__arraycontains=Lokale+pers")
    assert [p.split("</p>")[0] for p in filtered.split('<p class="kb-weggelaten">')[1:]] == [
        "1 actie zonder bekende kosten per nieuw lid staat niet in deze lijst (budget, inzet in "
        "uren of aantal nieuwe leden ontbreekt)."]


def test_list_shows_budget_and_goal_reached(site):
    html = fetch(site, "/kennisbank/acties")
    assert 'data-column="budget_eur"' in html and 'data-column="doel_behaald"' in html
    assert '<span class="behaald behaald-ja">ja</span>' in html


def test_or_within_a_list_facet_and_across_facets(site):
    assert titles(site, q(kanalen__arrayany=["Facebook", "TikTok"])) == [
        "Gratis voorlezen", "Proefabonnement"]
    assert titles(site, q(kanalen__arrayany=["Facebook", "TikTok"],
                          doelen__arrayany="Leesbevordering")) == ["Gratis voorlezen"]
    assert titles(site, q(kanaalgroepen__arrayany="Sociale media")) == [
        "Gratis voorlezen", "Leesclub", "Proefabonnement", "Welkomstpakket"]
    assert titles(site, q(kanaalgroepen__arrayany=["Sociale media", "Pers en media"],
                          doelen__arrayany="Leesbevordering")) == ["Gratis voorlezen", "Leesclub"]
    # Datasette's own filter keeps AND
    assert titles(site, q(kanalen__arraycontains=["TikTok", "Lokale pers"])) == [
        "Proefabonnement"]


def test_list_facet_counts_and_links_widen(site):
    data = json.loads(fetch(site, "/kennisbank/acties.json?" + q(
        kanalen__arrayany="Facebook", _facet_array="kanalen", _size="0")))
    facet = {r["value"]: (r["count"], r["selected"],
                          urllib.parse.unquote_plus(r["toggle_url"].split("?", 1)[1]))
             for r in data["facet_results"]["kanalen"]["results"]}
    assert data["filtered_table_rows_count"] == 1
    assert facet["Facebook"] == (1, True, "_facet_array=kanalen&_size=0")
    assert facet["Instagram"] == (
        2, False, "kanalen__arrayany=Facebook&_facet_array=kanalen&_size=0"
                  "&kanalen__arrayany=Instagram")
    groups = json.loads(fetch(site, "/kennisbank/acties.json?_size=0"))["facet_results"]
    assert [(r["value"], r["count"]) for r in groups["kanaalgroepen"]["results"]] == [
        ("Sociale media", 4), ("Pers en media", 2), ("Drukwerk en buitenreclame", 1)]
    assert [r["value"] for r in groups["budget_klasse"]["results"]] == [
        "Geen budget (€ 0)", "< 250", "250 – 1.000", "1.000 – 5.000"]


def test_findings_where_the_data_contradicts_itself():
    from pipeline.contract.process import process

    libraries = [*LIBRARIES, agreed(["Bibliotheek Vechtplassen", "Utrecht", "Stichtse Vecht",
                                     None, None, None, None, 65800])]
    actions = [good_action(titel="Te bescheiden", streefwaarde=180, resultaat=246,
                           doel_behaald="deels"),
               good_action(titel="Te rooskleurig", streefwaarde=135, resultaat=86,
                           doel_behaald="ja"),
               good_action(titel="Eerlijk", streefwaarde=50, resultaat=40, doel_behaald="deels"),
               good_action(titel="Tikfout", startdatum="7-3-2002", einddatum="8-3-2002")]
    findings = process(snapshot_of(actions, libraries), helpers.TODAY).findings
    new = findings[findings["code"].isin(
        ["behaald_tegenstrijdig", "datum_voor_periode", "bibliotheek_buiten_werkgebied"])]
    assert [tuple(r) for r in new[["tabblad", "rij", "veld", "ernst", "code", "bericht"]]
            .itertuples(index=False)] == [
        ("Bibliotheken", 4, "provincie", "waarschuwing", "bibliotheek_buiten_werkgebied",
         "'Bibliotheek Vechtplassen' ligt in Utrecht, buiten het werkgebied van de kennisbank "
         "(Noord-Holland en Zuid-Holland); de bibliotheek en haar acties worden wel "
         "gepubliceerd."),
        ("Acties", 5, "startdatum", "waarschuwing", "datum_voor_periode",
         "De datum 2002-03-07 in 'Startdatum' ligt voor 2015, het begin van de periode van de "
         "kennisbank."),
        ("Acties", 5, "einddatum", "waarschuwing", "datum_voor_periode",
         "De datum 2002-03-08 in 'Einddatum' ligt voor 2015, het begin van de periode van de "
         "kennisbank."),
        ("Acties", 2, "doel_behaald", "waarschuwing", "behaald_tegenstrijdig",
         "'Doel behaald' is 'deels', maar het resultaat (246) is 136,7% van de streefwaarde "
         "(180)."),
        ("Acties", 3, "doel_behaald", "waarschuwing", "behaald_tegenstrijdig",
         "'Doel behaald' is 'ja', maar het resultaat (86) is 63,7% van de streefwaarde (135)."),
    ]


def test_own_filter_form_keeps_the_facet_choices(site):
    html = fetch(site, "/kennisbank/acties?" + q(kanalen__arrayany=["Facebook", "TikTok"],
                                                 provincie="Noord-Holland"))
    form = html.split('<form class="filters"')[1].split("</form>")[0]
    assert form.count('<input type="hidden" name="kanalen__arrayany"') == 2
    assert form.count('name="_filter_column_') == 1  # only provincie is an editable filter
    assert html.count('class="kb-chip"') == 3
    assert "Kanalen bevat een van TikTok" in html
