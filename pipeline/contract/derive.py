"""Derived values: stable ids, duplicates, goal reached, completeness and the comparison columns."""

from __future__ import annotations

import hashlib
import math
from datetime import date

import numpy as np
import pandas as pd

from pipeline.contract.config import (  # noqa: F401 - the budget classes are used from here
    ABOVE_BUDGET_CLASSES,
    ACTIES,
    BUDGET_CLASSES,
    BUDGET_LABELS,
    NO_BUDGET,
    Field,
    channel_groups,
    hourly_rate,
    match_key,
)
from pipeline.contract.findings import Findings

PLANNED, RUNNING, FINISHED = STATUSES = ("gepland", "lopend", "afgerond")


def derived_id(library: str | None, title: str | None, start: str | None) -> str:
    """A stable id from library, title and start date: survives row moves and case edits."""
    key = "|".join(match_key(part or "") for part in (library, title, start))
    return "KB-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10].upper()


def assign_ids(frame: pd.DataFrame, findings: Findings) -> pd.DataFrame:
    """Fill blank ids; report later duplicates of a row (same library, title, start) and of an id."""
    frame = frame.copy()
    derived = [derived_id(b, t, s) for b, t, s in
               zip(frame["bibliotheek"], frame["titel"], frame["startdatum"])]
    frame["actie_id"] = [typed if isinstance(typed, str) and typed else d
                         for typed, d in zip(frame["actie_id"], derived)]
    first_of_content: dict[str, int] = {}
    first_of_id: dict[str, int] = {}
    for row, content, complete, actie_id in zip(
        frame["rij"], derived, frame[["bibliotheek", "titel", "startdatum"]].notna().all(axis=1),
        frame["actie_id"],
    ):
        if complete and content in first_of_content:
            findings.add("dubbele_rij", ACTIES, int(row), veld=None,
                         eerdere_rij=first_of_content[content])
            continue
        if complete:
            first_of_content[content] = int(row)
        if actie_id in first_of_id:
            findings.add("dubbel_id", ACTIES, int(row), veld="actie_id", waarde=actie_id,
                         eerdere_rij=first_of_id[actie_id])
        else:
            first_of_id[actie_id] = int(row)
    return frame


def goal_reached(typed: str | None, target: float, result: float) -> str:
    """A value typed by the library wins; otherwise derived from target and result."""
    if isinstance(typed, str) and typed:
        return typed
    if _missing(target) or _missing(result):
        return "onbekend"
    if result >= target:
        return "ja"
    return "deels" if result > 0 else "nee"


def completeness(frame: pd.DataFrame, fields: tuple[Field, ...],
                 findings: Findings) -> tuple[list[int], list[list[str]]]:
    """Share of required and recommended fields filled, and the recommended ones still empty.

    Streefwaarde and resultaat count as recommended when a KPI is given."""
    required = [f for f in fields if f.niveau == "verplicht"]
    recommended = [f for f in fields if f.niveau == "aanbevolen"]
    expected = [f for f in fields if f.verwacht_bij]
    wanted_fields = required + recommended + expected
    # A matrix of filled cells (row × wanted field, column by column at C speed where the
    # column allows), so the Python loop below only visits rows with an empty wanted cell.
    masks = {veld: filled_mask(frame[veld]) for veld in dict.fromkeys(f.veld for f in wanted_fields)}
    n = len(frame)
    filled = np.column_stack([masks[f.veld] for f in wanted_fields]) if wanted_fields else (
        np.zeros((n, 0), dtype=bool))
    wanted = np.ones_like(filled)
    if expected:
        wanted[:, len(required) + len(recommended):] = filled_mask(frame["kpi"])[:, None]
    empty = wanted & ~filled
    n_wanted, n_empty = wanted.sum(axis=1), empty.sum(axis=1)
    scores = [round(100 * (w - e) / w) for w, e in zip(n_wanted.tolist(), n_empty.tolist())]
    missing_lists: list[list[str]] = [[] for _ in range(n)]
    is_recommended = [f in recommended for f in wanted_fields]
    is_expected = [f in expected for f in wanted_fields]
    not_required = [f not in required for f in wanted_fields]
    rows = frame["rij"].tolist()
    for i in np.flatnonzero(n_empty).tolist():
        rij = int(rows[i])
        positions = np.flatnonzero(empty[i]).tolist()
        for j in positions:
            f = wanted_fields[j]
            if findings.has(ACTIES, rij, f.veld):
                continue
            if is_recommended[j]:
                findings.add("aanbevolen_leeg", ACTIES, rij, veld=f.veld)
            elif is_expected[j]:
                findings.add("verwacht_bij_kpi", ACTIES, rij, veld=f.veld)
        missing_lists[i] = [wanted_fields[j].kop for j in positions if not_required[j]]
    return scores, missing_lists


def filled_mask(column: pd.Series) -> np.ndarray:
    """_filled of every value of a column, as a boolean array."""
    if column.dtype == "float64":
        return ~np.isnan(column.to_numpy())
    if column.dtype == "int64":
        return np.ones(len(column), dtype=bool)
    return np.array([bool(v) if (t := type(v)) is str or t is list else _filled(v)
                     for v in column.tolist()], dtype=bool)


def add_derived(frame: pd.DataFrame, provinces: dict[str, str], today: date,
                inhabitants: dict[str, float] | None = None) -> pd.DataFrame:
    """The columns readers compare on; a ratio with a zero or missing denominator is empty."""
    frame = frame.copy()
    start = pd.to_datetime(frame["startdatum"], format="%Y-%m-%d")
    end = pd.to_datetime(frame["einddatum"], format="%Y-%m-%d")
    frame["jaar"] = start.dt.year.astype("int64")
    frame["kwartaal"] = start.dt.year.astype(str) + "-K" + start.dt.quarter.astype(str)
    frame["duur_dagen"] = ((end - start).dt.days + 1).astype("Int64")
    last_day = end.fillna(start)
    peil = pd.Timestamp(today)
    frame["status"] = np.where(start > peil, PLANNED,
                               np.where(last_day < peil, FINISHED, RUNNING)).tolist()
    frame["provincie"] = frame["bibliotheek"].map(provinces)
    frame["budget_klasse"] = frame["budget_eur"].map(budget_class)
    frame["kanaalgroepen"] = [channel_groups_of(v) for v in frame["kanalen"]]
    frame["totale_kosten"] = total_cost(frame["budget_eur"], frame["uren"])
    frame["kosten_per_nieuw_lid"] = ratio(frame["totale_kosten"], frame["nieuwe_leden"], 2)
    frame["kosten_per_deelnemer"] = ratio(frame["totale_kosten"], frame["deelnemers"], 2)
    per_1000 = frame["bibliotheek"].map(inhabitants or {}).astype("float64") / 1000
    frame["nieuwe_leden_per_1000_inwoners"] = ratio(frame["nieuwe_leden"], per_1000, 2)
    frame["deelnemers_per_1000_inwoners"] = ratio(frame["deelnemers"], per_1000, 2)
    frame["realisatie_pct"] = ratio(100 * frame["resultaat"], frame["streefwaarde"], 1)
    return frame


def total_cost(budget: pd.Series, hours: pd.Series) -> pd.Series:
    """Budget + hours × the hourly rate; unknown when either is unknown."""
    return (budget.astype("float64") + hours.astype("float64") * hourly_rate()).round(2)


def channel_groups_of(channels) -> list[str]:
    """The groups of an action's channels (vocabulary order, each once)."""
    groups = channel_groups()
    chosen = set(channels) if isinstance(channels, list) else set()
    return list(dict.fromkeys(g for label, g in groups.items() if label in chosen))


def budget_class(amount: float) -> str | None:
    if _missing(amount):
        return None
    if amount == 0:
        return NO_BUDGET
    for limit, label in BUDGET_CLASSES[1:]:
        if amount < limit:
            return label
    return BUDGET_CLASSES[-1][1] if amount <= BUDGET_CLASSES[-1][0] else ABOVE_BUDGET_CLASSES


def ratio(numerator: pd.Series, denominator: pd.Series, digits: int) -> pd.Series:
    valid = denominator.notna() & (denominator != 0) & numerator.notna()
    result = (numerator[valid] / denominator[valid]).round(digits)
    return result.reindex(numerator.index).astype("float64")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _filled(value) -> bool:
    if _missing(value):
        return False
    return not (isinstance(value, (str, list)) and len(value) == 0)
