"""`kennisbank sheet template`: an Excel workbook for contributors who work in Microsoft 365 or
LibreOffice rather than in the shared Google Sheet. Made from schemas/ like `sheet init`, with the
same texts (pipeline/sources/sheet_init.py): the tabs Acties, Bibliotheken, Keuzelijsten and
Toelichting, a note (comment) on every header, a dropdown for every single-choice vocabulary and
for the fields with fixed values, date and amount formats, the Controle column coloured per
status, and one filled example row.

The example row (row 2) has ID ``VOORBEELD`` and a title that starts with ``Voorbeeld:``; the
reader skips such a row (pipeline/contract/normalise.py), so it is never published. A row typed
over it with another title is an action like any other. With ``bibliotheek`` the Bibliotheek
column of the data rows is filled in with that name and the sheet is protected (without a
password) so that only that column is locked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.contract.config import (
    ACTIES,
    BIBLIOTHEKEN,
    KEUZELIJSTEN,
    Field,
    Vocabulary,
    load_fields,
    load_vocabularies,
)
from pipeline.contract.headers import CONTROL_HEADER
from pipeline.contract.normalise import EXAMPLE_ID
from pipeline.contract.row_status import STATUS_COLOURS

EXAMPLE_NOTE = "Voorbeeld: deze rij wordt nooit gepubliceerd. Vul uw acties in vanaf rij 3."
DATA_ROWS = 500            # rows with dropdowns, formats (and the library's name)
HEADER_FILL = PatternFill("solid", fgColor="D9EBD4")
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF8DC")
FORMATS = {"datum": "d-m-yyyy", "akkoord": "d-m-yyyy", "bedrag": "€ #,##0.00",
           "geheel": "#,##0"}
COMMENT_AUTHOR = "Kennisbank Marketing"


def _typed(f: Field, text: str) -> Any:
    """The example's text as Excel would hold it: dates as dates, amounts as numbers."""
    if not text:
        return None
    if f.type in ("datum", "akkoord"):
        return datetime.strptime(text, "%d-%m-%Y")
    if f.type in ("bedrag", "getal", "geheel"):
        number = float(text.replace(".", "").replace(",", "."))
        return int(number) if number.is_integer() else number
    return text


def _header(ws, headers: list[str], notes: list[str | None]) -> None:
    for column, (text, note) in enumerate(zip(headers, notes), start=1):
        cell = ws.cell(row=1, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if note:
            cell.comment = Comment(note, COMMENT_AUTHOR, width=360, height=220)
        ws.column_dimensions[get_column_letter(column)].width = max(12, min(40, len(text) + 4))
    ws.freeze_panes = "A2"


def _list_range(lists: Mapping[str, int], name: str, length: int) -> str:
    letter = get_column_letter(lists[name] + 1)
    return f"{quote_sheetname(KEUZELIJSTEN)}!${letter}$2:${letter}${length + 1}"


def _validation(f: Field, vocabularies: Mapping[str, Vocabulary], lists: Mapping[str, int],
                library: str | None) -> DataValidation | None:
    if f.type == "keuze" and f.keuzelijst in lists:
        labels = vocabularies[f.keuzelijst].labels
        return DataValidation(type="list", formula1=_list_range(lists, f.keuzelijst, len(labels)),
                              allow_blank=True, showErrorMessage=True,
                              errorTitle=f.kop, error=f"Kies een waarde uit de lijst '{f.kop}'.")
    if f.type == "bibliotheek" and library:
        return DataValidation(type="list", formula1=f'"{library}"', allow_blank=True)
    if f.waarden:
        return DataValidation(type="list", formula1='"' + ",".join(f.waarden) + '"',
                              allow_blank=True, showErrorMessage=False)
    return None


def _columns(ws, fields: tuple[Field, ...], vocabularies: Mapping[str, Vocabulary],
             lists: Mapping[str, int], library: str | None, first: int) -> None:
    """Dropdowns and number formats on the data rows of each column."""
    last = first + DATA_ROWS - 1
    for column, f in enumerate(fields, start=1):
        letter = get_column_letter(column)
        rule = _validation(f, vocabularies, lists, library)
        if rule is not None:
            rule.promptTitle, rule.prompt = f.kop[:32], f.beschrijving[:255]
            ws.add_data_validation(rule)
            rule.add(f"{letter}{first}:{letter}{last}")
        number_format = FORMATS.get(f.type)
        if number_format:
            for row in range(first, last + 1):
                ws.cell(row=row, column=column).number_format = number_format


def _status_colours(ws, control: int, first: int) -> None:
    letter = get_column_letter(control)
    last = first + DATA_ROWS - 1
    target = f"{letter}{first - 1}:{letter}{last} A{first - 1}:A{last}"
    for prefix, colour in STATUS_COLOURS:
        ws.conditional_formatting.add(target, FormulaRule(
            formula=[f'LEFT(${letter}{first - 1},{len(prefix)})="{prefix}"'],
            fill=PatternFill("solid", bgColor=colour, fgColor=colour), stopIfTrue=True))


def _lock_library(ws, fields: tuple[Field, ...], library: str, first: int, control: int) -> None:
    """Fill the library's name in and lock that column; every other cell stays editable."""
    column = next(i for i, f in enumerate(fields, start=1) if f.type == "bibliotheek")
    unlocked = Protection(locked=False)
    for row in range(first, first + DATA_ROWS):
        for c in range(1, control + 1):
            if c == column:
                ws.cell(row=row, column=c, value=library)
            else:
                ws.cell(row=row, column=c).protection = unlocked
    ws.protection.sheet = True
    for option in ("formatCells", "formatColumns", "formatRows", "insertRows", "deleteRows",
                   "sort", "autoFilter"):
        setattr(ws.protection, option, False)  # False: allowed while protected


def make_template(out: Path, library: str | None = None) -> Path:
    """Write the workbook to `out` (.xlsx) and return its path."""
    from pipeline.sources.sheet_init import (
        example_row,
        header_note,
        list_note,
        toelichting_rows,
    )

    fields, vocabularies = load_fields(), load_vocabularies()
    actions = fields[ACTIES]
    wb = Workbook()
    ws = wb.active
    ws.title = ACTIES
    control = len(actions) + 1
    _header(ws, [f.kop for f in actions] + [CONTROL_HEADER],
            [header_note(f, vocabularies) for f in actions] +
            ["Deze kolom vult de kennisbank zelf na elke controle. Niet zelf invullen."])
    example = dict(zip([f.veld for f in actions], example_row(actions, vocabularies)))
    example["actie_id"] = EXAMPLE_ID
    for column, f in enumerate(actions, start=1):
        cell = ws.cell(row=2, column=column, value=_typed(f, example[f.veld]))
        cell.fill = EXAMPLE_FILL
    ws.cell(row=2, column=control, value=EXAMPLE_NOTE).fill = EXAMPLE_FILL
    lists = {name: i for i, name in enumerate(vocabularies)}
    _columns(ws, actions, vocabularies, lists, library, first=3)
    _status_colours(ws, control, first=3)
    if library:
        _lock_library(ws, actions, library, first=3, control=control)

    libs = wb.create_sheet(BIBLIOTHEKEN)
    _header(libs, [f.kop for f in fields[BIBLIOTHEKEN]],
            [header_note(f, vocabularies) for f in fields[BIBLIOTHEKEN]])
    _columns(libs, fields[BIBLIOTHEKEN], vocabularies, lists, None, first=2)

    keuze = wb.create_sheet(KEUZELIJSTEN)
    _header(keuze, list(vocabularies), [list_note(n, v, fields) for n, v in vocabularies.items()])
    for column, vocab in enumerate(vocabularies.values(), start=1):
        for row, label in enumerate(vocab.labels, start=2):
            keuze.cell(row=row, column=column, value=label)

    info = wb.create_sheet("Toelichting")
    for row in toelichting_rows(fields, vocabularies):
        info.append(row)
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 40
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
