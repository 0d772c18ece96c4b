"""`kennisbank sheet init`: prepare a new or empty Google Sheet for contributors.

Four requests: the metadata and the current values of the tabs involved (to see what is already
there), then one ``spreadsheets.batchUpdate`` (tabs, frozen and protected header rows, a note per
header, dropdowns, date and amount formats) and one ``values:batchUpdate`` (headers, the
Keuzelijsten from schemas/, the Toelichting with one example row).

The request bodies are built by pure functions (:func:`plan_init`, :func:`build_init_requests`,
:func:`build_init_values`) so they can be tested without a network. Nothing is ever deleted:
existing tabs are reused, headers a tab already has keep their place, missing ones are added to
the right, a Keuzelijsten column a coordinator filled is left as it is, and a Toelichting with
content is not overwritten. A sheet with data rows is refused unless ``force``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import requests
from gspread.exceptions import APIError

from pipeline.contract import explain
from pipeline.contract.config import (
    ACTIES,
    BIBLIOTHEKEN,
    KEUZELIJSTEN,
    Field,
    Vocabulary,
    header_key,
    load_fields,
    load_terms,
    load_vocabularies,
)
from pipeline.contract.headers import CONTROL_HEADER, column_of, find_header_row
from pipeline.contract.row_status import STATUS_COLOURS
from pipeline.errors import SourceError
from pipeline.sources.google import (
    RENDER_OPTIONS,
    Connection,
    LoginFailed,
    RequestFailed,
    RetryPolicy,
    column_letter,
    connect,
    place_value_range,
    quote_title,
    translate_error,
)

TOELICHTING = "Toelichting"
INIT_TABS = (ACTIES, BIBLIOTHEKEN, KEUZELIJSTEN, TOELICHTING)
CONTRACT_TABS = (ACTIES, BIBLIOTHEKEN)
PREFERRED_IDS = {ACTIES: 101, BIBLIOTHEKEN: 102, KEUZELIJSTEN: 103, TOELICHTING: 104}
NEW_ROWS = 1000
MIN_COLUMNS = 26
HEADER_PROTECTION = "Kopregel van de kennisbank: niet wijzigen (kennisbank sheet init)"
TOELICHTING_PROTECTION = "Toelichting van de kennisbank (kennisbank sheet init)"

DATE_FORMAT = {"type": "DATE", "pattern": "d-m-yyyy"}
AMOUNT_FORMAT = {"type": "CURRENCY", "pattern": "€ #,##0.00"}
WHOLE_FORMAT = {"type": "NUMBER", "pattern": "#,##0"}
HEADER_BACKGROUND = {"red": 0.85, "green": 0.92, "blue": 0.83}

# Fictional example action (texts only; choice fields take the first value of their list).
EXAMPLE_TEXT = {
    "bibliotheek": "Bibliotheek Voorbeeldstad",
    "vestigingen": "Centrum; Noord",
    "titel": "Voorbeeld: ledenactie voor jonge ouders",
    "omschrijving": "Ouders van baby's kregen bij het consultatiebureau een uitnodiging voor een "
                    "gratis lidmaatschap en een voorleesmiddag in de bibliotheek.",
    "aanleiding": "Weinig jonge gezinnen onder de nieuwe leden.",
    "partners": "Consultatiebureau Voorbeeldstad",
    "startdatum": "1-3-2024",
    "einddatum": "31-5-2024",
    "budget_eur": "1250,50",
    "uren": "40",
    "meetbaar_doel": "50 nieuwe leden in drie maanden",
    "streefwaarde": "50",
    "resultaat": "62",
    "nieuwe_leden": "62",
    "deelnemers": "85",
    "bereik": "4000",
    "resultaten_toelichting": "Geteld met een actiecode bij de inschrijving.",
    "wat_werkte": "De persoonlijke uitnodiging via het consultatiebureau.",
    "wat_werkte_niet": "De posters in de vestigingen leverden weinig op.",
    "tip": "Maak afspraken met het consultatiebureau ruim voor de start.",
    "links": "https://www.example.org/voorbeeldactie",
    "contactpersoon": "Sam de Vries",
    "contact_email": "marketing@bibliotheek-voorbeeldstad.example",
    "delen": "ja",
}


# --------------------------------------------------------------------------- plan


@dataclass
class TabPlan:
    title: str
    sheet_id: int
    action: str  # add | rename | keep
    header_row: int = 0  # 0-based
    columns: dict[str, int] = field(default_factory=dict)  # veld or list name -> column
    new_columns: list[str] = field(default_factory=list)  # keys whose header is written now
    row_count: int = NEW_ROWS
    column_count: int = MIN_COLUMNS
    need_rows: int = 1
    need_columns: int = 1
    protected: bool = False  # our protected range is already there
    fill: bool = False  # Toelichting: write its contents
    old_title: str | None = None
    control: int | None = None  # Acties: the Controle column
    control_new: bool = False  # Acties: its header is written now
    formulas: set[str] = field(default_factory=set)  # conditional formats already there


@dataclass
class InitPlan:
    tabs: dict[str, TabPlan]
    fields: Mapping[str, tuple[Field, ...]]
    vocabularies: Mapping[str, Vocabulary]
    toelichting: list[list[str]] = field(default_factory=list)


def _props(sheet: Mapping[str, Any]) -> dict[str, Any]:
    return dict(sheet.get("properties", sheet))


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _has_content(rows: list[list[Any]]) -> bool:
    return any(not _blank(c) for row in rows for c in row)


def count_data_rows(rows: list[list[Any]], tab: str) -> int:
    """Rows with content below the header row (all rows with content when there is none)."""
    header = find_header_row(rows, tab)
    body = rows if header is None else rows[header + 1:]
    return sum(1 for row in body if any(not _blank(c) for c in row))


def _header_terms(f: Field) -> set[str]:
    return {header_key(f.kop), *(header_key(a) for a in f.aliassen)}


def _map_contract(tab: str, fields: tuple[Field, ...], rows: list[list[Any]]
                  ) -> tuple[int, dict[str, int], list[str]]:
    if not _has_content(rows):
        return 0, {f.veld: i for i, f in enumerate(fields)}, [f.veld for f in fields]
    header = find_header_row(rows, tab)
    if header is None:
        raise SourceError(
            f"Het tabblad '{tab}' heeft inhoud maar geen herkenbare kopregel; de kennisbank kan "
            "de koppen niet veilig toevoegen. Zet de koppen uit de Toelichting in één rij boven "
            "de gegevens, of begin met een leeg tabblad."
        )
    cells = [header_key(c) if isinstance(c, str) else "" for c in rows[header]]
    columns: dict[str, int] = {}
    missing: list[str] = []
    for f in fields:
        terms = _header_terms(f)
        found = next((i for i, c in enumerate(cells) if c in terms and i not in columns.values()),
                     None)
        if found is None:
            missing.append(f.veld)
        else:
            columns[f.veld] = found
    next_free = max(len(r) for r in rows)
    for veld in missing:
        columns[veld] = next_free
        next_free += 1
    return header, columns, missing


def _map_lists(vocabularies: Mapping[str, Vocabulary], rows: list[list[Any]]
               ) -> tuple[dict[str, int], list[str]]:
    if not _has_content(rows):
        return {name: i for i, name in enumerate(vocabularies)}, list(vocabularies)
    cells = [header_key(c) if isinstance(c, str) else "" for c in (rows[0] if rows else [])]
    columns: dict[str, int] = {}
    missing: list[str] = []
    for name, vocab in vocabularies.items():
        terms = {header_key(name), header_key(vocab.titel)}
        found = next((i for i, c in enumerate(cells) if c in terms), None)
        if found is None:
            missing.append(name)
        else:
            columns[name] = found
    next_free = max(len(r) for r in rows)
    for name in missing:
        columns[name] = next_free
        next_free += 1
    return columns, missing


def plan_init(
    fields: Mapping[str, tuple[Field, ...]],
    vocabularies: Mapping[str, Vocabulary],
    existing_sheets: Iterable[Mapping[str, Any]],
    existing_values: Mapping[str, list[list[Any]]] | None = None,
) -> InitPlan:
    """Decide per tab: add, rename the lone empty first sheet, or keep; and where headers go."""
    sheets = list(existing_sheets)
    values = dict(existing_values or {})
    by_key = {header_key(_props(s).get("title", "")): s for s in sheets}
    used_ids = {_props(s).get("sheetId") for s in sheets}
    tabs: dict[str, TabPlan] = {}
    foreign = [s for s in sheets if header_key(_props(s).get("title", ""))
               not in {header_key(t) for t in INIT_TABS}]
    for tab in INIT_TABS:
        sheet = by_key.get(header_key(tab))
        if sheet is None and tab == ACTIES and len(sheets) == 1 and foreign:
            lone = _props(foreign[0])
            if not _has_content(values.get(lone.get("title", ""), [])):
                plan = _existing_plan(tab, foreign[0], sheets)
                plan.action, plan.old_title, plan.title = "rename", lone.get("title"), tab
                tabs[tab] = plan
                continue
        if sheet is None:
            sheet_id = PREFERRED_IDS[tab]
            while sheet_id in used_ids:
                sheet_id += 1
            used_ids.add(sheet_id)
            tabs[tab] = TabPlan(title=tab, sheet_id=sheet_id, action="add")
        else:
            tabs[tab] = _existing_plan(tab, sheet, sheets)

    for tab in CONTRACT_TABS:
        plan = tabs[tab]
        rows = values.get(plan.old_title or plan.title, []) if plan.action != "add" else []
        if plan.action == "rename":
            rows = []
        plan.header_row, plan.columns, plan.new_columns = _map_contract(tab, fields[tab], rows)
        plan.need_columns = max(plan.columns.values()) + 1
        plan.need_rows = plan.header_row + 2
        if tab == ACTIES:  # the Controle column, right of everything else when it is new
            found = column_of(rows[plan.header_row], CONTROL_HEADER) if rows else None
            plan.control_new = found is None
            plan.control = found if found is not None else max(
                plan.need_columns, max((len(r) for r in rows), default=0))
            plan.need_columns = max(plan.need_columns, plan.control + 1)

    lists = tabs[KEUZELIJSTEN]
    list_rows = values.get(lists.title, []) if lists.action == "keep" else []
    lists.columns, lists.new_columns = _map_lists(vocabularies, list_rows)
    lists.need_columns = max(lists.columns.values(), default=0) + 1
    lists.need_rows = 1 + max((len(v.labels) for v in vocabularies.values()), default=0)

    info = tabs[TOELICHTING]
    toelichting = toelichting_rows(fields, vocabularies)
    info.fill = info.action == "add" or not _has_content(values.get(info.title, []))
    if info.fill:
        info.need_rows = len(toelichting)
        info.need_columns = max(len(r) for r in toelichting)

    for plan in tabs.values():
        if plan.action == "add":
            plan.row_count = max(NEW_ROWS, plan.need_rows)
            plan.column_count = max(MIN_COLUMNS, plan.need_columns)
    return InitPlan(tabs=tabs, fields=fields, vocabularies=vocabularies, toelichting=toelichting)


def _existing_plan(tab: str, sheet: Mapping[str, Any], sheets: list) -> TabPlan:
    props = _props(sheet)
    grid = props.get("gridProperties", {})
    descriptions = {p.get("description") for p in sheet.get("protectedRanges", []) or []}
    wanted = TOELICHTING_PROTECTION if tab == TOELICHTING else HEADER_PROTECTION
    formulas = {value.get("userEnteredValue")
                for rule in sheet.get("conditionalFormats", []) or []
                for value in rule.get("booleanRule", {}).get("condition", {}).get("values", [])}
    return TabPlan(
        title=props.get("title", tab), sheet_id=props.get("sheetId"), action="keep",
        row_count=int(grid.get("rowCount", NEW_ROWS)),
        column_count=int(grid.get("columnCount", MIN_COLUMNS)),
        protected=wanted in descriptions, formulas=formulas,
    )


# --------------------------------------------------------------------------- texts


def header_note(f: Field, vocabularies: Mapping[str, Vocabulary]) -> str:
    """The note on a header cell: what the field means and how to fill it in, in Dutch."""
    how = explain.how_to_fill(f, {name: v.titel for name, v in vocabularies.items()})
    example = explain.shown_example(f)
    lines = [f.beschrijving, explain.level_text(f), f"Invullen: {how}." if how else "",
             explain.separator_rule(f), f"Bijvoorbeeld: {example}" if example else ""]
    if not f.publiek:
        lines.append("Dit veld komt niet in de openbare kennisbank.")
    if f.aliassen:
        lines.append("Ook herkend als kop: " + ", ".join(f.aliassen) + ".")
    return "\n".join(line for line in lines if line)


def list_note(name: str, vocab: Vocabulary, fields: Mapping[str, tuple[Field, ...]]) -> str:
    users = [f.kop for tab_fields in fields.values() for f in tab_fields if f.keuzelijst == name]
    used = ", ".join(f"'{k}'" for k in users) or "geen kolom"
    return (f"Keuzelijst '{vocab.titel}', gebruikt in {used}. Vul nieuwe waarden onder de "
            "bestaande aan; verplaats of hernoem deze kolom niet, de keuzemenu's in Acties "
            "verwijzen ernaar.")


def example_row(fields: tuple[Field, ...], vocabularies: Mapping[str, Vocabulary]) -> list[str]:
    row = []
    for f in fields:
        vocab = vocabularies.get(f.keuzelijst or "")
        if vocab and vocab.labels:
            row.append(vocab.labels[0])
        else:
            row.append(EXAMPLE_TEXT.get(f.veld, ""))
    return row


def toelichting_rows(fields: Mapping[str, tuple[Field, ...]],
                     vocabularies: Mapping[str, Vocabulary]) -> list[list[str]]:
    acties = fields[ACTIES]
    titles = {name: v.titel for name, v in vocabularies.items()}
    rows: list[list[str]] = [
        ["Kennisbank Marketing: zo vult u deze sheet in"],
        [],
        ["1. Zet elke marketingactie op een eigen rij in het tabblad Acties. Laat de kopregel "
         "staan zoals hij is; de opmerking bij elke kop legt het veld uit."],
        ["2. Uw bibliotheek staat in het tabblad Bibliotheken; staat ze er niet, vraag de "
         "coördinatoren haar toe te voegen. Gebruik in Acties precies dezelfde naam."],
        ["3. Kolommen met een keuzemenu gebruiken de keuzelijsten. " + explain.list_rule()],
        ["4. " + explain.writing_tips()],
        ["5. Kies in de kolom Delen wie een actie ziet: openbaar (iedereen), netwerk (alleen de "
         "bibliotheken in het netwerk, na inloggen) of nee (niemand). Een lege cel betekent "
         f"{load_terms()['leeg']}. Niets wordt gedeeld voordat uw bibliotheek akkoord is met de "
         "gebruiksvoorwaarden (Akkoord voorwaarden in het tabblad Bibliotheken)."],
        [f"6. De kolom {CONTROL_HEADER} rechts in Acties vult de kennisbank zelf na elke "
         "controle (OK, Onvolledig, Alleen netwerk, Afgekeurd, Niet gedeeld of Wacht op "
         "akkoord). Typ daar niet in. Rood is afgekeurd, oranje onvolledig, grijs niet (of nog "
         "niet) openbaar; ook de eerste cel van de rij krijgt die kleur."],
        ["7. Coördinatoren vullen het tabblad Keuzelijsten aan: nieuwe waarden onder de "
         "bestaande, zonder kolommen te verplaatsen."],
        [],
    ]
    for tab in CONTRACT_TABS:
        rows.append([f"Velden in het tabblad {tab}"])
        rows.append(["Kop", "Niveau", "Uitleg"])
        for f in fields[tab]:
            rows.append([f.kop, explain.level_short(f), explain.described(f, titles)])
        rows.append([])
    rows.append(["Voorbeeldrij: zo ziet een ingevulde actie in het tabblad Acties eruit"])
    rows.append([f.kop for f in acties])
    rows.append(example_row(acties, vocabularies))
    return rows


# --------------------------------------------------------------------------- request bodies


def _grid(sheet_id: int, r0: int | None = None, r1: int | None = None,
          c0: int | None = None, c1: int | None = None) -> dict[str, int]:
    grid = {"sheetId": sheet_id}
    for name, value in (("startRowIndex", r0), ("endRowIndex", r1),
                        ("startColumnIndex", c0), ("endColumnIndex", c1)):
        if value is not None:
            grid[name] = value
    return grid


def _structure(plan: TabPlan, frozen: int | None) -> list[dict[str, Any]]:
    requests_: list[dict[str, Any]] = []
    if plan.action == "add":
        grid: dict[str, int] = {"rowCount": plan.row_count, "columnCount": plan.column_count}
        if frozen:
            grid["frozenRowCount"] = frozen
        return [{"addSheet": {"properties": {"sheetId": plan.sheet_id, "title": plan.title,
                                             "gridProperties": grid}}}]
    props: dict[str, Any] = {"sheetId": plan.sheet_id}
    fields_: list[str] = []
    if plan.action == "rename":
        props["title"] = plan.title
        fields_.append("title")
    if frozen:
        props["gridProperties"] = {"frozenRowCount": frozen}
        fields_.append("gridProperties.frozenRowCount")
    if fields_:
        requests_.append({"updateSheetProperties": {"properties": props,
                                                    "fields": ",".join(fields_)}})
    for dimension, have, need in (("ROWS", plan.row_count, plan.need_rows),
                                  ("COLUMNS", plan.column_count, plan.need_columns)):
        if need > have:
            requests_.append({"appendDimension": {"sheetId": plan.sheet_id,
                                                  "dimension": dimension, "length": need - have}})
    return requests_


def _header_format(plan: TabPlan) -> dict[str, Any]:
    return {"repeatCell": {
        "range": _grid(plan.sheet_id, plan.header_row, plan.header_row + 1),
        "cell": {"userEnteredFormat": {"textFormat": {"bold": True},
                                       "backgroundColor": HEADER_BACKGROUND,
                                       "wrapStrategy": "WRAP", "verticalAlignment": "TOP"}},
        "fields": "userEnteredFormat(textFormat.bold,backgroundColor,wrapStrategy,"
                  "verticalAlignment)",
    }}


def _note(sheet_id: int, row: int, column: int, note: str) -> dict[str, Any]:
    return {"updateCells": {
        "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column},
        "rows": [{"values": [{"note": note}]}],
        "fields": "note",
    }}


def _protect(plan: TabPlan, description: str, whole_sheet: bool = False) -> dict[str, Any]:
    rng = (_grid(plan.sheet_id) if whole_sheet
           else _grid(plan.sheet_id, plan.header_row, plan.header_row + 1))
    return {"addProtectedRange": {"protectedRange": {
        "range": rng, "description": description, "warningOnly": True}}}


def _range_ref(title: str, column: int, first_row: int) -> str:
    letter = column_letter(column)
    return f"={quote_title(title)}!${letter}${first_row}:${letter}"


def validation_rule(f: Field, plan: InitPlan) -> dict[str, Any] | None:
    """The dropdown or check for a column, or None. Lists point at the Keuzelijsten tab, so a
    value a coordinator adds there shows up in the dropdown without running init again."""
    lists = plan.tabs[KEUZELIJSTEN]
    if f.keuzelijst and f.keuzelijst in lists.columns and f.type in ("keuze", "keuzelijst"):
        single = f.type == "keuze"
        vocab = plan.vocabularies[f.keuzelijst]
        message = (f"Kies een waarde uit de keuzelijst '{vocab.titel}'." if single else
                   f"Kies uit de keuzelijst '{vocab.titel}'. {explain.list_rule()}")
        return {"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": _range_ref(
                    lists.title, lists.columns[f.keuzelijst], 2)}]},
                "inputMessage": message, "strict": single, "showCustomUi": True}
    if f.type == "bibliotheek":
        libs = plan.tabs[BIBLIOTHEKEN]
        naam = libs.columns.get("naam", 0)
        return {"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": _range_ref(
                    libs.title, naam, libs.header_row + 2)}]},
                "inputMessage": "Kies de bibliotheek uit het tabblad Bibliotheken.",
                "strict": False, "showCustomUi": True}
    if f.waarden:
        return {"condition": {"type": "ONE_OF_LIST", "values": [
                    {"userEnteredValue": v} for v in f.waarden]},
                "inputMessage": f"Kies {explain.how_to_fill(f)}.",
                "strict": False, "showCustomUi": True}
    if f.type in ("datum", "akkoord"):
        return {"condition": {"type": "DATE_IS_VALID"},
                "inputMessage": f"{explain.capitalised(explain.how_to_fill(f))}, bijvoorbeeld "
                                f"{explain.example_for(f)}.",
                "strict": False}
    return explain.number_rule(f)


def number_format(f: Field) -> dict[str, str] | None:
    return {"datum": DATE_FORMAT, "akkoord": DATE_FORMAT, "bedrag": AMOUNT_FORMAT,
            "geheel": WHOLE_FORMAT}.get(f.type)


def _contract_requests(tab: str, plan: InitPlan) -> list[dict[str, Any]]:
    tp = plan.tabs[tab]
    out: list[dict[str, Any]] = [_header_format(tp)]
    data_row = tp.header_row + 1
    for f in plan.fields[tab]:
        column = tp.columns[f.veld]
        out.append(_note(tp.sheet_id, tp.header_row, column, header_note(f, plan.vocabularies)))
        rule = validation_rule(f, plan)
        if rule:
            out.append({"setDataValidation": {
                "range": _grid(tp.sheet_id, data_row, None, column, column + 1), "rule": rule}})
        fmt = number_format(f)
        if fmt:
            out.append({"repeatCell": {
                "range": _grid(tp.sheet_id, data_row, None, column, column + 1),
                "cell": {"userEnteredFormat": {"numberFormat": fmt}},
                "fields": "userEnteredFormat.numberFormat"}})
    if tab == ACTIES:
        out += _control_requests(tp)
    if not tp.protected:
        out.append(_protect(tp, HEADER_PROTECTION))
    return out


CONTROL_NOTE = ("Deze kolom vult de kennisbank zelf na elke controle: OK, of wat er aan de rij "
                "ontbreekt. Niet zelf invullen; uw wijzigingen hier worden overschreven.")


def status_formula(prefix: str, column: int, first_row: int) -> str:
    """True for a row whose Controle cell starts with `prefix` (first_row: 1-based, relative)."""
    return f'=LEFT(${column_letter(column)}{first_row},{len(prefix)})="{prefix}"'


def _rgb(hex_colour: str) -> dict[str, float]:
    red, green, blue = (int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 3), "green": round(green, 3), "blue": round(blue, 3)}


def _control_requests(tp: TabPlan) -> list[dict[str, Any]]:
    """The Controle header's note, and a background per status on the Controle cell and the
    row's first cell (row_status.STATUS_COLOURS); rules already there are not added again."""
    out: list[dict[str, Any]] = []
    if tp.control_new:
        out.append(_note(tp.sheet_id, tp.header_row, tp.control, CONTROL_NOTE))
    first = tp.header_row + 1
    ranges = [_grid(tp.sheet_id, first, None, tp.control, tp.control + 1),
              _grid(tp.sheet_id, first, None, 0, 1)]
    for index, (prefix, colour) in enumerate(STATUS_COLOURS):
        formula = status_formula(prefix, tp.control, first + 1)
        if formula in tp.formulas:
            continue
        out.append({"addConditionalFormatRule": {"index": index, "rule": {
            "ranges": ranges,
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA",
                                          "values": [{"userEnteredValue": formula}]},
                            "format": {"backgroundColor": _rgb(colour)}}}}})
    return out


def _requests(plan: InitPlan) -> list[dict[str, Any]]:
    tabs = plan.tabs
    out: list[dict[str, Any]] = []
    for tab in INIT_TABS:
        tp = tabs[tab]
        frozen = None if tab == TOELICHTING else tp.header_row + 1
        out += _structure(tp, frozen)
    for tab in CONTRACT_TABS:
        out += _contract_requests(tab, plan)
    lists = tabs[KEUZELIJSTEN]
    out.append(_header_format(lists))
    for name in lists.new_columns:
        out.append(_note(lists.sheet_id, 0, lists.columns[name],
                         list_note(name, plan.vocabularies[name], plan.fields)))
    info = tabs[TOELICHTING]
    if info.fill:
        out.append({"repeatCell": {"range": _grid(info.sheet_id, 0, 1, 0, 1),
                                   "cell": {"userEnteredFormat": {"textFormat": {
                                       "bold": True, "fontSize": 14}}},
                                   "fields": "userEnteredFormat.textFormat"}})
        if not info.protected:
            out.append(_protect(info, TOELICHTING_PROTECTION, whole_sheet=True))
    return out


def _runs(columns: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for c in sorted(columns):
        if runs and c == runs[-1][-1] + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def _values(plan: InitPlan) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = []
    for tab in CONTRACT_TABS:
        tp = plan.tabs[tab]
        heads = {tp.columns[f.veld]: f.kop for f in plan.fields[tab] if f.veld in tp.new_columns}
        if tp.control_new:
            heads[tp.control] = CONTROL_HEADER
        row = tp.header_row + 1
        for run in _runs(list(heads)):
            a, b = column_letter(run[0]), column_letter(run[-1])
            data.append({"range": f"{quote_title(tp.title)}!{a}{row}:{b}{row}",
                         "majorDimension": "ROWS", "values": [[heads[c] for c in run]]})
    lists = plan.tabs[KEUZELIJSTEN]
    for name in lists.new_columns:
        column = [name, *plan.vocabularies[name].labels]
        letter = column_letter(lists.columns[name])
        data.append({"range": f"{quote_title(lists.title)}!{letter}1:{letter}{len(column)}",
                     "majorDimension": "COLUMNS", "values": [column]})
    info = plan.tabs[TOELICHTING]
    if info.fill:
        rows = plan.toelichting
        last = column_letter(max(len(r) for r in rows) - 1)
        data.append({"range": f"{quote_title(info.title)}!A1:{last}{len(rows)}",
                     "majorDimension": "ROWS", "values": rows})
    return data


def build_init_requests(
    fields: Mapping[str, tuple[Field, ...]],
    vocabularies: Mapping[str, Vocabulary],
    existing_sheets: Iterable[Mapping[str, Any]],
    existing_values: Mapping[str, list[list[Any]]] | None = None,
) -> dict[str, Any]:
    """The ``spreadsheets.batchUpdate`` body (pure)."""
    return {"requests": _requests(plan_init(fields, vocabularies, existing_sheets,
                                            existing_values))}


def build_init_values(
    fields: Mapping[str, tuple[Field, ...]],
    vocabularies: Mapping[str, Vocabulary],
    existing_sheets: Iterable[Mapping[str, Any]],
    existing_values: Mapping[str, list[list[Any]]] | None = None,
) -> dict[str, Any]:
    """The ``values:batchUpdate`` body (pure): headers, Keuzelijsten, Toelichting."""
    plan = plan_init(fields, vocabularies, existing_sheets, existing_values)
    return {"valueInputOption": "RAW", "data": _values(plan)}


# --------------------------------------------------------------------------- the command


@dataclass(frozen=True)
class InitResult:
    title: str
    created: list[str]
    renamed: tuple[str, str] | None
    headers_added: dict[str, list[str]]
    lists_added: list[str]
    toelichting_filled: bool
    requests: int


def init_sheet(
    source: str,
    force: bool = False,
    *,
    env: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
    credentials: Any = None,
    policy: RetryPolicy | None = None,
) -> InitResult:
    """Prepare the sheet for contributors; refuses a sheet with data rows unless ``force``."""
    conn = connect(source, write=True, env=env, session=session, credentials=credentials,
                   policy=policy)
    try:
        return _init(conn, force)
    except (APIError, RequestFailed, LoginFailed) as err:
        raise translate_error(err, conn) from None


def _init(conn: Connection, force: bool) -> InitResult:
    fields = load_fields()
    vocabularies = load_vocabularies()
    metadata = conn.http.fetch_sheet_metadata(conn.key)
    title = metadata.get("properties", {}).get("title", "")
    sheets = metadata.get("sheets", [])
    titles = [_props(s).get("title", "") for s in sheets]
    ours = {header_key(t) for t in INIT_TABS}
    to_read = [t for t in titles if header_key(t) in ours or len(titles) == 1]
    existing: dict[str, list[list[Any]]] = {}
    if to_read:
        response = conn.http.values_batch_get(conn.key, [quote_title(t) for t in to_read],
                                              params=dict(RENDER_OPTIONS))
        for t, value_range in zip(to_read, response.get("valueRanges", [])):
            existing[t] = []
            place_value_range(existing[t], value_range)
    _refuse_data(title, existing, force)
    plan = plan_init(fields, vocabularies, sheets, existing)
    body = {"requests": _requests(plan)}
    conn.http.batch_update(conn.key, body)
    data = _values(plan)
    if data:
        conn.http.values_batch_update(conn.key, {"valueInputOption": "RAW", "data": data})
    tabs = plan.tabs
    rename = tabs[ACTIES]
    return InitResult(
        title=title,
        created=[t for t in INIT_TABS if tabs[t].action == "add"],
        renamed=(rename.old_title, rename.title) if rename.action == "rename" else None,
        headers_added={t: [f.kop for f in fields[t] if f.veld in tabs[t].new_columns]
                       for t in CONTRACT_TABS if tabs[t].new_columns},
        lists_added=list(tabs[KEUZELIJSTEN].new_columns),
        toelichting_filled=tabs[TOELICHTING].fill,
        requests=len(body["requests"]),
    )


def _refuse_data(title: str, existing: Mapping[str, list[list[Any]]], force: bool) -> None:
    found = []
    for tab in CONTRACT_TABS:
        for actual, rows in existing.items():
            if header_key(actual) == header_key(tab):
                n = count_data_rows(rows, tab)
                if n:
                    found.append(f"{n} {'rij' if n == 1 else 'rijen'} in {actual}")
    if found and not force:
        raise SourceError(
            f"De Google Sheet '{title}' heeft al gegevens ({', '.join(found)}). "
            "'kennisbank sheet init' richt een nieuwe of lege sheet in; gebruik --force om "
            "koppen, keuzelijsten en opmaak toe te voegen zonder rijen te wissen."
        )
