"""The sample's data: libraries, people, themes and text pools, read from tools/sample/data/*.yml.

Everything here is fictional. The YAML files hold the data; this module only turns them into
read-only values (lists become tuples) and gives libraries their derived slug, website and
e-mail address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from pipeline.contract.config import match_key

DATA = Path(__file__).resolve().parent / "data"
# When most sample libraries agreed to the terms (after their version, schemas/voorwaarden.yml,
# and before the tests' run date); libraries.yml names the exceptions.
AGREED_ON = date(2026, 11, 12)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where PyYAML has it


def read(name: str) -> dict[str, Any]:
    """A YAML file of tools/sample/data/, with every list as a tuple."""
    with open(DATA / name, encoding="utf-8") as fh:
        return _frozen(yaml.load(fh, Loader=_LOADER))


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def word_keys(text: str) -> list[str]:
    """The words of ``text`` as matched (case and accents aside); punctuation separates words."""
    return [key for part in re.split(r"[\W_]+", text) if (key := match_key(part))]


def slugify(text: str) -> str:
    return "-".join(word_keys(text))


@dataclass(frozen=True)
class Library:
    naam: str
    provincie: str
    gemeenten: tuple[str, ...]
    vestigingen: tuple[str, ...]
    lat: float
    lon: float
    inwoners: int
    id_prefix: str | None = None  # libraries that number their own actions
    # The agreement to the terms of use (Bibliotheken tab): its date (None: not agreed yet)
    # and who agreed, as a role.
    akkoord: date | None = AGREED_ON
    akkoord_door: str | None = "directeur"
    # An address for colleagues' questions that the library chose to publish (Bibliotheken:
    # Openbaar contactadres); None: questions go through the coordinators.
    contact_openbaar: str | None = None

    @property
    def slug(self) -> str:
        return slugify(self.naam.removeprefix("Bibliotheek "))

    @property
    def website(self) -> str:
        return f"https://www.{self.slug}.bieb-voorbeeld.nl"

    @property
    def agreed_by(self) -> str | None:
        """Who agreed to the terms, as typed (personal data: never in the catalogue)."""
        if not self.akkoord:
            return None
        return f"{self.akkoord_door} {self.naam.removeprefix('Bibliotheek ')}"

    @property
    def email(self) -> str:
        return f"marketing@{self.slug}.bieb-voorbeeld.nl"


@dataclass(frozen=True)
class Theme:
    """A kind of campaign: how it is named, when it runs, what it uses and how it is told
    (tools/sample/data/themes.yml explains the fields)."""

    key: str
    titles: tuple[str, ...]
    windows: tuple[tuple[int, int, int], ...]  # (month, first day, last day) of the start
    days: tuple[int, int]  # duration
    pools: dict[str, tuple[str, ...]]
    kpis: tuple[tuple[str, int, int, str | None], ...]
    budgets: tuple[tuple[int, int], ...]
    hours: tuple[int, int]
    partners: tuple[str, ...]
    omschrijving: tuple[str, ...]
    aanleiding: tuple[str, ...]
    werkte: tuple[str, ...]
    werkte_niet: tuple[str, ...]
    tips: tuple[str, ...]
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    weight: int = 3


_LIBRARIES = read("libraries.yml")
LIBRARIES = tuple(Library(**spec) for spec in _LIBRARIES["libraries"])
INACTIVE_LIBRARIES = _LIBRARIES["inactive"]  # in the Bibliotheken tab, no action typed in yet
FIRST_NAMES = _LIBRARIES["first_names"]
LAST_NAMES = _LIBRARIES["last_names"]

THEMES = tuple(Theme(key=key, **spec) for key, spec in read("themes.yml")["themes"].items())

_TEXTS = read("texts.yml")
GENERIC_OMSCHRIJVING = _TEXTS["generic"]["omschrijving"]
GENERIC_AANLEIDING = _TEXTS["generic"]["aanleiding"]
GENERIC_WERKTE = _TEXTS["generic"]["werkte"]
GENERIC_WERKTE_NIET = _TEXTS["generic"]["werkte_niet"]
GENERIC_TIPS = _TEXTS["generic"]["tips"]
MEETBAAR_DOEL = _TEXTS["meetbaar_doel"]
VAGUE_DOEL = _TEXTS["vague_doel"]
RESULT_TEXTS = _TEXTS["result_texts"]
KPI_UNITS = _TEXTS["kpi_units"]
KPI_MIRROR = _TEXTS["kpi_mirror"]
INTERNAL_NOTES = _TEXTS["internal_notes"]
LONG_REPORT_SENTENCES = _TEXTS["long_report_sentences"]
