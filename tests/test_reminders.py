"""Reminders that keep actions complete (issue 16): an action that ended more than 30 days ago
without any result gets the info finding resultaten_gevraagd; the library report opens with a
"te doen" list (rejected rows, then actions waiting for results, then the rest); the coordinators
see the count per library; a library with only reminders is mailed too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from helpers import good_action, snapshot_of
from pipeline.contract.process import process

TODAY = date(2026, 11, 28)
DUINSTREEK, VEENWEIDE = "Bibliotheek Duinstreek", "Bibliotheek Veenweide"
NO_RESULTS = dict(resultaat=None, resultaten_toelichting=None, wat_werkte=None,
                  kpi=None, streefwaarde=None, meetbaar_doel=None)


def actions() -> list[list]:
    """Sheet rows 2-9."""
    return [
        good_action(titel="Ruim 30 dagen geleden, zonder resultaten", startdatum="1-10-2026",
                    einddatum="28-10-2026", **NO_RESULTS),                          # 2: reminder
        good_action(titel="Net 30 dagen geleden", startdatum="1-10-2026",
                    einddatum="29-10-2026", **NO_RESULTS),                          # 3: not yet
        good_action(titel="Lang geleden, met een les", startdatum="1-3-2025",
                    einddatum="31-3-2025", **{**NO_RESULTS, "wat_werkte": "Flyers."}),  # 4
        good_action(titel="Lang geleden, afgekeurd", startdatum="ergens in maart",
                    einddatum="31-3-2025", **NO_RESULTS),                           # 5: error
        good_action(titel="Lang geleden, niet gedeeld", startdatum="1-3-2025",
                    einddatum="31-3-2025", delen="nee", **NO_RESULTS),              # 6
        good_action(titel="Lang geleden, alleen netwerk", startdatum="1-3-2025",
                    einddatum="31-3-2025", delen="netwerk", **NO_RESULTS),          # 7: reminder
        good_action(titel="Loopt nog", startdatum="1-11-2026", einddatum=None,
                    **NO_RESULTS),                                                   # 8
        good_action(bibliotheek=VEENWEIDE, titel="Veenweide wacht op resultaten",
                    startdatum="1-3-2025", einddatum="31-3-2025", **NO_RESULTS),    # 9: reminder
    ]


def test_the_reminder_appears_exactly_for_actions_past_the_threshold_without_results():
    outcome = process(snapshot_of(actions()), TODAY)
    found = outcome.findings[outcome.findings["code"] == "resultaten_gevraagd"]
    assert list(found["rij"]) == [2, 7, 9]
    assert set(found["ernst"]) == {"info"}
    assert list(found["bericht"])[0] == (
        "De actie is op 28 oktober 2026 afgelopen, maar de resultaten ontbreken nog.")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    from pipeline.app import build
    from pipeline.reports.render import write_reports
    from pipeline.sources.snapshot import write_snapshot

    tmp = tmp_path_factory.mktemp("herinnering")
    source = write_snapshot(snapshot_of(actions()), tmp / "bron")
    build(str(source), tmp / "uit", TODAY)
    return write_reports(tmp / "uit")


def test_the_library_report_opens_with_a_to_do_list_in_order(reports):
    duinstreek = next(lib for lib in reports.libraries if lib.naam == DUINSTREEK)
    text = duinstreek.text
    start = text.index("TE DOEN\n")
    lines = text[start:text.index("\n\n", start)].splitlines()[1:]
    assert [line.split(" - ")[0].strip() for line in lines] == [
        "1. rij 5", "2. rij 2", "3. rij 7", "4. rij 3", "5. rij 4", "6. rij 6", "7. rij 8"]
    assert lines[0].endswith("Lang geleden, afgekeurd: afgekeurd: los eerst de fout op")
    assert lines[1].endswith("Ruim 30 dagen geleden, zonder resultaten: afgelopen: vul de "
                             "resultaten in (wat leverde het op?)")
    assert lines[2].startswith("  3. rij 7 - Lang geleden, alleen netwerk: afgelopen")
    assert all("vul aan: " in line for line in lines[3:])
    html = duinstreek.html
    assert html.index('id="te-doen"') < html.index('id="verbeteren"')


def test_the_coordinators_see_actions_waiting_for_results_per_library(reports):
    text = reports.text
    assert "/ wacht op resultaten /" in text
    line = next(line for line in text.splitlines() if line.startswith(f"  {VEENWEIDE}"))
    figures = text.splitlines()[text.splitlines().index(line) + 1].split(" / ")
    assert figures[6] == "1"  # Veenweide: one action waiting for its results


def test_a_new_reminder_is_news_for_the_library_and_its_mail_goes_out(tmp_path):
    """Night 1: Veenweide's action ended 26 days ago; both libraries are mailed. Night 2, five
    days later: it ended 31 days ago, so a reminder is new: Veenweide (and the coordinators)
    hear of it, Duinstreek, with nothing new, is left alone."""
    from pipeline.app import build
    from pipeline.reports.mail_log import MailLog
    from pipeline.sources.snapshot import write_snapshot

    rows = [good_action(titel="Zonder tip", tip=None),  # one warning, the same both nights
            good_action(bibliotheek=VEENWEIDE, titel="Najaarsactie", startdatum="1-10-2026",
                        einddatum="25-10-2026", **NO_RESULTS)]
    source = write_snapshot(snapshot_of(rows), tmp_path / "bron")
    out = tmp_path / "uit"
    build(str(source), out, date(2026, 11, 20))
    MailLog.read(out).record(["coordinatoren", DUINSTREEK, VEENWEIDE])
    build(str(source), out, date(2026, 11, 25))
    assert set(MailLog.read(out).quiet(7)) == {DUINSTREEK}


def test_the_subject_says_how_many_actions_wait_for_results():
    from pipeline.reports.render import library_subject

    counts = {"fouten": 0, "waarschuwingen": 0, "resultaten_gevraagd": 2}
    assert library_subject(VEENWEIDE, counts, "28 november 2026") == (
        f"Kennisbank Marketing: 2 acties wachten op resultaten voor {VEENWEIDE} "
        "(28 november 2026)")
    assert library_subject(VEENWEIDE, {**counts, "resultaten_gevraagd": 0}, "1 mei") == (
        f"Kennisbank Marketing: alles in orde voor {VEENWEIDE} (1 mei)")


def test_a_published_row_reads_ok_with_the_address_of_its_card():
    from pipeline.contract.row_status import row_statuses

    outcome = process(snapshot_of(actions() + [good_action(titel="Compleet")]), TODAY)
    site = "https://kennisbank.voorbeeld.nl/"
    statuses = row_statuses(outcome, site)
    published = outcome.actions[outcome.actions["uitkomst"] == "gepubliceerd"]
    complete = published[published["ontbreekt"].map(len) == 0]
    assert list(complete["rij"]) == [10]
    for row, actie_id in zip(complete["rij"], complete["actie_id"]):
        assert statuses[row] == f"OK: https://kennisbank.voorbeeld.nl/kennisbank/acties/{actie_id}"
    assert row_statuses(outcome)[complete["rij"].iloc[0]] == "OK"
    assert statuses[5].startswith("Afgekeurd: ")
