"""The cells of the catalogue's tables (pipeline/catalogue/site.py: cell_html), formatted only for
the columns a page shows.

Datasette renders every cell of every selected column (42 per row) before the template picks the
ones it shows; a cell of a column that the Dutch actions table does not show gets a placeholder
instead of its display value (the columns are noted per request by an ASGI wrapper). A reader's
own ?_col=/?_nocol= still gets every chosen column rendered."""

from __future__ import annotations

import contextvars
import types
import urllib.parse

from datasette import hookimpl
from datasette.plugins import pm
from markupsafe import Markup

from pipeline.catalogue import site

DB = site.DATABASE
SHOWN_COLUMNS: contextvars.ContextVar[frozenset | None] = contextvars.ContextVar(
    "kennisbank_shown_columns", default=None)
NOT_SHOWN = Markup("…")


@hookimpl
def startup(datasette):
    without_markdown_cells()


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != DB or table not in (None, "acties", "bibliotheken"):
        return None
    shown = SHOWN_COLUMNS.get()
    if shown is not None and table == "acties" and column not in shown:
        return NOT_SHOWN
    return site.cell_html(row, value, column, table)


@hookimpl
def asgi_wrapper(datasette):
    return shown_columns


def shown_columns(app):
    """ASGI middleware: note which columns the table page will show."""

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
