"""Reminders that keep actions complete: an action that ended more than `dagen` days before the
run date (schemas/fields.yml, algemeen.herinnering; default 30) while all of its results
(`velden`: Resultaat, Toelichting resultaten, Wat werkte) are empty gets the info finding
``resultaten_gevraagd``. Only shared actions (public, network only, or waiting for the library's
agreement): a rejected row has its errors to fix first, a withheld one is the library's own."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from pipeline import nl
from pipeline.contract.config import ACTIES, load_general
from pipeline.contract.findings import Findings

CODE = "resultaten_gevraagd"
DEFAULT = {"dagen": 30, "velden": ["resultaat", "resultaten_toelichting", "wat_werkte"]}


def settings() -> dict:
    return {**DEFAULT, **(load_general().get("herinnering") or {})}


def _empty(value) -> bool:
    if value is None or (isinstance(value, float) and value != value):
        return True
    return isinstance(value, (str, list)) and not value


def add_reminders(acts: pd.DataFrame, findings: Findings, today: date,
                  outcomes: tuple[str, ...]) -> int:
    """Add the reminder for every action in `outcomes` that waits for its results; returns how
    many."""
    spec = settings()
    limit = (today - timedelta(days=int(spec["dagen"]))).isoformat()
    fields = [f for f in spec["velden"] if f in acts.columns]
    added = 0
    columns = [acts["rij"], acts["einddatum"], acts["uitkomst"], *(acts[f] for f in fields)]
    for row, end, outcome, *results in zip(*columns):
        if outcome in outcomes and isinstance(end, str) and end < limit and \
                all(_empty(v) for v in results):
            findings.add(CODE, ACTIES, int(row), veld="einddatum", waarde=end,
                         datum=nl.long_date(end), dagen=spec["dagen"])
            added += 1
    return added
