"""The usage log (pipeline/catalogue/usage.py): one line per counted page request, written after
the response when ``KENNISBANK_USAGE_LOG`` is set. The number of results of the acties table page
(and its searches) comes from the page itself: its template hands ``filtered_table_rows_count`` to
``kb_gebruik``, which keeps it in the request's own holder; every other page logs ``null``.
Only GET and HEAD requests are pages: a POST (the feedback form, plugins/feedback.py, writes its
own line) is never counted as one, also not when it is refused."""

from __future__ import annotations

import time
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any

from datasette import hookimpl

from pipeline.catalogue import usage

_results: ContextVar[dict[str, Any] | None] = ContextVar("kennisbank_usage_results", default=None)


def _keep_count(count: Any) -> str:
    holder = _results.get()
    if holder is not None and isinstance(count, int):
        holder["resultaten"] = count
    return ""


@hookimpl
def extra_template_vars():
    return {"kb_gebruik": _keep_count}


@hookimpl
def asgi_wrapper(datasette):
    names: dict[str, frozenset[str]] = {}

    async def known() -> tuple[frozenset[str], frozenset[str]]:
        if not names and usage.DATABASE in datasette.databases:
            db = datasette.get_database(usage.DATABASE)
            names["tables"] = frozenset(await db.table_names())
            names["queries"] = frozenset(await datasette.get_canned_queries(usage.DATABASE, None))
        return names.get("tables", frozenset()), names.get("queries", frozenset())

    def wrap(app):
        async def with_usage_log(scope, receive, send):
            if scope["type"] != "http" or scope.get("method") not in usage.COUNTED_METHODS \
                    or not usage.target():
                return await app(scope, receive, send)
            headers = dict(scope.get("headers") or [])
            if usage.is_crawler(headers.get(b"user-agent", b"").decode("latin-1")):
                return await app(scope, receive, send)
            tables, queries = await known()
            about = usage.kind(scope["path"], scope.get("query_string", b"").decode("latin-1"),
                               tables, queries)
            if about is None:
                return await app(scope, receive, send)
            holder: dict[str, Any] = {"status": 500, "resultaten": None}
            token = _results.set(holder)
            started = time.perf_counter()

            async def sending(message):
                if message["type"] == "http.response.start":
                    holder["status"] = message["status"]
                await send(message)

            try:
                await app(scope, receive, sending)
            finally:
                _results.reset(token)
                duration = round((time.perf_counter() - started) * 1000)
                usage.write(usage.line(about, holder["resultaten"], holder["status"], duration,
                                       datetime.now(timezone.utc)))

        return with_usage_log

    return wrap
