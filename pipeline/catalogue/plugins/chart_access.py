"""The charts page (datasette-dashboards) and its own fixed queries may run SQL; nothing else
may (schemas/metadata.yml allows SQL for CHART_ACTOR only)."""

from __future__ import annotations

from datasette import hookimpl

from pipeline.catalogue.site import DATABASE as DB

CHART_ACTOR = "kennisbank-grafieken"


@hookimpl
def actor_from_request(datasette, request):
    if request.path.startswith(datasette.urls.path("/-/dashboards")):
        return {"id": CHART_ACTOR}
    if request.path in (datasette.urls.path(f"/{DB}.json"), datasette.urls.path(f"/{DB}")):
        if request.args.getlist("sql") in [[q] for q in chart_queries(datasette)]:
            return {"id": CHART_ACTOR}
    return None


def chart_queries(datasette) -> list[str]:
    dashboards = datasette.plugin_config("datasette-dashboards") or {}
    return [chart["query"] for board in dashboards.values()
            for chart in (board.get("charts") or {}).values()
            if chart.get("db") == DB and chart.get("query")]
