"""Findings: what the pipeline noticed, per tab, row and column, with a Dutch message and hint."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline import nl
from pipeline.contract import explain
from pipeline.contract.config import Field, load_fields, load_messages

SEVERITIES = nl.SEVERITIES
COLUMNS = ["tabblad", "rij", "actie_id", "veld", "kop", "ernst", "code", "bericht", "hint",
           "waarde"]


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return ""


example_for = explain.example_for  # an example of a valid value, for the fix hints


@dataclass
class Findings:
    """Collects findings of one run; ``frame()`` turns them into the meldingen table."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    _cells: set[tuple[str, int | None, str | None, str]] = field(default_factory=set)

    def add(self, code: str, tab: str, row: int | None, veld: str | None = None,
            kop: str | None = None, waarde: Any = None, **extra: Any) -> None:
        kop, ernst, bericht, hint = _message(code, tab, veld, kop, waarde, extra)
        self._cells.add((tab, row, veld, ernst))
        self.rows.append({
            "tabblad": tab, "rij": row, "actie_id": None, "veld": veld, "kop": kop,
            "ernst": ernst, "code": code, "bericht": bericht, "hint": hint,
            "waarde": None if waarde is None else str(waarde),
        })

    def has(self, tab: str, row: int, veld: str, severity: str | None = None) -> bool:
        """Whether a finding (of this severity) already explains this cell; then 'empty' is
        not reported again."""
        return (tab, row, veld, severity) in self._cells or (
            severity is None and any((tab, row, veld, s) in self._cells for s in SEVERITIES))

    def codes_for(self, tab: str, row: int) -> list[str]:
        return [r["code"] for r in self.rows if r["tabblad"] == tab and r["rij"] == row]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=COLUMNS)

    def rows_with(self, tab: str, severity: str) -> set[int]:
        return {r["rij"] for r in self.rows if r["tabblad"] == tab and r["ernst"] == severity}


_MESSAGES: dict[tuple, tuple[str, str, str, str]] = {}  # many rows share the same message


def _message(code: str, tab: str, veld: str | None, kop: str | None, waarde: Any,
             extra: dict[str, Any]) -> tuple[str, str, str, str]:
    """(kop, ernst, bericht, hint) of a finding, formatted once per distinct input."""
    try:
        key = (code, tab, veld, kop, _shown(waarde),
               tuple((k, type(v), v) for k, v in extra.items()))
        hash(key)
    except TypeError:  # an unhashable detail: format without the cache
        return _format_message(code, tab, veld, kop, waarde, extra)
    found = _MESSAGES.get(key)
    if found is None:
        if len(_MESSAGES) > 200_000:
            _MESSAGES.clear()
        found = _MESSAGES[key] = _format_message(code, tab, veld, kop, waarde, extra)
    return found


def _format_message(code: str, tab: str, veld: str | None, kop: str | None, waarde: Any,
                    extra: dict[str, Any]) -> tuple[str, str, str, str]:
    spec = load_messages()[code]
    f = _field(tab, veld)
    kop = kop or (f.kop if f else veld) or ""
    values = _Lenient(explain.rule_values(f), kop=kop, waarde=_shown(waarde), tabblad=tab,
                      voorbeeld=example_for(f))
    values.update(extra)
    formatter = string.Formatter()
    return (kop, spec["ernst"], formatter.vformat(spec["bericht"], (), values),
            formatter.vformat(spec["hint"], (), values))


def _field(tab: str, veld: str | None) -> Field | None:
    if not veld:
        return None
    return next((f for f in load_fields().get(tab, ()) if f.veld == veld), None)


def _shown(value: Any, limit: int = 80) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
