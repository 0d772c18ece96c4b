"""Reports: data quality and participation for coordinators, and per library only its own rows.

Read from DIR/beheer.db (history) and DIR/kennisbank.db (catalogue), rendered with the Jinja2
templates in templates/reports/ (HTML autoescaped, undefined variables are errors) and written to
DIR/rapporten/: coordinatoren.html/.txt, <library slug>.html/.txt/.csv and meldingen.csv."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .config import ACTIES, match_key
from .errors import KennisbankError
from .history import History, fixed_findings, read_history
from .load import CATALOGUE, HISTORY, connect_readonly
from .lock import run_lock
from .report_context import (COUNTED, FINDING_TOTALS, MAX_FIXED, MAX_NOT_CONTRIBUTED,
                             MAX_ROW_GROUPS, MAX_TOP_FINDINGS, MAX_VOCABULARY, ReportFacts,
                             Sources, capped, cards, contributions, dutch_date, example_of,
                             fixed_items, library_counts, number, owner_of, row_groups,
                             row_title, run_summary, top_findings, vocabulary_candidates,
                             vocabulary_examples)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "reports"
REPORTS_DIR = "rapporten"
COORDINATOR = "coordinatoren"
ALL_FINDINGS_CSV = "meldingen.csv"
CSV_COLUMNS = ["bibliotheek", "tabblad", "rij", "titel", "kolom", "ernst", "melding",
               "oplossing", "voorbeeld", "ingevulde_waarde", "code", "actie_id", "link", "run"]
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d.,]*")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMULA_FIRST = frozenset(FORMULA_START) | {" "}  # first characters that need the full check


class ReportError(KennisbankError):
    """The reports cannot be made (no history yet)."""


@dataclass
class LibraryReport:
    naam: str
    slug: str
    email: str | None
    open_findings: int
    subject: str
    html: str
    text: str
    csv: str


@dataclass
class Reports:
    subject: str
    html: str            # the file version, with links to the library reports
    mail_html: str       # the same without links to files
    text: str
    csv: str
    libraries: list[LibraryReport] = field(default_factory=list)
    directory: Path | None = None


# ------------------------------------------------------------------ templates

@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=lambda name: name is None or not name.endswith(".txt"),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters["getal"] = number
    env.filters["datum"] = dutch_date
    return env


def render(template: str, context: dict[str, Any]) -> str:
    text = environment().get_template(template).render(**context)
    return re.sub(r"\n{3,}", "\n\n", text) if template.endswith(".txt") else text


# ------------------------------------------------------------------ reading

def read_facts(out_dir: Path) -> ReportFacts:
    history_path, catalogue_path = out_dir / HISTORY, out_dir / CATALOGUE
    if not history_path.exists() or not catalogue_path.exists():
        raise ReportError(f"In '{out_dir}' staan nog geen {HISTORY} en {CATALOGUE}; "
                          f"draai eerst: kennisbank build --out {out_dir}")
    history = read_history(history_path)
    if history.current is None:
        raise ReportError(f"'{history_path}' bevat nog geen geslaagde run; "
                          f"draai eerst: kennisbank build --out {out_dir}")
    catalogue = connect_readonly(catalogue_path)
    catalogue.row_factory = sqlite3.Row
    try:
        libraries = [dict(r) for r in catalogue.execute(
            "select naam, provincie from bibliotheken order by naam")]
        start_months = {r[0]: r[1] for r in catalogue.execute(
            "select substr(startdatum, 1, 7), count(*) from acties group by 1")}
        vocab = vocabulary_examples(catalogue)
    finally:
        catalogue.close()
    return ReportFacts(history, libraries, start_months, vocab,
                       read_sources(history.current, out_dir))


def read_sources(run: dict[str, Any], out_dir: Path) -> Sources:
    """The Google Sheet key and tab ids of the run's snapshot, for links to rows."""
    if not run.get("snapshot"):
        return Sources()
    path = Path(run["snapshot"])
    for candidate in (path, out_dir / "raw" / path.name):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return Sources()
            source = data.get("bron") or {}
            tab_ids = dict(source.get("tab_ids") or {})
            for tab in data.get("tabbladen") or []:
                if tab.get("tab_id") is not None:
                    tab_ids.setdefault(tab["titel"], tab["tab_id"])
            key = source.get("spreadsheet_id") if source.get("soort") == "google" else None
            return Sources(key, tab_ids or None)
    return Sources()


# ------------------------------------------------------------------ contexts

def library_index(facts: ReportFacts) -> dict[str, str]:
    return facts.library_index


def coordinator_context(facts: ReportFacts, files: bool) -> dict[str, Any]:
    h = facts.history
    slugs, emails = facts.slugs(), facts.emails()
    owned = facts.owned_findings
    libraries = []
    for lib in facts.catalogue_libraries:
        name = lib["naam"]
        rows = facts.rows_by_library.get(name, [])
        counts = library_counts(rows, owned.get(name, []))
        last = max((h.first_seen.get((r["run_id"], r["rij"])) or "" for r in rows), default="")
        libraries.append({"naam": name, "provincie": lib["provincie"] or "", "slug": slugs[name],
                          "email": bool(emails.get(name)), "laatste": dutch_date(last or None),
                          **counts})
    unknown_rows = [r for r in h.rows if r["bibliotheek"] is None]
    unknown = library_counts(unknown_rows, [f for f in owned.get(None, [])
                                            if f["tabblad"] == ACTIES]) if unknown_rows else None
    contributing = sum(1 for lib in libraries if lib["acties"])
    not_contributed = [{"naam": lib["naam"], "slug": lib["slug"]} for lib in libraries
                       if not lib["acties"]]
    unassigned = row_groups(owned.get(None, []), h.rows, facts.sources, facts.vocab)
    return {
        "bestanden": files, "run": run_summary(facts),
        "kaarten": cards(facts, COUNTED), "totalen": cards(facts, FINDING_TOTALS),
        "deelname": {"bijgedragen": contributing, "totaal": len(libraries),
                     "pct": round(100 * contributing / len(libraries)) if libraries else 0},
        "bibliotheken": libraries, "onbekend": unknown,
        "zonder_email": [lib["naam"] for lib in libraries if not lib["email"]],
        "nog_niet": capped(not_contributed, MAX_NOT_CONTRIBUTED),
        "bijdragen": contributions(facts),
        "top": capped(top_findings([f for f in h.findings if f["ernst"] != "info"]),
                      MAX_TOP_FINDINGS),
        "woorden": capped(vocabulary_candidates(h.findings), MAX_VOCABULARY),
        "zonder_bibliotheek": capped(unassigned, MAX_ROW_GROUPS),
        "verloop": run_trend(h),
        "csv": ALL_FINDINGS_CSV,
    }


def run_trend(history: History, n: int = 8) -> list[dict[str, Any]]:
    return [{"datum": dutch_date(r["peildatum"]), "gelezen": r["rijen_gelezen"],
             "gepubliceerd": r["gepubliceerd"], "onvolledig": r["onvolledig"],
             "afgekeurd": r["afgekeurd"], "niet_gedeeld": r["niet_gedeeld"],
             "fouten": r["fouten"], "waarschuwingen": r["waarschuwingen"]}
            for r in reversed(history.completed_runs[-n:])]


def library_context(facts: ReportFacts, name: str, slug: str) -> dict[str, Any]:
    h = facts.history
    findings = facts.owned_findings.get(name, [])
    rows = facts.rows_by_library.get(name, [])
    fixed = []
    if h.previous is not None:
        before = facts.owned_previous_findings.get(name, [])
        fixed = fixed_findings(before, facts.previous_rows_by_library.get(name, []),
                               findings, rows)
    groups = row_groups(findings, rows, facts.sources, facts.vocab)
    return {
        "bibliotheek": name, "run": {**run_summary(facts), "opmerking": None},  # for coordinators
        "tellingen": library_counts(rows, findings),
        "rijen": capped(groups, MAX_ROW_GROUPS),
        "opgelost": capped(fixed_items(fixed, h.previous_rows), MAX_FIXED),
        "eerste_run": h.previous is None, "csv": f"{slug}.csv",
        "google": bool(facts.sources.spreadsheet_id),
    }


def coordinator_subject(context: dict[str, Any]) -> str:
    totals = {c["label"]: c["aantal"] for c in context["totalen"]}
    return (f"Kennisbank Marketing: rapport van {context['run']['datum']} "
            f"({totals['Fouten']} fouten, {totals['Waarschuwingen']} waarschuwingen)")


def library_subject(name: str, counts: dict[str, Any], datum: str) -> str:
    n = counts["fouten"] + counts["waarschuwingen"]
    if not n:
        return f"Kennisbank Marketing: alles in orde voor {name} ({datum})"
    return (f"Kennisbank Marketing: {n} {'punt' if n == 1 else 'punten'} om te verbeteren "
            f"voor {name} ({datum})")


# ------------------------------------------------------------------ CSV

def csv_safe(value: Any) -> str:
    """Text that a spreadsheet will not run as a formula: a leading =, +, -, @, tab or newline
    gets a leading apostrophe; a plain number such as -12,5 (or a lone '-') stays as it is."""
    text = "" if value is None else str(value)
    if text[:1] not in FORMULA_FIRST:  # fast path: cannot start a formula (also '')
        return text
    if text == "-" or PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text if text.lstrip(" ").startswith(FORMULA_START) else text


def findings_csv(findings: list[dict], rows: list[dict], sources: Sources, vocab: dict) -> str:
    by_rij = {r["rij"]: r for r in rows}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in findings:
        row = by_rij.get(f["rij"]) if f["tabblad"] == ACTIES else None
        writer.writerow([csv_safe(v) for v in (
            f["bibliotheek"], f["tabblad"], f["rij"], row_title(f, row), f["kop"], f["ernst"],
            f["bericht"], f["hint"], example_of(f, vocab), f["waarde"], f["code"],
            f["actie_id"], sources.link(f["tabblad"], f["rij"]), f["run_id"])])
    return "\ufeff" + out.getvalue()


# ------------------------------------------------------------------ assembling and writing

def make_reports(out_dir: Path) -> Reports:
    """Render every report in memory."""
    facts = read_facts(out_dir)
    h = facts.history
    coordinator = coordinator_context(facts, files=True)
    reports = Reports(
        subject=coordinator_subject(coordinator),
        html=render("coordinatoren.html", coordinator),
        mail_html=render("coordinatoren.html", {**coordinator, "bestanden": False}),
        text=render("coordinatoren.txt", coordinator),
        csv=findings_csv(h.findings, h.rows, facts.sources, facts.vocab))
    emails = facts.emails()
    for name, slug in facts.slugs().items():
        context = library_context(facts, name, slug)
        counts = context["tellingen"]
        own = facts.owned_findings.get(name, [])
        reports.libraries.append(LibraryReport(
            naam=name, slug=slug, email=emails.get(name),
            open_findings=counts["fouten"] + counts["waarschuwingen"],
            subject=library_subject(name, counts, context["run"]["datum"]),
            html=render("bibliotheek.html", context), text=render("bibliotheek.txt", context),
            csv=findings_csv(own, facts.rows_by_library.get(name, []),
                             facts.sources, facts.vocab)))
    return reports


LOCK_WAIT = 600  # seconds a report waits for a build on the same folder to finish


def write_reports(out_dir: Path) -> Reports:
    """Render and write DIR/rapporten/, replacing the previous reports as a whole (under the
    folder's run lock, so two processes never swap the folder at the same time)."""
    reports = make_reports(out_dir)
    with run_lock(out_dir, wait=LOCK_WAIT):
        _write_files(out_dir, reports)
    reports.directory = out_dir / REPORTS_DIR
    return reports


def _write_files(out_dir: Path, reports: Reports) -> None:
    target = out_dir / REPORTS_DIR
    tmp = out_dir / f".{REPORTS_DIR}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    files = {f"{COORDINATOR}.html": reports.html, f"{COORDINATOR}.txt": reports.text,
             ALL_FINDINGS_CSV: reports.csv}
    for lib in reports.libraries:
        files.update({f"{lib.slug}.html": lib.html, f"{lib.slug}.txt": lib.text,
                      f"{lib.slug}.csv": lib.csv})
    for name, content in files.items():
        (tmp / name).write_text(content, encoding="utf-8", newline="")
    old = out_dir / f".{REPORTS_DIR}.{os.getpid()}.old"
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
