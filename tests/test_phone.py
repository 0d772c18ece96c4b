"""Every reader's page on a phone, in a real headless Chromium against `kennisbank serve` with the
embedded sample: nothing scrolls sideways at 390 and 320 px (WCAG 1.4.10), the results fill the
width, the filters fold behind a "Filters" button, every chart draws its bars and the map's table
shows neither JSON nor coordinates. Screenshots of every page at both widths go to
output/screenshots/telefoon/ for a person to look at.

The pages are helpers.READER_PAGES (add a new page there). Needs Debian's `chromium`, as
tests/test_browser.py."""

from __future__ import annotations

import re

import pytest

from helpers import (
    READER_PAGES,
    SCREENSHOTS,
    chromium,
    new_page,
    open_reader_page,
    reader_url,
    require_chromium,
    serving,
)

PHONES = (390, 320)
KAART = next(p for p in READER_PAGES if p.name == "kaart")
CIJFERS = next(p for p in READER_PAGES if p.name == "cijfers")


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
    with chromium(tmp_path_factory.mktemp("chromium-telefoon"), re.escape(server) + "/") as ctx:
        yield ctx


WIDTHS = """(selector) => [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().width)"""
SIDEWAYS = """(width) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className)"""


@pytest.mark.parametrize("width", PHONES)
def test_no_page_scrolls_sideways_and_the_results_fill_the_width(browser, server, catalogue,
                                                                 width):
    folder = SCREENSHOTS / "telefoon"
    folder.mkdir(parents=True, exist_ok=True)
    problems = {}
    for page in READER_PAGES:
        tab = open_reader_page(browser, server, catalogue, page, width)
        try:
            tab.screenshot(path=str(folder / f"{page.name}-{width}.png"), full_page=True)
            scroll_width = tab.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                problems[page.name] = (f"{scroll_width} px breed", tab.evaluate(SIDEWAYS, width))
            if page.results:
                widths = tab.evaluate(WIDTHS, page.results)
                narrow = [round(w) for w in widths if w < 0.9 * width]
                if not widths or narrow:
                    problems[page.name] = (page.results, len(widths), narrow[:5])
        finally:
            tab.close()
    assert problems == {}


def facet_doelen_visible(tab) -> bool:
    return tab.locator("#facet-doelen").is_visible()


def test_the_filters_fold_behind_a_button_on_a_phone(browser, server, catalogue):
    acties = next(p for p in READER_PAGES if p.name == "acties")
    tab = open_reader_page(browser, server, catalogue, acties, 390)
    try:
        summary = tab.locator("details#kb-filters > summary")
        assert tab.locator("details#kb-filters").get_attribute("open") is None
        assert summary.inner_text() == "Filters"
        assert not facet_doelen_visible(tab)
        summary.click()
        assert facet_doelen_visible(tab)
        tab.locator("#facet-doelen").get_by_role("link", name="Ledenwerving").click()
        tab.wait_for_url(re.compile(r"doelen__arrayany=Ledenwerving"))
        assert summary.inner_text() == "Filters (1 gekozen)"
        assert not facet_doelen_visible(tab)
        # Wide again (a tablet turned, a window resized): the filters are shown without a button.
        tab.set_viewport_size({"width": 1366, "height": 800})
        tab.wait_for_function("document.getElementById('kb-filters').open")
        assert facet_doelen_visible(tab) and not summary.is_visible()
    finally:
        tab.close()

    tab = new_page(browser)
    try:
        tab.goto(reader_url(server, catalogue, acties))
        assert tab.locator("details#kb-filters").get_attribute("open") == ""
        assert facet_doelen_visible(tab) and not tab.locator("details#kb-filters > summary").is_visible()
        # Results beside the filters on a desktop.
        box = tab.locator("table.kb-acties").bounding_box()
        assert box["x"] > tab.locator("#facet-doelen").bounding_box()["x"] + 150
    finally:
        tab.close()


BARS = """() => [...document.querySelectorAll('.vega-embed')].map(chart => [
    chart.closest('.dashboard-card-chart').id,
    chart.querySelector('g.mark-rect.role-mark').getBoundingClientRect().width
        / chart.querySelector('svg').getBoundingClientRect().width])"""


@pytest.mark.parametrize("width", PHONES)
def test_every_chart_draws_its_bars_at_phone_width(browser, server, catalogue, width):
    # Before: with the goal names and the legend beside it, "Streefwaarde gehaald, per doel" had
    # no width left for its bars at all (0 px at 320 px).
    tab = open_reader_page(browser, server, catalogue, CIJFERS, width)
    try:
        shares = dict(tab.evaluate(BARS))
        assert sorted(shares) == ["chart-gehaald_per_doel", "chart-per_jaar", "chart-per_kanaal"]
        assert {chart: share >= 0.3 for chart, share in shares.items()} == dict.fromkeys(shares, True)
        assert [" ".join(t.split()) for t in tab.locator("#chart-acties, #chart-bibliotheken, "
                                                          "#chart-gemeten").all_inner_texts()] \
            == ["164", "26", "122"]
    finally:
        tab.close()


def test_the_maps_table_shows_no_json_or_coordinates_on_a_phone(browser, server, catalogue):
    tab = open_reader_page(browser, server, catalogue, KAART, 390)
    try:
        table = tab.locator("table.kb-vraag")
        hidden = ", ".join(f"{cell}.col-{column}:visible" for cell in ("td", "th")
                           for column in ("popup", "latitude", "longitude"))
        assert tab.locator(hidden).count() == 0
        text = table.inner_text()
        assert "{" not in text and not re.search(r"\d[.,]\d", text)
        first = tab.locator("table.kb-vraag tbody tr:first-child td:visible")
        assert first.evaluate_all("cells => cells.map(c => [getComputedStyle(c, '::before')"
                                  ".content, c.innerText])") == [
            ['"Bibliotheek"', "Bibliotheek Amstelscheg"], ['"Provincie"', "Noord-Holland"],
            ['"Acties in de kennisbank"', "3"]]
        assert tab.locator(".leaflet-container").bounding_box()["width"] >= 0.9 * 390
    finally:
        tab.close()
