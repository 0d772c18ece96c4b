"""The contract drives the code: a change in schemas/fields.yml alone changes validation, the
sheet's header notes, the guide and the catalogue. Each changed contract runs in a fresh process
pointed at a changed copy of schemas/ (KENNISBANK_SCHEMAS), as a real run after the edit would."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from helpers import KLEIN_DIR, ROOT, TODAY

TESTS = Path(__file__).resolve().parent
NEW_SHEET = [{"properties": {"sheetId": 0, "title": "Blad1", "index": 0, "sheetType": "GRID",
                             "gridProperties": {"rowCount": 1000, "columnCount": 26}}}]


def probe() -> dict:
    """What validation, the sheet's Titel note and the guide's Titel row say now."""
    from helpers import good_action, snapshot_of
    from pipeline.contract import guide
    from pipeline.contract.config import load_fields, load_vocabularies
    from pipeline.contract.process import process
    from pipeline.sources.sheet_init import build_init_requests

    outcome = process(snapshot_of([good_action(titel="T" * 41),
                                   good_action(titel="T" * 40, startdatum="3-10-2024")]), TODAY)
    f = outcome.findings
    too_long = f[f["code"].str.endswith("te_lang")]
    fields = load_fields()
    body = build_init_requests(fields, load_vocabularies(), NEW_SHEET, {"Blad1": []})
    column = [x.veld for x in fields["Acties"]].index("titel")
    note = next(r["updateCells"]["rows"][0]["values"][0]["note"] for r in body["requests"]
                if "updateCells" in r and r["updateCells"]["start"]["sheetId"] == 0
                and r["updateCells"]["start"]["columnIndex"] == column)
    return {
        "findings": too_long[["rij", "veld", "ernst", "code", "bericht"]].values.tolist(),
        "outcome": {str(r): u for r, u in zip(outcome.actions["rij"], outcome.actions["uitkomst"])},
        "note": note.splitlines()[2],
        "guide": next(line for line in guide.fields_block().splitlines()
                      if line.startswith("| **Titel** |")),
    }


def changed_schemas(tmp_path: Path, change) -> Path:
    """A copy of schemas/ whose fields.yml went through ``change`` (a function on its data)."""
    copy = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", copy)
    path = copy / "fields.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return copy


def run_with(schemas: Path, code: str) -> str:
    """Python code in a fresh process that reads the contract from ``schemas``."""
    env = {**os.environ, "KENNISBANK_SCHEMAS": str(schemas)}
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.path[:0] = [{str(TESTS)!r}]\n"
                           + code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def field(data: dict, tab: str, veld: str) -> dict:
    return next(f for f in data[tab] if f["veld"] == veld)


def test_the_titles_maximum_length_lives_in_fields_yml_only(tmp_path):
    assert probe() == {
        "findings": [],
        "outcome": {"2": "gepubliceerd", "3": "gepubliceerd"},
        "note": "Invullen: hoogstens 150 tekens.",
        "guide": "| **Titel** | **verplicht** | Korte naam van de actie. (hoogstens 150 tekens) "
                 "| `Kinderboekenweek 2025: voorleesfeest` |",
    }

    def shorter(data):
        field(data, "Acties", "titel")["max_lengte"] = 40

    schemas = changed_schemas(tmp_path, shorter)
    found = json.loads(run_with(schemas, "import json, test_contract\n"
                                          "print(json.dumps(test_contract.probe()))"))
    assert found == {
        "findings": [[2, "titel", "fout", "titel_te_lang",
                      "De titel is 41 tekens lang; het maximum is 40."]],
        "outcome": {"2": "afgekeurd", "3": "gepubliceerd"},
        "note": "Invullen: hoogstens 40 tekens.",
        "guide": "| **Titel** | **verplicht** | Korte naam van de actie. (hoogstens 40 tekens) "
                 "| `Kinderboekenweek 2025: voorleesfeest` |",
    }


def test_a_new_field_in_fields_yml_is_read_validated_and_published(tmp_path):
    def with_evaluation(data):
        data["Acties"].append({
            "veld": "evaluatie", "kop": "Evaluatie", "aliassen": ["nabespreking"],
            "type": "tekst", "max_lengte": 20, "niveau": "optioneel",
            "beschrijving": "Wat de bibliotheek achteraf van de actie vond.",
        })

    schemas = changed_schemas(tmp_path, with_evaluation)
    source = tmp_path / "bron"
    shutil.copytree(KLEIN_DIR, source)
    acties = source / "Acties.csv"
    with open(acties, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    rows[1].append("Nabespreking")  # the header, under one of its aliases
    for row, text in zip(rows[2:], ["Goed ontvangen", "Veel te lang voor dit veld"]):
        row.append(text)
    with open(acties, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    out = tmp_path / "uit"
    run_with(schemas, "from datetime import date\nfrom pipeline.app import build\n"
                      f"build({str(source)!r}, __import__('pathlib').Path({str(out)!r}), "
                      f"date({TODAY.year}, {TODAY.month}, {TODAY.day}))")

    db = sqlite3.connect(out / "kennisbank.db")
    columns = [r[1] for r in db.execute("pragma table_info(acties)")]
    assert "evaluatie" in columns
    assert db.execute("select rij, evaluatie from acties where evaluatie is not null"
                      ).fetchall() == [(3, "Goed ontvangen")]
    history = sqlite3.connect(out / "beheer.db")
    codes = {r[0]: r[1] for r in history.execute(
        "select code, bericht from meldingen where veld = 'evaluatie'")}
    assert codes == {"te_lang": "'Evaluatie' is 26 tekens lang; het maximum is 20."}
