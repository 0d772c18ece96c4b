"""The build command end to end: files written, counts, history, and failures that change nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from helpers import ACTION_HEADERS, FIXTURES, LIBRARIES, good_action

KLEIN = FIXTURES / "klein"
CLI = [sys.executable, "-m", "pipeline.cli"]


def run_cli(*args, cwd=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd,
                          env={"PATH": "/usr/bin:/bin", "KENNISBANK_PEILDATUM": "2026-11-28"})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(db: Path, sql: str, *params):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def write_xlsx(path: Path, acties: list[list], bibliotheken=LIBRARIES) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Acties"
    for row in acties:
        ws.append(row)
    libs = wb.create_sheet("Bibliotheken")
    for row in bibliotheken:
        libs.append(row)
    wb.save(path)
    return path


def test_build_writes_snapshot_catalogue_and_history(tmp_path):
    result = run_cli("build", "--source", str(KLEIN), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "3 acties gelezen: 2 gepubliceerd (waarvan 1 onvolledig), 0 alleen netwerk, "
        "0 afgekeurd, 1 niet gedeeld, 0 wacht op akkoord. 2 van de 2 aangemelde bibliotheken doen "
        "mee. Meldingen: 3 fouten, 18 waarschuwingen, 4 ter info.")
    snapshots = list((tmp_path / "raw").glob("*.json"))
    assert len(snapshots) == 1 and not snapshots[0].stat().st_mode & 0o222
    db = tmp_path / "kennisbank.db"
    assert rows(db, "select actie_id, titel, bibliotheek, startdatum, kanalen from acties "
                    "order by rij") == [
        ("KB-C900113456", "Kinderboekenweek 2024", "Bibliotheek Duinstreek", "2024-10-02",
         '["Facebook", "Instagram", "Poster en flyer"]'),
        ("HLM-1", "Digitaal Café", "Bibliotheek Veenweide", "2024-02-01", '["Lokale pers"]'),
    ]
    history = tmp_path / "beheer.db"
    assert rows(history, "select status, rijen_gelezen, gepubliceerd, onvolledig, afgekeurd, "
                         "niet_gedeeld from runs") == [("voltooid", 3, 2, 1, 0, 1)]
    assert rows(history, "select rij, titel from niet_gedeeld") == [(5, "Zomerlezen")]
    assert rows(history, "select tabblad, rij, bibliotheek from afgekeurd") == [
        ("Bibliotheken", 4, "Bibliotheek Nergensland")]
    assert rows(history, "select count(*) from meldingen") == [(25,)]


def test_catalogue_has_the_contract_shape(tmp_path):
    run_cli("build", "--source", str(KLEIN), "--out", str(tmp_path))
    db = sqlite3.connect(tmp_path / "kennisbank.db")
    tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
    assert tables == {
        "acties", "bibliotheken", "acties_zoeken", "acties_zoeken_data", "acties_zoeken_idx",
        "acties_zoeken_docsize", "acties_zoeken_config", "acties_zoeken_content",
        "sqlite_stat1", "keuzelijst_doel",
        "keuzelijst_doelgroep", "keuzelijst_kanaal", "keuzelijst_landelijke_campagne",
        "keuzelijst_functie", "keuzelijst_aanbod", "keuzelijst_kpi", "keuzelijst_meetmethode",
        "overzicht_doelen", "overzicht_kanalen", "overzicht_jaar_provincie",
        "rangorde_kosten_per_nieuw_lid", "rangorde_kosten_per_deelnemer",
        "weggelaten", "facet_tellingen", "catalogus", "zoekwoorden"}
    columns = [r[1] for r in db.execute("pragma table_info(acties)")]
    assert "contactpersoon" not in columns and "contact_email" not in columns
    assert "delen" not in columns and columns[:3] == ["actie_id", "titel", "bibliotheek"]
    indexed = {row[0] for row in db.execute(
            "select ii.name from pragma_index_list('acties') il "
            "join pragma_index_info(il.name) ii")}
    assert {"bibliotheek", "provincie", "jaar", "doel_behaald", "budget_klasse"} <= indexed
    assert db.execute("select rowid from acties_zoeken where acties_zoeken match 'wethouder'"
                      ).fetchall() != []
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert db.execute("select label, omschrijving from keuzelijst_kanaal where label='Lokale pers'"
                      ).fetchall() == [("Lokale pers", "Krant, huis-aan-huisblad.")]


@pytest.mark.parametrize("break_source, message", [
    (lambda p: p.write_bytes(b"dit is geen excel"), "'kapot.xlsx' is geen leesbaar Excel-bestand"),
    (lambda p: write_xlsx(p, [[h for h in ACTION_HEADERS if h != "Titel"], good_action()[:3]]),
     "Tabblad 'Acties': de verplichte kolom 'Titel' ontbreekt in de kopregel (rij 1)."),
    (lambda p: write_xlsx(p, [ACTION_HEADERS, good_action()], bibliotheken=[["Naam", "Website"], ["X", "https://x.nl"]]),
     "Tabblad 'Bibliotheken': de verplichte kolom 'Provincie' ontbreekt in de kopregel (rij 1)."),
])
def test_failed_run_leaves_catalogue_byte_identical(tmp_path, break_source, message):
    assert run_cli("build", "--source", str(KLEIN), "--out", str(tmp_path)).returncode == 0
    before = digest(tmp_path / "kennisbank.db")
    bad = tmp_path / "kapot.xlsx"
    break_source(bad)
    result = run_cli("build", "--source", str(bad), "--out", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(tmp_path / "kennisbank.db") == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [
        ".kennisbank.lock"]  # no temporary catalogue left behind
    assert rows(tmp_path / "beheer.db", "select status from runs order by gestart, rowid") == [
        ("voltooid",), ("mislukt",)]


def test_missing_source_and_missing_tab(tmp_path):
    result = run_cli("build", "--source", str(tmp_path / "nee.xlsx"), "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"Fout: De bron '{tmp_path / 'nee.xlsx'}' bestaat niet."
    wb = openpyxl.Workbook()
    wb.active.title = "Acties"
    wb.save(tmp_path / "half.xlsx")
    result = run_cli("check", "--source", str(tmp_path / "half.xlsx"))
    assert result.stderr.strip() == (
        "Fout: Tabblad 'Bibliotheken' ontbreekt in 'half.xlsx' (gevonden: 'Acties').")


def test_history_is_kept_and_snapshot_replays_identically(tmp_path):
    run_cli("build", "--source", str(KLEIN), "--out", str(tmp_path / "a"))
    snapshot = next((tmp_path / "a" / "raw").glob("*.json"))
    assert run_cli("build", "--source", str(snapshot), "--out", str(tmp_path / "a"),
                   "--force").returncode == 0
    run_cli("build", "--source", str(snapshot), "--out", str(tmp_path / "b"))
    history = tmp_path / "a" / "beheer.db"
    assert rows(history, "select count(*), count(distinct inhoud_hash) from runs") == [(2, 1)]
    assert rows(history, "select status from runs order by gestart, rowid") == [
        ("voltooid",), ("ongewijzigd",)]  # an unchanged sheet does not double the history
    assert rows(history, "select count(distinct run_id), count(*) from meldingen") == [(1, 25)]
    dump = "select * from acties order by actie_id"
    assert rows(tmp_path / "a" / "kennisbank.db", dump) == rows(tmp_path / "b" / "kennisbank.db", dump)


def test_xlsx_with_real_date_cells_equals_csv(tmp_path):
    from datetime import date

    xlsx = write_xlsx(tmp_path / "w.xlsx", [
        ACTION_HEADERS, good_action(startdatum=date(2024, 10, 2), einddatum="13-10-2024")])
    folder = tmp_path / "csv"
    folder.mkdir()
    import csv
    with open(folder / "Acties.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([ACTION_HEADERS, good_action()])
    with open(folder / "Bibliotheken.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(LIBRARIES)
    for name, source in (("x", xlsx), ("c", folder)):
        assert run_cli("build", "--source", str(source), "--out", str(tmp_path / name)).returncode == 0
    dump = "select * from acties"
    assert rows(tmp_path / "x" / "kennisbank.db", dump) == rows(tmp_path / "c" / "kennisbank.db", dump)


def test_check_exits_1_when_rows_are_rejected(tmp_path):
    result = run_cli("check", "--source", str(KLEIN))
    assert result.returncode == 0  # the only error is a library row; no action is rejected
    assert "[fout] Bibliotheken, rij 4, Provincie: 'Atlantis' is geen Nederlandse provincie." in result.stdout
    folder = tmp_path / "f"
    shutil.copytree(KLEIN, folder)
    text = (folder / "Acties.csv").read_text(encoding="utf-8").replace("ergens in juli;;1,250;;;;;;;;;;;;;;;;;;nee;", "ergens in juli;;1,250;;;;;;;;;;;;;;;;;;;")
    (folder / "Acties.csv").write_text(text, encoding="utf-8")
    result = run_cli("check", "--source", str(folder))
    assert result.returncode == 1
    assert "[fout] Acties, rij 5, Startdatum: 'ergens in juli' in 'Startdatum' is geen leesbare datum." in result.stdout
    assert not (folder / "kennisbank.db").exists()


def test_build_with_nothing_to_publish(tmp_path):
    xlsx = write_xlsx(tmp_path / "leeg.xlsx", [ACTION_HEADERS, good_action(titel=None)])
    result = run_cli("build", "--source", str(xlsx), "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    assert rows(tmp_path / "o" / "kennisbank.db", "select count(*) from acties") == [(0,)]
    assert rows(tmp_path / "o" / "beheer.db", "select rijen_gelezen, afgekeurd from runs") == [(1, 1)]


def test_a_second_run_on_the_same_folder_is_refused_while_one_runs(tmp_path):
    from pipeline.store.lock import run_lock

    with run_lock(tmp_path):
        result = run_cli("build", "--source", str(KLEIN), "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"Fout: Er loopt al een run voor '{tmp_path}' (proces ")
    assert not (tmp_path / "kennisbank.db").exists()
    assert run_cli("build", "--source", str(KLEIN), "--out", str(tmp_path)).returncode == 0


def test_a_step_that_fails_after_publication_gives_exit_1_and_keeps_the_new_catalogue(tmp_path):
    """--mail without mail settings: the catalogue and the reports are there, the mail step
    failed; build says so in one line per failed step and exits 1 (not 2: it did publish)."""
    result = run_cli("build", "--source", str(KLEIN), "--out", str(tmp_path), "--mail")
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "Fout bij e-mail (de kennisbank is wel bijgewerkt): Zet KENNISBANK_MAIL_FROM op het "
        "afzenderadres, bijvoorbeeld kennisbank@bibliotheek-voorbeeld.nl.\n")
    assert rows(tmp_path / "kennisbank.db", "select count(*) from acties") == [(2,)]
    assert (tmp_path / "rapporten" / "coordinatoren.html").exists()
    assert f"Rapporten:  {tmp_path / 'rapporten'} (coördinatoren en 2 bibliotheken)\n" in \
        result.stdout


def test_history_counts_registered_and_contributing_libraries(tmp_path):
    """runs.bibliotheken is the registered count; runs.bibliotheken_met_acties the libraries
    with at least one shared action (public or network-only), also in an older beheer.db."""
    out = tmp_path / "o"
    first = write_xlsx(tmp_path / "1.xlsx", [ACTION_HEADERS, good_action()])
    assert run_cli("build", "--source", str(first), "--out", str(out)).returncode == 0
    with sqlite3.connect(out / "beheer.db") as conn:  # a history from before the column
        conn.execute("alter table runs drop column bibliotheken_met_acties")
    second = write_xlsx(tmp_path / "2.xlsx", [
        ACTION_HEADERS, good_action(),
        good_action(bibliotheek="Bibliotheek Veenweide", titel="Digitaal Café", delen="netwerk")])
    result = run_cli("build", "--source", str(second), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert " 2 van de 2 aangemelde bibliotheken doen mee. " in result.stdout.splitlines()[0]
    first_line = run_cli("check", "--source", str(first)).stdout.splitlines()[0]
    assert " 1 van de 2 aangemelde bibliotheken doet mee. " in first_line
    assert rows(out / "beheer.db", "select gepubliceerd, alleen_netwerk, bibliotheken, "
                                   "bibliotheken_met_acties from runs order by gestart, rowid") == [
        (1, 0, 2, None), (1, 1, 2, 2)]
    # the public catalogue sees the public actions only: one library takes part there
    assert rows(out / "kennisbank.db", "select naam from bibliotheken where aantal_acties > 0"
                ) == [("Bibliotheek Duinstreek",)]


def test_the_catalogue_file_has_no_free_pages(tmp_path):
    """Built once, front to back: nothing to compact (the build no longer runs VACUUM)."""
    run_cli("build", "--source", str(KLEIN), "--out", str(tmp_path))
    db = sqlite3.connect(tmp_path / "kennisbank.db")
    assert db.execute("pragma freelist_count").fetchone() == (0,)
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)


def test_a_killed_runs_temporary_files_are_removed_by_the_next_build(tmp_path):
    """What a killed run can leave (the catalogue built aside, the search index's rows of the
    forked process, reports being written): gone after the next build, nothing else touched."""
    (tmp_path / "raw").mkdir()
    left = [".kennisbank.db.4242.tmp", ".zoektekst.4242.tmp", "raw/x.json.tmp"]
    for name in left:
        (tmp_path / name).write_text("half", encoding="utf-8")
    (tmp_path / ".rapporten.4242.tmp").mkdir()
    (tmp_path / "eigen.txt").write_text("blijft", encoding="utf-8")
    run_cli("build", "--source", str(KLEIN), "--out", str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [
        ".kennisbank.lock"]
    assert not (tmp_path / "raw" / "x.json.tmp").exists()
    assert (tmp_path / "eigen.txt").read_text(encoding="utf-8") == "blijft"
