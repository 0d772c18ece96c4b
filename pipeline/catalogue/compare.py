"""Fair comparisons on the readers' site: OR within a list facet, and how many actions a cost
ordering or ranking leaves out.

- OR within a facet: ``?kanalen__arrayany=Facebook&kanalen__arrayany=Instagram`` keeps the
  actions with either channel; different parameters (another facet, a search) still narrow
  the list, as Datasette's own ``?kanalen__arraycontains=`` filters do (those keep AND).
  Datasette's filters ignore the unknown lookup; plugins/comparisons.py adds the clause built
  here, and the list facet of the same column counts without it (pipeline/catalogue/facets.py),
  so its other values show what choosing them adds.
- Left out: an ascending cost ordering of the table (schemas/site.yml sorteringen) drops the
  actions without that figure (``__notblank``); the rankings of "Wat werkte?" hold only actions
  with a known cost. Both say how many actions are not in the list.
"""

from __future__ import annotations

import re
from typing import Any

from datasette.filters import Filters
from datasette.utils import escape_sqlite

from pipeline import nl

DATABASE, TABLE = "kennisbank", "acties"
ANY = "arrayany"  # the OR lookup
LIST_COLUMNS = ("doelen", "doelgroepen", "kanalen", "kanaalgroepen", "functies")
# The cost columns that orderings and rankings leave out when unknown, as readers name them.
COSTS = {"kosten_per_nieuw_lid": "kosten per nieuw lid",
         "kosten_per_deelnemer": "kosten per deelnemer"}
# The canned ranking queries (schemas/queries.yml) and the cost each ranks on.
RANKINGS = {"kosten_per_nieuw_lid": "kosten_per_nieuw_lid",
            "kosten_per_deelnemer": "kosten_per_deelnemer"}


def any_values(args, column: str) -> list[str]:
    """The values chosen with ?column__arrayany=, each once, in the order given."""
    return list(dict.fromkeys(v for v in args.getlist(f"{column}__{ANY}") if v))


def any_clause(column: str, count: int) -> str:
    """The SQL of one OR filter: the action's list holds at least one of the chosen values."""
    names = ", ".join(f":{param(column, i)}" for i in range(count))
    return (f"exists (select 1 from json_each({escape_sqlite(TABLE)}.{escape_sqlite(column)}) "
            f"where value in ({names}))")


def param(column: str, i: int) -> str:
    return f"kb_any_{column}_{i}"


def any_filters(args) -> tuple[list[str], dict[str, str], list[str]]:
    """Where clauses, parameters and Dutch descriptions of every OR filter of a request."""
    clauses, params, descriptions = [], {}, []
    for column in LIST_COLUMNS:
        values = any_values(args, column)
        if not values:
            continue
        clauses.append(any_clause(column, len(values)))
        params.update({param(column, i): v for i, v in enumerate(values)})
        descriptions.append(f"{column} bevat een van: {', '.join(values)}")
    return clauses, params, descriptions


def datasette_clauses(args) -> list[tuple[tuple[str, str], str]]:
    """((column, lookup), SQL) of each filter of a request, rebuilt the way Datasette's table
    view builds them: the same clauses with the same parameter names."""
    pairs = sorted((k, v) for k in args for v in args.getlist(k)
                   if not (k.startswith("_") and "__" not in k))
    filters = Filters(pairs)
    known = {key for key, _, _ in filters.lookups()}
    selections = [(c, lookup) for c, lookup, _ in filters.selections() if lookup in known]
    return list(zip(selections, filters.build_where_clauses(TABLE)[0]))


def without_own_filter(sql: str, args, column: str) -> str:
    """The filtered SQL of a list facet without the column's own filters (1 = 1 instead): its
    OR filter and Datasette's ?column__arraycontains=."""
    own = []
    values = any_values(args, column)
    if values:
        own.append(any_clause(column, len(values)))
    if f"{column}__arraycontains" in args:
        own += [bit for key, bit in datasette_clauses(args) if key == (column, "arraycontains")]
    for clause in own:
        sql = sql.replace(clause, "1 = 1")
    return sql


# ------------------------------------------------------------------------ left out

_LIMIT = re.compile(r"\s+limit\s+\d+\s*(?:offset\s+\d+\s*)?$", re.IGNORECASE)
_ORDER = re.compile(r"\s+order by\s+[^()]*$", re.IGNORECASE)
BUDGET = "budget_eur"
# What an ascending cost ordering of the table adds to the filters (pipeline/catalogue/site.py
# sort_links): only actions with that cost, and with a budget (a € 0 action is not the cheapest).
def ordering_filters(cost: str) -> dict[str, str]:
    return {f"{cost}__notblank": "1", f"{BUDGET}__gt": "0"}


def left_out_sql(sql: str, args, cost: str) -> dict[str, str]:
    """From the table page's SQL: per reason ("onbekend", "zonder_budget") the SQL counting the
    actions that the same filters keep but that the cost ordering leaves out."""
    bits = dict(datasette_clauses(args))
    known, budget = bits.get((cost, "notblank")), bits.get((BUDGET, "gt"))
    if not known or known not in sql:
        return {}
    body = _ORDER.sub("", _LIMIT.sub("", sql))
    unknown = body.replace(known, f"{escape_sqlite(cost)} is null")
    counts = {}
    if budget and budget in body:
        unknown = unknown.replace(budget, "1 = 1")
        counts["zonder_budget"] = body.replace(budget, f"{escape_sqlite(BUDGET)} = 0")
    counts["onbekend"] = unknown
    return {reason: f"select count(*) from ({found})" for reason, found in counts.items()}


def left_out_text(count: int, cost: str, reason: str = "onbekend") -> str:
    """"N acties zonder ... staan niet in deze lijst", or nothing when none is left out."""
    if not count:
        return ""
    noun = "actie" if count == 1 else "acties"
    verb = "staat" if count == 1 else "staan"
    if reason == "zonder_budget":
        return f"{nl.number(count)} {noun} zonder budget (€ 0) {verb} niet in deze lijst."
    return (f"{nl.number(count)} {noun} zonder bekende {COSTS[cost]} {verb} niet in deze "
            f"lijst ({KNOWN[cost]} ontbreekt).")


KNOWN = {"kosten_per_nieuw_lid": "budget, inzet in uren of aantal nieuwe leden",
         "kosten_per_deelnemer": "budget, inzet in uren of aantal deelnemers"}


def sorted_cost(args: Any) -> str | None:
    """The cost column the table is sorted on, ascending, with its __notblank filter."""
    cost = args.get("_sort")
    if cost in COSTS and args.get(f"{cost}__notblank"):
        return cost
    return None
