"""Datasette hooks of the readers' site. Kept tiny: the data and formats are in pipeline/site.py,
the CSV guard in pipeline/csvsafe.py, the pages in templates/datasette/. Registered through the
`datasette` entry point in pyproject.toml; every hook acts on the `kennisbank` database only."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import datasette as datasette_package
from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from jinja2 import ChoiceLoader, DictLoader

from . import facets, site
from .csvsafe import csv_guard

MINIMUM_DATASETTE = (0, 65, 5)
CHART_ACTOR = "kennisbank-grafieken"  # metadata.yml allows SQL for this actor only
DB = site.DATABASE


@hookimpl
def startup(datasette):
    version = tuple(int(p) for p in datasette_package.__version__.split(".")[:3] if p.isdigit())
    if version < MINIMUM_DATASETTE:
        raise RuntimeError(f"Kennisbank Marketing heeft Datasette 0.65.5 of nieuwer nodig, "
                           f"niet {datasette_package.__version__}")

    async def warm_facets():  # the unfiltered facet counts, before the first reader asks
        await facets.warm(datasette)

    return warm_facets


@hookimpl(hookwrapper=True)
def register_facet_classes():
    """Datasette's column, date and array facets, with the counts of the whole (immutable)
    catalogue computed once and list facets counted without repeats (pipeline/facets.py)."""
    outcome = yield
    outcome.force_result([[facets.FAST.get(cls, cls) for cls in classes]
                          for classes in outcome.get_result()])


MMAP_BYTES = 1 << 30  # read the immutable catalogue through the page cache, not page by page


@hookimpl
def prepare_connection(conn, database):
    if database == DB:
        conn.execute(f"pragma mmap_size = {MMAP_BYTES}")
    conn.create_function("kb_urlencode", 1, lambda v: None if v is None else
                         urllib.parse.quote_plus(str(v)), deterministic=True)
    conn.create_function("kb_tilde", 1, lambda v: None if v is None else tilde_encode(str(v)),
                         deterministic=True)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters.update(euro=site.euro, getal=site.getal, procent=site.procent, datum=site.datum,
                       lijst=site.as_list, label=lambda c: site.labels().get(c, c),
                       opmaak=lambda v, c: site.formatted(c, v), filter_url=site.filter_url,
                       kaart_url=site.card_url)
    # templates/datasette/base.html extends this copy of Datasette's base.html: the same page,
    # declared Dutch (<html lang="nl">).
    default_base = Path(datasette_package.__file__).parent / "templates" / "base.html"
    source = default_base.read_text(encoding="utf-8").replace("<html>", '<html lang="nl">', 1)
    env.loader = ChoiceLoader([DictLoader({"default:base.html": source}), env.loader])


@hookimpl
def extra_css_urls(datasette):
    if any(mount == "assets" for mount, _ in datasette.static_mounts):
        return [datasette.urls.path("/assets/kennisbank.css")]
    return []


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    async def kb():
        if DB not in datasette.databases:
            return {}
        db = datasette.get_database(DB)
        found = {"config": site.site_config(), "labels": site.labels()}
        if view_name == "index":
            found["home"] = await site.home(db)
            found["queries"] = await reader_queries(datasette)
        elif view_name == "row" and database == DB and table == "acties":
            pks = urlsafe_components(request.url_vars["pks"])
            found["card"] = await site.card(db, pks[0])
        elif view_name == "table" and database == DB and table == "acties":
            found["tabel"] = site.table_view(request)
        elif view_name == "page" or (database == DB and table is None):
            found["queries"] = await reader_queries(datasette)
            found["choices"] = await site.choices(db)
        return found

    async def extra():
        return {"kb": await kb()}

    return extra


async def reader_queries(datasette) -> list[dict]:
    queries = await datasette.get_canned_queries(DB, None)
    return [queries[name] for name in site.site_config()["wat_werkte"] if name in queries]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != DB or table not in (None, "acties", "bibliotheken"):
        return None
    return site.cell_html(row, value, column, table)


@hookimpl
def actor_from_request(datasette, request):
    """The charts page and its own fixed queries may run SQL; nothing else may."""
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


@hookimpl
def asgi_wrapper(datasette):
    return csv_guard

