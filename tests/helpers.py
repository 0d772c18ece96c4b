"""Shared test helpers: plain data and functions (the fixtures are in conftest.py).

Sections: paths and sheet rows; waiting and HTTP; `kennisbank serve` and container contexts;
what CI must have (Chromium, the recorded Google traffic); the browser; keys, passwords and the
SMTP server; the site catalogue; the two-run report sheet; personal values."""

from __future__ import annotations

import email
import email.policy
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar
from urllib.parse import urlencode

import pytest

from pipeline.contract.config import header_key, load_fields
from pipeline.sources.snapshot import Snapshot, Tab
from sheets_standin import RECORDINGS

T = TypeVar("T")

# ------------------------------------------------------------------ paths and sheet rows

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KLEIN_DIR = FIXTURES / "klein"
SCREENSHOTS = ROOT / "output" / "screenshots"
TODAY = date(2026, 11, 28)

ACTION_HEADERS = [f.kop for f in load_fields()["Acties"]]
LIBRARY_HEADERS = [f.kop for f in load_fields()["Bibliotheken"]]
AGREED_ON, AGREED_BY = "12-11-2026", "directeur"


def agreed(row: list, day: str | None = AGREED_ON, by: str | None = AGREED_BY) -> list:
    """A Bibliotheken row of the eight columns before the agreement (and any extra columns
    after them), with the agreement to the terms filled in and the fields after the agreement
    (the public contact) left empty."""
    return [*row[:8], day, by, *[None] * (len(LIBRARY_HEADERS) - 10), *row[8:]]


DUINSTREEK_ROW = ["Bibliotheek Duinstreek", "Noord-Holland", "Castricum, Heiloo",
                  "https://www.duinstreek.bieb-voorbeeld.nl", 52.5486, 4.6694,
                  "marketing@duinstreek.bieb-voorbeeld.nl", 60000, AGREED_ON, AGREED_BY, None]
LIBRARIES = [
    LIBRARY_HEADERS,
    DUINSTREEK_ROW,
    ["Bibliotheek Veenweide", "Zuid-Holland", "Alphen aan den Rijn",
     "https://www.veenweide.bieb-voorbeeld.nl", "52,1284", "4,6569",
     "communicatie@veenweide.bieb-voorbeeld.nl", "112.000",  # typed the Dutch way
     "2026-11-03", "hoofd marketing", None],
]


def action(**values) -> list:
    """An Acties row by veld name; unnamed fields stay empty."""
    by_veld = {f.veld: i for i, f in enumerate(load_fields()["Acties"])}
    row = [None] * len(by_veld)
    for veld, value in values.items():
        row[by_veld[veld]] = value
    return row


def good_action(**overrides) -> list:
    values = dict(
        bibliotheek="Bibliotheek Duinstreek", titel="Kinderboekenweek 2024",
        omschrijving="Voorleesfeest in alle vestigingen.", aanleiding="Minder jeugdleden.",
        doelen="Leesbevordering", doelgroepen="Kinderen (4-12)", kanalen="Facebook",
        startdatum="2-10-2024", einddatum="13-10-2024", budget_eur=500, uren=20,
        meetbaar_doel="50 nieuwe jeugdleden", kpi="Nieuwe leden", streefwaarde=50,
        resultaat=60, resultaten_toelichting="Ruim gehaald.", wat_werkte="Voorlezen.",
        tip="Begin op tijd.", delen="openbaar",
    )
    values.update(overrides)
    return action(**values)


def snapshot_of(actions: list[list], libraries: list[list] | None = None,
                keuzelijsten: list[list] | None = None) -> Snapshot:
    tabs = [Tab("Acties", [ACTION_HEADERS, *actions], 0),
            Tab("Bibliotheken", libraries or LIBRARIES, 1)]
    if keuzelijsten is not None:
        tabs.append(Tab("Keuzelijsten", keuzelijsten, 2))
    return Snapshot(source={"soort": "test"}, tabs=tabs, fetched_at="2026-11-28T12:00:00Z")


# ------------------------------------------------------------------ waiting and HTTP

def wait_for(condition: Callable[[], T], what: str, timeout: float = 60,
             interval: float = 0.02) -> T:
    """Poll until ``condition()`` is truthy and return it; fail after ``timeout`` seconds.
    OSError from the condition (a server not listening yet) counts as not yet."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = condition()
            if found:
                return found
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    """A port the OS says is free now; a server started on it may still lose it to another
    process, so the starters below retry on another port when the server stops at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 60) -> tuple[int, bytes]:
    """GET http://127.0.0.1:port/path: (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def stop(process: subprocess.Popen, group: bool = False) -> int:
    """SIGTERM (to its process group with ``group``), then SIGKILL after 10 s; the exit code."""
    if process.poll() is None:
        send = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
        send(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            send(signal.SIGKILL)
            process.wait()
    for stream in (process.stdout, process.stderr):
        if stream:
            stream.close()
    return process.returncode


def _started(start: Callable[[int], subprocess.Popen], answers: Callable[[int], bool],
             what: str, output: Callable[[subprocess.Popen], str]) -> tuple[subprocess.Popen, int]:
    """Start a server on a free port until it answers; another port when it stops at once
    (e.g. the port was taken between choosing and binding it)."""
    for attempt in range(3):
        port = free_port()
        proc = start(port)
        try:
            wait_for(lambda: proc.poll() is not None or answers(port), what)
        except AssertionError:
            stop(proc, group=True)
            raise
        if proc.poll() is None:
            return proc, port
        text = output(proc)
        if "address already in use" not in text.lower() or attempt == 2:
            raise AssertionError(f"{what}: stopped (exit {proc.returncode}):\n{text[-3000:]}")
    raise AssertionError(what)  # not reached


def start_serve(db: Path, *options: str, env: dict | None = None) -> tuple[subprocess.Popen, int]:
    """`kennisbank serve` as a process on a free port, once it answers: (process, port)."""
    log = tempfile.TemporaryFile()

    def start(port: int) -> subprocess.Popen:
        log.seek(0)
        log.truncate()
        return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", str(db),
                                 "--port", str(port), *options], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(_proc) -> str:
        log.seek(0)
        return log.read().decode("utf-8", errors="replace")

    try:
        return _started(start, lambda port: get(port, "/-/versions.json", 5)[0] == 200,
                        f"kennisbank serve {' '.join(options)}", output)
    finally:
        log.close()  # the process keeps its own descriptor


@contextmanager
def serving(db: Path, *options: str) -> Iterator[str]:
    """`kennisbank serve` on a free loopback port while the block runs: its base URL."""
    proc, port = start_serve(db, *options)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc, group=True)


# ------------------------------------------------------------------ container contexts

CONTAINER_START_TIMEOUT = 30.0


def dockerfile_cmd(context: Path) -> str:
    """The shell form CMD of the context's Dockerfile."""
    lines = (context / "Dockerfile").read_text(encoding="utf-8").splitlines()
    (cmd,) = [line[len("CMD "):] for line in lines if line.startswith("CMD ")]
    return cmd


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    cookies: dict[str, str]


@dataclass
class Container:
    """A context's CMD running as its image would run it, without Docker."""
    port: int
    process: subprocess.Popen
    log: Any  # a temporary file with the server's output

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", errors="replace")

    def request(self, path: str, cookies: dict[str, str] | None = None,
                form: dict[str, str] | None = None) -> Response:
        """GET (or POST ``form``), without following redirects."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        headers = {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request("POST" if form is not None else "GET", path, body=body, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", errors="replace")
        finally:
            conn.close()
        set_cookies = {}
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key.strip()] = rest.split(";", 1)[0]
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, text,
                        set_cookies)


def _container_env(port: int, env: dict[str, str] | None) -> dict[str, str]:
    """HOST and PORT set as a platform sets them (here on the loopback address only)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    environ.update({"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                    "HOST": "127.0.0.1", "PORT": str(port)})
    environ.update(env or {})
    return environ


@contextmanager
def container(context: Path, env: dict[str, str] | None = None) -> Iterator[Container]:
    """Run the context's Dockerfile CMD in a shell, in the context folder, until it answers;
    stop it (its own process group) afterwards."""
    with tempfile.TemporaryFile() as log:
        def start(port: int) -> subprocess.Popen:
            log.seek(0)
            log.truncate()
            return subprocess.Popen(["sh", "-c", dockerfile_cmd(context)], cwd=context,
                                    env=_container_env(port, env), stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)

        def answers(port: int) -> bool:
            return Container(port, None, log).request("/-/static/app.css").status > 0

        proc, port = _started(start, answers, "the container's CMD",
                              lambda p: Container(0, p, log).output())
        try:
            yield Container(port, proc, log)
        finally:
            stop(proc, group=True)


def container_fails(context: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the CMD expecting it to exit by itself: its exit code and output."""
    process = subprocess.Popen(["sh", "-c", dockerfile_cmd(context)], cwd=context,
                               env=_container_env(free_port(), env), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=CONTAINER_START_TIMEOUT)
    finally:
        stop(process, group=True)
    return process.returncode, output.decode("utf-8", errors="replace")


# ------------------------------------------------------------------ what CI must have

ON_CI = bool(os.environ.get("CI"))


def require(missing: str | None, what: str) -> None:
    """Skip when something a test needs is missing, but fail on CI (CI set, as .ci/run runs
    the suite), where it must be there."""
    if missing and ON_CI:
        pytest.fail(f"{what} moeten op CI draaien: {missing}", pytrace=False)
    if missing:
        pytest.skip(missing)


def require_recordings() -> None:
    require(None if RECORDINGS.is_dir() else
            f"het opgenomen Google-verkeer ontbreekt in {RECORDINGS} (../shared/reference/)",
            "De tests tegen opgenomen Google-verkeer")


# ------------------------------------------------------------------ LibreOffice

SOFFICE = Path(os.environ.get("KENNISBANK_SOFFICE", "/usr/bin/soffice"))


def convert_with_libreoffice(source: Path, to: str, out_dir: Path) -> Path:
    """Open `source` in headless LibreOffice (Debian libreoffice-calc-nogui) and save it as
    `to` (ods, xlsx) in out_dir, with a profile of its own: a library saving the file."""
    require(None if SOFFICE.exists() else
            f"LibreOffice ontbreekt ({SOFFICE}); installeer het met: apt-get install "
            "libreoffice-calc-nogui", "De tests met LibreOffice")
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "lo-profiel"
    result = subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", to, "--outdir", str(out_dir), str(source)],
        capture_output=True, text=True, timeout=180)
    converted = out_dir / f"{source.stem}.{to}"
    assert result.returncode == 0 and converted.exists(), result.stdout + result.stderr
    return converted


# ------------------------------------------------------------------ the browser

CHROMIUM = Path(os.environ.get("KENNISBANK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 900}


def require_chromium() -> None:
    missing = None
    if not CHROMIUM.exists():
        missing = f"Chromium ontbreekt ({CHROMIUM}); installeer het met: apt-get install chromium"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "het Python-pakket playwright ontbreekt; installeer met: make install"
    require(missing, "Browsertests")


@contextmanager
def chromium(profile: Path, allowed: str) -> Iterator[Any]:
    """A headless Chromium context (Playwright) whose requests fail unless their URL matches
    the regular expression ``allowed``: nothing leaves this machine (map tiles neither)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport=VIEWPORT, locale="nl-NL")
        context.route(re.compile(rf"^(?!{allowed}).*"), lambda route: route.abort())
        try:
            yield context
        finally:
            context.close()


def new_page(context, **options) -> Any:
    """A page that dismisses dialogs and keeps their messages in ``page.dialogs``."""
    page = context.new_page(**options)
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page


def settle(page) -> None:
    """Wait until the page has loaded and its pending tasks ran (an alert() blocks them, so a
    dialog that opened has been recorded by then)."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")



# ------------------------------------------------------------------ every page a reader sees

@dataclass(frozen=True)
class ReaderPage:
    """A page of the public catalogue for the phone and accessibility tests (test_phone.py,
    test_a11y.py). ``path`` may hold {actie}, {bibliotheek} and {doel} (filled in from the
    catalogue by reader_url; quote_plus is also Datasette's encoding of a row's key);
    ``results``: the CSS selector of its results (each at least 90 %
    of a phone's width); ``ready``: a JavaScript expression that is true once the page's scripts
    have drawn it; ``click``: the name of a button to press, the page reached is the one tested."""
    name: str
    path: str
    results: str | None = None
    ready: str | None = None
    click: str | None = None


CHARTS_DRAWN = "document.querySelectorAll('.vega-embed svg.marks').length == {}".format
MAP_DRAWN = "document.querySelectorAll('.leaflet-marker-icon').length > 0"
QUERY_ROWS = "table.kb-vraag tbody tr"
ACTION_ROWS = "table.kb-acties tbody tr"

# Add a new page here: both test modules then check it at every width.
READER_PAGES = [
    ReaderPage("home", "/", results="ul.kb-acties-lijst li"),
    ReaderPage("acties", "/kennisbank/acties", results=ACTION_ROWS),
    ReaderPage("acties-gefilterd", "/kennisbank/acties?doelen__arraycontains={doel}"
               "&_sort=kosten_per_nieuw_lid", results=ACTION_ROWS),
    ReaderPage("acties-zoeken", "/kennisbank/acties?_search=bibliotheek", results=ACTION_ROWS),
    ReaderPage("actiekaart", "/kennisbank/acties/{actie}", results="article.kb-kaart"),
    ReaderPage("bedankt", "/kennisbank/acties/{actie}", results="article.kb-feedback-antwoord",
               click="Ja"),
    ReaderPage("wat-werkte", "/wat-werkte", results="section.kb-vraag"),
    ReaderPage("kosten-per-nieuw-lid", "/kennisbank/kosten_per_nieuw_lid", results=QUERY_ROWS),
    ReaderPage("kosten-per-nieuw-lid-doel", "/kennisbank/kosten_per_nieuw_lid?doel={doel}",
               results=QUERY_ROWS),
    ReaderPage("kosten-per-deelnemer", "/kennisbank/kosten_per_deelnemer", results=QUERY_ROWS),
    ReaderPage("kosten-per-deelnemer-pagina-2", "/kennisbank/kosten_per_deelnemer?_pagina=2",
               results=QUERY_ROWS),
    ReaderPage("doelen-vergeleken", "/kennisbank/doelen_vergeleken", results=QUERY_ROWS),
    ReaderPage("kanalen-vergeleken", "/kennisbank/kanalen_vergeleken", results=QUERY_ROWS),
    ReaderPage("acties-van-bibliotheek-leeg", "/kennisbank/acties_van_bibliotheek"),
    ReaderPage("acties-van-bibliotheek", "/kennisbank/acties_van_bibliotheek?bibliotheek="
               "{bibliotheek}", results=QUERY_ROWS),
    ReaderPage("acties-per-jaar", "/kennisbank/acties_per_jaar_en_provincie", results=QUERY_ROWS),
    ReaderPage("nieuw", "/kennisbank/nieuw", results=QUERY_ROWS),
    ReaderPage("kaart", "/kennisbank/kaart", results=QUERY_ROWS, ready=MAP_DRAWN),
    ReaderPage("cijfers", "/-/dashboards/cijfers", results=".dashboard-card",
               ready=CHARTS_DRAWN(3)),
    ReaderPage("grafiek", "/-/dashboards/cijfers/gehaald_per_doel", ready=CHARTS_DRAWN(1)),
    ReaderPage("dashboards", "/-/dashboards"),
    ReaderPage("bibliotheken", "/kennisbank/bibliotheken", results="table.rows-and-columns tbody tr"),
    ReaderPage("bibliotheek", "/kennisbank/bibliotheken/{bibliotheek}"),
    ReaderPage("bibliotheekpagina", "/bibliotheek/{slug}", results="article.kb-kaart"),
    ReaderPage("database", "/kennisbank"),
    ReaderPage("voorwaarden", "/voorwaarden", results="article.kb-document"),
    ReaderPage("privacy", "/privacy", results="article.kb-document"),
    ReaderPage("niet-gevonden", "/kennisbank/bestaat-niet"),
]


def reader_url(base: str, db: Path, page: ReaderPage) -> str:
    """The page's URL on the server at ``base``, its placeholders filled from the catalogue ``db``:
    the most complete action, the library with most actions and the goal with most actions."""
    import sqlite3
    from urllib.parse import quote_plus

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        (actie,), = conn.execute("select actie_id from acties order by compleetheid desc, "
                                 "length(omschrijving) desc, actie_id limit 1")
        (bibliotheek,), = conn.execute("select naam from bibliotheken order by aantal_acties "
                                       "desc, naam limit 1")
        (doel,), = conn.execute("select doel from overzicht_doelen order by acties desc, doel "
                                "limit 1")
    from pipeline.catalogue.site import library_slug

    return base + page.path.format(actie=actie, bibliotheek=quote_plus(bibliotheek),
                                   doel=quote_plus(doel), slug=library_slug(bibliotheek))


def open_reader_page(context, base: str, db: Path, page: ReaderPage, width: int) -> Any:
    """A browser page at ``width`` px wide showing ``page`` once it is drawn."""
    tab = new_page(context)
    tab.set_viewport_size({"width": width, "height": 800})
    tab.goto(reader_url(base, db, page))
    if page.click:
        tab.get_by_role("button", name=page.click, exact=True).click()
        tab.wait_for_url(re.compile(r"/-/feedback$"))
    settle(tab)
    if page.ready:
        tab.wait_for_function(page.ready, timeout=15000)
    return tab


# ------------------------------------------------------------------ keys, passwords, SMTP

SA_EMAIL = "kennisbank@pilot-project.iam.gserviceaccount.com"
PRIVATE_KEY_ID = "9f8e7d6c5b4a39281706f5e4d3c2b1a0fedcba98"
SMTP_PASSWORD = "Smtp-Geheim-w8woord-51c3"


def new_private_key_pem() -> str:
    """A fresh 2048-bit RSA key in PKCS#8 PEM: gspread signs real JWTs with it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def service_account(private_key_pem: str, token_uri: str) -> dict[str, str]:
    """A service-account key file's contents, logging in at ``token_uri``."""
    return {"type": "service_account", "project_id": "pilot-project",
            "private_key_id": PRIVATE_KEY_ID, "private_key": private_key_pem,
            "client_email": SA_EMAIL, "client_id": "1234567890", "token_uri": token_uri}


class Recorder:
    """aiosmtpd handler: keeps every accepted message, refuses the addresses in `refuse`."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Onbekende ontvanger"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(password: str = SMTP_PASSWORD) -> Iterator[tuple[Any, Recorder]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that accepts LOGIN with ``password``:
    (controller, recorder). Another port when the chosen one was taken meanwhile."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)

    handler = Recorder()
    for attempt in range(3):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(),
                                authenticator=check, auth_require_tls=False)
        try:
            controller.start()
            break
        except OSError:
            if attempt == 2:
                raise
    try:
        yield controller, handler
    finally:
        controller.stop()


# ------------------------------------------------------------------ the site catalogue

# Four libraries (one without actions), six actions with known costs and results, one titled
# with a script tag and one whose texts start with =, +, - and @.
SCRIPT_TITLE = "<script>alert(1)</script>"
FORMULA_TEXTS = {
    "omschrijving": '=HYPERLINK("http://example.org","klik")',
    "aanleiding": "@bibliotheek vroeg om meer zichtbaarheid",
    "wat_werkte": "+31 procent meer volgers",
    "tip": "-geen posters ophangen in de zomer",
}

PUBLIC_CONTACT = "kennisdelen@veenweide.bieb-voorbeeld.nl"  # Veenweide's address for colleagues
SITE_LIBRARIES = [
    LIBRARY_HEADERS,
    DUINSTREEK_ROW,
    [*agreed(["Bibliotheek Veenweide", "Zuid-Holland", "Alphen aan den Rijn",
               "https://www.veenweide.bieb-voorbeeld.nl", 52.1284, 4.6569,
               "communicatie@veenweide.bieb-voorbeeld.nl", 112000])[:10], PUBLIC_CONTACT],
    agreed(["Bibliotheek Kustlicht", "Noord-Holland", "Bergen, Egmond",
            "https://www.kustlicht.bieb-voorbeeld.nl", 52.6603, 4.6986,
            "pr@kustlicht.bieb-voorbeeld.nl", 30000]),
    agreed(["Bibliotheek Polderrand", "Zuid-Holland", "Zoeterwoude", None, 52.1180, 4.4960,
            "info@polderrand.bieb-voorbeeld.nl", 9000]),
]

NO_RESULT = dict(kpi=None, streefwaarde=None, resultaat=None, meetbaar_doel=None,
                 resultaten_toelichting=None)


def site_actions() -> list[list]:
    return [
        good_action(titel="Kinderboekenweek voorleesfeest",
                    doelen="Leesbevordering, Ledenwerving",
                    kanalen="Facebook; Poster en flyer", landelijke_campagne="Kinderboekenweek",
                    budget_eur=600, nieuwe_leden=60, deelnemers=300,
                    links="Affiche | https://www.duinstreek.bieb-voorbeeld.nl/affiche.pdf\n"
                          "https://www.duinstreek.bieb-voorbeeld.nl/kbw\n"
                          "https://www.duinstreek.bieb-voorbeeld.nl/stukken/draaiboek_kbw-2024.docx",
                    wat_werkte="Voorlezen door de wethouder.",
                    wat_werkte_niet="Te weinig posters.", tip="Begin op tijd met de posters."),
        good_action(bibliotheek="Bibliotheek Veenweide", titel="Welkom nieuwe inwoners",
                    omschrijving="Welkomstpakket met een proefabonnement voor nieuwe inwoners.",
                    doelen="Ledenwerving", doelgroepen="Volwassenen", kanalen="Direct mail",
                    startdatum="1-3-2024", einddatum="31-3-2024", budget_eur=1000,
                    meetbaar_doel="50 nieuwe leden", streefwaarde=50, resultaat=40,
                    nieuwe_leden=40, wat_werkte="Persoonlijke brief van de directeur."),
        good_action(bibliotheek="Bibliotheek Veenweide", titel="Digitaal Café",
                    omschrijving="Wekelijks inloopspreekuur voor digitale vragen.",
                    doelen="Deelname aan activiteiten", doelgroepen="Senioren (65+)",
                    kanalen="Lokale pers", startdatum="1-2-2023", einddatum="30-6-2023",
                    budget_eur=200, kpi="Deelnemers", meetbaar_doel="80 deelnemers",
                    streefwaarde=80, resultaat=100, deelnemers=100,
                    wat_werkte="Vaste tijd, vaste plek."),
        good_action(bibliotheek="Bibliotheek Kustlicht", titel=SCRIPT_TITLE,
                    doelen="Leesbevordering", doelgroepen="Kinderen (4-12)", kanalen="Instagram",
                    landelijke_campagne="Kinderboekenweek",
                    startdatum="15-1-2025", einddatum="15-2-2025", budget_eur=None, uren=None,
                    **NO_RESULT, **FORMULA_TEXTS),
        good_action(titel="Zomerlezen", omschrijving="Leesclub voor de zomervakantie.",
                    doelen="Leesbevordering", doelgroepen="Kinderen (4-12), Gezinnen",
                    kanalen="Instagram, Facebook",
                    landelijke_campagne="VakantieBieb en zomerlezen",
                    startdatum="1-7-2025", einddatum="31-8-2025", budget_eur=300,
                    kpi="Deelnemers", meetbaar_doel="100 deelnemers", streefwaarde=100,
                    resultaat=120, deelnemers=120,
                    wat_werkte="Stempelkaart met een prijs aan het eind."),
        good_action(bibliotheek="Bibliotheek Kustlicht", titel="BoekStart voor baby's",
                    omschrijving="Gratis lidmaatschap en koffertje voor baby's via het "
                                 "consultatiebureau.",
                    doelen="Ledenwerving", doelgroepen="Peuters en ouders (0-4)",
                    kanalen="Via partners", startdatum="1-9-2023", einddatum="30-11-2023",
                    budget_eur=450, meetbaar_doel="40 nieuwe leden", streefwaarde=40,
                    resultaat=30, nieuwe_leden=30),
    ]


def build_site_catalogue(out_dir: Path) -> Path:
    """kennisbank.db of the site catalogue in out_dir (the real process and load stages)."""
    from pipeline.contract.process import process
    from pipeline.store.load import write_catalogue

    actions = site_actions()
    outcome = process(snapshot_of(actions, SITE_LIBRARIES), TODAY)
    assert outcome.counts["gepubliceerd"] == len(actions), outcome.findings
    return write_catalogue(outcome, out_dir)


# ------------------------------------------------------------------ the two-run report sheet

# A small Google-sourced sheet for the report and mail tests, in two versions (before and after
# some fixes), built for real into a history of two runs.
KEY = "1TestSleutelVanDeKennisbankSheet"
ACTIES_GID, BIBLIOTHEKEN_GID = 1234, 5678
FIRST_DAY, SECOND_DAY = date(2026, 11, 28), date(2026, 12, 5)
XSS = "<img src=x onerror=alert(1)>"
FORMULA = "=HYPERLINK(\"https://kwaad.example\")"

DUINSTREEK = "Bibliotheek Duinstreek"
VEENWEIDE = "Bibliotheek Veenweide"
KUSTLICHT = "Bibliotheek Kustlicht"
POLDERHOF = "Bibliotheek Polderhof"
MAIL = {DUINSTREEK: "marketing@duinstreek.bieb-voorbeeld.nl",
        VEENWEIDE: "communicatie@veenweide.bieb-voorbeeld.nl",
        KUSTLICHT: "info@kustlicht.bieb-voorbeeld.nl"}


def report_libraries() -> list[list]:
    return [
        LIBRARY_HEADERS,
        agreed([DUINSTREEK, "Noord-Holland", "Castricum",
                "https://www.duinstreek.bieb-voorbeeld.nl", 52.5486, 4.6694, MAIL[DUINSTREEK],
                60000]),
        agreed([VEENWEIDE, "Zuid-Holland", "Alphen aan den Rijn",
                "https://www.veenweide.bieb-voorbeeld.nl", 52.1284, 4.6569, MAIL[VEENWEIDE],
                112000]),
        agreed([KUSTLICHT, "Zuid-Holland", "Katwijk", "https://www.kustlicht.bieb-voorbeeld.nl",
                52.2, 4.4, MAIL[KUSTLICHT], 65000]),
        agreed([POLDERHOF, "Noord-Holland", "Purmerend",
                "https://www.polderhof.bieb-voorbeeld.nl", 52.5, 4.95, None, 80000]),
    ]


def report_actions(fixed: bool) -> list[list]:
    """Sheet rows 2-7 (and 8 in the second version)."""
    rows = [
        good_action(bibliotheek=DUINSTREEK, titel="Kinderboekenweek in de duinen"),
        good_action(bibliotheek=DUINSTREEK, titel="Poëzieweek aan zee",
                    startdatum="1-7-2024" if fixed else "ergens in juli",
                    einddatum="5-7-2024" if fixed else None),
        good_action(bibliotheek=VEENWEIDE, titel=XSS, kanalen="Facebook, Mastodon"),
        good_action(bibliotheek=VEENWEIDE, titel="Digitaal Café Veenweide",
                    aanleiding="Veel vragen over digitale zaken." if fixed else None, tip=None,
                    meetbaar_doel=FORMULA),
        good_action(bibliotheek="Bibliotheek Nergenshuizen", titel="Geheime actie Nergenshuizen"),
        good_action(bibliotheek=POLDERHOF, titel="Polderpret in de zomer", aanleiding=None),
    ]
    if fixed:
        rows.append(good_action(bibliotheek=DUINSTREEK, titel="Nieuwe leesclub Duinstreek",
                                startdatum="1-11-2026", einddatum="30-11-2026"))
    return rows


def report_snapshot(fixed: bool) -> Snapshot:
    source = {"soort": "google", "locatie": f"https://docs.google.com/spreadsheets/d/{KEY}/edit",
              "spreadsheet_id": KEY, "titel": "Kennisbank test",
              "tab_ids": {"Acties": ACTIES_GID, "Bibliotheken": BIBLIOTHEKEN_GID}}
    tabs = [Tab("Acties", [ACTION_HEADERS, *report_actions(fixed)], ACTIES_GID),
            Tab("Bibliotheken", report_libraries(), BIBLIOTHEKEN_GID)]
    stamp = "2026-12-05T08:00:00Z" if fixed else "2026-11-28T08:00:00Z"
    return Snapshot(source=source, tabs=tabs, fetched_at=stamp)


def build_version(tmp: Path, out: Path, fixed: bool, day: date) -> None:
    from pipeline.app import build
    from pipeline.sources.snapshot import write_snapshot

    path = write_snapshot(report_snapshot(fixed), tmp / ("bron-na" if fixed else "bron-voor"))
    build(str(path), out, day)


def build_two_runs(tmp: Path) -> Path:
    """The first version on 28 November, the fixed one on 5 December, into tmp/uit."""
    out = tmp / "uit"
    build_version(tmp, out, False, FIRST_DAY)
    build_version(tmp, out, True, SECOND_DAY)
    return out


def row_link(row: int, gid: int = ACTIES_GID) -> str:
    return f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid={gid}&range=A{row}"


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class StrictHTML(HTMLParser):
    """Records every start tag and fails on an end tag that does not close the open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse_html(html: str) -> StrictHTML:
    parser = StrictHTML()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], f"not closed: {parser.stack}"
    return parser


def foreign_markers(library: str) -> set[str]:
    """Text that would reveal another library's rows: their titles, names and addresses, and the
    unknown library's row (coordinators only)."""
    others = {DUINSTREEK, VEENWEIDE, KUSTLICHT, POLDERHOF} - {library}
    markers = set(others) | {MAIL[o] for o in others if o in MAIL}
    titles = {
        DUINSTREEK: ["Kinderboekenweek in de duinen", "Poëzieweek aan zee",
                     "Nieuwe leesclub Duinstreek", "ergens in juli"],
        VEENWEIDE: [XSS, "Digitaal Café Veenweide", "Mastodon", "HYPERLINK", "kwaad.example",
                    "Veel vragen over digitale zaken"],
        POLDERHOF: ["Polderpret in de zomer"],
        KUSTLICHT: [],
    }
    for other in others:
        markers.update(titles[other])
    markers.update({"Nergenshuizen", "Geheime actie"})
    return markers


# ------------------------------------------------------------------ personal values

EMAIL = re.compile(rb"[\w.+-]+@[\w-]+\.[\w.-]+")


def _header_keys(tab: str, keep: Callable[[Any], bool]) -> set[str]:
    return {header_key(name) for f in load_fields()[tab] if keep(f)
            for name in (f.kop, f.veld, *f.aliassen)}


def personal_values(rows: list[list], tab: str, withheld_column: str | None = None) -> set[str]:
    """From a tab as typed (independently of the pipeline): every value under a private or an
    unknown header, and the free texts of rows whose Delen is nee that no shared row has too
    (a vocabulary value, a library name or a tip that a shared row repeats is no secret)."""
    known = _header_keys(tab, lambda f: True)
    private = _header_keys(tab, lambda f: not f.publiek)  # Delen holds level words, no secret
    free = _header_keys(tab, lambda f: f.type in ("tekst", "lijst"))
    header_index = next(i for i, row in enumerate(rows)
                        if len({header_key(str(c)) for c in row if c} & known) >= 2)
    headers = [header_key(str(c or "")) for c in rows[header_index]]
    found, withheld_texts, shared = set(), set(), set()
    for row in rows[header_index + 1:]:
        cells = {h: str(v if v is not None else "").strip() for h, v in zip(headers, row)}
        withheld = withheld_column and cells.get(withheld_column, "").lower() == "nee"
        for head, text in cells.items():
            if len(text) < 4:
                continue
            if head in private or (head and head not in known):
                found.add(text)
            elif withheld and head in free:
                withheld_texts.add(text)
            elif not withheld:
                shared.add(text)
    shared_text = "\n".join(shared)
    return found | {t for t in withheld_texts if t not in shared_text}


def sample_personal_values() -> set[str]:
    """The personal values of the embedded sample workbook, read with openpyxl."""
    import openpyxl

    from pipeline.contract.config import SAMPLE_WORKBOOK

    wb = openpyxl.load_workbook(SAMPLE_WORKBOOK, read_only=True)
    try:
        def rows(tab: str) -> list[list]:
            return [list(r) for r in wb[tab].iter_rows(values_only=True)]

        return (personal_values(rows("Acties"), "Acties", withheld_column="delen")
                | personal_values(rows("Bibliotheken"), "Bibliotheken"))
    finally:
        wb.close()


def login(server, password: str, username: str = "netwerk"):
    """Log in on a network instance through its form (with Datasette's CSRF token): the
    response and the cookies of the login page."""
    page = server.request("/-/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.body).group(1)
    return server.request("/-/login", cookies=page.cookies,
                          form={"username": username, "password": password,
                                "csrftoken": token}), page.cookies


# ------------------------------------------------------------------ usage log

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) KbTestBrowser/9.9"


def serve_with_log(db: Path, log: str):
    """`kennisbank serve` with its usage log written to `log`."""
    from pipeline.catalogue.usage import USAGE_LOG_ENV

    return start_serve(db, env={**os.environ, USAGE_LOG_ENV: log})


def gebruik(*args: str) -> dict:
    """`kennisbank gebruik` in process; its gebruik.json."""
    import json

    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["gebruik", *args])
    assert result.exit_code == 0, result.output
    out = Path(args[args.index("--out") + 1])
    return json.loads((out / "gebruik.json").read_text(encoding="utf-8"))
