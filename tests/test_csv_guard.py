"""The one CSV formula guard (pipeline/csv_guard.py), by one table of inputs and expected cells,
applied to the function, to the catalogue's CSV download over Datasette and to the reports'
CSV files."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from helpers import TODAY, good_action, snapshot_of
from pipeline.app import build
from pipeline.catalogue.serve import make_datasette
from pipeline.csv_guard import guard_cell
from pipeline.reports import render
from pipeline.reports.render import write_reports

TABLE = [
    ("=1+1", "'=1+1"),
    ("+31 6 12345678", "'+31 6 12345678"),   # a phone number is text
    ("+31", "'+31"),                          # a plus is always guarded
    ("-", "-"),                               # "niet van toepassing": text in a spreadsheet
    ("-1.250,50", "-1.250,50"),               # a Dutch negative amount stays a number
    ("-1e5", "-1e5"),
    ("-12", "-12"),
    ("-1.5", "-1.5"),
    ("-,5", "-,5"),
    ("-2+3", "'-2+3"),
    ("-1-1", "'-1-1"),
    ("--1", "'--1"),
    ("-inf", "'-inf"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\r=1", "'\r=1"),
    ("\n=1", "'\n=1"),
    ("  =1", "'  =1"),
    (" -12", "' -12"),                        # a number is the whole cell
    ("＝1", "'＝1"),
    ("＋31", "'＋31"),
    ("－12", "'－12"),
    ("＠x", "'＠x"),
    ("-١٢", "'-١٢"),                          # only the digits 0-9 make a number
    ("'=1", "'=1"),                           # already text
    ("gewoon", "gewoon"),
    ("12", "12"),
    ("1 = 1", "1 = 1"),
    ("", ""),
    (None, ""),
]


@pytest.mark.parametrize("value, expected", TABLE)
def test_guard_cell(value, expected):
    assert guard_cell(value) == expected


def test_one_function_for_the_site_and_the_reports():
    assert render.csv_safe is guard_cell


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A real build with one action per table row, each with one finding (its Tip is empty);
    then the table's values are put in the stored tables as the load stage writes text: in the
    catalogue's acties.tip and in the history's meldingen.waarde. (Reading a sheet trims its
    cells, so a value such as "\\tx" cannot come from a sheet; the guard must hold anyway.)"""
    out = tmp_path_factory.mktemp("csv") / "uit"
    actions = [good_action(titel=f"Actie {i}", tip=None) for i in range(len(TABLE))]
    source = out.parent / "bron.json"
    source.write_text(json.dumps(snapshot_of(actions).to_json()), encoding="utf-8")
    assert build(str(source), out, TODAY).outcome.counts["gepubliceerd"] == len(TABLE)
    values = [(value, f"Actie {i}", i + 2) for i, (value, _) in enumerate(TABLE)]
    with sqlite3.connect(out / "kennisbank.db") as conn:
        conn.executemany("update acties set tip = ? where titel = ?", [v[:2] for v in values])
    conn.close()
    with sqlite3.connect(out / "beheer.db") as conn:
        updated = conn.executemany(
            "update meldingen set waarde = ? where code = 'aanbevolen_leeg' and veld = 'tip' "
            "and rij = ?", [(v[0], v[2]) for v in values]).rowcount
    conn.close()
    assert updated == len(TABLE)
    write_reports(out)
    return out


def by_title(cells: dict[str, str]) -> int:
    return int(cells["titel"].removeprefix("Actie "))


def test_the_catalogues_csv_download(built):
    datasette = make_datasette(built / "kennisbank.db")
    response = asyncio.run(datasette.client.get("/kennisbank/acties.csv?_size=max"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert sorted((by_title(r), r["tip"]) for r in rows) == [
        (i, expected) for i, (_, expected) in enumerate(TABLE)]


@pytest.mark.parametrize("name", ["meldingen.csv", "bibliotheek-duinstreek.csv"])
def test_the_reports_csv_files(built, name):
    with open(built / "rapporten" / name, encoding="utf-8-sig", newline="") as fh:
        text = fh.read()
    rows = [r for r in csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
            if r["code"] == "aanbevolen_leeg"]
    assert sorted((by_title(r), r["ingevulde_waarde"]) for r in rows) == [
        (i, expected) for i, (_, expected) in enumerate(TABLE)]
