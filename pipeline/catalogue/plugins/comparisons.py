"""Fair comparisons (pipeline/catalogue/compare.py): several values chosen in one list facet
widen the list of actions (?kanalen__arrayany=, OR), and a cost ordering or ranking says how
many actions it leaves out (``kb_weggelaten`` in the table and query templates)."""

from __future__ import annotations

from datasette import hookimpl
from datasette.filters import FilterArguments

from pipeline.catalogue import compare


@hookimpl
def filters_from_request(request, database, table, datasette):
    if database != compare.DATABASE or table != compare.TABLE:
        return None
    clauses, params, descriptions = compare.any_filters(request.args)
    if not clauses:
        return None
    return FilterArguments(clauses, params, descriptions)


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if database != compare.DATABASE:
        return {}

    async def table_left_out(sql: str, params: dict) -> list[str]:
        """Called by the table template with its SQL: the actions the cost ordering drops."""
        cost = compare.sorted_cost(request.args)
        if not cost or "_next" in request.args:
            return []
        texts = []
        for reason, count_sql in compare.left_out_sql(sql, request.args, cost).items():
            found = await datasette.get_database(database).execute(count_sql, params)
            texts.append(compare.left_out_text(found.first()[0], cost, reason))
        return [t for t in texts if t]

    async def ranking_left_out() -> list[str]:
        cost = compare.RANKINGS[request.url_vars["table"]]
        db = datasette.get_database(database)
        if "weggelaten" not in await db.table_names():
            return []
        found = await db.execute("select aantal from weggelaten where kosten = ? and doel = ?",
                                 [cost, request.args.get("doel") or ""])
        row = found.first()
        text = compare.left_out_text(row[0] if row else 0, cost)
        return [text] if text else []

    if view_name == "table" and table == compare.TABLE:
        return {"kb_weggelaten": table_left_out}
    if (request and request.url_vars.get("table")) in compare.RANKINGS:  # a canned ranking
        return {"kb_weggelaten": ranking_left_out}
    return {}
