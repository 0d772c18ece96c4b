"""Dutch search on the actions table: ``?_search=`` as Datasette has it, the reader's words
normalised like the search index (pipeline/contract/search_text.py), best match first.

- Datasette's own search filter matches ``escape_fts(:search)`` against the table's fts_table
  (schemas/metadata.yml: acties_zoeken). On the catalogue's connections escape_fts is
  search_text.query, so the URL, the search box and the usage log keep the typed words.
- Datasette 0.65 orders a table page by a column only. A search without a chosen order
  (no ``_sort``/``_sort_desc``) is ordered by relevance (an action whose title is the search
  first, then FTS5 bm25: a word in the title weighs most, then the tags, then the text), then by
  ID: the table page's query is given that ORDER BY.
  Its links carry ``_volgorde=relevantie``; its "next page" link, which Datasette keys on the
  date, is read back as "after this action" in the same order.
"""

from __future__ import annotations

import contextvars
import re
import sqlite3
import urllib.parse

from datasette import hookimpl
from datasette.database import Database
from datasette.utils import path_with_replaced_args, urlsafe_components

from pipeline.catalogue.site import site_config
from pipeline.contract import search_text
from pipeline.store import precomputed

DATABASES = ("kennisbank", "netwerk")
TABLE = "acties"
INDEX = "acties_zoeken"
WEIGHTS = "10.0, 4.0, 1.0"  # bm25 weights of the index's columns: titel, labels, tekst
AFTER = "kb_na"  # the parameter: the last action of the previous page
EXACT_TITLE = 1_000_000  # subtracted from the bm25 rank (a few tens at most) of an exact title
MARKER = ("_volgorde", "relevantie")  # in the links of a ranked page (its next page stays ranked)

# Set by the ASGI wrapper for a search of the actions table without a chosen order:
# {"after": actie_id or None}.
RANKED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kennisbank_ranked",
                                                                     default=None)
_PAGE_QUERY = re.compile(r"^(?P<where>.*) order by [^()]+ limit (?P<limit>\d+)$", re.S)


@hookimpl(trylast=True)  # after Datasette's own escape_fts (datasette/sql_functions.py)
def prepare_connection(conn, database):
    if database in DATABASES:
        lexicon = index_stems(conn)
        conn.create_function("escape_fts", 1,
                             lambda text: search_text.query(text or "", lexicon),
                             deterministic=True)
        conn.create_function("kb_zoektitel", 1,
                             lambda text: search_text.index_tokens(text or ""),
                             deterministic=True)


def index_stems(conn) -> frozenset[str]:
    """Every token of the search index (for compounds that are not in it), read once: as the
    build stored them (pipeline/store/precomputed.py), else from the index itself."""
    try:
        stored = precomputed.words(conn)
        if stored is not None:
            return stored
        conn.execute(f"create virtual table if not exists temp.{INDEX}_woorden "
                     f"using fts5vocab(main, {INDEX}, row)")
        return frozenset(r[0] for r in conn.execute(f"select term from temp.{INDEX}_woorden"))
    except sqlite3.Error:  # a catalogue without the index: no compounds
        return frozenset()


@hookimpl
def extra_template_vars(request, view_name):
    """kb_op_relevantie: this page is ranked; kb_best_passend: the link to rank it (a search
    in a chosen order), without that order and the filter an ascending order adds."""
    if view_name != "table" or request is None:
        return {}
    reset: dict = {"_sort": None, "_sort_desc": None, "_next": None}
    reset.update({f"{s['kolom']}__notblank": None
                  for s in site_config()["sorteringen"] if not s.get("aflopend")})
    return {"kb_op_relevantie": RANKED.get() is not None,
            "kb_best_passend": path_with_replaced_args(request, reset)}


@hookimpl
def startup(datasette):
    rank_page_queries()


@hookimpl
def asgi_wrapper(datasette):
    return ranked_search


def ranked_search(app):
    """ASGI middleware: a search of the actions table without a chosen order is ranked."""
    paths = {f"/{db}/{TABLE}" for db in DATABASES}

    async def ranked(scope, receive, send):
        if scope.get("type") != "http" or scope.get("path", "").split(".")[0] not in paths:
            return await app(scope, receive, send)
        params = urllib.parse.parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                        keep_blank_values=True)
        names = {k for k, _ in params}
        marked = MARKER in params
        if not is_ranked(params):
            if marked:  # a chosen order: links of the page leave the marker out
                scope = with_params(scope, [p for p in params if p != MARKER])
            return await app(scope, receive, send)
        after = urlsafe_components(dict(params)["_next"])[-1] if "_next" in names else None
        kept = [p for p in params if p[0] not in ("_next", "_sort", "_sort_desc") and p != MARKER]
        token = RANKED.set({"after": after})
        try:
            return await app(with_params(scope, [*kept, MARKER]), receive, send)
        finally:
            RANKED.reset(token)

    return ranked


def is_ranked(params: list[tuple[str, str]]) -> bool:
    """A search without a chosen order, or a next page of one (Datasette's next link names
    the date order it keys on; the marker says the order was relevance)."""
    names = {k for k, _ in params}
    searching = any(k == "_search" and v.strip() for k, v in params)
    chosen = bool(names & {"_sort", "_sort_desc"})
    return searching and "_stream" not in names and (
        not chosen or (MARKER in params and "_next" in names))


def with_params(scope: dict, params: list[tuple[str, str]]) -> dict:
    return {**scope, "query_string": urllib.parse.urlencode(params).encode("latin-1")}


RANKS = "kb_zoek"  # the CTE of the page's query: per found action its rank (lower is better)


def ranks() -> str:
    """SQL: the found actions' rowids and ranks: bm25, and before all others an action whose
    title is the search (in the index's normalised form)."""
    return (f"{RANKS} as (select rowid as kb_rowid, bm25([{INDEX}], {WEIGHTS}) - case when "
            f"titel = kb_zoektitel(:search) then {EXACT_TITLE} else 0 end as kb_rang "
            f"from [{INDEX}] where [{INDEX}] match escape_fts(:search))")


def ranked_sql(sql: str, after: str | None) -> str | None:
    """The table page's query ordered by rank and ID (from after the given action on); None for
    any other query (counts, facets, single values)."""
    head, found, tail = sql.partition(f" from {TABLE} where ")
    match = _PAGE_QUERY.match(tail)
    if not found or "(" in head or not head.startswith("select ") or not match \
            or "escape_fts(:search)" not in tail:
        return None
    where = match["where"]
    if after is not None:
        after_rank = (f"(select kb_rang from {RANKS} where kb_rowid = "
                      f"(select rowid from {TABLE} where actie_id = :{AFTER}))")
        where = f"({RANKS}.kb_rang, {TABLE}.actie_id) > ({after_rank}, :{AFTER}) and {where}"
    return (f"with {ranks()} {head} from {TABLE} join {RANKS} on {RANKS}.kb_rowid = "
            f"{TABLE}.rowid where {where} order by {RANKS}.kb_rang, {TABLE}.actie_id "
            f"limit {match['limit']}")


def rank_page_queries() -> None:
    """Database.execute, with the table page's query of a ranked search given its order."""
    if getattr(Database.execute, "kennisbank_ranked", False):
        return
    execute = Database.execute

    async def ranked_execute(self, sql, params=None, *args, **kwargs):
        state = RANKED.get()
        if state is not None and self.name in DATABASES:
            changed = ranked_sql(sql, state["after"])
            if changed is not None:
                sql, params = changed, {**(params or {}), AFTER: state["after"]}
        return await execute(self, sql, params, *args, **kwargs)

    ranked_execute.kennisbank_ranked = True
    Database.execute = ranked_execute
