"""Reports: data quality and participation for coordinators, and per library only its own rows.

Read from DIR/beheer.db (history) and DIR/kennisbank.db (catalogue), rendered with the Jinja2
templates in templates/reports/ (HTML autoescaped, undefined variables are errors) and written to
DIR/rapporten/: coordinatoren.html/.txt, <library slug>.html/.txt/.csv and meldingen.csv."""

from __future__ import annotations

import csv
import ctypes
import gc
import json
import os
import re
import shutil
import sqlite3
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Mapping

import jinja2

from pipeline import nl
from pipeline.contract.config import ACTIES
from pipeline.csv_guard import guard_cell
from pipeline.errors import KennisbankError
from pipeline.forked import Forked
from pipeline.reports.context import (
    COUNTED,
    FINDING_TOTALS,
    MAX_FIXED,
    MAX_NOT_CONTRIBUTED,
    MAX_ROW_GROUPS,
    MAX_TO_DO,
    MAX_TOP_FINDINGS,
    MAX_VOCABULARY,
    ReportFacts,
    Sources,
    agreements,
    capped,
    cards,
    contributions,
    dutch_date,
    example_of,
    fixed_items,
    library_counts,
    number,
    owner_of,
    row_groups,
    row_title,
    run_summary,
    to_do,
    top_findings,
    vocabulary_candidates,
    vocabulary_examples,
)
from pipeline.store.history import History, fixed_findings, read_history
from pipeline.store.load import CATALOGUE, HISTORY, connect_readonly
from pipeline.store.lock import run_lock

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "reports"
REPORTS_DIR = "rapporten"
COORDINATOR = "coordinatoren"
ALL_FINDINGS_CSV = "meldingen.csv"
CSV_COLUMNS = ["bibliotheek", "tabblad", "rij", "titel", "kolom", "ernst", "melding",
               "oplossing", "voorbeeld", "ingevulde_waarde", "code", "actie_id", "link", "run"]


class ReportError(KennisbankError):
    """The reports cannot be made (no history yet)."""


@dataclass
class LibraryReport:
    """A library's report. Its files (html, text, csv) are read from `directory` when asked
    for: rendered reports are written as they are made and never held in memory together."""

    naam: str
    slug: str
    email: str | None
    open_findings: int
    subject: str
    reminders: int = 0              # actions waiting for their results (info findings)
    directory: Path | None = None   # DIR/rapporten/ once written

    @property
    def html(self) -> str:
        return read_report(self.directory, f"{self.slug}.html")

    @property
    def text(self) -> str:
        return read_report(self.directory, f"{self.slug}.txt")

    @property
    def csv(self) -> str:
        return read_report(self.directory, f"{self.slug}.csv")


@dataclass
class Reports:
    """The coordinators' report and the libraries'; like LibraryReport, the files are read
    from `directory` when asked for."""

    subject: str
    mail_html: str       # the coordinators' HTML without links to files (not a file)
    libraries: list[LibraryReport] = field(default_factory=list)
    directory: Path | None = None

    @property
    def html(self) -> str:
        """The file version, with links to the library reports."""
        return read_report(self.directory, f"{COORDINATOR}.html")

    @property
    def text(self) -> str:
        return read_report(self.directory, f"{COORDINATOR}.txt")

    @property
    def csv(self) -> str:
        return read_report(self.directory, ALL_FINDINGS_CSV)


def read_report(directory: Path | None, name: str) -> str:
    """A written report file, exactly as written (BOM and CRLF line ends included)."""
    if directory is None:
        raise ValueError(f"{name} is not written yet")
    with open(directory / name, encoding="utf-8", newline="") as fh:
        return fh.read()


def write_report(path: Path, content: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(content)


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
    env.filters["procent"] = nl.percentage
    env.filters["aantal"] = nl.counted           # {{ n|aantal("fout") }}: 1 fout, 2 fouten
    env.globals["ernst_kop"] = nl.SEVERITY_TOTALS  # column heads: Fouten, Waarschuwingen
    return env


def render(template: str, context: dict[str, Any]) -> str:
    text = environment().get_template(template).render(**context)
    return re.sub(r"\n{3,}", "\n\n", text) if template.endswith(".txt") else text


# ------------------------------------------------------------------ reading

def read_facts(out_dir: Path, known_sources: Mapping[str, Sources] | None = None) -> ReportFacts:
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
                       read_sources(history.current, out_dir, known_sources))


def read_sources(run: dict[str, Any], out_dir: Path,
                 known: Mapping[str, Sources] | None = None) -> Sources:
    """The Google Sheet key and tab ids of the run's snapshot, for links to rows. `known`:
    the sources of a snapshot the caller still holds, by its path as recorded in the run (the
    build that just wrote it), so the snapshot file is not read and parsed again."""
    if not run.get("snapshot"):
        return Sources()
    if known and run["snapshot"] in known:
        return known[run["snapshot"]]
    path = Path(run["snapshot"])
    for candidate in (path, out_dir / "raw" / path.name):
        if candidate.is_file():
            try:
                source = snapshot_source(candidate)
                if source is not None and (source.get("soort") != "google"
                                           or source.get("tab_ids")):
                    return sources_of({"bron": source})
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return Sources()
            return sources_of(data)
    return Sources()


SNAPSHOT_HEAD = re.compile(r'\s*\{\s*"formaat"\s*:\s*\d+\s*,\s*"bron"\s*:\s*')


def snapshot_source(path: Path) -> dict[str, Any] | None:
    """The 'bron' of a snapshot file, read from the file's start (snapshot.dump_snapshot writes
    it before the tabs), so the tabs (~100 MB at 100,000 actions, ~700 MB once parsed) are not
    read; None when the start is not in that shape. Enough for sources_of when the source is
    not a Google Sheet (no links) or its 'tab_ids' are there (every tab of the sheet, the ids the
    tabs carry as well)."""
    with open(path, encoding="utf-8") as fh:
        head = fh.read(1 << 16)
    found = SNAPSHOT_HEAD.match(head)
    if found is None:
        return None
    try:
        source, _ = json.JSONDecoder().raw_decode(head, found.end())
    except ValueError:
        return None
    return source if isinstance(source, dict) else None


def sources_of(data: Mapping[str, Any]) -> Sources:
    """Sources of a snapshot in its JSON shape (see snapshot.py; only 'bron' and each tab's
    'titel' and 'tab_id' are looked at)."""
    source = data.get("bron") or {}
    tab_ids = dict(source.get("tab_ids") or {})
    for tab in data.get("tabbladen") or []:
        if tab.get("tab_id") is not None:
            tab_ids.setdefault(tab["titel"], tab["tab_id"])
    key = source.get("spreadsheet_id") if source.get("soort") == "google" else None
    return Sources(key, tab_ids or None, tuple(source.get("bestanden") or ()))


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
    # taking part: at least one shared action (public or network-only), not merely filled in
    contributing = sum(1 for lib in libraries if lib["gepubliceerd"] + lib["alleen_netwerk"])
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
        "akkoord": agreements(facts),
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
        "te_doen": capped(to_do(groups), MAX_TO_DO),
        "bestanden": sorted({place[0] for r in rows
                             if (place := facts.sources.place(ACTIES, r["rij"]))[0]}),
        "opgelost": capped(fixed_items(fixed, h.previous_rows), MAX_FIXED),
        "eerste_run": h.previous is None, "csv": f"{slug}.csv",
        "google": bool(facts.sources.spreadsheet_id),
    }


def coordinator_subject(context: dict[str, Any]) -> str:
    totals = {c["label"]: c["aantal"] for c in context["totalen"]}
    counts = [nl.counted(totals[nl.SEVERITY_TOTALS[s]], s) for s in ("fout", "waarschuwing")]
    return f"Kennisbank Marketing: rapport van {context['run']['datum']} ({', '.join(counts)})"


def library_subject(name: str, counts: dict[str, Any], datum: str) -> str:
    n = counts["fouten"] + counts["waarschuwingen"]
    waiting = counts.get("resultaten_gevraagd", 0)
    if not n and waiting:
        return (f"Kennisbank Marketing: {waiting} {'actie wacht' if waiting == 1 else 'acties wachten'}"
                f" op resultaten voor {name} ({datum})")
    if not n:
        return f"Kennisbank Marketing: alles in orde voor {name} ({datum})"
    return (f"Kennisbank Marketing: {n} {'punt' if n == 1 else 'punten'} om te verbeteren "
            f"voor {name} ({datum})")


# ------------------------------------------------------------------ CSV

csv_safe = guard_cell  # the one CSV formula guard (pipeline/csv_guard.py)


def finding_cells(f: dict, row: dict | None, sources: Sources, vocab: dict) -> list[str]:
    """A finding's line in meldingen.csv and its library's CSV (`row`: its Acties row)."""
    return [guard_cell(v) for v in (
        f["bibliotheek"], f["tabblad"], f["rij"], row_title(f, row), f["kop"], f["ernst"],
        f["bericht"], f["hint"], example_of(f, vocab), f["waarde"], f["code"],
        f["actie_id"], sources.link(f["tabblad"], f["rij"]), f["run_id"])]


def write_findings_csvs(folder: Path, facts: ReportFacts, slugs: dict[str, str]) -> None:
    """meldingen.csv (every finding, with its row in the run) and <slug>.csv per library (its
    own findings, see owner_of, with its row among the library's rows), in the history's order,
    written in one pass: a finding's cells are made once for both files and no CSV is held in
    memory. One open file per library (about 150)."""
    h = facts.history
    by_rij = {r["rij"]: r for r in h.rows}
    library_rows = {name: {r["rij"]: r for r in rows}
                    for name, rows in facts.rows_by_library.items()}
    with ExitStack() as files:
        def writer(name: str) -> Any:
            fh = files.enter_context(open(folder / name, "w", encoding="utf-8", newline=""))
            fh.write("\ufeff")
            out = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            out.writerow(CSV_COLUMNS)
            return out

        everything = writer(ALL_FINDINGS_CSV)
        per_library = {name: writer(f"{slug}.csv") for name, slug in slugs.items()}
        for f in h.findings:
            acties = f["tabblad"] == ACTIES
            row = by_rij.get(f["rij"]) if acties else None
            cells = finding_cells(f, row, facts.sources, facts.vocab)
            everything.writerow(cells)
            owner = owner_of(f, facts.library_index)
            if owner not in per_library:
                continue
            own_row = library_rows.get(owner, {}).get(f["rij"]) if acties else None
            per_library[owner].writerow(
                cells if own_row is row else finding_cells(f, own_row, facts.sources, facts.vocab))


# ------------------------------------------------------------------ assembling and writing

def make_reports(out_dir: Path, folder: Path,
                 known_sources: Mapping[str, Sources] | None = None) -> Reports:
    """Render every report into `folder`, each file written as soon as it is rendered."""
    facts = read_facts(out_dir, known_sources)
    coordinator = coordinator_context(facts, files=True)
    reports = Reports(subject=coordinator_subject(coordinator),
                      mail_html=render("coordinatoren.html", {**coordinator, "bestanden": False}))
    write_report(folder / f"{COORDINATOR}.html", render("coordinatoren.html", coordinator))
    write_report(folder / f"{COORDINATOR}.txt", render("coordinatoren.txt", coordinator))
    del coordinator
    slugs, emails = facts.slugs(), facts.emails()
    # The CSV files of the findings (one pass over all of them) on another core, if there are
    # many, while the library reports are rendered here (pipeline/forked.py).
    csvs = Forked(lambda: write_findings_csvs(folder, facts, slugs),
                  parallel=len(facts.history.findings) >= FORK_FINDINGS_FROM)
    try:
        _library_reports(folder, facts, slugs, emails, reports)
        csvs.result()
    finally:
        csvs.close()
    return reports


FORK_FINDINGS_FROM = 20_000  # findings; fewer are written faster than a process is forked


def _library_reports(folder: Path, facts: ReportFacts, slugs: dict[str, str],
                     emails: dict[str, str], reports: Reports) -> None:
    for name, slug in slugs.items():
        context = library_context(facts, name, slug)
        counts = context["tellingen"]
        write_report(folder / f"{slug}.html", render("bibliotheek.html", context))
        write_report(folder / f"{slug}.txt", render("bibliotheek.txt", context))
        reports.libraries.append(LibraryReport(
            naam=name, slug=slug, email=emails.get(name),
            open_findings=counts["fouten"] + counts["waarschuwingen"],
            reminders=counts["resultaten_gevraagd"],
            subject=library_subject(name, counts, context["run"]["datum"])))


def release_build_memory() -> None:
    """Before the reports of a build in the same process: give the build's freed memory back,
    so the reports do not stack on top of it (at 100,000 actions the build leaves ~700 MiB
    resident). Empties the per-value caches of the cell parsers (the bounded functools caches
    of cells, config and normalise: up to 65,536 values each), collects garbage and, with
    glibc, returns the free heap pages to the system (malloc_trim): pandas frees its memory to
    the C heap, which Python's own allocator does not reuse for its objects."""
    from pipeline.contract import cells, config, normalise
    for module in (cells, config, normalise):
        for value in list(vars(module).values()):
            info = getattr(value, "cache_info", None)
            if callable(info) and callable(getattr(value, "cache_clear", None)) \
                    and info().maxsize is not None:
                value.cache_clear()
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            trim = ctypes.CDLL(None).malloc_trim  # glibc; not in musl
        except (OSError, AttributeError):
            return
        trim(0)


LOCK_WAIT = 600  # seconds a report waits for a build on the same folder to finish


def write_reports(out_dir: Path, known_sources: Mapping[str, Sources] | None = None) -> Reports:
    """Render and write DIR/rapporten/, replacing the previous reports as a whole (under the
    folder's run lock, so two processes never swap the folder at the same time, and a build's
    clean-up of leftovers never removes the folder being written)."""
    target = out_dir / REPORTS_DIR
    tmp = out_dir / f".{REPORTS_DIR}.{os.getpid()}.tmp"
    with run_lock(out_dir, wait=LOCK_WAIT):
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            reports = make_reports(out_dir, tmp, known_sources)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _swap(out_dir, tmp, target)
    reports.directory = target
    for lib in reports.libraries:
        lib.directory = target
    return reports


def _swap(out_dir: Path, tmp: Path, target: Path) -> None:
    old = out_dir / f".{REPORTS_DIR}.{os.getpid()}.old"
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
