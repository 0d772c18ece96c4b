"""Feedback for contributors: one status per Acties row, for the Controle column in the sheet."""

from __future__ import annotations

from pipeline.contract.config import ACTIES
from pipeline.contract.process import NETWORK, PUBLISHED, REJECTED, WAITING, WITHHELD, Outcome

MAX_STATUS = 300

# How a status stands out in the sheet (conditional formatting of the Controle column and the
# row's first cell, in Google Sheets by `sheet init` and in the Excel template): the first
# matching start wins; OK and anything else stay plain. Background colours as RGB hex.
STATUS_COLOURS = (
    ("Afgekeurd", "F4C7C3"),          # red: the row is not in the knowledge bank
    ("Onvolledig", "FCE8B2"),         # amber: published, but fields are missing
    ("Niet gedeeld", "E8EAED"),       # grey: kept out on purpose, or waiting
    ("Alleen netwerk", "E8EAED"),
    ("Wacht op akkoord", "E8EAED"),
)


def row_statuses(outcome: Outcome, site: str | None = None) -> dict[int, str]:
    """OK, Onvolledig: <fields>, Alleen netwerk (, onvolledig: <fields>), Afgekeurd: <reason>,
    Niet gedeeld or Wacht op akkoord: <what to do>, by sheet row number. With the public
    address of the readers' site, a published row reads "OK: <the address of its card>"."""
    findings = outcome.findings
    errors = findings[(findings["tabblad"] == ACTIES) & (findings["ernst"] == "fout")]
    reasons = errors.groupby("rij")["bericht"].apply(list).to_dict()
    statuses = {}
    for row, result, missing, actie_id in zip(outcome.actions["rij"], outcome.actions["uitkomst"],
                                              outcome.actions["ontbreekt"],
                                              outcome.actions["actie_id"]):
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
            status = f"OK: {card_address(site, actie_id)}" if site and actie_id else "OK"
        statuses[int(row)] = shorten(status)
    return statuses


def card_address(site: str, actie_id: str) -> str:
    """The action card's address on the readers' site (Datasette's tilde-encoded key)."""
    from urllib.parse import quote

    from datasette.utils import tilde_encode

    return f"{site.rstrip('/')}/kennisbank/acties/{quote(tilde_encode(str(actie_id)))}"


def shorten(text: str) -> str:
    return text if len(text) <= MAX_STATUS else text[: MAX_STATUS - 1] + "…"
