"""A local stand-in for the parts of Google Sheets API v4 and Drive API v3 the kennisbank uses.

It holds an in-memory workbook, answers in the shapes of the real recorded traffic in
../shared/reference/google-sheets-api/ (ragged rows, no ``values`` key for an empty range,
serial dates, Google's error bodies), records every request, and injects faults per endpoint:
a status (429 storms, 500, 503), a hanging response, or a truncated JSON body.

Endpoints: ``GET /v4/spreadsheets/{id}``, ``POST /v4/spreadsheets/{id}:batchUpdate``,
``GET /v4/spreadsheets/{id}/values:batchGet``, ``POST /v4/spreadsheets/{id}/values:batchUpdate``,
``GET|PUT /v4/spreadsheets/{id}/values/{range}``, ``GET /drive/v3/files/{id}`` and an OAuth
token endpoint ``POST /token`` (so a service-account key file can point its ``token_uri`` here).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

RECORDINGS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "google-sheets-api"

ERRORS = {
    400: ("INVALID_ARGUMENT", "Invalid argument."),
    401: ("UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 "
          "access token, login cookie or other valid authentication credential. See "
          "https://developers.google.com/identity/sign-in/web/devconsole-project."),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    408: ("DEADLINE_EXCEEDED", "Request timed out."),
    429: ("RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests' and limit "
          "'Read requests per minute per user' of service 'sheets.googleapis.com' for consumer "
          "'project_number:000000000000'."),
    500: ("INTERNAL", "Internal error encountered."),
    502: ("UNAVAILABLE", "Bad gateway."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
}


def error_body(code: int, message: str | None = None) -> dict[str, Any]:
    """Google's error shape, as in the recorded 403 and 404 answers."""
    status, default = ERRORS.get(code, ("UNKNOWN", "Unknown error."))
    return {"error": {"code": code, "message": message or default, "status": status}}


def dumps(body: Any) -> bytes:
    """Google pretty-prints its JSON with two spaces and a trailing newline, UTF-8 unescaped."""
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- workbook


@dataclass(frozen=True)
class DateCell:
    """A real date cell: a serial day count from 1899-12-30 and the text the sheet shows."""

    serial: int | float
    text: str


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def title_ref(title: str) -> str:
    """How Google writes a sheet title in a returned range: bare when simple, else quoted."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(
        r"[A-Za-z]{1,3}\d+", title
    ):
        return title
    return "'" + title.replace("'", "''") + "'"


def is_empty(value: Any) -> bool:
    return value is None or value == ""


EPOCH = dt.date(1899, 12, 30)


def user_entered(value: Any) -> Any:
    """The small part of USER_ENTERED parsing the recordings use: ISO dates and a/b formulas."""
    if not isinstance(value, str):
        return value
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return DateCell((dt.date.fromisoformat(value) - EPOCH).days, value)
    formula = re.fullmatch(r"=(\d+(?:\.\d+)?)([-+*/])(\d+(?:\.\d+)?)", value)
    if formula:
        a, op, b = float(formula.group(1)), formula.group(2), float(formula.group(3))
        result = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0.0}[op]
        return int(result) if result.is_integer() else result
    return value


@dataclass
class StandInSheet:
    sheet_id: int
    title: str
    index: int
    row_count: int = 1000
    column_count: int = 26
    frozen_rows: int = 0
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    validations: list[dict[str, Any]] = field(default_factory=list)
    formats: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)

    def set_rows(self, rows: list[list[Any]], top: int = 0, left: int = 0) -> None:
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.set(top + r, left + c, value)

    def set(self, r: int, c: int, value: Any) -> None:
        if is_empty(value):
            self.cells.pop((r, c), None)
        else:
            self.cells[(r, c)] = value

    def rows(self) -> list[list[Any]]:
        """All cells as a ragged list (None for empty), for assertions."""
        if not self.cells:
            return []
        height = max(r for r, _ in self.cells) + 1
        out = []
        for r in range(height):
            cols = [c for (rr, c) in self.cells if rr == r]
            width = max(cols) + 1 if cols else 0
            out.append([self.cells.get((r, c)) for c in range(width)])
        return out

    def properties(self) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.column_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        return {"sheetId": self.sheet_id, "title": self.title, "index": self.index,
                "sheetType": "GRID", "gridProperties": grid}


@dataclass
class StandInSpreadsheet:
    key: str
    title: str
    sheets: list[StandInSheet] = field(default_factory=list)
    locale: str = "nl_NL"
    time_zone: str = "Europe/Amsterdam"
    created: str = "2024-01-15T09:00:00.000Z"
    modified: str = "2024-05-01T08:00:00.000Z"
    forbidden: bool = False

    def sheet(self, title: str) -> StandInSheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise KeyError(title)

    def find(self, title: str) -> StandInSheet | None:
        for s in self.sheets:
            if s.title.casefold() == title.casefold():
                return s
        return None

    def sheet_by_id(self, sheet_id: int) -> StandInSheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def add_sheet(self, title: str, rows: list[list[Any]] | None = None, *,
                  sheet_id: int | None = None, row_count: int = 1000,
                  column_count: int = 26) -> StandInSheet:
        if sheet_id is None:
            sheet_id = 0 if not self.sheets else max(s.sheet_id for s in self.sheets) + 1000
        # Like Google, the grid always holds its data.
        width = max((len(r) for r in rows or []), default=0)
        sheet = StandInSheet(sheet_id=sheet_id, title=title, index=len(self.sheets),
                             row_count=max(row_count, len(rows or [])),
                             column_count=max(column_count, width))
        sheet.set_rows(rows or [])
        self.sheets.append(sheet)
        return sheet

    def metadata(self) -> dict[str, Any]:
        sheets = []
        for s in self.sheets:
            entry: dict[str, Any] = {"properties": s.properties()}
            if s.protected_ranges:
                entry["protectedRanges"] = copy.deepcopy(s.protected_ranges)
            if s.conditional_formats:
                entry["conditionalFormats"] = copy.deepcopy(s.conditional_formats)
            sheets.append(entry)
        return {
            "spreadsheetId": self.key,
            "properties": {"title": self.title, "locale": self.locale, "autoRecalc": "ON_CHANGE",
                           "timeZone": self.time_zone},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.key}/edit",
        }


class ApiError(Exception):
    def __init__(self, code: int, message: str | None = None):
        super().__init__(code, message)
        self.code = code
        self.message = message


# --------------------------------------------------------------------------- A1 ranges


def split_a1(a1: str) -> tuple[str, str]:
    if a1.startswith("'"):
        i = 1
        while i < len(a1):
            if a1[i] == "'":
                if a1[i + 1:i + 2] == "'":
                    i += 2
                    continue
                break
            i += 1
        return a1[1:i].replace("''", "'"), a1[i + 1:].lstrip("!")
    if "!" in a1:
        title, cells = a1.rsplit("!", 1)
        return title, cells
    return a1, ""


def resolve_range(book: StandInSpreadsheet, a1: str, *, clip: bool = True
                  ) -> tuple[StandInSheet, int, int, int, int, bool]:
    """(sheet, r0, r1, c0, c1, single_cell); half-open, 0-based, bounded by the grid."""
    title, cells = split_a1(a1)
    sheet = book.find(title)
    if sheet is None:
        raise ApiError(400, f"Unable to parse range: {a1}")
    if not cells:
        return sheet, 0, sheet.row_count, 0, sheet.column_count, False
    parts = cells.split(":")
    m1 = re.fullmatch(r"([A-Za-z]*)(\d*)", parts[0])
    m2 = re.fullmatch(r"([A-Za-z]*)(\d*)", parts[1]) if len(parts) == 2 else None
    if not m1 or (len(parts) == 2 and not m2) or len(parts) > 2:
        raise ApiError(400, f"Unable to parse range: {a1}")
    c0 = column_index(m1.group(1)) if m1.group(1) else 0
    r0 = int(m1.group(2)) - 1 if m1.group(2) else 0
    if m2 is None:
        single = True
        r1, c1 = r0 + 1, c0 + 1
    else:
        single = False
        c1 = column_index(m2.group(1)) + 1 if m2.group(1) else sheet.column_count
        r1 = int(m2.group(2)) if m2.group(2) else sheet.row_count
    if clip and (r1 > sheet.row_count or c1 > sheet.column_count):
        raise ApiError(400, f"Range ({title_ref(sheet.title)}!{cells}) exceeds grid limits. "
                            f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}")
    return sheet, r0, r1, c0, c1, single


def a1_of(sheet: StandInSheet, r0: int, r1: int, c0: int, c1: int) -> str:
    return f"{title_ref(sheet.title)}!{column_letter(c0)}{r0 + 1}:{column_letter(c1 - 1)}{r1}"


def render(value: Any, value_option: str, date_option: str) -> Any:
    if is_empty(value):
        return ""
    formatted = value_option == "FORMATTED_VALUE"
    if isinstance(value, DateCell):
        if formatted or date_option == "FORMATTED_STRING":
            return value.text
        return value.serial
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if formatted else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)):
        return format(value, "g") if formatted and isinstance(value, float) else (
            str(value) if formatted else value)
    return value


def value_range(sheet: StandInSheet, r0: int, r1: int, c0: int, c1: int,
                value_option: str, date_option: str, major: str = "ROWS") -> dict[str, Any]:
    rows = []
    for r in range(r0, r1):
        row = [render(sheet.cells.get((r, c)), value_option, date_option) for c in range(c0, c1)]
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    if major == "COLUMNS":
        width = max((len(r) for r in rows), default=0)
        rows = [[row[c] if c < len(row) else "" for row in rows] for c in range(width)]
        for col in rows:
            while col and col[-1] == "":
                col.pop()
    out: dict[str, Any] = {"range": a1_of(sheet, r0, r1, c0, c1), "majorDimension": major}
    if rows:
        out["values"] = rows
    return out


# --------------------------------------------------------------------------- faults, records


@dataclass(frozen=True)
class Fault:
    status: int | None = None  # answer with this status and Google's error body
    hang: float | None = None  # wait this long (or until the stand-in stops) before answering
    truncate: bool = False  # answer 200 with the first half of the JSON body
    retry_after: float | None = None
    body: bytes | None = None  # a raw body instead of Google's error body


@dataclass
class Recorded:
    method: str
    kind: str
    path: str  # decoded
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]
    raw_path: str
    status: int = 0
    response_bytes: int = 0


ROUTES = [
    ("GET", re.compile(r"^/v4/spreadsheets/([^/:]+)$"), "metadata"),
    ("POST", re.compile(r"^/v4/spreadsheets/([^/:]+):batchUpdate$"), "batchUpdate"),
    ("GET", re.compile(r"^/v4/spreadsheets/([^/:]+)/values:batchGet$"), "values.batchGet"),
    ("POST", re.compile(r"^/v4/spreadsheets/([^/:]+)/values:batchUpdate$"), "values.batchUpdate"),
    ("GET", re.compile(r"^/v4/spreadsheets/([^/:]+)/values/([^/:]+)$"), "values.get"),
    ("PUT", re.compile(r"^/v4/spreadsheets/([^/:]+)/values/([^/:]+)$"), "values.update"),
    ("POST", re.compile(r"^/v4/spreadsheets/([^/:]+)/values/([^/:]+):clear$"), "values.clear"),
    ("GET", re.compile(r"^/drive/v3/files/([^/:]+)$"), "drive.files.get"),
    ("POST", re.compile(r"^/token$"), "token"),
]


class SheetsStandIn:
    """Start with ``SheetsStandIn().start()``; ``url`` is KENNISBANK_SHEETS_ENDPOINT's value."""

    def __init__(self) -> None:
        self.books: dict[str, StandInSpreadsheet] = {}
        self.requests: list[Recorded] = []
        self.faults: dict[str, deque[Fault]] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.tokens_issued = 0
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- lifecycle
    def start(self) -> "SheetsStandIn":
        standin = self

        class Handler(_Handler):
            owner = standin

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    def env(self, **extra: str) -> dict[str, str]:
        return {"KENNISBANK_SHEETS_ENDPOINT": self.url, **extra}

    # -- workbook
    def add_spreadsheet(self, key: str, title: str, tabs: dict[str, list[list[Any]]] | None = None,
                        **kwargs: Any) -> StandInSpreadsheet:
        book = StandInSpreadsheet(key=key, title=title, **kwargs)
        for tab, rows in (tabs or {}).items():
            book.add_sheet(tab, rows)
        self.books[key] = book
        return book

    # -- faults and records
    def fail(self, kind: str, *faults: Fault | int) -> None:
        """Queue faults for requests of this kind ("*" for any); each request uses up one."""
        queue = self.faults.setdefault(kind, deque())
        for f in faults:
            queue.append(Fault(status=f) if isinstance(f, int) else f)

    def kinds(self) -> list[str]:
        return [r.kind for r in self.requests if r.kind != "token"]

    def calls(self, kind: str) -> list[Recorded]:
        return [r for r in self.requests if r.kind == kind]

    def _next_fault(self, kind: str) -> Fault | None:
        with self.lock:
            for k in (kind, "*") if kind != "token" else (kind,):
                queue = self.faults.get(k)
                if queue:
                    return queue.popleft()
        return None

    # -- API
    def handle(self, kind: str, match: re.Match, query: dict[str, list[str]], body: Any
               ) -> tuple[int, Any]:
        if kind == "token":
            with self.lock:
                self.tokens_issued += 1
                n = self.tokens_issued
            return 200, {"access_token": f"standin-token-{n}", "expires_in": 3599,
                         "token_type": "Bearer"}
        book = self.books.get(unquote(match.group(1)))
        if kind == "drive.files.get":
            return self._drive_get(book, unquote(match.group(1)), query)
        if book is None:
            raise ApiError(404)
        if book.forbidden:
            raise ApiError(403)
        with self.lock:
            if kind == "metadata":
                return 200, book.metadata()
            if kind == "values.batchGet":
                return 200, self._batch_get(book, query)
            if kind == "values.get":
                return 200, self._get(book, unquote(match.group(2)), query)
            if kind == "values.update":
                option = query.get("valueInputOption", ["RAW"])[0]
                return 200, self._update(book, unquote(match.group(2)), body or {}, option)
            if kind == "values.batchUpdate":
                return 200, self._values_batch_update(book, body or {})
            if kind == "values.clear":
                return 200, self._clear(book, unquote(match.group(2)))
            if kind == "batchUpdate":
                return 200, self._batch_update(book, body or {})
        raise ApiError(404)

    @staticmethod
    def _options(query: dict[str, list[str]]) -> tuple[str, str, str]:
        return (query.get("valueRenderOption", ["FORMATTED_VALUE"])[0],
                query.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0],
                query.get("majorDimension", ["ROWS"])[0])

    def _get(self, book: StandInSpreadsheet, a1: str, query: dict[str, list[str]]) -> dict:
        sheet, r0, r1, c0, c1, _ = resolve_range(book, a1)
        return value_range(sheet, r0, r1, c0, c1, *self._options(query))

    def _batch_get(self, book: StandInSpreadsheet, query: dict[str, list[str]]) -> dict:
        ranges = [self._get(book, a1, query) for a1 in query.get("ranges", [])]
        return {"spreadsheetId": book.key, "valueRanges": ranges}

    def _write(self, book: StandInSpreadsheet, a1: str, values: list[list[Any]],
               major: str = "ROWS", option: str = "RAW") -> dict[str, Any]:
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, f"Invalid value at 'value_input_option' ({option})")
        sheet, r0, r1, c0, c1, single = resolve_range(book, a1)
        if major == "COLUMNS":
            width = max((len(v) for v in values), default=0)
            values = [[col[r] if r < len(col) else None for col in values] for r in range(width)]
        height = len(values)
        width = max((len(v) for v in values), default=0)
        if single:
            r1, c1 = r0 + height, c0 + width
        if height > r1 - r0 or width > c1 - c0:
            raise ApiError(400, f"Requested writing within range [{a1}], but tried writing to "
                                f"row [{r0 + height}]")
        if r0 + height > sheet.row_count or c0 + width > sheet.column_count:
            raise ApiError(400, f"Range ({a1}) exceeds grid limits. Max rows: "
                                f"{sheet.row_count}, max columns: {sheet.column_count}")
        cells = 0
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if value is None:
                    continue
                sheet.set(r0 + r, c0 + c, user_entered(value) if option == "USER_ENTERED"
                          else value)
                cells += 1
        return {"spreadsheetId": book.key,
                "updatedRange": a1_of(sheet, r0, r0 + max(height, 1), c0, c0 + max(width, 1)),
                "updatedRows": height, "updatedColumns": width, "updatedCells": cells}

    def _update(self, book: StandInSpreadsheet, a1: str, body: dict, option: str) -> dict:
        return self._write(book, a1, body.get("values", []), body.get("majorDimension") or "ROWS",
                           option)

    def _clear(self, book: StandInSpreadsheet, a1: str) -> dict:
        sheet, r0, r1, c0, c1, _ = resolve_range(book, a1)
        for (r, c) in list(sheet.cells):
            if r0 <= r < r1 and c0 <= c < c1:
                del sheet.cells[(r, c)]
        return {"spreadsheetId": book.key, "clearedRange": a1_of(sheet, r0, r1, c0, c1)}

    def _values_batch_update(self, book: StandInSpreadsheet, body: dict) -> dict:
        saved = copy.deepcopy(book.sheets)
        try:
            responses = [self._write(book, d["range"], d.get("values", []),
                                     d.get("majorDimension") or "ROWS",
                                     body.get("valueInputOption", ""))
                         for d in body.get("data", [])]
        except ApiError:
            book.sheets = saved
            raise
        return {"spreadsheetId": book.key,
                "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
                "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
                "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                "totalUpdatedSheets": len({r["updatedRange"].split("!")[0] for r in responses}),
                "responses": responses}

    def _drive_get(self, book: StandInSpreadsheet | None, key: str, query: dict) -> tuple:
        if book is None or book.forbidden:
            raise ApiError(404, f"File not found: {key}.")
        full = {"id": book.key, "name": book.title, "createdTime": book.created,
                "modifiedTime": book.modified}
        wanted = query.get("fields", ["id,name,createdTime,modifiedTime"])[0].split(",")
        return 200, {k: full[k] for k in wanted if k in full}

    # -- spreadsheets.batchUpdate
    def _batch_update(self, book: StandInSpreadsheet, body: dict) -> dict:
        saved = copy.deepcopy(book.sheets)
        replies = []
        try:
            for i, request in enumerate(body.get("requests", [])):
                if len(request) != 1:
                    raise ApiError(400, f"Invalid requests[{i}]: exactly one kind expected")
                (name, params), = request.items()
                handler = getattr(self, "_req_" + name, None)
                if handler is None:
                    raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{name}\" "
                                        f"at 'requests[{i}]': Cannot find field.")
                replies.append(handler(book, params, f"requests[{i}].{name}"))
        except ApiError:
            book.sheets = saved
            raise
        return {"spreadsheetId": book.key, "replies": replies}

    def _grid_sheet(self, book: StandInSpreadsheet, grid: dict, where: str) -> StandInSheet:
        sheet = book.sheet_by_id(grid.get("sheetId", 0))
        if sheet is None:
            raise ApiError(400, f"Invalid {where}: No grid with id: {grid.get('sheetId', 0)}")
        for key, limit in (("endRowIndex", sheet.row_count), ("endColumnIndex", sheet.column_count),
                           ("startRowIndex", sheet.row_count - 1),
                           ("startColumnIndex", sheet.column_count - 1)):
            if key in grid and grid[key] > limit:
                raise ApiError(400, f"Invalid {where}: Range ({sheet.title}) exceeds grid "
                                    f"limits. Max rows: {sheet.row_count}, max columns: "
                                    f"{sheet.column_count}")
        return sheet

    def _req_addSheet(self, book: StandInSpreadsheet, params: dict, where: str) -> dict:
        props = params.get("properties", {})
        title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
        if book.find(title):
            raise ApiError(400, f"Invalid {where}: A sheet with the name \"{title}\" already "
                                "exists. Please enter another name.")
        sheet_id = props.get("sheetId")
        if sheet_id is not None and book.sheet_by_id(sheet_id):
            raise ApiError(400, f"Invalid {where}: Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties", {})
        sheet = book.add_sheet(title, sheet_id=sheet_id if sheet_id is not None else
                               max([s.sheet_id for s in book.sheets] + [0]) + 7,
                               row_count=grid.get("rowCount", 1000),
                               column_count=grid.get("columnCount", 26))
        sheet.frozen_rows = grid.get("frozenRowCount", 0)
        return {"addSheet": {"properties": sheet.properties()}}

    def _req_updateSheetProperties(self, book: StandInSpreadsheet, params: dict, where: str
                                   ) -> dict:
        props = params.get("properties", {})
        sheet = self._grid_sheet(book, {"sheetId": props.get("sheetId", 0)}, where)
        for path in params.get("fields", "").replace("/", ".").split(","):
            path = path.strip()
            grid = props.get("gridProperties", {})
            if path == "title":
                other = book.find(props["title"])
                if other and other is not sheet:
                    raise ApiError(400, f"Invalid {where}: A sheet with the name "
                                        f"\"{props['title']}\" already exists.")
                sheet.title = props["title"]
            elif path == "gridProperties.frozenRowCount":
                sheet.frozen_rows = grid.get("frozenRowCount", 0)
            elif path == "gridProperties.rowCount":
                sheet.row_count = grid["rowCount"]
            elif path == "gridProperties.columnCount":
                sheet.column_count = grid["columnCount"]
            else:
                raise ApiError(400, f"Invalid {where}: unsupported field {path}")
        return {}

    def _req_updateSpreadsheetProperties(self, book: StandInSpreadsheet, params: dict,
                                         where: str) -> dict:
        if params.get("fields") != "title":
            raise ApiError(400, f"Invalid {where}: unsupported fields {params.get('fields')}")
        book.title = params["properties"]["title"]
        return {}

    def _req_deleteSheet(self, book: StandInSpreadsheet, params: dict, where: str) -> dict:
        sheet = self._grid_sheet(book, {"sheetId": params.get("sheetId")}, where)
        book.sheets.remove(sheet)
        for i, s in enumerate(book.sheets):
            s.index = i
        return {}

    def _req_appendDimension(self, book: StandInSpreadsheet, params: dict, where: str) -> dict:
        sheet = self._grid_sheet(book, {"sheetId": params.get("sheetId", 0)}, where)
        if params.get("dimension") == "ROWS":
            sheet.row_count += params["length"]
        else:
            sheet.column_count += params["length"]
        return {}

    def _req_updateCells(self, book: StandInSpreadsheet, params: dict, where: str) -> dict:
        start = params["start"]
        sheet = self._grid_sheet(book, start, where)
        fields = {f.strip() for f in params.get("fields", "").split(",")}
        for r, row in enumerate(params.get("rows", [])):
            for c, cell in enumerate(row.get("values", [])):
                rr, cc = start.get("rowIndex", 0) + r, start.get("columnIndex", 0) + c
                if rr >= sheet.row_count or cc >= sheet.column_count:
                    raise ApiError(400, f"Invalid {where}: Range exceeds grid limits. Max rows: "
                                        f"{sheet.row_count}, max columns: {sheet.column_count}")
                if "note" in fields:
                    if cell.get("note"):
                        sheet.notes[(rr, cc)] = cell["note"]
                    else:
                        sheet.notes.pop((rr, cc), None)
                if "userEnteredValue" in fields:
                    value = cell.get("userEnteredValue") or {}
                    sheet.set(rr, cc, next(iter(value.values()), None))
        return {}

    def _req_repeatCell(self, book: StandInSpreadsheet, params: dict, where: str) -> dict:
        sheet = self._grid_sheet(book, params["range"], where)
        sheet.formats.append(copy.deepcopy(params))
        return {}

    def _req_setDataValidation(self, book: StandInSpreadsheet, params: dict, where: str) -> dict:
        sheet = self._grid_sheet(book, params["range"], where)
        sheet.validations.append(copy.deepcopy(params))
        return {}

    def _req_addConditionalFormatRule(self, book: StandInSpreadsheet, params: dict,
                                      where: str) -> dict:
        rule = copy.deepcopy(params["rule"])
        sheets = {id(self._grid_sheet(book, grid, where)): grid for grid in rule["ranges"]}
        if len(sheets) != 1:
            raise ApiError(400, f"Invalid {where}: All ranges must be on the same sheet.")
        sheet = self._grid_sheet(book, rule["ranges"][0], where)
        if params.get("index", 0) > len(sheet.conditional_formats):
            raise ApiError(400, f"Invalid {where}: index out of bounds")
        sheet.conditional_formats.insert(params.get("index", 0), rule)
        return {}

    def _req_addProtectedRange(self, book: StandInSpreadsheet, params: dict, where: str) -> dict:
        protected = copy.deepcopy(params["protectedRange"])
        sheet = self._grid_sheet(book, protected["range"], where)
        protected["protectedRangeId"] = 1_000_000 + sum(
            len(s.protected_ranges) for s in book.sheets)
        sheet.protected_ranges.append(protected)
        return {"addProtectedRange": {"protectedRange": protected}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    owner: SheetsStandIn

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        owner = self.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        kind, match = "unknown", None
        for m, pattern, name in ROUTES:
            found = pattern.match(parts.path)
            if found and m == method:
                kind, match = name, found
                break
        try:
            body = json.loads(raw) if raw and kind != "token" else (raw.decode() or None)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.record = Recorded(
            method=method, kind=kind, path=unquote(parts.path), query=query, body=body,
            headers={k.lower(): v for k, v in self.headers.items()}, raw_path=self.path)
        with owner.lock:
            owner.requests.append(self.record)
        fault = owner._next_fault(kind)
        if fault and fault.hang:
            owner.stopping.wait(fault.hang)
        if fault and fault.status:
            payload = fault.body if fault.body is not None else dumps(error_body(fault.status))
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after else {}
            return self._send(fault.status, payload, headers)
        if match is None:
            return self._send(404, dumps(error_body(404)))
        try:
            status, answer = owner.handle(kind, match, query, body)
        except ApiError as err:
            return self._send(err.code, dumps(error_body(err.code, err.message)))
        payload = dumps(answer)
        if fault and fault.truncate:
            payload = payload[: len(payload) // 2]
        self._send(status, payload)

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.record.status, self.record.response_bytes = status, len(payload)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass


# --------------------------------------------------------------------------- recordings


def load_recording(name: str) -> list[dict[str, Any]]:
    """The interactions of one cassette from ../shared/reference/google-sheets-api/."""
    with open(RECORDINGS / name, encoding="utf-8") as fh:
        return json.load(fh)["interactions"]
