"""The readers' site in process (datasette.client): every page in Dutch with exact figures on the
small site fixture, the canned queries' exact rows, the charts without arbitrary SQL, the feed,
the map, and the safety settings (immutable, no SQL, robots, escaping, CSV formulas)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import urllib.parse
import xml.etree.ElementTree as ET

import lxml.html
import pytest

from helpers import FORMULA_TEXTS, SCRIPT_TITLE
from pipeline.catalogue.serve import build_metadata, make_datasette

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(site_catalogue):
    return make_datasette(site_catalogue)


@pytest.fixture(scope="module")
def ids(site):
    rows = get(site, "/kennisbank/acties.json?_shape=array&_col=titel&_size=max").json()
    return {r["titel"]: r["actie_id"] for r in rows}


def get(site, path):
    return asyncio.run(site.client.get(path))


def page(site, path):
    response = get(site, path)
    assert response.status_code == 200, (path, response.text[:500])
    assert response.text.startswith("<!DOCTYPE html>\n<html lang=\"nl\">"), path
    return lxml.html.fromstring(response.text)


def texts(doc, xpath):
    return [" ".join(" ".join(e.itertext()).split()) for e in doc.xpath(xpath)]


def rows_of(site, path):
    response = get(site, path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def cls(name):
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# ------------------------------------------------------------------------ home page

def test_home_page_in_dutch_with_exact_figures(site):
    doc = page(site, "/")
    assert texts(doc, "//h1") == ["Kennisbank Marketing"]
    assert texts(doc, f"//a[{cls('kb-cijfer')}]") == [
        "6 acties gedeeld", "3 bibliotheken doen mee", "5 acties met gemeten resultaat",
        "3 acties haalden de streefwaarde"]
    form = doc.xpath("//form[@role='search']")[0]
    assert form.get("action") == "/kennisbank/acties"
    assert form.xpath(".//input/@name") == ["_search"]
    assert doc.xpath("//link[@type='application/atom+xml']/@href") == ["/kennisbank/nieuw.atom"]



def test_home_page_counts_the_libraries_with_actions(site):
    """'doen mee': libraries with at least one public action, not every registered library;
    the tile leads to exactly those libraries."""
    doc = page(site, "/")
    tile = doc.xpath(f"//a[{cls('kb-cijfer')}][contains(., 'doen mee')]")[0]
    assert tile.get("href") == "/kennisbank/bibliotheken?aantal_acties__gt=0"
    listed = rows_of(site, "/kennisbank/bibliotheken.json?aantal_acties__gt=0&_shape=array")
    assert [r["naam"] for r in listed] == [
        "Bibliotheek Duinstreek", "Bibliotheek Kustlicht", "Bibliotheek Veenweide"]
    registered = rows_of(site, "/kennisbank/bibliotheken.json?_shape=array")
    assert len(registered) == 4  # Polderrand is registered but shared no action yet
    assert texts(page(site, tile.get("href")), "//h1") == ["Aangemelde bibliotheken"]

def test_home_page_entry_points(site):
    doc = page(site, "/")
    blocks = doc.xpath(f"//div[{cls('kb-ingang')}]")
    assert [texts(b, ".//h2")[0] for b in blocks] == [
        "Per doel", "Per doelgroep", "Per kanaal", "Per landelijke campagne"]
    by_block = {texts(b, ".//h2")[0]: [(a.text_content(), a.get("href"), c)
                                        for a, c in zip(b.xpath(".//li/a"), texts(b, ".//li/span"))]
                for b in blocks}
    assert by_block["Per doel"] == [
        ("Ledenwerving", "/kennisbank/acties?doelen__arraycontains=Ledenwerving", "3"),
        ("Leesbevordering", "/kennisbank/acties?doelen__arraycontains=Leesbevordering", "3"),
        ("Deelname aan activiteiten",
         "/kennisbank/acties?doelen__arraycontains=Deelname+aan+activiteiten", "1")]
    assert by_block["Per doelgroep"][0] == (
        "Kinderen (4-12)", "/kennisbank/acties?doelgroepen__arraycontains=Kinderen+%284-12%29", "3")
    assert [(t, c) for t, _, c in by_block["Per kanaal"]] == [
        ("Facebook", "2"), ("Instagram", "2"), ("Direct mail", "1"), ("Lokale pers", "1"),
        ("Poster en flyer", "1"), ("Via partners", "1")]
    assert by_block["Per landelijke campagne"] == [
        ("Kinderboekenweek", "/kennisbank/acties?landelijke_campagne=Kinderboekenweek", "2"),
        ("VakantieBieb en zomerlezen",
         "/kennisbank/acties?landelijke_campagne=VakantieBieb+en+zomerlezen", "1")]
    assert texts(doc, f"//section[{cls('kb-wat-werkte')}]//li//strong") == [
        "Goedkoopste nieuwe leden per doel", "Goedkoopste deelnemers per doel",
        "Doelen vergeleken", "Kanalen vergeleken", "Alles wat één bibliotheek deed",
        "Acties per jaar en provincie"]


def test_home_page_newest_actions_escaped(site, ids):
    response = get(site, "/")
    doc = lxml.html.fromstring(response.text)
    newest = doc.xpath(f"//section[{cls('kb-nieuw')}]//a[{cls('titel')}]")
    assert [a.text_content() for a in newest] == [
        "Zomerlezen", SCRIPT_TITLE, "Kinderboekenweek voorleesfeest", "Welkom nieuwe inwoners",
        "BoekStart voor baby's", "Digitaal Café"]
    assert newest[1].get("href") == f"/kennisbank/acties/{ids[SCRIPT_TITLE]}"
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


# ------------------------------------------------------------------------ the action card

def card_fields(doc):
    return {texts(s, "./h2")[0]: dict(zip(texts(s, ".//dt"), texts(s, ".//dd")))
            for s in doc.xpath(f"//section[{cls('kb-sectie')}]")}


def test_action_card_sections_labels_and_numbers(site, ids):
    doc = page(site, f"/kennisbank/acties/{ids['Kinderboekenweek voorleesfeest']}")
    assert texts(doc, "//title") == ["Kinderboekenweek voorleesfeest · Kennisbank Marketing"]
    assert texts(doc, "//h1") == ["Kinderboekenweek voorleesfeest"]
    assert texts(doc, f"//p[{cls('kb-bovenregel')}]") == [
        "Bibliotheek Duinstreek · Noord-Holland · 2 oktober 2024"]
    assert texts(doc, f"//dl[{cls('kb-kerncijfers')}]/div") == [
        "Budget € 600", "Realisatie 120%", "Kosten per nieuw lid € 23,33",
        "Kosten per deelnemer € 4,67"]  # (€ 600 + 20 uur × € 40) / 60 and / 300
    assert card_fields(doc) == {
        "Aanleiding en doel": {"Aanleiding": "Minder jeugdleden.",
                               "Doelen": "Leesbevordering Ledenwerving",
                               "Meetbaar doel": "50 nieuwe jeugdleden",
                               "Landelijke campagne": "Kinderboekenweek"},
        "Aanpak": {"Doelgroepen": "Kinderen (4-12)", "Kanalen": "Facebook Poster en flyer",
                   "Periode": "2 oktober 2024 t/m 13 oktober 2024 (12 dagen)",
                   "Budget": "€ 600", "Inzet (uren)": "20", "Totale kosten": "€ 1.400"},
        "Resultaten": {"KPI": "Nieuwe leden", "Streefwaarde": "50", "Resultaat": "60",
                       "Realisatie": "120%", "Doel behaald": "ja", "Nieuwe leden": "60",
                       "Deelnemers": "300", "Kosten per nieuw lid": "€ 23,33",
                       "Kosten per deelnemer": "€ 4,67",
                       "Nieuwe leden per 1.000 inwoners": "1",
                       "Deelnemers per 1.000 inwoners": "5",
                       "Toelichting op de resultaten": "Ruim gehaald."},
        "Geleerde lessen": {"Wat werkte": "Voorlezen door de wethouder.",
                            "Wat werkte niet": "Te weinig posters.",
                            "Tip voor collega's": "Begin op tijd met de posters."},
        "Materiaal": {"Links": "Affiche duinstreek.bieb-voorbeeld.nl draaiboek kbw 2024 (DOCX)"},
    }


def test_action_card_links(site, ids):
    doc = page(site, f"/kennisbank/acties/{ids['Kinderboekenweek voorleesfeest']}")
    assert doc.xpath(f"//a[{cls('kb-label')}]/@href") == [
        "/kennisbank/acties?doelen__arraycontains=Leesbevordering",
        "/kennisbank/acties?doelen__arraycontains=Ledenwerving",
        "/kennisbank/acties?doelgroepen__arraycontains=Kinderen+%284-12%29",
        "/kennisbank/acties?kanalen__arraycontains=Facebook",
        "/kennisbank/acties?kanalen__arraycontains=Poster+en+flyer"]
    material = doc.xpath(f"//dd[{cls('kb-soort-links')}]//a")
    # readable labels: "label | link", the file name, the domain
    assert [(a.get("href"), a.text_content()) for a in material] == [
        ("https://www.duinstreek.bieb-voorbeeld.nl/affiche.pdf", "Affiche"),
        ("https://www.duinstreek.bieb-voorbeeld.nl/kbw", "duinstreek.bieb-voorbeeld.nl"),
        ("https://www.duinstreek.bieb-voorbeeld.nl/stukken/draaiboek_kbw-2024.docx",
         "draaiboek kbw 2024 (DOCX)")]
    library = doc.xpath(f"//section[{cls('kb-bieb')}]")[0]
    assert texts(library, ".//p") == [
        "Bibliotheek Duinstreek", "Noord-Holland: Castricum, Heiloo",
        "https://www.duinstreek.bieb-voorbeeld.nl", "Alle acties van deze bibliotheek",
        "Geen openbaar contactadres: vraag via de coördinatoren"]
    assert library.xpath(".//a/@href") == [
        "/bibliotheek/bibliotheek-duinstreek",
        "https://www.duinstreek.bieb-voorbeeld.nl",
        "/kennisbank/acties_van_bibliotheek?bibliotheek=Bibliotheek%20Duinstreek",
        "#kb-feedback-kop"]
    assert doc.xpath(f"//p[{cls('kb-bovenregel')}]/a/@href") == [
        "/bibliotheek/bibliotheek-duinstreek"]


def test_similar_actions_share_a_goal_and_an_audience(site, ids):
    doc = page(site, f"/kennisbank/acties/{ids['Kinderboekenweek voorleesfeest']}")
    similar = doc.xpath(f"//section[{cls('kb-vergelijkbaar')}]//a[{cls('titel')}]")
    assert [a.text_content() for a in similar] == ["Zomerlezen", SCRIPT_TITLE]
    assert similar[0].get("href") == f"/kennisbank/acties/{ids['Zomerlezen']}"
    doc = page(site, f"/kennisbank/acties/{ids['Digitaal Café']}")
    assert texts(doc, f"//section[{cls('kb-vergelijkbaar')}]/p") == [
        "Met hetzelfde doel en een overlappende doelgroep.",
        "Nog geen vergelijkbare acties in de kennisbank."]


def test_empty_fields_are_left_out_and_text_is_escaped(site, ids):
    response = get(site, f"/kennisbank/acties/{ids[SCRIPT_TITLE]}")
    assert "<script>alert(1)" not in response.text
    doc = lxml.html.fromstring(response.text)
    assert texts(doc, "//h1") == [SCRIPT_TITLE]
    assert texts(doc, f"//dl[{cls('kb-kerncijfers')}]") == []
    assert card_fields(doc) == {
        "Aanleiding en doel": {"Aanleiding": FORMULA_TEXTS["aanleiding"],
                               "Doelen": "Leesbevordering",
                               "Landelijke campagne": "Kinderboekenweek"},
        "Aanpak": {"Doelgroepen": "Kinderen (4-12)", "Kanalen": "Instagram",
                   "Periode": "15 januari 2025 t/m 15 februari 2025 (32 dagen)"},
        "Geleerde lessen": {"Wat werkte": FORMULA_TEXTS["wat_werkte"],
                            "Tip voor collega's": FORMULA_TEXTS["tip"]},
    }
    assert [d for d in texts(doc, "//dd") if not d] == []


def test_unknown_action_is_404(site):
    assert get(site, "/kennisbank/acties/KB-BESTAATNIET").status_code == 404


# ------------------------------------------------------------------------ the table page

def test_table_page_dutch_columns_title_first_and_links(site, ids):
    doc = page(site, "/kennisbank/acties")
    assert texts(doc, f"//h2[{cls('kb-aantal')}]") == ["6 acties"]
    headers = doc.xpath("//table[contains(@class, 'kb-acties')]//th")
    assert [h.get("data-column") for h in headers] == [
        "titel", "doelen", "doelgroepen", "kanalen", "budget_eur", "realisatie_pct",
        "doel_behaald", "kosten_per_nieuw_lid"]
    assert texts(doc, "//table[contains(@class, 'kb-acties')]//th") == [
        "Titel", "Doelen", "Doelgroepen", "Kanalen", "Budget", "Realisatie", "Doel behaald",
        "Kosten per nieuw lid"]
    assert headers[5].get("title") == (
        "Resultaat als percentage van de streefwaarde; 125 betekent 25% boven het doel.")
    first = doc.xpath("//table[contains(@class, 'kb-acties')]//tbody/tr")[0]
    assert texts(first, "./td") == [
        "Zomerlezen Bibliotheek Duinstreek · 1 juli 2025", "Leesbevordering",
        "Kinderen (4-12) Gezinnen", "Instagram Facebook", "€ 300", "120%", "ja", ""]
    assert first.xpath("./td[1]/a/@href") == [f"/kennisbank/acties/{ids['Zomerlezen']}"]
    descriptions = dict(zip(texts(doc, "//dl[@class='column-descriptions']/dt"),
                            texts(doc, "//dl[@class='column-descriptions']/dd")))
    assert descriptions["Kosten per nieuw lid"] == (
        "Totale kosten (budget + uren × € 40) gedeeld door het aantal nieuwe leden (in euro's).")
    assert descriptions["Titel"] == "Korte naam van de actie."


def test_table_page_with_the_readers_own_columns(site, ids):
    # ?_col= without bibliotheek and startdatum: the title cell goes without them (no error)
    doc = page(site, "/kennisbank/acties?_col=titel&_col=budget_eur&_sort_desc=budget_eur")
    headers = doc.xpath("//table[contains(@class, 'kb-acties')]//th")
    assert [h.get("data-column") for h in headers] == ["titel", "budget_eur"]
    first = doc.xpath("//table[contains(@class, 'kb-acties')]//tbody/tr")[0]
    assert texts(first, "./td") == ["Welkom nieuwe inwoners", "€ 1.000"]
    assert first.xpath("./td[1]/a/@href") == [f"/kennisbank/acties/{ids['Welkom nieuwe inwoners']}"]
    # ?_nocol= : every other column, each with its Dutch display value
    doc = page(site, "/kennisbank/acties?_nocol=omschrijving&titel__exact=Zomerlezen")
    cells = dict(zip([h.get("data-column") for h in
                      doc.xpath("//table[contains(@class, 'kb-acties')]//th")],
                     texts(doc, "//table[contains(@class, 'kb-acties')]//tbody/tr[1]/td")))
    assert "omschrijving" not in cells
    assert (cells["titel"], cells["bibliotheek"], cells["startdatum"], cells["kanalen"]) == (
        "Zomerlezen Bibliotheek Duinstreek · 1 juli 2025", "Bibliotheek Duinstreek",
        "1 juli 2025", "Instagram Facebook")


def test_table_page_shows_a_sorted_column_rendered(site):
    # a sort on a column outside the default set adds that column, rendered as usual
    doc = page(site, "/kennisbank/acties?_sort_desc=totale_kosten")
    headers = doc.xpath("//table[contains(@class, 'kb-acties')]//th")
    assert headers[-1].get("data-column") == "totale_kosten"
    assert texts(doc, "//table[contains(@class, 'kb-acties')]//tbody/tr/td[last()]") == [
        "€ 1.800", "€ 1.400", "€ 1.250", "€ 1.100", "€ 1.000", ""]  # budget + 20 uur × € 40
    assert "…" not in texts(doc, "//table[contains(@class, 'kb-acties')]//td")


def test_markdown_plugin_keeps_its_template_hooks_without_render_cell(site):
    plugins = {p["name"]: p for p in rows_of(site, "/-/plugins.json")}
    assert sorted(plugins["datasette_render_markdown"]["hooks"]) == [
        "extra_template_vars", "prepare_jinja2_environment"]


def test_table_page_facets_include_a_date_facet(site):
    data = rows_of(site, "/kennisbank/acties.json")
    facets = data["facet_results"]
    assert facets["startdatum"]["type"] == "date"
    assert {r["value"]: r["count"] for r in facets["startdatum"]["results"]} == {
        "2025-07-01": 1, "2025-01-15": 1, "2024-10-02": 1, "2024-03-01": 1, "2023-09-01": 1,
        "2023-02-01": 1}
    doc = page(site, "/kennisbank/acties")
    assert texts(doc, f"//aside[{cls('kb-facetten')}]//p[{cls('facet-info-name')}]") == [
        "Doelen", "Doelgroepen", "Kanalen", "Kanaalgroepen", "Doel behaald", "Budgetklasse",
        "Jaar", "Provincie", "Bibliotheek", "Startdatum"]
    doelen = doc.xpath("//div[@id='facet-doelen']//li")
    assert [texts(li, ".")[0] for li in doelen] == [
        "Ledenwerving 3", "Leesbevordering 3", "Deelname aan activiteiten 1"]


def test_sorts_on_the_comparable_results(site):
    doc = page(site, "/kennisbank/acties")
    links = {a.text_content(): a.get("href") for a in doc.xpath(f"//p[{cls('kb-sorteer')}]/a")}
    assert texts(doc, f"//p[{cls('kb-sorteer')}]/strong") == ["Nieuwste eerst"]
    assert set(links) == {"Laagste kosten per nieuw lid", "Laagste kosten per deelnemer",
                          "Hoogste realisatie"}
    by_member = urllib.parse.urlsplit(links["Laagste kosten per nieuw lid"])
    assert urllib.parse.parse_qs(by_member.query) == {
        "_sort": ["kosten_per_nieuw_lid"], "kosten_per_nieuw_lid__notblank": ["1"],
        "budget_eur__gt": ["0"]}
    rows = rows_of(site, f"/kennisbank/acties.json?{by_member.query}&_shape=array")
    assert [(r["titel"], r["kosten_per_nieuw_lid"]) for r in rows] == [
        ("Kinderboekenweek voorleesfeest", 23.33), ("BoekStart voor baby's", 41.67),
        ("Welkom nieuwe inwoners", 45.0)]
    rows = rows_of(site, "/kennisbank/acties.json?_sort=kosten_per_deelnemer"
                         "&kosten_per_deelnemer__notblank=1&_shape=array")
    assert [r["kosten_per_deelnemer"] for r in rows] == [4.67, 9.17, 10.0]
    query = urllib.parse.urlsplit(links["Hoogste realisatie"]).query
    rows = rows_of(site, f"/kennisbank/acties.json?{query}&_shape=array")
    assert [r["realisatie_pct"] for r in rows] == [125.0, 120.0, 120.0, 80.0, 75.0, None]
    doc = page(site, f"/kennisbank/acties?{by_member.query}")
    assert texts(doc, f"//p[{cls('kb-sorteer')}]/strong") == ["Laagste kosten per nieuw lid"]
    assert texts(doc, f"//a[{cls('kb-chip')}]") == [
        "Budget groter dan 0 ✕", "Kosten per nieuw lid is ingevuld ✕"]
    # what the ordering leaves out: Digitaal Café, Zomerlezen (no new members) and the action
    # without budget or hours
    assert texts(doc, f"//p[{cls('kb-weggelaten')}]") == [
        "3 acties zonder bekende kosten per nieuw lid staan niet in deze lijst (budget, inzet in "
        "uren of aantal nieuwe leden ontbreekt)."]


def test_search_and_filters_in_dutch(site):
    doc = page(site, "/kennisbank/acties?_search=voorlezen&kanalen__arraycontains=Facebook")
    assert texts(doc, f"//h2[{cls('kb-aantal')}]") == ["1 actie"]
    assert texts(doc, f"//a[{cls('kb-chip')}]") == [
        "zoekterm “voorlezen” ✕", "Kanalen bevat Facebook ✕"]
    assert texts(doc, "//table[contains(@class, 'kb-acties')]//td[1]//a[@class='titel']") == [
        "Kinderboekenweek voorleesfeest"]
    form = doc.xpath("//form[@role='search']")[0]
    assert [(i.get("name"), i.get("value")) for i in form.xpath(".//input[@type='hidden']")] == [
        ("kanalen__arraycontains", "Facebook")]


def test_typed_search_is_escaped(site):
    typed = '"><img src=x onerror=alert(1)>'
    response = get(site, "/kennisbank/acties?_search=" + urllib.parse.quote(typed))
    assert response.status_code == 200
    assert "<img src=x" not in response.text
    doc = lxml.html.fromstring(response.text)
    assert doc.xpath("//input[@id='_search']/@value") == [typed]


# ------------------------------------------------------------------------ "Wat werkte?"

def test_wat_werkte_page_lists_the_queries_with_forms(site):
    doc = page(site, "/wat-werkte")
    assert texts(doc, "//h1") == ["Wat werkte?"]
    assert texts(doc, f"//section[{cls('kb-vraag')}]/h2") == [
        "Goedkoopste nieuwe leden per doel", "Goedkoopste deelnemers per doel",
        "Doelen vergeleken", "Kanalen vergeleken", "Alles wat één bibliotheek deed",
        "Acties per jaar en provincie"]
    library = doc.xpath("//select[@name='bibliotheek']")[0]
    assert library.xpath("./option/text()") == [
        "kies een bibliotheek", "Bibliotheek Duinstreek", "Bibliotheek Kustlicht",
        "Bibliotheek Polderrand", "Bibliotheek Veenweide"]
    assert doc.xpath("//select[@name='doel']")[0].xpath("./option/text()")[:3] == [
        "alle doelen", "Ledenwerving", "Ledenbehoud en heractivatie"]


def test_cheapest_new_members_per_goal(site):
    rows = rows_of(site, "/kennisbank/kosten_per_nieuw_lid.json?_shape=array")
    assert [(r["doel"], r["plaats"], r["titel"], r["kosten_per_nieuw_lid"]) for r in rows] == [
        ("Ledenwerving", 1, "Kinderboekenweek voorleesfeest", 23.33),
        ("Ledenwerving", 2, "BoekStart voor baby's", 41.67),
        ("Ledenwerving", 3, "Welkom nieuwe inwoners", 45.0),
        ("Leesbevordering", 1, "Kinderboekenweek voorleesfeest", 23.33)]
    rows = rows_of(site, "/kennisbank/kosten_per_nieuw_lid.json?_shape=array&doel=Leesbevordering")
    assert [(r["titel"], r["bibliotheek"], r["nieuwe_leden"], r["doel_behaald"]) for r in rows] == [
        ("Kinderboekenweek voorleesfeest", "Bibliotheek Duinstreek", 60, "ja")]


def test_cheapest_participants_per_goal(site):
    rows = rows_of(site, "/kennisbank/kosten_per_deelnemer.json?_shape=array")
    assert [(r["doel"], r["plaats"], r["titel"], r["kosten_per_deelnemer"]) for r in rows] == [
        ("Deelname aan activiteiten", 1, "Digitaal Café", 10.0),
        ("Ledenwerving", 1, "Kinderboekenweek voorleesfeest", 4.67),
        ("Leesbevordering", 1, "Kinderboekenweek voorleesfeest", 4.67),
        ("Leesbevordering", 2, "Zomerlezen", 9.17)]


def test_goals_compared(site):
    rows = rows_of(site, "/kennisbank/doelen_vergeleken.json?_shape=array")
    assert rows == [
        {"doel": "Ledenwerving", "acties": 3, "met_resultaat": 3, "doel_gehaald": 1,
         "pct_gehaald": 33.0, "mediaan_kosten_per_nieuw_lid": 41.67,
         "mediaan_kosten_per_deelnemer": 4.67},
        {"doel": "Leesbevordering", "acties": 3, "met_resultaat": 2, "doel_gehaald": 2,
         "pct_gehaald": 100.0, "mediaan_kosten_per_nieuw_lid": 23.33,
         "mediaan_kosten_per_deelnemer": 6.92},
        {"doel": "Deelname aan activiteiten", "acties": 1, "met_resultaat": 1,
         "doel_gehaald": 1, "pct_gehaald": 100.0, "mediaan_kosten_per_nieuw_lid": None,
         "mediaan_kosten_per_deelnemer": 10.0},
    ]


def test_channels_compared(site):
    rows = rows_of(site, "/kennisbank/kanalen_vergeleken.json?_shape=array")
    assert [(r["kanaal"], r["acties"], r["met_resultaat"], r["doel_gehaald"], r["pct_gehaald"],
             r["mediaan_kosten_per_nieuw_lid"], r["mediaan_kosten_per_deelnemer"])
            for r in rows] == [
        ("Facebook", 2, 2, 2, 100.0, 23.33, 6.92),
        ("Instagram", 2, 1, 1, 100.0, None, 9.17),
        ("Direct mail", 1, 1, 0, 0.0, 45.0, None),
        ("Lokale pers", 1, 1, 1, 100.0, None, 10.0),
        ("Poster en flyer", 1, 1, 1, 100.0, 23.33, 4.67),
        ("Via partners", 1, 1, 0, 0.0, 41.67, None),
    ]


def test_everything_one_library_did(site):
    rows = rows_of(site, "/kennisbank/acties_van_bibliotheek.json?_shape=array"
                         "&bibliotheek=Bibliotheek+Veenweide")
    assert [(r["titel"], r["startdatum"], r["budget_eur"], r["doel_behaald"]) for r in rows] == [
        ("Welkom nieuwe inwoners", "2024-03-01", 1000.0, "deels"),
        ("Digitaal Café", "2023-02-01", 200.0, "ja")]
    assert rows_of(site, "/kennisbank/acties_van_bibliotheek.json?_shape=array"
                         "&bibliotheek=Bibliotheek+Polderrand") == []


def test_actions_per_year_and_province(site):
    rows = rows_of(site, "/kennisbank/acties_per_jaar_en_provincie.json?_shape=array")
    assert rows == [
        {"jaar": 2025, "provincie": "Noord-Holland", "acties": 2, "bibliotheken": 2,
         "met_resultaat": 1, "doel_gehaald": 1, "budget_totaal": 300.0},
        {"jaar": 2024, "provincie": "Noord-Holland", "acties": 1, "bibliotheken": 1,
         "met_resultaat": 1, "doel_gehaald": 1, "budget_totaal": 600.0},
        {"jaar": 2024, "provincie": "Zuid-Holland", "acties": 1, "bibliotheken": 1,
         "met_resultaat": 1, "doel_gehaald": 0, "budget_totaal": 1000.0},
        {"jaar": 2023, "provincie": "Noord-Holland", "acties": 1, "bibliotheken": 1,
         "met_resultaat": 1, "doel_gehaald": 0, "budget_totaal": 450.0},
        {"jaar": 2023, "provincie": "Zuid-Holland", "acties": 1, "bibliotheken": 1,
         "met_resultaat": 1, "doel_gehaald": 1, "budget_totaal": 200.0},
    ]


def test_canned_query_page_in_dutch(site, ids):
    doc = page(site, "/kennisbank/kosten_per_nieuw_lid?doel=Ledenwerving")
    assert texts(doc, "//h1") == ["Goedkoopste nieuwe leden per doel"]
    assert texts(doc, f"//h2[{cls('kb-aantal')}]") == ["3 rijen"]
    assert doc.xpath("//select[@name='doel']/option[@selected]/text()") == ["Ledenwerving"]
    assert texts(doc, "//table//th[not(@hidden)]") == [
        "Doel", "Plaats", "Titel", "Bibliotheek", "Jaar", "Budget", "Inzet (uren)",
        "Totale kosten", "Nieuwe leden", "Kosten per nieuw lid", "Realisatie", "Doel behaald"]
    first = doc.xpath("//table//tbody/tr")[0]
    assert texts(first, "./td[not(@hidden)]") == [
        "Ledenwerving", "1", "Kinderboekenweek voorleesfeest", "Bibliotheek Duinstreek", "2024",
        "€ 600", "20", "€ 1.400", "60", "€ 23,33", "120%", "ja"]
    assert first.xpath(".//a[@class='titel']/@href") == [
        f"/kennisbank/acties/{ids['Kinderboekenweek voorleesfeest']}"]


# ------------------------------------------------------------------------ map, charts, feed

def test_map_of_the_libraries(site):
    rows = rows_of(site, "/kennisbank/kaart.json?_shape=array")
    assert [(r["naam"], r["aantal_acties"], r["latitude"], r["longitude"]) for r in rows] == [
        ("Bibliotheek Duinstreek", 2, 52.5486, 4.6694),
        ("Bibliotheek Kustlicht", 2, 52.6603, 4.6986),
        ("Bibliotheek Polderrand", 0, 52.118, 4.496),
        ("Bibliotheek Veenweide", 2, 52.1284, 4.6569)]
    assert json.loads(rows[0]["popup"]) == {
        "title": "Bibliotheek Duinstreek", "description": "2 acties · Noord-Holland",
        "link": "/kennisbank/acties?bibliotheek=Bibliotheek+Duinstreek"}
    html = get(site, "/kennisbank/kaart").text
    assert "datasette-cluster-map.js" in html
    assert 'window.DATASETTE_CLUSTER_MAP_LATITUDE_COLUMN = "latitude";' in html


def chart_queries():
    boards = build_metadata()["plugins"]["datasette-dashboards"]
    return {slug: chart["query"] for slug, chart in boards["cijfers"]["charts"].items()}


def test_charts_page_and_its_queries(site):
    doc = page(site, "/-/dashboards/cijfers")
    assert texts(doc, "//h1") == ["Cijfers van het netwerk"]
    results = {}
    for slug, query in chart_queries().items():
        path = "/kennisbank.json?" + urllib.parse.urlencode({"sql": query, "_shape": "objects"})
        results[slug] = rows_of(site, path)["rows"]
    assert results["acties"] == [{"aantal": 6}]
    assert results["bibliotheken"] == [{"aantal": 3}]  # Polderrand has no action yet
    assert results["gemeten"] == [{"aantal": 5}]
    assert results["per_jaar"] == [{"jaar": "2023", "acties": 2}, {"jaar": "2024", "acties": 2},
                                   {"jaar": "2025", "acties": 2}]
    assert results["per_kanaal"][:2] == [{"kanaal": "Facebook", "acties": 2},
                                         {"kanaal": "Instagram", "acties": 2}]
    assert {(r["doel"], r["uitkomst"]): r["acties"] for r in results["gehaald_per_doel"]} == {
        ("Deelname aan activiteiten", "gehaald"): 1, ("Ledenwerving", "deels gehaald"): 2,
        ("Ledenwerving", "gehaald"): 1, ("Leesbevordering", "gehaald"): 2,
        ("Leesbevordering", "onbekend"): 1}


def test_only_the_chart_queries_may_run_sql(site):
    query = chart_queries()["acties"]
    for sql in ("select 1", query + " ", "select * from acties", query.replace("acties", "keuzelijst_doel")):
        response = get(site, "/kennisbank.json?" + urllib.parse.urlencode({"sql": sql}))
        assert response.status_code == 403, sql
    twice = urllib.parse.urlencode([("sql", query), ("sql", "select 1")])
    assert get(site, f"/kennisbank.json?{twice}").status_code == 403
    assert get(site, "/kennisbank?sql=select+1").status_code == 403


def test_atom_feed_of_the_newest_actions(site, ids):
    response = get(site, "/kennisbank/nieuw.atom")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}title").text == "Nieuw in de kennisbank"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Zomerlezen", SCRIPT_TITLE, "Kinderboekenweek voorleesfeest", "Welkom nieuwe inwoners",
        "BoekStart voor baby's", "Digitaal Café"]
    first = entries[0]
    assert first.find(f"{ATOM}id").text == f"urn:kennisbank-marketing:actie:{ids['Zomerlezen']}"
    assert first.find(f"{ATOM}link").get("href") == f"/kennisbank/acties/{ids['Zomerlezen']}"
    assert first.find(f"{ATOM}updated").text == "2025-07-01T00:00:00+00:00"
    assert first.find(f"{ATOM}author/{ATOM}name").text == "Bibliotheek Duinstreek"


# ------------------------------------------------------------------------ safe by default

def test_served_immutable_without_sql_and_with_a_time_limit(site):
    databases = rows_of(site, "/-/databases.json")
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("kennisbank", False)]
    settings = rows_of(site, "/-/settings.json")
    assert settings["default_allow_sql"] is False
    assert settings["sql_time_limit_ms"] == 3000
    assert settings["allow_download"] is False
    versions = rows_of(site, "/-/versions.json")
    assert tuple(int(p) for p in versions["datasette"]["version"].split(".")[:3]) >= (0, 65, 5)


def test_robots_are_blocked(site):
    response = get(site, "/robots.txt")
    assert response.status_code == 200
    assert response.text == "User-agent: *\nDisallow: /"


def csv_rows(site, path):
    response = get(site, path)
    assert response.status_code == 200, response.text[:300]
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.mark.parametrize("path", [
    "/kennisbank/acties.csv?_search=klik",
    "/kennisbank/acties.csv?_search=klik&_dl=1",
    "/kennisbank/acties.csv?_stream=on&_size=2",
])
def test_csv_export_neutralises_formulas(site, path):
    [row] = [r for r in csv_rows(site, path) if r["titel"] == SCRIPT_TITLE]
    for column, value in FORMULA_TEXTS.items():
        assert row[column] == "'" + value, column
    assert row["compleetheid"] == "69"
    assert row["titel"] == SCRIPT_TITLE


def test_json_keeps_the_exact_values(site):
    [row] = rows_of(site, "/kennisbank/acties.json?_search=klik&_shape=array")
    for column, value in FORMULA_TEXTS.items():
        assert row[column] == value


def test_every_page_is_dutch(site, ids):
    for path in ("/", "/kennisbank/acties", f"/kennisbank/acties/{ids['Zomerlezen']}",
                 "/wat-werkte", "/kennisbank/kaart", "/kennisbank/nieuw",
                 "/kennisbank/doelen_vergeleken", "/-/dashboards/cijfers",
                 "/kennisbank/bibliotheken"):
        page(site, path)
