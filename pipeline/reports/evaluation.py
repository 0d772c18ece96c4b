"""`kennisbank evaluatie`: the pilot's three questions answered with figures over time, from the
history in DIR/beheer.db and, when given, the usage logs of the catalogue.

- taking part: per month (the last run of the month), the libraries with at least one shared
  action (public or network only: ``runs.bibliotheken_met_acties``) against the registered ones
  (``runs.bibliotheken``), with the actions per sharing level, completeness and findings;
- actions per library in the latest run, registered libraries without actions included;
- time until findings are fixed: every open finding followed through the runs
  (pipeline/store/history.py, finding_lifetimes), days from the run it first appeared to the run
  it was gone; a finding whose row was deleted is counted apart, not as fixed;
- the terms: sharing levels and agreements;
- usage per month, most viewed actions, searches and searches without results, and the readers'
  feedback with their remarks (for the coordinators only; escaped, never published);
- each target of schemas/evaluatie.yml beside the measured figure.

Written to DIR/evaluatie/: evaluatie.html, evaluatie.txt (the mail's text part) and CSV files."""

from __future__ import annotations

import csv
import io
import sqlite3
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from pipeline import nl
from pipeline.contract.config import load_targets, load_terms, terms_version_of
from pipeline.contract.process import NETWORK, PUBLISHED, REJECTED, WAITING, WITHHELD
from pipeline.csv_guard import guard_cell
from pipeline.errors import KennisbankError
from pipeline.reports.chart import bar_chart
from pipeline.reports.render import render, write_report
from pipeline.reports.usage import aggregate, parse, read_lines
from pipeline.store.history import COMPLETED, read_finding_lifetimes
from pipeline.store.load import CATALOGUE, HISTORY, UNCHANGED, connect_readonly

EVALUATION_DIR = "evaluatie"
NETWORK_ONLY = NETWORK  # the outcome, also a column of runs
FIX_DAYS = 14           # "fixed within two weeks" (docs/evaluatie.md)
MAX_ACTIONS = 20        # most viewed actions shown
MAX_SEARCHES = 25
MAX_REMARKS = 100
LEVELS = [(PUBLISHED, "Openbaar"), (NETWORK_ONLY, "Alleen netwerk"),
          (WITHHELD, "Niet gedeeld"), (WAITING, "Wacht op akkoord"), (REJECTED, "Afgekeurd")]


@dataclass(frozen=True)
class Evaluation:
    folder: Path
    html: str
    text: str
    subject: str
    files: list[Path]
    context: dict[str, Any]

    @property
    def html_path(self) -> Path:
        return self.folder / "evaluatie.html"


def pct(part: int | None, whole: int | None) -> float | None:
    """part of whole in percent, one decimal; None when there is no whole."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def month_label(key: str) -> str:
    return nl.month_year(int(key[:4]), int(key[5:7]))


# ------------------------------------------------------------------ history

def read_runs(history_path: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """Completed and unchanged runs (oldest first), the latest completed run's rows and the
    registered libraries."""
    conn = connect_readonly(history_path)
    conn.row_factory = sqlite3.Row
    try:
        runs = [dict(r) for r in conn.execute(
            "select * from runs where status in (?, ?) order by gestart, rowid",
            (COMPLETED, UNCHANGED))]
        latest = next((r["run_id"] for r in reversed(runs) if r["status"] == COMPLETED), None)
        rows = [dict(r) for r in conn.execute(
            "select bibliotheek, uitkomst, compleetheid from rijen where run_id = ?", (latest,))]
        libraries = [dict(r) for r in conn.execute("select * from bibliotheken order by naam")]
    finally:
        conn.close()
    return runs, rows, libraries


def participation(runs: list[dict[str, Any]], van: date | None, tot: date | None
                  ) -> list[dict[str, Any]]:
    """Per month, the figures of its last run (completed or unchanged: both carry counts)."""
    last: dict[str, dict[str, Any]] = {}
    for run in runs:
        day = date.fromisoformat(run["peildatum"][:10])
        if (van and day < van) or (tot and day > tot):
            continue
        last[run["peildatum"][:7]] = run
    months = []
    for key, run in sorted(last.items()):
        shared = (run["gepubliceerd"] or 0) + (run["alleen_netwerk"] or 0)
        taking_part = run.get("bibliotheken_met_acties")
        months.append({
            "maand": key, "label": month_label(key), "peildatum": run["peildatum"][:10],
            "doen_mee": taking_part, "aangemeld": run["bibliotheken"],
            "deelname_pct": pct(taking_part, run["bibliotheken"]),
            "gelezen": run["rijen_gelezen"], "gedeeld": shared,
            **{level: run.get(level) for level, _ in LEVELS},
            "onvolledig": run["onvolledig"],
            "compleet_pct": pct((run["gepubliceerd"] or 0) - (run["onvolledig"] or 0),
                                run["gepubliceerd"]),
            "afgekeurd_pct": pct(run["afgekeurd"], run["rijen_gelezen"]),
            "fouten": run["fouten"], "waarschuwingen": run["waarschuwingen"]})
    return months


def actions_per_library(rows: list[dict], libraries: list[dict]) -> list[dict[str, Any]]:
    """The latest run's actions per library and outcome; registered libraries without actions
    too. Sorted by shared actions (most first), then by name."""
    registered = {lib["naam"] for lib in libraries}
    counts: dict[str, Counter] = defaultdict(Counter)
    for name in registered:
        counts[name]  # noqa: B018 - present with zero actions
    for row in rows:
        counts[row["bibliotheek"] or "(onbekende bibliotheek)"][row["uitkomst"]] += 1
    table = []
    for name, c in counts.items():
        shared = c[PUBLISHED] + c[NETWORK_ONLY]
        table.append({"naam": name, "aangemeld": name in registered, "gedeeld": shared,
                      **{level: c[level] for level, _ in LEVELS},
                      "totaal": sum(c.values())})
    return sorted(table, key=lambda r: (-r["gedeeld"], -r["totaal"], r["naam"]))


def _days(since: str, until: str) -> int:
    return (date.fromisoformat(until[:10]) - date.fromisoformat(since[:10])).days


def fixing_times(solved: list[dict], still_open: list[dict], today: str) -> list[dict[str, Any]]:
    """Per severity: findings fixed, the median number of days it took, the share fixed within
    FIX_DAYS; findings whose row was deleted; findings still open and their median age."""
    table = []
    for severity in ("fout", "waarschuwing"):
        fixed = [_days(f["sinds"], f["opgelost"]) for f in solved
                 if f["ernst"] == severity and not f["verwijderd"]]
        ages = [_days(f["sinds"], today) for f in still_open if f["ernst"] == severity]
        table.append({
            "ernst": severity, "label": nl.SEVERITY_TOTALS[severity],
            "opgelost": len(fixed),
            "mediaan_dagen": statistics.median(fixed) if fixed else None,
            "binnen_pct": pct(sum(1 for d in fixed if d <= FIX_DAYS), len(fixed)),
            "verwijderd": sum(1 for f in solved if f["ernst"] == severity and f["verwijderd"]),
            "open": len(ages), "mediaan_open": statistics.median(ages) if ages else None})
    return table


def agreements(libraries: list[dict], taking_part: set[str], today: str) -> dict[str, Any]:
    """Agreements to the terms: current version, an older version, none; for the registered
    libraries and for those taking part."""
    version = str(load_terms()["versie"])
    status = {}
    for lib in libraries:
        day = lib.get("akkoord_voorwaarden")
        agreed_to = lib.get("akkoord_versie") or terms_version_of(day)
        if not day or day > today:
            status[lib["naam"]] = "geen"
        else:
            status[lib["naam"]] = "huidig" if (agreed_to or "") >= version else "ouder"
    part = [status.get(name, "geen") for name in taking_part]
    return {"versie": nl.long_date(version), "huidig": sum(v == "huidig" for v in status.values()),
            "ouder": sum(v == "ouder" for v in status.values()),
            "geen": sum(v == "geen" for v in status.values()), "aangemeld": len(status),
            "doen_mee": len(part), "doen_mee_huidig": part.count("huidig")}


# ------------------------------------------------------------------ usage

def usage(logs: Iterable[Path], van: date | None, tot: date | None) -> dict[str, Any] | None:
    """The usage logs added up (kennisbank gebruik), per month, and the readers' remarks."""
    logs = list(logs)
    if not logs:
        return None
    lines = [line for path in logs for line in read_lines(path)]
    total = aggregate(lines, van, tot)
    by_month: dict[str, list[str]] = defaultdict(list)
    remarks = []
    for line in lines:
        parsed = parse(line)
        if parsed is None or (van and parsed[0] < van) or (tot and parsed[0] > tot):
            continue
        day, record = parsed
        by_month[day.isoformat()[:7]].append(line)
        remark = record.get("opmerking")
        if record["soort"] == "feedback" and isinstance(remark, str) and remark.strip():
            remarks.append({"tijd": record["tijd"], "datum": nl.long_date(day),
                            "actie_id": record.get("actie_id"),
                            "antwoord": record.get("antwoord"), "opmerking": remark.strip()})
    months = []
    for key, month_lines in sorted(by_month.items()):
        g = aggregate(month_lines)
        searches = sum(s["aantal"] for s in g["zoekopdrachten"])
        empty = sum(s["aantal"] for s in g["zonder_resultaat"])
        months.append({
            "maand": key, "label": month_label(key), "verzoeken": g["verzoeken"],
            "actiekaarten": sum(a["weergaven"] for a in g["actiekaarten"]),
            "zoekopdrachten": searches, "zonder_resultaat": empty,
            "ja": sum(f["ja"] for f in g["feedback"]),
            "nee": sum(f["nee"] for f in g["feedback"])})
    remarks.sort(key=lambda r: r["tijd"], reverse=True)
    return {"totaal": total, "maanden": months, "opmerkingen": remarks}


def action_titles(catalogue: Path, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Title and library of the given action ids, from the public catalogue when it is there."""
    if not ids or not catalogue.exists():
        return {}
    conn = connect_readonly(catalogue)
    try:
        marks = ",".join("?" * len(ids))
        return {r[0]: {"titel": r[1], "bibliotheek": r[2]} for r in conn.execute(
            f"select actie_id, titel, bibliotheek from acties where actie_id in ({marks})", ids)}
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


# ------------------------------------------------------------------ targets

def figures(months: list[dict], per_library: list[dict], fixing: list[dict],
            agreed: dict[str, Any], used: dict[str, Any] | None) -> dict[str, float | None]:
    """The measured figures the targets in schemas/evaluatie.yml name (None: not measured)."""
    now = months[-1] if months else {}
    taking_part = [lib for lib in per_library if lib["gedeeld"]]
    errors = next(f for f in fixing if f["ernst"] == "fout")
    g = used["totaal"] if used else None
    searches = sum(s["aantal"] for s in g["zoekopdrachten"]) if g else 0
    yes = sum(f["ja"] for f in g["feedback"]) if g else 0
    no = sum(f["nee"] for f in g["feedback"]) if g else 0
    return {
        "deelname_pct": now.get("deelname_pct"),
        "gedeelde_acties": now.get("gedeeld"),
        "drie_of_meer_pct": pct(sum(1 for lib in taking_part if lib["gedeeld"] >= 3),
                                len(taking_part)),
        "compleet_pct": now.get("compleet_pct"),
        "afgekeurd_pct": now.get("afgekeurd_pct"),
        "fouten_binnen_14_dagen_pct": errors["binnen_pct"],
        "akkoord_pct": pct(agreed["doen_mee_huidig"], agreed["doen_mee"]),
        "openbaar_pct": pct(now.get(PUBLISHED), now.get("gedeeld")),
        "zonder_resultaat_pct": pct(sum(s["aantal"] for s in g["zonder_resultaat"]), searches)
        if g else None,
        "bekeken_acties": len(g["actiekaarten"]) if g else None,
        "feedback_ja_pct": pct(yes, yes + no) if g else None,
    }


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return nl.percentage(value) if unit == "procent" else nl.number(value)


def goal_text(target: dict[str, Any]) -> str:
    """"minstens 75%", "minder dan 10%"."""
    if "minstens" in target:
        return f"minstens {shown(target['minstens'], target['eenheid'])}"
    return f"minder dan {shown(target['minder_dan'], target['eenheid'])}"


def targets_block() -> str:
    """The targets as a Markdown table, for docs/evaluatie.md (`make docs`)."""
    spec = load_targets()
    lines = ["| vraag | cijfer | streefwaarde aan het eind van de pilot |", "|---|---|---|"]
    for t in spec["streefwaarden"]:
        lines.append(f"| {t['vraag']}. {spec['vragen'][t['vraag']]} | {t['tekst']} | "
                     f"{goal_text(t)} |")
    return "\n".join(lines)


def against_targets(measured: dict[str, float | None]) -> list[dict[str, Any]]:
    rows = []
    for target in load_targets()["streefwaarden"]:
        value, unit = measured[target["cijfer"]], target["eenheid"]
        if value is None:
            met = None
        elif "minstens" in target:
            met = value >= target["minstens"]
        else:
            met = value < target["minder_dan"]
        rows.append({"vraag": target["vraag"], "tekst": target["tekst"], "cijfer": target["cijfer"],
                     "gemeten": shown(value, unit), "streefwaarde": goal_text(target),
                     "gehaald": met,
                     "oordeel": "nog niet te meten" if met is None else
                     ("gehaald" if met else "niet gehaald")})
    return rows


# ------------------------------------------------------------------ charts and files

def participation_chart(months: list[dict]) -> dict[str, Any]:
    points = [{"label": nl.SHORT_MONTHS[int(m["maand"][5:7]) - 1],
               "jaar": int(m["maand"][:4]) if i == 0 or m["maand"].endswith("-01") else None,
               "value": m["doen_mee"] or 0,
               "title": f"{m['label']}: {m['doen_mee'] or 0} van {m['aangemeld']} aangemelde "
                        "bibliotheken doen mee"} for i, m in enumerate(months)]
    chart = bar_chart(points, "Bibliotheken die meedoen, per maand")
    return {**chart, "total": None}


def usage_chart(months: list[dict]) -> dict[str, Any]:
    points = [{"label": nl.SHORT_MONTHS[int(m["maand"][5:7]) - 1],
               "jaar": int(m["maand"][:4]) if i == 0 or m["maand"].endswith("-01") else None,
               "value": m["verzoeken"], "title": f"{m['label']}: {m['verzoeken']} verzoeken"}
              for i, m in enumerate(months)]
    return {**bar_chart(points, "Verzoeken per maand"), "total": None}


def csv_text(header: list[str], rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([guard_cell(v) for v in row])
    return out.getvalue()


def csv_files(c: dict[str, Any]) -> dict[str, str]:
    files = {
        "deelname-per-maand.csv": csv_text(
            ["maand", "bibliotheken_doen_mee", "bibliotheken_aangemeld", "deelname_pct",
             "gelezen", "openbaar", "alleen_netwerk", "niet_gedeeld", "wacht_op_akkoord",
             "afgekeurd", "onvolledig", "compleet_pct", "fouten", "waarschuwingen"],
            ([m["maand"], m["doen_mee"], m["aangemeld"], m["deelname_pct"], m["gelezen"],
              m[PUBLISHED], m[NETWORK_ONLY], m[WITHHELD], m[WAITING], m[REJECTED],
              m["onvolledig"], m["compleet_pct"], m["fouten"], m["waarschuwingen"]]
             for m in c["maanden"])),
        "acties-per-bibliotheek.csv": csv_text(
            ["bibliotheek", "aangemeld", "gedeeld", "openbaar", "alleen_netwerk", "niet_gedeeld",
             "wacht_op_akkoord", "afgekeurd", "totaal"],
            ([lib["naam"], "ja" if lib["aangemeld"] else "nee", lib["gedeeld"], lib[PUBLISHED],
              lib[NETWORK_ONLY], lib[WITHHELD], lib[WAITING], lib[REJECTED], lib["totaal"]]
             for lib in c["bibliotheken"])),
        "streefwaarden.csv": csv_text(
            ["vraag", "cijfer", "omschrijving", "gemeten", "streefwaarde", "oordeel"],
            ([t["vraag"], t["cijfer"], t["tekst"], t["gemeten"], t["streefwaarde"], t["oordeel"]]
             for t in c["streefwaarden"])),
    }
    if c["gebruik"]:
        files["gebruik-per-maand.csv"] = csv_text(
            ["maand", "verzoeken", "actiekaarten", "zoekopdrachten", "zonder_resultaat",
             "feedback_ja", "feedback_nee"],
            ([m["maand"], m["verzoeken"], m["actiekaarten"], m["zoekopdrachten"],
              m["zonder_resultaat"], m["ja"], m["nee"]] for m in c["gebruik"]["maanden"]))
        files["reacties.csv"] = csv_text(
            ["tijd", "actie_id", "antwoord", "opmerking"],
            ([r["tijd"], r["actie_id"], r["antwoord"], r["opmerking"]]
             for r in c["gebruik"]["opmerkingen"]))
    return files


# ------------------------------------------------------------------ the report

def evaluation_context(out_dir: Path, logs: Iterable[Path] = (), van: date | None = None,
                       tot: date | None = None, today: date | None = None) -> dict[str, Any]:
    history_path = out_dir / HISTORY
    if not history_path.exists():
        raise KennisbankError(f"Er is nog geen geschiedenis in {out_dir}: maak eerst de "
                              "kennisbank met `kennisbank build` of `kennisbank run`.")
    runs, rows, libraries = read_runs(history_path)
    months = participation(runs, van, tot)
    per_library = actions_per_library(rows, libraries)
    last_day = months[-1]["peildatum"] if months else (today or date.today()).isoformat()
    solved, still_open = read_finding_lifetimes(history_path)
    fixing = fixing_times(solved, still_open, last_day)
    taking_part = {lib["naam"] for lib in per_library if lib["gedeeld"] and lib["aangemeld"]}
    agreed = agreements(libraries, taking_part, last_day)
    used = usage(logs, van, tot)
    if used:
        g = used["totaal"]
        titles = action_titles(out_dir / CATALOGUE,
                               [a["actie_id"] for a in g["actiekaarten"][:MAX_ACTIONS]] +
                               [f["actie_id"] for f in g["feedback"]])
        used["meest_bekeken"] = [{**a, **titles.get(a["actie_id"], {})}
                                 for a in g["actiekaarten"][:MAX_ACTIONS]]
        used["feedback"] = [{**f, **titles.get(f["actie_id"], {})} for f in g["feedback"]]
        used["opmerkingen_getoond"] = used["opmerkingen"][:MAX_REMARKS]
        used["grafiek"] = usage_chart(used["maanden"])
    measured = figures(months, per_library, fixing, agreed, used)
    now = months[-1] if months else None
    return {
        "datum": nl.long_date(last_day), "maanden": months, "nu": now,
        "grafiek": participation_chart(months) if months else None,
        "bibliotheken": per_library,
        "niet_aangemeld": [lib["naam"] for lib in per_library if not lib["aangemeld"]],
        "zonder_acties": [lib["naam"] for lib in per_library
                          if lib["aangemeld"] and not lib["gedeeld"]],
        "oplostijd": fixing, "dagen": FIX_DAYS, "akkoord": agreed, "niveaus": LEVELS,
        "gebruik": used, "streefwaarden": against_targets(measured),
        "max_zoek": MAX_SEARCHES,
    }


def subject_of(c: dict[str, Any]) -> str:
    now = c["nu"]
    if now is None:
        return f"Evaluatie Kennisbank Marketing ({c['datum']})"
    return (f"Evaluatie Kennisbank Marketing: {now['doen_mee']} van {now['aangemeld']} "
            f"aangemelde bibliotheken doen mee ({c['datum']})")


def make_evaluation(out_dir: Path, logs: Iterable[Path] = (), van: date | None = None,
                    tot: date | None = None) -> Evaluation:
    """Write DIR/evaluatie/ (HTML, text and CSV) and return what was written."""
    context = evaluation_context(out_dir, logs, van, tot)
    folder = out_dir / EVALUATION_DIR
    folder.mkdir(parents=True, exist_ok=True)
    html = render("evaluatie.html", {"e": context})
    text = render("evaluatie.txt", {"e": context})
    written = []
    for name, content in [("evaluatie.html", html), ("evaluatie.txt", text),
                          *csv_files(context).items()]:
        write_report(folder / name, content)
        written.append(folder / name)
    return Evaluation(folder, html, text, subject_of(context), written, context)
