"""The Excel template (`kennisbank sheet template`, pipeline/sources/template.py): checked with
openpyxl against schemas/, opened and saved by LibreOffice as a library would, and read back by
the build: the example row is never published."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from helpers import LIBRARY_HEADERS, agreed, convert_with_libreoffice
from pipeline.app import check
from pipeline.cli import main
from pipeline.contract.config import load_fields, load_vocabularies
from pipeline.contract.row_status import STATUS_COLOURS
from pipeline.sources.fetch import read_source
from pipeline.sources.sheet_init import header_note, list_note, toelichting_rows

FIELDS, VOCABS = load_fields(), load_vocabularies()
ACTIES = FIELDS["Acties"]
LIBRARY = "Bibliotheek Duinstreek"


def template(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "sjabloon.xlsx"
    result = CliRunner().invoke(main, ["sheet", "template", "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    assert result.output == f"Sjabloon geschreven: {out}\n"
    return out


def codes(source: Path) -> list[tuple[str, str, int]]:
    outcome = check(str(source))
    return [(f["code"], f["tabblad"], f["rij"]) for f in outcome.findings.to_dict("records")]


def col(veld: str) -> int:
    return next(i for i, f in enumerate(ACTIES, start=1) if f.veld == veld)


def test_the_template_follows_the_contract(tmp_path):
    wb = load_workbook(template(tmp_path))
    assert wb.sheetnames == ["Acties", "Bibliotheken", "Keuzelijsten", "Toelichting"]
    ws = wb["Acties"]
    assert [c.value for c in ws[1]] == [f.kop for f in ACTIES] + ["Controle"]
    for i, f in enumerate(ACTIES, start=1):
        assert ws.cell(row=1, column=i).comment.text == header_note(f, VOCABS)
    libs = wb["Bibliotheken"]
    assert [c.value for c in libs[1]] == LIBRARY_HEADERS
    lists = wb["Keuzelijsten"]
    assert [c.value for c in lists[1]] == list(VOCABS)
    for i, (name, vocab) in enumerate(VOCABS.items(), start=1):
        assert [lists.cell(row=r, column=i).value for r in range(2, len(vocab.labels) + 2)] == \
            vocab.labels
        assert lists.cell(row=1, column=i).comment.text == list_note(name, vocab, FIELDS)
    assert [[c.value for c in row] for row in wb["Toelichting"].iter_rows()] == [
        [v or None for v in row] + [None] * (len(ACTIES) - len(row))
        for row in toelichting_rows(FIELDS, VOCABS)]  # an empty string: an empty cell

    # A dropdown on every single-choice vocabulary and on every field with fixed values.
    found = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    letters = {name: chr(ord("A") + i) for i, name in enumerate(VOCABS)}
    expected = {}
    for i, f in enumerate(ACTIES, start=1):
        letter = ws.cell(row=3, column=i).column_letter
        if f.type == "keuze":
            size = len(VOCABS[f.keuzelijst].labels)
            expected[f"{letter}3:{letter}502"] = (
                f"'Keuzelijsten'!${letters[f.keuzelijst]}$2:${letters[f.keuzelijst]}${size + 1}")
        elif f.waarden:
            expected[f"{letter}3:{letter}502"] = '"' + ",".join(f.waarden) + '"'
    assert found == expected and len(expected) >= 5

    # Date and amount formats on the data rows; the example row as Excel holds it.
    for veld, fmt in (("startdatum", "d-m-yyyy"), ("einddatum", "d-m-yyyy"),
                      ("budget_eur", "€ #,##0.00")):
        assert ws.cell(row=3, column=col(veld)).number_format == fmt
        assert ws.cell(row=502, column=col(veld)).number_format == fmt
    assert ws.cell(row=2, column=col("actie_id")).value == "VOORBEELD"
    assert ws.cell(row=2, column=col("titel")).value == "Voorbeeld: ledenactie voor jonge ouders"
    assert ws.cell(row=2, column=col("startdatum")).value == datetime(2024, 3, 1)
    assert ws.cell(row=2, column=col("budget_eur")).value == 1250.5

    # The Controle column and the row's first cell coloured per status.
    [(ranges, rules)] = [(str(cf.sqref), cf.rules) for cf in ws.conditional_formatting]
    assert ranges == "A2:A502 AI2:AI502"
    assert [(r.formula, r.dxf.fill.bgColor.rgb) for r in rules] == [
        ([f'LEFT($AI2,{len(prefix)})="{prefix}"'], "00" + colour)
        for prefix, colour in STATUS_COLOURS]
    assert not ws.protection.sheet


def test_a_library_template_has_its_name_filled_in_and_locked(tmp_path):
    ws = load_workbook(template(tmp_path, "--bibliotheek", LIBRARY))["Acties"]
    column = ws.cell(row=1, column=col("bibliotheek")).column_letter
    assert {ws[f"{column}{r}"].value for r in range(3, 503)} == {LIBRARY}
    assert ws.protection.sheet
    assert ws[f"{column}3"].protection.locked and ws[f"{column}502"].protection.locked
    assert not ws["A3"].protection.locked and not ws["AI502"].protection.locked
    assert not ws.protection.insertRows  # inserting rows stays allowed
    [name_list] = [dv for dv in ws.data_validations.dataValidation
                   if str(dv.sqref) == f"{column}3:{column}502"]
    assert name_list.formula1 == f'"{LIBRARY}"'
    # Rows with only the library's name filled in are no actions: the build sees none.
    assert codes(tmp_path / "sjabloon.xlsx") == [("geen_acties", "Acties", 1)]


def test_the_empty_template_builds_with_only_the_no_actions_finding(tmp_path):
    assert codes(template(tmp_path)) == [("geen_acties", "Acties", 1)]


def test_libreoffice_saves_it_as_ods_and_back_and_the_build_reads_both(tmp_path):
    xlsx = template(tmp_path)
    ods = convert_with_libreoffice(xlsx, "ods", tmp_path / "ods")
    back = convert_with_libreoffice(ods, "xlsx", tmp_path / "terug")
    for path in (ods, back):
        assert codes(path) == [("geen_acties", "Acties", 1)]
    assert [c.value for c in load_workbook(back)["Acties"][1]] == \
        [f.kop for f in ACTIES] + ["Controle"]


@pytest.mark.parametrize("via_libreoffice", [False, True])
def test_a_filled_template_publishes_the_action_and_never_the_example(tmp_path, via_libreoffice):
    path = template(tmp_path, "--bibliotheek", LIBRARY)
    wb = load_workbook(path)
    ws = wb["Acties"]
    for veld, value in {"titel": "Strandlezen in de zomer", "omschrijving": "Voorlezen op het strand.",
                        "doelen": "Leesbevordering", "doelgroepen": "Kinderen (4-12)",
                        "kanalen": "Facebook", "startdatum": datetime(2025, 7, 1),
                        "einddatum": datetime(2025, 8, 31), "budget_eur": 750,
                        "delen": "openbaar"}.items():
        ws.cell(row=3, column=col(veld), value=value)
    libs = wb["Bibliotheken"]
    for i, value in enumerate(agreed([LIBRARY, "Noord-Holland", "Castricum",
                                      "https://www.duinstreek.bieb-voorbeeld.nl", None, None,
                                      None, None]), start=1):
        libs.cell(row=2, column=i, value=value)
    wb.save(path)
    if via_libreoffice:
        path = convert_with_libreoffice(path, "ods", tmp_path / "ods")
    outcome = check(str(path))
    published = outcome.actions[outcome.actions["uitkomst"] == "gepubliceerd"]
    assert list(published["titel"]) == ["Strandlezen in de zomer"]
    assert list(published["startdatum"]) == ["2025-07-01"]
    assert len(outcome.actions) == 1  # the example row was never read as an action
    assert not any(f["ernst"] == "fout" for f in outcome.findings.to_dict("records"))
    assert read_source(str(path)).tab("Acties").values[1][col("actie_id") - 1] == "VOORBEELD"


def test_a_row_with_only_its_library_or_a_stale_status_is_no_action():
    from helpers import ACTION_HEADERS, LIBRARIES, good_action, snapshot_of
    from pipeline.contract.process import process

    def only(veld, value):
        row = [None] * len(ACTION_HEADERS)
        row[col(veld) - 1] = value
        return row

    headers = ACTION_HEADERS + ["Controle"]
    rows = [good_action() + ["OK (gecontroleerd 2026-12-01T02:00:00Z)"],
            only("bibliotheek", "Bibliotheek Duinstreek"),
            [None] * len(ACTION_HEADERS) + ["Afgekeurd: Titel is leeg (gecontroleerd 2026-12-01)"],
            good_action(titel="Tweede actie", bibliotheek=None)]
    snapshot = snapshot_of([], LIBRARIES)
    snapshot.tabs[0].values[:] = [headers, *rows]
    outcome = process(snapshot, datetime(2026, 12, 2).date())
    assert list(outcome.actions["rij"]) == [2, 5]
    assert list(outcome.actions["uitkomst"]) == ["gepubliceerd", "afgekeurd"]


# ------------------------------------------------------------------ a folder of workbooks

VEENWEIDE = "Bibliotheek Veenweide"


def filled(path: Path, library: str, row: list, actions: list[dict]) -> Path:
    """A library's template with its Bibliotheken row and its actions from row 3 on."""
    CliRunner().invoke(main, ["sheet", "template", "--out", str(path), "--bibliotheek", library])
    wb = load_workbook(path)
    for i, value in enumerate(agreed(row), start=1):
        wb["Bibliotheken"].cell(row=2, column=i, value=value)
    for r, values in enumerate(actions, start=3):
        for veld, value in values.items():
            wb["Acties"].cell(row=r, column=col(veld), value=value)
    wb.save(path)
    return path


def action(titel: str, **extra) -> dict:
    return {"titel": titel, "omschrijving": "Een actie.", "doelen": "Leesbevordering",
            "doelgroepen": "Kinderen (4-12)", "kanalen": "Facebook",
            "startdatum": datetime(2025, 7, 1), "einddatum": datetime(2025, 8, 31),
            "budget_eur": 750, "uren": 10, "delen": "openbaar", **extra}


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "teams-map"
    folder.mkdir()
    filled(folder / "duinstreek.xlsx", LIBRARY,
           [LIBRARY, "Noord-Holland", "Castricum", "https://www.duinstreek.bieb-voorbeeld.nl",
            None, None, None, None], [action("Strandlezen"), action("Duinwandeling")])
    filled(folder / "veenweide.xlsx", VEENWEIDE,
           [VEENWEIDE, "Zuid-Holland", "Alphen aan den Rijn",
            "https://www.veenweide.bieb-voorbeeld.nl", None, None, None, None],
           [action("Polderquiz"), action("Lezen in de molen", startdatum="ergens in maart")])
    (folder / "~$veenweide.xlsx").write_bytes(b"lock file of Excel")  # never read
    return folder


def test_a_folder_of_library_workbooks_builds_one_catalogue(folder, tmp_path):
    from pipeline.app import build

    result = CliRunner().invoke(main, ["check", "--source", str(folder)])
    assert result.exit_code == 1  # one row rejected
    assert [line for line in result.output.splitlines() if line.startswith("[fout]")] == [
        "[fout] veenweide.xlsx, Acties, rij 4, Startdatum: 'ergens in maart' in 'Startdatum' is "
        "geen leesbare datum."]
    built = build(str(folder), tmp_path / "uit", date(2026, 11, 28))
    counts = built.outcome.counts
    assert (counts["rijen_gelezen"], counts["gepubliceerd"], counts["afgekeurd"],
            counts["bibliotheken"], counts["bibliotheken_met_acties"]) == (4, 3, 1, 2, 2)
    assert sorted(built.outcome.actions["titel"]) == [
        "Duinwandeling", "Lezen in de molen", "Polderquiz", "Strandlezen"]
    from pipeline.reports.render import write_reports

    reports = write_reports(tmp_path / "uit")
    veenweide = next(lib for lib in reports.libraries if lib.naam == VEENWEIDE)
    assert "in uw bestand veenweide.xlsx." in veenweide.text
    assert "veenweide.xlsx, Rij 4: Lezen in de molen [Afgekeurd: niet gepubliceerd]" in veenweide.text
    assert "1. veenweide.xlsx, rij 4 - Lezen in de molen: afgekeurd" in veenweide.text


def test_a_damaged_workbook_stops_the_run_and_names_the_file(folder, tmp_path):
    from pipeline.app import build
    from pipeline.errors import SourceError

    out = tmp_path / "uit"
    build(str(folder), out, date(2026, 11, 28))
    before = (out / "kennisbank.db").read_bytes()
    (folder / "kapot.xlsx").write_bytes(b"PK\x03\x04 dit is geen werkmap")
    with pytest.raises(SourceError) as error:
        build(str(folder), out, date(2026, 11, 29))
    assert str(error.value).startswith(
        f"Het bestand 'kapot.xlsx' in de map '{folder}' kan niet worden gelezen: 'kapot.xlsx' "
        "is geen leesbaar Excel-bestand")
    assert str(error.value).endswith("Er is niets gepubliceerd of gewijzigd; herstel of "
                                     "verwijder het bestand en probeer het opnieuw.")
    assert (out / "kennisbank.db").read_bytes() == before
