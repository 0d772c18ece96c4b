"""Google Sheets as a source: read every tab in as few calls as possible, write the status back.

The only module (with sheet_init) that talks to Google. It drives gspread's own HTTPClient
methods (``fetch_sheet_metadata``, ``values_batch_get``, ``values_update``, ``batch_update``)
through :class:`BoundedRetryHTTPClient`, which adds what gspread 6.2.1 lacks: a fixed number of
attempts, exponential backoff with jitter, an overall deadline, a timeout on every request and a
pace that stays inside the per-user quota.

A normal run costs two requests: one ``spreadsheets.get`` (metadata, no grid data) and one
``values:batchGet`` with one range per tab. A tab too large for one response of about 2 MB is
read in row-range chunks (see :class:`ReadPlan`).

Render options (stored in the snapshot as ``render_opties``): ``UNFORMATTED_VALUE`` with
``SERIAL_NUMBER``. Numbers arrive as JSON numbers, not as strings formatted in the sheet's locale
(``1.250,50`` or ``1,250.50`` depending on who made the sheet), and a real date cell arrives as a
day count from 1899-12-30 whatever its display format, so a date is never misread day/month-first.
Text that merely looks like a date or an amount stays text and is parsed by normalise, which
reports what it cannot read.

Authentication is chosen by the environment (never by code):

* ``KENNISBANK_GOOGLE_CREDENTIALS`` or ``GOOGLE_APPLICATION_CREDENTIALS``: path to a service
  account key file (read-only scopes unless writing) or an OAuth authorized-user file;
* ``KENNISBANK_GOOGLE_API_KEY``: an API key, for a sheet shared as "anyone with the link"
  (read only; sent in the ``X-Goog-Api-Key`` header, never in a URL);
* ``KENNISBANK_SHEETS_ENDPOINT``: replaces ``https://sheets.googleapis.com`` and
  ``https://www.googleapis.com`` (an emulator, a proxy, the tests' stand-in); with it and no
  credentials the requests go out without authorisation.

Secrets (key file contents, tokens, the API key) never appear in messages or snapshots.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import parse_qs, urlsplit

import gspread
import requests
from google.auth import exceptions as auth_exceptions
from google.auth.transport.requests import AuthorizedSession
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from pipeline import nl
from pipeline.contract.config import header_key
from pipeline.errors import SourceError
from pipeline.sources.snapshot import Snapshot, Tab, utc_now

SHEETS_BASE = "https://sheets.googleapis.com"
DRIVE_BASE = "https://www.googleapis.com"
SHEET_URL = "https://docs.google.com/spreadsheets/d/{key}/edit"

ENV_CREDENTIALS = ("KENNISBANK_GOOGLE_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS")
ENV_API_KEY = "KENNISBANK_GOOGLE_API_KEY"
ENV_ENDPOINT = "KENNISBANK_SHEETS_ENDPOINT"

SCOPE_SHEETS_READ = "https://www.googleapis.com/auth/spreadsheets.readonly"
SCOPE_SHEETS_WRITE = "https://www.googleapis.com/auth/spreadsheets"
SCOPE_DRIVE_METADATA = "https://www.googleapis.com/auth/drive.metadata.readonly"

RENDER_OPTIONS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}

DEFAULT_TABS = ("Acties", "Bibliotheken", "Keuzelijsten")
DEFAULT_REQUIRED = ("Acties", "Bibliotheken")

_KEY_RE = r"[A-Za-z0-9_-]+"
_URL_RE = re.compile(
    r"^https?://docs\.google\.com/spreadsheets/(?:u/\d+/)?d/(" + _KEY_RE + r")(?:[/?#].*)?$",
    re.IGNORECASE,
)
_PUBLISHED_RE = re.compile(r"^https?://docs\.google\.com/spreadsheets/(?:u/\d+/)?d/e/", re.I)
_OLD_URL_RE = re.compile(r"^https?://docs\.google\.com/spreadsheet/ccc\?", re.IGNORECASE)


# --------------------------------------------------------------------------- source names


def parse_key(source: str) -> str:
    """The spreadsheet key of a ``gsheet:KEY`` source or a Google Sheets URL."""
    text = str(source).strip()
    if text.lower().startswith("gsheet:"):
        key = text[len("gsheet:"):].strip()
        if re.fullmatch(_KEY_RE, key):
            return key
        raise SourceError(f"Ongeldige Google Sheet-sleutel in '{text}': verwacht gsheet:SLEUTEL.")
    if _PUBLISHED_RE.match(text):
        raise SourceError(
            "Dit is een link van 'Publiceren op internet'; die kan de kennisbank niet lezen. "
            "Gebruik de gewone link uit de adresbalk (https://docs.google.com/spreadsheets/d/…)."
        )
    match = _URL_RE.match(text)
    if match:
        return match.group(1)
    if _OLD_URL_RE.match(text):
        key = parse_qs(urlsplit(text).query).get("key", [""])[0]
        if re.fullmatch(_KEY_RE, key):
            return key
    raise SourceError(
        f"'{text}' is geen Google Sheet: gebruik https://docs.google.com/spreadsheets/d/SLEUTEL/… "
        "of gsheet:SLEUTEL."
    )


def sheet_url(key: str) -> str:
    return SHEET_URL.format(key=key)


# --------------------------------------------------------------------------- HTTP client


@dataclass
class RetryPolicy:
    """How hard to try. ``deadline`` bounds one logical request including its waits."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 32.0
    deadline: float = 100.0
    timeout: tuple[float, float] = (10.0, 60.0)  # connect, read (seconds)
    requests_per_minute: int = 50  # Google allows 60 reads and 60 writes per minute per user
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    rng: Any = field(default_factory=random.Random, repr=False)

    def backoff(self, retry: int, retry_after: float | None = None) -> float:
        """Wait before retry number ``retry`` (1-based): equal jitter on 2**(retry-1) x base."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        delay = self.rng.uniform(ceiling / 2, ceiling)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_delay))
        return delay


class RateLimiter:
    """At most ``per_minute`` requests in any sliding 60-second window."""

    def __init__(self, per_minute: int, clock: Callable[[], float], sleep: Callable[[float], None]):
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self.sent: deque[float] = deque()

    def wait(self) -> None:
        while True:
            now = self.clock()
            while self.sent and self.sent[0] <= now - 60.0:
                self.sent.popleft()
            if len(self.sent) < self.per_minute:
                self.sent.append(now)
                return
            self.sleep(self.sent[0] + 60.0 - now)


class RequestFailed(Exception):
    """A request that still failed after the retries (kind: http, timeout, connection, json)."""

    def __init__(self, kind: str, status: int | None, attempts: int, url: str, message: str = ""):
        super().__init__(kind, status, attempts)
        self.kind = kind
        self.status = status
        self.attempts = attempts
        self.url = url
        self.message = message


class LoginFailed(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _retry_after(response: requests.Response | None) -> float | None:
    if response is None:
        return None
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _is_rate_limit_403(response: requests.Response) -> bool:
    """Drive answers quota exhaustion with 403 and reason rateLimitExceeded."""
    try:
        errors = response.json()["error"].get("errors") or []
    except Exception:
        return False
    return any(
        e.get("reason") in ("rateLimitExceeded", "userRateLimitExceeded")
        or e.get("domain") == "usageLimits"
        for e in errors
        if isinstance(e, dict)
    )


def _google_message(response: requests.Response | None) -> str:
    if response is None:
        return ""
    try:
        return str(response.json()["error"]["message"])[:300]
    except Exception:
        return ""


class BoundedRetryHTTPClient(HTTPClient):
    """gspread's HTTPClient with bounded retries, a timeout, pacing and a base-URL override."""

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        policy: RetryPolicy | None = None,
        endpoint: str | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        if session is None:
            if auth is not None:
                session = AuthorizedSession(auth, refresh_timeout=self.policy.timeout[1])
            else:
                session = requests.Session()
        super().__init__(auth, session)
        self.auth = auth
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.timeout = self.policy.timeout
        self.limiter = RateLimiter(
            self.policy.requests_per_minute, self.policy.clock, self.policy.sleep
        )
        self.last_response_bytes = 0

    def rewrite(self, url: str) -> str:
        if self.endpoint:
            for base in (SHEETS_BASE, DRIVE_BASE):
                if url.startswith(base + "/"):
                    return self.endpoint + url[len(base):]
        return url

    def request(  # type: ignore[override]
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: Any = None,
    ) -> requests.Response:
        policy = self.policy
        url = self.rewrite(endpoint)
        started = policy.clock()
        kind, status, message = "connection", None, ""
        attempt = 0
        for attempt in range(1, policy.attempts + 1):
            self.limiter.wait()
            response = None
            try:
                response = self.session.request(
                    method=method, url=url, params=params, data=data, json=json,
                    files=files, headers=headers, timeout=self.timeout,
                )
            except requests.Timeout:
                kind, status = "timeout", None
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                    auth_exceptions.TransportError):
                kind, status = "connection", None
            except auth_exceptions.RefreshError as err:
                if not getattr(err, "retryable", False):
                    raise LoginFailed(str(err.args[0] if err.args else err)[:200]) from None
                kind, status = "connection", None
            else:
                if response.ok:
                    if _json_body_ok(response):
                        self.last_response_bytes = len(response.content)
                        return response
                    if method.upper() != "GET":
                        raise RequestFailed("json", response.status_code, attempt, url)
                    kind, status = "json", response.status_code
                elif response.status_code in (408, 429) or response.status_code >= 500 or (
                    response.status_code == 403 and _is_rate_limit_403(response)
                ):
                    kind, status = "http", response.status_code
                    message = _google_message(response)
                else:
                    raise APIError(response)
            if attempt == policy.attempts:
                break
            delay = policy.backoff(attempt, _retry_after(response))
            if policy.clock() - started + delay > policy.deadline:
                break
            policy.sleep(delay)
        raise RequestFailed(kind, status, attempt, url, message)


def _json_body_ok(response: requests.Response) -> bool:
    if not response.content:
        return True
    try:
        json.loads(response.content)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- authentication


@dataclass(frozen=True)
class Access:
    """How we identify ourselves to Google. Never holds a secret in a printable field."""

    kind: str  # serviceaccount | gebruiker | apisleutel | anoniem | sessie | credentials
    credentials: Any = field(default=None, repr=False)
    session: requests.Session | None = field(default=None, repr=False)
    account: str | None = None
    origin: str = ""


def scopes_for(write: bool, drive_metadata: bool = False) -> list[str]:
    scopes = [SCOPE_SHEETS_WRITE if write else SCOPE_SHEETS_READ]
    if drive_metadata:
        scopes.append(SCOPE_DRIVE_METADATA)
    return scopes


def resolve_access(
    env: Mapping[str, str],
    *,
    write: bool = False,
    drive_metadata: bool = False,
    session: requests.Session | None = None,
    credentials: Any = None,
) -> Access:
    """Pick the authentication from the environment (or from explicit test arguments)."""
    if credentials is not None:
        account = getattr(credentials, "service_account_email", None)
        return Access("serviceaccount" if account else "credentials", credentials=credentials,
                      account=account)
    if session is not None:
        return Access("sessie", session=session)
    for var in ENV_CREDENTIALS:
        path = env.get(var, "").strip()
        if path:
            return _access_from_file(var, path, write=write, drive_metadata=drive_metadata)
    api_key = env.get(ENV_API_KEY, "").strip()
    if api_key:
        if write:
            raise SourceError(
                "Schrijven in de sheet kan niet met alleen een API-sleutel "
                f"({ENV_API_KEY}). Gebruik een serviceaccount met bewerkrechten of een OAuth-inlog "
                f"({ENV_CREDENTIALS[0]} of {ENV_CREDENTIALS[1]})."
            )
        keyed = requests.Session()
        keyed.headers["X-Goog-Api-Key"] = api_key
        return Access("apisleutel", session=keyed, origin=ENV_API_KEY)
    if env.get(ENV_ENDPOINT, "").strip():
        return Access("anoniem", session=requests.Session(), origin=ENV_ENDPOINT)
    raise SourceError(
        f"Geen Google-inloggegevens gevonden. Zet {ENV_CREDENTIALS[1]} of {ENV_CREDENTIALS[0]} op "
        "het pad van een serviceaccount- of OAuth-bestand, of zet "
        f"{ENV_API_KEY} voor een sheet die gedeeld is met iedereen met de link."
    )


def _access_from_file(var: str, path: str, *, write: bool, drive_metadata: bool) -> Access:
    from google.oauth2 import credentials as user_credentials
    from google.oauth2 import service_account

    if not os.path.isfile(path):
        raise SourceError(f"Het bestand met Google-inloggegevens uit {var} bestaat niet: {path}")
    try:
        with open(path, encoding="utf-8") as fh:
            info = json.load(fh)
    except (OSError, ValueError):
        raise SourceError(
            f"Het bestand met Google-inloggegevens uit {var} is geen leesbaar JSON-bestand: {path}"
        ) from None
    kind = info.get("type") if isinstance(info, dict) else None
    try:
        if kind == "service_account":
            creds = service_account.Credentials.from_service_account_info(
                info, scopes=scopes_for(write, drive_metadata)
            )
            return Access("serviceaccount", credentials=creds,
                          account=creds.service_account_email, origin=var)
        if kind == "authorized_user":
            creds = user_credentials.Credentials.from_authorized_user_info(info)
            return Access("gebruiker", credentials=creds, origin=var)
    except (ValueError, KeyError, TypeError):
        raise SourceError(
            f"Het bestand met Google-inloggegevens uit {var} is onvolledig of beschadigd: {path}"
        ) from None
    shown = kind if isinstance(kind, str) else "onbekend"
    raise SourceError(
        f"Het bestand uit {var} is geen serviceaccount- of OAuth-gebruikersbestand "
        f"(type '{shown[:40]}'): {path}"
    )


# --------------------------------------------------------------------------- connection


@dataclass
class Connection:
    key: str
    http: BoundedRetryHTTPClient
    access: Access
    write: bool = False


def connect(
    source: str,
    *,
    write: bool = False,
    drive_metadata: bool = False,
    env: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
    credentials: Any = None,
    policy: RetryPolicy | None = None,
) -> Connection:
    """A gspread client for this source, with the authentication the environment provides."""
    key = parse_key(source)
    env = os.environ if env is None else env
    endpoint = env.get(ENV_ENDPOINT, "").strip() or None
    if endpoint and not re.match(r"^https?://[^/\s]+", endpoint):
        raise SourceError(f"{ENV_ENDPOINT} moet met http:// of https:// beginnen: '{endpoint}'.")
    access = resolve_access(env, write=write, drive_metadata=drive_metadata, session=session,
                            credentials=credentials)
    client = gspread.Client(
        access.credentials,
        session=access.session,
        http_client=functools.partial(BoundedRetryHTTPClient, policy=policy, endpoint=endpoint),
    )
    return Connection(key=key, http=client.http_client, access=access, write=write)


def _poging(n: int) -> str:
    return f"{n} poging" if n == 1 else f"{n} pogingen"


def _seconds(value: float) -> str:
    return nl.number(value)


def translate_error(err: Exception, conn: Connection) -> SourceError:
    """A Dutch message for a failed Google request; never contains a secret."""
    key = conn.key
    if isinstance(err, LoginFailed):
        return SourceError(
            f"Inloggen bij Google met de inloggegevens uit {conn.access.origin or 'de omgeving'} "
            f"is mislukt: {err.reason}"
        )
    if isinstance(err, RequestFailed):
        tries = _poging(err.attempts)
        if err.kind == "timeout":
            return SourceError(
                f"Google Sheets antwoordde niet binnen {_seconds(conn.http.timeout[1])} seconden "
                f"({tries}). Probeer het later opnieuw."
            )
        if err.kind == "connection":
            host = urlsplit(err.url).netloc
            return SourceError(
                f"Kan Google Sheets niet bereiken op {host} ({tries}). Controleer de "
                f"internetverbinding of {ENV_ENDPOINT} en probeer het opnieuw."
            )
        if err.kind == "json":
            return SourceError(
                f"Google Sheets gaf een onleesbaar antwoord (geen geldige JSON, {tries}). "
                "Probeer het later opnieuw."
            )
        if err.status == 429 or err.status == 403:
            return SourceError(
                f"Google Sheets weigert tijdelijk meer verzoeken: het quotum is op "
                f"(HTTP {err.status}, {tries}). Probeer het over een paar minuten opnieuw."
            )
        return SourceError(
            f"Google Sheets is tijdelijk niet beschikbaar (HTTP {err.status}, {tries}). "
            "Probeer het later opnieuw."
        )
    if isinstance(err, APIError):
        status = err.response.status_code
        message = _google_message(err.response)
        if status == 404:
            return SourceError(
                f"Google Sheet niet gevonden: er is geen spreadsheet met sleutel '{key}'. "
                "Controleer de link (het deel tussen /d/ en /edit)."
            )
        if status == 403:
            return _forbidden(conn, message, err.response)
        if status == 400 and message.startswith("Unable to parse range") and not conn.write:
            return SourceError(
                f"Een tabblad van Google Sheet '{key}' is tijdens het lezen verwijderd of "
                f"hernoemd ({message}). Er is niets gepubliceerd of gewijzigd; probeer het "
                "opnieuw."
            )
        if status == 401:
            return SourceError(
                "Google weigert de inloggegevens (HTTP 401): ze zijn ongeldig of verlopen. "
                f"Controleer {conn.access.origin or 'de inloggegevens'}."
            )
        return SourceError(f"Google Sheets weigerde het verzoek (HTTP {status}): {message}")
    raise err


def _forbidden(conn: Connection, message: str, response: requests.Response) -> SourceError:
    key = conn.key
    if "has not been used in project" in message or "SERVICE_DISABLED" in response.text[:4000]:
        return SourceError(
            "De Google Sheets API staat niet aan in het Google Cloud-project van deze "
            "inloggegevens. Zet de API aan in de Google Cloud Console en probeer het opnieuw."
        )
    access = conn.access
    if access.kind == "serviceaccount" and access.account:
        role = "bewerker" if conn.write else "lezer"
        return SourceError(
            f"Geen toegang tot Google Sheet '{key}'. Deel de sheet met het serviceaccount "
            f"{access.account} (als {role}) en probeer het opnieuw."
        )
    if access.kind == "gebruiker":
        verb = "bewerken" if conn.write else "lezen"
        return SourceError(
            f"Geen toegang tot Google Sheet '{key}'. Het Google-account uit {access.origin} mag "
            f"deze sheet niet {verb}; vraag de eigenaar de sheet met dat account te delen."
        )
    if access.kind == "apisleutel":
        return SourceError(
            f"Geen toegang tot Google Sheet '{key}' met de API-sleutel. Zet Delen op 'Iedereen "
            f"met de link' (lezer), of gebruik een serviceaccount ({ENV_CREDENTIALS[1]})."
        )
    return SourceError(f"Geen toegang tot Google Sheet '{key}' (HTTP 403: {message}).")


# --------------------------------------------------------------------------- ranges


def quote_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def column_letter(index: int) -> str:
    """0-based column index to letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def range_start(a1: str) -> tuple[int, int]:
    """(row, column), both 1-based, of the first cell of a range such as ``'My tab'!B3:D9``."""
    cells = a1
    if a1.startswith("'"):
        i = 1
        while i < len(a1):
            if a1[i] == "'":
                if a1[i + 1:i + 2] == "'":
                    i += 2
                    continue
                break
            i += 1
        cells = a1[i + 1:].lstrip("!")
    elif "!" in a1:
        cells = a1.rsplit("!", 1)[1]
    match = re.match(r"^([A-Za-z]*)(\d*)", cells.split(":")[0])
    letters, digits = (match.group(1), match.group(2)) if match else ("", "")
    column = 0
    for ch in letters.upper():
        column = column * 26 + ord(ch) - 64
    return (int(digits) if digits else 1, column or 1)


def place_value_range(rows: list[list[Any]], value_range: Mapping[str, Any]) -> None:
    """Put a ValueRange's rows at their sheet row numbers: ``rows[i]`` is sheet row ``i + 1``.

    The API drops trailing empty cells and rows and leaves out ``values`` for an empty range;
    gaps are filled with ``[]`` so that row numbers stay exact.
    """
    values = value_range.get("values") or []
    if not values:
        return
    start_row, start_col = range_start(str(value_range.get("range", "")))
    for offset, row in enumerate(values):
        index = start_row - 1 + offset
        if start_col > 1 and row:
            row = [None] * (start_col - 1) + list(row)
        while len(rows) <= index:
            rows.append([])
        rows[index] = row


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ReadPlan:
    """Response-size budget (uncompressed JSON as Google sends it, pretty-printed).

    All tabs whose grids fit go whole into one batchGet. A larger tab is read in row ranges
    sized from ``rows x columns x bytes_per_cell``; after each response the estimate is raised
    to the measured bytes per received cell, so later chunks stay under ``max_response_bytes``
    even for dense sheets. With the defaults a workbook whose grids hold up to about 200,000
    cells (e.g. 3,000 rows x 35 columns of Acties plus two default 1000 x 26 tabs) is read in
    one batchGet.
    """

    max_response_bytes: int = 2_000_000
    bytes_per_cell: float = 10.0


@dataclass
class _TabRead:
    title: str
    sheet_id: int | None
    rows: int
    columns: int
    next_row: int = 1
    values: list[list[Any]] = field(default_factory=list)


def _sheet_properties(metadata: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [s.get("properties", {}) for s in metadata.get("sheets", [])]


def _find_sheet(props: list[dict[str, Any]], title: str) -> dict[str, Any] | None:
    wanted = header_key(title)
    for p in props:
        if header_key(p.get("title", "")) == wanted:
            return p
    return None


def read_google_sheet(
    source: str,
    tabs: Iterable[str] = DEFAULT_TABS,
    required: Iterable[str] = DEFAULT_REQUIRED,
    *,
    env: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
    credentials: Any = None,
    policy: RetryPolicy | None = None,
    plan: ReadPlan | None = None,
    with_modified_time: bool = False,
) -> Snapshot:
    """Read the tabs of a Google Sheet into a snapshot, values exactly as the API returned them.

    Two requests for a sheet of the pilot's size; a third (Drive ``files.get``) only with
    ``with_modified_time``. A missing tab in ``required`` raises SourceError; a missing optional
    tab is left out of the snapshot.
    """
    conn = connect(source, drive_metadata=with_modified_time, env=env, session=session,
                   credentials=credentials, policy=policy)
    try:
        return _read(conn, list(tabs), list(required), plan or ReadPlan(), with_modified_time)
    except (APIError, RequestFailed, LoginFailed) as err:
        raise translate_error(err, conn) from None


def _read(conn: Connection, tabs: list[str], required: list[str], plan: ReadPlan,
          with_modified_time: bool) -> Snapshot:
    metadata = conn.http.fetch_sheet_metadata(conn.key)
    title = metadata.get("properties", {}).get("title", "")
    props = _sheet_properties(metadata)
    missing = [t for t in required if _find_sheet(props, t) is None]
    if missing:
        found = ", ".join(p.get("title", "") for p in props) or "geen"
        names = " en ".join(f"'{t}'" for t in missing)
        noun = "Het tabblad" if len(missing) == 1 else "De tabbladen"
        verb = "ontbreekt" if len(missing) == 1 else "ontbreken"
        raise SourceError(
            f"{noun} {names} {verb} in de Google Sheet '{title}' ({conn.key}). "
            f"Gevonden tabbladen: {found}."
        )
    reads: list[_TabRead] = []
    for wanted in tabs:
        p = _find_sheet(props, wanted)
        if p is None or any(r.title == p.get("title") for r in reads):
            continue
        grid = p.get("gridProperties", {})
        reads.append(_TabRead(title=p.get("title", wanted), sheet_id=p.get("sheetId"),
                              rows=int(grid.get("rowCount", 1000)),
                              columns=int(grid.get("columnCount", 26))))
    modified = _modified_time(conn) if with_modified_time else None
    fetched_at = utc_now()
    _read_values(conn, reads, plan)
    source = {
        "soort": "google",
        "locatie": sheet_url(conn.key),
        "spreadsheet_id": conn.key,
        "titel": title,
        "gewijzigd": modified,
        "render_opties": {k: RENDER_OPTIONS[k] for k in ("valueRenderOption",
                                                         "dateTimeRenderOption")},
        "tab_ids": {p.get("title", ""): p.get("sheetId") for p in props},
    }
    snapshot_tabs = [Tab(title=r.title, values=r.values, tab_id=r.sheet_id) for r in reads]
    return Snapshot(source=source, tabs=snapshot_tabs, fetched_at=fetched_at)


def _modified_time(conn: Connection) -> str | None:
    """Drive's modifiedTime; optional, so a Drive failure leaves it empty instead of failing."""
    try:
        return conn.http.get_file_drive_metadata(conn.key).get("modifiedTime")
    except (APIError, RequestFailed):
        return None


def _read_values(conn: Connection, reads: list[_TabRead], plan: ReadPlan) -> None:
    bytes_per_cell = plan.bytes_per_cell
    while True:
        batch = _next_batch(reads, plan.max_response_bytes, bytes_per_cell)
        if not batch:
            return
        response = conn.http.values_batch_get(
            conn.key, [rng for _, rng in batch], params=dict(RENDER_OPTIONS)
        )
        value_ranges = response.get("valueRanges", [])
        received_cells = 0
        for (tab, _), value_range in zip(batch, value_ranges):
            place_value_range(tab.values, value_range)
            received_cells += len(value_range.get("values") or []) * max(tab.columns, 1)
        if received_cells:
            measured = conn.http.last_response_bytes / received_cells
            bytes_per_cell = max(bytes_per_cell, measured)


def _next_batch(reads: list[_TabRead], budget: int, bytes_per_cell: float
                ) -> list[tuple[_TabRead, str]]:
    batch: list[tuple[_TabRead, str]] = []
    left = float(budget)
    for tab in reads:
        if tab.next_row > tab.rows:
            continue
        row_cost = max(tab.columns, 1) * bytes_per_cell
        fit = int(left // row_cost)
        if fit < 1:
            if batch:
                break
            fit = 1
        rows_left = tab.rows - tab.next_row + 1
        take = min(rows_left, fit)
        if tab.next_row == 1 and take == rows_left:
            rng = quote_title(tab.title)
        else:
            last = column_letter(max(tab.columns, 1) - 1)
            rng = (f"{quote_title(tab.title)}!A{tab.next_row}:"
                   f"{last}{tab.next_row + take - 1}")
        batch.append((tab, rng))
        tab.next_row += take
        left -= take * row_cost
    return batch


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _trimmed(rows: list[list[Any]], drop_column: int | None) -> list[list[Any]]:
    out = []
    for row in rows:
        cells = [c for i, c in enumerate(row) if i != drop_column]
        while cells and _is_blank(cells[-1]):
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out
