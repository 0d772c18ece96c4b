"""Pages of the canned questions (issue 18): the HTML page of a question fetches and shows one
page of PAGE_SIZE rows, chosen with ``?_pagina=``; its CSV, JSON and other downloads stay
complete. The SQL of a question gets ``limit :_pagina_rijen offset :_pagina_vanaf`` (magic
parameters of plugins/query_pages.py), so only the rows shown are read and rendered; the page
counts the whole answer once with ``select count(*)`` over the question's own SQL."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

PAGE_SIZE = 50
ARG = "_pagina"
MAGIC = "pagina"  # :_pagina_rijen and :_pagina_vanaf
SUFFIX = "\nlimit :_pagina_rijen offset :_pagina_vanaf"
_OWN_LIMIT = re.compile(r"\blimit\s+\d+\s*$", re.IGNORECASE)


def paged_sql(sql: str) -> str:
    """The question's SQL with the page's limit; a question with its own limit (the feed's
    20 newest) keeps it."""
    if _OWN_LIMIT.search(sql) or sql.endswith(SUFFIX):
        return sql
    return sql.rstrip() + SUFFIX


def is_paged(sql: str) -> bool:
    return sql.endswith(SUFFIX)


def unpaged(sql: str) -> str:
    """The question's own SQL (as in schemas/queries.yml)."""
    return sql[: -len(SUFFIX)] if is_paged(sql) else sql


def page_number(args: Any) -> int:
    """The page asked for: ``?_pagina=2``; 1 when absent or not a positive whole number."""
    value = (args.get(ARG) or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else 1


def window(html: bool, args: Any) -> tuple[int, int]:
    """(limit, offset) of the SQL: one page for the HTML page, everything (-1) for the rest."""
    if not html:
        return -1, 0
    return PAGE_SIZE, (page_number(args) - 1) * PAGE_SIZE


def count_sql(sql: str) -> str:
    return f"select count(*) from ({unpaged(sql)})"


def page_info(path: str, args: list[tuple[str, str]], total: int, shown: int) -> dict[str, Any]:
    """What the page says about its place in the whole answer: first and last row number, the
    total, and the links to the previous and next page (the question's other arguments
    kept)."""
    number = page_number(dict(args))
    first = (number - 1) * PAGE_SIZE + 1
    kept = [(k, v) for k, v in args if k != ARG]

    def link(to: int) -> str:
        query = urlencode(kept + ([(ARG, str(to))] if to > 1 else []))
        return path + (f"?{query}" if query else "")

    last = first + shown - 1
    return {
        "pagina": number, "eerste": first if shown else 0, "laatste": last if shown else 0,
        "totaal": total, "grootte": PAGE_SIZE,
        "vorige": link(number - 1) if number > 1 else None,
        "volgende": link(number + 1) if last < total and shown else None,
        "eerste_pagina": link(1) if number > 1 and not shown else None,
    }
