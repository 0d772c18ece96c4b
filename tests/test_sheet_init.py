"""`kennisbank sheet init`: the batchUpdate body (pure) and the command against the stand-in."""

from __future__ import annotations

import copy

import pytest

from pipeline.contract.config import load_fields, load_vocabularies
from pipeline.contract.row_status import STATUS_COLOURS
from pipeline.errors import SourceError
from pipeline.sources.google import RetryPolicy, column_letter
from pipeline.sources.sheet_init import (
    AMOUNT_FORMAT,
    DATE_FORMAT,
    HEADER_PROTECTION,
    TOELICHTING_PROTECTION,
    WHOLE_FORMAT,
    build_init_requests,
    build_init_values,
    init_sheet,
    toelichting_rows,
)

KEY = "1InitInitInitInitInitInitInitInitInitInit00"
FIELDS = load_fields()
VOCABS = load_vocabularies()
ACTIES = FIELDS["Acties"]
LIBS = FIELDS["Bibliotheken"]
LIST_NAMES = list(VOCABS)
NEW_SHEET = [{"properties": {"sheetId": 0, "title": "Blad1", "index": 0, "sheetType": "GRID",
                             "gridProperties": {"rowCount": 1000, "columnCount": 26}}}]
ALLOWED = {"addSheet", "updateSheetProperties", "appendDimension", "repeatCell", "updateCells",
           "setDataValidation", "addProtectedRange", "addConditionalFormatRule"}
LIST_RULE = ("Meerdere waarden in één cel scheidt u met een komma, een puntkomma, een schuine "
             "streep tussen twee woorden of een nieuwe regel in de cel, bijvoorbeeld: "
             "Facebook, Instagram.")
LINK_RULE = "Meerdere links scheidt u met een spatie of een nieuwe regel."
NIVEAU = {
    "verplicht": "Verplicht: een rij zonder dit veld wordt niet gepubliceerd.",
    "aanbevolen": "Aanbevolen: zonder dit veld telt de rij als onvolledig.",
    "optioneel": "Optioneel.",
    "afgeleid": "Mag leeg blijven: de kennisbank leidt het dan zelf af.",
}


def col(veld: str, fields=ACTIES) -> int:
    return [f.veld for f in fields].index(veld)


def of_kind(body: dict, kind: str) -> list[dict]:
    return [r[kind] for r in body["requests"] if kind in r]


def notes(body: dict) -> dict[tuple[int, int, int], str]:
    out = {}
    for u in of_kind(body, "updateCells"):
        assert u["fields"] == "note" and len(u["rows"]) == 1 and len(u["rows"][0]["values"]) == 1
        s = u["start"]
        out[(s["sheetId"], s["rowIndex"], s["columnIndex"])] = u["rows"][0]["values"][0]["note"]
    return out


def validations(body: dict, sheet_id: int) -> dict[int, dict]:
    out = {}
    for v in of_kind(body, "setDataValidation"):
        r = v["range"]
        if r["sheetId"] == sheet_id:
            assert r["endColumnIndex"] == r["startColumnIndex"] + 1 and "endRowIndex" not in r
            out[r["startColumnIndex"]] = (r["startRowIndex"], v["rule"])
    return out


def number_formats(body: dict, sheet_id: int) -> dict[int, tuple[int, dict]]:
    out = {}
    for rc in of_kind(body, "repeatCell"):
        if rc["fields"] == "userEnteredFormat.numberFormat" and rc["range"]["sheetId"] == sheet_id:
            out[rc["range"]["startColumnIndex"]] = (rc["range"]["startRowIndex"],
                                                    rc["cell"]["userEnteredFormat"]["numberFormat"])
    return out


# --------------------------------------------------------------------------- the pure body


def test_new_spreadsheet_gets_four_tabs_in_one_batch_update():
    body = build_init_requests(FIELDS, VOCABS, NEW_SHEET, {"Blad1": []})
    assert {kind for r in body["requests"] for kind in r} <= ALLOWED
    assert body["requests"][:5] == [
        {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "Acties",
                                                  "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "title,gridProperties.frozenRowCount"}},
        {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS",
                             "length": len(ACTIES) + 1 - 26}},
        {"addSheet": {"properties": {"sheetId": 102, "title": "Bibliotheken", "gridProperties": {
            "rowCount": 1000, "columnCount": 26, "frozenRowCount": 1}}}},
        {"addSheet": {"properties": {"sheetId": 103, "title": "Keuzelijsten", "gridProperties": {
            "rowCount": 1000, "columnCount": 26, "frozenRowCount": 1}}}},
        {"addSheet": {"properties": {"sheetId": 104, "title": "Toelichting", "gridProperties": {
            "rowCount": 1000, "columnCount": len(ACTIES)}}}},
    ]


def test_headers_are_protected_with_a_warning_only():
    body = build_init_requests(FIELDS, VOCABS, NEW_SHEET, {"Blad1": []})
    assert of_kind(body, "addProtectedRange") == [
        {"protectedRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                            "description": HEADER_PROTECTION, "warningOnly": True}},
        {"protectedRange": {"range": {"sheetId": 102, "startRowIndex": 0, "endRowIndex": 1},
                            "description": HEADER_PROTECTION, "warningOnly": True}},
        {"protectedRange": {"range": {"sheetId": 104},
                            "description": TOELICHTING_PROTECTION, "warningOnly": True}},
    ]


def test_every_header_has_a_dutch_note_explaining_the_field():
    body = build_init_requests(FIELDS, VOCABS, NEW_SHEET, {"Blad1": []})
    found = notes(body)
    assert set(found) == ({(0, 0, i) for i in range(len(ACTIES) + 1)}  # and the Controle column
                          | {(102, 0, i) for i in range(len(LIBS))}
                          | {(103, 0, i) for i in range(len(LIST_NAMES))})
    titel = ACTIES[col("titel")]
    assert found[(0, 0, col("titel"))] == (
        f"{titel.beschrijving}\n{NIVEAU['verplicht']}\n"
        "Invullen: hoogstens 150 tekens.\n"
        "Bijvoorbeeld: Kinderboekenweek 2025: voorleesfeest\n"
        "Ook herkend als kop: " + ", ".join(titel.aliassen) + ".")
    doelen = ACTIES[col("doelen")]
    assert found[(0, 0, col("doelen"))] == (
        f"{doelen.beschrijving}\n{NIVEAU['verplicht']}\n"
        "Invullen: een of meer waarden uit de keuzelijst 'Doel' in het tabblad Keuzelijsten.\n"
        f"{LIST_RULE}\n"
        "Bijvoorbeeld: Ledenwerving, Ledenbehoud en heractivatie\n"
        "Ook herkend als kop: " + ", ".join(doelen.aliassen) + ".")
    links = ACTIES[col("links")]
    assert found[(0, 0, col("links"))] == (
        f"{links.beschrijving}\n{NIVEAU['optioneel']}\n"
        "Invullen: een of meer links die beginnen met http:// of https://.\n"
        f"{LINK_RULE}\n"
        "Bijvoorbeeld: https://www.duinstreek.voorbeeld.nl/voorleesfeest\n"
        "Ook herkend als kop: " + ", ".join(links.aliassen) + ".")
    contact = ACTIES[col("contact_email")]
    assert found[(0, 0, col("contact_email"))] == (
        f"{contact.beschrijving}\n{NIVEAU['optioneel']}\nInvullen: een e-mailadres.\n"
        "Bijvoorbeeld: marketing@duinstreek.voorbeeld.nl\n"
        "Dit veld komt niet in de openbare kennisbank.\n"
        "Ook herkend als kop: " + ", ".join(contact.aliassen) + ".")
    actie_id = ACTIES[col("actie_id")]
    assert found[(0, 0, 0)].startswith(f"{actie_id.beschrijving}\n{NIVEAU['afgeleid']}\n")
    assert found[(103, 0, LIST_NAMES.index("kanaal"))] == (
        "Keuzelijst 'Kanaal', gebruikt in 'Kanalen'. Vul nieuwe waarden onder de bestaande aan; "
        "verplaats of hernoem deze kolom niet, de keuzemenu's in Acties verwijzen ernaar.")
    assert all(n.strip() for n in found.values())


def test_the_controle_column_shows_each_status_in_colour():
    body = build_init_requests(FIELDS, VOCABS, NEW_SHEET, {"Blad1": []})
    control = column_letter(len(ACTIES))
    ranges = [{"sheetId": 0, "startRowIndex": 1, "startColumnIndex": len(ACTIES),
               "endColumnIndex": len(ACTIES) + 1},
              {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 1}]

    def rule(index, prefix, rgb):
        return {"index": index, "rule": {"ranges": ranges, "booleanRule": {
            "condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue":
                          f'=LEFT(${control}2,{len(prefix)})="{prefix}"'}]},
            "format": {"backgroundColor": dict(zip(("red", "green", "blue"), rgb))}}}}

    grey = (0.91, 0.918, 0.929)
    assert of_kind(body, "addConditionalFormatRule") == [
        rule(0, "Afgekeurd", (0.957, 0.78, 0.765)),
        rule(1, "Onvolledig", (0.988, 0.91, 0.698)),
        rule(2, "Niet gedeeld", grey), rule(3, "Alleen netwerk", grey),
        rule(4, "Wacht op akkoord", grey)]
    assert notes(body)[(0, 0, len(ACTIES))].startswith(
        "Deze kolom vult de kennisbank zelf na elke controle")


def test_dropdowns_come_from_the_keuzelijsten_tab():
    body = build_init_requests(FIELDS, VOCABS, NEW_SHEET, {"Blad1": []})
    rules = validations(body, 0)
    typed = {f.veld for f in ACTIES if f.type in (
        "keuze", "keuzelijst", "bibliotheek", "janee", "delen", "behaald", "datum", "bedrag", "getal",
        "geheel")}
    assert set(rules) == {col(v) for v in typed}
    assert all(start == 1 for start, _ in rules.values())

    def letter(name: str) -> str:
        return column_letter(LIST_NAMES.index(name))

    # list column: dropdown that allows typing (several values, as the contract splits them)
    assert rules[col("kanalen")][1] == {
        "condition": {"type": "ONE_OF_RANGE", "values": [
            {"userEnteredValue": f"='Keuzelijsten'!${letter('kanaal')}$2:${letter('kanaal')}"}]},
        "inputMessage": f"Kies uit de keuzelijst 'Kanaal'. {LIST_RULE}",
        "strict": False, "showCustomUi": True}
    assert letter("kanaal") == "C"
    # single-value column: strict dropdown
    assert rules[col("kpi")][1] == {
        "condition": {"type": "ONE_OF_RANGE", "values": [
            {"userEnteredValue": f"='Keuzelijsten'!${letter('kpi')}$2:${letter('kpi')}"}]},
        "inputMessage": "Kies een waarde uit de keuzelijst 'KPI'.",
        "strict": True, "showCustomUi": True}
    for f in ACTIES:
        if f.type in ("keuze", "keuzelijst"):
            rule = rules[col(f.veld)][1]
            assert rule["strict"] is (f.type == "keuze")
            assert rule["condition"]["values"][0]["userEnteredValue"] == (
                f"='Keuzelijsten'!${letter(f.keuzelijst)}$2:${letter(f.keuzelijst)}")
    assert rules[col("bibliotheek")][1] == {
        "condition": {"type": "ONE_OF_RANGE",
                      "values": [{"userEnteredValue": "='Bibliotheken'!$A$2:$A"}]},
        "inputMessage": "Kies de bibliotheek uit het tabblad Bibliotheken.",
        "strict": False, "showCustomUi": True}
    assert rules[col("delen")][1] == {
        "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "openbaar"},
                                                        {"userEnteredValue": "netwerk"},
                                                        {"userEnteredValue": "nee"}]},
        "inputMessage": "Kies openbaar, netwerk of nee.", "strict": False, "showCustomUi": True}
    assert rules[col("startdatum")][1] == {
        "condition": {"type": "DATE_IS_VALID"},
        "inputMessage": "Een datum als dag-maand-jaar, bijvoorbeeld 3-2-2024.", "strict": False}
    assert rules[col("budget_eur")][1] == {
        "condition": {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": "0"}]},
        "inputMessage": "Een getal van 0 of meer.", "strict": False}
    libraries = validations(body, 102)
    assert libraries[col("inwoners", LIBS)][1] == {
        "condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "0"}]},
        "inputMessage": "Een getal groter dan 0.", "strict": False}
    assert libraries[col("latitude", LIBS)][1] == {
        "condition": {"type": "NUMBER_BETWEEN", "values": [{"userEnteredValue": "50.7"},
                                                           {"userEnteredValue": "53.7"}]},
        "inputMessage": "Een getal van 50,7 tot en met 53,7.", "strict": False}


def test_date_and_amount_columns_get_formats():
    body = build_init_requests(FIELDS, VOCABS, NEW_SHEET, {"Blad1": []})
    expected = {col(f.veld): (1, {"datum": DATE_FORMAT, "bedrag": AMOUNT_FORMAT,
                                  "geheel": WHOLE_FORMAT}[f.type])
                for f in ACTIES if f.type in ("datum", "bedrag", "geheel")}
    assert number_formats(body, 0) == expected
    assert expected[col("startdatum")] == (1, {"type": "DATE", "pattern": "d-m-yyyy"})
    assert expected[col("budget_eur")] == (1, {"type": "CURRENCY", "pattern": "€ #,##0.00"})


def test_values_write_fills_headers_lists_and_toelichting():
    body = build_init_values(FIELDS, VOCABS, NEW_SHEET, {"Blad1": []})
    assert body["valueInputOption"] == "RAW"
    data = body["data"]
    last = column_letter(len(ACTIES) - 1)
    assert data[0] == {"range": f"'Acties'!A1:{column_letter(len(ACTIES))}1",
                       "majorDimension": "ROWS", "values": [[f.kop for f in ACTIES] + ["Controle"]]}
    assert data[1] == {"range": f"'Bibliotheken'!A1:{column_letter(len(LIBS) - 1)}1",
                       "majorDimension": "ROWS", "values": [[f.kop for f in LIBS]]}
    lists = data[2:2 + len(LIST_NAMES)]
    for i, (name, entry) in enumerate(zip(LIST_NAMES, lists)):
        labels = VOCABS[name].labels
        assert entry == {"range": f"'Keuzelijsten'!{column_letter(i)}1:"
                                  f"{column_letter(i)}{len(labels) + 1}",
                         "majorDimension": "COLUMNS", "values": [[name, *labels]]}
    info = data[-1]
    rows = toelichting_rows(FIELDS, VOCABS)
    assert info == {"range": f"'Toelichting'!A1:{last}{len(rows)}", "majorDimension": "ROWS",
                    "values": rows}
    assert len(data) == 3 + len(LIST_NAMES)
    header, example = rows[-2], rows[-1]
    assert header == [f.kop for f in ACTIES]
    filled = dict(zip([f.veld for f in ACTIES], example))
    assert filled["bibliotheek"] == "Bibliotheek Voorbeeldstad"
    assert filled["doelen"] == VOCABS["doel"].labels[0]
    assert filled["kanalen"] == VOCABS["kanaal"].labels[0]
    assert filled["startdatum"] == "1-3-2024" and filled["actie_id"] == ""
    assert rows[0] == ["Kennisbank Marketing: zo vult u deze sheet in"]
    assert rows[4] == ["3. Kolommen met een keuzemenu gebruiken de keuzelijsten. " + LIST_RULE]
    assert rows[5] == ["4. Schrijf een datum als dag-maand-jaar (3-2-2024) en een bedrag in "
                       "euro's (1.250,50). " + LINK_RULE]
    assert ["Titel", "verplicht", "Korte naam van de actie. (hoogstens 150 tekens)"] in rows
    assert ["ID", "mag leeg blijven", f"{ACTIES[0].beschrijving} (hoogstens 100 tekens)"] in rows


# --------------------------------------------------------------------------- the command


def fast() -> RetryPolicy:
    return RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.01, timeout=(2.0, 2.0))


def run_init(standin, force=False):
    return init_sheet(f"gsheet:{KEY}", force=force, env=standin.env(), policy=fast())


def test_init_on_a_new_spreadsheet_costs_one_batch_update_and_one_values_write(standin):
    book = standin.add_spreadsheet(KEY, "Kennisbank pilot", {"Blad1": []})
    result = run_init(standin)

    assert standin.kinds() == ["metadata", "values.batchGet", "batchUpdate", "values.batchUpdate"]
    assert standin.calls("values.batchGet")[0].query["ranges"] == ["'Blad1'"]
    sent = standin.calls("batchUpdate")[0].body
    assert sent == build_init_requests(FIELDS, VOCABS, NEW_SHEET, {"Blad1": []})
    assert standin.calls("values.batchUpdate")[0].body == build_init_values(
        FIELDS, VOCABS, NEW_SHEET, {"Blad1": []})
    assert result.created == ["Bibliotheken", "Keuzelijsten", "Toelichting"]
    assert result.renamed == ("Blad1", "Acties")
    assert result.headers_added == {"Acties": [f.kop for f in ACTIES],
                                    "Bibliotheken": [f.kop for f in LIBS]}
    assert result.lists_added == LIST_NAMES and result.toelichting_filled
    assert result.requests == len(sent["requests"])

    assert [s.title for s in book.sheets] == ["Acties", "Bibliotheken", "Keuzelijsten",
                                              "Toelichting"]
    acties = book.sheet("Acties")
    assert acties.rows() == [[f.kop for f in ACTIES] + ["Controle"]]
    assert (acties.frozen_rows, acties.column_count) == (1, len(ACTIES) + 1)
    assert len(acties.notes) == len(ACTIES) + 1 and len(acties.protected_ranges) == 1
    assert len(acties.conditional_formats) == len(STATUS_COLOURS)
    assert book.sheet("Keuzelijsten").rows()[0] == LIST_NAMES
    example = toelichting_rows(FIELDS, VOCABS)[-1]
    assert book.sheet("Toelichting").rows()[-1] == [v or None for v in example]


def test_init_twice_adds_nothing_twice(standin):
    book = standin.add_spreadsheet(KEY, "Kennisbank pilot", {"Blad1": []})
    run_init(standin)
    before = copy.deepcopy({s.title: (s.cells, s.notes, s.protected_ranges, s.frozen_rows,
                                      s.column_count, s.conditional_formats)
                            for s in book.sheets})
    standin.requests.clear()
    result = run_init(standin)
    assert standin.kinds() == ["metadata", "values.batchGet", "batchUpdate"]
    assert standin.calls("values.batchGet")[0].query["ranges"] == [
        "'Acties'", "'Bibliotheken'", "'Keuzelijsten'", "'Toelichting'"]
    body = standin.calls("batchUpdate")[0].body
    assert not of_kind(body, "addSheet") and not of_kind(body, "addProtectedRange")
    assert not of_kind(body, "appendDimension") and not of_kind(body, "addConditionalFormatRule")
    assert result.created == [] and result.headers_added == {} and not result.toelichting_filled
    after = {s.title: (s.cells, s.notes, s.protected_ranges, s.frozen_rows, s.column_count,
                       s.conditional_formats) for s in book.sheets}
    assert after == before


def test_init_refuses_a_sheet_with_data_rows(standin):
    standin.add_spreadsheet(KEY, "Pilot", {
        "Acties": [["Bibliotheek", "Titel"], ["Bieb Oost", "Zomerlezen"], [], ["Bieb West", "X"]],
        "Bibliotheken": [["Naam", "Provincie"], ["Bieb Oost", "Gelderland"]],
    })
    with pytest.raises(SourceError) as err:
        run_init(standin)
    assert str(err.value) == (
        "De Google Sheet 'Pilot' heeft al gegevens (2 rijen in Acties, 1 rij in Bibliotheken). "
        "'kennisbank sheet init' richt een nieuwe of lege sheet in; gebruik --force om koppen, "
        "keuzelijsten en opmaak toe te voegen zonder rijen te wissen.")
    assert standin.kinds() == ["metadata", "values.batchGet"]


def test_force_keeps_every_row_and_adds_only_what_is_missing(standin):
    acties_rows = [
        ["Marketingacties 2024"],
        ["Titel", "Bibliotheek", "Startdatum", "Doelen", "Opmerkingen"],
        ["Zomerlezen", "Bieb Oost", 45444, "Leesbevordering", "loopt goed"],
        ["Boekstart", "Bieb West", "maart 2024"],
    ]
    book = standin.add_spreadsheet(KEY, "Pilot", {
        "Acties": acties_rows,
        "Bibliotheken": [["Naam", "Provincie"], ["Bieb Oost", "Gelderland"]],
        "Keuzelijsten": [["kanaal"], ["Instagram"], ["Eigen app"]],
        "Toelichting": [["Onze eigen uitleg"]],
    })
    before = copy.deepcopy({s.title: s.cells for s in book.sheets})
    result = run_init(standin, force=True)

    for sheet in book.sheets:  # no existing cell changed or vanished
        old = before[sheet.title]
        assert {k: sheet.cells[k] for k in old} == old
    acties = book.sheet("Acties")
    mapped = {"titel": 0, "bibliotheek": 1, "startdatum": 2, "doelen": 3}
    missing = [f for f in ACTIES if f.veld not in mapped]
    assert acties.rows()[1] == ["Titel", "Bibliotheek", "Startdatum", "Doelen", "Opmerkingen",
                                *[f.kop for f in missing], "Controle"]
    assert [r for r in acties.rows()[2:]] == [
        ["Zomerlezen", "Bieb Oost", 45444, "Leesbevordering", "loopt goed"],
        ["Boekstart", "Bieb West", "maart 2024"]]
    assert result.headers_added == {"Acties": [f.kop for f in missing],
                                    "Bibliotheken": [f.kop for f in LIBS[2:]]}
    assert acties.frozen_rows == 2
    assert acties.protected_ranges[0]["range"] == {"sheetId": 0, "startRowIndex": 1,
                                                   "endRowIndex": 2}
    assert acties.notes[(1, 0)].startswith(ACTIES[col("titel")].beschrijving)
    body = standin.calls("batchUpdate")[0].body
    rules = validations(body, 0)
    assert rules[3][0] == 2  # from the first data row under the header on row 2
    # Keuzelijsten: the coordinator's kanaal column stays; the missing lists follow it.
    lists = book.sheet("Keuzelijsten")
    assert [row[0] for row in lists.rows()[:3]] == ["kanaal", "Instagram", "Eigen app"]
    assert lists.rows()[0] == ["kanaal"] + [n for n in LIST_NAMES if n != "kanaal"]
    assert result.lists_added == [n for n in LIST_NAMES if n != "kanaal"]
    assert rules[3][1]["condition"]["values"][0]["userEnteredValue"] == "='Keuzelijsten'!$B$2:$B"
    kanalen = 5 + [f.veld for f in missing].index("kanalen")
    assert rules[kanalen] == (2, validations(body, 0)[kanalen][1])
    assert rules[kanalen][1]["condition"]["values"][0]["userEnteredValue"] == (
        "='Keuzelijsten'!$A$2:$A")
    assert book.sheet("Toelichting").rows() == [["Onze eigen uitleg"]]
    assert not result.toelichting_filled
    assert acties.column_count == 5 + len(missing) + 1


def test_content_without_a_header_row_is_refused_even_with_force(standin):
    standin.add_spreadsheet(KEY, "Rommel", {"Acties": [["zomaar wat"], ["tekst"]]})
    with pytest.raises(SourceError) as err:
        run_init(standin, force=True)
    assert str(err.value) == (
        "Het tabblad 'Acties' heeft inhoud maar geen herkenbare kopregel; de kennisbank kan de "
        "koppen niet veilig toevoegen. Zet de koppen uit de Toelichting in één rij boven de "
        "gegevens, of begin met een leeg tabblad.")
    assert standin.kinds() == ["metadata", "values.batchGet"]


def test_init_on_an_unknown_sheet(standin):
    with pytest.raises(SourceError) as err:
        run_init(standin)
    assert str(err.value) == (
        f"Google Sheet niet gevonden: er is geen spreadsheet met sleutel '{KEY}'. "
        "Controleer de link (het deel tussen /d/ en /edit).")
