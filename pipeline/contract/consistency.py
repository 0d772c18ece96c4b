"""Findings where the data contradicts itself or the knowledge bank's settings
(schemas/vergelijken.yml): a typed "Doel behaald" against the realisation, a library outside the
working area. (A date before the knowledge bank's period is found per cell, in cells.py.)"""

from __future__ import annotations

import math

import pandas as pd

from pipeline import nl
from pipeline.contract.config import ACTIES, BIBLIOTHEKEN, load_comparisons
from pipeline.contract.findings import Findings


def contradicts(typed: str, target: float, result: float) -> bool:
    """Whether a typed ja/deels/nee cannot be true of this target and result."""
    if _missing(target) or _missing(result) or target <= 0:
        return False
    reached = result >= target
    return ((typed == "ja" and not reached) or (typed == "deels" and (reached or result <= 0))
            or (typed == "nee" and reached))


def check_goal_reached(acts: pd.DataFrame, findings: Findings) -> None:
    """behaald_tegenstrijdig for each typed "Doel behaald" that the realisation contradicts."""
    for row, typed, target, result in zip(acts["rij"], acts["doel_behaald"],
                                          acts["streefwaarde"], acts["resultaat"]):
        if isinstance(typed, str) and contradicts(typed, target, result):
            findings.add("behaald_tegenstrijdig", ACTIES, int(row), veld="doel_behaald",
                         waarde=typed, resultaat=nl.number(result),
                         streefwaarde=nl.number(target),
                         realisatie=nl.percentage(round(100 * result / target, 1)))


def working_area() -> list[str]:
    return list(load_comparisons()["werkgebied"])


def check_working_area(libs: pd.DataFrame, findings: Findings) -> None:
    """bibliotheek_buiten_werkgebied for each library in a province outside the working area."""
    area = working_area()
    named = " en ".join([", ".join(area[:-1]), area[-1]] if len(area) > 1 else area)
    for row, name, province in zip(libs["rij"], libs["naam"], libs["provincie"]):
        if isinstance(province, str) and province and province not in area:
            findings.add("bibliotheek_buiten_werkgebied", BIBLIOTHEKEN, int(row),
                         veld="provincie", waarde=province, naam=name, werkgebied=named)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
