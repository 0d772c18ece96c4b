"""The pandera models: the raw and the clean shape of the tabs Acties and Bibliotheken, made from
schemas/fields.yml (type, level and rules of each field); only rules that span fields and the
derived columns are written here.

Every check is named after the finding code it produces (schemas/meldingen.yml); a non-nullable
column produces ``verplicht_leeg``.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from pipeline.contract.cells import READABLE_YEARS
from pipeline.contract.config import ACTIES, BIBLIOTHEKEN, Field, load_fields
from pipeline.contract.derive import BUDGET_LABELS, STATUSES

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
NUMERIC_TYPES = ("bedrag", "getal", "geheel", "breedtegraad", "lengtegraad")

ROW = pa.Column(int, [pa.Check.ge(1)], unique=True)


def _rule_checks(f: Field) -> list[pa.Check]:
    """One check per rule of the field, named after its finding code."""
    checks = []
    if f.minimum is not None:
        low = f.minimum
        checks.append(pa.Check(lambda s: s >= low, name=f.code("minimum"), ignore_na=True))
    if f.maximum is not None:
        high = f.maximum
        checks.append(pa.Check(lambda s: s <= high, name=f.code("maximum"), ignore_na=True))
    if f.min_exclusief is not None:
        above = f.min_exclusief
        checks.append(pa.Check(lambda s: s > above, name=f.code("min_exclusief"),
                               ignore_na=True))
    if f.geheel:
        checks.append(pa.Check(lambda s: s == s.round(0), name=f.code("geheel"),
                               ignore_na=True))
    if f.max_lengte is not None:
        most = f.max_lengte
        checks.append(pa.Check(lambda s: s.str.len() <= most, name=f.code("max_lengte"),
                               ignore_na=True))
    if f.waarden:
        allowed = list(f.waarden)
        checks.append(pa.Check(lambda s: s.isin(allowed), name=f.code("waarden"),
                               ignore_na=True))
    return checks


def column_for(f: Field) -> pa.Column:
    """The clean column of a field: its type's shape, nullable unless required, its rules."""
    nullable = not f.required
    checks = _rule_checks(f)
    if f.type in NUMERIC_TYPES:
        return pa.Column(float, checks, nullable=True)
    if f.is_list:
        checks.insert(0, pa.Check(lambda v: isinstance(v, list) and len(v) > 0,
                                  element_wise=True, ignore_na=True, name="lijst"))
    elif f.type == "datum":
        checks.insert(0, pa.Check.str_matches(ISO_DATE))
    return pa.Column(object, checks, nullable=nullable)


# Rules that span fields: hand-written, named after their finding code.
CROSS_FIELD_CHECKS = {
    ACTIES: [
        pa.Check(
            lambda df: df["einddatum"].isna() | df["startdatum"].isna()
            | (df["einddatum"].astype(str) >= df["startdatum"].astype(str)),
            name="einddatum_voor_start",
        )
    ],
    BIBLIOTHEKEN: [],
}


@cache
def clean_model(tab: str) -> pa.DataFrameSchema:
    """The clean shape of a tab, one column per field of schemas/fields.yml."""
    return pa.DataFrameSchema(
        {"rij": ROW} | {f.veld: column_for(f) for f in load_fields()[tab]},
        checks=CROSS_FIELD_CHECKS.get(tab, []),
        strict=True,
        name=tab,
    )


def clean_models() -> dict[str, pa.DataFrameSchema]:
    return {tab: clean_model(tab) for tab in load_fields()}


def raw_schema(columns: list[str], required: list[str]) -> pa.DataFrameSchema:
    """Raw cells as received: every contract column present (objects), rows numbered."""
    return pa.DataFrameSchema(
        {c: pa.Column(object, nullable=True, required=c in required) for c in columns}
        | {"rij": ROW, "_ruw": pa.Column(object)},
        strict=True,
    )


def _money() -> pa.Column:
    return pa.Column(float, pa.Check(lambda s: s >= 0, name="negatief", ignore_na=True),
                     nullable=True)


# The derived columns of a published action, as they go into kennisbank.db (derive.py).
ACTIES_DERIVED = pa.DataFrameSchema(
    {
        "jaar": pa.Column(int, pa.Check.in_range(*READABLE_YEARS)),
        "kwartaal": pa.Column(str, pa.Check.str_matches(r"^\d{4}-K[1-4]$")),
        "duur_dagen": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "status": pa.Column(str, pa.Check.isin(list(STATUSES))),
        "provincie": pa.Column(str),
        "budget_klasse": pa.Column(str, pa.Check.isin(list(BUDGET_LABELS)), nullable=True),
        "kanaalgroepen": pa.Column(object),
        "totale_kosten": _money(),
        "kosten_per_nieuw_lid": _money(),
        "kosten_per_deelnemer": _money(),
        "realisatie_pct": _money(),
        "nieuwe_leden_per_1000_inwoners": _money(),
        "deelnemers_per_1000_inwoners": _money(),
        "compleetheid": pa.Column(int, pa.Check.in_range(0, 100)),
        "ontbreekt": pa.Column(object),
    },
    name="Acties (afgeleid)",
)


def empty_frame(schema: pa.DataFrameSchema) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in schema.columns})
