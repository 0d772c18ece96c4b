"""`kennisbank evaluatie` (pipeline/reports/evaluation.py): the pilot's questions answered with
figures from a two-run history and usage logs; the report checked in Chromium and sent to a real
SMTP server."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import (
    SCREENSHOTS,
    chromium,
    good_action,
    new_page,
    report_libraries,
    settle,
    snapshot_of,
)
from pipeline.cli import main
from pipeline.reports.evaluation import evaluation_context
from pipeline.store.history import finding_lifetimes

DUINSTREEK, VEENWEIDE = "Bibliotheek Duinstreek", "Bibliotheek Veenweide"
KUSTLICHT, POLDERHOF = "Bibliotheek Kustlicht", "Bibliotheek Polderhof"
FIRST, SECOND = date(2026, 11, 20), date(2026, 12, 5)
REMARK = "<script>alert('lek')</script> Mooi idee, gaan we ook doen!"


def version(second: bool) -> list[list]:
    """First run: Duinstreek shares one action, Veenweide's is rejected (a date that cannot be
    read). Second run: Veenweide fixed it and Kustlicht shares one with the network only.
    Polderhof never shares anything."""
    rows = [good_action(bibliotheek=DUINSTREEK, titel="Kinderboekenweek in de duinen"),
            good_action(bibliotheek=VEENWEIDE, titel="Digitaal Café Veenweide",
                        startdatum="2-10-2024" if second else "ergens in oktober")]
    if second:
        rows.append(good_action(bibliotheek=KUSTLICHT, titel="Strandlezen", delen="netwerk"))
    return rows


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    from pipeline.app import build
    from pipeline.sources.snapshot import write_snapshot

    tmp = tmp_path_factory.mktemp("evaluatie")
    out = tmp / "uit"
    for second, day in ((False, FIRST), (True, SECOND)):
        source = write_snapshot(snapshot_of(version(second), report_libraries()),
                                tmp / f"bron-{int(second)}")
        build(str(source), out, day)
    return out


def line(**record) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def logs(history, tmp_path_factory) -> list[Path]:
    """Two instances' logs (one rotated and gzipped, with a damaged line)."""
    import sqlite3

    ids = dict(sqlite3.connect(history / "kennisbank.db").execute(
        "select titel, actie_id from acties"))
    duin, veen = ids["Kinderboekenweek in de duinen"], ids["Digitaal Café Veenweide"]
    folder = tmp_path_factory.mktemp("logs")
    one, two = folder / "gebruik-a.jsonl", folder / "gebruik-b.jsonl.gz"
    one.write_text("".join([
        line(tijd="2026-11-21T09:00Z", soort="home", status=200),
        line(tijd="2026-11-21T09:01Z", soort="actiekaart", actie_id=duin, status=200),
        line(tijd="2026-11-21T09:02Z", soort="zoeken", zoekterm="Voorlezen ", resultaten=1,
             status=200),
        line(tijd="2026-11-22T10:00Z", soort="zoeken", zoekterm="escaperoom", resultaten=0,
             status=200),
        line(tijd="2026-11-22T10:05Z", soort="feedback", actie_id=duin, antwoord="ja",
             opmerking=REMARK),
    ]), encoding="utf-8")
    with gzip.open(two, "wt", encoding="utf-8") as fh:
        fh.write("".join([
            line(tijd="2026-12-01T08:00Z", soort="actiekaart", actie_id=duin, status=200),
            line(tijd="2026-12-01T08:01Z", soort="actiekaart", actie_id=veen, status=200),
            "{dit is geen json\n",
            line(tijd="2026-12-02T11:00Z", soort="zoeken", zoekterm="Escaperoom", resultaten=0,
                 status=200),
            line(tijd="2026-12-02T11:05Z", soort="feedback", actie_id=veen, antwoord="nee"),
            line(tijd="2026-12-03T12:00Z", soort="feedback", actie_id=duin, antwoord="ja"),
        ]))
    return [one, two]


def evaluate(history: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["evaluatie", "--out", str(history), *args], env=env)


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8")), delimiter=";"))


def test_participation_per_month_contributed_against_registered(history):
    c = evaluation_context(history)
    assert [(m["label"], m["doen_mee"], m["aangemeld"], m["deelname_pct"], m["gedeeld"],
             m["gepubliceerd"], m["alleen_netwerk"], m["afgekeurd"]) for m in c["maanden"]] == [
        ("november 2026", 1, 4, 25.0, 1, 1, 0, 1),
        ("december 2026", 3, 4, 75.0, 3, 2, 1, 0),
    ]
    assert [(b["naam"], b["gedeeld"], b["gepubliceerd"], b["alleen_netwerk"], b["totaal"])
            for b in c["bibliotheken"]] == [
        (DUINSTREEK, 1, 1, 0, 1), (KUSTLICHT, 1, 0, 1, 1), (VEENWEIDE, 1, 1, 0, 1),
        (POLDERHOF, 0, 0, 0, 0)]
    assert c["zonder_acties"] == [POLDERHOF]


def test_time_until_findings_are_fixed(history):
    fixing = {o["ernst"]: o for o in evaluation_context(history)["oplostijd"]}
    assert fixing["fout"] == {"ernst": "fout", "label": "Fouten", "opgelost": 1,
                              "mediaan_dagen": 15, "binnen_pct": 0.0, "verwijderd": 0,
                              "open": 0, "mediaan_open": None}


def test_a_finding_on_a_deleted_row_is_not_fixed_and_the_first_day_is_kept():
    def finding(rij, code, ernst="fout", waarde=None):
        return {"tabblad": "Acties", "rij": rij, "veld": "startdatum", "code": code,
                "ernst": ernst, "waarde": waarde, "bibliotheek": "B"}

    def row(rij, actie_id, titel):
        return {"rij": rij, "actie_id": actie_id, "bibliotheek": "B", "titel": titel}

    runs = [{"run_id": "r1", "peildatum": "2026-11-01"}, {"run_id": "r2", "peildatum":
            "2026-11-08"}, {"run_id": "r3", "peildatum": "2026-11-29"}]
    findings = {"r1": [finding(2, "a"), finding(3, "b")],
                # row 3 moved to row 2 (row 2 deleted); finding a gone with its row
                "r2": [finding(2, "b"), finding(3, "c", ernst="info")],
                "r3": []}
    rows = {"r1": [row(2, "X1", "Een"), row(3, "X2", "Twee")],
            "r2": [row(2, "X2", "Twee"), row(3, "X3", "Drie")],
            "r3": [row(2, "X2", "Twee"), row(3, "X3", "Drie")]}
    solved, still_open = finding_lifetimes(runs, findings.__getitem__, rows.__getitem__)
    assert [(f["code"], f["sinds"], f["opgelost"], f["verwijderd"]) for f in solved] == [
        ("a", "2026-11-01", "2026-11-08", True), ("b", "2026-11-01", "2026-11-29", False)]
    assert still_open == []


def test_targets_beside_the_measured_figures(history, logs):
    c = evaluation_context(history, logs)
    assert [(t["cijfer"], t["gemeten"], t["oordeel"]) for t in c["streefwaarden"]] == [
        ("deelname_pct", "75%", "gehaald"),
        ("gedeelde_acties", "3", "niet gehaald"),
        ("drie_of_meer_pct", "0%", "niet gehaald"),
        ("compleet_pct", "100%", "gehaald"),
        ("afgekeurd_pct", "0%", "gehaald"),
        ("fouten_binnen_14_dagen_pct", "0%", "niet gehaald"),
        ("akkoord_pct", "100%", "gehaald"),
        ("openbaar_pct", "66,7%", "niet gehaald"),
        ("zonder_resultaat_pct", "66,7%", "niet gehaald"),
        ("bekeken_acties", "2", "niet gehaald"),
        ("feedback_ja_pct", "66,7%", "niet gehaald"),
    ]
    without_logs = {t["cijfer"]: t["oordeel"] for t in evaluation_context(history)["streefwaarden"]}
    assert without_logs["bekeken_acties"] == "nog niet te meten"


def test_usage_per_month_from_two_instances(history, logs):
    used = evaluation_context(history, logs)["gebruik"]
    assert used["totaal"]["verzoeken"] == 10 and used["totaal"]["overgeslagen"] == 1
    assert [(m["label"], m["verzoeken"], m["actiekaarten"], m["zoekopdrachten"],
             m["zonder_resultaat"], m["ja"], m["nee"]) for m in used["maanden"]] == [
        ("november 2026", 5, 1, 2, 1, 1, 0), ("december 2026", 5, 2, 1, 1, 1, 1)]
    assert [(a["titel"], a["weergaven"]) for a in used["meest_bekeken"]] == [
        ("Kinderboekenweek in de duinen", 2), ("Digitaal Café Veenweide", 1)]
    assert used["totaal"]["zonder_resultaat"] == [{"zoekterm": "escaperoom", "aantal": 2}]
    assert [r["opmerking"] for r in used["opmerkingen"]] == [REMARK]


def test_the_command_writes_html_text_and_csv(history, logs):
    result = evaluate(history, "--log", str(logs[0]), "--log", str(logs[1]))
    assert result.exit_code == 0, result.output
    folder = history / "evaluatie"
    assert result.output.splitlines() == [
        f"Evaluatie: {folder / 'evaluatie.html'} (en 6 bestanden ernaast)",
        "Evaluatie Kennisbank Marketing: 3 van 4 aangemelde bibliotheken doen mee "
        "(5 december 2026)"]
    assert read_csv(folder / "deelname-per-maand.csv") == [
        ["maand", "bibliotheken_doen_mee", "bibliotheken_aangemeld", "deelname_pct", "gelezen",
         "openbaar", "alleen_netwerk", "niet_gedeeld", "wacht_op_akkoord", "afgekeurd",
         "onvolledig", "compleet_pct", "fouten", "waarschuwingen"],
        ["2026-11", "1", "4", "25.0", "2", "1", "0", "0", "0", "1", "0", "100.0", "1", "0"],
        ["2026-12", "3", "4", "75.0", "3", "2", "1", "0", "0", "0", "0", "100.0", "0", "0"]]
    assert read_csv(folder / "gebruik-per-maand.csv")[1:] == [
        ["2026-11", "5", "1", "2", "1", "1", "0"], ["2026-12", "5", "2", "1", "1", "1", "1"]]
    html = (folder / "evaluatie.html").read_text("utf-8")
    assert REMARK not in html and "&lt;script&gt;alert(&#39;lek&#39;)&lt;/script&gt;" in html
    assert (folder / "evaluatie.txt").read_text("utf-8").splitlines()[3] == (
        "3 van de 4 aangemelde bibliotheken doen mee (minstens één gedeelde actie).")


def test_the_report_in_chromium_shows_exact_participation(history, logs, tmp_path):
    assert evaluate(history, "--log", str(logs[0]), "--log", str(logs[1])).exit_code == 0
    report = history / "evaluatie" / "evaluatie.html"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium(tmp_path / "profiel", "file://") as browser:
        for device, width in (("desktop", 1024), ("telefoon", 390)):
            page = new_page(browser)
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(report.as_uri())
            settle(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(SCREENSHOTS / f"evaluatie-{device}.png"), full_page=True)
            if device == "desktop":
                cells = page.eval_on_selector_all(
                    "#deelname-per-maand tbody tr",
                    "rows => rows.map(r => [...r.cells].slice(0, 4).map(c => c.innerText))")
                assert cells == [["november 2026", "1", "4", "25%"],
                                 ["december 2026", "3", "4", "75%"]]
                assert page.locator("#deelname .deelname strong").inner_text() == "3 van de 4"
                bars = page.eval_on_selector_all(
                    "#deelname figure svg g title", "ts => ts.map(t => t.textContent)")
                assert bars == [
                    "november 2026: 1 van 4 aangemelde bibliotheken doen mee",
                    "december 2026: 3 van 4 aangemelde bibliotheken doen mee"]
                assert page.get_by_text(REMARK).is_visible()
                assert page.dialogs == []
            page.close()


def test_mail_to_the_coordinators(history, smtp):
    controller, handler = smtp
    env = {"KENNISBANK_SMTP_HOST": "127.0.0.1", "KENNISBANK_SMTP_PORT": str(controller.port),
           "KENNISBANK_SMTP_SECURITY": "none", "KENNISBANK_MAIL_FROM": "kennisbank@voorbeeld.nl",
           "KENNISBANK_COORDINATOR_EMAIL": "coordinatie@voorbeeld.nl"}
    result = evaluate(history, "--mail", env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "E-mail verstuurd aan coordinatie@voorbeeld.nl: Evaluatie Kennisbank Marketing: 3 van 4 "
        "aangemelde bibliotheken doen mee (5 december 2026)")
    [(to, msg)] = handler.messages
    assert to == ["coordinatie@voorbeeld.nl"]
    assert [p.get_filename() for p in msg.iter_attachments()] == ["deelname-per-maand.csv"]
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "Evaluatie van de pilot" in html


def test_without_history_the_command_says_what_to_do(tmp_path):
    result = evaluate(tmp_path)
    assert result.exit_code == 2
    assert "Er is nog geen geschiedenis in" in result.output
    assert "kennisbank build" in result.output
