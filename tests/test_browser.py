"""What a reader clicks, in a real headless Chromium against `kennisbank serve` over HTTP: the home
page, a search, a facet, an action card, and a title with a script tag that must stay text.
Screenshots go to output/screenshots/ for a person to look at.

Needs Debian's `chromium` (.ci/run installs it). Without it these tests are skipped, except on
CI (CI=true), where a missing browser is a failure."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from site_fixture import SCRIPT_TITLE, build_site_catalogue

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "output" / "screenshots"
CHROMIUM = Path(os.environ.get("KENNISBANK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 900}


def require_chromium():
    missing = None
    if not CHROMIUM.exists():
        missing = f"Chromium ontbreekt ({CHROMIUM}); installeer het met: apt-get install chromium"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "het Python-pakket playwright ontbreekt; installeer met: make install"
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"Browsertests moeten op CI draaien: {missing}", pytrace=False)
    if missing:
        pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    db = build_site_catalogue(tmp_path_factory.mktemp("browser"))
    with serving(db) as base:
        yield base


@contextlib.contextmanager
def serving(db):
    """`kennisbank serve` on a free loopback port, as a reader's browser reaches it."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", str(db),
                             "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"kennisbank serve stopte: {proc.stdout.read().decode()}")
                time.sleep(0.1)
        else:
            pytest.fail("kennisbank serve antwoordde niet")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser_context(server, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profiel")), executable_path=str(CHROMIUM),
            headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT, locale="nl-NL")
        # Nothing leaves this machine: map tiles and anything else not on the test server fail.
        context.route(re.compile(r"^(?!" + re.escape(server) + r"/).*"),
                      lambda route: route.abort())
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
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
        "6 acties gedeeld", "4 bibliotheken doen mee", "5 acties met gemeten resultaat",
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
    page.wait_for_url(re.compile(r"kanalen__arraycontains=Instagram"))
    assert texts(page, "h2.kb-aantal") == ["2 acties"]
    assert texts(page, "a.kb-chip") == ["Kanalen bevat Instagram ✕"]
    assert texts(page, "table.kb-acties a.titel") == ["Zomerlezen", SCRIPT_TITLE]
    assert texts(page, "table.kb-acties tbody tr:first-child td.col-kosten_per_deelnemer") == [
        "€ 2,50"]
    screenshot(page, "tabel-met-facetten.png")

    page.get_by_role("link", name="Zomerlezen", exact=True).first.click()
    page.wait_for_url(re.compile(r"/kennisbank/acties/KB-"))
    assert texts(page, "h1") == ["Zomerlezen"]
    assert texts(page, ".kb-sectie h2") == ["Aanleiding en doel", "Aanpak", "Resultaten",
                                            "Geleerde lessen"]
    assert texts(page, ".kb-kerncijfers > div") == [
        "Budget € 300", "Realisatie 120%", "Kosten per deelnemer € 2,50"]
    assert texts(page, ".kb-sectie dt") == [
        "Aanleiding", "Doelen", "Meetbaar doel", "Landelijke campagne", "Doelgroepen", "Kanalen",
        "Periode", "Budget", "Inzet (uren)", "KPI", "Streefwaarde", "Resultaat", "Realisatie",
        "Doel behaald", "Deelnemers", "Kosten per deelnemer", "Toelichting op de resultaten",
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
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_charts_render_without_arbitrary_sql(page, server):
    page.goto(server + "/-/dashboards/cijfers")
    assert texts(page, "h1") == ["Cijfers van het netwerk"]
    page.wait_for_selector("#chart-per_jaar svg, #chart-per_jaar canvas", timeout=15000)
    page.wait_for_function("document.querySelector('#chart-acties').innerText.includes('6')")
    assert texts(page, "#chart-acties, #chart-bibliotheken, #chart-gemeten") == ["6", "4", "5"]
    screenshot(page, "cijfers.png", full_page=True)
    assert page.dialogs == []
