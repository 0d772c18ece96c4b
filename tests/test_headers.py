"""The header row rule (pipeline/contract/headers.py), shared by reading and write-back."""

from __future__ import annotations

import pytest

from pipeline.contract.config import ACTIES, BIBLIOTHEKEN, load_fields
from pipeline.contract.findings import Findings
from pipeline.contract.headers import SEARCH_ROWS, column_of, find_header_row
from pipeline.contract.normalise import read_raw_tab
from pipeline.errors import SourceError
from pipeline.sources import sheet_init, write_back
from pipeline.sources.snapshot import Tab

HEADER = ["ID", *(f.kop for f in load_fields()[ACTIES] if f.required), "Controle"]


def above(n: int) -> list[list]:
    return [[f"Toelichting {i}"] for i in range(n)]


@pytest.mark.parametrize("notes, expected", [(0, 0), (25, 25), (29, 29), (30, None)])
def test_header_within_the_first_30_rows(notes, expected):
    rows = above(notes) + [HEADER, ["A-1", "Bieb", "T"]]
    assert SEARCH_ROWS == 30
    assert find_header_row(rows, ACTIES) == expected
    assert write_back.find_header_row is find_header_row  # write-back and sheet init use it
    assert sheet_init.find_header_row is find_header_row


def test_reading_finds_the_same_row_or_says_so():
    fields = load_fields()[ACTIES]
    raw = read_raw_tab(Tab(ACTIES, above(25) + [HEADER, ["A-1", "Bieb", "T"]]), fields, Findings())
    assert raw.header_row == 26 and raw.frame["rij"].tolist() == [27]
    with pytest.raises(SourceError, match="^Tabblad 'Acties': geen kopregel gevonden"):
        read_raw_tab(Tab(ACTIES, above(30) + [HEADER]), fields, Findings())


def test_missing_required_columns_in_one_sentence():
    fields = load_fields()[ACTIES]
    with pytest.raises(SourceError) as err:
        read_raw_tab(Tab(ACTIES, [["ID", "Bibliotheek", "Titel"]]), fields, Findings())
    assert str(err.value) == (
        "Tabblad 'Acties': de verplichte kolommen 'Korte omschrijving', 'Doel(en)', "
        "'Doelgroep(en)', 'Kanalen', 'Startdatum' ontbreken in de kopregel (rij 1). Voeg de "
        "kolommen toe met precies deze koppen; er is niets gepubliceerd of gewijzigd.")


@pytest.mark.parametrize("row, expected", [
    (["id", " BIBLIOTHEEK "], 0),                 # case and spaces
    (["'ID", "\u200bTitel"], 0),                  # a leading apostrophe, an invisible character
    (["actie_id", "titel"], 0),                   # the field names
    (["ID", "ID", "Eigen notities"], None),          # two distinct known headers are needed
    ([7, "Titel"], None),
])
def test_matching_rules(row, expected):
    assert find_header_row([row], ACTIES) == expected


def test_a_tab_of_one_known_header_needs_one():
    fields = load_fields()[BIBLIOTHEKEN][:1]
    assert find_header_row([["x"], [fields[0].kop]], BIBLIOTHEKEN, fields=fields) == 1


@pytest.mark.parametrize("header, expected", [
    (HEADER, len(HEADER) - 1), (["'Controle", "ID"], 0), ([" controle\u00a0"], 0),
    (["ID", "Titel"], None)])
def test_control_column(header, expected):
    assert column_of(header, "Controle") == expected
