"""A library's own page (/bibliotheek/<slug> and the bibliotheken row page): its public actions,
its figures, its website and its public contact address for colleagues."""

from __future__ import annotations

from typing import Any

from pipeline.catalogue.site import (
    _dicts,
    as_list,
    is_web_link,
    library_slug,
    library_url,
    public_contact,
)

FIGURES_SQL = """
select count(*) as acties,
  sum(doel_behaald in ('ja', 'deels', 'nee')) as met_resultaat,
  sum(doel_behaald = 'ja') as doel_gehaald,
  sum(budget_eur) as budget_totaal
from acties where bibliotheek = ?
"""
ACTIONS_SQL = """
select actie_id, titel, startdatum, doelen, doel_behaald from acties
where bibliotheek = ? order by startdatum desc, titel
"""


async def library_name(db, slug: str) -> str | None:
    """The library whose page this slug is (the first by name when two names share one)."""
    for row in await _dicts(db, "select naam from bibliotheken order by naam"):
        if library_slug(row["naam"]) == slug:
            return row["naam"]
    return None


async def library_profile(db, naam: str) -> dict[str, Any] | None:
    """Everything the library's page shows, or None when there is no such library."""
    rows = await _dicts(db, "select * from bibliotheken where naam = ?", [naam])
    if not rows:
        return None
    library = rows[0]
    figures = (await _dicts(db, FIGURES_SQL, [naam]))[0]
    actions = [{**r, "doelen": as_list(r["doelen"])}
               for r in await _dicts(db, ACTIONS_SQL, [naam])]
    return {"bibliotheek": library, "gemeenten": as_list(library.get("gemeenten")),
            "website": library["website"] if is_web_link(library.get("website")) else None,
            "contact": public_contact(library), "cijfers": figures, "acties": actions,
            "url": library_url(naam)}
