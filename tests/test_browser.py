"""What a reader clicks, in a real headless Chromium against `kennisbank serve` over HTTP: the home
page, a search, a facet, an action card, and a title with a script tag that must stay text.
Screenshots go to output/screenshots/ for a person to look at.

Needs Debian's `chromium` (.ci/run installs it). Without it these tests are skipped, except on
CI (CI=true), where a missing browser is a failure."""

from __future__ import annotations

import re

import pytest

from helpers import SCREENSHOTS, SCRIPT_TITLE, chromium, new_page, require_chromium, serving, settle


@pytest.fixture(scope="module")
def server(site_catalogue):
    require_chromium()
    with serving(site_catalogue) as base:
        yield base


@pytest.fixture(scope="module")
def browser_context(server, tmp_path_factory):
    # Nothing leaves this machine: map tiles and anything else not on the test server fail.
    with chromium(tmp_path_factory.mktemp("chromium-profiel"), re.escape(server) + "/") as ctx:
        yield ctx


@pytest.fixture
def page(browser_context):
    page = new_page(browser_context)
    yield page
    page.close()


def screenshot(page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def texts(page, selector: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(selector).all_inner_texts()]


def test_home_search_facet_and_card(page, server):
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert texts(page, "h1") == ["Kennisbank Marketing"]
    assert texts(page, ".kb-cijfer") == [
        "6 acties gedeeld", "3 bibliotheken doen mee", "5 acties met gemeten resultaat",
        "3 acties haalden de streefwaarde"]
    screenshot(page, "home.png", full_page=True)

    page.fill("#kb-zoekterm", "wethouder")
    page.press("#kb-zoekterm", "Enter")
    page.wait_for_url(re.compile(r"/kennisbank/acties\?_search=wethouder$"))
    assert texts(page, "h2.kb-aantal") == ["1 actie"]
    assert texts(page, "table.kb-acties a.titel") == ["Kinderboekenweek voorleesfeest"]

    page.goto(server + "/kennisbank/acties")
    assert texts(page, "h2.kb-aantal") == ["6 acties"]
    page.locator("#facet-kanalen").get_by_role("link", name="Instagram", exact=True).click()
    page.wait_for_url(re.compile(r"kanalen__arrayany=Instagram$"))
    assert texts(page, "h2.kb-aantal") == ["2 acties"]
    assert texts(page, "a.kb-chip") == ["Kanalen bevat een van Instagram ✕"]
    assert texts(page, "table.kb-acties a.titel") == ["Zomerlezen", SCRIPT_TITLE]
    assert texts(page, "table.kb-acties tbody tr:first-child td.col-budget_eur") == ["€ 300"]
    assert texts(page, "table.kb-acties tbody tr:first-child td.col-doel_behaald") == ["ja"]
    screenshot(page, "tabel-met-facetten.png")
    # a second channel widens the list (OR within the facet)
    page.locator("#facet-kanalen").get_by_role("link", name="Facebook", exact=True).click()
    page.wait_for_url(re.compile(r"kanalen__arrayany=Instagram&kanalen__arrayany=Facebook$"))
    assert texts(page, "table.kb-acties a.titel") == [
        "Zomerlezen", SCRIPT_TITLE, "Kinderboekenweek voorleesfeest"]

    page.get_by_role("link", name="Zomerlezen", exact=True).first.click()
    page.wait_for_url(re.compile(r"/kennisbank/acties/KB-"))
    assert texts(page, "h1") == ["Zomerlezen"]
    assert texts(page, ".kb-sectie h2") == ["Aanleiding en doel", "Aanpak", "Resultaten",
                                            "Geleerde lessen"]
    assert texts(page, ".kb-kerncijfers > div") == [
        "Budget € 300", "Realisatie 120%", "Kosten per deelnemer € 9,17"]
    assert texts(page, ".kb-sectie dt") == [
        "Aanleiding", "Doelen", "Meetbaar doel", "Landelijke campagne", "Doelgroepen", "Kanalen",
        "Periode", "Budget", "Inzet (uren)", "Totale kosten", "KPI", "Streefwaarde", "Resultaat",
        "Realisatie", "Doel behaald", "Deelnemers", "Kosten per deelnemer",
        "Deelnemers per 1.000 inwoners", "Toelichting op de resultaten",
        "Wat werkte", "Tip voor collega's"]
    assert texts(page, ".kb-vergelijkbaar a.titel") == [
        SCRIPT_TITLE, "Kinderboekenweek voorleesfeest"]
    screenshot(page, "actiekaart.png", full_page=True)

    page.locator(".kb-sectie").get_by_role("link", name="Gezinnen").click()
    page.wait_for_url(re.compile(r"doelgroepen__arraycontains=Gezinnen"))
    assert texts(page, "h2.kb-aantal") == ["1 actie"]
    assert page.dialogs == []


def test_script_title_stays_text(page, server):
    page.goto(server + "/kennisbank/acties?kanalen__arraycontains=Instagram")
    link = page.get_by_role("link", name=SCRIPT_TITLE, exact=True)
    assert link.count() == 1
    link.click()
    page.wait_for_url(re.compile(r"/kennisbank/acties/KB-"))
    assert page.locator("h1").inner_text() == SCRIPT_TITLE
    assert page.title() == f"{SCRIPT_TITLE} · Kennisbank Marketing"
    assert texts(page, ".kb-sectie h2") == ["Aanleiding en doel", "Aanpak", "Geleerde lessen"]
    assert all("alert(1)" not in (s or "") for s in
               page.locator("script").evaluate_all("els => els.map(e => e.textContent)"))
    for path in ("/", "/kennisbank/nieuw", "/kennisbank/acties?_search=" + SCRIPT_TITLE):
        page.goto(server + path)
        assert page.get_by_text(SCRIPT_TITLE, exact=True).count() >= 1, path
    settle(page)
    assert page.dialogs == []


def test_charts_render_without_arbitrary_sql(page, server):
    page.goto(server + "/-/dashboards/cijfers")
    assert texts(page, "h1") == ["Cijfers van het netwerk"]
    page.wait_for_selector("#chart-per_jaar svg, #chart-per_jaar canvas", timeout=15000)
    page.wait_for_function("document.querySelector('#chart-acties').innerText.includes('6')")
    assert texts(page, "#chart-acties, #chart-bibliotheken, #chart-gemeten") == ["6", "3", "5"]
    screenshot(page, "cijfers.png", full_page=True)
    assert page.dialogs == []


def test_card_names_its_licence_and_the_footer_leads_to_the_terms(page, server):
    page.goto(server + "/kennisbank/acties?_search=wethouder")
    page.get_by_role("link", name="Kinderboekenweek voorleesfeest", exact=True).click()
    page.wait_for_url(re.compile(r"/kennisbank/acties/KB-"))
    card = page.url
    assert texts(page, ".kb-licentie") == [
        "Bron: Bibliotheek Duinstreek — gedeeld onder CC BY 4.0; vermeld de bibliotheek als bron."]
    licence = page.locator(".kb-licentie").get_by_role("link", name="CC BY 4.0", exact=True)
    assert licence.get_attribute("href") == "https://creativecommons.org/licenses/by/4.0/deed.nl"

    page.locator("footer.ft").get_by_role("link", name="Gebruiksvoorwaarden", exact=True).click()
    page.wait_for_url(server + "/voorwaarden")
    assert page.title() == "Gebruiksvoorwaarden · Kennisbank Marketing"
    assert texts(page, "h1") == ["Gebruiksvoorwaarden"]
    assert "Versie: 1 november 2026" in texts(page, "article p")
    screenshot(page, "voorwaarden.png", full_page=True)

    page.goto(card)
    page.locator("footer.ft").get_by_role("link", name="Privacy", exact=True).click()
    page.wait_for_url(server + "/privacy")
    assert texts(page, "h1") == ["Privacyverklaring"]
    page.locator("article").get_by_role("link", name="gebruiksvoorwaarden", exact=True).click()
    page.wait_for_url(server + "/voorwaarden")
    assert texts(page, "h1") == ["Gebruiksvoorwaarden"]
    # No cookies (see /privacy) but the card's technical one for its feedback form.
    assert [c["name"] for c in page.context.cookies()] == ["ds_csrftoken"]
    assert page.dialogs == []
