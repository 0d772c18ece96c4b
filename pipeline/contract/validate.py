"""Validation with the pandera models: lazy, and its result is data (findings), not an exception.

A failed check with severity ``fout`` rejects the row; with ``waarschuwing`` the offending value
is left out (the row is published as incomplete).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pipeline.contract.config import Field, load_messages
from pipeline.contract.findings import Findings
from pipeline.contract.models import raw_schema
from pipeline.errors import SourceError

NOT_NULLABLE = "not_nullable"


def check_raw(frame: pd.DataFrame, tab: str, fields: tuple[Field, ...]) -> None:
    """The raw shape: every contract column present, rows numbered once."""
    schema = raw_schema([f.veld for f in fields], [f.veld for f in fields if f.required])
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise SourceError(f"Tabblad '{tab}': de gelezen rijen hebben niet de verwachte vorm "
                          f"({len(exc.failure_cases)} afwijkingen).") from None


def validate_clean(frame: pd.DataFrame, schema: pa.DataFrameSchema, tab: str,
                   findings: Findings) -> pd.DataFrame:
    """Validate lazily; record findings; blank the values that only warrant a warning."""
    try:
        schema.validate(frame, lazy=True)
        return frame
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    frame = frame.copy()
    messages = load_messages()
    seen: set[tuple[int, str, str]] = set()
    for case in failures.itertuples(index=False):
        if case.index is None or pd.isna(case.index):
            raise SourceError(f"Tabblad '{tab}': interne fout in de validatie ({case.check}).")
        index = int(case.index)
        code = NOT_NULLABLE if case.check == NOT_NULLABLE else str(case.check)
        column = "einddatum" if code == "einddatum_voor_start" else str(case.column)
        key = (index, column, code)
        if key in seen:
            continue
        seen.add(key)
        value = frame.at[index, column] if column in frame.columns else case.failure_case
        row = int(frame.at[index, "rij"])
        if code == NOT_NULLABLE:
            if not findings.has(tab, row, column, "fout"):
                findings.add("verplicht_leeg", tab, row, veld=column)
            continue
        if code not in messages:
            findings.add("ongeldige_waarde", tab, row, veld=column, waarde=value, regel=code)
            continue
        findings.add(code, tab, row, veld=column, waarde=_display(value),
                     lengte=len(value) if isinstance(value, str) else "")
        if messages[code]["ernst"] == "waarschuwing":
            frame.at[index, column] = None if frame[column].dtype == object else float("nan")
    return frame


def _display(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
