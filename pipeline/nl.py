"""Dutch words and notations, in one place for the pages, the reports and the messages: month
names, numbers, amounts, percentages, dates and the words for a finding's severity.

Notation: a point between thousands and a comma before decimals (1.250,50), the euro sign and a
space before an amount (€ 1.250,50), the percent sign right after the number (12,5%, as the
Taalunie advises), dates as "5 december 2026"."""

from __future__ import annotations

from datetime import date, datetime

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
SHORT_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",
                "dec")

SEVERITIES = ("fout", "waarschuwing", "info")  # the values of a finding's `ernst`, worst first
SEVERITY_LABELS = {"fout": "Fout", "waarschuwing": "Waarschuwing", "info": "Ter info"}
SEVERITY_TOTALS = {"fout": "Fouten", "waarschuwing": "Waarschuwingen", "info": "Ter info"}
_COUNTED = {"fout": ("fout", "fouten"), "waarschuwing": ("waarschuwing", "waarschuwingen"),
            "info": ("ter info", "ter info")}


def counted(n: int, severity: str) -> str:
    """3, "fout" → "3 fouten"; 1, "waarschuwing" → "1 waarschuwing"."""
    one, more = _COUNTED[severity]
    return f"{n} {one if n == 1 else more}"


# ------------------------------------------------------------------ numbers

def _grouped(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def number(value: float, decimals: int = 2) -> str:
    """1234 → 1.234; 12.5 → 12,5; 1250.456 → 1.250,46: at most `decimals` decimals, without
    trailing zeros."""
    text = _grouped(value, decimals)
    if decimals:
        text = text.rstrip("0").rstrip(",")
    return "0" if text == "-0" else text


def amount(value: float) -> str:
    """1250.5 → € 1.250,50; 600 → € 600."""
    return "€ " + _grouped(value, 0 if float(value).is_integer() else 2)


def percentage(value: float) -> str:
    """12.5 → 12,5%."""
    return f"{number(value)}%"


# ------------------------------------------------------------------ dates

def as_date(value: date | str) -> date:
    """A date, or an ISO date, also with a time after it ("2026-12-05T08:00:00Z");
    ValueError for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    return date.fromisoformat(text)


def long_date(value: date | str) -> str:
    """2026-12-05 → 5 december 2026."""
    day = as_date(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_time(iso: str) -> str:
    """2026-11-28T14:08:55Z → 28 november 2026, 14:08 UTC (a date alone: the date)."""
    return f"{long_date(iso)}, {iso[11:16]} UTC" if len(iso) >= 16 else long_date(iso)


def month_year(year: int, month: int) -> str:
    """2026, 11 → november 2026."""
    return f"{MONTHS[month - 1]} {year}"


__all__ = ["MONTHS", "SHORT_MONTHS", "SEVERITIES", "SEVERITY_LABELS", "SEVERITY_TOTALS",
           "counted", "number", "amount", "percentage", "as_date", "long_date",
           "date_time", "month_year"]
