"""Summaries: what the canned queries of "Wat werkte?" (schemas/queries.yml) would otherwise
compute on every request, computed once by SQLite while the immutable catalogue is built.

Unpacking the JSON lists of every action (json_each), ranking and taking medians over the whole
`acties` table takes seconds at 100,000 actions, longer than Datasette's SQL time limit. The
catalogue never changes after it is built, so the answers are stored as tables:

- overzicht_doelen, overzicht_kanalen, overzicht_jaar_provincie: the complete answers of
  "Doelen vergeleken", "Kanalen vergeleken" and "Acties per jaar en provincie"; the canned
  query reads the table.
- rangorde_kosten_per_nieuw_lid, rangorde_kosten_per_deelnemer: per goal, the actions with a
  known cost in the order of the ranking, with their place; the actions without budget (€ 0)
  come after them, without a place (they are not the cheapest, only their staff hours count);
  the canned query picks a goal (or all) and joins the action's columns from `acties`.
- weggelaten: per cost and goal ('' for all goals), how many actions the ranking leaves out
  because that cost is unknown (pipeline/catalogue/compare.py says so above the ranking).

The SQL is here, and only here; tests/test_summaries.py checks that the canned queries give
exactly the rows of the original queries over `acties`.
"""

from __future__ import annotations

import sqlite_utils

# "Met resultaat": it is known whether the target was reached.
KNOWN = "('ja', 'deels', 'nee')"


def compared(list_column: str, value: str) -> str:
    """Per value of a list column (doelen, kanalen): the number of actions, with a known
    result, that reached the target, and the medians of the costs (the mean of the two middle
    values for an even count). Each action counts once for every value in its list."""
    return f"""
    with per_waarde as materialized (
      select w.value as {value}, a.doel_behaald, a.kosten_per_nieuw_lid, a.kosten_per_deelnemer
      from acties a, json_each(a.{list_column}) w
    ),
    totalen as (
      select {value},
        count(*) as acties,
        sum(doel_behaald in {KNOWN}) as met_resultaat,
        sum(doel_behaald = 'ja') as doel_gehaald,
        round(100.0 * sum(doel_behaald = 'ja')
              / nullif(sum(doel_behaald in {KNOWN}), 0)) as pct_gehaald
      from per_waarde
      group by {value}
    ),
    {_median(value, "kosten_per_nieuw_lid")},
    {_median(value, "kosten_per_deelnemer")}
    select t.*,
      m1.mediaan as mediaan_kosten_per_nieuw_lid,
      m2.mediaan as mediaan_kosten_per_deelnemer
    from totalen t
      left join mediaan_kosten_per_nieuw_lid m1 on m1.{value} = t.{value}
      left join mediaan_kosten_per_deelnemer m2 on m2.{value} = t.{value}
    order by t.acties desc, t.{value}
    """


def _median(value: str, cost: str) -> str:
    return f"""mediaan_{cost} as (
      select {value}, round(avg({cost}), 2) as mediaan
      from (select {value}, {cost},
              row_number() over (partition by {value} order by {cost}) as nr,
              count(*) over (partition by {value}) as n
            from per_waarde where {cost} is not null)
      where nr in ((n + 1) / 2, (n + 2) / 2)
      group by {value}
    )"""


PER_YEAR_AND_PROVINCE = f"""
    select jaar, provincie, count(*) as acties, count(distinct bibliotheek) as bibliotheken,
      sum(doel_behaald in {KNOWN}) as met_resultaat,
      sum(doel_behaald = 'ja') as doel_gehaald,
      round(sum(budget_eur), 2) as budget_totaal
    from acties
    group by jaar, provincie
    order by jaar desc, provincie
    """

# Tables holding a canned query's complete answer, in the order readers see it.
ANSWERS = {
    "overzicht_doelen": compared("doelen", "doel"),
    "overzicht_kanalen": compared("kanalen", "kanaal"),
    "overzicht_jaar_provincie": PER_YEAR_AND_PROVINCE,
}

# Per goal, the actions with a known cost, ranked from the lowest cost: plaats is the rank
# within the goal (equal costs share a place), volgorde the order of the whole list (goal, the
# ranked actions before those without budget, cost, title, then id, so that it is complete and
# stable). An action without budget (€ 0) has no place: "zonder budget".
RANKED_COSTS = ["kosten_per_nieuw_lid", "kosten_per_deelnemer"]


def ranking(cost: str) -> str:
    return f"""
    select row_number() over (order by d.value, a.budget_eur = 0, a.{cost}, a.titel, a.actie_id)
        as volgorde,
      d.value as doel,
      case when a.budget_eur > 0 then
        rank() over (partition by d.value, a.budget_eur > 0 order by a.{cost}) end as plaats,
      a.actie_id
    from acties a, json_each(a.doelen) d
    where a.{cost} is not null
    """


def left_out(cost: str) -> str:
    """Per goal ('' for all goals): the actions without this cost, which the ranking leaves out."""
    return f"""
    select '{cost}' as kosten, d.value as doel, count(*) as aantal
    from acties a, json_each(a.doelen) d where a.{cost} is null group by d.value
    union all
    select '{cost}', '', count(*) from acties where {cost} is null
    """


def save_summaries(db: sqlite_utils.Database) -> None:
    """The summary tables, from the `acties` table just loaded (in the same transaction). The
    answers are stored with `create table ... as`: columns without a declared type keep every
    value exactly as the query computed it (no conversion between integer and real)."""
    for table, sql in ANSWERS.items():
        db.execute(f"create table {table} as {sql}")
    for cost in RANKED_COSTS:
        table = f"rangorde_{cost}"
        db[table].create({"volgorde": int, "doel": str, "plaats": int, "actie_id": str},
                         pk="volgorde", not_null={"doel", "actie_id"},
                         foreign_keys=[("actie_id", "acties", "actie_id")])
        db.execute(f"insert into {table} (volgorde, doel, plaats, actie_id) {ranking(cost)}")
        # an action card counts the rows that refer to it (Datasette's links from other tables)
        db[table].create_index(["actie_id"])
    db["weggelaten"].create({"kosten": str, "doel": str, "aantal": int}, pk=("kosten", "doel"))
    for cost in RANKED_COSTS:
        db.execute(f"insert into weggelaten (kosten, doel, aantal) {left_out(cost)}")
