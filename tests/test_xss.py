"""Escaping everywhere: a sheet with XSS payloads in every text field (script tags, event-handler
attributes, attribute break-outs, `javascript:` links in the materials and website columns, in
library names, vocabulary values, IDs and unknown columns), built by the real pipeline and
checked in headless Chromium on the home page, table, search results, facets, cards, canned
queries, map, charts and the HTML reports: no dialog opens, no injected element appears, no
payload runs and no `javascript:` link is clickable. CSV outputs (Datasette's export and the
project's own report files) neutralise formula injection."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import urllib.parse
from pathlib import Path

import pytest

from helpers import (
    LIBRARY_HEADERS,
    TODAY,
    agreed,
    chromium,
    good_action,
    new_page,
    require_chromium,
    serving,
    settle,
)
from pipeline.app import build
from pipeline.catalogue.serve import make_datasette
from pipeline.catalogue.site import card_url
from pipeline.contract.config import load_fields
from pipeline.reports.render import write_reports
from pipeline.sources.snapshot import Snapshot, Tab


def payload(tag: str, kind: int) -> str:
    """Payload `kind` marked with `tag`: run, it records the tag in window.kbXss; injected, an
    element carries data-xss."""
    run = f"window.kbXss=(window.kbXss||[]).concat('{tag}');alert('{tag}')"
    return [
        f"<script>{run}</script>",
        f'<img src=x data-xss="{tag}" onerror="{run}">',
        f"\"><svg data-xss='{tag}' onload=\"{run}\">",
        f"' onmouseover='{run}' data-xss='{tag}",
        f"</title></textarea><script>{run}</script>",
        f"<a data-xss='{tag}' href=\"javascript:{run}\">klik</a>",
        f"javascript:{run}",
        f"[klik](javascript:{run}) <b data-xss='{tag}'>x</b>",
    ][kind % 8]


def text_payload(tag: str, kind: int) -> str:
    return f"{tag}: {payload(tag, kind)}"


LIBRARY = "Bibliotheek " + payload("bibliotheek", 1)
LIBRARIES = [
    [*LIBRARY_HEADERS, "Notitie " + payload("onbekendekop", 2)],
    agreed([LIBRARY, "Noord-Holland", text_payload("gemeenten", 3), "javascript:alert('website')",
            52.5486, 4.6694, "marketing@duinstreek.bieb-voorbeeld.nl", 60000,
            payload("notitie", 4)]),
    agreed(["Bibliotheek Veenweide", "Zuid-Holland", "Alphen aan den Rijn",
            "https://www.veenweide.bieb-voorbeeld.nl", 52.1284, 4.6569,
            "communicatie@veenweide.bieb-voorbeeld.nl", 112000, None]),
]
TEXT_FIELDS = [f.veld for f in load_fields()["Acties"]
               if f.type in ("tekst", "lijst") and f.veld not in ("actie_id", "titel")]
CHOICE_FIELDS = [f.veld for f in load_fields()["Acties"] if f.type in ("keuze", "keuzelijst")]
DOEL = payload("doel", 2)  # an unknown vocabulary value is published with its own text
FORMULAS = ['=HYPERLINK("http://kwaad.example","klik")', "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)", "\t=1+1", "\r=1+1", " =1+1", "＝1+1", "=1+1"]


def xss_action(n: int, **overrides) -> list:
    values = {veld: text_payload(veld, n + i) for i, veld in enumerate(TEXT_FIELDS)}
    values.update({veld: "Leesbevordering" for veld in CHOICE_FIELDS if veld == "doelen"})
    values.update(
        bibliotheek=LIBRARY, titel=f"Titel {n} " + payload(f"titel{n}", n),
        doelen=f"Leesbevordering, {DOEL}", kanalen=f"Facebook; {payload('kanaal', 1)}",
        landelijke_campagne=payload("campagne", 3), kpi=payload("kpi", 5),
        links=f"javascript:alert('link{n}') https://www.duinstreek.bieb-voorbeeld.nl/x{n} "
              f"JaVaScRiPt:alert(1)",
        budget_eur=100 * (n + 1), streefwaarde=50, resultaat=60, nieuwe_leden=10,
        deelnemers=20 + n)
    values.update(overrides)
    return good_action(**values) + [payload(f"extra{n}", n + 4)]


def formula_action() -> list:
    values = {veld: FORMULAS[i % len(FORMULAS)] for i, veld in enumerate(TEXT_FIELDS)}
    values.update(bibliotheek="Bibliotheek Veenweide", titel="=1+1 formule",
                  kanalen="Facebook, =HYPERLINK(\"x\")", startdatum="3-3-2024",
                  einddatum="4-3-2024", doelen="@doel")
    return good_action(**values) + ["=cmd|' /C calc'!A0"]


ACTION_HEADERS = [f.kop for f in load_fields()["Acties"]] + ["Opmerking " + payload("kop", 1)]
ACTIONS = [
    xss_action(0, actie_id='X"><img src=x data-xss="id" onerror="alert(1)">',
               wat_werkte="zoekwoord " + payload("zoek", 1)),
    xss_action(1, startdatum="1-3-2025", einddatum="30-3-2025", delen="nee"),
    xss_action(2, startdatum="1-5-2025", einddatum="30-5-2025", titel="Titel 2",
               doelgroepen=payload("doelgroep", 6)),
    xss_action(3, startdatum="1-9-2023", einddatum=None, omschrijving=None),  # rejected
    formula_action(),
]
KEUZELIJSTEN = [["doel", "kanaal"], [payload("keuzelijst", 1), payload("keuzelijst2", 0)]]
PAGES = ["/", "/kennisbank/acties", "/kennisbank/acties?_search=zoekwoord",
         "/kennisbank/acties?_search=" + urllib.parse.quote(payload("zoekvak", 1)),
         "/kennisbank/acties?doelen__arraycontains=" + urllib.parse.quote(DOEL),
         "/kennisbank/acties?bibliotheek=" + urllib.parse.quote(LIBRARY),
         "/kennisbank/bibliotheken", "/kennisbank/keuzelijst_doel", "/wat-werkte",
         "/kennisbank/kosten_per_nieuw_lid?doel=" + urllib.parse.quote(DOEL),
         "/kennisbank/doelen_vergeleken", "/kennisbank/kanalen_vergeleken",
         "/kennisbank/acties_van_bibliotheek?bibliotheek=" + urllib.parse.quote(LIBRARY),
         "/kennisbank/nieuw", "/-/dashboards/cijfers"]  # the map: its own test, with popups


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xss") / "uit"
    snapshot = Snapshot(source={"soort": "test"}, tabs=[
        Tab("Acties", [ACTION_HEADERS, *ACTIONS], 0), Tab("Bibliotheken", LIBRARIES, 1),
        Tab("Keuzelijsten", KEUZELIJSTEN, 2)], fetched_at="2026-11-28T12:00:00Z")
    source = out.parent / "bron.json"
    source.write_text(json.dumps(snapshot.to_json()), encoding="utf-8")
    result = build(str(source), out, TODAY)
    counts = result.outcome.counts
    assert (counts["gepubliceerd"], counts["afgekeurd"], counts["niet_gedeeld"]) == (3, 1, 1)
    write_reports(out)
    return out


@pytest.fixture(scope="module")
def ids(built) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(built / "kennisbank.db")
    try:
        return [r[0] for r in conn.execute("select actie_id from acties order by rij")]
    finally:
        conn.close()


# ------------------------------------------------------------------------ CSV

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def risky(cells: list[str]) -> list[str]:
    return [c for c in cells if c.lstrip(" ").startswith(FORMULA_START)
            and not NUMBER.fullmatch(c) and c != "-"]


def csv_cells(text: str, delimiter: str = ",") -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for cell in row]


def test_datasette_csv_exports_neutralise_formulas(built):
    datasette = make_datasette(built / "kennisbank.db")
    seen = []
    for path in ("/kennisbank/acties.csv?_size=max", "/kennisbank/acties.csv?_stream=on",
                 "/kennisbank/bibliotheken.csv", "/kennisbank/keuzelijst_doel.csv",
                 "/kennisbank/keuzelijst_kanaal.csv", "/kennisbank/doelen_vergeleken.csv",
                 "/kennisbank/kanalen_vergeleken.csv", "/kennisbank/nieuw.csv",
                 "/kennisbank/acties.json?_format=csv&_size=max",
                 "/kennisbank/acties_van_bibliotheek.csv?bibliotheek=Bibliotheek+Veenweide"):
        response = asyncio.run(datasette.client.get(path))
        assert response.status_code == 200, (path, response.text[:200])
        cells = csv_cells(response.text)
        assert risky(cells) == [], path
        seen += cells
    shown = {c for c in seen if c.startswith("'") and c[1:].lstrip(" ").startswith(FORMULA_START)}
    assert "'=1+1 formule" in shown and len(shown) >= 5, shown  # shown as text, not dropped


def test_report_csv_files_neutralise_formulas(built):
    files = sorted((built / "rapporten").glob("*.csv"))
    assert len(files) == 3  # meldingen.csv and one per library
    seen = []
    for path in files:
        cells = csv_cells(path.read_text(encoding="utf-8-sig"), delimiter=";")
        assert risky(cells) == [], path.name
        seen += cells
    shown = {c for c in seen if c.startswith("'") and c[1:].lstrip(" ").startswith(FORMULA_START)}
    assert "'=1+1 formule" in shown and len(shown) >= 3, shown


# ------------------------------------------------------------------------ the browser

INSPECT = """() => {
  const attrs = e => [...e.attributes];
  const all = [...document.querySelectorAll('*')];
  return {
    ran: window.kbXss || [],
    injected: all.filter(e => e.hasAttribute('data-xss')).map(e => e.outerHTML.slice(0, 120)),
    handlers: all.flatMap(e => attrs(e).filter(a => a.name.startsWith('on')
                  && /kbXss|alert\\(/.test(a.value)).map(a => e.tagName + ' ' + a.name)),
    scriptUrls: all.flatMap(e => attrs(e).filter(a => /^\\s*(javascript|vbscript|data):/i
                  .test(a.value.replace(/[\\u0000-\\u0020]/g, ''))).map(a => e.tagName + ' ' + a.name)),
    jsLinks: [...document.querySelectorAll('a[href], area[href]')]
                  .filter(a => a.protocol === 'javascript:').map(a => a.outerHTML.slice(0, 120)),
  };
}"""


def assert_clean(page, where: str) -> None:
    settle(page)  # onerror/onload of injected elements fire before `load`
    found = page.evaluate(INSPECT)
    assert found == {"ran": [], "injected": [], "handlers": [], "scriptUrls": [],
                     "jsLinks": []}, (where, found)
    assert page.dialogs == [], (where, page.dialogs)


@pytest.fixture(scope="module")
def server(built):
    require_chromium()
    with serving(built / "kennisbank.db") as base:
        yield base


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    # Nothing leaves this machine: only the test server and the report files load.
    allowed = re.escape(server) + "/|file://"
    with chromium(tmp_path_factory.mktemp("chromium-xss"), allowed) as context:
        yield new_page(context)


def test_site_pages_show_payloads_as_text(browser, server, ids):
    page = browser
    for path in PAGES:
        response = page.goto(server + path)
        assert response.status == 200, path
        if path.startswith("/-/dashboards"):  # the charts fetch their data after `load`
            page.wait_for_selector("#chart-per_jaar svg, #chart-per_jaar canvas", timeout=15000)
        page.mouse.move(200, 300)  # hover what an attribute break-out might have added
        page.mouse.move(600, 500)
        assert_clean(page, path)
    page.goto(server + "/kennisbank/acties")
    assert page.get_by_text("Titel 0 <script>", exact=False).count() >= 1


def test_cards_show_payloads_as_text_and_no_script_links(browser, server, ids):
    page = browser
    assert len(ids) == 3
    for actie_id in ids:
        response = page.goto(server + card_url(actie_id))
        assert response.status == 200, actie_id
        assert_clean(page, actie_id)
        titles = page.locator("h1").all_inner_texts()
        assert len(titles) == 1 and titles[0].startswith(("Titel ", "=1+1"))
        if titles[0].startswith("Titel "):  # the good link stays, the javascript: ones go
            links = page.locator(".kb-sectie a[href*='duinstreek.bieb-voorbeeld.nl/x']")
            assert links.count() == 1
    page.goto(server + card_url(ids[0]))
    assert page.get_by_text(payload("tip", TEXT_FIELDS.index("tip")), exact=False).count() >= 1


MARKER_COUNTS = ("() => [document.querySelectorAll('.marker-cluster').length, "
                 "document.querySelectorAll('.leaflet-marker-icon:not(.marker-cluster)').length]")


def test_map_popups_escape_library_names(browser, server):
    page = browser
    page.goto(server + "/kennisbank/kaart")
    page.wait_for_selector(".leaflet-marker-icon", timeout=15000)
    for _ in range(5):  # open clusters until single markers show, then their popups
        clusters = page.locator(".marker-cluster")
        if not clusters.count():
            break
        before = page.evaluate(MARKER_COUNTS)
        clusters.first.click()
        page.wait_for_function(f"before => {MARKER_COUNTS}().join() !== before.join() && "
                               f"!document.querySelector('.leaflet-zoom-anim')", arg=before)
    popups = []
    for marker in page.locator(".leaflet-marker-icon:not(.marker-cluster)").all():
        shown = popups[-1] if popups else None
        marker.dispatch_event("click")  # no coordinates: an open popup may cover a marker
        page.wait_for_function("shown => { const p = document.querySelector("
                               "'.leaflet-popup-content'); return p && p.innerText !== shown; }",
                               arg=shown)
        assert_clean(page, "kaart")
        popups.append(page.locator(".leaflet-popup-content").inner_text())
    assert any(text.startswith("Bibliotheek <img") for text in popups), popups


def test_html_reports_show_payloads_as_text(browser, built):
    page = browser
    reports = sorted((built / "rapporten").glob("*.html"))
    assert len(reports) == 3
    for path in reports:
        page.goto(path.as_uri())
        assert_clean(page, path.name)
    page.goto((built / "rapporten" / "coordinatoren.html").as_uri())
    assert page.get_by_text("Bibliotheek <img", exact=False).count() >= 1
