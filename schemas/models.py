"""The pandera models: the raw and the clean shape of the tabs Acties and Bibliotheken.

Declared once, here. Every custom check is named after the finding code it produces
(schemas/meldingen.yml); a non-nullable column produces ``verplicht_leeg``. tests/test_schemas.py
fails when these models, schemas/fields.yml and the Datasette metadata disagree.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
BEHAALD = ["ja", "deels", "nee", "onbekend"]
JANEE = ["ja", "nee"]
STATUS = ["gepland", "lopend", "afgerond"]
BUDGET_KLASSEN = ["0", "< 250", "250 – 1.000", "1.000 – 5.000", "> 5.000"]
NL_LATITUDE = (50.7, 53.7)
NL_LONGITUDE = (3.2, 7.3)


def _not_negative() -> pa.Check:
    return pa.Check(lambda s: s >= 0, name="negatief", ignore_na=True)


def _whole() -> list[pa.Check]:
    return [_not_negative(),
            pa.Check(lambda s: s == s.round(0), name="geen_geheel_getal", ignore_na=True)]


def _text(nullable: bool = True, checks: list[pa.Check] | None = None) -> pa.Column:
    return pa.Column(object, checks=checks or [], nullable=nullable)


def _list(nullable: bool = True) -> pa.Column:
    return pa.Column(object, pa.Check(lambda v: isinstance(v, list) and len(v) > 0,
                                      element_wise=True, ignore_na=True, name="lijst"),
                     nullable=nullable)


def _date(nullable: bool = True) -> pa.Column:
    return pa.Column(object, pa.Check.str_matches(ISO_DATE), nullable=nullable)


def _number(checks: list[pa.Check] | None = None) -> pa.Column:
    return pa.Column(float, checks if checks is not None else [_not_negative()], nullable=True)


def _choice(values: list[str], nullable: bool = True) -> pa.Column:
    return pa.Column(object, pa.Check.isin(values), nullable=nullable)


def _between(low: float, high: float, name: str) -> pa.Check:
    return pa.Check(lambda s: (s >= low) & (s <= high), name=name, ignore_na=True)


ROW = pa.Column(int, [pa.Check.ge(1)], unique=True)

# ------------------------------------------------------------------------ raw shapes

def raw_schema(columns: list[str], required: list[str]) -> pa.DataFrameSchema:
    """Raw cells as received: every contract column present (objects), rows numbered."""
    return pa.DataFrameSchema(
        {c: pa.Column(object, nullable=True, required=c in required) for c in columns}
        | {"rij": ROW, "_ruw": pa.Column(object)},
        strict=True,
    )


# ------------------------------------------------------------------------ clean Acties

ACTIES_CLEAN = pa.DataFrameSchema(
    {
        "rij": ROW,
        "actie_id": _text(checks=[  # the card's address: a short code, not a text
            pa.Check(lambda s: s.str.len() <= 100, name="id_te_lang", ignore_na=True)]),
        "bibliotheek": _text(nullable=False),
        "vestigingen": _list(),
        "titel": _text(nullable=False, checks=[
            pa.Check(lambda s: s.str.len() <= 150, name="titel_te_lang", ignore_na=True)]),
        "omschrijving": _text(nullable=False),
        "aanleiding": _text(),
        "doelen": _list(nullable=False),
        "doelgroepen": _list(nullable=False),
        "kanalen": _list(nullable=False),
        "landelijke_campagne": _text(),
        "functies": _list(),
        "aanbod": _text(),
        "partners": _list(),
        "startdatum": _date(nullable=False),
        "einddatum": _date(),
        "budget_eur": _number(),
        "uren": _number(),
        "meetbaar_doel": _text(),
        "kpi": _text(),
        "streefwaarde": _number(),
        "resultaat": _number(),
        "doel_behaald": _choice(BEHAALD),
        "nieuwe_leden": _number(_whole()),
        "deelnemers": _number(_whole()),
        "bereik": _number(_whole()),
        "meetmethode": _text(),
        "resultaten_toelichting": _text(),
        "wat_werkte": _text(),
        "wat_werkte_niet": _text(),
        "tip": _text(),
        "links": _list(),
        "contactpersoon": _text(),
        "contact_email": _text(),
        "delen": _choice(JANEE),
    },
    checks=[
        pa.Check(
            lambda df: df["einddatum"].isna() | df["startdatum"].isna()
            | (df["einddatum"].astype(str) >= df["startdatum"].astype(str)),
            name="einddatum_voor_start",
        )
    ],
    strict=True,
    name="Acties",
)

# The derived columns of a published action, as they go into kennisbank.db.
ACTIES_DERIVED = pa.DataFrameSchema(
    {
        "jaar": pa.Column(int, pa.Check.in_range(1990, 2200)),
        "kwartaal": pa.Column(str, pa.Check.str_matches(r"^\d{4}-K[1-4]$")),
        "duur_dagen": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "status": pa.Column(str, pa.Check.isin(STATUS)),
        "provincie": pa.Column(str),
        "budget_klasse": pa.Column(str, pa.Check.isin(BUDGET_KLASSEN), nullable=True),
        "kosten_per_nieuw_lid": _number(),
        "kosten_per_deelnemer": _number(),
        "realisatie_pct": _number(),
        "compleetheid": pa.Column(int, pa.Check.in_range(0, 100)),
        "ontbreekt": pa.Column(object),
    },
    name="Acties (afgeleid)",
)

# ------------------------------------------------------------------------ clean Bibliotheken

BIBLIOTHEKEN_CLEAN = pa.DataFrameSchema(
    {
        "rij": ROW,
        "naam": _text(nullable=False),
        "provincie": _text(nullable=False),
        "gemeenten": _list(),
        "website": _text(),
        "latitude": _number([_between(*NL_LATITUDE, name="coordinaat_buiten_nl")]),
        "longitude": _number([_between(*NL_LONGITUDE, name="coordinaat_buiten_nl")]),
        "email": _text(),
        "inwoners": _number([pa.Check(lambda s: s > 0, name="niet_positief", ignore_na=True),
                             pa.Check(lambda s: s == s.round(0), name="geen_geheel_getal",
                                      ignore_na=True)]),
    },
    strict=True,
    name="Bibliotheken",
)

CLEAN_MODELS = {"Acties": ACTIES_CLEAN, "Bibliotheken": BIBLIOTHEKEN_CLEAN}


def empty_frame(schema: pa.DataFrameSchema) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in schema.columns})
