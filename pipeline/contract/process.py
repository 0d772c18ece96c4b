"""Normalise and validate a snapshot: every non-blank action row ends in exactly one outcome
(published, network only, withheld, waiting for its library's agreement, or rejected), with its
findings. Pure: a Snapshot in, an Outcome out; nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from pipeline.contract import cells, consistency, derive, normalise, reminders, validate
from pipeline.contract.config import (
    ACTIES,
    BIBLIOTHEKEN,
    KEUZELIJSTEN,
    Vocabulary,
    load_fields,
    load_terms,
    load_vocabularies,
    match_key,
)
from pipeline.contract.findings import Findings
from pipeline.contract.models import ACTIES_DERIVED, clean_model
from pipeline.contract.normalise import RAW_COLUMN
from pipeline.sources.snapshot import Snapshot, Tab

PUBLISHED, REJECTED, WITHHELD = "gepubliceerd", "afgekeurd", "niet_gedeeld"
NETWORK = "alleen_netwerk"       # shared with the network members only (netwerk.db)
WAITING = "wacht_op_akkoord"     # shared, but its library has not agreed to the terms yet
OUTCOMES = (PUBLISHED, NETWORK, WITHHELD, WAITING, REJECTED)
SHARED = (PUBLISHED, NETWORK)    # what the network members' instance shows


@dataclass
class Outcome:
    snapshot: Snapshot
    actions: pd.DataFrame          # every action row, clean, with `uitkomst` and derived columns
    raw_actions: pd.DataFrame      # the same rows as typed (RAW_COLUMN holds every cell by header)
    libraries: pd.DataFrame        # published libraries
    raw_libraries: pd.DataFrame
    library_outcome: pd.Series     # per library row: gepubliceerd / afgekeurd
    vocabularies: dict[str, Vocabulary]
    findings: pd.DataFrame
    today: date
    agreed: frozenset[str] = frozenset()  # published libraries with a valid agreement

    def rows(self, outcome: str) -> pd.DataFrame:
        return self.actions[self.actions["uitkomst"] == outcome]

    @property
    def contributing_libraries(self) -> int:
        """Registered libraries taking part: at least one shared action, public or network-only
        (the public catalogue's own count, `aantal_acties > 0`, sees the public ones only)."""
        shared = set(self.actions.loc[self.actions["uitkomst"].isin(SHARED), "bibliotheek"])
        return int(self.libraries["naam"].isin(shared).sum())

    @property
    def counts(self) -> dict[str, int]:
        published = self.rows(PUBLISHED)
        return {
            "rijen_gelezen": len(self.actions),
            "gepubliceerd": len(published),
            "onvolledig": int((published["compleetheid"] < 100).sum()),
            "afgekeurd": len(self.rows(REJECTED)),
            "niet_gedeeld": len(self.rows(WITHHELD)),
            "alleen_netwerk": len(self.rows(NETWORK)),
            "wacht_op_akkoord": len(self.rows(WAITING)),
            "bibliotheken": len(self.libraries),
            "bibliotheken_met_acties": self.contributing_libraries,
            "fouten": int((self.findings["ernst"] == "fout").sum()),
            "waarschuwingen": int((self.findings["ernst"] == "waarschuwing").sum()),
            "info": int((self.findings["ernst"] == "info").sum()),
        }


def process(snapshot: Snapshot, today: date) -> Outcome:
    findings = Findings()
    fields = load_fields()
    vocabularies = read_vocabularies(snapshot.tab(KEUZELIJSTEN), findings)

    raw_libs = read_tab(snapshot, BIBLIOTHEKEN, findings)
    libs = normalise.parse_columns(raw_libs, fields[BIBLIOTHEKEN], findings, vocabularies, [])
    libs = normalise.to_numeric(libs, fields[BIBLIOTHEKEN])
    libs = validate.validate_clean(libs, clean_model(BIBLIOTHEKEN), BIBLIOTHEKEN, findings)
    libs = report_duplicate_libraries(libs, findings)
    consistency.check_working_area(libs, findings)
    rejected_libs = findings.rows_with(BIBLIOTHEKEN, "fout")
    lib_outcome = libs["rij"].map(lambda r: REJECTED if r in rejected_libs else PUBLISHED)
    published_libs = libs[lib_outcome == PUBLISHED]
    agreed = agreed_libraries(published_libs, findings, today)

    raw_acts = read_tab(snapshot, ACTIES, findings)
    acts = normalise.parse_columns(raw_acts, fields[ACTIES], findings, vocabularies,
                                   normalise.libraries_of(published_libs),
                                   normalise.libraries_of(libs[lib_outcome == REJECTED]))
    acts = normalise.to_numeric(acts, fields[ACTIES])
    acts = validate.validate_clean(acts, clean_model(ACTIES), ACTIES, findings)
    acts = derive.assign_ids(acts, findings)
    consistency.check_goal_reached(acts, findings)
    acts["doel_behaald"] = [derive.goal_reached(t, s, r) for t, s, r in
                            zip(acts["doel_behaald"], acts["streefwaarde"], acts["resultaat"])]
    acts["compleetheid"], acts["ontbreekt"] = derive.completeness(acts, fields[ACTIES], findings)
    acts["uitkomst"] = decide(acts, findings, agreed)
    for row in acts.loc[acts["uitkomst"] == WITHHELD, "rij"]:
        findings.add("niet_gedeeld", ACTIES, int(row))
    for row in acts.loc[acts["uitkomst"] == WAITING, "rij"]:
        findings.add("wacht_op_akkoord", ACTIES, int(row))
    reminders.add_reminders(acts, findings, today, (PUBLISHED, NETWORK, WAITING))
    acts = add_derived_columns(acts, published_libs, today)

    frame = findings.frame()
    ids = dict(zip(acts["rij"], acts["actie_id"]))
    is_action = frame["tabblad"] == ACTIES
    frame.loc[is_action, "actie_id"] = frame.loc[is_action, "rij"].map(ids)
    return Outcome(snapshot, acts, raw_acts.frame, published_libs, raw_libs.frame, lib_outcome,
                   vocabularies, frame, today, agreed)


def read_tab(snapshot: Snapshot, title: str, findings: Findings) -> normalise.RawTab:
    tab = snapshot.tab(title)
    fields = load_fields()[title]
    raw = normalise.read_raw_tab(tab, fields, findings)
    validate.check_raw(raw.frame, title, fields)
    normalise.apply_corrections(raw, findings)
    return raw


def agreed_libraries(libs: pd.DataFrame, findings: Findings, today: date) -> frozenset[str]:
    """The libraries whose agreement to the terms is dated (and not after today). An agreement
    older than the terms' version is still valid: the coordinator report asks to renew it."""
    agreed = set()
    for row, name, day in zip(libs["rij"], libs["naam"], libs["akkoord_voorwaarden"]):
        if not isinstance(day, str) or not isinstance(name, str):
            continue
        if day > today.isoformat():
            findings.add("akkoord_in_toekomst", BIBLIOTHEKEN, int(row),
                         veld="akkoord_voorwaarden", waarde=day, datum=day)
        else:
            agreed.add(name)
    return frozenset(agreed)


def sharing_level(value: object) -> str:
    """The level of a Delen cell as read: an empty cell means the terms' `leeg`."""
    return value if isinstance(value, str) and value else load_terms()["leeg"]


def decide(acts: pd.DataFrame, findings: Findings, agreed: frozenset[str]) -> list[str]:
    """Withheld at the library's request (or when Delen is unreadable) wins; then any error
    rejects; then an action of a library without an agreement waits for it; the rest is shared
    publicly or with the network only, as its Delen level says."""
    errors = findings.rows_with(ACTIES, "fout")
    unreadable_share = {r["rij"] for r in findings.rows
                        if r["tabblad"] == ACTIES and r["code"] == "delen_onleesbaar"}
    outcomes = []
    for row, share, library in zip(acts["rij"], acts["delen"], acts["bibliotheek"]):
        level = sharing_level(share)
        if level == "nee" or row in unreadable_share:
            outcomes.append(WITHHELD)
        elif row in errors:
            outcomes.append(REJECTED)
        elif library not in agreed:
            outcomes.append(WAITING)
        else:
            outcomes.append(PUBLISHED if level == "openbaar" else NETWORK)
    return outcomes


def add_derived_columns(acts: pd.DataFrame, libraries: pd.DataFrame, today: date) -> pd.DataFrame:
    published = acts["uitkomst"].isin(SHARED)
    provinces = dict(zip(libraries["naam"], libraries["provincie"]))
    inhabitants = dict(zip(libraries["naam"], libraries["inwoners"]))
    derived = derive.add_derived(acts[published], provinces, today, inhabitants)
    if len(derived):
        ACTIES_DERIVED.validate(derived[list(ACTIES_DERIVED.columns)])
    return pd.concat([derived, acts[~published]]).sort_values("rij")


def report_duplicate_libraries(libs: pd.DataFrame, findings: Findings) -> pd.DataFrame:
    first: dict[str, int] = {}
    for row, name in zip(libs["rij"], libs["naam"]):
        if not isinstance(name, str):
            continue
        key = match_key(name)
        if key in first:
            findings.add("naam_dubbel", BIBLIOTHEKEN, int(row), veld="naam", waarde=name,
                         eerdere_rij=first[key])
        else:
            first[key] = int(row)
    return libs


def read_vocabularies(tab: Tab | None, findings: Findings) -> dict[str, Vocabulary]:
    """The default lists, extended by the workbook's Keuzelijsten tab; a column whose header
    contains 'vervang' replaces the list instead."""
    vocabularies = load_vocabularies()
    if tab is None or not tab.values:
        return vocabularies
    by_key = {match_key(k): k for k in vocabularies}
    by_key.update({match_key(v.titel): k for k, v in vocabularies.items()})
    headers = [cells.clean_text(c) for c in tab.values[0]]
    for position, header in enumerate(headers):
        if not header:
            continue
        replace = "vervang" in header.casefold()
        name = by_key.get(match_key(header.casefold().split("(")[0].replace("vervang", "")))
        if name is None:
            findings.add("keuzelijst_onbekend", KEUZELIJSTEN, 1, kop=header, waarde=header)
            continue
        values = [cells.clean_text(row[position]) for row in tab.values[1:]
                  if position < len(row) and not cells.is_blank(row[position])]
        vocabularies[name] = extend_vocabulary(vocabularies[name], values, replace)
    return vocabularies


def extend_vocabulary(default: Vocabulary, values: list[str], replace: bool) -> Vocabulary:
    if not replace:
        for value in values:
            if default.find(value) is None:
                default.add(value)
                default.added.append(value)
        return default
    fresh = Vocabulary(name=default.name, titel=default.titel)
    for value in values:
        known = default.find(value)
        synonyms = [k for k, label in default.lookup.items() if label == known] if known else []
        fresh.add(known or value, default.descriptions.get(known or "", ""), synonyms)
        if known is None:
            fresh.added.append(value)
    return fresh


__all__ = ["process", "Outcome", "PUBLISHED", "NETWORK", "REJECTED", "WITHHELD", "WAITING",
           "OUTCOMES", "SHARED", "RAW_COLUMN"]
