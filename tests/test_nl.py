"""Dutch words and notations (pipeline/nl.py), shared by the pages, the reports and messages."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline import nl
from pipeline.catalogue import site
from pipeline.contract import cells
from pipeline.reports import context


def test_month_names():
    assert nl.MONTHS == ("januari", "februari", "maart", "april", "mei", "juni", "juli",
                         "augustus", "september", "oktober", "november", "december")
    assert nl.SHORT_MONTHS == ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep",
                               "okt", "nov", "dec")
    assert nl.month_year(2026, 3) == "maart 2026"


def test_month_names_are_read_in_dates():
    assert [cells.parse_date(f"5 {m} 2024").value for m in ("maart", "mrt", "maa", "Maart")] == [
        "2024-03-05"] * 4
    assert all(cells.MONTHS[m] == i for i, m in enumerate(nl.MONTHS, 1))
    assert all(cells.MONTHS[m] == i for i, m in enumerate(nl.SHORT_MONTHS, 1))


@pytest.mark.parametrize("value, decimals, text", [
    (0, 2, "0"), (7, 2, "7"), (1234, 2, "1.234"), (1234567, 2, "1.234.567"), (12.5, 2, "12,5"),
    (1250.456, 2, "1.250,46"), (12.0, 2, "12"), (0.001, 2, "0"), (-0.001, 2, "0"),
    (-1250.5, 2, "-1.250,5"), (1234.5, 0, "1.234"), (2.5, 0, "2"), (0.123456, 6, "0,123456"),
    (1.0000001, 6, "1"), (1e15, 6, "1.000.000.000.000.000"),
])
def test_number(value, decimals, text):
    assert nl.number(value, decimals) == text


@pytest.mark.parametrize("value, text", [
    (1250.5, "€ 1.250,50"), (600, "€ 600"), (600.0, "€ 600"), (0.5, "€ 0,50"),
    (2.499, "€ 2,50"),
    (-1250.5, "€ -1.250,50"), (1234567, "€ 1.234.567"),
])
def test_amount(value, text):
    assert nl.amount(value) == text


@pytest.mark.parametrize("value, text", [(12.5, "12,5%"), (120, "120%"), (0, "0%"),
                                         (33.333, "33,33%")])
def test_percentage(value, text):
    assert nl.percentage(value) == text


@pytest.mark.parametrize("value, text", [
    ("2026-12-05", "5 december 2026"), (date(2026, 1, 1), "1 januari 2026"),
    (datetime(2026, 3, 9, 23, 59), "9 maart 2026"), ("2026-11-28T14:08:55Z", "28 november 2026"),
    ("2026-11-28 14:08", "28 november 2026"),
])
def test_long_date(value, text):
    assert nl.long_date(value) == text


@pytest.mark.parametrize("value", ["5-12-2026", "2026-12-05x", "", "morgen"])
def test_long_date_refuses_what_is_not_a_date(value):
    with pytest.raises(ValueError):
        nl.long_date(value)


def test_date_time():
    assert nl.date_time("2026-11-28T14:08:55Z") == "28 november 2026, 14:08 UTC"
    assert nl.date_time("2026-11-28") == "28 november 2026"


def test_severities():
    assert nl.SEVERITIES == ("fout", "waarschuwing", "info")
    assert nl.SEVERITY_LABELS == {"fout": "Fout", "waarschuwing": "Waarschuwing",
                                  "info": "Ter info"}
    assert nl.SEVERITY_TOTALS == {"fout": "Fouten", "waarschuwing": "Waarschuwingen",
                                  "info": "Ter info"}
    assert [nl.counted(n, s) for n, s in [(0, "fout"), (1, "fout"), (2, "fout"),
                                          (1, "waarschuwing"), (3, "waarschuwing"),
                                          (4, "info")]] == [
        "0 fouten", "1 fout", "2 fouten", "1 waarschuwing", "3 waarschuwingen", "4 ter info"]


@pytest.mark.parametrize("value, getal, euro, procent, datum", [
    (None, "", "", "", ""), ("", "", "", "", ""), (2500, "2.500", "€ 2.500", "2.500%", "2500"),
    (12.5, "12,5", "€ 12,50", "12,5%", "12.5"),
    ("2024-10-02", None, None, None, "2 oktober 2024"),
])
def test_the_pages_filters_show_no_value_as_empty(value, getal, euro, procent, datum):
    if getal is not None:
        assert (site.getal(value), site.euro(value), site.procent(value)) == (getal, euro, procent)
    assert site.datum(value) == datum


def test_the_reports_show_no_value_as_a_dash():
    assert (context.number(None), context.dutch_date(None), context.dutch_time("")) == (
        "–", "–", "–")
    assert (context.number(1234), context.dutch_date("2026-12-05"),
            context.dutch_time("2026-12-05T08:00:00Z")) == (
        "1.234", "5 december 2026", "5 december 2026, 08:00 UTC")
