"""One action of the sample as a library types it: the building blocks of tools/sample/workbook.py
and tools/sample/synthetic.py.

The contract comes from schemas/ through the project's own loader (pipeline.contract.config);
theme hints are resolved through vocabularies.yml, so a renamed value fails loudly here instead
of drifting. How a row is typed (date and amount notations, the Delen value, the outcome) is a
``Style``; the deliberate defects are in tools/sample/oddities.py.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable

from pipeline.contract import config
from pipeline.contract.config import ACTIES, Field, Vocabulary
from tools.sample.data import (
    GENERIC_AANLEIDING,
    GENERIC_OMSCHRIJVING,
    GENERIC_TIPS,
    GENERIC_WERKTE,
    GENERIC_WERKTE_NIET,
    KPI_MIRROR,
    KPI_UNITS,
    MEETBAAR_DOEL,
    RESULT_TEXTS,
    THEMES,
    VAGUE_DOEL,
    Library,
    Theme,
    slugify,
    word_keys,
)

Cell = str | int | float | date | None

FIRST_START = date(2022, 1, 1)
LAST_START = date(2026, 10, 31)
RESULTS_UNTIL = date(2026, 9, 1)  # actions starting later are still running: no results yet
ACTIONS_TOTAL = 196  # the rates below are "so many per 196 actions"

ACTIES_TITLE = "Kennisbank Marketing – acties (fictief voorbeeld)"
EXTRA_COLUMN = "Interne notitie"

# How rows are typed: notation -> rows out of ACTIONS_TOTAL (the rest: a date cell, 'boven', ...)
DUTCH_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                "september", "oktober", "november", "december")
DUTCH_MONTHS_SHORT = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.",
                      "okt.", "nov.", "dec.")
START_STYLES = {"d-m-yyyy": 5, "dd-mm-yyyy": 4, "d/m/yyyy": 4, "iso": 4, "d maand yyyy": 4,
                "d mnd. yyyy": 4, "maand yyyy": 3, "serial": 2}
END_STYLES = {"d-m-yyyy": 4, "dd-mm-yyyy": 3, "d/m/yyyy": 2, "iso": 3, "d maand yyyy": 3,
              "d mnd. yyyy": 2}
OUTCOMES = {"nul": 5, "ontbreekt": 14, "geen_streef": 14, "deels": 55}  # the rest: boven
# Delen as typed (the rest: openbaar): old yes-values mean openbaar; netwerk and its aliases and
# an empty cell (None: the terms' default, netwerk) share with the network members only.
DELEN_VALUES = {"ja": 3, "Ja": 3, "JA": 2, "j": 2, "x": 2, "yes": 1, "publiek": 1,
                "netwerk": 6, "Alleen netwerk": 2, "collega's": 1, "intern": 1, None: 4}
DELEN_FILLER = "openbaar"
BEHAALD_TYPED = 9
VARIANT_RATE = 0.09  # vocabulary values typed in other case or as a synonym

# ================================================================================= the schema


@dataclass
class Context:
    """Everything the generator reads from schemas/, resolved once."""

    fields: dict[str, tuple[Field, ...]]
    vocabularies: dict[str, Vocabulary]
    corrections: list[dict[str, str]]
    vocabulary_fields: dict[str, str]  # vocabulary key -> Acties veld
    theme_labels: dict[str, dict[str, tuple[str, ...]]]  # theme -> vocabulary key -> labels
    variants: dict[str, dict[str, list[str]]]  # vocabulary key -> label -> its variants

    def field(self, veld: str) -> Field:
        return next(f for f in self.fields[ACTIES] if f.veld == veld)

    def is_list(self, veld: str) -> bool:
        return self.field(veld).type == "keuzelijst"

    def label(self, vocabulary: str, hint: str) -> str:
        return resolve(self.vocabularies[vocabulary], hint)


def resolve(vocabulary: Vocabulary, hint: str) -> str:
    """The label a hint (a label or synonym, any case) stands for; unknown hints fail loudly."""
    label = vocabulary.find(hint)
    if label is None:
        raise KeyError(f"'{hint}' is label noch synoniem in keuzelijst '{vocabulary.name}' "
                       f"(schemas/vocabularies.yml)")
    return label


def variants(vocabulary: Vocabulary, label: str) -> list[str]:
    """The label's synonyms that map back to it and are other words than the label."""
    return [s for s in vocabulary.synonyms.get(label, ())
            if vocabulary.find(s) == label and word_keys(s) != word_keys(label)]


def load_context() -> Context:
    fields = config.load_fields()
    vocabularies = config.load_vocabularies()
    vocabulary_fields = {f.keuzelijst: f.veld for f in fields[ACTIES] if f.keuzelijst}
    theme_labels = {
        theme.key: {key: tuple(resolve(vocabularies[key], h) for h in hints)
                    for key, hints in theme.pools.items()}
        | {"kpi": tuple(resolve(vocabularies["kpi"], k[0]) for k in theme.kpis)}
        for theme in THEMES
    }
    corrections = [c for c in config.load_corrections() if c.get("tabblad") == ACTIES]
    return Context(fields, vocabularies, corrections, vocabulary_fields, theme_labels,
                   {key: {label: variants(v, label) for label in v.labels}
                    for key, v in vocabularies.items()})


# ================================================================================ the actions


@dataclass(frozen=True)
class Token:
    """One value in a vocabulary cell: the label it stands for (None: none) and what is typed."""

    label: str | None
    text: str


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


@dataclass(frozen=True)
class Plan:
    library: Library
    theme: Theme
    start: date


@dataclass(frozen=True)
class Style:
    """How one row is typed: which date and amount notation, the Delen value, the outcome."""

    start: str = "date"
    end: str = "date"
    outcome: str = "boven"
    delen: str | None = None
    behaald: bool = False


@dataclass
class Note:
    text: str
    ref: "Action | None" = None  # "{ref}" in text becomes that action's sheet row


@dataclass
class Action:
    library: Library
    theme: Theme
    start: date
    values: dict[str, Cell]
    tokens: dict[str, list[Token]]
    separator: str = ", "
    hidden: bool = False  # Delen = nee
    notes: list[Note] = field(default_factory=list)  # deliberate defects
    info: list[str] = field(default_factory=list)  # deliberate but valid oddities
    internal_note: str | None = None
    sheet_row: int | None = None

    @property
    def clean(self) -> bool:
        return not self.notes and not self.hidden


@dataclass
class Measure:
    hint: str
    label: str
    unit: str
    target: int | None
    result: int | None
    outcome: str


# ------------------------------------------------------------------------------------ texts


@lru_cache(maxsize=None)  # pure; the templates are a fixed set
def placeholders(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def fill_one(templates: tuple[str, ...], words: dict[str, str | None],
             rng: random.Random) -> str:
    usable = [t for t in templates if all(words.get(p) for p in placeholders(t))]
    return rng.choice(usable).format(**words)


def sentences(own: tuple[str, ...], generic: tuple[str, ...], words: dict[str, str | None],
              rng: random.Random, most: int = 2, generic_chance: float = 0.3) -> str:
    """1 to ``most`` sentences of the theme's own, sometimes followed by a generic one."""
    usable = [t for t in own if all(words.get(p) for p in placeholders(t))]
    chosen = rng.sample(usable, min(len(usable), rng.randint(1, most)))
    text = [t.format(**words) for t in chosen]
    if rng.random() < generic_chance:
        text.append(fill_one(generic, words, rng))
    return " ".join(text)


def dutch_number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def nice(value: int) -> int:
    step = 1 if value < 50 else 5 if value < 500 else 50 if value < 5000 else 500
    return max(step, round(value / step) * step)


# ------------------------------------------------------------------------------------- cells


def format_date(day: date, style: str) -> Cell:
    formats = {
        "date": lambda: day,
        "d-m-yyyy": lambda: f"{day.day}-{day.month}-{day.year}",
        "dd-mm-yyyy": lambda: f"{day.day:02d}-{day.month:02d}-{day.year}",
        "d/m/yyyy": lambda: f"{day.day}/{day.month}/{day.year}",
        "iso": lambda: day.isoformat(),
        "d maand yyyy": lambda: f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}",
        "d mnd. yyyy": lambda: f"{day.day} {DUTCH_MONTHS_SHORT[day.month - 1]} {day.year}",
        "maand yyyy": lambda: f"{DUTCH_MONTHS[day.month - 1]} {day.year}",
        "serial": lambda: (day - date(1899, 12, 30)).days,
    }
    return formats[style]()


def format_amount(value: float, style: str) -> str:
    whole = float(value).is_integer()
    formats = {
        "euro-cent": lambda: f"€ {dutch_number(value, 2)}",
        "euro": lambda: f"€ {dutch_number(value, 0 if whole else 2)}",
        "punt": lambda: dutch_number(value, 0 if whole else 2),
        "EUR": lambda: f"EUR {dutch_number(value, 0 if whole else 2)}",
        "circa": lambda: f"ca. {dutch_number(50 * round(value / 50) or 50)}",
        "streep": lambda: "-",
        "nvt": lambda: "n.v.t.",
        "tekst": lambda: str(int(value)) if whole else dutch_number(value, 2),
    }
    return formats[style]()


def make_token(label: str, synonyms: list[str], rng: random.Random) -> Token:
    """The label as typed: mostly exact, sometimes in other case or as a synonym."""
    if rng.random() >= VARIANT_RATE:
        return Token(label, label)
    if synonyms and rng.random() < 0.6:
        synonym = rng.choice(synonyms)
        return Token(label, synonym.upper() if len(synonym) <= 3 and rng.random() < 0.6
                     else synonym)
    return Token(label, label.upper() if len(label) <= 10 and rng.random() < 0.4
                 else label.lower())


# ------------------------------------------------------------------------------ one action

LIST_SIZES = {  # vocabulary key -> (sizes, weights); doel and doelgroep start at the primary
    "doel": ((1, 2, 3), (50, 35, 15)),
    "doelgroep": ((1, 2, 3), (45, 40, 15)),
    "kanaal": ((1, 2, 3, 4), (10, 35, 35, 20)),
    "functie": ((1, 2), (60, 40)),
}
PRIMARY_FIRST = ("doel", "doelgroep")
SINGLE_FILL = {"landelijke_campagne": 0.85, "aanbod": 0.8, "meetmethode": 0.85}


def pick_labels(key: str, pool: tuple[str, ...], rng: random.Random, complete: bool) -> list:
    if key in LIST_SIZES:
        sizes, weights = LIST_SIZES[key]
        size = min(len(pool), rng.choices(sizes, weights)[0])
        if key in PRIMARY_FIRST:
            return [pool[0], *rng.sample(pool[1:], size - 1)]
        return rng.sample(pool, size)
    if complete or rng.random() < SINGLE_FILL.get(key, 1.0):
        return [rng.choice(pool)]
    return []


def pick_measure(theme: Theme, outcome: str, ctx: Context, rng: random.Random,
                 complete: bool) -> Measure | None:
    if not complete and rng.random() >= 0.92:
        return None
    hint, low, high, unit = rng.choice(theme.kpis)
    target = nice(rng.randint(low, high))
    if outcome == "deels" and target < 2:
        outcome = "boven"
    result = {
        "boven": lambda: round(target * rng.uniform(1.0, 1.6)),
        "deels": lambda: max(1, min(target - 1, round(target * rng.uniform(0.35, 0.95)))),
        "nul": lambda: 0,
        "ontbreekt": lambda: None,
        "loopt": lambda: None,
        "geen_streef": lambda: rng.randint(low, high),
    }[outcome]()
    return Measure(hint, ctx.label("kpi", hint), unit or KPI_UNITS[hint],
                   None if outcome == "geen_streef" else target, result, outcome)


def typed_behaald(measure: Measure | None, finished: bool) -> str:
    if not measure or not finished or measure.result is None or measure.target is None:
        return "onbekend"
    return {"boven": "ja", "deels": "deels", "nul": "nee"}.get(measure.outcome, "onbekend")


def make_links(library: Library, title: str, year: int, rng: random.Random) -> str:
    slug = slugify(title)[:50].strip("-")
    options = [
        f"https://www.{library.slug}.bieb-voorbeeld.nl/acties/{year}/{slug}",
        f"https://www.bibliotheek-voorbeeld.nl/materiaal/{library.slug}/{slug}.pdf",
        f"https://beeldbank.bibliotheek-voorbeeld.nl/{library.slug}/{year}/{slug}",
    ]
    links = rng.sample(options, rng.choice((1, 1, 2)))
    return rng.choice(("\n", ", ")).join(links)


def describe_results(measure: Measure | None, rng: random.Random) -> str:
    if measure is None:
        return rng.choice(RESULT_TEXTS["geen_kpi"])
    words = {"resultaat": dutch_number(measure.result or 0),
             "streef": dutch_number(measure.target or 0), "eenheid": measure.unit}
    return rng.choice(RESULT_TEXTS[measure.outcome]).format(**words)


def describe_goal(measure: Measure | None, rng: random.Random) -> str | None:
    if measure is None:
        return None
    if measure.target is None:
        return rng.choice(VAGUE_DOEL).format(eenheid=measure.unit)
    return rng.choice(MEETBAAR_DOEL).format(streef=dutch_number(measure.target),
                                            eenheid=measure.unit)


def pick_budget(theme: Theme, rng: random.Random) -> float:
    low, high = rng.choice(theme.budgets)
    if high == 0:
        return 0
    value = nice(rng.randint(low, high)) if high >= 250 else 5 * round(rng.randint(low, high) / 5)
    value = min(max(value, low), high)
    return value + 0.5 if rng.random() < 0.1 else value


def build_action(plan: Plan, style: Style, contacts: tuple[Contact, ...], ctx: Context,
                 rng: random.Random, complete: bool = False) -> Action:
    """One action as the library typed it (before any deliberate defect)."""
    library, theme = plan.library, plan.theme

    def chance(p: float) -> bool:
        return complete or rng.random() < p

    start = plan.start.replace(day=1) if style.start == "maand yyyy" else plan.start
    end = start + timedelta(days=rng.randint(*theme.days)) if chance(0.96) else None
    finished = complete or start < RESULTS_UNTIL
    words: dict[str, str | None] = {
        "vestiging": rng.choice(library.vestigingen), "gemeente": rng.choice(library.gemeenten),
        "jaar": str(start.year), "weken": str(max(1, ((end or start) - start).days // 7)),
    }
    partners = pick_partners(theme, words, rng) if chance(0.55) else []
    words["partner"] = partners[0] if partners else None
    measure = pick_measure(theme, style.outcome if finished else "loopt", ctx, rng, complete)

    values: dict[str, Cell] = {
        "bibliotheek": library.naam,
        "vestigingen": ", ".join(rng.sample(library.vestigingen, rng.choice((1, 1, 2))))
        if chance(0.55) else None,
        "titel": fill_one(theme.titles, words, rng),
        "omschrijving": sentences(theme.omschrijving, GENERIC_OMSCHRIJVING, words, rng),
        "aanleiding": (sentences(theme.aanleiding, GENERIC_AANLEIDING, words, rng, 1, 0.25)
                       if chance(0.92) else None),
        "partners": rng.choice((", ", "; ")).join(partners) or None,
        "startdatum": format_date(start, style.start),
        "einddatum": format_date(end, style.end) if end else None,
        "budget_eur": pick_budget(theme, rng) if chance(0.95) else None,
        "uren": (rng.randint(*theme.hours) + (0.5 if rng.random() < 0.1 else 0))
        if chance(0.94) else None,
        "meetbaar_doel": describe_goal(measure, rng),
        "streefwaarde": measure.target if measure else None,
        "resultaat": measure.result if measure else None,
        "doel_behaald": typed_behaald(measure, finished) if style.behaald else None,
    }
    values.update(pick_counts(theme, measure, rng, chance))
    if finished:
        values.update(describe_outcome(theme, measure, words, rng, chance))
    values["links"] = make_links(library, str(values["titel"]), start.year, rng) \
        if chance(0.45) else None
    values.update(pick_contact(contacts, rng, complete))
    values["delen"] = style.delen
    tokens = pick_tokens(theme, measure, ctx, rng, complete)
    separator = rng.choices((", ", "; ", "\n"), (65, 25, 10))[0]
    return Action(library, theme, start, values, tokens, separator)


def pick_partners(theme: Theme, words: dict[str, str | None], rng: random.Random) -> list[str]:
    picks = rng.sample(theme.partners, min(len(theme.partners), rng.choice((1, 1, 2))))
    return [p.format(**words) for p in picks]


def pick_tokens(theme: Theme, measure: Measure | None, ctx: Context, rng: random.Random,
                complete: bool) -> dict[str, list[Token]]:
    """The vocabulary cells of one action, by veld; the KPI comes from the measure."""
    tokens = {}
    for key, veld in ctx.vocabulary_fields.items():
        if key == "kpi":
            labels = [measure.label] if measure else []
        else:
            labels = pick_labels(key, ctx.theme_labels[theme.key].get(key, ()), rng, complete)
        tokens[veld] = [make_token(label, ctx.variants[key][label], rng) for label in labels]
    return tokens


def pick_counts(theme: Theme, measure: Measure | None, rng: random.Random,
                chance: Callable[[float], bool]) -> dict[str, Cell]:
    """Nieuwe leden, deelnemers, bereik: the theme's usual numbers, and the KPI's own."""
    counts: dict[str, Cell] = {}
    for veld, (low, high) in theme.counts.items():
        if chance(0.7):
            counts[veld] = nice(rng.randint(low, high))
    if measure and measure.result is not None and measure.hint in KPI_MIRROR:
        counts[KPI_MIRROR[measure.hint]] = measure.result
    return counts


def describe_outcome(theme: Theme, measure: Measure | None, words: dict[str, str | None],
                     rng: random.Random, chance: Callable[[float], bool]) -> dict[str, Cell]:
    """The evaluation texts, written once an action has run."""
    return {
        "resultaten_toelichting": describe_results(measure, rng) if chance(0.92) else None,
        "wat_werkte": (sentences(theme.werkte, GENERIC_WERKTE, words, rng, 1, 0.3)
                       if chance(0.95) else None),
        "wat_werkte_niet": (sentences(theme.werkte_niet, GENERIC_WERKTE_NIET, words, rng, 1, 0.2)
                            if chance(0.65) else None),
        "tip": sentences(theme.tips, GENERIC_TIPS, words, rng, 1, 0.3) if chance(0.92) else None,
    }


def pick_contact(contacts: tuple[Contact, ...], rng: random.Random,
                 complete: bool) -> dict[str, Cell]:
    if not contacts:
        return {}
    person = rng.choice(contacts)
    roll = 0.0 if complete else rng.random()
    if roll < 0.8:
        return {"contactpersoon": person.name, "contact_email": person.email}
    if roll < 0.88:
        return {"contactpersoon": person.name}
    if roll < 0.93:
        return {"contact_email": person.email}
    return {}


# --------------------------------------------------------------------------------- the sheet


def copy_action(action: Action) -> Action:
    return replace(action, values=dict(action.values),
                   tokens={k: list(v) for k, v in action.tokens.items()},
                   notes=[], info=[], sheet_row=None)


def render(action: Action) -> dict[str, Cell]:
    """The action's cells by veld; vocabulary values joined by the row's separator."""
    cells = dict(action.values)
    for veld, tokens in action.tokens.items():
        cells[veld] = action.separator.join(t.text for t in tokens) or None
    return cells
