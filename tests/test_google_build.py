"""`kennisbank build` against the local Sheets stand-in, through gspread's real client."""

from __future__ import annotations

import copy
import re
import sqlite3
import subprocess
import sys

import pytest

from pipeline.contract.config import SAMPLE_WORKBOOK
from pipeline.sources.fetch import read_xlsx

KEY = "1KennisbankPilotSheet0123456789abcdefghijk"


@pytest.fixture
def sample_sheet(standin):
    tabs = {t.title: copy.deepcopy(t.values) for t in read_xlsx(SAMPLE_WORKBOOK).tabs}
    standin.add_spreadsheet(KEY, "Kennisbank pilot", tabs)
    return tabs


def cli(standin, *args):
    env = {"PATH": "/usr/bin:/bin", "KENNISBANK_PEILDATUM": "2026-11-28", **standin.env()}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def table(db, sql="select * from acties order by actie_id"):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_google_build_equals_xlsx_build_in_two_requests(standin, sample_sheet, tmp_path):
    result = cli(standin, "build", "--source", f"gsheet:{KEY}", "--out", str(tmp_path / "g"))
    assert result.returncode == 0, result.stderr
    assert standin.kinds() == ["metadata", "values.batchGet"]
    assert cli(standin, "build", "--source", str(SAMPLE_WORKBOOK), "--out",
               str(tmp_path / "x")).returncode == 0
    google, xlsx = table(tmp_path / "g" / "kennisbank.db"), table(tmp_path / "x" / "kennisbank.db")
    assert len(google) == 164 and google == xlsx


def test_unchanged_sheet_is_not_rebuilt_unless_forced(standin, sample_sheet, tmp_path):
    out = tmp_path / "o"
    assert cli(standin, "build", "--source", f"gsheet:{KEY}", "--out", str(out)).returncode == 0
    before = (out / "kennisbank.db").read_bytes()
    again = cli(standin, "build", "--source", f"gsheet:{KEY}", "--out", str(out))
    assert again.returncode == 0
    assert again.stdout.startswith("De bron is niet gewijzigd sinds run ")
    assert standin.kinds() == ["metadata", "values.batchGet"] * 2  # the check costs no extra call
    assert (out / "kennisbank.db").read_bytes() == before
    forced = cli(standin, "build", "--source", f"gsheet:{KEY}", "--out", str(out), "--force")
    assert forced.stdout.startswith("198 acties gelezen")
    with sqlite3.connect(out / "beheer.db") as conn:
        assert conn.execute("select count(*) from runs").fetchone() == (2,)


def test_write_back_fills_only_the_controle_column(standin, sample_sheet, tmp_path):
    result = cli(standin, "build", "--source", f"gsheet:{KEY}", "--out", str(tmp_path),
                 "--write-back")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "Controlekolom bijgewerkt: 201 rijen in 'Acties'!AJ3:AJ204"
    assert standin.kinds() == ["metadata", "values.batchGet", "metadata", "values.batchGet", "batchUpdate",
                              "values.update"]  # the grid gets one column for Controle
    rows = standin.books[KEY].sheet("Acties").rows()
    original = sample_sheet["Acties"]
    header = 2
    assert rows[header][35] == "Controle"
    for i, row in enumerate(rows):
        assert row[:35] == (original[i] + [None] * 35)[:35] or row[:35] == original[i][:35]
    status = {i + 1: (row[35] if len(row) > 35 else "") for i, row in enumerate(rows)}
    assert status[4].startswith("Onvolledig: ") or status[4].startswith("OK (gecontroleerd ")
    assert status[33].startswith("Niet gedeeld (gecontroleerd ")
    assert status[58].startswith("Afgekeurd: 'ergens in maart' in 'Startdatum' is geen leesbare datum.")
    assert status[53] == ""  # a blank row gets no status


TITLE_ROWS = 23  # the sample's Acties has its header on row 3; these put it on row 26


def test_header_on_row_26_is_read_and_written_back(standin, sample_sheet, tmp_path):
    """Reading and write-back find the header row by one rule (contract/headers.py)."""
    deep = copy.deepcopy(sample_sheet)
    deep["Acties"][2:2] = [[f"Toelichting, regel {i}"] for i in range(3, 3 + TITLE_ROWS)]
    assert deep["Acties"][25][:2] == ["ID", "Bibliotheek"]
    deep_key = KEY.replace("Pilot", "Diepe")
    standin.add_spreadsheet(deep_key, "Kopregel op rij 26", deep)

    for key, out in ((KEY, tmp_path / "plain"), (deep_key, tmp_path / "deep")):
        result = cli(standin, "build", "--source", f"gsheet:{key}", "--out", str(out),
                     "--write-back")
        assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "Controlekolom bijgewerkt: 201 rijen in 'Acties'!AJ26:AJ227")

    plain_rows = table(tmp_path / "plain" / "kennisbank.db", "select * from acties order by rij")
    deep_rows = table(tmp_path / "deep" / "kennisbank.db", "select * from acties order by rij")
    assert len(deep_rows) == 164
    assert [row[:-1] + (row[-1] - TITLE_ROWS,) for row in deep_rows] == plain_rows

    def as_plain(rows, shift=0):
        """The statuses without their time, row numbers in them as in the plain sheet."""
        def cell(c):
            if not isinstance(c, str):
                return c
            c = re.sub(r" \(gecontroleerd [^)]*\)$", "", c)
            return re.sub(r"\brij (\d+)", lambda m: f"rij {int(m[1]) - shift}", c)
        return [[cell(c) for c in row] for row in rows]

    plain = standin.books[KEY].sheet("Acties").rows()
    written = standin.books[deep_key].sheet("Acties").rows()
    assert written[:25] == deep["Acties"][:25]  # nothing written above the header
    assert as_plain(written[25:], TITLE_ROWS) == as_plain(plain[2:])
    assert {n: as_plain([written[n - 1][35:]])[0] for n in (26, 27, 56, 76, 81, 91)} == {
        26: ["Controle"], 27: ["OK"], 56: ["Niet gedeeld"], 76: [],
        81: ["Afgekeurd: 'ergens in maart' in 'Startdatum' is geen leesbare datum."],
        91: ["Afgekeurd: Deze actie staat al in rij 83 (zelfde bibliotheek, titel en startdatum)."],
    }
