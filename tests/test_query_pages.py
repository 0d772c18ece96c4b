"""The canned questions one page at a time (issue 18), over HTTP on a served synthetic catalogue
of 2,000 actions: exactly the rows of page 1, 2 and the last, the Dutch links to the previous
and next page with the question's own parameters kept, and CSV and JSON that stay complete."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import urllib.parse

import lxml.html
import pytest

from pipeline.catalogue.paging import PAGE_SIZE, unpaged
from pipeline.catalogue.serve import build_metadata
from tests import helpers

LIBRARY = "Bibliotheek Zaanoevers"  # 131 actions in the synthetic catalogue (seed 5)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    from pipeline.contract.process import process
    from pipeline.store.load import write_catalogue
    from tools.sample.synthetic import make_snapshot

    return write_catalogue(process(make_snapshot(2000, seed=5), helpers.TODAY),
                           tmp_path_factory.mktemp("paginas"))


@pytest.fixture(scope="module")
def site(catalogue):
    with helpers.serving(catalogue) as base:
        yield int(base.rsplit(":", 1)[1])


def full_answer(db, name: str, params: dict) -> tuple[list[str], list[tuple]]:
    """The question's whole answer: its own SQL (schemas/queries.yml) straight on the file."""
    sql = build_metadata()["databases"]["kennisbank"]["queries"][name]["sql"]
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cursor = conn.execute(unpaged(sql), params)
        return [c[0] for c in cursor.description], cursor.fetchall()
    finally:
        conn.close()


def fetch(port: int, path: str) -> str:
    status, body = helpers.get(port, path)
    assert status == 200, (path, body[:300])
    return body.decode("utf-8")


def html_page(port: int, path: str):
    return lxml.html.fromstring(fetch(port, path))


def text(doc, xpath: str) -> list[str]:
    return [" ".join(" ".join(e.itertext()).split()) for e in doc.xpath(xpath)]


def shown_ids(doc) -> list[str]:
    return text(doc, "//table[contains(@class, 'kb-vraag')]/tbody/tr/td[@data-label='Actie-ID']"
                     " | //table[contains(@class, 'kb-vraag')]/tbody/tr/td[contains(@class, "
                     "'col-actie_id')]")


def links(doc) -> dict[str, str]:
    return {a.get("rel"): a.get("href") for a in doc.xpath("//nav[@class='kb-paginas']/a")}


@pytest.mark.parametrize("name, params, total", [
    ("kosten_per_deelnemer", {}, 831),
    ("kosten_per_deelnemer", {"doel": "Leesbevordering"}, 228),
    ("kosten_per_nieuw_lid", {"doel": ""}, None),
    ("acties_van_bibliotheek", {"bibliotheek": LIBRARY}, 131),
])
def test_pages_show_exactly_their_rows(catalogue, site, name, params, total):
    columns, rows = full_answer(catalogue, name, {"doel": "", **params})
    assert total is None or len(rows) == total
    ids = [r[columns.index("actie_id")] for r in rows]
    assert len(ids) > 2 * PAGE_SIZE
    query = urllib.parse.urlencode(params)
    base = f"/kennisbank/{name}" + (f"?{query}" if query else "")
    pages = -(-len(ids) // PAGE_SIZE)
    for number in (1, 2, pages):
        path = base if number == 1 else base + ("&" if query else "?") + f"_pagina={number}"
        doc = html_page(site, path)
        start = (number - 1) * PAGE_SIZE
        assert shown_ids(doc) == ids[start:start + PAGE_SIZE], (path, number)
        last = min(start + PAGE_SIZE, len(ids))
        assert text(doc, "//h2[@class='kb-aantal']") == [
            f"{start + 1}–{last} van {helpers_number(len(ids))} rijen"]
        assert text(doc, "//nav[@class='kb-paginas']/span") == [f"Pagina {number} van {pages}"]
        expected = {}
        if number > 1:
            expected["prev"] = base if number == 2 else f"{base}{'&' if query else '?'}" \
                f"_pagina={number - 1}"
        if number < pages:
            expected["next"] = f"{base}{'&' if query else '?'}_pagina={number + 1}"
        assert links(doc) == expected, path
        labels = text(doc, "//nav[@class='kb-paginas']/a")
        assert labels == ([f"← Vorige {PAGE_SIZE}"] if number > 1 else []) + (
            [f"Volgende {min(PAGE_SIZE, len(ids) - last)} →"] if number < pages else [])


def helpers_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_the_question_parameter_is_kept_and_chosen_on_every_page(site):
    doc = html_page(site, "/kennisbank/kosten_per_deelnemer?doel=Leesbevordering&_pagina=2")
    assert doc.xpath("//select[@name='doel']/option[@selected]/text()") == ["Leesbevordering"]
    assert links(doc) == {
        "prev": "/kennisbank/kosten_per_deelnemer?doel=Leesbevordering",
        "next": "/kennisbank/kosten_per_deelnemer?doel=Leesbevordering&_pagina=3"}
    # the note on the actions left out stays on every page
    assert text(doc, "//p[@class='kb-weggelaten']") == text(
        html_page(site, "/kennisbank/kosten_per_deelnemer?doel=Leesbevordering"),
        "//p[@class='kb-weggelaten']") != []


@pytest.mark.parametrize("name, params", [
    ("kosten_per_deelnemer", {"doel": ""}),
    ("kosten_per_nieuw_lid", {"doel": "Leesbevordering"}),
    ("acties_van_bibliotheek", {"bibliotheek": LIBRARY}),
    ("doelen_vergeleken", {}),
])
def test_csv_and_json_stay_complete(catalogue, site, name, params):
    columns, rows = full_answer(catalogue, name, {"doel": "", **params})
    for extra in ({}, {"_pagina": "2"}):
        query = urllib.parse.urlencode({**params, **extra})
        answer = json.loads(fetch(site, f"/kennisbank/{name}.json?{query}"))
        assert answer["columns"] == columns and not answer["truncated"]
        assert [tuple(r) for r in answer["rows"]] == rows, (name, extra)
        table = list(csv.reader(io.StringIO(fetch(site, f"/kennisbank/{name}.csv?{query}"))))
        assert table[0] == columns
        assert len(table) - 1 == len(rows), (name, extra)
        key = columns.index("actie_id") if "actie_id" in columns else 0
        assert [r[key] for r in table[1:]] == [str(r[key]) for r in rows]


def test_a_short_answer_has_no_page_links(catalogue, site):
    _, rows = full_answer(catalogue, "doelen_vergeleken", {})
    doc = html_page(site, "/kennisbank/doelen_vergeleken")
    assert len(rows) < PAGE_SIZE
    assert len(doc.xpath("//table[contains(@class, 'kb-vraag')]/tbody/tr")) == len(rows)
    assert text(doc, "//h2[@class='kb-aantal']") == [f"{len(rows)} rijen"]
    assert doc.xpath("//nav[@class='kb-paginas']") == []


def test_a_page_past_the_end_points_back(site):
    doc = html_page(site, "/kennisbank/kosten_per_deelnemer?doel=Leesbevordering&_pagina=9")
    assert doc.xpath("//table[contains(@class, 'kb-vraag')]") == []
    assert text(doc, "//p[@class='zero-results']") == [
        "Op deze pagina staan geen rijen meer. Naar de eerste pagina"]
    assert doc.xpath("//p[@class='zero-results']/a/@href") == [
        "/kennisbank/kosten_per_deelnemer?doel=Leesbevordering"]


@pytest.mark.parametrize("value", ["0", "-1", "twee", ""])
def test_a_page_number_that_is_not_one_means_the_first(catalogue, site, value):
    columns, rows = full_answer(catalogue, "kosten_per_deelnemer", {"doel": ""})
    doc = html_page(site, f"/kennisbank/kosten_per_deelnemer?_pagina={urllib.parse.quote(value)}")
    assert shown_ids(doc) == [r[columns.index("actie_id")] for r in rows[:PAGE_SIZE]]


def test_the_feed_keeps_its_own_limit(site):
    doc = html_page(site, "/kennisbank/nieuw")
    assert len(doc.xpath("//table[contains(@class, 'kb-vraag')]/tbody/tr")) == 20
    assert doc.xpath("//nav[@class='kb-paginas']") == []
    feed = fetch(site, "/kennisbank/nieuw.atom")
    assert feed.count("<entry>") == 20
