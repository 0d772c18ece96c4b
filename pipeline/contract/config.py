"""Load the contract from schemas/: fields, vocabularies, corrections and finding messages."""

from __future__ import annotations

import copy
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

# KENNISBANK_SCHEMAS points at another copy of schemas/ (a changed contract, in tests).
SCHEMAS_DIR = Path(os.environ.get("KENNISBANK_SCHEMAS")
                   or Path(__file__).resolve().parents[2] / "schemas")
SAMPLE_WORKBOOK = Path(__file__).resolve().parents[1] / "data" / "voorbeeld-kennisbank.xlsx"

ACTIES = "Acties"
BIBLIOTHEKEN = "Bibliotheken"
KEUZELIJSTEN = "Keuzelijsten"
GENERAL = "algemeen"  # the block of fields.yml that is not a tab

# The finding code for a value that breaks a rule, unless the field or its type names another.
RULE_CODES = {"max_lengte": "te_lang", "minimum": "te_klein", "maximum": "te_groot",
              "min_exclusief": "niet_positief", "geheel": "geen_geheel_getal",
              "waarden": "ongeldige_waarde"}


@dataclass(frozen=True)
class Field:
    veld: str
    kop: str
    type: str
    niveau: str
    beschrijving: str
    aliassen: tuple[str, ...] = ()
    keuzelijst: str | None = None
    max_lengte: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_exclusief: float | None = None
    geheel: bool = False
    waarden: tuple[str, ...] = ()
    meldingen: tuple[tuple[str, str], ...] = ()  # (rule, finding code) where not the default
    verwacht_bij: str | None = None
    publiek: bool = True
    voorbeeld: str | None = None

    @property
    def is_list(self) -> bool:
        return self.type in ("lijst", "keuzelijst", "urllijst")

    @property
    def required(self) -> bool:
        return self.niveau == "verplicht"

    def code(self, rule: str) -> str:
        """The finding code when a value breaks ``rule`` (schemas/meldingen.yml)."""
        return dict(self.meldingen).get(rule, RULE_CODES[rule])

    @property
    def rules(self) -> dict[str, Any]:
        """The rules that apply, by name: placeholders of the messages about this field."""
        found = {name: getattr(self, name) for name in
                 ("max_lengte", "minimum", "maximum", "min_exclusief")
                 if getattr(self, name) is not None}
        if self.geheel:
            found["geheel"] = True
        if self.waarden:
            found["waarden"] = self.waarden
        return found


@dataclass
class Vocabulary:
    """One controlled list: labels in order, descriptions, synonyms as written, and a lookup by
    normalised key."""

    name: str
    titel: str
    labels: list[str] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    lookup: dict[str, str] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)

    def add(self, label: str, omschrijving: str = "", synoniemen: list[str] | tuple = ()) -> None:
        if label not in self.labels:
            self.labels.append(label)
        if omschrijving:
            self.descriptions[label] = omschrijving
        if synoniemen:
            self.synonyms.setdefault(label, []).extend(synoniemen)
        for term in [label, *synoniemen]:
            self.lookup.setdefault(match_key(term), label)

    def find(self, text: str) -> str | None:
        return self.lookup.get(match_key(text))


def match_key(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive key for matching."""
    return _match_key(text if isinstance(text, str) else str(text))


_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=131072)  # pure, and called for the same names and titles over and over
def _match_key(text: str) -> str:
    if text.isascii():  # NFKD changes nothing and there are no accents to drop
        return _NOT_WORD.sub("", text.casefold())
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub("", no_accents)


def header_key(text: str) -> str:
    """Headers match case-insensitively, ignoring surrounding and non-breaking spaces."""
    cleaned = str(text).replace("\u00a0", " ").replace("\u200b", "").strip().casefold()
    return re.sub(r"\s+", " ", cleaned)


# libyaml's parser where PyYAML has it (the same safe subset, many times faster)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _parsed_yaml(name: str) -> Any:
    with open(SCHEMAS_DIR / name, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_YAML_LOADER)


def _read_yaml(name: str) -> Any:
    """A file of schemas/, parsed once per process; every caller gets its own copy."""
    return copy.deepcopy(_parsed_yaml(name))


# per type in fields.yml: texts and what else contributors type, not rules of a field
TYPE_TEXTS = ("uitleg", "voorbeeld", "synoniemen")


@cache
def load_general() -> dict[str, Any]:
    """The `algemeen` block of fields.yml: list separators, rule texts, levels and types."""
    return _read_yaml("fields.yml")[GENERAL]


def _field(spec: dict[str, Any], types: dict[str, Any]) -> Field:
    defaults = {k: v for k, v in types.get(spec["type"], {}).items() if k not in TYPE_TEXTS}
    merged = {**defaults, **spec}
    codes = {**defaults.get("meldingen", {}), **(spec.get("meldingen") or {})}
    merged.update(aliassen=tuple(merged.get("aliassen", ())),
                  waarden=tuple(merged.get("waarden") or ()),
                  geheel=bool(merged.get("geheel")),
                  meldingen=tuple(sorted(codes.items())))
    return Field(**merged)


@cache
def load_fields() -> dict[str, tuple[Field, ...]]:
    data = _read_yaml("fields.yml")
    types = data.get(GENERAL, {}).get("typen", {})
    return {tab: tuple(_field(f, types) for f in fields)
            for tab, fields in data.items() if tab != GENERAL}


def fields_by_veld(tab: str) -> dict[str, Field]:
    return {f.veld: f for f in load_fields()[tab]}


def load_vocabularies() -> dict[str, Vocabulary]:
    """Fresh copies of the default vocabularies (a workbook may extend them per run)."""
    vocabularies = {}
    for name, spec in _read_yaml("vocabularies.yml").items():
        vocab = Vocabulary(name=name, titel=spec.get("titel", name))
        for value in spec["waarden"]:
            vocab.add(value["label"], value.get("omschrijving", ""), value.get("synoniemen", []))
        vocabularies[name] = vocab
    return vocabularies


@cache
def channel_groups() -> dict[str, str]:
    """Per channel of vocabularies.yml its group (`groep`, e.g. Sociale media), in list order."""
    return {v["label"]: v["groep"] for v in _read_yaml("vocabularies.yml")["kanaal"]["waarden"]
            if v.get("groep")}


@cache
def load_terms() -> dict[str, Any]:
    """schemas/voorwaarden.yml: the terms' version, the sharing levels and the licence."""
    return _read_yaml("voorwaarden.yml")


@cache
def load_targets() -> dict[str, Any]:
    """schemas/evaluatie.yml: the pilot's questions (`vragen`) and target values
    (`streefwaarden`, in the order the report shows them)."""
    return _read_yaml("evaluatie.yml")


def terms_version_of(day: str | None) -> str | None:
    """The version of the terms (ISO date) in force on the day of an agreement: the latest
    version on or before it; None for no date or a date before every version."""
    terms = load_terms()
    versions = sorted(str(v) for v in [*terms.get("eerdere_versies", []), terms["versie"]])
    return max((v for v in versions if day and v <= day), default=None)


@cache
def contract_hash() -> str:
    """Changes when the contract in schemas/ changes: a reason to rebuild an unchanged sheet."""
    digest = hashlib.sha256()
    for path in sorted(SCHEMAS_DIR.glob("*.yml")) + sorted(SCHEMAS_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@cache
def load_comparisons() -> dict[str, Any]:
    """schemas/vergelijken.yml: the hourly rate, the working area and the period's first year."""
    return _read_yaml("vergelijken.yml")


def hourly_rate() -> float:
    """Euros per staff hour in the total cost (schemas/vergelijken.yml)."""
    return float(load_comparisons()["uurtarief"])


# The budget classes (derived column budget_klasse), low to high.
NO_BUDGET = "Geen budget (€ 0)"
BUDGET_CLASSES = ((0, NO_BUDGET), (250, "< 250"), (1000, "250 – 1.000"), (5000, "1.000 – 5.000"))
ABOVE_BUDGET_CLASSES = "> 5.000"
BUDGET_LABELS = tuple(label for _, label in BUDGET_CLASSES) + (ABOVE_BUDGET_CLASSES,)


def public_fields(tab: str) -> list[Field]:
    """Fields that may appear in the public catalogue: no personal data, no Delen flag."""
    return [f for f in load_fields()[tab] if f.publiek and f.veld != "delen"]


@cache
def load_messages() -> dict[str, dict[str, str]]:
    return _read_yaml("meldingen.yml")


@cache
def load_corrections() -> tuple[dict[str, Any], ...]:
    return tuple(_read_yaml("corrections.yml") or ())
