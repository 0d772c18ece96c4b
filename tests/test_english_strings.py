"""No English on the readers' pages or in the reports: every page (served over HTTP, and in
headless Chromium where Datasette's and the plugins' scripts write text: column menus, chart
menus and descriptions, map controls) is scanned for a list of Datasette's and the plugins'
English interface strings, and that list is checked against the installed packages' own
templates and scripts. The reports say "verwerking", never "run", and name no folders."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import datasette
import lxml.html
import pytest

from helpers import chromium, new_page, require_chromium, serving
from pipeline.catalogue.site import site_config

SITE_PACKAGES = Path(datasette.__file__).resolve().parent.parent

# English a reader could meet, per installed package (each string occurs in that package's
# templates, scripts or Python; test_the_list_is_the_packages_own checks it).
ENGLISH = {
    "datasette": [
        "Error", "Database not found", "Table not found", "Record not found", "Forbidden",
        "Queries", "Tables", "Views", "rows", "Many rows", "(hidden)", "Sort by", "sorted by",
        "descending", "This data as", "advanced", "Advanced export", "CSV options",
        "download file", "expand labels", "stream all rows", "Next page",
        "Links from other tables", "Custom SQL query", "Edit SQL", "Format SQL", "Run SQL",
        "View and edit SQL", "Query parameters", "Powered by", "Download SQLite DB", "Apply",
        "Search", "Save", "Log out", "Version info", "Installed plugins", "- column -",
        "- remove filter -", "array contains", "starts with", "is not blank",
        # datasette/static/table.js: the column menus and the filter rows
        "Sort ascending", "Sort descending", "Facet by this", "Hide this column",
        "Show all columns", "Show not-blank rows", "Remove this filter", "Type:",
    ],
    "datasette_dashboards": [
        "home", "dashboards", "Dashboards", "No dashboards found", "Fullscreen",
        "SQL query returning more than",
        # static/vega-embed.min.js: the menu under each chart
        "Click to view actions", "Save as SVG", "Save as PNG", "View Source",
        "View Compiled Vega", "Open in Vega Editor",
        # static/vega.min.js: the descriptions of a chart's parts
        "visualization", "mark container", "axis", "legend", "titled", "scale",
        "values from", "ending with",
    ],
    "datasette_cluster_map": ["load all", "pause", "Showing", "contributors"],
    "datasette_leaflet": ["Zoom in", "Zoom out", "A JS library for interactive maps", "Layers"],
}
ALL_ENGLISH = sorted({s for strings in ENGLISH.values() for s in strings})
PATTERN = re.compile("|".join(rf"(?<!\w){re.escape(s)}(?!\w)" for s in
                              sorted(ALL_ENGLISH, key=len, reverse=True)))
ATTRIBUTES = ("title", "aria-label", "aria-roledescription", "placeholder", "alt")

# Every page a reader comes to (besides the canned queries, added from schemas/site.yml).
PAGES = [
    "/", "/kennisbank", "/kennisbank/acties", "/kennisbank/acties?_search=voorlezen",
    "/kennisbank/acties?doelen__arraycontains=Leesbevordering&_sort=kosten_per_nieuw_lid",
    "/kennisbank/bibliotheken", "/kennisbank/bibliotheken?aantal_acties__gt=0",
    "/kennisbank/bibliotheken/Bibliotheek~20Veenweide", "/bibliotheek/bibliotheek-veenweide",
    "/bibliotheek/bibliotheek-polderrand", "/wat-werkte", "/kennisbank/kaart",
    "/kennisbank/nieuw", "/-/dashboards", "/-/dashboards/cijfers",
    "/-/dashboards/cijfers/per_jaar", "/voorwaarden", "/privacy",
    "/bestaat-niet", "/kennisbank/bestaat-niet", "/kennisbank/acties/KB-BESTAATNIET",
    "/bibliotheek/bestaat-niet", "/kennisbank/acties?_sort=bestaatniet",
    "/kennisbank/acties?_size=abc", "/kennisbank?sql=select+1",
]


def english_in(text: str) -> list[str]:
    return sorted(set(PATTERN.findall(text)))


def test_the_list_is_the_packages_own():
    for package, strings in ENGLISH.items():
        folder = SITE_PACKAGES / package
        sources = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                            for p in sorted(folder.rglob("*"))
                            if p.suffix in (".html", ".js", ".py") and p.is_file())
        assert [s for s in strings if s not in sources] == [], package


def test_the_scan_finds_english():
    assert english_in("30 rows sorted by naam · Sort ascending · Save as SVG · Zoom in") == [
        "Save as SVG", "Sort ascending", "Zoom in", "rows", "sorted by"]
    assert english_in("30 rijen, gesorteerd op naam; Facetten, Filteren op deze kolom") == []


@pytest.fixture(scope="module")
def server(site_catalogue):
    with serving(site_catalogue) as base:
        yield base


def canned_queries() -> list[str]:
    config = site_config()
    paths = [f"/kennisbank/{name}" for name in config["wat_werkte"]]
    return paths + ["/kennisbank/acties_van_bibliotheek?bibliotheek=Bibliotheek+Veenweide",
                    "/kennisbank/kosten_per_nieuw_lid?doel=Ledenwerving"]


def shown_text(html: str) -> str:
    """What a reader sees or hears of a page: its text and the attributes read aloud."""
    doc = lxml.html.fromstring(html)
    for element in doc.xpath("//script|//style"):
        element.drop_tree()
    parts = [doc.text_content()]
    parts += [value for name in ATTRIBUTES for value in doc.xpath(f"//@{name}")]
    parts += doc.xpath("//input[@type='submit']/@value|//button/text()")
    return "\n".join(parts)


def fetch(server: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server + path, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.mark.parametrize("path", PAGES + canned_queries())
def test_no_english_in_the_served_page(server, path):
    status, html = fetch(server, path)
    assert status in (200, 400, 403, 404, 500), path
    assert html.startswith('<!DOCTYPE html>\n<html lang="nl">'), path
    assert english_in(shown_text(html)) == [], path


def test_card_pages_have_no_english(server):
    status, body = fetch(server, "/kennisbank/acties.json?_shape=array&_col=titel&_size=max")
    assert status == 200
    for actie_id in re.findall(r'"actie_id": "([^"]+)"', body):
        status, html = fetch(server, f"/kennisbank/acties/{actie_id}")
        assert status == 200
        assert english_in(shown_text(html)) == [], actie_id


# ------------------------------------------------------------------ what the scripts write

SHOWN = """() => {
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll('*')) {
    for (const name of %s) {
      const value = el.getAttribute(name);
      if (value) parts.push(value);
    }
  }
  return parts.join('\\n');
}""" % list(ATTRIBUTES)


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    require_chromium()
    with chromium(tmp_path_factory.mktemp("chromium-nl"), re.escape(server) + "/") as context:
        yield context


@pytest.fixture
def tab(browser):
    page = new_page(browser)
    yield page
    page.close()


def test_column_menus_in_dutch(tab, server):
    tab.goto(server + "/kennisbank/acties")
    tab.locator("th.col-titel svg.dropdown-menu-icon").click()
    menu = tab.locator(".dropdown-menu")
    menu.wait_for(state="visible")
    assert [t.strip() for t in menu.locator("li a").all_text_contents()] == [
        "Oplopend sorteren", "Aflopend sorteren", "Filteren op deze kolom",
        "Deze kolom verbergen", "Alle kolommen tonen", "Alleen ingevulde rijen tonen"]
    assert menu.locator(".dropdown-column-type").inner_text() == (
        "Soort gegevens: tekst, altijd ingevuld")
    assert english_in(tab.evaluate(SHOWN)) == []


def test_chart_menus_and_descriptions_in_dutch(tab, server):
    tab.goto(server + "/-/dashboards/cijfers")
    charts = tab.locator(".vega-embed")
    tab.wait_for_function("document.querySelectorAll('.vega-embed [role=graphics-document]')"
                          ".length === 3")
    assert charts.count() == 3
    menu = tab.locator(".vega-embed details").first
    assert menu.get_attribute("title") == "Grafiek downloaden"
    menu.locator("summary").click()
    actions = tab.locator(".vega-embed details[open] .vega-actions a")
    actions.first.wait_for(state="visible")
    assert actions.all_inner_texts() == ["Opslaan als SVG", "Opslaan als PNG"]
    assert [a.get_attribute("download") for a in actions.all()] == [
        "acties-per-jaar.svg", "acties-per-jaar.png"]
    tab.wait_for_function("document.querySelectorAll('[aria-label*=\"-as \"]').length === 6")
    shown = tab.evaluate(SHOWN)
    assert english_in(shown) == []
    assert "X-as 'Jaar' met 3 waarden: 2023, 2024, 2025" in shown
    assert "Legenda 'Uitkomst' met 4 waarden: gehaald, deels gehaald, niet gehaald, onbekend" \
        in shown


def test_map_controls_in_dutch(tab, server):
    tab.goto(server + "/kennisbank/kaart")
    tab.locator(".leaflet-control-zoom-in").wait_for()
    assert tab.locator(".leaflet-control-zoom-in").get_attribute("title") == "Inzoomen"
    assert tab.locator(".leaflet-control-zoom-out").get_attribute("aria-label") == "Uitzoomen"
    assert " ".join(tab.locator(".leaflet-control-attribution").inner_text().split()) == (
        "Leaflet | © OpenStreetMap-bijdragers")
    assert english_in(tab.evaluate(SHOWN)) == []


@pytest.mark.parametrize("path", [
    "/", "/kennisbank/bibliotheken", "/bibliotheek/bibliotheek-veenweide",
    "/kennisbank/bibliotheken/Bibliotheek~20Veenweide", "/kennisbank", "/wat-werkte",
    "/bestaat-niet",
])
def test_no_english_after_the_scripts_ran(tab, server, path):
    tab.goto(server + path)
    tab.wait_for_load_state("load")
    assert english_in(tab.evaluate(SHOWN)) == [], path


# ------------------------------------------------------------------ reports

def test_reports_say_verwerking_and_name_no_folders(sample_build):
    from pipeline.contract.config import SAMPLE_WORKBOOK
    from pipeline.reports.render import write_reports

    out = sample_build.catalogue.parent
    write_reports(out)
    files = sorted(p for p in (out / "rapporten").iterdir() if p.suffix in (".html", ".txt"))
    assert len(files) > 2
    for path in files:
        text = path.read_text(encoding="utf-8")
        shown = shown_text(text) if path.suffix == ".html" else text
        assert re.findall(r"(?i)(?<!\w)runs?(?!\w)", shown) == [], path.name
        assert "Waarsch." not in shown, path.name
        assert str(out) not in text and str(SAMPLE_WORKBOOK.parent) not in text, path.name
        assert english_in(shown) == [], path.name
    coordinators = (out / "rapporten" / "coordinatoren.txt").read_text(encoding="utf-8")
    assert re.search(r"^Verwerking \S+ - bron: voorbeeld-kennisbank\.xlsx \(voorbeeld\)\.$",
                     coordinators, re.M)
