"""Datasette hooks of the readers' site. Kept tiny: the data and formats are in pipeline/catalogue/site.py,
the CSV guard in pipeline/csv_guard.py, the pages in templates/datasette/. Registered through the
`datasette` entry point in pyproject.toml; every hook acts on the `kennisbank` database only."""

from __future__ import annotations

import contextvars
import types
import urllib.parse
from pathlib import Path

import datasette as datasette_package
from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import tilde_encode, urlsafe_components
from jinja2 import ChoiceLoader, DictLoader
from markupsafe import Markup

from pipeline.catalogue import facets
from pipeline.catalogue import site
from pipeline.catalogue import swap
from pipeline.csv_guard import csv_guard

MINIMUM_DATASETTE = (0, 65, 5)
CHART_ACTOR = "kennisbank-grafieken"  # metadata.yml allows SQL for this actor only
DB = site.DATABASE


@hookimpl
def startup(datasette):
    version = tuple(int(p) for p in datasette_package.__version__.split(".")[:3] if p.isdigit())
    if version < MINIMUM_DATASETTE:
        raise RuntimeError(f"Kennisbank Marketing heeft Datasette 0.65.5 of nieuwer nodig, "
                           f"niet {datasette_package.__version__}")
    without_markdown_cells()

    async def warm_facets():  # the unfiltered facet counts, before the first reader asks
        await swap.pin(datasette)  # a rebuilt catalogue is swapped in safely (pipeline/catalogue/swap.py)
        await facets.warm(datasette)

    return warm_facets


@hookimpl(hookwrapper=True)
def register_facet_classes():
    """Datasette's column, date and array facets, with the counts of the whole (immutable)
    catalogue computed once and list facets counted without repeats (pipeline/catalogue/facets.py)."""
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


# The columns the Dutch actions table shows for the request being answered (None: all). Datasette
# renders every cell of every selected column (42 per row) before the template picks the ones it
# shows; a cell of a column that is not shown gets this placeholder instead of its display value.
SHOWN_COLUMNS: contextvars.ContextVar[frozenset | None] = contextvars.ContextVar(
    "kennisbank_shown_columns", default=None)
NOT_SHOWN = Markup("…")


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != DB or table not in (None, "acties", "bibliotheken"):
        return None
    shown = SHOWN_COLUMNS.get()
    if shown is not None and table == "acties" and column not in shown:
        return NOT_SHOWN
    return site.cell_html(row, value, column, table)


def shown_columns(app):
    """ASGI middleware: note which columns the table page will show (pipeline/catalogue/site.py)."""

    async def noted(scope, receive, send):
        if scope.get("type") != "http" or scope.get("path") != f"/{DB}/{site.TABLE}":
            return await app(scope, receive, send)
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
        token = SHOWN_COLUMNS.set(site.shown_columns(query))
        try:
            return await app(scope, receive, send)
        finally:
            SHOWN_COLUMNS.reset(token)

    return noted


def without_markdown_cells() -> None:
    """datasette-render-markdown comes with datasette-dashboards (for Markdown charts). Its
    render_cell looks up its configuration for every cell of every page, which cost about a
    third of a table page; the catalogue has no Markdown columns. Keep its template function and
    tag, drop its render_cell (pluggy's own register/unregister)."""
    plugin = pm.get_plugin("render_markdown")
    if plugin is None or getattr(plugin, "kennisbank_without_cells", False):
        return
    pm.unregister(name="render_markdown")
    kept = types.ModuleType(plugin.__name__)
    kept.__file__ = plugin.__file__
    kept.kennisbank_without_cells = True
    kept.extra_template_vars = plugin.extra_template_vars
    kept.prepare_jinja2_environment = plugin.prepare_jinja2_environment
    pm.register(kept, name="render_markdown")


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
    return lambda app: swap.guard(datasette, csv_guard(shown_columns(app)))

