"""The catalogue in Datasette: in process with datasette.client, and served over HTTP."""

from __future__ import annotations

import asyncio
import json

import pytest

from helpers import KLEIN_DIR, TODAY, start_serve, stop
from helpers import get as http_get
from pipeline.app import build
from pipeline.catalogue.serve import make_datasette

READERS = 8


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    out = tmp_path_factory.mktemp("cat")
    build(str(KLEIN_DIR), out, TODAY)
    return out / "kennisbank.db"


def get(db, path):
    async def fetch():
        return await make_datasette(db).client.get(path)
    return asyncio.run(fetch())


def facet_counts(data, name):
    return {r["value"]: r["count"] for r in data["facet_results"][name]["results"]}


def test_default_facets_with_exact_counts(catalogue):
    response = get(catalogue, "/kennisbank/acties.json")
    assert response.status_code == 200
    data = response.json()
    assert list(data["facet_results"]) == ["bibliotheek", "provincie", "jaar", "doel_behaald",
                                           "budget_klasse", "startdatum", "doelen", "doelgroepen",
                                           "kanalen", "kanaalgroepen"]
    assert facet_counts(data, "provincie") == {"Noord-Holland": 1, "Zuid-Holland": 1}
    assert facet_counts(data, "jaar") == {2024: 2}
    assert facet_counts(data, "doel_behaald") == {"ja": 1, "nee": 1}
    assert facet_counts(data, "budget_klasse") == {"1.000 – 5.000": 1, "< 250": 1}
    assert facet_counts(data, "kanalen") == {"Facebook": 1, "Instagram": 1, "Poster en flyer": 1,
                                             "Lokale pers": 1}
    assert facet_counts(data, "doelen") == {"Leesbevordering": 1, "Ledenwerving": 1,
                                            "Deelname aan activiteiten": 1}


def test_newest_first_and_array_filter(catalogue):
    data = get(catalogue, "/kennisbank/acties.json?_shape=objects").json()
    assert [r["startdatum"] for r in data["rows"]] == ["2024-10-02", "2024-02-01"]
    data = get(catalogue, "/kennisbank/acties.json?_shape=objects&kanalen__arraycontains=Lokale+pers").json()
    assert [r["titel"] for r in data["rows"]] == ["Digitaal Café"]


def test_full_text_search(catalogue):
    data = get(catalogue, "/kennisbank/acties.json?_search=wethouder&_shape=objects").json()
    assert [r["titel"] for r in data["rows"]] == ["Kinderboekenweek 2024"]
    html = get(catalogue, "/kennisbank/acties").text
    assert 'name="_search"' in html


def test_dutch_metadata_and_descriptions(catalogue):
    html = get(catalogue, "/kennisbank/acties").text
    assert "Marketingacties" in html
    assert "Eén rij per marketingactie, met aanpak, kosten en resultaten." in html
    assert "CC BY 4.0" in html
    home = get(catalogue, "/").text
    assert "Kennisbank Marketing" in home


def test_kennisbank_serve_over_http(catalogue):
    proc, port = start_serve(catalogue)
    try:
        status, body = http_get(port, "/kennisbank/acties.json?_facet_array=kanalen")
        assert status == 200
        data = json.loads(body)
        assert facet_counts(data, "kanalen")["Lokale pers"] == 1
        assert data["filtered_table_rows_count"] == 2
    finally:
        assert stop(proc) == 0


def test_readers_asking_the_same_filtered_facets_at_once_share_one_count(catalogue, monkeypatch):
    from pipeline.catalogue import facets
    counted = []
    real = facets._Cached.count_filtered

    arrived: dict[str, int] = {}
    real_rows = facets._Cached.filtered_rows

    async def filtered_rows(self, column, counts):
        arrived[column] = arrived.get(column, 0) + 1
        return await real_rows(self, column, counts)

    async def count_filtered(self, column, counts):
        counted.append(column)
        deadline = asyncio.get_running_loop().time() + 30
        while arrived[column] < READERS and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.001)  # still counting when the other readers arrive
        return await real(self, column, counts)

    monkeypatch.setattr(facets._Cached, "filtered_rows", filtered_rows)
    monkeypatch.setattr(facets._Cached, "count_filtered", count_filtered)
    path = "/kennisbank/acties.json?provincie=Noord-Holland&_facet=doel_behaald"

    async def readers():
        ds = make_datasette(catalogue)
        await ds.invoke_startup()
        return await asyncio.gather(*[ds.client.get(path) for _ in range(READERS)])

    responses = asyncio.run(readers())
    assert {r.status_code for r in responses} == {200}
    assert sorted(counted) == sorted(set(counted))  # each facet counted once, not 8 times
    assert all(arrived[column] >= READERS for column in counted), (arrived, counted)
    assert "doel_behaald" in counted
    results = [r.json()["facet_results"] for r in responses]
    assert all(found == results[0] for found in results)
    assert facet_counts(responses[0].json(), "provincie") == {"Noord-Holland": 1}
