"""The terms of use and the privacy statement: Dutch pages at /voorwaarden and /privacy made from
docs/ with the settings of schemas/ (version, licence, contact address), linked from the footer
of every kind of page; the licence on each action card; no cookies for readers; the container
context shows its own copy of the documents."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import lxml.html
import pytest

from helpers import ROOT, container, free_port, stop, wait_for
from helpers import get as http_get
from pipeline import nl
from pipeline.catalogue import deploy, terms
from pipeline.catalogue.serve import build_metadata, load_metadata, make_datasette
from pipeline.catalogue.site import site_config
from pipeline.contract.config import load_terms

LICENCE = load_terms()["licentie"]
VERSION = "Versie: " + nl.long_date(load_terms()["versie"])
CONTACT = site_config()["contact"]


@pytest.fixture(scope="module")
def site(site_catalogue):
    return make_datasette(site_catalogue)


def get(site, path):
    return asyncio.run(site.client.get(path))


def document(site, path, status=200):
    response = get(site, path)
    assert response.status_code == status, (path, response.text[:300])
    assert response.text.startswith('<!DOCTYPE html>\n<html lang="nl">'), path
    return response, lxml.html.fromstring(response.text)


def texts(doc, xpath):
    return [" ".join(" ".join(e.itertext()).split()) for e in doc.xpath(xpath)]


def links(doc, xpath):
    return [(" ".join(a.text_content().split()), a.get("href")) for a in doc.xpath(xpath)]


def test_terms_page(site):
    _, doc = document(site, "/voorwaarden")
    assert doc.findtext(".//title") == "Gebruiksvoorwaarden · Kennisbank Marketing"
    assert texts(doc, "//article//h1") == ["Gebruiksvoorwaarden"]
    assert texts(doc, "//article//h2") == [
        "Wat u deelt en wie het ziet", "Wat anderen mogen doen met openbare acties",
        "Geen persoonsgegevens in de openbare kennisbank", "Een actie terugtrekken",
        "Waar de gegevens staan en hoe lang", "Wie er in het netwerkdeel kan", "Akkoord",
        "Vragen en contact"]
    assert VERSION == "Versie: 1 november 2026"
    assert VERSION in texts(doc, "//article//p")
    assert texts(doc, "//article//li/strong[1]")[:3] == ["openbaar", "netwerk", "nee"]
    found = links(doc, "//article//a")
    assert (LICENCE["naam"], LICENCE["url"]) in found
    assert ("privacyverklaring", "/privacy") in found
    assert (CONTACT, f"mailto:{CONTACT}") in found
    assert "<!--" not in lxml.html.tostring(doc.xpath("//article")[0], encoding="unicode")


def test_privacy_page(site):
    _, doc = document(site, "/privacy")
    assert doc.findtext(".//title") == "Privacyverklaring · Kennisbank Marketing"
    assert texts(doc, "//article//h1") == ["Privacyverklaring"]
    assert texts(doc, "//article//h2") == [
        "Lezers van de kennisbank", "Welke persoonsgegevens de kennisbank heeft",
        "Waar ze staan en wie ze ziet", "Waarom", "Hoe lang", "Uw rechten", "Contact"]
    assert VERSION in texts(doc, "//article//p")
    found = links(doc, "//article//a")
    assert ("gebruiksvoorwaarden", "/voorwaarden") in found
    assert (CONTACT, f"mailto:{CONTACT}") in found


PAGE_KINDS = {
    "home": "/", "table": "/kennisbank/acties", "card": None, "canned query":
    "/kennisbank/doelen_vergeleken", "database": "/kennisbank", "wat werkte": "/wat-werkte",
    "map": "/kennisbank/kaart", "charts": "/-/dashboards/cijfers", "terms": "/voorwaarden",
    "privacy": "/privacy", "404": "/bestaat-niet",
}


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_page_links_the_terms_and_privacy_and_names_the_licence(site, kind):
    path = PAGE_KINDS[kind] or card_path(site, "Zomerlezen")
    response, doc = document(site, path, 404 if kind == "404" else 200)
    assert links(doc, "//footer[@class='ft']//p[@class='kb-voorwaarden']/a") == [
        ("Gebruiksvoorwaarden", "/voorwaarden"), ("Privacy", "/privacy")]
    assert (LICENCE["naam"], LICENCE["url"]) in links(doc, "//footer[@class='ft']//a")
    # Readers get no cookies (see /privacy), except the card's one technical cookie that guards
    # the "Had u hier iets aan?" form against forged posts (Datasette's CSRF token).
    cookies = response.headers.get_list("set-cookie")
    assert [c.split("=", 1)[0] for c in cookies] == (["ds_csrftoken"] if kind == "card" else [])


def card_path(site, title):
    rows = get(site, "/kennisbank/acties.json?_shape=array&_col=titel&_size=max").json()
    [actie_id] = [r["actie_id"] for r in rows if r["titel"] == title]
    return f"/kennisbank/acties/{actie_id}"


@pytest.mark.parametrize("title, library", [
    ("Zomerlezen", "Bibliotheek Duinstreek"),
    ("Welkom nieuwe inwoners", "Bibliotheek Veenweide")])
def test_card_names_its_licence_and_the_library_as_source(site, title, library):
    _, doc = document(site, card_path(site, title))
    assert [" ".join(p.text_content().split()) for p in doc.xpath("//p[@class='kb-licentie']")] == [
        f"Bron: {library} — gedeeld onder {LICENCE['naam']}; vermeld de bibliotheek als bron."]
    assert links(doc, "//p[@class='kb-licentie']/a") == [(LICENCE["naam"], LICENCE["url"])]


def test_the_licence_is_one_setting():
    assert "license" not in load_metadata() and "license_url" not in load_metadata()
    metadata = build_metadata()
    assert (metadata["license"], metadata["license_url"]) == (LICENCE["naam"], LICENCE["url"])
    assert LICENCE == {"naam": "CC BY 4.0",
                       "url": "https://creativecommons.org/licenses/by/4.0/deed.nl"}


def test_documents_in_docs_carry_the_current_settings():
    assert terms.main(["--check"]) == 0
    for name in terms.PAGES:
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert f"<!-- versie -->{VERSION[len('Versie: '):]}<!-- /versie -->" in text
        assert f"<!-- contact -->[{CONTACT}](mailto:{CONTACT})<!-- /contact -->" in text


def test_an_outdated_value_is_replaced():
    old = ("Versie: <!-- versie -->1 januari 2020<!-- /versie -->, licentie "
           "<!-- licentie -->[CC0](https://example.org)<!-- /licentie -->")
    assert terms.fill(old) == (
        "Versie: <!-- versie -->1 november 2026<!-- /versie -->, licentie <!-- licentie -->"
        f"[{LICENCE['naam']}]({LICENCE['url']})<!-- /licentie -->")
    assert terms.fill(old, markers=False) == (
        f"Versie: 1 november 2026, licentie [{LICENCE['naam']}]({LICENCE['url']})")


def test_container_shows_the_documents_of_its_context(sample_build, tmp_path):
    context = deploy.prepare(sample_build.catalogue, tmp_path / "container")
    copies = sorted(p.name for p in (context.directory / "templates" / "docs").iterdir())
    assert copies == ["gebruiksvoorwaarden.md", "privacy.md"]
    # the context's own copy is what the pages show (not the repository's docs/)
    privacy = context.directory / "templates" / "docs" / "privacy.md"
    privacy.write_text(privacy.read_text(encoding="utf-8") + "\nAlleen in deze map.\n",
                       encoding="utf-8")
    with container(context.directory) as server:
        response = server.request("/privacy")
        assert response.status == 200
        doc = lxml.html.fromstring(response.body)
        assert texts(doc, "//article//h1") == ["Privacyverklaring"]
        assert texts(doc, "//article//p")[-1] == "Alleen in deze map."
        response = server.request("/voorwaarden")
        assert response.status == 200
        assert texts(lxml.html.fromstring(response.body), "//article//h1") == [
            "Gebruiksvoorwaarden"]
        output = server.output().replace(f"127.0.0.1:{server.port}", "")
    assert "Application startup complete." in output
    assert "127.0.0.1:" not in output  # no access log with the readers' addresses
    assert "GET /" not in output


@pytest.mark.parametrize("options", [(), ("--workers", "2")])
def test_serve_keeps_no_access_log(site_catalogue, tmp_path, options):
    log_path = tmp_path / "serve.log"
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "serve", "--db", str(site_catalogue),
             "--port", str(port), *options], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        wait_for(lambda: http_get(port, "/privacy", 5)[0] == 200, "kennisbank serve")
        assert http_get(port, "/kennisbank/acties?_search=wethouder")[0] == 200
    finally:
        stop(process, group=True)
    output = log_path.read_text(encoding="utf-8")
    assert "Application startup complete." in output
    assert "127.0.0.1:" not in output.replace(f"127.0.0.1:{port}", "")
    assert "GET /" not in output and "wethouder" not in output
