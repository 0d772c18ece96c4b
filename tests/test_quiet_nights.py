"""Quiet nights (issue 16): the nightly `kennisbank run --mail --write-back` against the Sheets
stand-in (which applies the writes) and a real SMTP server. The Controle column it writes is no
change of the sheet; an unchanged night writes nothing and mails nobody; a library hears again
when something changed for it, or after KENNISBANK_MAIL_REPEAT_DAYS days."""

from __future__ import annotations

import copy
import sqlite3
import subprocess
import sys

import pytest

from pipeline.contract.config import SAMPLE_WORKBOOK
from pipeline.reports.mail_log import MailLog
from pipeline.sources.fetch import read_xlsx
from pipeline.sources.snapshot import Snapshot, Tab
from pipeline.sources.write_back import same_statuses, status_of

KEY = "1KennisbankStilleNachten0123456789abcdefgh"
COORDINATORS = "coordinatoren@voorbeeld.nl"


def night(standin, controller, out, day: str, *extra: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", **standin.env(),
           "KENNISBANK_SMTP_HOST": "127.0.0.1", "KENNISBANK_SMTP_PORT": str(controller.port),
           "KENNISBANK_SMTP_SECURITY": "none", "KENNISBANK_MAIL_FROM": "kennisbank@voorbeeld.nl",
           "KENNISBANK_COORDINATOR_EMAIL": COORDINATORS}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--source", f"gsheet:{KEY}", "--out",
         str(out), "--mail", "--write-back", "--peildatum", day, *extra],
        capture_output=True, text=True, env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    return result


def recipients(handler, since: int) -> list[str]:
    return sorted(", ".join(to) for to, _ in handler.messages[since:])


@pytest.fixture
def sheet(standin):
    tabs = {t.title: copy.deepcopy(t.values) for t in read_xlsx(SAMPLE_WORKBOOK).tabs}
    standin.add_spreadsheet(KEY, "Kennisbank pilot", tabs)
    return tabs


def test_an_unchanged_night_writes_nothing_and_mails_nobody(standin, sheet, smtp, tmp_path):
    controller, handler = smtp
    out = tmp_path / "uit"
    night(standin, controller, out, "2026-12-01")
    first = recipients(handler, 0)
    assert COORDINATORS in first and len(first) > 1
    assert "values.update" in standin.kinds()

    calls = len(standin.kinds())
    second = night(standin, controller, out, "2026-12-02")
    assert recipients(handler, len(first)) == []
    assert standin.kinds()[calls:] == ["metadata", "values.batchGet",    # reading
                                       "metadata", "values.batchGet"]    # the write-back check
    assert "controlekolom ongewijzigd" in second.stdout
    with sqlite3.connect(out / "beheer.db") as conn:
        assert [r[0] for r in conn.execute("select status from runs order by gestart")] == [
            "voltooid", "ongewijzigd"]

    # A week after the first mail, the same open items are mailed once more.
    night(standin, controller, out, "2026-12-08")
    assert recipients(handler, len(first)) == first


def test_a_change_mails_only_the_library_it_concerns(standin, sheet, smtp, tmp_path):
    controller, handler = smtp
    out = tmp_path / "uit"
    night(standin, controller, out, "2026-12-01")
    sent = len(handler.messages)
    rows = standin.books[KEY].sheet("Acties").rows()
    header = next(i for i, r in enumerate(rows) if r[:2] == ["ID", "Bibliotheek"])
    start = rows[header].index("Startdatum")
    library = rows[header].index("Bibliotheek")
    bad = next(i for i, r in enumerate(rows) if len(r) > start and r[start] == "ergens in maart")
    standin.books[KEY].sheet("Acties").set(bad, start, "1-3-2024")  # a fixed error
    night(standin, controller, out, "2026-12-02")
    with sqlite3.connect(out / "beheer.db") as conn:
        address = conn.execute("select email from bibliotheken where naam = ?",
                               (rows[bad][library],)).fetchone()[0]
    assert recipients(handler, sent) == sorted([COORDINATORS, address])


def test_the_controle_column_is_no_change_of_the_sheet():
    values = [["ID", "Bibliotheek", "Titel", "Startdatum"], [None, "Bieb", "Actie", "1-3-2024"]]
    written = [[*values[0], "Controle"], [*values[1], "OK (gecontroleerd 2026-12-01T02:00:00Z)"]]
    later = [[*values[0], "Controle"], [*values[1], "OK (gecontroleerd 2026-12-02T02:00:00Z)"]]

    def content(rows):
        return Snapshot({"soort": "test"}, [Tab("Acties", rows)]).content_hash

    assert content(values) == content(written) == content(later)
    assert content(values) != content([values[0], [None, "Bieb", "Actie", "2-3-2024"]])


def test_same_statuses_ignores_only_the_time_of_the_check():
    rows = [["ID", "Controle"], ["a", "OK (gecontroleerd 2026-12-01T02:00:00Z)"], ["b"],
            ["c", "Afgekeurd: dit (en dat) klopt niet. (gecontroleerd 2026-12-01T02:00:00Z)"]]
    assert status_of(rows[3][1]) == "Afgekeurd: dit (en dat) klopt niet."
    assert same_statuses(rows, 0, 1, {2: "OK", 4: "Afgekeurd: dit (en dat) klopt niet."})
    assert not same_statuses(rows, 0, 1, {2: "OK", 3: "OK",
                                          4: "Afgekeurd: dit (en dat) klopt niet."})
    assert not same_statuses(rows, 0, 1, {2: "OK", 4: "OK"})
    assert not same_statuses(rows, 0, 1, {2: "OK", 4: "Afgekeurd: dit (en dat) klopt niet.",
                                          5: "OK"})


def test_repeat_days_decide_when_the_same_items_are_mailed_again(tmp_path):
    from pipeline.app import build
    from pipeline.reports.mail_log import repeat_days

    build(None, tmp_path, None)
    log = MailLog.read(tmp_path)
    log.record(["coordinatoren", "Bibliotheek Duinstreek"])
    again = MailLog.read(tmp_path)
    assert set(again.quiet(7)) == {"coordinatoren", "Bibliotheek Duinstreek"}
    assert again.quiet(0) == {}
    assert again.quiet(7)["coordinatoren"].startswith("niets nieuw sinds de e-mail van ")
    assert repeat_days({}) == 7 and repeat_days({"KENNISBANK_MAIL_REPEAT_DAYS": "14"}) == 14
    with pytest.raises(Exception, match="KENNISBANK_MAIL_REPEAT_DAYS is 'week'"):
        repeat_days({"KENNISBANK_MAIL_REPEAT_DAYS": "week"})
