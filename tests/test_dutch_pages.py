"""Dutch pages everywhere a reader comes, over HTTP against `kennisbank serve` on the site
fixture: a library's own page, the bibliotheken table and row page, the database page, the
error pages (styled, with a search box), the card's follow-up route (a library's public contact
or the coordinators), labelled material links, the campaign's other actions, and the reports'
links to the published cards."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import lxml.html
import pytest

from helpers import PUBLIC_CONTACT, SCRIPT_TITLE, build_two_runs, serving
from pipeline.catalogue.site import library_slug, material_link


@pytest.fixture(scope="module")
def server(site_catalogue):
    with serving(site_catalogue) as base:
        yield base


@pytest.fixture(scope="module")
def ids(server):
    rows = fetch_json(server, "/kennisbank/acties.json?_shape=array&_col=titel&_size=max")
    return {r["titel"]: r["actie_id"] for r in rows}


def fetch(server: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server + path, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def fetch_json(server: str, path: str):
    status, body = fetch(server, path)
    assert status == 200, (path, body[:300])
    return json.loads(body)


def page(server: str, path: str, status: int = 200):
    found, body = fetch(server, path)
    assert found == status, (path, body[:500])
    assert body.startswith('<!DOCTYPE html>\n<html lang="nl">'), path
    return lxml.html.fromstring(body)


def texts(doc, xpath: str) -> list[str]:
    return [" ".join(" ".join(e.itertext()).split()) for e in doc.xpath(xpath)]


def cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# ------------------------------------------------------------------ the library's own page

def test_library_page_with_its_actions_figures_and_public_contact(server, ids):
    doc = page(server, "/bibliotheek/bibliotheek-veenweide")
    assert texts(doc, "//title") == ["Bibliotheek Veenweide · Kennisbank Marketing"]
    assert texts(doc, "//h1") == ["Bibliotheek Veenweide"]
    assert texts(doc, f"//p[{cls('kb-bovenregel')}]") == ["Zuid-Holland · Alphen aan den Rijn"]
    assert texts(doc, f"//dl[{cls('kb-kerncijfers')}]/div") == [
        "Acties gedeeld 2", "Met gemeten resultaat 2", "Streefwaarde gehaald 1",
        "Budget samen € 1.200", "Inwoners werkgebied 112.000"]
    actions = doc.xpath(f"//section[{cls('kb-profiel-acties')}]//a[{cls('titel')}]")
    assert [(a.text_content(), a.get("href")) for a in actions] == [
        ("Welkom nieuwe inwoners", f"/kennisbank/acties/{ids['Welkom nieuwe inwoners']}"),
        ("Digitaal Café", f"/kennisbank/acties/{ids['Digitaal Café']}")]
    assert texts(doc, f"//section[{cls('kb-profiel-acties')}]//span[{cls('kb-meta')}]") == [
        "1 maart 2024 · Ledenwerving · doel behaald: deels",
        "1 februari 2023 · Deelname aan activiteiten · doel behaald: ja"]
    assert texts(doc, f"//section[{cls('kb-bieb')}]/p") == [
        "Website: https://www.veenweide.bieb-voorbeeld.nl",
        f"Contact voor collega's: {PUBLIC_CONTACT}"]
    assert doc.xpath(f"//p[{cls('kb-contact')}]/a/@href") == [f"mailto:{PUBLIC_CONTACT}"]
    # the private marketing address stays out
    assert "communicatie@veenweide" not in lxml.html.tostring(doc, encoding="unicode")


def test_library_page_without_public_contact_points_to_the_coordinators(server):
    doc = page(server, "/bibliotheek/bibliotheek-polderrand")
    assert texts(doc, f"//dl[{cls('kb-kerncijfers')}]/div") == [
        "Acties gedeeld 0", "Met gemeten resultaat 0", "Streefwaarde gehaald 0",
        "Inwoners werkgebied 9.000"]
    assert texts(doc, f"//section[{cls('kb-profiel-acties')}]/p") == [
        "Deze bibliotheek heeft nog geen acties gedeeld."]
    assert texts(doc, f"//p[{cls('kb-contact')}]") == [
        "Geen openbaar contactadres: vraag via de coördinatoren"]
    assert doc.xpath(f"//p[{cls('kb-contact')}]/a/@href") == [
        "mailto:kennisbank@voorbeeld.nl?subject=Vraag%20aan%20Bibliotheek%20Polderrand"]


def test_library_slugs():
    assert library_slug("Bibliotheek Duin en Hof") == "bibliotheek-duin-en-hof"
    assert library_slug("Bibliotheek Zuid-Kennemerland") == "bibliotheek-zuid-kennemerland"
    assert library_slug("Bibliotheek Café Noordóóst") == "bibliotheek-cafe-noordoost"


def test_bibliotheken_table_in_dutch_links_to_the_library_pages(server):
    doc = page(server, "/kennisbank/bibliotheken?aantal_acties__gt=0")
    assert texts(doc, "//title") == ["Bibliotheken · Kennisbank Marketing"]
    assert texts(doc, "//h1") == ["Aangemelde bibliotheken"]
    assert texts(doc, f"//p[{cls('kb-actief')}]") == [
        "Gekozen: doen mee: minstens één actie gedeeld alle aangemelde bibliotheken"]
    assert texts(doc, "//h2[contains(@class, 'kb-aantal')]") == ["3 bibliotheken"]
    assert texts(doc, "//table//th") == [
        "Bibliotheek", "Provincie", "Gemeenten", "Acties", "Inwoners", "Website",
        "Contact voor collega's"]
    assert [texts(tr, "./td") for tr in doc.xpath("//table/tbody/tr")] == [
        ["Bibliotheek Duinstreek", "Noord-Holland", "Castricum, Heiloo", "2", "60.000",
         "duinstreek.bieb-voorbeeld.nl", ""],
        ["Bibliotheek Kustlicht", "Noord-Holland", "Bergen, Egmond", "2", "30.000",
         "kustlicht.bieb-voorbeeld.nl", ""],
        ["Bibliotheek Veenweide", "Zuid-Holland", "Alphen aan den Rijn", "2", "112.000",
         "veenweide.bieb-voorbeeld.nl", PUBLIC_CONTACT]]
    assert doc.xpath("//table//td[contains(@class, 'col-website')]/a/@href") == [
        "https://www.duinstreek.bieb-voorbeeld.nl", "https://www.kustlicht.bieb-voorbeeld.nl",
        "https://www.veenweide.bieb-voorbeeld.nl"]
    assert doc.xpath("//table//td[contains(@class, 'col-naam')]/a/@href") == [
        "/bibliotheek/bibliotheek-duinstreek", "/bibliotheek/bibliotheek-kustlicht",
        "/bibliotheek/bibliotheek-veenweide"]
    # the home page's tile leads here
    home = page(server, "/")
    assert home.xpath(f"//a[{cls('kb-cijfer')}][contains(., 'doen mee')]/@href") == [
        "/kennisbank/bibliotheken?aantal_acties__gt=0"]


def test_bibliotheken_row_page_is_the_library_page(server):
    doc = page(server, "/kennisbank/bibliotheken/Bibliotheek~20Veenweide")
    assert texts(doc, "//h1") == ["Bibliotheek Veenweide"]
    assert texts(doc, f"//p[{cls('kb-contact')}]") == [
        f"Contact voor collega's: {PUBLIC_CONTACT}"]


def test_database_page_in_dutch(server):
    doc = page(server, "/kennisbank")
    assert texts(doc, "//title") == ["Alle gegevens · Kennisbank Marketing"]
    assert texts(doc, "//h2") == ["Tabellen", "Vaste vragen"]
    tables = doc.xpath(f"//section[{cls('kb-blok')}]")[0]
    assert texts(tables, ".//li/a/strong") == ["Marketingacties", "Bibliotheken"]
    assert texts(tables, ".//li/a/span") == [
        "6 acties, met aanpak, kosten en resultaten",
        "4 aangemelde bibliotheken, met hun acties en contact"]
    assert doc.xpath("//form[@role='search']/@action") == ["/kennisbank/acties"]


# ------------------------------------------------------------------ error pages

@pytest.mark.parametrize("path, status, title", [
    ("/bestaat-niet", 404, "Pagina niet gevonden"),
    ("/kennisbank/bestaat-niet", 404, "Pagina niet gevonden"),
    ("/kennisbank/acties/KB-BESTAATNIET", 404, "Pagina niet gevonden"),
    ("/kennisbank/bibliotheken/Bibliotheek~20Nergens", 404, "Pagina niet gevonden"),
    ("/bibliotheek/bibliotheek-nergens", 404, "Pagina niet gevonden"),
    ("/kennisbank/acties?_sort=bestaatniet", 500, "Er ging iets mis"),
    ("/kennisbank/acties?_size=abc", 400, "Deze vraag begrijpt de kennisbank niet"),
    ("/kennisbank?sql=select+1", 403, "Geen toegang"),
])
def test_error_pages_in_dutch_with_the_sites_style_and_a_search_box(server, path, status, title):
    doc = page(server, path, status)
    assert texts(doc, "//h1") == [title]
    assert texts(doc, "//title") == [f"{title} · Kennisbank Marketing"]
    assert doc.xpath("//link[@rel='stylesheet']/@href")[-1] == "/assets/kennisbank.css"
    assert doc.xpath("//form[@role='search']/@action") == ["/kennisbank/acties"]
    assert doc.xpath("//form[@role='search']//input/@name") == ["_search"]
    assert texts(doc, f"//ul[{cls('kb-menu')}]/li") == [
        "Alle acties", "Wat werkte?", "Kaart", "Cijfers", "Nieuw"]


def test_json_errors_stay_datasettes(server):
    status, body = fetch(server, "/kennisbank/bestaat-niet.json")
    assert status == 404
    assert json.loads(body) == {"ok": False, "error": "Table not found",
                                "status": 404, "title": None}


# ------------------------------------------------------------------ the card

def test_card_with_a_public_contact_asks_the_library(server, ids):
    actie_id = ids["Welkom nieuwe inwoners"]
    doc = page(server, f"/kennisbank/acties/{actie_id}")
    subject = urllib.parse.quote(f"Vraag over actie {actie_id}", safe="")
    assert texts(doc, f"//p[{cls('kb-contact')}]") == [
        f"Contact voor collega's: {PUBLIC_CONTACT}"]
    assert doc.xpath(f"//p[{cls('kb-contact')}]/a/@href") == [
        f"mailto:{PUBLIC_CONTACT}?subject={subject}"]
    assert [(a.text_content(), a.get("href")) for a in doc.xpath(f"//a[{cls('kb-vraag')}]")] == [
        ("Vraag de bibliotheek", f"mailto:{PUBLIC_CONTACT}?subject={subject}")]


def test_card_lists_the_other_actions_of_its_national_campaign(server, ids):
    doc = page(server, f"/kennisbank/acties/{ids['Kinderboekenweek voorleesfeest']}")
    campaign = doc.xpath(f"//section[{cls('kb-campagne')}]")[0]
    assert texts(campaign, "./h2") == ["Meer uit Kinderboekenweek"]
    assert [(a.text_content(), a.get("href")) for a in campaign.xpath(".//a")] == [
        (SCRIPT_TITLE, f"/kennisbank/acties/{ids[SCRIPT_TITLE]}"),
        ("Alle acties van deze campagne",
         "/kennisbank/acties?landelijke_campagne=Kinderboekenweek")]
    assert texts(campaign, f".//span[{cls('kb-meta')}]") == [
        "Bibliotheek Kustlicht · 15 januari 2025"]
    # no campaign: no section
    doc = page(server, f"/kennisbank/acties/{ids['Digitaal Café']}")
    assert doc.xpath(f"//section[{cls('kb-campagne')}]") == []


def test_material_links_in_the_table_have_labels(server, ids):
    doc = page(server, "/kennisbank/acties?_col=titel&_col=links&titel=Kinderboekenweek+voorleesfeest")
    cell = doc.xpath("//td[contains(@class, 'col-links')]")[0]
    assert [(a.text_content(), a.get("href")) for a in cell.xpath(".//a")] == [
        ("Affiche", "https://www.duinstreek.bieb-voorbeeld.nl/affiche.pdf"),
        ("duinstreek.bieb-voorbeeld.nl", "https://www.duinstreek.bieb-voorbeeld.nl/kbw"),
        ("draaiboek kbw 2024 (DOCX)",
         "https://www.duinstreek.bieb-voorbeeld.nl/stukken/draaiboek_kbw-2024.docx")]
    # the JSON keeps the cell as written
    rows = fetch_json(server, f"/kennisbank/acties/{ids['Kinderboekenweek voorleesfeest']}.json"
                              "?_shape=array")
    assert json.loads(rows[0]["links"]) == [
        "Affiche | https://www.duinstreek.bieb-voorbeeld.nl/affiche.pdf",
        "https://www.duinstreek.bieb-voorbeeld.nl/kbw",
        "https://www.duinstreek.bieb-voorbeeld.nl/stukken/draaiboek_kbw-2024.docx"]


@pytest.mark.parametrize("item, expected", [
    ("Verslag (pdf) | https://a.example/x/verslag.pdf",
     {"url": "https://a.example/x/verslag.pdf", "label": "Verslag (pdf)"}),
    ("https://www.a.example/Affiche%20KBW_2024.PNG",
     {"url": "https://www.a.example/Affiche%20KBW_2024.PNG", "label": "Affiche KBW 2024 (PNG)"}),
    ("https://www.a.example/actie/index.html",
     {"url": "https://www.a.example/actie/index.html", "label": "a.example"}),
    ("https://youtu.be/abc123", {"url": "https://youtu.be/abc123", "label": "youtu.be"}),
    ("Affiche | javascript:alert(1)", None),
    ("geen link", None),
])
def test_material_link_labels(item, expected):
    assert material_link(item) == expected


# ------------------------------------------------------------------ reports

def test_report_rows_link_to_the_published_card(tmp_path, monkeypatch):
    import sqlite3

    from pipeline.reports import context
    from pipeline.reports.render import write_reports

    out = build_two_runs(tmp_path)
    write_reports(out)
    assert not [p.name for p in (out / "rapporten").iterdir()
                if "Bekijk de actie in de kennisbank" in p.read_text(encoding="utf-8")]

    monkeypatch.setattr(context, "site_address", lambda: "https://kennisbank.voorbeeld.nl")
    write_reports(out)
    with sqlite3.connect(out / "kennisbank.db") as db:
        published = dict(db.execute("select titel, actie_id from acties"))
    html = (out / "rapporten" / "bibliotheek-veenweide.html").read_text(encoding="utf-8")
    doc = lxml.html.fromstring(html)
    links = doc.xpath("//a[text()='Bekijk de actie in de kennisbank']/@href")
    assert links == [f"https://kennisbank.voorbeeld.nl/kennisbank/acties/{published[t]}"
                     for t in ("<img src=x onerror=alert(1)>", "Digitaal Café Veenweide")]
    text = (out / "rapporten" / "bibliotheek-veenweide.txt").read_text(encoding="utf-8")
    assert text.count("  Bekijk de actie in de kennisbank: https://kennisbank.voorbeeld.nl/"
                      "kennisbank/acties/") == 2
