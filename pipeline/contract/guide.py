"""The generated parts of docs/handleiding-bibliotheken.md: the columns of each tab, the
vocabularies and the findings, made from schemas/ so the guide never drifts from the contract.

    python -m pipeline.contract.guide            # rewrite the generated blocks (make docs)
    python -m pipeline.contract.guide --check    # exit 1 when the guide is out of date (the tests do this)
"""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

from pipeline.contract.config import ACTIES, BIBLIOTHEKEN, Field, load_fields, load_messages, load_vocabularies
from pipeline.contract.findings import SEVERITIES, example_for
from pipeline.reports.context import DESCRIPTIVE_TYPES

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "handleiding-bibliotheken.md"
BLOCKS = ("velden", "keuzelijsten", "meldingen")

LEVELS = {"verplicht": "**verplicht**", "aanbevolen": "aanbevolen", "optioneel": "optioneel",
          "afgeleid": "mag leeg blijven"}
TYPES = {
    "tekst": "", "lijst": "een of meer, gescheiden door komma's",
    "datum": "datum", "bedrag": "bedrag in euro's", "getal": "getal, 0 of meer",
    "geheel": "heel getal, 0 of meer", "janee": "ja of nee",
    "behaald": "ja, deels, nee of onbekend", "url": "link, met http of https",
    "urllijst": "een of meer links, met http of https", "email": "e-mailadres",
    "provincie": "provincie, voluit", "bibliotheek": "naam uit het tabblad Bibliotheken",
    "breedtegraad": "decimale graden", "lengtegraad": "decimale graden",
}
SEVERITY_LABELS = {"fout": "Fout", "waarschuwing": "Waarschuwing", "info": "Ter info"}
PLACEHOLDERS = {"kop": "kolom", "waarde": "waarde", "voorbeeld": "voorbeeld", "datum": "datum",
                "getal": "getal", "label": "waarde uit de lijst", "naar": "nieuwe waarde",
                "reden": "reden", "eerdere_rij": "rijnummer", "lengte": "aantal",
                "regel": "regel", "tabblad": "tabblad"}


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return re.sub(r"\s+", " ", str(text)).replace("|", "\\|").strip()


def rule(f: Field, titles: dict[str, str]) -> str:
    if f.type == "keuze":
        kind = f"één waarde uit de keuzelijst {titles.get(f.keuzelijst, f.keuzelijst)}"
    elif f.type == "keuzelijst":
        kind = f"een of meer waarden uit de keuzelijst {titles.get(f.keuzelijst, f.keuzelijst)}"
    elif f.type == "geheel" and f.min_exclusief == 0:
        kind = "heel getal, groter dan 0"
    else:
        kind = TYPES.get(f.type, f.type)
    if f.max_lengte:
        kind = ", ".join(p for p in (kind, f"hoogstens {f.max_lengte} tekens") if p)
    return kind


def level(f: Field) -> str:
    if f.verwacht_bij:
        return f"aanbevolen bij een {f.verwacht_bij.upper()}"
    return LEVELS.get(f.niveau, f.niveau)


def example(f: Field) -> str:
    if getattr(f, "voorbeeld", None) or f.keuzelijst or f.type not in DESCRIPTIVE_TYPES:
        return example_for(f)
    return ""


def field_table(tab: str, titles: dict[str, str]) -> list[str]:
    lines = ["| Kolom | Niveau | Wat vult u in | Voorbeeld |", "|---|---|---|---|"]
    for f in load_fields()[tab]:
        kind = rule(f, titles)
        text = f"{f.beschrijving} ({kind})" if kind else f.beschrijving
        shown = example(f)
        lines.append(f"| **{cell(f.kop)}** | {level(f)} | {cell(text)} | "
                     f"{'`' + cell(shown) + '`' if shown else ''} |")
    return lines


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


def readable(template: str) -> str:
    return string.Formatter().vformat(template, (), _Named())


def findings_block() -> str:
    messages = load_messages()
    lines = ["| Soort | Melding | Wat te doen |", "|---|---|---|"]
    for severity in SEVERITIES:
        for spec in messages.values():
            if spec["ernst"] == severity:
                lines.append(f"| {SEVERITY_LABELS[severity]} | {cell(readable(spec['bericht']))} "
                             f"| {cell(readable(spec['hint']))} |")
    return "\n".join(lines)


def blocks() -> dict[str, str]:
    return {"velden": fields_block(), "keuzelijsten": vocabularies_block(),
            "meldingen": findings_block()}


def begin(name: str) -> str:
    return f"<!-- begin {name}: gemaakt door `make docs` uit schemas/; niet met de hand wijzigen -->"


def end(name: str) -> str:
    return f"<!-- einde {name} -->"


def render(text: str) -> str:
    """The guide with every generated block replaced by its current content."""
    for name, content in blocks().items():
        pattern = re.compile(re.escape(begin(name)) + r"\n.*?" + re.escape(end(name)), re.S)
        if not pattern.search(text):
            raise ValueError(f"Het blok '{name}' ontbreekt in de handleiding.")
        text = pattern.sub(lambda _: f"{begin(name)}\n{content}\n{end(name)}", text)
    return text


def main(argv: list[str], guide: Path = GUIDE) -> int:
    current = guide.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print(f"{guide} is verouderd: draai `make docs`.", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        guide.write_text(fresh, encoding="utf-8")
        print(f"Bijgewerkt: {guide}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
