"""The facts the reports show, as plain dicts for the templates: built from the history
(beheer.db) and the published catalogue (kennisbank.db). Pure: no files are written here."""

from __future__ import annotations

import re
import sqlite3
import string
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from typing import Any

from pipeline import nl
from pipeline.contract.config import (
    ACTIES,
    BIBLIOTHEKEN,
    KEUZELIJSTEN,
    SCHEMAS_DIR,
    Field,
    load_fields,
    load_messages,
    load_terms,
    match_key,
    terms_version_of,
)
from pipeline.contract.explain import DESCRIPTIVE_TYPES
from pipeline.contract.findings import example_for
from pipeline.contract.process import NETWORK, PUBLISHED, REJECTED, WAITING, WITHHELD
from pipeline.contract.row_status import card_address
from pipeline.reports.chart import bar_chart
from pipeline.sources.workbooks import locate
from pipeline.store.history import History

SEVERITY_ORDER = {severity: i for i, severity in enumerate(nl.SEVERITIES)}
SEVERITY_LABEL = nl.SEVERITY_LABELS
TAB_ORDER = {ACTIES: 0, BIBLIOTHEKEN: 1, KEUZELIJSTEN: 2}
GOOGLE_ROW_LINK = "https://docs.google.com/spreadsheets/d/{key}/edit#gid={gid}&range=A{row}"
COUNTED = [("rijen_gelezen", "Acties gelezen", 0, ""), ("gepubliceerd", "Gepubliceerd", 1, ""),
           ("onvolledig", "Waarvan onvolledig", -1, "waarschuwing"),
           ("alleen_netwerk", "Alleen netwerk", 0, ""),
           ("afgekeurd", "Afgekeurd", -1, "fout"), ("niet_gedeeld", "Niet gedeeld", 0, ""),
           ("wacht_op_akkoord", "Wacht op akkoord", -1, "waarschuwing")]
FINDING_TOTALS = [("fouten", nl.SEVERITY_TOTALS["fout"], -1, "fout"),
                  ("waarschuwingen", nl.SEVERITY_TOTALS["waarschuwing"], -1, "waarschuwing"),
                  ("info", nl.SEVERITY_TOTALS["info"], 0, "")]


# How many items a list shows before "en nog N".
MAX_ROW_GROUPS = 30
MAX_FIXED = 25
MAX_TOP_FINDINGS = 10
MAX_VOCABULARY = 20
MAX_NOT_CONTRIBUTED = 40
MAX_TO_DO = 15
REMINDER = "resultaten_gevraagd"  # pipeline/contract/reminders.py


@dataclass(frozen=True)
class Sources:
    """Where a row of a tab can be opened: Google Sheet key and tab ids, when the source was
    a Google Sheet."""

    spreadsheet_id: str | None = None
    tab_ids: dict[str, int] | None = None
    files: tuple[dict[str, Any], ...] = ()  # a folder of workbooks: where each file's rows are

    def place(self, tab: str, row: int | None) -> tuple[str | None, int | None]:
        """The file (for a folder of workbooks, else None) and the row number to show."""
        found = locate(list(self.files), tab, row)
        return found if found else (None, row)

    def link(self, tab: str, row: int | None) -> str | None:
        if not self.spreadsheet_id or row is None or not self.tab_ids:
            return None
        gid = next((v for k, v in self.tab_ids.items()
                    if k.strip().casefold() == tab.casefold()), None)
        if gid is None:
            return None
        return GOOGLE_ROW_LINK.format(key=self.spreadsheet_id, gid=gid, row=int(row))


# ------------------------------------------------------------------ formatting helpers

# pipeline/nl.py's notations; the reports show "–" for no value.

def dutch_date(iso: str | None) -> str:
    """'2026-11-28' (or a time stamp) → '28 november 2026'."""
    return nl.long_date(iso) if iso else "–"


def dutch_time(iso: str | None) -> str:
    """'2026-11-28T14:08:55Z' → '28 november 2026, 14:08 UTC'."""
    return nl.date_time(iso) if iso else "–"


def number(value: int | float | None) -> str:
    """A count: 1234 → 1.234."""
    return "–" if value is None else nl.number(value, decimals=0)


def slugify(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").casefold()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-") or "bibliotheek"


def assign_slugs(names: list[str], reserved: set[str]) -> dict[str, str]:
    taken = set(reserved)
    slugs = {}
    for name in names:
        base = slugify(name)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs[name] = slug
    return slugs


def shown_value(value: Any) -> str:
    return "(leeg)" if value is None or str(value).strip() == "" else str(value)


def delta(now: int | None, before: int | None, good: int) -> dict[str, Any]:
    """Change against the previous run; `good` is +1 when up is better, -1 when down is."""
    if before is None or now is None:
        return {"text": "eerste verwerking", "class": "gelijk", "change": None}
    change = now - before
    if change == 0:
        return {"text": "gelijk", "class": "gelijk", "change": 0}
    direction = "beter" if change * good > 0 else "slechter" if good else "gelijk"
    return {"text": f"{'+' if change > 0 else '−'}{abs(change)}", "class": direction,
            "change": change}


# ------------------------------------------------------------------ fields and examples

@cache  # the contract does not change during a run; called for every finding
def _fields() -> dict[tuple[str, str], tuple[int, Field]]:
    return {(tab, f.veld): (i, f) for tab, fields in load_fields().items()
            for i, f in enumerate(fields)}


def vocabulary_examples(catalogue: sqlite3.Connection | None) -> dict[str, list[str]]:
    """The first labels of each list as published (so a Keuzelijsten tab counts)."""
    examples: dict[str, list[str]] = {}
    if catalogue is None:
        return examples
    names = {f.keuzelijst for fields in load_fields().values() for f in fields if f.keuzelijst}
    for name in sorted(names):
        if not re.fullmatch(r"[a-z_]+", name):
            continue
        try:
            examples[name] = [r[0] for r in catalogue.execute(
                f"select label from keuzelijst_{name} order by volgorde limit 3")]
        except sqlite3.Error:
            continue
    return examples


def example_of(f: dict, vocab: dict[str, list[str]]) -> str:
    """An example of a valid value for the finding's column, unless the hint already has one."""
    position = _fields().get((f["tabblad"], f["veld"] or ""))
    if position is None:
        return ""
    field = position[1]
    if field.keuzelijst and vocab.get(field.keuzelijst):
        labels = vocab[field.keuzelijst]
        example = ", ".join(labels[:2]) if field.type == "keuzelijst" else " of ".join(labels[:3])
    else:
        example = example_for(field)
    hint = f["hint"] or ""
    descriptive = field.type in DESCRIPTIVE_TYPES and not (field.keuzelijst and vocab.get(
        field.keuzelijst))
    if descriptive or not example or example in hint or "bijvoorbeeld" in hint.casefold():
        return ""
    return example


# ------------------------------------------------------------------ findings grouped by row

ROW_STATUS = {
    PUBLISHED: ("Gepubliceerd", "ok"),
    REJECTED: ("Afgekeurd: niet gepubliceerd", "fout"),
    WITHHELD: ("Niet gedeeld", "info"),
    NETWORK: ("Alleen netwerk", "ok"),
    WAITING: ("Wacht op akkoord", "waarschuwing"),
}


def row_status(row: dict | None, tab: str) -> tuple[str, str]:
    if tab != ACTIES:
        return (f"Tabblad {tab}", "info")
    if row is None:
        return ("Kopregel", "info")
    if row["uitkomst"] == PUBLISHED and (row["compleetheid"] or 0) < 100:
        return ("Gepubliceerd, onvolledig", "waarschuwing")
    if row["uitkomst"] == NETWORK and (row["compleetheid"] or 0) < 100:
        return ("Alleen netwerk, onvolledig", "waarschuwing")
    return ROW_STATUS.get(row["uitkomst"], (row["uitkomst"] or "", "info"))


@cache
def site_address() -> str | None:
    """The public address of the readers' site (schemas/site.yml: kennisbank.adres), or None."""
    import yaml

    with open(SCHEMAS_DIR / "site.yml", encoding="utf-8") as fh:
        found = (yaml.safe_load(fh)["plugins"]["kennisbank"] or {}).get("adres")
    return str(found).rstrip("/") if found else None


def card_link(row: dict | None) -> str | None:
    """The published action card of a sheet row on the readers' site; None when the row is
    not published or the site's address is not set."""
    address = site_address()
    if not address or not row or row.get("uitkomst") != PUBLISHED or not row.get("actie_id"):
        return None
    return card_address(address, row["actie_id"])


def row_title(f: dict, row: dict | None) -> str:
    if f["tabblad"] == BIBLIOTHEKEN:
        return f"Gegevens van {f['bibliotheek'] or '(bibliotheek zonder naam)'}"
    if f["tabblad"] != ACTIES:
        return f"Tabblad {f['tabblad']}"
    if row is None:
        return "Kopregel van het tabblad Acties"
    return row["titel"] or "(zonder titel)"


def row_groups(findings: list[dict], rows: list[dict], sources: Sources,
               vocab: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Findings grouped by sheet row: rows with errors first, then by tab and row number; in a
    row by severity and column order."""
    by_rij = {r["rij"]: r for r in rows}
    fields = _fields()
    groups: dict[tuple, dict[str, Any]] = {}
    for f in findings:
        key = (f["tabblad"], f["rij"])
        row = by_rij.get(f["rij"]) if f["tabblad"] == ACTIES else None
        if key not in groups:
            label, css = row_status(row, f["tabblad"])
            bestand, shown = sources.place(f["tabblad"], f["rij"])
            groups[key] = {"tabblad": f["tabblad"], "rij": f["rij"], "titel": row_title(f, row),
                           "bestand": bestand, "rij_getoond": shown,
                           "status": label, "status_class": css, "actie_id": f["actie_id"],
                           "link": sources.link(f["tabblad"], f["rij"]),
                           "kaart": card_link(row), "meldingen": []}
        groups[key]["meldingen"].append({
            "kop": f["kop"] or "", "ernst": f["ernst"],
            "waarde": shown_value(f["waarde"]) if f["veld"] or f["waarde"] else None,
            "ernst_label": SEVERITY_LABEL.get(f["ernst"], f["ernst"]), "bericht": f["bericht"],
            "hint": f["hint"] or "", "voorbeeld": example_of(f, vocab), "code": f["code"],
            "_order": (SEVERITY_ORDER.get(f["ernst"], 3),
                       fields.get((f["tabblad"], f["veld"] or ""), (999,))[0]),
        })
    for group in groups.values():
        group["meldingen"].sort(key=lambda m: m["_order"])
        for m in group["meldingen"]:
            del m["_order"]
        group["fouten"] = sum(m["ernst"] == "fout" for m in group["meldingen"])
        group["waarschuwingen"] = sum(m["ernst"] == "waarschuwing" for m in group["meldingen"])
    return sorted(groups.values(), key=lambda g: (
        g["fouten"] == 0, TAB_ORDER.get(g["tabblad"], 9), g["rij"] if g["rij"] is not None else 0))


def capped(items: list, limit: int) -> dict[str, Any]:
    return {"lijst": items[:limit], "meer": max(len(items) - limit, 0), "totaal": len(items)}


# ------------------------------------------------------------------ per library

def owner_of(f: dict, libraries: dict[str, str]) -> str | None:
    """The published library a finding belongs to, or None (coordinators only). An Acties
    finding belongs to the library of its row; a Bibliotheken finding to the library whose own
    row it is. `libraries` maps match_key(name) → name."""
    name = f["bibliotheek"]
    if name is None:
        return None
    if f["tabblad"] == ACTIES:
        return name if libraries.get(match_key(name)) == name else None
    if f["tabblad"] == BIBLIOTHEKEN:
        return libraries.get(match_key(name))
    return None


def library_counts(rows: list[dict], findings: list[dict]) -> dict[str, Any]:
    published = [r for r in rows if r["uitkomst"] == PUBLISHED]
    complete = sum((r["compleetheid"] or 0) >= 100 for r in published)
    return {
        "acties": len(rows), "gepubliceerd": len(published),
        "onvolledig": len(published) - complete, "compleet": complete,
        "compleet_pct": round(100 * complete / len(rows)) if rows else None,
        "afgekeurd": sum(r["uitkomst"] == REJECTED for r in rows),
        "niet_gedeeld": sum(r["uitkomst"] == WITHHELD for r in rows),
        "alleen_netwerk": sum(r["uitkomst"] == NETWORK for r in rows),
        "wacht_op_akkoord": sum(r["uitkomst"] == WAITING for r in rows),
        "fouten": sum(f["ernst"] == "fout" for f in findings),
        "waarschuwingen": sum(f["ernst"] == "waarschuwing" for f in findings),
        "info": sum(f["ernst"] == "info" for f in findings),
        "resultaten_gevraagd": sum(f["code"] == REMINDER for f in findings),
    }


def to_do(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The library report's "te doen" list, from its row groups: rejected rows first, then
    actions waiting for their results, then rows with something to complete."""
    rejected, waiting, rest = [], [], []
    for g in groups:
        codes = {m["code"] for m in g["meldingen"]}
        item = {"rij": g["rij"], "tabblad": g["tabblad"], "titel": g["titel"], "link": g["link"],
                "bestand": g["bestand"], "rij_getoond": g["rij_getoond"]}
        if g["fouten"]:
            rejected.append({**item, "soort": "fout", "tekst": "afgekeurd: los eerst "
                             + ("de fout" if g["fouten"] == 1 else f"de {g['fouten']} fouten")
                             + " op"})
        elif REMINDER in codes:
            waiting.append({**item, "soort": "info",
                            "tekst": "afgelopen: vul de resultaten in (wat leverde het op?)"})
        elif g["waarschuwingen"]:
            columns = [m["kop"] for m in g["meldingen"] if m["ernst"] == "waarschuwing"
                       and m["kop"]]
            rest.append({**item, "soort": "waarschuwing", "tekst": "vul aan: "
                         + (", ".join(dict.fromkeys(columns)) or "zie hieronder")})
    return rejected + waiting + rest


def fixed_items(fixed: list[dict], before_rows: list[dict]) -> list[dict[str, Any]]:
    by_rij = {r["rij"]: r for r in before_rows}
    items = []
    for f in sorted(fixed, key=lambda f: (TAB_ORDER.get(f["tabblad"], 9), f["rij"] or 0)):
        row = by_rij.get(f["rij"]) if f["tabblad"] == ACTIES else None
        items.append({"rij": f["rij"], "titel": row_title(f, row), "kop": f["kop"] or "–",
                      "bericht": f["bericht"], "waarde": shown_value(f["waarde"]),
                      "ernst_label": SEVERITY_LABEL.get(f["ernst"], f["ernst"]),
                      "verwijderd": bool(f["verwijderd"])})
    return items


# ------------------------------------------------------------------ the whole picture

@dataclass
class ReportFacts:
    history: History
    catalogue_libraries: list[dict[str, Any]]
    start_months: dict[str, int]
    vocab: dict[str, list[str]]
    sources: Sources
    reserved: frozenset[str] = frozenset({"coordinatoren", "meldingen", "mail"})

    @property
    def run(self) -> dict[str, Any]:
        return self.history.current or {}

    @property
    def report_date(self) -> str:
        """The peildatum of the latest run that read the sheet (unchanged runs count)."""
        checked = [r for r in self.history.runs if r["status"] != "mislukt"]
        return (checked[-1] if checked else self.run).get("peildatum") or ""

    def library_names(self) -> list[str]:
        return [lib["naam"] for lib in self.catalogue_libraries]

    def slugs(self) -> dict[str, str]:
        return assign_slugs(self.library_names(), set(self.reserved))

    def emails(self) -> dict[str, str | None]:
        return {lib["naam"]: lib.get("email") for lib in self.history.libraries}

    # Per library, in the history's order: grouped once, so a report per library does not scan
    # every finding and row again (at 100,000 actions and 150 libraries that was quadratic).
    @cached_property
    def owned_findings(self) -> dict[str | None, list[dict]]:
        return group_by_owner(self.history.findings, self.library_index)

    @cached_property
    def owned_previous_findings(self) -> dict[str | None, list[dict]]:
        return group_by_owner(self.history.previous_findings, self.library_index)

    @cached_property
    def rows_by_library(self) -> dict[str | None, list[dict]]:
        return group_rows(self.history.rows)

    @cached_property
    def previous_rows_by_library(self) -> dict[str | None, list[dict]]:
        return group_rows(self.history.previous_rows)

    @cached_property
    def library_index(self) -> dict[str, str]:
        return {match_key(n): n for n in self.library_names()}


def agreements(facts: ReportFacts) -> dict[str, Any]:
    """Which libraries still have to agree to the terms (and how many of their actions wait),
    and which agreed to an older version of the terms (still valid, to be renewed)."""
    version = str(load_terms()["versie"])
    today = facts.report_date[:10]
    waiting = Counter(r["bibliotheek"] for r in facts.history.rows if r["uitkomst"] == WAITING)
    missing, outdated = [], []
    for lib in facts.history.libraries:
        day = lib.get("akkoord_voorwaarden")
        agreed_to = lib.get("akkoord_versie") or terms_version_of(day)  # older beheer.db
        if not day or (today and day > today):
            missing.append({"naam": lib["naam"], "wachtend": waiting[lib["naam"]]})
        elif (agreed_to or "") < version:
            outdated.append({"naam": lib["naam"], "datum": dutch_date(day),
                             "versie": dutch_date(agreed_to) if agreed_to else None})
    return {"versie": dutch_date(version), "ontbreekt": missing, "verouderd": outdated}


def group_by_owner(findings: list[dict], index: dict[str, str]) -> dict[str | None, list[dict]]:
    owned: dict[str | None, list[dict]] = {}
    for f in findings:
        owned.setdefault(owner_of(f, index), []).append(f)
    return owned


def group_rows(rows: list[dict]) -> dict[str | None, list[dict]]:
    grouped: dict[str | None, list[dict]] = {}
    for r in rows:
        grouped.setdefault(r["bibliotheek"], []).append(r)
    return grouped


def shown_source(source: str | None) -> str:
    """The source as a report names it: a web address whole, a file by its name only (the
    server's folders are nobody's business)."""
    text = str(source or "")
    if text.lower().startswith(("http://", "https://")):
        return text
    return re.split(r"[\\/]", text)[-1]


def run_summary(facts: ReportFacts) -> dict[str, Any]:
    run, latest = facts.run, facts.history.latest or {}
    note = None
    if latest and latest.get("status") == "mislukt":
        note = (f"Let op: de laatste verwerking ({dutch_time(latest['gestart'])}) is mislukt: "
                f"{latest.get('foutmelding') or 'onbekende fout'}. Dit rapport toont de laatste "
                f"geslaagde verwerking; de gepubliceerde kennisbank is ongewijzigd gebleven.")
    elif latest and latest.get("status") == "ongewijzigd":
        note = (f"De sheet is niet gewijzigd sinds {dutch_time(run.get('gestart'))}; "
                f"laatst gecontroleerd op {dutch_time(latest['gestart'])}.")
    previous = facts.history.previous
    return {"run_id": run.get("run_id", ""), "datum": dutch_date(facts.report_date),
            "tijd": dutch_time(run.get("gestart")), "bron": shown_source(run.get("bron")),
            "bron_soort": run.get("bron_soort") or "", "opmerking": note,
            "vorige": dutch_date(previous["peildatum"]) if previous else None}


def cards(facts: ReportFacts, spec: list[tuple[str, str, int, str]]) -> list[dict[str, Any]]:
    run, previous = facts.run, facts.history.previous
    return [{"label": label, "waarde": number(run.get(key)), "aantal": run.get(key),
             "soort": css, "delta": delta(run.get(key), previous.get(key) if previous else None,
                                          good)}
            for key, label, good, css in spec]


def month_keys(report_date: str, n: int = 12) -> list[tuple[int, int]]:
    d = date.fromisoformat(report_date[:10]) if report_date else date.today()
    keys = []
    year, month = d.year, d.month
    for _ in range(n):
        keys.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(keys))


def contributions(facts: ReportFacts) -> dict[str, Any]:
    """New actions per month (the month a row first appeared in the sheet, over all runs) and
    published actions per start month, for the last 12 months."""
    history = facts.history
    introduced = history.introduced
    months = month_keys(facts.report_date)
    new_by_month: Counter = Counter()
    libraries_by_month: dict[tuple[int, int], set] = defaultdict(set)
    for item in introduced:
        key = (int(item["peildatum"][:4]), int(item["peildatum"][5:7]))
        new_by_month[key] += 1
        if item["bibliotheek"]:
            libraries_by_month[key].add(item["bibliotheek"])
    table, new_points, start_points = [], [], []
    for year, month in months:
        label = nl.month_year(year, month)
        new, libs = new_by_month[(year, month)], len(libraries_by_month[(year, month)])
        started = facts.start_months.get(f"{year:04d}-{month:02d}", 0)
        table.append({"maand": label, "nieuw": new, "bibliotheken": libs, "gestart": started})
        short = nl.SHORT_MONTHS[month - 1]
        new_points.append({"label": short, "jaar": year if month == 1 or not new_points else None,
                           "value": new,
                           "title": f"{label}: {new} nieuwe acties van {libs} bibliotheken"})
        start_points.append({"label": short,
                             "jaar": year if month == 1 or not start_points else None,
                             "value": started, "title": f"{label}: {started} acties gestart"})
    first_run = history.completed_runs[0]["peildatum"] if history.completed_runs else None
    return {"tabel": table,
            "nieuw": bar_chart(new_points, "Nieuwe acties per maand (eerste keer in de sheet)"),
            "gestart": bar_chart(start_points, "Gepubliceerde acties per startmaand"),
            "eerste_run": dutch_date(first_run) if first_run else None}


def top_findings(findings: list[dict]) -> list[dict[str, Any]]:
    messages = load_messages()
    groups: dict[tuple, dict] = {}
    for f in findings:
        key = (f["code"], f["kop"] or "")
        g = groups.setdefault(key, {"code": f["code"], "kop": f["kop"] or "", "ernst": f["ernst"],
                                    "aantal": 0, "bibliotheken": set()})
        g["aantal"] += 1
        if f["bibliotheek"]:
            g["bibliotheken"].add(f["bibliotheek"])
    items = []
    for g in groups.values():
        spec = messages.get(g["code"], {"bericht": g["code"]})
        items.append({"label": generic_message(spec["bericht"], g["kop"]), "ernst": g["ernst"],
                      "ernst_label": SEVERITY_LABEL.get(g["ernst"], g["ernst"]),
                      "aantal": g["aantal"], "bibliotheken": len(g["bibliotheken"])})
    return sorted(items, key=lambda i: (-i["aantal"], SEVERITY_ORDER.get(i["ernst"], 3),
                                        i["label"]))


class _Placeholder(dict):
    def __missing__(self, key: str) -> str:
        return "" if key == "suggestie" else "…"


def generic_message(template: str, kop: str) -> str:
    """The message of a kind of finding without the row's own values."""
    text = string.Formatter().vformat(template, (), _Placeholder(kop=kop))
    return "De waarde " + text[4:] if text.startswith("'…' ") else text


def vocabulary_candidates(findings: list[dict]) -> list[dict[str, Any]]:
    fields = _fields()
    groups: dict[tuple, dict] = {}
    for f in findings:
        if f["code"] != "keuze_onbekend" or not f["waarde"]:
            continue
        field = fields.get((f["tabblad"], f["veld"] or ""), (0, None))[1]
        key = (f["veld"], match_key(f["waarde"]))
        g = groups.setdefault(key, {"kop": f["kop"], "keuzelijst": field.keuzelijst if field else "",
                                    "spellingen": Counter(), "aantal": 0, "bibliotheken": set()})
        g["spellingen"][f["waarde"]] += 1
        g["aantal"] += 1
        if f["bibliotheek"]:
            g["bibliotheken"].add(f["bibliotheek"])
    items = [{"waarde": g["spellingen"].most_common(1)[0][0], "kop": g["kop"],
              "keuzelijst": g["keuzelijst"], "aantal": g["aantal"],
              "bibliotheken": len(g["bibliotheken"])} for g in groups.values()]
    return sorted(items, key=lambda i: (-i["bibliotheken"], -i["aantal"], i["kop"],
                                        i["waarde"].casefold()))
