"""Read the coordinators' history (beheer.db) back: runs, findings and rows per run, when each
action first appeared, and which findings were fixed between two runs. Read-only, pure queries."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pipeline.contract.config import ACTIES
from pipeline.store.load import UNCHANGED, connect_readonly

COMPLETED = "voltooid"
FAILED = "mislukt"
OPEN_SEVERITIES = ("fout", "waarschuwing")


@dataclass
class History:
    runs: list[dict[str, Any]]                  # every run, oldest first
    current: dict[str, Any] | None              # the latest completed run (its findings are current)
    previous: dict[str, Any] | None             # the completed run before it
    latest: dict[str, Any] | None               # the latest run of any status
    findings: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    previous_findings: list[dict[str, Any]] = field(default_factory=list)
    previous_rows: list[dict[str, Any]] = field(default_factory=list)
    libraries: list[dict[str, Any]] = field(default_factory=list)
    first_seen: dict[tuple[str, int], str] = field(default_factory=dict)  # current (run, rij) → date
    introduced: list[dict[str, Any]] = field(default_factory=list)     # first appearances

    @property
    def completed_runs(self) -> list[dict[str, Any]]:
        return [r for r in self.runs if r["status"] == COMPLETED]


def read_history(path: Path) -> History:
    conn = connect_readonly(path)
    conn.row_factory = sqlite3.Row
    try:
        runs = [dict(r) for r in conn.execute("select * from runs order by gestart, rowid")]
        completed = [r for r in runs if r["status"] == COMPLETED]
        current = completed[-1] if completed else None
        previous = completed[-2] if len(completed) > 1 else None
        history = History(runs, current, previous, runs[-1] if runs else None)
        if current is None:
            return history
        history.findings = _select(conn, "meldingen", current["run_id"])
        history.rows = _select(conn, "rijen", current["run_id"])
        if previous is not None:
            history.previous_findings = _select(conn, "meldingen", previous["run_id"])
            history.previous_rows = _select(conn, "rijen", previous["run_id"])
        history.libraries = [dict(r) for r in conn.execute(  # older histories: no agreement
            "select * from bibliotheken order by naam")]
        loaded = {current["run_id"]: history.rows}
        if previous is not None:
            loaded[previous["run_id"]] = history.previous_rows
        history.first_seen, history.introduced = trace_actions(
            completed, lambda run_id: loaded.get(run_id) or _select_trace_rows(conn, run_id))
        return history
    finally:
        conn.close()


def _select(conn: sqlite3.Connection, table: str, run_id: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        f"select * from {table} where run_id = ? order by rowid", (run_id,))]  # table: a constant


def _select_trace_rows(conn: sqlite3.Connection, run_id: str) -> list[dict]:
    """A run's rows with what match_rows looks at (by the run_id index)."""
    return [dict(r) for r in conn.execute(
        "select run_id, rij, actie_id, bibliotheek, titel from rijen where run_id = ? "
        "order by rowid", (run_id,))]


# ------------------------------------------------------------------ matching rows between runs

def match_rows(before: list[dict], after: list[dict]) -> dict[int, dict]:
    """Pair each row of the later run with the row it was in the earlier run: first by action
    id, then by library and title, then by library and sheet row (an id can change when a row is
    fixed). Returns {rij after: row before}; one-to-one, never across libraries."""
    keys = (lambda r: r["actie_id"],
            lambda r: (r["bibliotheek"], r["titel"]) if r["titel"] else None,
            lambda r: (r["bibliotheek"], r["rij"]))
    unmatched_before = list(before)
    unmatched_after = list(after)
    pairs: dict[int, dict] = {}
    for key in keys:
        index: dict[Any, list[dict]] = defaultdict(list)
        for row in unmatched_before:
            if key(row) is not None:
                index[key(row)].append(row)
        still_after = []
        for row in unmatched_after:
            candidates = index.get(key(row)) if key(row) is not None else None
            if candidates and _same_library(candidates[0], row):
                pairs[row["rij"]] = candidates.pop(0)
            else:
                still_after.append(row)
        taken = {id(r) for r in pairs.values()}
        unmatched_before = [r for r in unmatched_before if id(r) not in taken]
        unmatched_after = still_after
    return pairs


def _same_library(a: dict, b: dict) -> bool:
    return a["bibliotheek"] == b["bibliotheek"] or a["bibliotheek"] is None


def trace_actions(completed: list[dict], rows_of: Callable[[str], list[dict]]
                  ) -> tuple[dict[tuple[str, int], str], list[dict[str, Any]]]:
    """Follow each action through the completed runs (`rows_of(run_id)`: a run's rows, asked
    for run by run, so at most two runs' rows are held). Returns, for every row of the last
    run, by (run, rij), the peildatum of the run in which that action first appeared in the
    sheet, and the list of first appearances over all runs (run, row, date, library): rows not
    matched to a row of the run before."""
    seen: dict[int, str] = {}
    introduced: list[dict[str, Any]] = []
    before: list[dict] = []
    for run in completed:
        rows = rows_of(run["run_id"])
        pairs = match_rows(before, rows)
        seen_before, seen = seen, {}
        for row in rows:
            earlier = pairs.get(row["rij"])
            if earlier is not None:
                seen[row["rij"]] = seen_before[earlier["rij"]]
                continue
            seen[row["rij"]] = run["peildatum"]
            introduced.append({"run_id": run["run_id"], "rij": row["rij"],
                               "peildatum": run["peildatum"], "bibliotheek": row["bibliotheek"]})
        before = rows
    last = completed[-1]["run_id"] if completed else None
    return {(last, rij): day for rij, day in seen.items()}, introduced


# ------------------------------------------------------------------ fixed since the last run

def _finding_key(f: dict) -> tuple:
    return (f["tabblad"], f["veld"], f["code"])


def fixed_findings(before_findings: list[dict], before_rows: list[dict],
                   after_findings: list[dict], after_rows: list[dict]) -> list[dict]:
    """Open findings (errors, warnings) of the earlier run that the later run no longer has.
    Action rows are matched between the runs (see match_rows); a finding of the Bibliotheken tab
    is matched by library. Each returned finding gets `verwijderd` = the row is gone."""
    gone = pair_findings(before_findings, before_rows, after_findings, after_rows)[1]
    return [{**f, "verwijderd": deleted} for f, deleted in gone]


def pair_findings(before_findings: list[dict], before_rows: list[dict],
                  after_findings: list[dict], after_rows: list[dict]
                  ) -> tuple[list[tuple[dict, dict]], list[tuple[dict, bool]]]:
    """The open findings of the earlier run paired with the same finding in the later run, and
    those the later run no longer has, each with whether its row was deleted (see
    fixed_findings)."""
    pairs = match_rows(before_rows, after_rows)
    row_now = {before["rij"]: after_rij for after_rij, before in pairs.items()}
    remaining: dict[tuple, list[dict]] = defaultdict(list)
    for f in after_findings:
        if f["ernst"] in OPEN_SEVERITIES:
            remaining[(_where(f, f["rij"]), *_finding_key(f))].append(f)
    paired: list[tuple[dict, dict]] = []
    gone: list[tuple[dict, bool]] = []
    for f in before_findings:
        if f["ernst"] not in OPEN_SEVERITIES or f["rij"] is None:
            continue
        if f["tabblad"] == ACTIES:
            now = row_now.get(f["rij"])
            if now is None:
                gone.append((f, True))
                continue
            where = _where(f, now)
        else:
            where = _where(f, f["rij"])
        same = remaining.get((where, *_finding_key(f)))
        if same:
            index = next((i for i, g in enumerate(same) if g["waarde"] == f["waarde"]), 0)
            paired.append((f, same.pop(index)))
        else:
            gone.append((f, False))
    return paired, gone


def finding_lifetimes(completed: list[dict], findings_of: Callable[[str], list[dict]],
                      rows_of: Callable[[str], list[dict]]) -> tuple[list[dict], list[dict]]:
    """Follow every open finding (error, warning) through the completed runs, two runs at a
    time. Returns the findings that were solved, each with `sinds` (the run date it first
    appeared), `opgelost` (the run date it was gone) and `verwijderd` (its row was deleted),
    and the findings still open in the last run, each with `sinds`."""
    before_findings: list[dict] = []
    before_rows: list[dict] = []
    first: dict[int, str] = {}  # id(finding of the run before) -> date it first appeared
    solved: list[dict] = []
    for run in completed:
        findings = [f for f in findings_of(run["run_id"])
                    if f["ernst"] in OPEN_SEVERITIES and f["rij"] is not None]
        rows = rows_of(run["run_id"])
        paired, gone = pair_findings(before_findings, before_rows, findings, rows)
        since = {id(after): first[id(before)] for before, after in paired}
        for f in findings:
            since.setdefault(id(f), run["peildatum"])
        solved.extend({**f, "verwijderd": deleted, "sinds": first[id(f)],
                       "opgelost": run["peildatum"]} for f, deleted in gone)
        before_findings, before_rows, first = findings, rows, since
    return solved, [{**f, "sinds": first[id(f)]} for f in before_findings]


def _where(f: dict, row: Any) -> tuple:
    if f["tabblad"] == ACTIES:
        return (ACTIES, row)
    return (f["tabblad"], f["bibliotheek"] or row)


def read_finding_lifetimes(path: Path) -> tuple[list[dict], list[dict]]:
    """finding_lifetimes over every completed run in beheer.db (two runs in memory at a time)."""
    conn = connect_readonly(path)
    conn.row_factory = sqlite3.Row
    try:
        completed = [dict(r) for r in conn.execute(
            "select run_id, peildatum from runs where status = ? order by gestart, rowid",
            (COMPLETED,))]
        return finding_lifetimes(completed, lambda run_id: _select(conn, "meldingen", run_id),
                                 lambda run_id: _select_trace_rows(conn, run_id))
    finally:
        conn.close()


__all__ = ["History", "read_history", "match_rows", "trace_actions", "fixed_findings",
           "pair_findings", "finding_lifetimes", "read_finding_lifetimes",
           "COMPLETED", "FAILED", "UNCHANGED"]
