"""The usage log: one JSON line per counted page request (and per login on the network members'
instance), written to the file named in ``KENNISBANK_USAGE_LOG`` (``-``: standard output, so that
Cloud Run or Fly collect the lines of every instance). Without the variable nothing is written.

A line never holds an IP address, user agent, cookie or referer: only the minute (UTC), the kind
of page and what the page was about. Writing never breaks a page: a log that cannot be written is
skipped silently.

Kinds of page (``soort``), decided from the path alone (``kind``):

- ``start``: the home page ``/``
- ``database``: ``/kennisbank``
- ``tabel``: a table page (``naam``: the table), ``zoeken`` when it has search words (``_search``)
- ``actiekaart``: a row of ``acties`` (``actie_id``); ``rij``: a row of another table
- ``query``: a canned query (``naam``), ``kaart``: the canned query ``kaart``
- ``grafieken``: the charts pages ``/-/dashboards…``
- ``feed``: an ``.atom`` feed; ``download``: a ``.csv`` or ``.json`` of a table, row or query,
  or the file ``kennisbank.db``
- ``pagina``: a page of templates/datasette/pages (``naam``: voorwaarden, privacy, wat-werkte)
- ``overig``: any other path (for instance a page that does not exist)

Besides the pages, the action card's feedback form (plugins/feedback.py) writes a line of kind
``feedback``: ``actie_id``, ``antwoord`` (ja or nee) and ``opmerking`` (the remark, or null).

Not counted: requests other than GET and HEAD (a feedback POST writes only its own line), static
assets (``/-/static…``, the site's CSS under ``/assets/``, ``/favicon.ico``, ``/robots.txt``),
the catalogue's health check ``/-/versions.json`` (the platform's checker and the tests'
readiness probe), the other ``/-/`` pages except the charts (the login writes its own line), the
SQL queries the charts page sends (``/kennisbank.json?sql=…``), and crawlers: a user agent naming
a bot, crawler, spider, … is read to decide this and never written.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from datetime import datetime, timezone
from typing import Any, Mapping
from urllib.parse import parse_qsl, unquote

from datasette.utils import tilde_decode

USAGE_LOG_ENV = "KENNISBANK_USAGE_LOG"
DATABASE = "kennisbank"
CARD_TABLE = "acties"
MAP_QUERY = "kaart"
PAGES = frozenset({"voorwaarden", "privacy", "wat-werkte"})
HEALTH = frozenset({"/-/versions.json"})
STATIC = ("/-/static/", "/-/static-plugins/", "/assets/", "/favicon.ico", "/robots.txt")
CRAWLER = re.compile(r"bot|crawl|spider|slurp|scrap|archiver|facebookexternalhit|preview",
                     re.IGNORECASE)
DOWNLOADS = (".csv", ".json", ".db")
COUNTED_METHODS = frozenset({"GET", "HEAD"})

_lock = threading.Lock()


def minute(now: datetime) -> str:
    """The time of a line: to the minute, in UTC."""
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def target(env: Mapping[str, str] | None = None) -> str:
    return (os.environ if env is None else env).get(USAGE_LOG_ENV, "").strip()


def write_line(line: str, env: Mapping[str, str] | None = None) -> None:
    """Append one line (a JSON text without newline) to the usage log, if there is one; a log
    that cannot be written is skipped."""
    where = target(env)
    if not where:
        return
    try:
        with _lock:
            if where == "-":
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
            else:
                with open(where, "a", encoding="utf-8") as out:
                    out.write(line + "\n")
    except (OSError, ValueError):
        pass


def write(record: dict[str, Any], env: Mapping[str, str] | None = None) -> None:
    write_line(json.dumps(record, ensure_ascii=False), env)


def is_crawler(user_agent: str) -> bool:
    return bool(CRAWLER.search(user_agent))


def kind(path: str, query_string: str, tables: frozenset[str],
         queries: frozenset[str]) -> dict[str, Any] | None:
    """What a request for ``path`` is about: a dict with ``soort`` and the fields of that kind,
    or None when it is not counted (static assets, health checks, other ``/-/`` pages)."""
    if path in HEALTH or path.startswith(STATIC):
        return None
    if path.startswith("/-/"):
        return {"soort": "grafieken"} if path.startswith("/-/dashboards") else None
    if path == "/":
        return {"soort": "start"}
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if len(parts) == 1 and parts[0] in PAGES:
        return {"soort": "pagina", "naam": parts[0]}
    if parts[0] != DATABASE and not parts[0].startswith(DATABASE + "."):
        return {"soort": "overig"}
    last = parts[-1]
    suffix = ""
    for ext in (".atom", *DOWNLOADS):
        if last.endswith(ext):
            suffix, parts[-1] = ext, last[: -len(ext)]
    if suffix == ".atom":
        return {"soort": "feed"}
    if len(parts) == 1:
        if "sql=" in query_string:
            return None  # the charts page's own queries, part of that page
        return {"soort": "download" if suffix else "database"}
    name = tilde_decode(parts[1])
    params = parse_qsl(query_string, keep_blank_values=False)
    filters = sorted(f"{k}={v}" for k, v in params if not k.startswith("_") or
                     k.startswith("_facet"))
    if len(parts) == 2 and name in queries:
        if suffix:
            return {"soort": "download", "naam": name}
        soort = "kaart" if name == MAP_QUERY else "query"
        return {"soort": soort, "naam": name, "filters": filters}
    if len(parts) == 2 and name in tables:
        if suffix:
            return {"soort": "download", "naam": name}
        search = " ".join(v for k, v in params if k == "_search").strip()
        record: dict[str, Any] = {"soort": "zoeken" if search else "tabel", "naam": name}
        if search:
            record["zoekterm"] = search
        record["filters"] = filters
        return record
    if len(parts) == 3 and name in tables:
        if suffix:
            return {"soort": "download", "naam": name}
        if name == CARD_TABLE:
            return {"soort": "actiekaart", "actie_id": tilde_decode(parts[2])}
        return {"soort": "rij", "naam": name}
    return {"soort": "overig"}


def line(about: dict[str, Any], results: int | None, status: int, duration_ms: int,
         now: datetime) -> dict[str, Any]:
    """The record of one page request, in a fixed order of keys."""
    return {"tijd": minute(now), **about, "resultaten": results, "status": status,
            "duur_ms": duration_ms}
