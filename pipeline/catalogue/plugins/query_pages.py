"""Pages of the canned questions (pipeline/catalogue/paging.py): the magic parameters
:_pagina_rijen and :_pagina_vanaf (one page for the HTML page, everything for a download) and
``kb_pagina`` for the query template (which rows of how many, the previous and next page)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from datasette import hookimpl

from pipeline.catalogue import paging, site

_NAMED = re.compile(r"(?<!:):([a-zA-Z][a-zA-Z0-9_]*)")


def page_window(key: str, request) -> int:
    limit, offset = paging.window(request.url_vars.get("format") is None, request.args)
    if key == "rijen":
        return limit
    if key == "vanaf":
        return offset
    raise KeyError(key)


@hookimpl
def register_magic_parameters():
    return [(paging.MAGIC, page_window)]


@hookimpl
def extra_template_vars(database, request, datasette):
    if database != site.DATABASE or request is None or not request.url_vars.get("table"):
        return {}

    async def template_vars() -> dict:
        query = await datasette.get_canned_query(database, request.url_vars["table"],
                                                 request.actor)
        if not query or not paging.is_paged(query["sql"]):
            return {}
        sql = paging.unpaged(query["sql"])

        async def page(shown: int) -> dict:
            """Called by the template with the number of rows it shows."""
            args = parse_qsl(request.query_string, keep_blank_values=True)
            limit, offset = paging.window(True, request.args)
            if offset == 0 and shown < limit:  # the whole answer is on this first page
                return paging.page_info(request.path, args, shown, shown)
            params = {name: request.args.get(name) or "" for name in set(_NAMED.findall(sql))}
            found = await datasette.get_database(database).execute(paging.count_sql(sql), params)
            return paging.page_info(request.path, args, found.first()[0], shown)

        return {"kb_pagina": page}

    return template_vars
