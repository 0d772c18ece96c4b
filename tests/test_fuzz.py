"""Fuzzed sheets (hypothesis): arbitrary text in any cell (unicode, control characters, 50,000
characters, numbers as text, cell errors, formulas, NaN, huge numbers), shuffled, renamed,
duplicated and unknown headers, rows of different lengths, empty tabs, damaged files.

The pipeline never crashes: a run either completes or ends in a KennisbankError (a Dutch
message, exit 2 in the CLI). When it completes, every non-blank row ends in exactly one of
published, rejected or withheld; every rejected row has an error finding naming its row; the
catalogue holds exactly the published rows and opens in Datasette.

`make test` runs a small, fixed (derandomised) set of examples; `make fuzz` sets
HYPOTHESIS_PROFILE=fuzz for a long random run."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import random
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from helpers import LIBRARIES, TODAY, good_action
from pipeline.app import build, check
from pipeline.catalogue.serve import make_datasette
from pipeline.catalogue.site import card_url
from pipeline.contract import cells
from pipeline.contract.config import load_fields, load_vocabularies
from pipeline.contract.process import OUTCOMES, PUBLISHED, REJECTED, SHARED, WAITING
from pipeline.errors import KennisbankError
from pipeline.sources.snapshot import Snapshot, Tab

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
ACTION_FIELDS = load_fields()["Acties"]
LIBRARY_FIELDS = load_fields()["Bibliotheken"]
LIBRARY_NAMES = [row[0] for row in LIBRARIES[1:]]
VOCABULARY_LABELS = sorted({label for v in load_vocabularies().values() for label in v.labels})


def examples(fast: int, long: int):
    """Few fixed examples in `make test`; many random ones in `make fuzz`."""
    phases = list(Phase) if FUZZ else [Phase.explicit, Phase.generate]  # no slow shrinking
    return settings(max_examples=long if FUZZ else fast, deadline=None, derandomize=not FUZZ,
                    database=None if not FUZZ else settings.default.database, phases=phases,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example,
                                           HealthCheck.filter_too_much])


# ------------------------------------------------------------------------ cells

LONG_TEXT = st.builds(lambda piece, n: (piece * n)[:n], st.sampled_from(
    ["x", "é", "<b>", "\n", "ab ", "€", "\u200b", "'"]), st.integers(40_000, 50_000))
CONTROL_TEXT = st.text(alphabet=st.characters(max_codepoint=0x1F) | st.sampled_from(
    list("\u200b\u00a0\ufeff\u2028\u202e\u00ad'\"<>& \t")), max_size=12)
FORMULAS = st.sampled_from([
    "=1+1", "=SUM(A1:A9)", '=HYPERLINK("javascript:alert(1)";"klik")', "+31 6 1234 5678", "-",
    "@bibliotheek", "=", "'=1+1", "\t=1", " =cmd|' /C calc'!A0", "＝1+1"])
NUMBERS_AS_TEXT = st.sampled_from([
    "€ 1.250,50", "1,250", "1.250", "ca. 200", "-3", "1e5", "n.v.t.", "9" * 400, "12,5", "0",
    "-0", "00012", "1.000.000.000.000.000", "EUR 300,-", "± 40", "NaN", "inf", "-1,5"])
DATES_AS_TEXT = st.sampled_from([
    "3-2-2024", "31-2-2024", "februari 2024", "1-1-1900", "2024-13-01", "45000", "3 feb. 2024",
    "0-0-0000", "31-12-9999", "2024-02-30", "1-1-89", "99999999", "5/2024", "1"])
CELL_ERRORS = st.sampled_from(sorted(cells.CELL_ERRORS) + ["#n/b", "#VERW!"])
KNOWN_VALUES = st.sampled_from(LIBRARY_NAMES + VOCABULARY_LABELS + ["ja", "nee", "x", "?"])

NASTY = st.one_of(
    st.none(), st.text(max_size=30), CONTROL_TEXT, LONG_TEXT, CELL_ERRORS, FORMULAS,
    NUMBERS_AS_TEXT, DATES_AS_TEXT, KNOWN_VALUES, st.booleans(),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
)
BLANK_ROWS = st.sampled_from([[], [None], ["", "  "], ["\u200b", None, "\u00a0"], [float("nan")]])


# ------------------------------------------------------------------------ tabs

@st.composite
def header(draw, f) -> str | None:
    """The field's header as a contributor might type it; None drops the column."""
    how = draw(st.sampled_from(["kop"] * 5 + ["alias", "upper", "spaces", "drop"]))
    if how == "drop" and (not f.required or draw(st.integers(0, 9)) == 0):
        return None
    if how == "alias" and f.aliassen:
        return draw(st.sampled_from(f.aliassen))
    if how == "upper":
        return f.kop.upper()
    if how == "spaces":
        return f"\u00a0 {f.kop}  "
    return f.kop


@st.composite
def columns(draw, fields) -> list[tuple[str | None, str | None]]:
    """(header text, field) per column: renamed, dropped, duplicated, unknown and shuffled."""
    found = [(h, f.veld) for f in fields if (h := draw(header(f))) is not None]
    for _ in range(draw(st.integers(0, 2))):  # a header typed twice
        if found:
            found.append(draw(st.sampled_from(found)))
    for _ in range(draw(st.integers(0, 2))):  # unknown or blank headers
        found.append((draw(st.one_of(st.text(max_size=15), st.none(), CONTROL_TEXT)), None))
    order = draw(st.permutations(range(len(found))))
    return [found[i] for i in order]


def by_field(row: list, fields) -> dict[str, object]:
    return {f.veld: value for f, value in zip(fields, row)}


@st.composite
def data_row(draw, cols, base: dict[str, object]) -> list:
    """A row in the columns' order: the base values, some replaced by nasty cells, cut short or
    made longer than the header."""
    row = [base.get(field) if field else draw(NASTY) for _, field in cols]
    for _ in range(draw(st.integers(0, 4))):
        if row:
            row[draw(st.integers(0, len(row) - 1))] = draw(NASTY)
    length = draw(st.integers(0, len(row) + 3))
    return (row + [draw(NASTY) for _ in range(length - len(row))])[:length]


def base_action(draw) -> dict[str, object]:
    values = dict(
        bibliotheek=draw(st.sampled_from(LIBRARY_NAMES + ["Bibliotheek Nergens"])),
        titel=draw(st.sampled_from(["Kinderboekenweek", "Zomerlezen", "<script>alert(1)</script>",
                                    "Actie"])) + f" {draw(st.integers(0, 5))}",
        delen=draw(st.sampled_from([None, None, "ja", "nee", "misschien"])),
        actie_id=draw(st.sampled_from([None, None, None, "A-1", "A-2", 7])),
    )
    return by_field(good_action(**values), ACTION_FIELDS)


@st.composite
def actions_tab(draw) -> tuple[list[list], int]:
    """The Acties tab's rows and the 0-based index of its header row."""
    cols = draw(columns(ACTION_FIELDS))
    titles = draw(st.lists(st.lists(st.text(max_size=20), max_size=3), max_size=2))
    rows = [*titles, [h for h, _ in cols]]
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 4)) == 0:
            rows.append(draw(BLANK_ROWS))
        rows.append(draw(data_row(cols, base_action(draw))))
    return rows, len(titles)


@st.composite
def libraries_tab(draw) -> list[list]:
    kind = draw(st.sampled_from(["gewoon"] * 6 + ["leeg", "alleen kop", "rommel"]))
    if kind == "leeg":
        return []
    cols = draw(columns(LIBRARY_FIELDS)) if kind == "rommel" else [
        (f.kop, f.veld) for f in LIBRARY_FIELDS]
    rows = [[h for h, _ in cols]]
    if kind == "alleen kop":
        return rows
    for library in LIBRARIES[1:] + draw(st.lists(st.sampled_from(LIBRARIES[1:]), max_size=1)):
        base = by_field(library, LIBRARY_FIELDS)
        rows.append(draw(data_row(cols, base)) if kind == "rommel" else
                    [base.get(field) for _, field in cols])
    return rows


KEUZELIJSTEN = st.one_of(
    st.none(), st.just([]),
    st.lists(st.lists(NASTY | st.sampled_from(["doel", "kanaal (vervangt)", "Kanalen", "kpi"]),
                      max_size=4), max_size=4))


@st.composite
def workbooks(draw, surrogates: bool = False) -> tuple[Snapshot, int]:
    acties, header_index = draw(actions_tab())
    if surrogates and len(acties) > header_index + 1 and acties[-1]:
        acties[-1][0] = "lone \ud800 surrogate"
    tabs = [Tab("Acties", acties, 0), Tab("Bibliotheken", draw(libraries_tab()), 1)]
    keuzelijsten = draw(KEUZELIJSTEN)
    if keuzelijsten is not None:
        tabs.append(Tab("Keuzelijsten", keuzelijsten, 2))
    return (Snapshot(source={"soort": "test"}, tabs=tabs, fetched_at="2026-11-28T12:00:00Z"),
            header_index)


# ------------------------------------------------------------------------ the properties

def non_blank_rows(values: list[list], header_index: int) -> set[int]:
    """Sheet row numbers (1-based) below the header that hold anything but blanks: a cell is
    blank when its text (cells.clean_text, the contract's reading of a cell) is empty. Not
    cells.is_blank, the pipeline's fast test, which the property below checks against this."""
    return {i + 1 for i, row in enumerate(values) if i > header_index
            and any(cells.clean_text(c) != "" for c in row)}


SPACES_AND_INVISIBLES = st.text(alphabet=st.sampled_from(
    list(" \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u2007\u202f\u2009\u3000\u2028\u2029"
         "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e'x")), max_size=8)


@examples(fast=300, long=30000)
@given(st.one_of(st.none(), st.text(), CONTROL_TEXT, SPACES_AND_INVISIBLES, st.booleans(),
                 st.integers(), st.floats(allow_nan=True, allow_infinity=True)))
def test_a_cell_is_blank_exactly_when_its_text_is_empty(cell):
    """A row that is_blank calls empty is skipped: it must really hold no text."""
    assert cells.is_blank(cell) == (cells.clean_text(cell) == "")


def assert_every_row_accounted_for(outcome, snapshot: Snapshot, header_index: int) -> None:
    actions = outcome.actions
    rows = list(actions["rij"])
    assert len(rows) == len(set(rows)), "a row was counted twice"
    assert set(rows) == non_blank_rows(snapshot.tab("Acties").values, header_index)
    assert set(actions["uitkomst"]) <= set(OUTCOMES)
    findings = outcome.findings
    errors = findings[findings["ernst"] == "fout"]
    action_errors = set(errors.loc[errors["tabblad"] == "Acties", "rij"])
    for row in actions.loc[actions["uitkomst"] == REJECTED, "rij"]:
        assert row in action_errors, f"rejected row {row} has no error finding"
    for row in actions.loc[actions["uitkomst"].isin(SHARED), "rij"]:
        assert row not in action_errors, f"shared row {row} has an error"
    shared = actions[actions["uitkomst"].isin(SHARED)]
    assert set(shared["bibliotheek"]) <= outcome.agreed, "shared without an agreement"
    waiting = actions[actions["uitkomst"] == WAITING]
    assert not set(waiting["bibliotheek"]) & outcome.agreed, "waits despite an agreement"
    library_rows = list(outcome.raw_libraries["rij"])
    assert len(library_rows) == len(outcome.library_outcome)
    library_errors = set(errors.loc[errors["tabblad"] == "Bibliotheken", "rij"])
    for row, status in zip(library_rows, outcome.library_outcome):
        assert status in (PUBLISHED, REJECTED)
        assert (status == REJECTED) == (row in library_errors), row
    assert all(isinstance(m, str) and m for m in findings["bericht"])


def get(datasette, path: str):
    return asyncio.run(datasette.client.get(path))


def assert_catalogue_opens_in_datasette(outcome, out: Path) -> None:
    db = out / "kennisbank.db"
    published = outcome.rows(PUBLISHED)
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert conn.execute("select count(*) from acties").fetchone() == (len(published),)
    datasette = make_datasette(db)
    for path in ("/", "/kennisbank/acties", "/kennisbank/bibliotheken",
                 "/kennisbank/acties.csv?_size=max"):
        response = get(datasette, path)
        assert response.status_code == 200, (path, response.text[:300])
    for actie_id in published["actie_id"].iloc[:3]:  # the card, at the link the site makes
        response = get(datasette, card_url(actie_id))
        assert response.status_code == 200, (actie_id, response.text[:300])
    json.loads(get(datasette, "/kennisbank/acties.json?_shape=array").text,
               parse_constant=lambda c: pytest.fail(f"no valid JSON: {c}"))


def build_snapshot(snapshot: Snapshot, out: Path):
    """The whole run on this snapshot, through a snapshot file like a replay."""
    source = out / "bron.json"
    content = {"formaat": 1, "bron": snapshot.source, "opgehaald": snapshot.fetched_at,
               "tabbladen": [{"titel": t.title, "tab_id": t.tab_id, "waarden": t.values}
                             for t in snapshot.tabs]}
    source.write_text(json.dumps(content), encoding="utf-8")  # ASCII: surrogates as \ud800
    return build(str(source), out / "uit", TODAY)


@examples(fast=8, long=1500)
@given(workbooks())
def test_fuzzed_sheets_never_crash_and_lose_no_row(workbook):
    snapshot, header_index = workbook
    with tempfile.TemporaryDirectory() as tmp:
        try:
            result = build_snapshot(snapshot, Path(tmp))
        except KennisbankError as exc:
            assert str(exc) and "Traceback" not in str(exc)
            assert not (Path(tmp) / "uit" / "kennisbank.db").exists()
            return
        assert_every_row_accounted_for(result.outcome, snapshot, header_index)
        assert_catalogue_opens_in_datasette(result.outcome, Path(tmp) / "uit")


@examples(fast=2, long=200)
@given(workbooks(surrogates=True))
def test_lone_surrogates_from_json_are_stored_as_replacement_characters(workbook):
    snapshot, header_index = workbook
    with tempfile.TemporaryDirectory() as tmp:
        try:
            result = build_snapshot(snapshot, Path(tmp))
        except KennisbankError:
            return
        assert_every_row_accounted_for(result.outcome, snapshot, header_index)
        assert_catalogue_opens_in_datasette(result.outcome, Path(tmp) / "uit")


# ------------------------------------------------------------------------ fixed nasty cases

HEADERS = [f.kop for f in ACTION_FIELDS]
NASTY_ROWS = [  # (what, the row's values, its outcome); each row its own title and start
    ("NaN cells", dict(budget_eur=float("nan"), uren=float("nan")), PUBLISHED),
    ("huge numbers", dict(budget_eur=10**30, uren="9" * 400, deelnemers=float("inf")), PUBLISHED),
    ("year 1900", dict(startdatum="1-1-1900", einddatum=None), REJECTED),
    ("year 9999 end", dict(einddatum="31-12-9999"), REJECTED),
    ("serial day 1", dict(startdatum=1, einddatum=None), REJECTED),
    ("50,000 characters", dict(omschrijving="ä" * 50_000, tip="<" * 50_000), PUBLISHED),
    ("50,000-character ID", dict(actie_id="A" * 50_000), REJECTED),
    ("control characters", dict(omschrijving="a\x00b\x1b[31mc\x7f", tip="\r\n\t"), PUBLISHED),
    ("formula title", dict(titel='=HYPERLINK("x")'), PUBLISHED),
    ("cell errors", dict(titel="#REF!", startdatum="#N/A", budget_eur="#DIV/0!"), REJECTED),
]


def nasty_row(number: int, **overrides) -> list:
    values = dict(titel=f"Actie {number}", startdatum=f"{number + 1}-3-2024", einddatum=None)
    return good_action(**{**values, **overrides})


def test_nasty_cells_end_in_an_outcome(tmp_path):
    acties = [HEADERS, *(nasty_row(i, **values) for i, (_, values, _) in enumerate(NASTY_ROWS))]
    snapshot = Snapshot(source={"soort": "test"}, tabs=[
        Tab("Acties", acties, 0), Tab("Bibliotheken", LIBRARIES, 1)])
    result = build_snapshot(snapshot, tmp_path)
    assert_every_row_accounted_for(result.outcome, snapshot, 0)
    got = dict(zip(result.outcome.actions["rij"], result.outcome.actions["uitkomst"]))
    assert {what: got[i + 2] for i, (what, _, _) in enumerate(NASTY_ROWS)} == {
        what: outcome for what, _, outcome in NASTY_ROWS}
    assert_catalogue_opens_in_datasette(result.outcome, tmp_path / "uit")


@pytest.mark.parametrize("name, acties, outcome", [
    ("header only", [HEADERS], None),
    ("duplicate header", [HEADERS + ["Titel"], good_action() + ["Tweede titel"]], PUBLISHED),
    ("row longer than header", [HEADERS, good_action() + [1, "x", None, 2]], PUBLISHED),
])
def test_odd_shapes_end_in_an_outcome(tmp_path, name, acties, outcome):
    snapshot = Snapshot(source={"soort": "test"}, tabs=[
        Tab("Acties", acties, 0), Tab("Bibliotheken", LIBRARIES, 1)])
    result = build_snapshot(snapshot, tmp_path)
    assert_every_row_accounted_for(result.outcome, snapshot, 0)
    assert list(result.outcome.actions["uitkomst"]) == ([outcome] if outcome else [])
    assert_catalogue_opens_in_datasette(result.outcome, tmp_path / "uit")


def test_out_of_range_values_have_findings(tmp_path):
    snapshot = Snapshot(source={"soort": "test"}, tabs=[
        Tab("Acties", [HEADERS, nasty_row(0, startdatum="1-1-1900", budget_eur=10**30)], 0),
        Tab("Bibliotheken", LIBRARIES, 1)])
    findings = build_snapshot(snapshot, tmp_path).outcome.findings
    found = {(c, m) for c, m in zip(findings["code"], findings["bericht"])}
    assert ("datum_buiten_bereik", "De datum 1900-01-01 in 'Startdatum' kan niet kloppen: het "
            "jaartal ligt niet tussen 1990 en 2200.") in found
    assert ("getal_te_groot", f"'{10**30}' in 'Budget (€)' kan niet kloppen: te groot. Het "
            "veld blijft leeg.") in found


# ------------------------------------------------------------------------ damaged files

def write_csv_folder(folder: Path, acties: bytes, bibliotheken: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Acties.csv").write_bytes(acties)
    (folder / "Bibliotheken.csv").write_bytes(bibliotheken)
    return folder


def csv_bytes(rows: list[list], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(
        [["" if c is None else c for c in row] for row in rows])
    return out.getvalue().encode("utf-8")


GOOD_ACTIES_CSV = csv_bytes([[f.kop for f in ACTION_FIELDS], good_action()])
GOOD_LIBRARIES_CSV = csv_bytes(LIBRARIES)


def check_or_refuse(source: Path):
    try:
        return check(str(source), TODAY)
    except KennisbankError as exc:
        assert str(exc)
        return None


@examples(fast=20, long=3000)
@given(st.binary(max_size=300), st.integers(0, len(GOOD_ACTIES_CSV)),
       st.sampled_from(["insert", "replace", "append"]))
def test_damaged_csv_bytes_end_in_a_run_or_a_clear_error(noise, at, how):
    if how == "append":
        acties = GOOD_ACTIES_CSV + noise
    elif how == "insert":
        acties = GOOD_ACTIES_CSV[:at] + noise + GOOD_ACTIES_CSV[at:]
    else:
        acties = GOOD_ACTIES_CSV[:at] + noise + GOOD_ACTIES_CSV[at + len(noise):]
    with tempfile.TemporaryDirectory() as tmp:
        check_or_refuse(write_csv_folder(Path(tmp), acties, GOOD_LIBRARIES_CSV))


@pytest.mark.parametrize("acties, message", [
    (GOOD_ACTIES_CSV + b"\x81\x8d;\xff\n", "'Acties.csv' is geen tekstbestand in UTF-8 of "
                                           "Windows-1252; sla het op als CSV UTF-8."),
    (GOOD_ACTIES_CSV + b'"' + b"x" * 200_000 + b'"\n', "'Acties.csv' is geen leesbaar CSV-bestand"),
    (b"", "Tabblad 'Acties': geen kopregel gevonden."),
])
def test_unreadable_csv_is_a_clear_error(tmp_path, acties, message):
    with pytest.raises(KennisbankError) as err:
        check(str(write_csv_folder(tmp_path, acties, GOOD_LIBRARIES_CSV)), TODAY)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("content", [
    {"formaat": 1, "tabbladen": [{"titel": "Acties", "waarden": [["Titel"], 5]}]},
    {"formaat": 1, "tabbladen": [{"titel": "Acties", "waarden": "abc"}]},
    {"formaat": 1, "tabbladen": [{"titel": 7, "waarden": []}]},
    {"formaat": 1, "tabbladen": [{"titel": "Acties", "waarden": [[{"a": 1}]]}]},
    {"formaat": 1, "tabbladen": "Acties"},
    {"formaat": 1, "bron": ["x"], "tabbladen": []},
    {"formaat": 2, "tabbladen": []},
    [1, 2, 3],
])
def test_malformed_snapshot_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "kapot.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(KennisbankError) as err:
        check(str(path), TODAY)
    assert str(err.value).startswith("'kapot.json' is geen leesbare momentopname")


def small_xlsx(path: Path) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "Acties"
    for row in ([f.kop for f in ACTION_FIELDS], good_action()):
        wb.active.append(row)
    libs = wb.create_sheet("Bibliotheken")
    for row in LIBRARIES:
        libs.append(row)
    wb.save(path)
    return path.read_bytes()


@pytest.mark.parametrize("seed", range(6 if not FUZZ else 300))
def test_damaged_xlsx_ends_in_a_run_or_a_clear_error(tmp_path, seed):
    """Bytes flipped inside the workbook's zip (also inside compressed sheet XML)."""
    rng = random.Random(seed)
    data = bytearray(small_xlsx(tmp_path / "goed.xlsx"))
    with zipfile.ZipFile(tmp_path / "goed.xlsx") as zf:
        sheet = zf.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename)
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(start, start + sheet.compress_size) if rng.random() < 0.7 \
            else rng.randrange(len(data))
        data[position] = rng.randrange(256)
    path = tmp_path / "kapot.xlsx"
    path.write_bytes(bytes(data))
    check_or_refuse(path)
