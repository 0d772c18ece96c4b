"""Remote faults during a whole build from Google Sheets (the local stand-in): 429 storms, 500/503
bursts, a hanging connection, a response cut off mid-JSON, a tab that disappears between the
metadata and the values. Each ends either in a correct build or in a clear Dutch error with the
published catalogue byte-identical, within a time these tests assert.

The builds run in process with the retry policy scaled down (waits of 0.05 s instead of 1 s,
a read timeout of 0.5 s instead of 60 s); the last test shows with a fake clock that the real
defaults are bounded too."""

from __future__ import annotations

import functools
import hashlib
import shutil
import socket
import sqlite3
import time
from pathlib import Path

import pytest
import requests

from helpers import KLEIN_DIR, TODAY
from pipeline.app import build
from pipeline.errors import KennisbankError
from pipeline.sources import google as gsheet
from pipeline.sources.fetch import read_csv_folder
from sheets_standin import Fault, SheetsStandIn

DEFAULT_POLICY = gsheet.RetryPolicy  # the real class; the fixtures scale it down

KEY = "1FaultsStandInKennisbank0123456789_-abc"
SOURCE = f"gsheet:{KEY}"
# A read timeout of 1.5 s: short enough for a quick test of a hanging answer, long enough for
# every normal answer of the stand-in, also on a busy machine (a slow normal answer would be
# retried and change the exact number of requests these tests assert).
FAST = dict(attempts=4, base_delay=0.05, max_delay=0.2, deadline=15.0, timeout=(5.0, 1.5),
            requests_per_minute=1000)
BOUND = 20.0  # seconds: the slowest scenario waits 4 x 1.5 s timeouts plus backoff


class VanishingTab(SheetsStandIn):
    """Deletes (or renames) a tab right after answering the metadata request."""

    vanish: str | None = None
    rename: bool = False

    def handle(self, kind, match, query, body):
        answer = super().handle(kind, match, query, body)
        if kind == "metadata" and self.vanish:
            book = next(iter(self.books.values()))
            sheet = book.sheet(self.vanish)
            if self.rename:
                sheet.title = self.vanish + " (oud)"
            else:
                book.sheets.remove(sheet)
            self.vanish = None
        return answer


TABS = {t.title: t.values for t in read_csv_folder(KLEIN_DIR).tabs}


@pytest.fixture(scope="module")
def server():
    with pytest.MonkeyPatch.context() as mp:
        standin = VanishingTab().start()
        mp.setenv("KENNISBANK_SHEETS_ENDPOINT", standin.url)
        for name in ("GOOGLE_APPLICATION_CREDENTIALS", "KENNISBANK_GOOGLE_CREDENTIALS",
                     "KENNISBANK_GOOGLE_API_KEY"):
            mp.delenv(name, raising=False)
        mp.setattr(gsheet, "RetryPolicy", functools.partial(gsheet.RetryPolicy, **FAST))
        yield standin
        standin.stop()


@pytest.fixture
def standin(server):
    """The stand-in with the sheet as it was, no faults queued and no requests recorded."""
    server.add_spreadsheet(KEY, "Kennisbank storingen", TABS)
    server.faults.clear()
    server.vanish, server.rename = None, False
    server.stopping.clear()
    yield server
    server.requests.clear()


@pytest.fixture(scope="module")
def template(server, tmp_path_factory) -> Path:
    server.add_spreadsheet(KEY, "Kennisbank storingen", TABS)
    out = tmp_path_factory.mktemp("sjabloon") / "uit"
    build(SOURCE, out, TODAY)
    return out


@pytest.fixture
def published(standin, template, tmp_path) -> Path:
    """A catalogue built from the sheet before the fault."""
    out = shutil.copytree(template, tmp_path / "uit")
    standin.requests.clear()
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table(out: Path) -> list[tuple]:
    conn = sqlite3.connect(out / "kennisbank.db")
    try:
        return conn.execute("select * from acties order by actie_id").fetchall()
    finally:
        conn.close()


def last_run(out: Path) -> tuple:
    conn = sqlite3.connect(out / "beheer.db")
    try:
        return conn.execute("select status, foutmelding from runs order by gestart desc, "
                            "rowid desc limit 1").fetchone()
    finally:
        conn.close()


def rebuild(out: Path):
    started = time.monotonic()
    try:
        result = build(SOURCE, out, TODAY, force=True)
    except KennisbankError as exc:
        return exc, time.monotonic() - started
    return result, time.monotonic() - started


def assert_clear_error(out: Path, before: str, outcome, message: str) -> None:
    assert isinstance(outcome, KennisbankError), outcome
    assert str(outcome) == message
    assert digest(out / "kennisbank.db") == before
    assert last_run(out) == ("mislukt", message)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".kennisbank.lock"]


def assert_correct_build(out: Path, rows: list[tuple], outcome) -> None:
    assert not isinstance(outcome, Exception), outcome
    assert outcome.outcome.counts["gepubliceerd"] == 2
    assert table(out) == rows
    assert last_run(out)[0] in ("voltooid", "ongewijzigd")


@pytest.mark.parametrize("kind, faults, message", [
    ("values.batchGet", [429] * 10, "Google Sheets weigert tijdelijk meer verzoeken: het quotum is "
     "op (HTTP 429, 4 pogingen). Probeer het over een paar minuten opnieuw."),
    ("metadata", [429] * 10, "Google Sheets weigert tijdelijk meer verzoeken: het quotum is op "
     "(HTTP 429, 4 pogingen). Probeer het over een paar minuten opnieuw."),
    ("metadata", [503] * 4, "Google Sheets is tijdelijk niet beschikbaar (HTTP 503, 4 pogingen). "
     "Probeer het later opnieuw."),
    ("values.batchGet", [500, 503, 500, 503], "Google Sheets is tijdelijk niet beschikbaar (HTTP "
     "503, 4 pogingen). Probeer het later opnieuw."),
    ("values.batchGet", [Fault(hang=30)] * 4, "Google Sheets antwoordde niet binnen 1,5 seconden "
     "(4 pogingen). Probeer het later opnieuw."),
    ("metadata", [Fault(truncate=True)] * 4, "Google Sheets gaf een onleesbaar antwoord (geen "
     "geldige JSON, 4 pogingen). Probeer het later opnieuw."),
    ("values.batchGet", [Fault(truncate=True)] * 4, "Google Sheets gaf een onleesbaar antwoord "
     "(geen geldige JSON, 4 pogingen). Probeer het later opnieuw."),
])
def test_fault_longer_than_the_retry_budget_keeps_the_catalogue(standin, published, kind, faults,
                                                               message):
    before = digest(published / "kennisbank.db")
    standin.fail(kind, *faults)
    outcome, seconds = rebuild(published)
    assert_clear_error(published, before, outcome, message)
    assert seconds < BOUND
    assert len(standin.calls(kind)) == 4  # exactly the budget, no more


@pytest.mark.parametrize("kind, faults", [
    ("values.batchGet", [429, 429, 429]),
    ("metadata", [Fault(status=429, retry_after=0.2), 503]),
    ("values.batchGet", [500, 503]),
    ("values.batchGet", [Fault(hang=30)]),
    ("metadata", [Fault(hang=30), Fault(truncate=True)]),
    ("values.batchGet", [Fault(truncate=True), 502]),
])
def test_fault_within_the_retry_budget_ends_in_a_correct_build(standin, published, kind, faults):
    rows = table(published)
    standin.fail(kind, *faults)
    outcome, seconds = rebuild(published)
    assert_correct_build(published, rows, outcome)
    assert seconds < BOUND
    assert len(standin.calls(kind)) == len(faults) + 1


@pytest.mark.parametrize("tab, rename", [("Bibliotheken", False), ("Acties", True),
                                         ("Bibliotheken", True)])
def test_tab_that_disappears_between_metadata_and_values(standin, published, tab, rename):
    before = digest(published / "kennisbank.db")
    standin.vanish, standin.rename = tab, rename
    outcome, seconds = rebuild(published)
    assert_clear_error(published, before, outcome, (
        f"Een tabblad van Google Sheet '{KEY}' is tijdens het lezen verwijderd of hernoemd "
        f"(Unable to parse range: '{tab}'). Er is niets gepubliceerd of gewijzigd; probeer het "
        f"opnieuw."))
    assert seconds < BOUND
    assert standin.kinds() == ["metadata", "values.batchGet"]  # a 400 is not retried
    outcome, _ = rebuild(published)  # the next run sees the sheet as it is now
    if rename or tab == "Bibliotheken":
        assert isinstance(outcome, KennisbankError)
        assert "ontbreekt in de Google Sheet 'Kennisbank storingen'" in str(outcome)


def test_unreachable_sheet_keeps_the_catalogue(standin, published, monkeypatch):
    before = digest(published / "kennisbank.db")
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        host = "127.0.0.1:%d" % sock.getsockname()[1]
    monkeypatch.setenv("KENNISBANK_SHEETS_ENDPOINT", f"http://{host}")
    outcome, seconds = rebuild(published)
    assert_clear_error(published, before, outcome, (
        f"Kan Google Sheets niet bereiken op {host} (4 pogingen). Controleer de "
        f"internetverbinding of KENNISBANK_SHEETS_ENDPOINT en probeer het opnieuw."))
    assert seconds < BOUND


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class HangingSession(requests.Session):
    """Every request hangs until the read timeout, on the fake clock."""

    def __init__(self, fake: FakeTime) -> None:
        super().__init__()
        self.fake = fake
        self.calls = 0

    def request(self, method, url, *args, timeout=None, **kwargs):
        self.calls += 1
        self.fake.now += timeout[1]
        raise requests.Timeout("read timed out")


def test_the_default_policy_gives_up_within_a_bounded_time():
    """The real defaults (5 attempts, 60 s read timeout, 100 s deadline): a connection that
    hangs on every request fails one request after at most deadline + one timeout."""
    fake = FakeTime()
    policy = DEFAULT_POLICY(sleep=fake.sleep, clock=fake.clock)
    session = HangingSession(fake)
    with pytest.raises(KennisbankError) as err:
        gsheet.read_google_sheet(SOURCE, env={}, session=session, policy=policy)
    assert str(err.value) == ("Google Sheets antwoordde niet binnen 60 seconden (2 pogingen). "
                              "Probeer het later opnieuw.")
    assert fake.now <= policy.deadline + policy.timeout[1]
    assert session.calls == 2
