"""The generated parts of docs/handleiding-bibliotheken.md: how several values share a cell, the
columns of each tab, the vocabularies and the findings, made from schemas/ (the texts through
explain.py, as in the sheet) so the guide never drifts from the contract. Also the targets in
docs/evaluatie.md (from schemas/evaluatie.yml, see pipeline/reports/evaluation.py), and the
selection options in docs/functionele-eisen.md (pipeline/catalogue/selection.py).

    python -m pipeline.contract.guide            # rewrite the generated blocks (make docs)
    python -m pipeline.contract.guide --check    # exit 1 when the guide is out of date (the tests do this)
"""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path
from typing import Callable

from pipeline import nl
from pipeline.contract import explain
from pipeline.contract.config import (
    ACTIES,
    BIBLIOTHEKEN,
    Field,
    load_fields,
    load_messages,
    load_vocabularies,
)
from pipeline.contract.findings import SEVERITIES

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "handleiding-bibliotheken.md"
EVALUATION = ROOT / "docs" / "evaluatie.md"
REQUIREMENTS = ROOT / "docs" / "functionele-eisen.md"
BLOCKS = ("schrijfwijzen", "velden", "keuzelijsten", "meldingen")

PLACEHOLDERS = {"kop": "kolom", "waarde": "waarde", "voorbeeld": "voorbeeld", "datum": "datum",
                "getal": "getal", "label": "waarde uit de lijst", "naar": "nieuwe waarde",
                "reden": "reden", "eerdere_rij": "rijnummer", "lengte": "aantal",
                "regel": "regel", "tabblad": "tabblad", "max_lengte": "maximum",
                "minimum": "minimum", "maximum": "maximum", "min_exclusief": "ondergrens",
                "waarden": "toegestane waarden", "jaar": "beginjaar", "naam": "bibliotheek",
                "werkgebied": "provincies van het werkgebied", "resultaat": "resultaat",
                "streefwaarde": "streefwaarde", "realisatie": "percentage"}


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return re.sub(r"\s+", " ", str(text)).replace("|", "\\|").strip()


def level(f: Field) -> str:
    if f.verwacht_bij:
        return f"aanbevolen bij een {f.verwacht_bij.upper()}"
    short = explain.level_short(f)
    return f"**{short}**" if f.required else short


def field_table(tab: str, titles: dict[str, str]) -> list[str]:
    lines = ["| Kolom | Niveau | Wat vult u in | Voorbeeld |", "|---|---|---|---|"]
    for f in load_fields()[tab]:
        text = explain.described(f, titles)
        shown = explain.shown_example(f)
        lines.append(f"| **{cell(f.kop)}** | {level(f)} | {cell(text)} | "
                     f"{'`' + cell(shown) + '`' if shown else ''} |")
    return lines


def writing_block() -> str:
    """How several values and several links share a cell: the rule cells.split_list follows."""
    return "\n".join([f"- {explain.list_rule()}",
                      f"- Links volledig, met `https://`. {explain.link_rule()}"])


def fields_block() -> str:
    titles = {name: v.titel for name, v in load_vocabularies().items()}
    lines = [f"### Tabblad {ACTIES}", "", "Eén rij per actie.", "", *field_table(ACTIES, titles),
             "", f"### Tabblad {BIBLIOTHEKEN}", "", "Eén rij per deelnemende bibliotheek.", "",
             *field_table(BIBLIOTHEKEN, titles)]
    return "\n".join(lines)


def vocabularies_block() -> str:
    columns: dict[str, list[str]] = {}
    for f in load_fields()[ACTIES]:
        if f.keuzelijst:
            columns.setdefault(f.keuzelijst, []).append(f.kop)
    lines = []
    for name, vocab in load_vocabularies().items():
        used = ", ".join(columns.get(name, [])) or "-"
        lines += [f"- **{vocab.titel}** (kolom {used}; kop in het tabblad Keuzelijsten: "
                  f"`{name}`): {', '.join(vocab.labels)}."]
    return "\n".join(lines)


class _Named(dict):
    def __missing__(self, key: str) -> str:
        return f"*{PLACEHOLDERS.get(key, '…')}*" if key != "suggestie" else ""


def readable(template: str, rules: dict[str, str] | None = None) -> str:
    return string.Formatter().vformat(template, (), _Named(rules or {}))


def _rules_by_code() -> dict[str, dict[str, str]]:
    """A finding's rule values (such as the maximum length) where only one field has it."""
    users: dict[str, list[Field]] = {}
    for fields in load_fields().values():
        for f in fields:
            for rule in f.rules:
                users.setdefault(f.code(rule), []).append(f)
    return {code: explain.rule_values(found[0]) for code, found in users.items()
            if len(found) == 1}


def findings_block() -> str:
    messages = load_messages()
    rules = _rules_by_code()
    lines = ["| Soort | Melding | Wat te doen |", "|---|---|---|"]
    for severity in SEVERITIES:
        for code, spec in messages.items():
            if spec["ernst"] == severity:
                values = rules.get(code)
                lines.append(f"| {nl.SEVERITY_LABELS[severity]} "
                             f"| {cell(readable(spec['bericht'], values))} "
                             f"| {cell(readable(spec['hint'], values))} |")
    return "\n".join(lines)


def blocks() -> dict[str, str]:
    return {"schrijfwijzen": writing_block(), "velden": fields_block(),
            "keuzelijsten": vocabularies_block(), "meldingen": findings_block()}


def begin(name: str) -> str:
    return f"<!-- begin {name}: gemaakt door `make docs` uit schemas/; niet met de hand wijzigen -->"


def end(name: str) -> str:
    return f"<!-- einde {name} -->"


def evaluation_blocks() -> dict[str, str]:
    from pipeline.reports.evaluation import targets_block

    return {"streefwaarden": targets_block()}


def requirement_blocks() -> dict[str, str]:
    from pipeline.catalogue.selection import blocks as selection_blocks

    return selection_blocks()


def documents() -> list[tuple[Path, Callable[[], dict[str, str]]]]:
    """Every document with generated blocks, and what makes them."""
    return [(GUIDE, blocks), (EVALUATION, evaluation_blocks), (REQUIREMENTS, requirement_blocks)]


def render(text: str, made: Callable[[], dict[str, str]] = blocks) -> str:
    """The guide with every generated block replaced by its current content."""
    for name, content in made().items():
        pattern = re.compile(re.escape(begin(name)) + r"\n.*?" + re.escape(end(name)), re.S)
        if not pattern.search(text):
            raise ValueError(f"Het blok '{name}' ontbreekt in de handleiding.")
        text = pattern.sub(lambda _: f"{begin(name)}\n{content}\n{end(name)}", text)
    return text


def write_or_check(path: Path, current: str, fresh: str, check: bool, command: str) -> int:
    """A generated document: written when its text changed ("Bijgewerkt"), or with `check`
    only reported as out of date (exit code 1), naming the command that brings it up to date."""
    if fresh == current:
        return 0
    if check:
        print(f"{path} is verouderd: draai `{command}`.", file=sys.stderr)
        return 1
    path.write_text(fresh, encoding="utf-8")
    print(f"Bijgewerkt: {path}")
    return 0


def main(argv: list[str], guide: Path = GUIDE,
         made: Callable[[], dict[str, str]] = blocks) -> int:
    current = guide.read_text(encoding="utf-8")
    return write_or_check(guide, current, render(current, made), "--check" in argv, "make docs")


if __name__ == "__main__":
    sys.exit(max(main(sys.argv[1:], path, made) for path, made in documents()))
