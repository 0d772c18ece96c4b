"""Derived values: stable ids, duplicates, goal reached, completeness and the comparison columns."""

from __future__ import annotations

import hashlib
import math
from datetime import date

import pandas as pd

from .config import ACTIES, Field, match_key
from .findings import Findings

BUDGET_CLASSES = ((0, "0"), (250, "< 250"), (1000, "250 – 1.000"), (5000, "1.000 – 5.000"))


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
    # Column by column, then row by row over plain lists (no DataFrame row objects).
    filled = {veld: [_filled(v) for v in frame[veld].tolist()]
              for veld in dict.fromkeys(f.veld for f in required + recommended + expected)}
    with_kpi = [_filled(v) for v in frame["kpi"].tolist()]
    scores, missing_lists = [], []
    for i, rij in enumerate(frame["rij"].tolist()):
        wanted = required + recommended + (expected if with_kpi[i] else [])
        empty = [f for f in wanted if not filled[f.veld][i]]
        for f in empty:
            if findings.has(ACTIES, int(rij), f.veld):
                continue
            if f in recommended:
                findings.add("aanbevolen_leeg", ACTIES, int(rij), veld=f.veld)
            elif f in expected:
                findings.add("verwacht_bij_kpi", ACTIES, int(rij), veld=f.veld)
        scores.append(round(100 * (len(wanted) - len(empty)) / len(wanted)))
        missing_lists.append([f.kop for f in empty if f not in required])
    return scores, missing_lists


def add_derived(frame: pd.DataFrame, provinces: dict[str, str], today: date) -> pd.DataFrame:
    """The columns readers compare on; a ratio with a zero or missing denominator is empty."""
    frame = frame.copy()
    start = pd.to_datetime(frame["startdatum"], format="%Y-%m-%d")
    end = pd.to_datetime(frame["einddatum"], format="%Y-%m-%d")
    frame["jaar"] = start.dt.year.astype("int64")
    frame["kwartaal"] = start.dt.year.astype(str) + "-K" + start.dt.quarter.astype(str)
    frame["duur_dagen"] = ((end - start).dt.days + 1).astype("Int64")
    last_day = end.fillna(start)
    peil = pd.Timestamp(today)
    frame["status"] = ["gepland" if s > peil else "afgerond" if e < peil else "lopend"
                       for s, e in zip(start, last_day)]
    frame["provincie"] = frame["bibliotheek"].map(provinces)
    frame["budget_klasse"] = frame["budget_eur"].map(budget_class)
    frame["kosten_per_nieuw_lid"] = ratio(frame["budget_eur"], frame["nieuwe_leden"], 2)
    frame["kosten_per_deelnemer"] = ratio(frame["budget_eur"], frame["deelnemers"], 2)
    frame["realisatie_pct"] = ratio(100 * frame["resultaat"], frame["streefwaarde"], 1)
    return frame


def budget_class(amount: float) -> str | None:
    if _missing(amount):
        return None
    if amount == 0:
        return "0"
    for limit, label in BUDGET_CLASSES[1:]:
        if amount < limit:
            return label
    return "1.000 – 5.000" if amount <= 5000 else "> 5.000"


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
