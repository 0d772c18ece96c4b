"""Write the embedded sample workbook: entirely fictional, deterministic, deliberately messy.

Run from the repository root (``make sample``)::

    python -m tools.sample.workbook [OUTPUT.xlsx] [--defecten]

(default output: pipeline/data/voorbeeld-kennisbank.xlsx). Everything comes from one fixed seed
and no clock, so the same code writes the same workbook cell for cell (and byte for byte with the
same openpyxl and zlib).

Headers come from schemas/fields.yml, vocabulary labels and synonyms from
schemas/vocabularies.yml and the manual corrections from schemas/corrections.yml, all read with
the project's own loader. Libraries, themes and texts are data in tools/sample/data/;
``--defecten`` prints which sheet row carries which deliberate oddity (tools/sample/oddities.py).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import sys
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from pipeline.contract.config import SAMPLE_WORKBOOK
from pipeline.contract.explain import list_rule
from tools.sample.actions import (
    ACTIES_TITLE,
    ACTIONS_TOTAL,
    BEHAALD_TYPED,
    DELEN_FILLER,
    DELEN_VALUES,
    END_STYLES,
    EXTRA_COLUMN,
    FIRST_START,
    LAST_START,
    OUTCOMES,
    START_STYLES,
    Action,
    Cell,
    Contact,
    Context,
    Plan,
    Style,
    Token,
    build_action,
    load_context,
    render,
)
from tools.sample.data import (
    FIRST_NAMES,
    INACTIVE_LIBRARIES,
    LAST_NAMES,
    LIBRARIES,
    THEMES,
    Theme,
    slugify,
)
from tools.sample.oddities import (
    DELIBERATE_VARIANTS,
    EXTRA_VOCABULARY_VALUES,
    add_deliberate_variants,
    add_duplicates,
    add_internal_notes,
    add_podcast,
    add_typed_verdicts,
    apply_corrections,
    apply_defects,
    ensure_coverage,
    literal_count,
    mark_hidden,
    style_amounts,
)

SEED = 20261101
FIXED_TIME = datetime(2026, 11, 1, 9, 0, 0)
ZIP_TIME = (2026, 11, 1, 9, 0, 0)

ACTIONS_PER_LIBRARY = (3, 12)
MIN_PER_THEME = 5
YEAR_WEIGHTS = ((2022, 18), (2023, 22), (2024, 24), (2025, 24), (2026, 12))

# =============================================================================== the plan


def make_contacts(rng: random.Random) -> dict[str, tuple[Contact, ...]]:
    pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    contacts = {}
    for library in LIBRARIES:
        people = []
        for _ in range(rng.randint(1, 3)):
            first, last = pairs.pop()
            local = (f"{first[0].lower()}.{slugify(last).replace('-', '')}" if rng.random() < 0.6
                     else f"{slugify(first)}.{slugify(last).replace('-', '')}")
            people.append(Contact(f"{first} {last}", f"{local}@{library.slug}.bieb-voorbeeld.nl"))
        contacts[library.naam] = tuple(people)
    return contacts


def spread_counts(n: int, total: int, rng: random.Random) -> list[int]:
    low, high = ACTIONS_PER_LIBRARY
    counts = [rng.randint(low, high) for _ in range(n)]
    while sum(counts) != total:
        i = rng.randrange(n)
        if sum(counts) < total and counts[i] < high:
            counts[i] += 1
        elif sum(counts) > total and counts[i] > low:
            counts[i] -= 1
    return counts


def pick_start(theme: Theme, rng: random.Random) -> date:
    years, weights = zip(*YEAR_WEIGHTS)
    while True:
        year = rng.choices(years, weights)[0]
        month, first, last = rng.choice(theme.windows)
        day = rng.randint(first, last)
        start = date(year, month, min(day, 28 if month == 2 else day))
        if FIRST_START <= start <= LAST_START:
            return start


def theme_counts(total: int, rng: random.Random) -> dict[str, int]:
    """How often each theme occurs: by weight, at least MIN_PER_THEME, summing to ``total``."""
    weight_sum = sum(t.weight for t in THEMES)
    counts = {t.key: max(MIN_PER_THEME, round(t.weight * total / weight_sum)) for t in THEMES}
    keys = list(counts)
    while sum(counts.values()) != total:
        key = rng.choice(keys)
        if sum(counts.values()) < total:
            counts[key] += 1
        elif counts[key] > MIN_PER_THEME:
            counts[key] -= 1
    return counts


def plan_actions(rng: random.Random) -> list[Plan]:
    """Who did what when: a shuffled deck of themes dealt over the active libraries."""
    active = [lib for lib in LIBRARIES if lib.naam not in INACTIVE_LIBRARIES]
    by_key = {t.key: t for t in THEMES}
    cards = deck(theme_counts(ACTIONS_TOTAL, rng), ACTIONS_TOTAL, None, rng)
    plans = []
    for library, count in zip(active, spread_counts(len(active), ACTIONS_TOTAL, rng)):
        taken: list[tuple[str, int]] = []
        while count:
            theme = by_key[cards.pop()]
            for _ in range(20):
                start = pick_start(theme, rng)
                if (theme.key, start.year) not in taken:
                    break
            else:
                cards.insert(0, theme.key)
                continue
            taken.append((theme.key, start.year))
            plans.append(Plan(library, theme, start))
            count -= 1
    plans.sort(key=lambda p: (p.start, p.library.naam, p.theme.key))
    return plans


def deck(counts: dict[str, int], size: int, filler: str | None, rng: random.Random) -> list:
    cards: list = [value for value, n in counts.items() for _ in range(n)]
    cards += [filler] * (size - len(cards))
    rng.shuffle(cards)
    return cards


def plan_styles(n: int, rng: random.Random) -> list[Style]:
    starts = deck(START_STYLES, n, "date", rng)
    ends = deck(END_STYLES, n, "date", rng)
    outcomes = deck(OUTCOMES, n, "boven", rng)
    delen = deck(DELEN_VALUES, n, DELEN_FILLER, rng)
    behaald = deck({"typed": BEHAALD_TYPED}, n, None, rng)
    return [Style(starts[i], ends[i], outcomes[i], delen[i], behaald[i] == "typed")
            for i in range(n)]


def assign_ids(actions: list[Action]) -> None:
    """Libraries with an id_prefix number their actions per year: DST-2024-03."""
    counters: dict[tuple[str, int], int] = {}
    for action in actions:
        prefix = action.library.id_prefix
        if prefix:
            key = (prefix, action.start.year)
            counters[key] = counters.get(key, 0) + 1
            action.values["actie_id"] = f"{prefix}-{action.start.year}-{counters[key]:02d}"


# ================================================================================== the layout


@dataclass
class SheetRow:
    kind: str  # action | empty | spaces | formatted
    action: Action | None = None


def lay_out(actions: list[Action]) -> list[SheetRow]:
    rows = [SheetRow("action", a) for a in actions]
    n = len(rows)
    for position, kind in ((3 * n // 4, "empty"), (n // 2, "spaces"), (n // 4, "empty")):
        rows.insert(position, SheetRow(kind))
    rows += [SheetRow("formatted") for _ in range(3)]
    return rows


def number_rows(rows: list[SheetRow], first: int) -> None:
    for offset, row in enumerate(rows):
        if row.action:
            row.action.sheet_row = first + offset


# ================================================================================= the checks


def check_sample(actions: list[Action], rows: list[SheetRow], ctx: Context,
                 contacts: dict[str, tuple[Contact, ...]]) -> None:
    """The promises the sample makes; generation fails loudly when one is broken."""
    assert len(actions) >= 160, len(actions)
    for key, veld in ctx.vocabulary_fields.items():
        for label in ctx.vocabularies[key].labels:
            assert literal_count(actions, veld, label) >= 2, (key, label)
    classes = [budget_class(a.values.get("budget_eur")) for a in actions if a.clean]
    for name in ("0", "< 250", "250–1.000", "1.000–5.000", "> 5.000"):
        assert classes.count(name) >= 2, (name, classes.count(name))
    keys = [(a.library.naam, a.values["titel"], a.start) for a in actions
            if not any("dubbele_rij" in n.text for n in a.notes)]
    assert len(keys) == len(set(keys)), "accidental duplicate rows"
    defects = [a for a in actions if a.notes]
    assert len(defects) >= 16, len(defects)
    for key, texts in DELIBERATE_VARIANTS.items():
        typed = {t.text for a in actions for t in a.tokens[ctx.vocabulary_fields[key]]}
        assert set(texts) <= typed, set(texts) - typed
    secrets = [c.name for people in contacts.values() for c in people] + \
              [c.email for people in contacts.values() for c in people]
    private = {"contactpersoon", "contact_email"}
    for row in rows:
        if row.action:
            texts = [str(v) for k, v in render(row.action).items() if k not in private and v]
            texts.append(row.action.internal_note or "")
            for secret in secrets:
                assert not any(secret.casefold() in t.casefold() for t in texts), secret


def budget_class(value: Cell) -> str | None:
    if not isinstance(value, (int, float)) or value < 0:
        return None
    if value == 0:
        return "0"
    return ("< 250" if value < 250 else "250–1.000" if value <= 1000
            else "1.000–5.000" if value <= 5000 else "> 5.000")


def manifest(rows: list[SheetRow]) -> list[tuple[int, str, str]]:
    """(sheet row, kind, note) for every deliberate defect and oddity."""
    lines = []
    for number, row in enumerate(rows, start=4):
        if row.kind != "action":
            lines.append((number, "leeg", {"empty": "blank row between data rows",
                                           "spaces": "blank-looking row: only a space and a NBSP",
                                           "formatted": "trailing blank row (formatted cells)"}
                          [row.kind]))
            continue
        for note in row.action.notes:
            ref = note.ref.sheet_row if note.ref else None
            lines.append((number, "defect", note.text.replace("{ref}", str(ref))))
        for info in row.action.info:
            lines.append((number, "info", info))
    return lines


# ============================================================================ the sample data


@dataclass
class Sample:
    actions: list[Action]
    rows: list[SheetRow]
    example: Action
    contacts: dict[str, tuple[Contact, ...]]


def build_sample(ctx: Context) -> Sample:
    rng = random.Random(SEED)
    contacts = make_contacts(rng)
    plans = plan_actions(rng)
    styles = plan_styles(len(plans), rng)
    actions = [build_action(p, s, contacts[p.library.naam], ctx, rng)
               for p, s in zip(plans, styles)]
    assign_ids(actions)
    mark_hidden(actions, rng)
    apply_defects(actions, ctx, rng)
    apply_corrections(actions, ctx, rng)
    add_podcast(actions, ctx, rng)
    ensure_coverage(actions, ctx, rng)
    add_deliberate_variants(actions, ctx, rng)
    style_amounts(actions, rng)
    add_typed_verdicts(actions, rng)
    add_internal_notes(actions, rng)
    actions = add_duplicates(actions, rng)
    rows = lay_out(actions)
    number_rows(rows, first=4)
    example = build_example(ctx)
    check_sample(actions, rows, ctx, contacts)
    return Sample(actions, rows, example, contacts)


def build_example(ctx: Context) -> Action:
    theme = next(t for t in THEMES if t.key == "kinderboekenweek")
    plan = Plan(LIBRARIES[0], theme, date(2024, 10, 2))
    placeholder = Contact("Voornaam Achternaam", "voornaam.achternaam@bieb-voorbeeld.nl")
    example = build_action(plan, Style(), (placeholder,), ctx, random.Random(SEED + 1),
                           complete=True)
    example.values["actie_id"] = None
    example.tokens = {veld: [Token(t.label, t.label or t.text) for t in tokens]
                      for veld, tokens in example.tokens.items()}
    return example


# ============================================================================= the workbook

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
DATE_FORMAT = "d-m-yyyy"
WIDE_TYPES = ("tekst",)


def build_workbook(ctx: Context, sample: Sample) -> Workbook:
    wb = Workbook()
    wb.properties.creator = "Kennisbank Marketing (voorbeeldgenerator)"
    wb.properties.title = "Kennisbank Marketing – fictief voorbeeld"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    write_toelichting(wb.active, ctx, sample.example)
    write_acties(wb.create_sheet("Acties"), ctx, sample.rows)
    write_bibliotheken(wb.create_sheet("Bibliotheken"), ctx)
    write_keuzelijsten(wb.create_sheet("Keuzelijsten"), ctx)
    return wb


def put(ws, row: int, column: int, value: Cell):
    """Write one cell; strings that start with '=' stay text, dates get a Dutch format."""
    if value is None or value == "":
        return None
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def write_toelichting(ws, ctx: Context, example: Action) -> None:
    ws.title = "Toelichting"
    acties, bibliotheken = ctx.fields["Acties"], ctx.fields["Bibliotheken"]
    required = ", ".join(f.kop for f in acties if f.niveau == "verplicht")
    lines: list[list[Cell]] = [
        ["Kennisbank Marketing – toelichting"],
        ["Fictieve voorbeelddata: alle bibliotheken, acties, personen en cijfers zijn verzonnen."],
        ["Dit voorbeeldbestand laat zien hoe het gedeelde werkblad eruitziet. Namen, "
         "e-mailadressen, websites en resultaten bestaan niet. Een aantal rijen bevat met opzet "
         "fouten, zodat te zien is wat de kennisbank opvangt en meldt."],
        [],
        ["Zo vult u het tabblad Acties in"],
        ["Eén rij per marketingactie. Rijen boven de kopregel (een titel, een uitleg) worden "
         "overgeslagen."],
        [f"Verplicht: {required}. Een actie zonder deze velden wordt niet gepubliceerd; "
         "aanbevolen velden maken de actie beter vergelijkbaar."],
        [list_rule() + " Kies waarden uit het tabblad Keuzelijsten; een waarde die u daar "
         "toevoegt, vult de standaardlijst aan."],
        ["Schrijf datums als dag-maand-jaar (bijvoorbeeld 3-2-2024) en bedragen in euro's zonder "
         "personeelskosten (bijvoorbeeld 1.250,50)."],
        ["In de kolom Delen kiest u wie de actie ziet: openbaar (iedereen), netwerk (alleen de "
         "bibliotheken in het netwerk, na inloggen) of nee (niemand). Leeg betekent netwerk. "
         "Contactgegevens worden nooit openbaar."],
        [],
        ["Kolom", "Niveau", "Toelichting"],
        *[[f.kop, f.niveau, f.beschrijving] for f in acties],
        [],
        ["Tabblad Bibliotheken"],
        ["Kolom", "Niveau", "Toelichting"],
        *[[f.kop, f.niveau, f.beschrijving] for f in bibliotheken],
        [],
        ["Voorbeeldrij: zo ziet een volledig ingevulde actie eruit"],
        [f.kop for f in acties],
        [render(example).get(f.veld) for f in acties],
    ]
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            put(ws, r, c, value)
    for r in (1, 5, 12, len(acties) + 14, len(acties) + 15, len(lines) - 2, len(lines) - 1):
        for cell in ws[r]:
            if cell.value is not None:
                cell.font = BOLD
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 100


def write_acties(ws, ctx: Context, rows: list[SheetRow]) -> None:
    fields = ctx.fields["Acties"]
    required = ", ".join(f.kop for f in fields if f.niveau == "verplicht")
    put(ws, 1, 1, ACTIES_TITLE)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    put(ws, 2, 1, f"Eén rij per actie; verplicht zijn {required}. Zie het tabblad Toelichting.")
    headers = [f.kop for f in fields] + [EXTRA_COLUMN]
    for c, header in enumerate(headers, start=1):
        cell = put(ws, 3, c, header)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for offset, row in enumerate(rows):
        r = 4 + offset
        if row.kind == "action":
            cells = render(row.action)
            for c, f in enumerate(fields, start=1):
                put(ws, r, c, cells.get(f.veld))
            put(ws, r, len(headers), row.action.internal_note)
        elif row.kind == "spaces":
            put(ws, r, 2, " ")
            put(ws, r, 4, "\u00a0")
        elif row.kind == "formatted":
            for c, f in enumerate(fields, start=1):
                if f.type == "datum":
                    ws.cell(r, c).number_format = DATE_FORMAT
    for c, f in enumerate(fields, start=1):
        letter = ws.cell(3, c).column_letter
        ws.column_dimensions[letter].width = 40 if f.type in WIDE_TYPES else 18
    ws.freeze_panes = "C4"


def write_bibliotheken(ws, ctx: Context) -> None:
    fields = ctx.fields["Bibliotheken"]
    for c, f in enumerate(fields, start=1):
        put(ws, 1, c, f.kop).font = BOLD
    for r, library in enumerate(LIBRARIES, start=2):
        values = {"naam": library.naam, "provincie": library.provincie,
                  "gemeenten": ", ".join(library.gemeenten), "website": library.website,
                  "latitude": library.lat, "longitude": library.lon, "email": library.email,
                  "inwoners": library.inwoners, "akkoord_voorwaarden": library.akkoord,
                  "akkoord_door": library.agreed_by,
                  "contact_openbaar": library.contact_openbaar}
        for c, f in enumerate(fields, start=1):
            put(ws, r, c, values.get(f.veld))
    for c in range(1, len(fields) + 1):
        ws.column_dimensions[ws.cell(1, c).column_letter].width = 30


def write_keuzelijsten(ws, ctx: Context) -> None:
    for c, (key, vocabulary) in enumerate(ctx.vocabularies.items(), start=1):
        put(ws, 1, c, key).font = BOLD
        values = [*vocabulary.labels, *EXTRA_VOCABULARY_VALUES.get(key, ())]
        for r, value in enumerate(values, start=2):
            put(ws, r, c, value)
        ws.column_dimensions[ws.cell(1, c).column_letter].width = 34


# ================================================================================ saving


def save_deterministic(wb: Workbook, path: Path) -> None:
    """Save with fixed zip timestamps and a fixed modified time (openpyxl stamps 'now')."""
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(tmp, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    os.replace(tmp, path)


def write_sample_workbook(path: Path) -> list[tuple[int, str, str]]:
    """Write the sample workbook to ``path``; returns the manifest of deliberate oddities."""
    ctx = load_context()
    sample = build_sample(ctx)
    save_deterministic(build_workbook(ctx, sample), path)
    return manifest(sample.rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.sample.workbook",
        description="Schrijf het fictieve voorbeeldwerkboek van de Kennisbank Marketing.",
        epilog="Voorbeeld: python -m tools.sample.workbook "
               "pipeline/data/voorbeeld-kennisbank.xlsx",
    )
    parser.add_argument("output", nargs="?", type=Path, default=SAMPLE_WORKBOOK,
                        help=f"doelbestand (standaard {SAMPLE_WORKBOOK.name})")
    parser.add_argument("--defecten", action="store_true",
                        help="toon per rij de opzettelijke fouten en eigenaardigheden")
    args = parser.parse_args(argv)
    lines = write_sample_workbook(args.output)
    if args.defecten:
        for number, kind, note in lines:
            print(f"{number}\t{kind}\t{note}")
    print(f"Geschreven: {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
