"""From the raw snapshot to typed frames: header matching, cell parsing, vocabularies.

Pure transforms: a tab's values in, a DataFrame and findings out. What could not be read is
never guessed: it becomes a finding (see schemas/meldingen.yml) and the cell stays empty, or,
for vocabulary values, keeps its own text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Callable, Iterable

import pandas as pd

from pipeline.contract import cells
from pipeline.contract.cells import Cell, Parsed, issue
from pipeline.contract.config import (
    ACTIES,
    BIBLIOTHEKEN,
    Field,
    Vocabulary,
    header_key,
    load_corrections,
    load_fields,
    load_general,
    match_key,
)
from pipeline.contract.findings import Findings
from pipeline.contract.headers import CONTROL_HEADER, find_header_row, header_lookup
from pipeline.errors import SourceError
from pipeline.sources.snapshot import Tab

# Columns the product itself writes into the sheet (kennisbank build --write-back): not data.
OWN_HEADERS = {header_key(CONTROL_HEADER)}
RAW_COLUMN = "_ruw"  # every value of the row as typed, by header (also unknown columns)

PROVINCES = list(load_general()["typen"]["provincie"]["waarden"])  # schemas/fields.yml
PROVINCE_ALIASES = {"nh": "Noord-Holland", "zh": "Zuid-Holland", "fryslan": "Friesland",
                    "nb": "Noord-Brabant", "brabant": "Noord-Brabant"}


# ---------------------------------------------------------------- header and raw frame

@dataclass
class RawTab:
    """A tab's data rows by field, with sheet row numbers and the raw values by header."""

    title: str
    header_row: int
    frame: pd.DataFrame
    unknown_columns: list[str] = field(default_factory=list)


def read_raw_tab(tab: Tab, fields: tuple[Field, ...], findings: Findings) -> RawTab:
    """Locate the header, map columns to fields, and keep every data row with content (a row
    with nothing but its library or its Controle status is no action)."""
    lookup = header_lookup(fields)
    header_index = find_header_row(tab.values, tab.title, fields=fields)
    if header_index is None:
        expected = ", ".join(f"'{f.kop}'" for f in fields if f.required)
        raise SourceError(
            f"Tabblad '{tab.title}': geen kopregel gevonden. Verwacht een rij met onder meer "
            f"de kolommen {expected}."
        )
    header_row = header_index + 1
    headers = [cells.clean_text(c) for c in tab.values[header_index]]
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for position, text in enumerate(headers):
        if not text or header_key(text) in OWN_HEADERS:
            continue
        known = lookup.get(header_key(text))
        if known is None:
            unknown.append(text)
            findings.add("kolom_onbekend", tab.title, header_row, kop=text, waarde=text)
        elif known.veld in columns:
            findings.add("kolom_dubbel", tab.title, header_row, veld=known.veld, kop=text,
                         waarde=text)
        else:
            columns[known.veld] = position
    missing = [f for f in fields if f.required and f.veld not in columns]
    if missing:
        names = ", ".join(f"'{f.kop}'" for f in missing)
        one = len(missing) == 1
        word, verb, head = ("kolom", "ontbreekt", "deze kop") if one else (
            "kolommen", "ontbreken", "deze koppen")
        raise SourceError(
            f"Tabblad '{tab.title}': de verplichte {word} {names} {verb} in de kopregel "
            f"(rij {header_row}). Voeg de {word} toe met precies {head}; er is niets gepubliceerd "
            f"of gewijzigd."
        )
    # Cells that alone make no row: the project's own Controle column, and in Acties the
    # library (the Excel template fills it in on every row, see pipeline/sources/template.py).
    alone = {i for i, text in enumerate(headers) if text and header_key(text) in OWN_HEADERS}
    if header_key(tab.title) == header_key(ACTIES):
        alone |= {columns[f.veld] for f in fields if f.type == "bibliotheek" and f.veld in columns}
    frame = _data_frame(tab, header_index, headers, columns, fields, frozenset(alone))
    if header_key(tab.title) == header_key(ACTIES) and "actie_id" in columns and len(frame):
        example = [is_example_row(i, t) for i, t in zip(frame["actie_id"], frame["titel"])]
        if any(example):
            frame = frame[[not e for e in example]].reset_index(drop=True)
    if header_key(tab.title) == header_key(ACTIES) and not len(frame):
        findings.add("geen_acties", tab.title, header_row)
    return RawTab(tab.title, header_row, frame, unknown)


# The Excel template's example row (pipeline/sources/template.py): never read as an action.
EXAMPLE_ID = "VOORBEELD"
EXAMPLE_TITLE_START = "Voorbeeld:"


def is_example_row(actie_id: Any, titel: Any) -> bool:
    """ID VOORBEELD and a title that starts with "Voorbeeld:": the template's example, as it
    was; a row typed over it with another title is an action like any other."""
    return (isinstance(actie_id, str) and actie_id.strip().upper() == EXAMPLE_ID
            and isinstance(titel, str) and titel.strip().startswith(EXAMPLE_TITLE_START))


def _data_frame(tab: Tab, header_index: int, headers: list[str], columns: dict[str, int],
                fields: tuple[Field, ...], alone: frozenset[int] = frozenset()) -> pd.DataFrame:
    width = len(headers)
    records: list[tuple] = []
    # Each record: the fields' cells picked at C speed (a missing column picks the None
    # appended to every row), the sheet row number and the raw values by header.
    picks = [-1 if columns.get(f.veld) is None else columns[f.veld] for f in fields]
    pick = itemgetter(*picks) if len(picks) > 1 else (lambda row: (row[picks[0]],))
    names = [headers[i] or f"kolom {i + 1}" for i in range(width)]
    is_blank, plain_types, not_a_start = cells.is_blank, _PLAIN_TYPES, cells._NOT_A_START
    values = tab.values
    for index in range(header_index + 1, len(values)):
        row = values[index]
        filled = []
        for i, c in enumerate(row):  # each cell looked at once
            if c is None:
                continue
            if type(c) is str:
                stripped = c.strip()
                if stripped and stripped[0] not in not_a_start:
                    filled.append(i)
                    continue
            if not is_blank(c):
                filled.append(i)
        if not filled or alone.issuperset(filled):
            continue
        padded = list(row) + [None] * (width - len(row)) + [None]
        records.append(pick(padded) + (index + 1, {
            (names[i] if i < width else f"kolom {i + 1}"):
                (padded[i] if type(padded[i]) in plain_types else _plain(padded[i]))
            for i in filled}))
    frame = pd.DataFrame.from_records(
        records, columns=[f.veld for f in fields] + ["rij", RAW_COLUMN]
    )
    return frame.astype({f.veld: object for f in fields}).astype({"rij": "int64"})


_PLAIN_TYPES = frozenset({str, int, float, bool})


def _plain(cell: Cell) -> Cell:
    return cell if cell is None or isinstance(cell, (str, int, float, bool)) else str(cell)


# ---------------------------------------------------------------- corrections

def apply_corrections(raw: RawTab, findings: Findings) -> None:
    """The named corrections stage: schemas/corrections.yml, each change logged as info."""
    for correction in load_corrections():
        if correction["tabblad"] != raw.title or correction["veld"] not in raw.frame.columns:
            continue
        column = raw.frame[correction["veld"]]
        wanted = match_key(correction["van"])
        hits = column.map(lambda v: v is not None and match_key(cells.clean_text(v)) == wanted)
        for row_index in column.index[hits.astype(bool)]:
            findings.add("correctie", raw.title, int(raw.frame.at[row_index, "rij"]),
                         veld=correction["veld"], waarde=cells.clean_text(column[row_index]),
                         naar=correction["naar"], reden=correction["reden"])
            raw.frame.at[row_index, correction["veld"]] = correction["naar"]


# ---------------------------------------------------------------- matching against lists

def closest(text: str, candidates: dict[str, str], cutoff: float) -> str | None:
    """The label whose key is closest to the text's key, if close enough."""
    key = match_key(text)
    if len(key) < 4:
        return None
    match = difflib.get_close_matches(key, candidates.keys(), n=1, cutoff=cutoff)
    return candidates[match[0]] if match else None


def map_vocabulary_item(item: str, vocab: Vocabulary) -> Parsed:
    label = vocab.find(item)
    if label is not None:
        return Parsed(label)
    typo = closest(item, vocab.lookup, cutoff=0.85)
    if typo is not None:
        return Parsed(typo, (issue("keuze_gecorrigeerd", waarde=item, label=typo),))
    guess = closest(item, vocab.lookup, cutoff=0.6)
    hint = f" Bedoelde u '{guess}'?" if guess else ""
    return Parsed(item, (issue("keuze_onbekend", waarde=item, suggestie=hint),))


def vocabulary_parser(vocab: Vocabulary, many: bool) -> Callable[[Cell], Parsed]:
    cache: dict[Cell, Parsed] = {}
    items: dict[str, Parsed] = {}  # the same items recur in many different list cells

    def parse(cell: Cell) -> Parsed:
        if cell in cache:
            return cache[cell]
        text = cells.clean_text(cell)
        if text.upper() in cells.CELL_ERRORS:
            result = Parsed(None, (issue("celfout"),))
        else:
            labels, issues = [], ()
            for item in cells.split_list(cell):
                mapped = items.get(item)
                if mapped is None:
                    mapped = items[item] = map_vocabulary_item(item, vocab)
                issues += mapped.issues
                if mapped.value not in labels:
                    labels.append(mapped.value)
            if many or len(labels) <= 1:
                result = Parsed((labels or None) if many else (labels[0] if labels else None),
                                issues)
            else:
                result = Parsed(labels[0], issues + (issue("keuze_meerdere", label=labels[0]),))
        cache[cell] = result
        return result

    return parse


def library_parser(names: list[str], rejected: Iterable[str] = ()) -> Callable[[Cell], Parsed]:
    by_key = {match_key(n): n for n in names}
    rejected_keys = {match_key(n) for n in rejected}
    cache: dict[Cell, Parsed] = {}

    def parse(cell: Cell) -> Parsed:
        if cell not in cache:
            text = cells.clean_text(cell)
            if not text:
                cache[cell] = cells.EMPTY
            elif text.upper() in cells.CELL_ERRORS:
                cache[cell] = Parsed(None, (issue("celfout"),))
            elif match_key(text) in by_key:
                cache[cell] = Parsed(by_key[match_key(text)])
            elif match_key(text) in rejected_keys:
                cache[cell] = Parsed(None, (issue("bibliotheek_afgekeurd"),))
            else:
                guess = closest(text, by_key, cutoff=0.75)
                hint = f" Bedoelde u '{guess}'?" if guess else ""
                cache[cell] = Parsed(None, (issue("bibliotheek_onbekend", suggestie=hint),))
        return cache[cell]

    return parse


@cells.lru_cache(maxsize=256)
def parse_province(cell: Cell) -> Parsed:
    text = cells.clean_text(cell)
    if not text:
        return cells.EMPTY
    key = match_key(text)
    for name in PROVINCES:
        if match_key(name) == key:
            return Parsed(name)
    if key in PROVINCE_ALIASES:
        return Parsed(PROVINCE_ALIASES[key])
    return Parsed(None, (issue("provincie_onbekend"),))


# ---------------------------------------------------------------- sharing and agreement

def _sharing_lookup() -> dict[str, str]:
    """Every way to type a sharing level (schemas/fields.yml, typen.delen), by its key."""
    spec = load_general()["typen"]["delen"]
    lookup = {}
    for level in spec["waarden"]:
        for term in [level, *spec.get("synoniemen", {}).get(level, [])]:
            lookup[_sharing_key(term)] = level
            lookup.setdefault(match_key(term), level)
    return lookup


def _sharing_key(cell: Cell) -> str:
    if isinstance(cell, bool):
        return "ja" if cell else "nee"
    return cells.clean_text(cell).casefold().rstrip(".!")


SHARING = _sharing_lookup()


@cells.lru_cache(maxsize=1024)
def parse_sharing(cell: Cell) -> Parsed:
    """openbaar, netwerk or nee; an empty cell stays empty (load_terms()["leeg"] decides)."""
    key = _sharing_key(cell)
    if not key:
        return cells.EMPTY
    level = SHARING.get(key) or SHARING.get(match_key(key))
    return Parsed(level) if level else Parsed(None, (issue("delen_onleesbaar"),))


@cells.lru_cache(maxsize=256)
def parse_agreement(cell: Cell) -> Parsed:
    """The date of an agreement; what is not a readable date is a warning, not an error (the
    library stays, its actions wait for an agreement)."""
    parsed = cells.parse_date(cell)
    if parsed.value is None and parsed.issues:
        return Parsed(None, (issue("akkoord_onleesbaar"),))
    return Parsed(parsed.value)


# ---------------------------------------------------------------- typed columns

def parser_for(f: Field, vocabularies: dict[str, Vocabulary], libraries: list[str],
               rejected_libraries: Iterable[str] = ()) -> Callable[[Cell], Parsed]:
    if f.type in ("keuze", "keuzelijst"):
        return vocabulary_parser(vocabularies[f.keuzelijst], many=f.type == "keuzelijst")
    if f.type == "datum":
        end = f.veld == "einddatum"
        return lambda cell: cells.parse_date(cell, end)
    simple = {
        "tekst": cells.parse_text, "lijst": cells.parse_text_list,
        "urllijst": cells.parse_url_list, "url": cells.parse_url, "email": cells.parse_email,
        "bedrag": cells.parse_number, "getal": cells.parse_number, "geheel": cells.parse_number,
        "breedtegraad": cells.parse_number, "lengtegraad": cells.parse_number,
        "janee": cells.parse_yes_no, "behaald": cells.parse_achieved,
        "provincie": parse_province, "delen": parse_sharing, "akkoord": parse_agreement,
    }
    if f.type == "bibliotheek":
        return library_parser(libraries, rejected_libraries)
    return simple[f.type]


def _hashable(cell: Any) -> Cell:
    if cell is None or (isinstance(cell, float) and cell != cell):
        return None
    return cell if isinstance(cell, (str, int, float, bool)) else str(cell)


def parse_columns(raw: RawTab, fields: tuple[Field, ...], findings: Findings,
                  vocabularies: dict[str, Vocabulary], libraries: list[str],
                  rejected_libraries: Iterable[str] = ()) -> pd.DataFrame:
    """Every field parsed per distinct value; issues become findings on their rows."""
    clean = pd.DataFrame({"rij": raw.frame["rij"]}, index=raw.frame.index)
    rows = raw.frame["rij"].tolist()
    for f in fields:
        parse = parser_for(f, vocabularies, libraries, rejected_libraries)
        column = [v if type(v) is str else _hashable(v) for v in raw.frame[f.veld].tolist()]
        parsed = {value: parse(value) for value in dict.fromkeys(column)}
        clean[f.veld] = pd.Series([parsed[v].value for v in column], index=raw.frame.index,
                                  dtype=object)
        with_issues = {v for v, p in parsed.items() if p.issues}
        if not with_issues:
            continue
        for value, row in zip(column, rows):  # in row order; a plain loop, no per-cell lookups
            if value not in with_issues:
                continue
            for code, extra in parsed[value].issues:
                details = dict(extra)
                details.setdefault("waarde", cells.clean_text(value))
                findings.add(code, raw.title, int(row), veld=f.veld, **details)
        clean.loc[:, f.veld] = clean[f.veld].where(clean[f.veld].notna(), None)
    return clean


def numeric_columns(fields: Iterable[Field]) -> list[str]:
    return [f.veld for f in fields
            if f.type in ("bedrag", "getal", "geheel", "breedtegraad", "lengtegraad")]


def to_numeric(frame: pd.DataFrame, fields: Iterable[Field]) -> pd.DataFrame:
    for column in numeric_columns(fields):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def libraries_of(clean_libraries: pd.DataFrame) -> list[str]:
    return [n for n in clean_libraries["naam"].tolist() if isinstance(n, str) and n]


__all__ = ["ACTIES", "BIBLIOTHEKEN", "read_raw_tab", "apply_corrections", "parse_columns",
           "to_numeric", "libraries_of", "load_fields"]
