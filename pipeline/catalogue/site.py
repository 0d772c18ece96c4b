"""The readers' site: Dutch labels and number formats, and the data behind the home page and the
action card. Pure functions plus a few parameterised queries; the Datasette hooks that use them
live in pipeline/catalogue/plugins/."""

from __future__ import annotations

import json
import posixpath
import re
import unicodedata
import urllib.parse
from functools import cache, lru_cache
from typing import Any

import yaml
from datasette.utils import path_with_replaced_args, tilde_encode
from markupsafe import Markup

from pipeline import nl
from pipeline.catalogue import compare
from pipeline.contract.config import ACTIES, BIBLIOTHEKEN, SCHEMAS_DIR, load_fields, load_terms

DATABASE = "kennisbank"
TABLE = "acties"
URL_SCHEMES = ("http://", "https://")


@cache
def site_config() -> dict[str, Any]:
    with open(SCHEMAS_DIR / "site.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)["plugins"]["kennisbank"]


def licence() -> dict[str, str]:
    """The licence of public actions (schemas/voorwaarden.yml): {"naam": ..., "url": ...}."""
    found = load_terms()["licentie"]
    return {"naam": str(found["naam"]), "url": str(found["url"])}


@cache
def labels() -> dict[str, str]:
    """Dutch label per column: the sheet header from fields.yml, overridden by site.yml."""
    found = {f.veld: f.kop for tab in (ACTIES, BIBLIOTHEKEN) for f in load_fields()[tab]}
    return {**found, **site_config()["kolomlabels"]}


@cache
def kinds() -> dict[str, str]:
    """How a column's value is shown: tekst, lijst, links, euro, getal, procent, datum, url."""
    by_type = {"tekst": "tekst", "lijst": "lijst", "keuzelijst": "lijst", "urllijst": "links",
               "bedrag": "euro", "getal": "getal", "geheel": "getal", "datum": "datum",
               "url": "url"}
    found = {f.veld: by_type.get(f.type, "kort") for f in load_fields()[ACTIES]}
    found.update({"gemeenten": "lijst", "website": "url", "inwoners": "getal",
                  "ontbreekt": "lijst", "duur_dagen": "getal", "aantal_acties": "getal",
                  "nieuwe_leden_per_1000_inwoners": "getal", "deelnemers_per_1000_inwoners": "getal"})
    config = site_config()
    found.update({c: "euro" for c in config["euro"]})
    found.update({c: "procent" for c in config["procent"]})
    return found


# ------------------------------------------------------------------------ Dutch formats
# The Jinja filters of the pages (see plugin.py): pipeline/nl.py's notations, empty for no value.

def getal(value: Any) -> str:
    """2500 → 2.500; 12.5 → 12,5 (at most two decimals, none for whole numbers)."""
    return "" if value is None or value == "" else nl.number(float(value))


def euro(value: Any) -> str:
    """1250.5 → € 1.250,50; 600 → € 600."""
    return "" if value is None or value == "" else nl.amount(float(value))


def procent(value: Any) -> str:
    """120 → 120%."""
    return "" if value is None or value == "" else nl.percentage(float(value))


def datum(value: Any) -> str:
    """2024-10-02 → 2 oktober 2024; anything else is shown as it is."""
    try:
        return nl.long_date(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def as_list(value: Any) -> list[str]:
    """A list column (JSON array of strings) as a Python list; anything else as one item."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return [str(value)]
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(value)]


def is_web_link(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(URL_SCHEMES)


def filter_url(column: str, value: str) -> str:
    """The table of actions filtered on one value of a column (array columns: contains)."""
    lookup = f"{column}__arraycontains" if column in site_config()["filterlijsten"] else column
    return f"/{DATABASE}/acties?" + urllib.parse.urlencode({lookup: value})


def formatted(column: str, value: Any) -> str:
    kind = kinds().get(column)
    if kind == "euro":
        return euro(value)
    if kind == "procent":
        return procent(value)
    if kind == "getal":
        return getal(value)
    if kind == "datum":
        return datum(value)
    return "" if value is None else str(value)


# ------------------------------------------------------------------------ the card

def card_sections(action: dict[str, Any]) -> list[dict[str, Any]]:
    """The card's sections with only the filled fields; a section without any is left out."""
    sections = []
    for spec in site_config()["actiekaart"]:
        items = [item for veld in spec["velden"] if (item := card_item(veld, action))]
        if items:
            sections.append({"titel": spec["titel"], "items": items})
    return sections


def card_item(veld: str, action: dict[str, Any]) -> dict[str, Any] | None:
    if veld == "periode":
        return period_item(action)
    value = action.get(veld)
    kind = kinds().get(veld, "kort")
    if kind in ("lijst", "links"):
        values = as_list(value)
        if kind == "links":
            values = [found for v in values if (found := material_link(v))]
        if not values:
            return None
        return {"veld": veld, "label": labels().get(veld, veld), "soort": kind, "waarden": values,
                "filterbaar": veld in site_config()["filterlijsten"]}
    if value is None or value == "":
        return None
    if (veld == "doel_behaald" and value == "onbekend") or (
            veld == "landelijke_campagne" and value in site_config()["ingangen_overslaan"]):
        return None
    return {"veld": veld, "label": labels().get(veld, veld), "soort": kind, "waarde": value,
            "tekst": formatted(veld, value)}


def period_item(action: dict[str, Any]) -> dict[str, Any]:
    start, end = action.get("startdatum"), action.get("einddatum")
    text = datum(start) if not end or end == start else f"{datum(start)} t/m {datum(end)}"
    if action.get("duur_dagen"):
        days = action["duur_dagen"]
        text += f" ({getal(days)} {'dag' if days == 1 else 'dagen'})"
    return {"veld": "periode", "label": "Periode", "soort": "kort", "waarde": text, "tekst": text}


SIMILAR_SQL = """
select a.actie_id, a.titel, a.bibliotheek, a.startdatum, a.doel_behaald,
  a.kosten_per_nieuw_lid, a.kosten_per_deelnemer, a.realisatie_pct
from acties a
where a.actie_id != :actie_id
  and exists (select 1 from json_each(a.doelen) d
              where d.value in (select value from json_each(:doelen)))
  and exists (select 1 from json_each(a.doelgroepen) g
              where g.value in (select value from json_each(:doelgroepen)))
order by a.startdatum desc, a.titel
limit :limit
"""


CAMPAIGN_SQL = """
select actie_id, titel, bibliotheek, startdatum, doel_behaald from acties
where landelijke_campagne = :campagne and actie_id != :actie_id
order by startdatum desc, titel limit :limit
"""


def material_link(item: Any) -> dict[str, str] | None:
    """A material link with a readable label: the label of "label | link", else the file name
    of the link (affiche-kbw.pdf: "affiche kbw (PDF)"), else its domain; None: no web link."""
    label, _, url = str(item).rpartition(" | ")
    if not is_web_link(url):
        return None
    if label.strip():
        return {"url": url, "label": label.strip()}
    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(posixpath.basename(parts.path))
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension.isalnum() and extension.lower() not in ("html", "htm", "php", "aspx"):
        words = " ".join(re.split(r"[-_+\s]+", stem)).strip()
        return {"url": url, "label": f"{words} ({extension.upper()})"}
    host = (parts.hostname or url).removeprefix("www.")
    return {"url": url, "label": host}


def library_url(naam: str) -> str:
    """The library's own page: /bibliotheek/<slug> (pipeline/catalogue/plugins/library_profile.py)."""
    return f"/bibliotheek/{library_slug(naam)}"


def library_slug(naam: str) -> str:
    """"Bibliotheek Zuid-Kennemerland" -> "bibliotheek-zuid-kennemerland"."""
    plain = unicodedata.normalize("NFKD", str(naam)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "bibliotheek"


def public_contact(library: dict[str, Any]) -> str | None:
    """The library's public address for colleagues (Bibliotheken: contact_openbaar)."""
    found = str(library.get("contact_openbaar") or "").strip()
    return found if "@" in found and not found.startswith("@") else None


async def _dicts(db, sql: str, params=None) -> list[dict[str, Any]]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def card(db, actie_id: str) -> dict[str, Any] | None:
    """Everything the action card shows, or None when there is no such action."""
    rows = await _dicts(db, "select * from acties where actie_id = ?", [actie_id])
    if not rows:
        return None
    action = rows[0]
    library = await _dicts(db, "select * from bibliotheken where naam = ?",
                                [action["bibliotheek"]])
    similar = await _dicts(db, SIMILAR_SQL, {
        "actie_id": actie_id, "doelen": action["doelen"] or "[]",
        "doelgroepen": action["doelgroepen"] or "[]", "limit": 5})
    library = library[0] if library else {"naam": action["bibliotheek"]}
    if not is_web_link(library.get("website")):
        library["website"] = None
    contact = public_contact(library)
    campaign = action.get("landelijke_campagne")
    if campaign in (None, "", *site_config()["ingangen_overslaan"]):
        campaign, in_campaign = None, []
    else:
        in_campaign = await _dicts(db, CAMPAIGN_SQL, {"campagne": campaign,
                                                      "actie_id": actie_id, "limit": 10})
    return {"actie": action, "secties": card_sections(action), "bibliotheek": library,
            "vergelijkbaar": similar, "licentie": licence(), "contact": contact,
            "vraag": question_link(actie_id, contact),
            "campagne": campaign, "campagne_acties": in_campaign,
            "bibliotheek_url": library_url(library["naam"])}


def question_link(actie_id: str, address: str | None = None) -> str:
    """A mail link about an action, with its id in the subject: to the library's public
    contact address, or to the coordinators' address (schemas/site.yml `contact`, never a
    personal address)."""
    subject = urllib.parse.quote(f"Vraag over actie {actie_id}", safe="")
    return f"mailto:{address or site_config()['contact']}?subject={subject}"


# ------------------------------------------------------------------------ the table page

def table_view(request) -> dict[str, Any]:
    """The columns the Dutch table page shows (None: the reader chose with ?_col/?_nocol) and
    the orderings offered above it."""
    config = site_config()
    chosen = "_col" in request.args or "_nocol" in request.args
    return {"kolommen": None if chosen else config["tabelkolommen"],
            "sorteringen": sort_links(request, config["sorteringen"])}


def shown_columns(query: dict[str, list[str]]) -> frozenset[str] | None:
    """The columns of `acties` whose cells templates/datasette/_table-kennisbank-acties.html
    shows for this query string (parsed); None: the reader chose them (?_col= / ?_nocol=)."""
    if "_col" in query or "_nocol" in query:
        return None
    sorted_on = query.get("_sort", []) + query.get("_sort_desc", [])
    return frozenset(site_config()["tabelkolommen"] + sorted_on)


def sort_links(request, sortings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One link per ordering; an ascending cost ordering leaves out rows without that cost and
    rows without budget (€ 0), and the page says how many (pipeline/catalogue/compare.py)."""
    reset: dict[str, Any] = {"_sort": None, "_sort_desc": None, "_next": None}
    for s in sortings:
        if not s.get("aflopend"):
            reset.update(dict.fromkeys(compare.ordering_filters(s["kolom"])))
    links = []
    for sorting in sortings:
        column, descending = sorting["kolom"], bool(sorting.get("aflopend"))
        args = {**reset, ("_sort_desc" if descending else "_sort"): column}
        if not descending:  # only actions with that cost and a budget (compare.py)
            args.update(compare.ordering_filters(column))
        links.append({"label": sorting["label"], "kolom": column, "aflopend": descending,
                      "url": path_with_replaced_args(request, args)})
    return links


# ------------------------------------------------------------------------ the home page

async def figures(db) -> dict[str, int]:
    rows = await _dicts(
        db,
        "select (select count(*) from acties) as acties,"
        " (select count(*) from bibliotheken where aantal_acties > 0) as bibliotheken,"
        " (select count(*) from acties where doel_behaald in ('ja', 'deels', 'nee'))"
        "   as met_resultaat,"
        " (select count(*) from acties where doel_behaald = 'ja') as doel_gehaald")
    return rows[0]


async def list_counts(db, column: str, limit: int) -> list[dict[str, Any]]:
    """The most used values of a list column, with the number of actions per value."""
    assert column in ("doelen", "doelgroepen", "kanalen"), column  # never a reader's value
    from pipeline.catalogue import facets

    cached = facets.top_values(await facets.counts_for(db.ds, db), column, limit)
    if cached is not None:
        return [{**r, "url": filter_url(column, r["waarde"])} for r in cached]
    rows = await _dicts(
        db,
        f"select v.value as waarde, count(*) as aantal from acties a, json_each(a.{column}) v"
        " group by v.value order by aantal desc, v.value limit ?", [limit])
    return [{**r, "url": filter_url(column, r["waarde"])} for r in rows]


async def campaign_counts(db, limit: int) -> list[dict[str, Any]]:
    skip = json.dumps(site_config()["ingangen_overslaan"])
    rows = await _dicts(
        db,
        "select landelijke_campagne as waarde, count(*) as aantal from acties"
        " where landelijke_campagne is not null"
        " and landelijke_campagne not in (select value from json_each(?))"
        " group by landelijke_campagne order by aantal desc, landelijke_campagne limit ?",
        [skip, limit])
    return [{**r, "url": filter_url("landelijke_campagne", r["waarde"])} for r in rows]


async def newest(db, limit: int) -> list[dict[str, Any]]:
    rows = await _dicts(
        db,
        "select actie_id, titel, bibliotheek, startdatum, doelen, doel_behaald from acties"
        " order by startdatum desc, rij desc limit ?", [limit])
    return [{**r, "doelen": as_list(r["doelen"])} for r in rows]


async def home(db) -> dict[str, Any]:
    config = site_config()
    limit = config["ingangen_max"]
    return {
        "cijfers": await figures(db),
        "nieuwste": await newest(db, config["nieuwste_max"]),
        "ingangen": [
            {"titel": "Per doel", "kolom": "doelen", "waarden": await list_counts(db, "doelen", limit)},
            {"titel": "Per doelgroep", "kolom": "doelgroepen",
             "waarden": await list_counts(db, "doelgroepen", limit)},
            {"titel": "Per kanaal", "kolom": "kanalen",
             "waarden": await list_counts(db, "kanalen", limit)},
            {"titel": "Per landelijke campagne", "kolom": "landelijke_campagne",
             "waarden": await campaign_counts(db, limit)},
        ],
    }


async def choices(db) -> dict[str, list[str]]:
    """Values offered in the parameter forms of the canned queries."""
    doelen = await _dicts(db, "select label from keuzelijst_doel order by volgorde")
    libraries = await _dicts(db, "select naam from bibliotheken order by naam")
    return {"doel": [r["label"] for r in doelen], "bibliotheek": [r["naam"] for r in libraries]}


# ------------------------------------------------------------------------ table cells

def link(href: str, text: Any, css: str = "") -> Markup:
    """An escaped link; href and text are always treated as text."""
    if css:
        return Markup('<a href="{}" class="{}">{}</a>').format(href, css, text)
    return Markup('<a href="{}">{}</a>').format(href, text)


@lru_cache(maxsize=8192)
def filter_link(column: str, value: Any) -> Markup:
    """A link to the actions with this value (the same few hundred values fill every page)."""
    return link(filter_url(column, value), value)


def card_url(actie_id: str) -> str:
    return f"/{DATABASE}/acties/{tilde_encode(str(actie_id))}"


def _plain(value: Any) -> Any:
    """The value itself, also of an expanded foreign key ({"value": ..., "label": ...})."""
    return value.get("value") if isinstance(value, dict) else value


def cell_html(row, value: Any, column: str, table: str | None) -> Markup | None:
    """Dutch display of a cell of `acties`, `bibliotheken` or a canned query; None: default."""
    value = _plain(value)
    if value is None or value == "":
        return None
    # the row's column names only where needed: this runs for every cell of every page
    keys = row.keys() if column in ("titel", "atom_title") and hasattr(row, "keys") else ()
    if column == "titel" and "actie_id" in keys and row["actie_id"]:
        title = link(card_url(row["actie_id"]), value, "titel")
        if table == "acties":  # who and when under the title, as on the home page
            # (either may be left out with ?_col= / ?_nocol=)
            library = _plain(row["bibliotheek"]) if "bibliotheek" in keys else None
            start = _plain(row["startdatum"]) if "startdatum" in keys else None
            meta = [filter_link("bibliotheek", library)] if library else []
            meta += [datum(start)] if start else []
            if meta:
                title += Markup('<span class="kb-meta">{}</span>').format(Markup(" · ").join(meta))
        return title
    if column == "atom_title" and "atom_link" in keys and row["atom_link"]:
        return link(row["atom_link"], value, "titel")
    if column == "atom_updated":
        return Markup("{}").format(datum(str(value)[:10]))
    if column == "naam" and table == "bibliotheken":
        return link(library_url(value), value)
    if column == "contact_openbaar" and (address := public_contact({column: value})):
        return link(f"mailto:{address}", address)
    if column == "bibliotheek" or (column == "naam" and table is None):
        return filter_link("bibliotheek", value)
    if column == "doel_behaald":
        return Markup('<span class="behaald behaald-{}">{}</span>').format(value, value)
    kind = kinds().get(column)
    if kind == "links":
        found = [m for v in as_list(value) if (m := material_link(v))]
        return Markup("<br>").join(link(m["url"], m["label"]) for m in found) or None
    if kind == "url":
        return link(value, value) if is_web_link(value) else None
    if kind == "lijst":
        values = as_list(value)
        if column in site_config()["filterlijsten"]:
            return Markup("<br>").join(filter_link(column, v) for v in values)
        return Markup(", ").join(values)
    if kind in ("euro", "procent", "getal", "datum") and column != "jaar":
        return Markup("{}").format(formatted(column, value))
    return None
