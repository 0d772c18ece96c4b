"""Feedback for contributors: one status per Acties row, for the Controle column in the sheet."""

from __future__ import annotations

from pipeline.contract.config import ACTIES
from pipeline.contract.process import NETWORK, PUBLISHED, REJECTED, WAITING, WITHHELD, Outcome

MAX_STATUS = 300


def row_statuses(outcome: Outcome) -> dict[int, str]:
    """OK, Onvolledig: <fields>, Alleen netwerk (, onvolledig: <fields>), Afgekeurd: <reason>,
    Niet gedeeld or Wacht op akkoord: <what to do>, by sheet row number."""
    findings = outcome.findings
    errors = findings[(findings["tabblad"] == ACTIES) & (findings["ernst"] == "fout")]
    reasons = errors.groupby("rij")["bericht"].apply(list).to_dict()
    statuses = {}
    for row, result, missing in zip(outcome.actions["rij"], outcome.actions["uitkomst"],
                                    outcome.actions["ontbreekt"]):
        if result == WITHHELD:
            status = "Niet gedeeld"
        elif result == WAITING:
            status = ("Wacht op akkoord: de bibliotheek moet eerst akkoord gaan met de "
                      "gebruiksvoorwaarden (tabblad Bibliotheken)")
        elif result == REJECTED:
            status = "Afgekeurd: " + " ".join(reasons.get(row, []))
        elif result == NETWORK:
            status = ("Alleen netwerk, onvolledig: " + ", ".join(missing) if missing
                      else "Alleen netwerk")
        elif result == PUBLISHED and missing:
            status = "Onvolledig: " + ", ".join(missing)
        else:
            status = "OK"
        statuses[int(row)] = shorten(status)
    return statuses


def shorten(text: str) -> str:
    return text if len(text) <= MAX_STATUS else text[: MAX_STATUS - 1] + "…"
