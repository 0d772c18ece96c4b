"""Where a tab's header row is: the one rule for reading (normalise) and write-back (google).

The header row is the first of the tab's first SEARCH_ROWS rows in which at least two distinct
cells (one for a tab of one field) are known headers of the tab: a field's kop, veld or one of
its aliassen, compared with header_key after the cell's text is cleaned like any other cell
(cells.clean_text: invisible characters and a leading apostrophe dropped).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Iterable

from pipeline.contract import cells
from pipeline.contract.config import ACTIES, Field, header_key, load_fields

SEARCH_ROWS = 30  # rows above the header (title, notes) a sheet may have: at most 29
CONTROL_HEADER = "Controle"  # the column kennisbank build --write-back writes: not data


def cell_key(cell: Any) -> str:
    """A cell of a header row as compared with the known headers."""
    return header_key(cells.clean_text(cell))


def header_lookup(fields: Iterable[Field]) -> dict[str, Field]:
    """Each known header text (by header_key) and its field; the first field wins."""
    lookup: dict[str, Field] = {}
    for f in fields:
        for name in (f.kop, f.veld, *f.aliassen):
            lookup.setdefault(header_key(name), f)
    return lookup


@cache
def _tab_lookup(tab: str) -> tuple[dict[str, Field], int]:
    fields = load_fields().get(tab, ())
    return header_lookup(fields), min(2, len(fields))


def find_header_row(rows: list[list[Any]], tab: str = ACTIES, *,
                    fields: tuple[Field, ...] | None = None) -> int | None:
    """0-based index of the header row of `tab` (its fields from schemas/fields.yml, or
    `fields` when given), None when the first SEARCH_ROWS rows hold none."""
    if fields is None:
        lookup, minimum = _tab_lookup(tab)
    else:
        lookup, minimum = header_lookup(fields), min(2, len(fields))
    if not lookup:
        return None
    for index, row in enumerate(rows[:SEARCH_ROWS]):
        hits = {cell_key(c) for c in row} & lookup.keys()
        if len(hits) >= minimum:
            return index
    return None


def column_of(header: list[Any], name: str) -> int | None:
    """0-based index of the first cell of the header row that is the header `name`."""
    wanted = header_key(name)
    return next((i for i, c in enumerate(header) if cell_key(c) == wanted), None)
