"""The embedded sample workbook: regenerated exactly, fictional, and covering the contract."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import yaml

from tools.sample.data import INACTIVE_LIBRARIES
from tools.sample.workbook import write_sample_workbook

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "pipeline" / "data" / "voorbeeld-kennisbank.xlsx"
SCHEMAS = ROOT / "schemas"
NL_LATITUDE = (50.75, 53.56)
NL_LONGITUDE = (3.35, 7.23)
INVISIBLE = "\u00a0\u200b\ufeff "


def load(name: str):
    return yaml.safe_load((SCHEMAS / name).read_text(encoding="utf-8"))


FIELDS = load("fields.yml")
VOCABULARIES = load("vocabularies.yml")
ACTION_HEADERS = [f["kop"] for f in FIELDS["Acties"]]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    path = tmp_path_factory.mktemp("voorbeeld") / "voorbeeld-kennisbank.xlsx"
    lines = write_sample_workbook(path)
    return path, lines


@pytest.fixture(scope="module")
def workbook():
    return openpyxl.load_workbook(COMMITTED)


@pytest.fixture(scope="module")
def actions(workbook):
    """The Acties rows below the header (row 3) as dicts by header, with their sheet row."""
    ws = workbook["Acties"]
    headers = [c.value for c in ws[3]]
    rows = []
    for number, values in enumerate(ws.iter_rows(min_row=4, values_only=True), start=4):
        if any(v is not None and str(v).strip(INVISIBLE) for v in values):
            rows.append({"rij": number, **dict(zip(headers, values))})
    return rows


def all_cells(path: Path) -> dict[str, list[list[tuple]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]
            for ws in wb.worksheets}


def tokens(cell) -> list[str]:
    if cell is None:
        return []
    return [t.strip(INVISIBLE).casefold() for t in re.split(r"[,;\n]", str(cell))
            if t.strip(INVISIBLE)]


def start_year(value) -> int | None:
    if isinstance(value, (date, datetime)):
        return value.year
    if isinstance(value, (int, float)):
        return (date(1899, 12, 30) + timedelta(days=int(value))).year
    years = re.findall(r"\b(?:19|20)\d\d\b", str(value or ""))
    return int(years[-1]) if years else None


def test_regenerated_workbook_equals_the_committed_one(regenerated):
    path, _ = regenerated
    fresh, committed = all_cells(path), all_cells(COMMITTED)
    assert list(fresh) == list(committed) == ["Toelichting", "Acties", "Bibliotheken",
                                              "Keuzelijsten"]
    for title in committed:
        assert fresh[title] == committed[title], title


def test_generation_is_byte_for_byte_repeatable(regenerated, tmp_path):
    path, _ = regenerated
    again = tmp_path / "again.xlsx"
    write_sample_workbook(again)
    assert again.read_bytes() == path.read_bytes()


def test_toelichting_says_all_data_is_fictional(workbook):
    texts = [str(v) for row in workbook["Toelichting"].iter_rows(values_only=True)
             for v in row if v]
    assert any("Fictieve voorbeelddata" in t for t in texts)
    assert "fictief" in workbook["Acties"]["A1"].value
    for header in ACTION_HEADERS:  # one instruction line per Acties column
        assert header in texts


def test_libraries_are_many_and_inside_the_netherlands(workbook):
    ws = workbook["Bibliotheken"]
    headers = [c.value for c in ws[1]]
    assert headers == [f["kop"] for f in FIELDS["Bibliotheken"]]
    rows = [dict(zip(headers, r)) for r in ws.iter_rows(min_row=2, values_only=True) if any(r)]
    assert len(rows) >= 24
    assert len({r["Naam"] for r in rows}) == len(rows)
    for row in rows:
        assert NL_LATITUDE[0] < row["Breedtegraad"] < NL_LATITUDE[1], row["Naam"]
        assert NL_LONGITUDE[0] < row["Lengtegraad"] < NL_LONGITUDE[1], row["Naam"]
        assert row["Provincie"] in ("Noord-Holland", "Zuid-Holland", "Utrecht")
        assert row["Website"].startswith("https://")
        assert row["E-mail marketing"].endswith("bieb-voorbeeld.nl")


def test_two_libraries_have_no_actions_yet(workbook, actions):
    names = {r[0] for r in workbook["Bibliotheken"].iter_rows(min_row=2, values_only=True)}
    used = {a["Bibliotheek"] for a in actions}
    assert names - used == set(INACTIVE_LIBRARIES)


def test_acties_header_is_on_row_three_with_one_extra_column(workbook):
    ws = workbook["Acties"]
    assert ws["A1"].value and ws["A2"].value and ws["B1"].value is None
    assert [c.value for c in ws[3]] == [*ACTION_HEADERS, "Interne notitie"]


def test_enough_action_rows_starting_2022_to_2026(actions):
    assert len(actions) >= 160
    in_range = [a for a in actions if (start_year(a["Startdatum"]) or 0) in range(2022, 2027)]
    assert len(in_range) >= 150


def test_every_vocabulary_label_is_typed_in_its_column(actions):
    for field in FIELDS["Acties"]:
        if not field.get("keuzelijst"):
            continue
        typed = {t for a in actions for t in tokens(a[field["kop"]])}
        for value in VOCABULARIES[field["keuzelijst"]]["waarden"]:
            assert value["label"].casefold() in typed, (field["kop"], value["label"])


def test_keuzelijsten_lists_the_vocabularies_plus_podcast(workbook, actions):
    ws = workbook["Keuzelijsten"]
    columns = list(ws.iter_cols(values_only=True))
    assert [c[0] for c in columns] == list(VOCABULARIES)
    for column in columns:
        labels = [v["label"] for v in VOCABULARIES[column[0]]["waarden"]]
        extra = ["Podcast"] if column[0] == "kanaal" else []
        assert [v for v in column[1:] if v is not None] == labels + extra
    podcast_rows = [a for a in actions if "podcast" in tokens(a["Kanalen"])]
    assert 2 <= len(podcast_rows) <= 3


def test_personal_data_only_in_personal_columns(workbook, actions):
    private = ("Contactpersoon", "E-mail contactpersoon")
    secrets = {str(a[k]) for a in actions for k in private if a[k]}
    secrets |= {r[6] for r in workbook["Bibliotheken"].iter_rows(min_row=2, values_only=True)}
    assert len(secrets) > 40
    texts = [str(v) for a in actions for k, v in a.items() if k not in private and v]
    texts += [str(v) for row in workbook["Toelichting"].iter_rows(values_only=True)
              for v in row if v]
    for secret in secrets:
        assert not any(secret in text for text in texts), secret


def test_delen_is_mostly_openbaar_with_every_level_and_empty_cells(actions):
    delen = Counter(None if a["Delen"] is None else str(a["Delen"]).casefold()
                    for a in actions)
    assert delen["openbaar"] > 3 * len(actions) / 4
    # old yes-values (openbaar), netwerk and its aliases, and empty cells (netwerk)
    assert {k: delen[k] for k in ("ja", "j", "x", "yes", "publiek")} == {
        "ja": 8, "j": 2, "x": 2, "yes": 1, "publiek": 1}
    assert {k: delen[k] for k in ("netwerk", "alleen netwerk", "collega's", "intern", None)} == {
        "netwerk": 5, "alleen netwerk": 2, "collega's": 1, "intern": 1, None: 4}
    assert sum(delen[d] for d in ("nee", "n", "no")) == 5


def test_libraries_at_each_stage_of_the_agreement(workbook):
    ws = workbook["Bibliotheken"]
    headers = [c.value for c in ws[1]]
    assert headers[-3:] == ["Akkoord voorwaarden", "Akkoord door",
                            "Openbaar contactadres"]
    stages = Counter(row[-3].date().isoformat() if row[-3] else None
                     for row in ws.iter_rows(min_row=2, values_only=True))
    # agreed to the current terms (schemas/voorwaarden.yml: 2026-11-01), to an older
    # version, or not yet (one active library, one without actions)
    assert stages == {"2026-11-12": 27, "2025-06-02": 1, None: 2}
    waiting = [row[0] for row in ws.iter_rows(min_row=2, values_only=True) if not row[-3]]
    assert waiting == ["Bibliotheek Sleutelstad-Oost", "Bibliotheek Lekdijk"]


def test_manifest_names_at_least_sixteen_defect_rows(regenerated):
    _, lines = regenerated
    defect_rows = {row for row, kind, _ in lines if kind == "defect"}
    assert len(defect_rows) >= 16
    assert sum(1 for _, kind, _ in lines if kind == "leeg") == 6
