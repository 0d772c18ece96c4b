"""Reports: exact content on a two-run fixture, privacy per library, escaping, CSV safety, the
history they rest on, and screenshots of the sample's reports in headless Chromium."""

from __future__ import annotations

import csv
import html
import io
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import (
    ACTIES_GID,
    DUINSTREEK,
    FIRST_DAY,
    FORMULA,
    KLEIN_DIR,
    KUSTLICHT,
    POLDERHOF,
    SCREENSHOTS,
    TODAY,
    VEENWEIDE,
    XSS,
    build_two_runs,
    build_version,
    chromium,
    foreign_markers,
    good_action,
    new_page,
    parse_html,
    row_link,
    settle,
)
from pipeline.cli import main
from pipeline.contract.config import SAMPLE_WORKBOOK
from pipeline.reports.render import csv_safe, library_context, read_facts, write_reports

SLUGS = {DUINSTREEK: "bibliotheek-duinstreek", KUSTLICHT: "bibliotheek-kustlicht",
         POLDERHOF: "bibliotheek-polderhof", VEENWEIDE: "bibliotheek-veenweide"}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    out = build_two_runs(tmp_path_factory.mktemp("rapport"))
    return out, write_reports(out)


@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("eerste")
    build_version(tmp, tmp / "uit", False, FIRST_DAY)
    return tmp / "uit", write_reports(tmp / "uit")


def read(out: Path, name: str) -> str:
    return (out / "rapporten" / name).read_text(encoding="utf-8")


def groups_of(out: Path, library: str) -> list[tuple]:
    context = library_context(read_facts(out), library, SLUGS[library])
    return [(g["tabblad"], g["rij"], g["titel"], g["status"], g["link"],
             [(m["kop"], m["ernst"], m["code"], m["waarde"]) for m in g["meldingen"]])
            for g in context["rijen"]["lijst"]]


# ------------------------------------------------------------------ files and counts

def test_report_files(two_runs):
    out, _ = two_runs
    assert sorted(p.name for p in (out / "rapporten").iterdir()) == sorted(
        ["coordinatoren.html", "coordinatoren.txt", "meldingen.csv"]
        + [f"{slug}.{ext}" for slug in SLUGS.values() for ext in ("html", "txt", "csv")])
    # no temporary files left; only the run lock stays
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".kennisbank.lock"]


def test_coordinator_report_run_at_a_glance_and_per_library(two_runs):
    out, reports = two_runs
    text = read(out, "coordinatoren.txt")
    assert reports.subject == ("Kennisbank Marketing: rapport van 5 december 2026 "
                               "(1 fout, 3 waarschuwingen)")
    assert text.startswith(
        "KENNISBANK MARKETING - RAPPORT VOOR COÖRDINATOREN\n"
        "Stand van 5 december 2026, vergeleken met de verwerking van 28 november 2026\n\n"
        "DEZE VERWERKING IN ÉÉN OOGOPSLAG\n"
        "  Acties gelezen:           7  (+1)\n"
        "  Gepubliceerd:             6  (+2)\n"
        "  Waarvan onvolledig:       2  (gelijk)\n"
        "  Alleen netwerk:           0  (gelijk)\n"
        "  Afgekeurd:                1  (−1)\n"
        "  Niet gedeeld:             0  (gelijk)\n"
        "  Wacht op akkoord:         0  (gelijk)\n"
        "  Fouten:                   1  (−1)\n"
        "  Waarschuwingen:           3  (−2)\n"
        "  Ter info:                 1  (gelijk)\n"
        "  3 van de 4 aangemelde bibliotheken doen mee: zij deelden minstens één actie (75%).\n\n"
        "PER BIBLIOTHEEK\n"
        "  (acties / gepubliceerd / afgekeurd / compleet / fouten / waarschuwingen / wacht op "
        "resultaten / laatste nieuwe actie)\n"
        "  Bibliotheek Duinstreek\n"
        "    3 / 3 / 0 / 100% / 0 / 0 / 0 / 5 december 2026\n"
        "  Bibliotheek Kustlicht\n"
        "    0 / 0 / 0 / - / 0 / 0 / 0 / –\n"
        "  Bibliotheek Polderhof (geen e-mailadres)\n"
        "    1 / 1 / 0 / 0% / 0 / 1 / 0 / 28 november 2026\n"
        "  Bibliotheek Veenweide\n"
        "    2 / 2 / 0 / 50% / 0 / 2 / 0 / 28 november 2026\n"
        "  Onbekende bibliotheek\n"
        "    1 / 0 / 1 / 0% / 1 / 0 / 0 / -\n\n"
        "NOG GEEN ACTIES INGEVULD\n"
        "  - Bibliotheek Kustlicht\n\n"
        "AKKOORD MET DE GEBRUIKSVOORWAARDEN (versie van 1 november 2026)\n"
        "  Alle bibliotheken zijn akkoord met de huidige versie.\n\n")


def test_coordinator_report_participation_findings_and_vocabulary(two_runs):
    out, _ = two_runs
    text = read(out, "coordinatoren.txt")
    assert "  november 2026:     6 nieuw (3 bibl.), 1 gestart\n" in text
    assert "  december 2026:     1 nieuw (1 bibl.), 0 gestart\n" in text
    assert "  december 2025:" not in text and "  januari 2026:      0 nieuw" in text
    assert ("MEEST VOORKOMENDE MELDINGEN\n"
            "     1x  Bibliotheek '…' staat niet in het tabblad Bibliotheken. [Fout, 0 bibl.]\n"
            "     1x  Aanbevolen veld 'Aanleiding' is leeg. [Waarschuwing, 1 bibl.]\n"
            "     1x  Aanbevolen veld 'Tip voor collega's' is leeg. [Waarschuwing, 1 bibl.]\n"
            "     1x  De waarde in 'Kanalen' staat niet in de keuzelijst; de tekst wordt bewaard "
            "zoals getypt. [Waarschuwing, 1 bibl.]\n\n"
            "WAARDEN BUITEN DE KEUZELIJSTEN (kandidaten om toe te voegen)\n"
            "     1x  'Mastodon' in Kanalen (1 bibl.)\n") in text
    # the row of an unknown library is for the coordinators, with its link
    assert ("Rij 6: Geheime actie Nergenshuizen [Afgekeurd: niet gepubliceerd]\n"
            f"  Open in de Google Sheet: {row_link(6)}\n"
            "  - Fout in 'Bibliotheek' (ingevuld: Bibliotheek Nergenshuizen)\n") in text
    assert ("  5 december 2026:   7 / 6 / 2 / 1 / 0 / 1 / 3\n"
            "  28 november 2026:  6 / 4 / 2 / 2 / 0 / 2 / 5\n") in text


def test_coordinator_html_has_inline_chart_and_links_to_library_reports(two_runs):
    out, reports = two_runs
    page = read(out, "coordinatoren.html")
    parsed = parse_html(page)
    assert parsed.tags.count("svg") == 2 and parsed.tags.count("rect") == 24
    assert "<link" not in page and "<script" not in page and "src=" not in page.replace(
        "src=x", "")
    assert 'href="bibliotheek-veenweide.html"' in page
    assert 'href="bibliotheek-' not in reports.mail_html  # the mail has no links to files
    assert "<title>november 2026: 6 nieuwe acties van 3 bibliotheken</title>" in page


# ------------------------------------------------------------------ library reports

def test_each_library_sees_exactly_its_findings_by_row_with_links(two_runs):
    out, _ = two_runs
    assert groups_of(out, VEENWEIDE) == [
        ("Acties", 4, XSS, "Gepubliceerd", row_link(4),
         [("Kanalen", "waarschuwing", "keuze_onbekend", "Mastodon")]),
        ("Acties", 5, "Digitaal Café Veenweide", "Gepubliceerd, onvolledig", row_link(5),
         [("Tip voor collega's", "waarschuwing", "aanbevolen_leeg", "(leeg)"),
          ("Meetbaar doel", "info", "formule_als_tekst", FORMULA)]),
    ]
    assert groups_of(out, POLDERHOF) == [
        ("Acties", 7, "Polderpret in de zomer", "Gepubliceerd, onvolledig", row_link(7),
         [("Aanleiding", "waarschuwing", "aanbevolen_leeg", "(leeg)")])]
    assert groups_of(out, DUINSTREEK) == [] and groups_of(out, KUSTLICHT) == []
    text = read(out, "bibliotheek-veenweide.txt")
    assert ("Rij 5: Digitaal Café Veenweide [Gepubliceerd, onvolledig]\n"
            f"  Open in de Google Sheet: {row_link(5)}\n"
            "  - Waarschuwing in 'Tip voor collega's' (ingevuld: (leeg))\n"
            "    Aanbevolen veld 'Tip voor collega's' is leeg.\n") in text
    assert ("    Oplossing: Kies een waarde uit de keuzelijst (tabblad Keuzelijsten), of vraag de "
            "coördinator de lijst aan te vullen. Voorbeeld van een goede waarde: "
            "Nieuwsbrief en e-mail, Website\n") in text
    page = read(out, "bibliotheek-veenweide.html")
    assert f'href="{html.escape(row_link(4))}"' in page
    assert f"gid={ACTIES_GID}&amp;range=A5" in page


def test_first_run_library_report(one_run):
    out, reports = one_run
    assert groups_of(out, DUINSTREEK) == [
        ("Acties", 3, "Poëzieweek aan zee", "Afgekeurd: niet gepubliceerd", row_link(3),
         [("Startdatum", "fout", "datum_onleesbaar", "ergens in juli"),
          ("Einddatum", "waarschuwing", "aanbevolen_leeg", "(leeg)")])]
    by_name = {lib.naam: lib for lib in reports.libraries}
    assert {n: (lib.open_findings, lib.subject) for n, lib in by_name.items()} == {
        DUINSTREEK: (2, "Kennisbank Marketing: 2 punten om te verbeteren voor Bibliotheek "
                        "Duinstreek (28 november 2026)"),
        KUSTLICHT: (0, "Kennisbank Marketing: alles in orde voor Bibliotheek Kustlicht "
                       "(28 november 2026)"),
        POLDERHOF: (1, "Kennisbank Marketing: 1 punt om te verbeteren voor Bibliotheek "
                       "Polderhof (28 november 2026)"),
        VEENWEIDE: (3, "Kennisbank Marketing: 3 punten om te verbeteren voor Bibliotheek "
                       "Veenweide (28 november 2026)"),
    }
    assert "OPGELOST SINDS" not in by_name[DUINSTREEK].text
    assert "Er staan nog geen acties van Bibliotheek Kustlicht in de sheet." in by_name[
        KUSTLICHT].text


def test_fixed_since_last_run(two_runs):
    out, _ = two_runs
    assert ("OPGELOST SINDS DE VORIGE VERWERKING\n"
            "  - Rij 3, Poëzieweek aan zee, Startdatum: 'ergens in juli' in 'Startdatum' is geen "
            "leesbare datum.\n"
            "  - Rij 3, Poëzieweek aan zee, Einddatum: Aanbevolen veld 'Einddatum' is leeg.\n\n"
            "Alle meldingen") in read(out, "bibliotheek-duinstreek.txt")
    assert ("OPGELOST SINDS DE VORIGE VERWERKING\n"
            "  - Rij 5, Digitaal Café Veenweide, Aanleiding: Aanbevolen veld 'Aanleiding' is "
            "leeg.\n\n") in read(out, "bibliotheek-veenweide.txt")
    assert ("OPGELOST SINDS DE VORIGE VERWERKING\n"
            "  Sinds de vorige verwerking (28 november 2026) is geen melding opgelost.\n"
            ) in read(out, "bibliotheek-polderhof.txt")
    page = read(out, "bibliotheek-duinstreek.html")
    assert "Alles in orde." in page and "Opgelost sinds de vorige verwerking" in page


@pytest.mark.parametrize("library", [DUINSTREEK, VEENWEIDE, KUSTLICHT, POLDERHOF])
def test_library_reports_say_nothing_about_other_libraries(two_runs, one_run, library):
    markers = foreign_markers(library)
    for out, _ in (one_run, two_runs):
        for ext in ("html", "txt", "csv"):
            content = read(out, f"{SLUGS[library]}.{ext}")
            assert ext == "csv" or library in content
            leaks = {m for m in markers if m in content or html.escape(m) in content}
            assert leaks == set(), (ext, leaks)


# ------------------------------------------------------------------ safety

def test_markup_in_a_title_is_shown_as_text(two_runs):
    out, _ = two_runs
    for name in ("bibliotheek-veenweide.html", "coordinatoren.html"):
        page = read(out, name)
        assert "<img" not in page
        assert "img" not in parse_html(page).tags
    page = read(out, "bibliotheek-veenweide.html")
    assert "<h3>&lt;img src=x onerror=alert(1)&gt;</h3>" in page
    assert XSS in "".join(parse_html(page).text)


def test_csv_is_safe_against_formula_injection(two_runs):
    out, _ = two_runs
    raw = (out / "rapporten" / "bibliotheek-veenweide.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [(r["rij"], r["kolom"], r["code"], r["ingevulde_waarde"]) for r in rows] == [
        ("4", "Kanalen", "keuze_onbekend", "Mastodon"),
        ("5", "Meetbaar doel", "formule_als_tekst", "'" + FORMULA),
        ("5", "Tip voor collega's", "aanbevolen_leeg", ""),
    ]
    assert rows[0]["link"] == row_link(4) and rows[0]["titel"] == XSS
    every = (out / "rapporten" / "meldingen.csv").read_text(encoding="utf-8-sig")
    for row in csv.reader(io.StringIO(every), delimiter=";"):
        assert not any(cell.startswith(("=", "+", "@")) for cell in row), row


@pytest.mark.parametrize("value, safe", [
    ("=1+1", "'=1+1"), ("+31 6 1234", "'+31 6 1234"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("  =1", "'  =1"), ("-12,5", "-12,5"), ("-", "-"), ("gewoon", "gewoon"),
    (None, ""), (7, "7"),
])
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe


# ------------------------------------------------------------------ history

def rows(db: Path, sql: str):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_unchanged_sheet_does_not_double_the_history(tmp_path):
    out = build_two_runs(tmp_path)
    before = rows(out / "beheer.db", "select count(*) from meldingen")
    build_version(tmp_path, out, True, date(2026, 12, 12))
    assert rows(out / "beheer.db", "select status, peildatum from runs order by gestart, rowid") == [
        ("voltooid", "2026-11-28"), ("voltooid", "2026-12-05"), ("ongewijzigd", "2026-12-12")]
    assert rows(out / "beheer.db", "select count(*) from meldingen") == before
    reports = write_reports(out)
    assert reports.text.startswith(
        "KENNISBANK MARKETING - RAPPORT VOOR COÖRDINATOREN\n"
        "Stand van 12 december 2026, vergeleken met de verwerking van 28 november 2026\n\n"
        "De sheet is niet gewijzigd sinds ")
    veenweide = next(lib for lib in reports.libraries if lib.naam == VEENWEIDE)
    assert "Rij 5, Digitaal Café Veenweide, Aanleiding" in veenweide.text  # still vs. run 1


def test_a_failed_run_is_pointed_out_to_coordinators_only(tmp_path):
    from pipeline.app import build
    from pipeline.errors import SourceError

    out = build_two_runs(tmp_path)
    with pytest.raises(SourceError):
        build(str(tmp_path / "weg.xlsx"), out, date(2026, 12, 6))
    reports = write_reports(out)
    assert "Let op: de laatste verwerking (" in reports.text and "is mislukt: De bron '" in reports.text
    assert "Stand van 5 december 2026" in reports.text  # the last completed run
    assert all("mislukt" not in lib.text and "weg.xlsx" not in lib.html
               for lib in reports.libraries)


def test_long_lists_are_capped(tmp_path):
    from helpers import snapshot_of
    from pipeline.app import build
    from pipeline.sources.snapshot import write_snapshot

    bad = [good_action(titel=f"Actie {i}", tip=None) for i in range(35)]
    source = write_snapshot(snapshot_of(bad), tmp_path / "bron")
    build(str(source), tmp_path / "uit", TODAY)
    lib = next(lib for lib in write_reports(tmp_path / "uit").libraries if lib.naam == DUINSTREEK)
    assert lib.text.count("Aanbevolen veld 'Tip voor collega's' is leeg.") == 30
    assert "... en nog 5 rijen met meldingen (alles staat in het CSV-bestand)." in lib.text
    assert "… en nog 5 rijen met meldingen" in lib.html
    assert lib.csv.count("aanbevolen_leeg") == 35


def test_taking_part_means_a_shared_action_not_merely_a_filled_in_row(tmp_path):
    """A network-only action counts as taking part; a library whose only row was rejected
    filled something in but does not take part (yet)."""
    from helpers import snapshot_of
    from pipeline.app import build
    from pipeline.sources.snapshot import write_snapshot

    actions = [good_action(delen="netwerk"),
               good_action(bibliotheek=VEENWEIDE, titel="Digitaal Café", startdatum="geen datum")]
    source = write_snapshot(snapshot_of(actions), tmp_path / "bron")
    counts = build(str(source), tmp_path / "uit", TODAY).outcome.counts
    assert (counts["alleen_netwerk"], counts["afgekeurd"]) == (1, 1)
    assert (counts["bibliotheken_met_acties"], counts["bibliotheken"]) == (1, 2)
    reports = write_reports(tmp_path / "uit")
    assert ("  1 van de 2 aangemelde bibliotheken doet mee: zij deelde minstens één actie (50%).\n"
            in reports.text)
    assert "Alle bibliotheken hebben minstens één actie ingevuld." in reports.text


# ------------------------------------------------------------------ commands

def test_report_command_and_build_writes_reports(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "nog geen beheer.db en kennisbank.db" in result.stderr
    result = runner.invoke(main, ["build", "--source", str(KLEIN_DIR), "--out", str(tmp_path),
                                  "--peildatum", "2026-11-28"])
    assert result.exit_code == 0, result.output
    assert f"Rapporten:  {tmp_path / 'rapporten'} (coördinatoren en 2 bibliotheken)" in result.stdout
    assert (tmp_path / "rapporten" / "bibliotheek-veenweide.html").exists()
    result = runner.invoke(main, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 0 and "Rapporten:" in result.stdout


# ------------------------------------------------------------------ screenshots

@pytest.fixture(scope="module")
def sample_reports(request, two_runs):
    """The reports of the embedded sample (as `make run` leaves them in output/rapporten/), or of
    the fixture while there is no sample."""
    if not SAMPLE_WORKBOOK.exists():
        return two_runs[0] / "rapporten", SLUGS[VEENWEIDE]
    out = request.getfixturevalue("sample_build").catalogue.parent
    reports = write_reports(out)
    busiest = max(reports.libraries, key=lambda lib: lib.open_findings)
    return out / "rapporten", busiest.slug


def test_screenshots_in_headless_chromium(sample_reports, two_runs, tmp_path):
    folder, slug = sample_reports
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium(tmp_path / "profiel", "file://") as browser:
        for name, page_name in (("coordinatoren", "coordinatoren"), ("bibliotheek", slug)):
            for device, width in (("desktop", 1024), ("telefoon", 390)):
                page = new_page(browser)
                page.set_viewport_size({"width": width, "height": 900})
                requests = []
                page.on("request", lambda r: requests.append(r.url))
                page.goto((folder / f"{page_name}.html").as_uri())
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                assert all(u.startswith("file:") for u in requests), requests
                page.screenshot(path=str(SCREENSHOTS / f"rapport-{name}-{device}.png"),
                                full_page=True)
                page.close()
        page = new_page(browser)
        page.set_viewport_size({"width": 1024, "height": 900})
        page.goto((two_runs[0] / "rapporten" / "bibliotheek-veenweide.html").as_uri())
        assert page.locator("img").count() == 0
        assert page.get_by_text(XSS, exact=True).is_visible()
        assert page.evaluate("typeof window.alerted") == "undefined"
        settle(page)
        assert page.dialogs == []
        page.close()
    for name in ("coordinatoren", "bibliotheek"):
        for device in ("desktop", "telefoon"):
            assert (SCREENSHOTS / f"rapport-{name}-{device}.png").stat().st_size > 10_000


def test_reports_with_the_csv_files_written_by_a_second_process_are_the_same(tmp_path,
                                                                             monkeypatch):
    """With many findings a forked process writes the findings' CSV files while the library
    reports are rendered here: every file is byte for byte what one process writes."""
    import os

    from pipeline.app import build
    from pipeline.reports import render
    from pipeline.sources.snapshot import write_snapshot
    from tools.sample.synthetic import make_snapshot

    snapshot_path = write_snapshot(make_snapshot(400, seed=11), tmp_path / "bron")
    out = tmp_path / "uit"
    build(str(snapshot_path), out, TODAY)
    forked: list[bool] = []
    real = render.Forked

    class Counted(real):
        def __init__(self, task, parallel):
            super().__init__(task, parallel)
            forked.append(self.forked)

    monkeypatch.setattr(render, "Forked", Counted)
    files = {}
    for name, threshold in (("apart", 1), ("hier", 10**9)):
        monkeypatch.setattr(render, "FORK_FINDINGS_FROM", threshold)
        write_reports(out)
        folder = out / "rapporten"
        files[name] = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    assert forked == [(os.cpu_count() or 1) > 1, False]
    assert len(files["hier"]) == 93 and "meldingen.csv" in files["hier"]
    assert files["apart"] == files["hier"]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [
        ".kennisbank.lock"]
