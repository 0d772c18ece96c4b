"""Reading single spreadsheet cells: pure functions, one per kind of value.

Each parser takes a cell as received (str, int, float, bool or None) and returns a ``Parsed``:
the clean value (or None) and the issues found, as ``(code, extra)`` pairs whose codes are the
keys of schemas/meldingen.yml. Parsers are cached per distinct value, because a sheet repeats the
same dates, amounts and list cells many times.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any, NamedTuple

from pipeline import nl
from pipeline.contract.config import load_comparisons, load_general

Cell = str | int | float | bool | None


class Parsed(NamedTuple):
    value: Any
    issues: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()


def issue(code: str, **extra: Any) -> tuple[str, tuple[tuple[str, Any], ...]]:
    return (code, tuple(extra.items()))


EMPTY = Parsed(None)
CACHE_SIZE = 65536

CELL_ERRORS = frozenset(
    "#REF! #VERW! #N/B #N/A #VALUE! #WAARDE! #DIV/0! #DEEL/0! #NAME? #NAAM? #NUM! #GETAL! "
    "#NULL! #LEEG! #ERROR! #FOUT! #SPILL! #CALC!".split()
)
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u3000"), " ")


# ---------------------------------------------------------------- text

def clean_text(cell: Cell) -> str:
    """The cell as text: invisible characters removed, odd spaces made plain, trimmed,
    a leading apostrophe (the spreadsheet's "treat as text" mark) dropped."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "ja" if cell else "nee"
    if isinstance(cell, float):
        if math.isnan(cell):
            return ""
        return str(int(cell)) if cell.is_integer() else str(cell)
    text = str(cell)
    if text.isascii() and "\n" not in text:  # fast path: no odd characters, one line
        text = text.strip()
    else:
        text = text.translate(INVISIBLE).translate(SPACES)
        text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    if text.startswith("'"):
        text = text[1:].lstrip()
    return text


_NOT_A_START = frozenset("'\u200b\u200c\u200d\u2060\ufeff\u00ad")


def is_blank(cell: Cell) -> bool:
    if cell is None:
        return True
    if type(cell) is int:
        return False
    if type(cell) is float:
        return cell != cell  # only NaN is blank
    if type(cell) is str:  # fast path: a visible first character means not blank
        stripped = cell.strip()
        if stripped and stripped[0] not in _NOT_A_START:
            return False
    return clean_text(cell) == ""


def _text_issues(text: str) -> tuple:
    if text.upper() in CELL_ERRORS:
        return (issue("celfout"),)
    if text.startswith("=") and len(text) > 1:
        return (issue("formule_als_tekst"),)
    return ()


@lru_cache(maxsize=CACHE_SIZE)
def parse_text(cell: Cell) -> Parsed:
    text = clean_text(cell)
    if not text:
        return EMPTY
    issues = _text_issues(text)
    if issues and issues[0][0] == "celfout":
        return Parsed(None, issues)
    return Parsed(text, issues)


# ---------------------------------------------------------------- dates

MONTHS = {  # month names read in a date: nl.py's names and short names, other spellings
    **{name: i for names in (nl.MONTHS, nl.SHORT_MONTHS) for i, name in enumerate(names, 1)},
    "febr": 2, "mar": 3, "maa": 3, "sept": 9, "oct": 10,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "october": 10,
}
SERIAL_EPOCH = date(1899, 12, 30)
PLAUSIBLE_YEARS = (2010, 2040)  # after: a warning, most likely a typo in the year; before the
# period's first year (schemas/vergelijken.yml periode_vanaf): datum_voor_periode
READABLE_YEARS = (1990, 2200)  # outside: an error (the catalogue's `jaar` range), not a date
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})\s*([a-z]+)\.?\s*(\d{4})$")
_MONTH_Y = re.compile(r"^([a-z]+)\.?\s+(\d{4})$")
_M_Y = re.compile(r"^(\d{1,2})[-/](\d{4})$")
_Y_M = re.compile(r"^(\d{4})-(\d{1,2})$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.\d+)?$")


class DateValue(NamedTuple):
    year: int
    month: int
    day: int | None  # None: only the month is known

    def first(self) -> date:
        return date(self.year, self.month, self.day or 1)

    def last(self) -> date:
        day = self.day or calendar.monthrange(self.year, self.month)[1]
        return date(self.year, self.month, day)


def _from_serial(number: float) -> DateValue | None:
    if not 1 <= number < 2958466:
        return None
    d = SERIAL_EPOCH + timedelta(days=int(number))
    return DateValue(d.year, d.month, d.day)


def _valid(year: int, month: int, day: int | None) -> DateValue | None:
    if not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            date(year, month, day)
        except ValueError:
            return None
    return DateValue(year, month, day)


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def read_date(cell: Cell) -> DateValue | None:
    """A date as written in Dutch spreadsheets, day first; None when it cannot be read."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float)):
        return None if isinstance(cell, float) and math.isnan(cell) else _from_serial(cell)
    text = clean_text(cell).casefold()
    if _SERIAL_TEXT.match(text):
        return _from_serial(float(text))
    if m := _ISO.match(text):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(text):
        return _valid(_year(m[3]), int(m[2]), int(m[1]))
    if (m := _D_MONTH_Y.match(text)) and m[2] in MONTHS:
        return _valid(int(m[3]), MONTHS[m[2]], int(m[1]))
    if (m := _MONTH_Y.match(text)) and m[1] in MONTHS:
        return _valid(int(m[2]), MONTHS[m[1]], None)
    if m := _M_Y.match(text):
        return _valid(int(m[2]), int(m[1]), None)
    if m := _Y_M.match(text):
        return _valid(int(m[1]), int(m[2]), None)
    return None


@lru_cache(maxsize=CACHE_SIZE)
def parse_date(cell: Cell, end_of_period: bool = False) -> Parsed:
    """ISO date text; a month-only date becomes the month's first day (or last, for an end)."""
    text = clean_text(cell)
    if not text:
        return EMPTY
    if text.upper() in CELL_ERRORS:
        return Parsed(None, (issue("celfout"),))
    found = read_date(cell)
    if found is None:
        return Parsed(None, (issue("datum_onleesbaar"),))
    iso = (found.last() if end_of_period else found.first()).isoformat()
    if not READABLE_YEARS[0] <= found.year <= READABLE_YEARS[1]:
        return Parsed(None, (issue("datum_buiten_bereik", datum=iso),))
    issues = () if found.day else (issue("datum_maand", datum=iso),)
    first_year = int(load_comparisons()["periode_vanaf"])
    if found.year < first_year:
        issues += (issue("datum_voor_periode", datum=iso, jaar=first_year),)
    elif found.year > PLAUSIBLE_YEARS[1]:
        issues += (issue("datum_onwaarschijnlijk", datum=iso),)
    return Parsed(iso, issues)


# ---------------------------------------------------------------- numbers

EMPTY_NUMBERS = frozenset({"-", "–", "—", "n.v.t.", "n.v.t", "nvt", "nvt.", "n/a", "nb", "n.b."})
_CIRCA = re.compile(r"^(?:ca\.?|circa|ongeveer|rond|±|~|\+/-|\+-)\s*")
_CURRENCY = re.compile(r"€|\beur(?:o|o's|os)?\b\.?", re.IGNORECASE)
_INT = re.compile(r"^\d+$")
_NL_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_NL_DECIMAL = re.compile(r"^\d{1,3}(?:\.\d{3})+,\d+$|^\d+,\d+$")
_EN_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3}){2,}$|^\d{1,3}(?:,\d{3})+\.\d+$")
_POINT_DECIMAL = re.compile(r"^\d+\.\d+$")
_AMBIGUOUS = re.compile(r"^\d{1,3},\d{3}$")
MAX_NUMBER = 1e15  # larger (or infinite) is a typo, and would not fit an SQLite integer


def read_number(text: str) -> float | None:
    """A number in Dutch notation first (1.250,50), then the unambiguous other forms."""
    if _INT.match(text):
        return float(text)
    if _NL_THOUSANDS.match(text):
        return float(text.replace(".", ""))
    if _NL_DECIMAL.match(text):
        return float(text.replace(".", "").replace(",", "."))
    if _EN_THOUSANDS.match(text):
        return float(text.replace(",", ""))
    if _POINT_DECIMAL.match(text):
        return float(text)
    return None


def _number_text(text: str) -> tuple[str, bool, bool]:
    """Strip estimate words, currency, ',-' and spaces; return (text, negative, estimate)."""
    text = text.casefold().strip()
    estimate = bool(_CIRCA.match(text))
    text = _CIRCA.sub("", text)
    text = _CURRENCY.sub("", text)
    text = re.sub(r"[,.]-$", "", text.strip())
    text = re.sub(r"\s+", "", text)
    negative = text.startswith("-") and len(text) > 1
    return text.lstrip("-") if negative else text, negative, estimate


@lru_cache(maxsize=CACHE_SIZE)
def parse_number(cell: Cell) -> Parsed:
    """A number ≥ anything (range rules are the schema's); amounts as typed by people."""
    if isinstance(cell, bool):
        return Parsed(None, (issue("bedrag_onleesbaar"),))
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and math.isnan(cell):
            return EMPTY
        return Parsed(float(cell)) if abs(cell) < MAX_NUMBER else _too_large(cell)
    text = clean_text(cell)
    if not text or text.casefold() in EMPTY_NUMBERS:
        return EMPTY
    if text.upper() in CELL_ERRORS:
        return Parsed(None, (issue("celfout"),))
    body, negative, estimate = _number_text(text)
    number = read_number(body)
    if number is None:
        return Parsed(None, (issue("bedrag_onleesbaar"),))
    number = -number if negative else number
    if not abs(number) < MAX_NUMBER:
        return _too_large(text)
    issues = ()
    if _AMBIGUOUS.match(body):
        issues += (issue("bedrag_dubbelzinnig", getal=format_number(number)),)
    if estimate:
        issues += (issue("bedrag_circa", getal=format_number(number)),)
    return Parsed(number, issues)


def _too_large(cell: Cell) -> Parsed:
    return Parsed(None, (issue("getal_te_groot"),))


def format_number(number: float) -> str:
    """Dutch notation for messages, as read (up to six decimals): 1.250,5."""
    return nl.number(number, decimals=6)


# ---------------------------------------------------------------- yes / no

YES = frozenset({"ja", "j", "x", "yes", "y", "true", "waar", "1", "✓", "✔", "v", "ok"})
NO = frozenset({"nee", "n", "no", "false", "onwaar", "0", "niet"})
PARTLY = frozenset({"deels", "gedeeltelijk", "half", "deels behaald", "grotendeels", "min of meer"})
UNKNOWN = frozenset({"onbekend", "?", "weet niet", "niet gemeten", "nog niet bekend", "onduidelijk"})


def _yes_no_key(cell: Cell) -> str:
    if isinstance(cell, bool):
        return "ja" if cell else "nee"
    return clean_text(cell).casefold().rstrip(".!")


@lru_cache(maxsize=4096)
def parse_yes_no(cell: Cell) -> Parsed:
    key = _yes_no_key(cell)
    if not key:
        return EMPTY
    if key in YES:
        return Parsed("ja")
    if key in NO:
        return Parsed("nee")
    return Parsed(None, (issue("janee_onleesbaar"),))


@lru_cache(maxsize=4096)
def parse_achieved(cell: Cell) -> Parsed:
    key = _yes_no_key(cell)
    if not key:
        return EMPTY
    for label, words in (("ja", YES), ("nee", NO), ("deels", PARTLY), ("onbekend", UNKNOWN)):
        if key in words:
            return Parsed(label)
    return Parsed(None, (issue("behaald_onleesbaar"),))


# ---------------------------------------------------------------- lists, links, e-mail

_WORD = r"[^\W\d_]"  # a letter


@cache
def separators(kind: str = "lijsten") -> re.Pattern:
    """The split pattern of list cells (``lijsten``) or link cells (``links``), made from the
    separators declared in schemas/fields.yml (algemeen)."""
    plain, parts = "", []
    for sep in load_general()[kind]["tekens"]:
        char = sep["teken"]
        if sep.get("tussen_woorden"):
            parts.append(rf"(?<={_WORD})\s*{re.escape(char)}\s*(?={_WORD})")
        elif sep.get("gevolgd_door_spatie"):
            parts.append(rf"{re.escape(char)}(?=\s|$)")
        elif char.isspace() and char != "\n":
            parts.append(r"\s+")
        else:
            plain += re.escape(char)
    if plain:
        parts.insert(0, f"[{plain}]+")
    return re.compile("|".join(parts))


_BULLET = re.compile(r"^[-•*·‣▪]+\s*")
_URL = re.compile(r"^https?://[^\s/?#.]+\.[^\s]+$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[a-z]{2,}$", re.IGNORECASE)


_LABELLED_LINK = re.compile(r"^[-•*·‣▪]*\s*([^|\n]*\S)\s*\|\s*(\S+)\s*$")


def split_list(cell: Cell, links: bool = False) -> list[str]:
    """The items of a list cell, in order, without blanks or repeats. In a link cell a line
    "label | link" is one item, kept as written (pipeline/catalogue/site.py shows the label)."""
    text = clean_text(cell)
    if not text:
        return []
    parts: list[str] = []
    for line in text.split("\n") if links else [text]:
        labelled = _LABELLED_LINK.match(line) if links else None
        if labelled:
            parts.append(f"{labelled[1]} | {labelled[2]}")
        else:
            parts.extend(separators("links" if links else "lijsten").split(line))
    items: list[str] = []
    for part in parts:
        item = _BULLET.sub("", (part or "").strip()).strip()
        if item and item not in items:
            items.append(item)
    return items


def link_target(item: str) -> str:
    """The link of a link item: the part after " | " of "label | link", else the item."""
    return item.rpartition(" | ")[2]


@lru_cache(maxsize=CACHE_SIZE)
def parse_text_list(cell: Cell) -> Parsed:
    text = clean_text(cell)
    if text.upper() in CELL_ERRORS:
        return Parsed(None, (issue("celfout"),))
    return Parsed(split_list(cell) or None)


def is_url(text: str) -> bool:
    return bool(_URL.match(text))


@lru_cache(maxsize=CACHE_SIZE)
def parse_url_list(cell: Cell) -> Parsed:
    text = clean_text(cell)
    if text.upper() in CELL_ERRORS:
        return Parsed(None, (issue("celfout"),))
    good, issues = [], ()
    for item in split_list(cell, links=True):
        if is_url(link_target(item)):
            good.append(item)
        else:
            issues += (issue("url_ongeldig", waarde=item),)
    return Parsed(good or None, issues)


@lru_cache(maxsize=4096)
def parse_url(cell: Cell) -> Parsed:
    text = clean_text(cell)
    if not text:
        return EMPTY
    if is_url(text):
        return Parsed(text)
    return Parsed(None, (issue("url_ongeldig"),))


@lru_cache(maxsize=CACHE_SIZE)
def parse_email(cell: Cell) -> Parsed:
    text = clean_text(cell)
    if not text:
        return EMPTY
    if text.upper() in CELL_ERRORS:
        return Parsed(None, (issue("celfout"),))
    if text.casefold().startswith("mailto:"):
        text = text[7:]
    if _EMAIL.match(text):
        return Parsed(text)
    return Parsed(None, (issue("email_ongeldig"),))
