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


def test_the_catalogue_ships_the_facet_counts_of_the_whole_table(catalogue):
    import sqlite3

    with sqlite3.connect(catalogue) as conn:
        shipped = {(kind, column): json.loads(rows) for kind, column, rows in conn.execute(
            "select soort, kolom, tellingen from facet_tellingen order by soort, kolom")}
    assert sorted(shipped) == [
        ("array", "doelen"), ("array", "doelgroepen"), ("array", "kanaalgroepen"),
        ("array", "kanalen"), ("column", "bibliotheek"), ("column", "budget_klasse"),
        ("column", "doel_behaald"), ("column", "jaar"), ("column", "provincie"),
        ("date", "startdatum")]
    assert shipped[("column", "jaar")] == [[2024, 2]]
    assert shipped[("date", "startdatum")] == [["2024-02-01", 1], ["2024-10-02", 1]]
    assert shipped[("array", "kanalen")] == [["Facebook", 1], ["Instagram", 1],
                                             ["Lokale pers", 1], ["Poster en flyer", 1]]
    tables = get(catalogue, "/kennisbank.json").json()["tables"]
    assert next(t for t in tables if t["name"] == "facet_tellingen")["hidden"] is True
    assert next(t for t in tables if t["name"] == "catalogus")["hidden"] is True


def test_the_catalogue_ships_its_table_counts_and_fingerprint(catalogue, tmp_path):
    """Every table's rows counted at build time, and a fingerprint for Datasette's hash: a
    server serves them from the file (a copy with other stored numbers shows those)."""
    import re
    import shutil
    import sqlite3

    with sqlite3.connect(catalogue) as conn:
        stored = dict(conn.execute("select sleutel, waarde from catalogus"))
        names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        actual = {n: conn.execute(f"select count(*) from [{n}]").fetchone()[0] for n in names}
    assert sorted(stored) == ["kenmerk", "tabellen"]
    assert re.fullmatch(r"[0-9a-f]{64}", stored["kenmerk"])
    assert json.loads(stored["tabellen"]) == actual
    assert actual["acties"] == 2 and actual["catalogus"] == 2

    changed = tmp_path / "veranderd" / "kennisbank.db"
    changed.parent.mkdir()
    shutil.copyfile(catalogue, changed)
    with sqlite3.connect(changed) as conn:
        conn.execute("update catalogus set waarde = ? where sleutel = 'tabellen'",
                     [json.dumps({**actual, "bibliotheken": 41})])

    async def served(db):
        ds = make_datasette(db)
        await ds.invoke_startup()
        tables = (await ds.client.get("/kennisbank.json")).json()["tables"]
        databases = (await ds.client.get("/-/databases.json")).json()
        return {t["name"]: t["count"] for t in tables}, databases[0]["hash"]

    counts, fingerprint = asyncio.run(served(catalogue))
    assert counts["bibliotheken"] == actual["bibliotheken"] and fingerprint == stored["kenmerk"]
    counts, _ = asyncio.run(served(changed))
    assert counts["bibliotheken"] == 41 and counts["acties"] == 2


def test_the_server_answers_from_the_shipped_counts_and_counts_what_a_file_lacks(
        catalogue, tmp_path):
    """A copy whose shipped counts were changed is served with the changed numbers (they are
    read, not counted again); a copy without them is counted, with the same result."""
    import shutil
    import sqlite3

    changed, without = tmp_path / "veranderd" / "kennisbank.db", tmp_path / "zonder" / "kennisbank.db"
    changed.parent.mkdir()
    without.parent.mkdir()
    shutil.copyfile(catalogue, changed)
    shutil.copyfile(catalogue, without)
    with sqlite3.connect(changed) as conn:
        conn.execute("update facet_tellingen set tellingen = ? where kolom = 'provincie'",
                     [json.dumps([["Noord-Holland", 7], ["Zuid-Holland", 5]])])
    with sqlite3.connect(without) as conn:
        conn.execute("drop table facet_tellingen")

    async def facets_of(db):
        ds = make_datasette(db)
        await ds.invoke_startup()
        return (await ds.client.get("/kennisbank/acties.json")).json()["facet_results"]

    assert facet_counts({"facet_results": asyncio.run(facets_of(changed))}, "provincie") == {
        "Noord-Holland": 7, "Zuid-Holland": 5}
    counted = asyncio.run(facets_of(without))
    served = asyncio.run(facets_of(catalogue))
    assert counted == served
    assert facet_counts({"facet_results": served}, "provincie") == {
        "Noord-Holland": 1, "Zuid-Holland": 1}
