"""The Dutch texts that explain a field to contributors, made from schemas/fields.yml only.

One place for how a field is filled in (its type, its rules such as "hoogstens 150 tekens"), its
example and how several values share a cell; the sheet's header notes and Toelichting
(pipeline/sources/sheet_init.py), the fix hints (findings.py) and the guide (guide.py) all quote
these functions, so a change in fields.yml reaches every one of them.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Iterable, Mapping

from pipeline.contract.cells import format_number
from pipeline.contract.config import Field, load_general, load_vocabularies


def dutch_join(items: Iterable[str], word: str = "of") -> str:
    """'a', 'a of b', 'a, b of c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def rule_values(f: Field | None) -> dict[str, str]:
    """The field's rules as they read in Dutch: the placeholders of messages and rule texts."""
    if f is None:
        return {}
    out: dict[str, str] = {}
    for name, value in f.rules.items():
        if name == "waarden":
            out[name] = dutch_join(value)
        elif isinstance(value, bool):
            continue
        else:
            out[name] = format_number(value)
    return out


def rule_texts(f: Field) -> list[str]:
    """The field's limits in words: ["hoogstens 150 tekens"], ["0 of meer"], ..."""
    texts = load_general()["regels"]
    values = rule_values(f)
    found = []
    if f.max_lengte is not None:
        found.append(texts["max_lengte"].format(**values))
    if f.minimum is not None and f.maximum is not None:
        found.append(texts["bereik"].format(**values))
    elif f.minimum is not None:
        found.append(texts["minimum"].format(**values))
    elif f.maximum is not None:
        found.append(texts["maximum"].format(**values))
    if f.min_exclusief is not None:
        found.append(texts["min_exclusief"].format(**values))
    return found


def how_to_fill(f: Field, titles: Mapping[str, str] | None = None) -> str:
    """What goes in the cell: the type's text and the field's rules, e.g. 'een heel getal,
    0 of meer' or 'hoogstens 150 tekens' ('' for free text without a limit)."""
    if titles is None:
        titles = {name: title for name, (title, _) in _default_vocabularies().items()}
    kind = load_general()["typen"].get(f.type, {}).get("uitleg", "")
    kind = kind.format(lijst=titles.get(f.keuzelijst or "", f.keuzelijst or ""))
    if not kind and f.waarden:
        kind = dutch_join(f.waarden)
    return ", ".join(p for p in (kind, *rule_texts(f)) if p)


@cache
def _default_vocabularies() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Per list in schemas/vocabularies.yml: its title and labels."""
    return {name: (v.titel, tuple(v.labels)) for name, v in load_vocabularies().items()}


def example_for(f: Field | None) -> str:
    """An example of a valid value: the field's own, two (or one) values of its list, or the
    type's."""
    if f is None:
        return ""
    if f.voorbeeld:
        return f.voorbeeld
    if f.keuzelijst:
        labels = _default_vocabularies()[f.keuzelijst][1]
        return ", ".join(labels[:2]) if f.type == "keuzelijst" else labels[0]
    return str(load_general()["typen"].get(f.type, {}).get("voorbeeld", ""))


# Types whose default example describes a value instead of being one: not shown as an example.
DESCRIPTIVE_TYPES = frozenset({"tekst", "lijst", "keuze", "keuzelijst", "bibliotheek"})


def shown_example(f: Field) -> str:
    """The example shown next to a field in the sheet's note and the guide ('' when the only
    example would be a description)."""
    if f.voorbeeld or f.keuzelijst or f.type not in DESCRIPTIVE_TYPES:
        return example_for(f)
    return ""


def described(f: Field, titles: Mapping[str, str] | None = None) -> str:
    """The field's description followed by how to fill it in: 'Korte naam van de actie.
    (hoogstens 150 tekens)'."""
    how = how_to_fill(f, titles)
    return f"{f.beschrijving} ({how})" if how else f.beschrijving


def type_text(kind: str) -> tuple[str, str]:
    """(how to fill in, example) of a field type."""
    spec = load_general()["typen"].get(kind, {})
    return spec.get("uitleg", ""), str(spec.get("voorbeeld", ""))


def writing_tips() -> str:
    """Dates, amounts and links in one line, for the sheet's Toelichting."""
    date, amount = type_text("datum"), type_text("bedrag")
    return (f"Schrijf {date[0]} ({date[1]}) en {amount[0]} ({amount[1]}). {link_rule()}")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _separator_rule(kind: str) -> str:
    spec = load_general()[kind]
    names = dutch_join([s["naam"] for s in spec["tekens"] if s.get("naam")])
    return spec["uitleg"].format(tekens=names, voorbeeld=spec.get("voorbeeld", ""))


def list_rule() -> str:
    """How several values share a cell, e.g. 'Meerdere waarden in één cel scheidt u met een
    komma, ...'; the very separators cells.split_list splits on."""
    return _separator_rule("lijsten")


def link_rule() -> str:
    """How several links share a cell."""
    return _separator_rule("links")


def separator_rule(f: Field) -> str:
    """The separator sentence that applies to the field ('' when it holds one value)."""
    if f.type == "urllijst":
        return link_rule()
    return list_rule() if f.is_list else ""


def level_text(f: Field) -> str:
    """What the field's level means, for its header note."""
    return load_general()["niveaus"].get(f.niveau, {}).get("uitleg", "")


def level_short(f: Field) -> str:
    """The level in a word or two, for tables."""
    return load_general()["niveaus"].get(f.niveau, {}).get("kort", f.niveau)


def number_rule(f: Field) -> dict[str, Any] | None:
    """The spreadsheet's own number check for the field's range, or None."""
    low = f.min_exclusief if f.min_exclusief is not None else f.minimum
    if low is None and f.maximum is None:
        return None
    values = rule_values(f)
    if f.min_exclusief is None and f.minimum is not None and f.maximum is not None:
        condition = {"type": "NUMBER_BETWEEN", "values": [
            {"userEnteredValue": _plain(f.minimum)}, {"userEnteredValue": _plain(f.maximum)}]}
        text = load_general()["regels"]["bereik"].format(**values)
    elif f.min_exclusief is not None:
        condition = {"type": "NUMBER_GREATER",
                     "values": [{"userEnteredValue": _plain(f.min_exclusief)}]}
        text = load_general()["regels"]["min_exclusief"].format(**values)
    elif f.minimum is not None:
        condition = {"type": "NUMBER_GREATER_THAN_EQ",
                     "values": [{"userEnteredValue": _plain(f.minimum)}]}
        text = load_general()["regels"]["minimum"].format(**values)
    else:
        condition = {"type": "NUMBER_LESS_THAN_EQ",
                     "values": [{"userEnteredValue": _plain(f.maximum)}]}
        text = load_general()["regels"]["maximum"].format(**values)
    lead = "Een getal van" if condition["type"] == "NUMBER_GREATER_THAN_EQ" else "Een getal"
    return {"condition": condition, "inputMessage": f"{lead} {text}.", "strict": False}


def _plain(number: float) -> str:
    """A number as the Sheets API takes it in a condition (a point as decimal sign)."""
    return str(int(number)) if float(number).is_integer() else str(number)
