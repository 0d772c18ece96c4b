"""The summaries computed at build time (pipeline/store/summaries.py): the canned queries that read them
give exactly the rows and columns of the original queries over `acties` (kept here as the
reference), on a synthetic catalogue of 2,000 actions (tools/sample/synthetic.py) and on an
empty one, served by the site's own Datasette; the summary tables are hidden and described in
Dutch."""

from __future__ import annotations

import asyncio
import sqlite3
import urllib.parse

import pytest

from helpers import LIBRARIES, TODAY, snapshot_of
from pipeline.catalogue.paging import unpaged
from pipeline.catalogue.serve import SETTINGS, build_metadata, make_datasette
from pipeline.contract.process import process
from pipeline.store import summaries
from pipeline.store.load import write_catalogue
from tools.sample.synthetic import make_snapshot

# The canned queries as they were before the summaries, computed over `acties` on every request
# (the rankings with the actions without budget apart, after the ranked ones, without a place).
REFERENCE = {
    "kosten_per_nieuw_lid": """
    select d.value as doel,
      case when a.budget_eur = 0 then 'zonder budget' else
        rank() over (partition by d.value, a.budget_eur = 0 order by a.kosten_per_nieuw_lid) end as plaats,
      a.titel, a.actie_id, a.bibliotheek, a.jaar, a.budget_eur, a.uren, a.totale_kosten,
      a.nieuwe_leden, a.kosten_per_nieuw_lid, a.realisatie_pct, a.doel_behaald
    from acties a, json_each(a.doelen) d
    where a.kosten_per_nieuw_lid is not null
      and (coalesce(:doel, '') = '' or d.value = :doel)
    order by d.value, a.budget_eur = 0, a.kosten_per_nieuw_lid, a.titel""",
    "kosten_per_deelnemer": """
    select d.value as doel,
      case when a.budget_eur = 0 then 'zonder budget' else
        rank() over (partition by d.value, a.budget_eur = 0 order by a.kosten_per_deelnemer) end as plaats,
      a.titel, a.actie_id, a.bibliotheek, a.jaar, a.budget_eur, a.uren, a.totale_kosten,
      a.deelnemers, a.kosten_per_deelnemer, a.realisatie_pct, a.doel_behaald
    from acties a, json_each(a.doelen) d
    where a.kosten_per_deelnemer is not null
      and (coalesce(:doel, '') = '' or d.value = :doel)
    order by d.value, a.budget_eur = 0, a.kosten_per_deelnemer, a.titel""",
    "doelen_vergeleken": """
    with per_doel as (
      select d.value as doel, a.doel_behaald, a.kosten_per_nieuw_lid, a.kosten_per_deelnemer
      from acties a, json_each(a.doelen) d
    ),
    lid as (
      select doel, kosten_per_nieuw_lid as kosten,
        row_number() over (partition by doel order by kosten_per_nieuw_lid) as nr,
        count(*) over (partition by doel) as n
      from per_doel where kosten_per_nieuw_lid is not null
    ),
    deelnemer as (
      select doel, kosten_per_deelnemer as kosten,
        row_number() over (partition by doel order by kosten_per_deelnemer) as nr,
        count(*) over (partition by doel) as n
      from per_doel where kosten_per_deelnemer is not null
    )
    select p.doel,
      count(*) as acties,
      sum(p.doel_behaald in ('ja', 'deels', 'nee')) as met_resultaat,
      sum(p.doel_behaald = 'ja') as doel_gehaald,
      round(100.0 * sum(p.doel_behaald = 'ja')
            / nullif(sum(p.doel_behaald in ('ja', 'deels', 'nee')), 0)) as pct_gehaald,
      (select round(avg(kosten), 2) from lid
        where lid.doel = p.doel and nr in ((n + 1) / 2, (n + 2) / 2)) as mediaan_kosten_per_nieuw_lid,
      (select round(avg(kosten), 2) from deelnemer
        where deelnemer.doel = p.doel and nr in ((n + 1) / 2, (n + 2) / 2)) as mediaan_kosten_per_deelnemer
    from per_doel p
    group by p.doel
    order by acties desc, p.doel""",
    "kanalen_vergeleken": """
    with per_kanaal as (
      select k.value as kanaal, a.doel_behaald, a.kosten_per_nieuw_lid, a.kosten_per_deelnemer
      from acties a, json_each(a.kanalen) k
    ),
    lid as (
      select kanaal, kosten_per_nieuw_lid as kosten,
        row_number() over (partition by kanaal order by kosten_per_nieuw_lid) as nr,
        count(*) over (partition by kanaal) as n
      from per_kanaal where kosten_per_nieuw_lid is not null
    ),
    deelnemer as (
      select kanaal, kosten_per_deelnemer as kosten,
        row_number() over (partition by kanaal order by kosten_per_deelnemer) as nr,
        count(*) over (partition by kanaal) as n
      from per_kanaal where kosten_per_deelnemer is not null
    )
    select p.kanaal,
      count(*) as acties,
      sum(p.doel_behaald in ('ja', 'deels', 'nee')) as met_resultaat,
      sum(p.doel_behaald = 'ja') as doel_gehaald,
      round(100.0 * sum(p.doel_behaald = 'ja')
            / nullif(sum(p.doel_behaald in ('ja', 'deels', 'nee')), 0)) as pct_gehaald,
      (select round(avg(kosten), 2) from lid
        where lid.kanaal = p.kanaal and nr in ((n + 1) / 2, (n + 2) / 2)) as mediaan_kosten_per_nieuw_lid,
      (select round(avg(kosten), 2) from deelnemer
        where deelnemer.kanaal = p.kanaal and nr in ((n + 1) / 2, (n + 2) / 2)) as mediaan_kosten_per_deelnemer
    from per_kanaal p
    group by p.kanaal
    order by acties desc, p.kanaal""",
    "acties_per_jaar_en_provincie": """
    select jaar, provincie, count(*) as acties, count(distinct bibliotheek) as bibliotheken,
      sum(doel_behaald in ('ja', 'deels', 'nee')) as met_resultaat,
      sum(doel_behaald = 'ja') as doel_gehaald,
      round(sum(budget_eur), 2) as budget_totaal
    from acties
    group by jaar, provincie
    order by jaar desc, provincie""",
}
RANKINGS = {"kosten_per_nieuw_lid", "kosten_per_deelnemer"}
SUMMARY_TABLES = [*summaries.ANSWERS, *(f"rangorde_{c}" for c in summaries.RANKED_COSTS),
                  "weggelaten"]
MAX_ROWS = SETTINGS["max_returned_rows"]


def build(snapshot, out_dir):
    return write_catalogue(process(snapshot, TODAY), out_dir)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return build(make_snapshot(2000, seed=5), tmp_path_factory.mktemp("synthetisch"))


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    return build(snapshot_of([], LIBRARIES), tmp_path_factory.mktemp("leeg"))


def reference(db, name: str, params: dict) -> tuple[list[str], list[tuple]]:
    """The original query's columns and rows. The rankings were ordered by goal, cost and title
    only; equal (goal, cost, title) rows now come in actie_id order, so the reference is put in
    that order too (a stable sort that keeps every order the original query defined)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cursor = conn.execute(REFERENCE[name], params)
        columns = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    finally:
        conn.close()
    if name in RANKINGS:
        cost, budget = columns.index(name), columns.index("budget_eur")
        # doel, without budget last, cost, titel, actie_id
        rows.sort(key=lambda r: (r[0], r[budget] == 0, r[cost], r[2], r[3]))
    return columns, rows


def variants(db, name: str) -> list[dict]:
    """Every goal of the catalogue, all goals (empty field) and a goal nobody has."""
    if name not in RANKINGS:
        return [{}]
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        goals = [r[0] for r in conn.execute(
            "select distinct d.value from acties, json_each(acties.doelen) d order by 1")]
    finally:
        conn.close()
    return [{"doel": g} for g in ["", *goals, "Geen bestaand doel"]]


def served(datasette, name: str, params: dict) -> dict:
    path = f"/kennisbank/{name}.json" + (f"?{urllib.parse.urlencode(params)}" if params else "")
    response = asyncio.run(datasette.client.get(path))
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


@pytest.mark.parametrize("name", list(REFERENCE))
def test_canned_queries_answer_exactly_as_the_original_queries(synthetic, name):
    datasette = make_datasette(synthetic)
    for params in variants(synthetic, name):
        columns, rows = reference(synthetic, name, params)
        answer = served(datasette, name, params)
        assert answer["columns"] == columns, (name, params)
        assert [tuple(r) for r in answer["rows"]] == rows[:MAX_ROWS], (name, params)
        assert answer["truncated"] == (len(rows) > MAX_ROWS), (name, params)


def test_the_complete_rankings_in_sqlite(synthetic):
    """The full lists (Datasette shows at most max_returned_rows), through the canned SQL
    (without the page's limit, pipeline/catalogue/paging.py)."""
    queries = build_metadata()["databases"]["kennisbank"]["queries"]
    conn = sqlite3.connect(f"file:{synthetic}?mode=ro", uri=True)
    try:
        for name in sorted(RANKINGS):
            for params in variants(synthetic, name):
                cursor = conn.execute(unpaged(queries[name]["sql"]), params)
                assert ([c[0] for c in cursor.description], cursor.fetchall()) == reference(
                    synthetic, name, params), (name, params)
    finally:
        conn.close()


def test_the_synthetic_catalogue_has_ties_and_gaps(synthetic):
    """The comparison above means something: shared places, equal costs under one title,
    goals and channels without a median, and goals with an even number of costs."""
    _, ranked = reference(synthetic, "kosten_per_deelnemer", {"doel": ""})
    # network-only actions are not in the public catalogue, nor actions without hours (their
    # total cost is unknown)
    assert len(ranked) == 831
    assert len({(r[0], r[1]) for r in ranked}) < len(ranked)  # shared places
    # equal goal and title (with the staff hours in the cost, no two of them cost the same)
    assert len({(r[0], r[2]) for r in ranked}) < len(ranked)
    assert {r[1] for r in ranked if r[6] == 0} == {"zonder budget"}  # apart, without a place
    _, goals = reference(synthetic, "doelen_vergeleken", {})
    _, channels = reference(synthetic, "kanalen_vergeleken", {})
    assert [r[0] for r in goals if r[5] is None] == [
        "Positionering bij partners en onderwijs", "Promotie van een dienst of product",
        "Belangenbehartiging", "Fondsenwerving en vrienden"]
    assert [r[0] for r in channels if r[6] is None] == ["Zoekadvertenties"]
    _, per_year = reference(synthetic, "acties_per_jaar_en_provincie", {})
    assert per_year[0] == (2026, "Noord-Holland", 124, 13, 57, 35, 155081.5)


@pytest.mark.parametrize("name", list(REFERENCE))
def test_an_empty_catalogue_answers_with_no_rows(empty, name):
    datasette = make_datasette(empty)
    for params in variants(empty, name):
        columns, rows = reference(empty, name, params)
        answer = served(datasette, name, params)
        assert rows == [] and answer["rows"] == [] and answer["columns"] == columns


def test_summary_tables_are_hidden_and_described(synthetic):
    tables = build_metadata()["databases"]["kennisbank"]["tables"]
    conn = sqlite3.connect(f"file:{synthetic}?mode=ro", uri=True)
    try:
        for table in SUMMARY_TABLES:
            columns = [r[1] for r in conn.execute(f"pragma table_info({table})")]
            assert tables[table]["hidden"] is True, table
            assert tables[table]["title"] and tables[table]["description"], table
            assert list(tables[table]["columns"]) == columns, table
            assert all(len(d) > 15 for d in tables[table]["columns"].values()), table
        assert conn.execute("pragma foreign_key_check").fetchall() == []
    finally:
        conn.close()
    datasette = make_datasette(synthetic)
    listed = asyncio.run(datasette.client.get("/kennisbank.json")).json()
    shown = {t["name"] for t in listed["tables"] if not t["hidden"]}
    assert shown.isdisjoint(SUMMARY_TABLES)


def test_the_rankings_are_indexed_by_action(synthetic):
    """An action card counts the ranking rows that refer to it (Datasette's links from other
    tables): by index, not by reading the whole ranking."""
    with sqlite3.connect(synthetic) as conn:
        for table in ("rangorde_kosten_per_nieuw_lid", "rangorde_kosten_per_deelnemer"):
            plan = " ".join(r[3] for r in conn.execute(
                f"explain query plan select count(*) from {table} where actie_id = 'x'"))
            assert f"USING COVERING INDEX idx_{table}_actie_id" in plan, plan
