"""Accessibility of every reader's page, in a real headless Chromium against `kennisbank serve`
with the embedded sample: axe-core (the version the Makefile pins, installed by `make install`
into .axe/) finds no serious or critical violation at desktop and phone width; the skip link,
the column menus and the map's markers work without a mouse or have a name.

The pages are helpers.READER_PAGES (add a new page there). Needs Debian's `chromium` and npm's
axe-core; without them these tests are skipped, except on CI (CI=true)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from helpers import (
    READER_PAGES,
    ROOT,
    chromium,
    open_reader_page,
    require,
    require_chromium,
    serving,
)

AXE = ROOT / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = re.search(r"^AXE_VERSION := (\S+)$", (ROOT / "Makefile").read_text(encoding="utf-8"),
                        re.M).group(1)
WIDTHS = (1366, 390)
PAGE = {p.name: p for p in READER_PAGES}


@pytest.fixture(scope="module")
def catalogue(sample_build):
    return sample_build.catalogue


@pytest.fixture(scope="module")
def server(catalogue):
    require_chromium()
    with serving(catalogue) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-a11y"), re.escape(server) + "/") as ctx:
        yield ctx


def violations(tab) -> list[tuple[str, str, list]]:
    """axe-core's serious and critical violations on the page: (rule, impact, first targets)."""
    tab.add_script_tag(path=str(AXE))
    assert tab.evaluate("axe.version") == AXE_VERSION
    found = tab.evaluate("axe.run(document).then(r => r.violations)")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
            for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_serious_or_critical_violation_on_any_page(browser, server, catalogue,
                                                                 width):
    require(None if AXE.exists() else f"axe-core ontbreekt ({AXE}); installeer het met: "
            "make install (met npm)", "De toegankelijkheidstests")
    found = {}
    for page in READER_PAGES:
        tab = open_reader_page(browser, server, catalogue, page, width)
        try:
            problems = violations(tab)
            if problems:
                found[page.name] = problems
        finally:
            tab.close()
    assert found == {}


def test_the_skip_link_is_the_first_tab_stop_and_leads_to_the_content(browser, server, catalogue):
    tab = open_reader_page(browser, server, catalogue, PAGE["acties"], 390)
    try:
        link = tab.get_by_role("link", name="Naar de inhoud", exact=True)
        assert link.bounding_box()["y"] < 0  # out of sight until it has the focus
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.textContent") == "Naar de inhoud"
        assert link.bounding_box()["y"] >= 0
        tab.keyboard.press("Enter")
        assert tab.evaluate("document.activeElement.id") == "inhoud"
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.id") == "_search"
    finally:
        tab.close()


def test_the_column_menus_open_and_close_with_the_keyboard(browser, server, catalogue):
    tab = open_reader_page(browser, server, catalogue, PAGE["acties"], 1366)
    try:
        for _ in range(300):
            tab.keyboard.press("Tab")
            if tab.evaluate("document.activeElement.matches('svg.dropdown-menu-icon')"):
                break
        active = "document.activeElement"
        assert tab.evaluate(f"{active}.getAttribute('aria-label')") == "Kolommenu Titel"
        tab.keyboard.press("Enter")
        menu = tab.locator(".dropdown-menu")
        assert menu.is_visible()
        assert tab.evaluate(f"{active}.getAttribute('href')") == "?_sort=titel"
        tab.keyboard.press("ArrowDown")
        assert tab.evaluate(f"{active}.getAttribute('href')") == "?_sort_desc=titel"
        tab.keyboard.press("Escape")
        assert not menu.is_visible()
        assert tab.evaluate(f"{active}.getAttribute('aria-label')") == "Kolommenu Titel"
        tab.keyboard.press("Enter")
        tab.keyboard.press("Enter")
        tab.wait_for_url(re.compile(r"/kennisbank/acties\?_sort=titel$"))
    finally:
        tab.close()


MARKERS = """() => [...document.querySelectorAll('.leaflet-marker-icon')].map(m =>
    [m.getAttribute('role'), m.getAttribute('alt') || m.getAttribute('aria-label')])"""


def test_every_map_marker_has_a_name(browser, server, catalogue):
    with sqlite3.connect(f"file:{catalogue}?mode=ro", uri=True) as conn:
        libraries = {name for (name,) in conn.execute(
            "select naam from bibliotheken where latitude is not null and longitude is not null")}
    tab = open_reader_page(browser, server, catalogue, PAGE["kaart"], 1366)
    try:
        markers = tab.evaluate(MARKERS)
        assert {role for role, _ in markers} == {"button"}
        named = [name for _, name in markers if name in libraries]
        clusters = [int(m.group(1)) for _, name in markers
                    if (m := re.fullmatch(r"(\d+) bibliotheken: inzoomen", name))]
        assert len(named) + len(clusters) == len(markers)
        assert len(named) + sum(clusters) == len(libraries) == 30
        tab.locator(f"img.leaflet-marker-icon[alt='{named[0]}']").focus()
        tab.keyboard.press("Enter")
        assert tab.locator(".leaflet-popup-content strong").inner_text() == named[0]
    finally:
        tab.close()


def test_every_chart_menu_has_a_name(browser, server, catalogue):
    tab = open_reader_page(browser, server, catalogue, PAGE["cijfers"], 390)
    try:
        assert tab.locator(".vega-embed summary").evaluate_all(
            "els => els.map(e => e.getAttribute('aria-label'))") == [
            "Menu van de grafiek Acties per jaar", "Menu van de grafiek Acties per kanaal",
            "Menu van de grafiek Streefwaarde gehaald, per doel"]
    finally:
        tab.close()
