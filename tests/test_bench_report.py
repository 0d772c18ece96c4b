"""The shape of output/bench/latest.json and the README "Prestaties" block made from it (issue 18
item 6): `python -m bench.readme`, `python -m bench.shape` and `python -m bench.run --report` run
as subprocesses on small documents written here (no benchmark runs)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "bench" / "latest.schema.json"
BEGIN = ("<!-- begin prestaties: gemaakt door `make bench-readme` uit output/bench/latest.json; "
         "niet met de hand wijzigen -->")
END = "<!-- einde prestaties -->"
BEFORE = "## Prestaties\n\nDoor mensen geschreven inleiding.\n\n"
AFTER = "\n\nWat is gedaan: door mensen geschreven.\n"


def page(p50: float, p95: float, missing: list[str] | None = None,
         status: list[int] = (200,)) -> dict:
    return {"p50_ms": p50, "p95_ms": p95, "n": 30, "first_ms": p95 * 2, "status": list(status),
            "missing_facets": missing, "path": "/kennisbank/acties"}


def pages(scale: float) -> dict:
    return {"table_html": page(58 * scale, 66 * scale), "table_json": page(18, 21 * scale, []),
            "filtered_goal": page(200, 225 * scale, []), "filtered_library": page(20, 26, []),
            "search": page(70, 82 * scale), "card": page(30, 39 * scale), "home": page(100, 118)}


def verdict(measured, target, op, unit, met, applies=True) -> dict:
    return {"measured": measured, "target": target, "op": op, "unit": unit, "met": met,
            "applies": applies}


def size(rows: int, build_s: float, floor_s: float, peak: float, scale: float) -> dict:
    return {
        "actions": rows, "published": rows - 10, "snapshot_bytes": rows * 1000,
        "build_s": build_s, "floor_s": floor_s, "build_ratio": round(build_s / floor_s, 2),
        "peak_mib": peak, "sqlite_utils_s": 53.0, "sqlite_utils_ratio": 0.92, "cpu_s": 50.0,
        "stages": {"read": {"s": 3.9, "peak_mib": 300.0}, "normalise": {"s": 15.04,
                                                                        "peak_mib": 700.0},
                   "reports": {"s": 9.4, "peak_mib": None}},
        "other_s": 1.25, "startup_s": {"kennisbank": 1.4}, "pages": {"kennisbank": pages(scale)},
        "cold_start_s": {"1": {"home": 0.9, "table": 1.35}, "2": {"home": 1.1, "table": 1.6}},
        "cold_start_status": {"1": 200, "2": 200},
    }


def document() -> dict:
    """A document of the shape: 100,000 actions with stock, load and swap; 1,000,000 without."""
    main = size(100_000, 48.8, 4.9, 774.0, 1.0)
    main["startup_s"]["stock"] = 0.8
    main["pages"]["kennisbank"]["query_goedkoopste_nieuwe_leden"] = page(127, 140)
    main["pages"]["stock"] = {"table_html": page(4758, 5000), "search": page(2400, 2496),
                              "query_goedkoopste_nieuwe_leden": page(55, 63)}
    main["usage_log"] = {"p50_ms": 60.0, "p95_ms": 70.0, "n": 30, "without_p50_ms": 58.0,
                         "lines": 31}
    main["load"] = {
        "table_html": {"2": {"8": {"rps": 15.8, "errors": 0}, "32": {"rps": 34.5, "errors": 0}},
                       "1": {"8": {"rps": 16.1, "errors": 0, "p95_ms": 600.0}}},
        "card": {"2": {"8": {"rps": 88.0, "errors": 0}}}}
    main["swap"] = {"requests": 3462, "errors": 0, "mixed": 0, "late": 0,
                    "versions": {"A": 2000, "B": 1462}}
    main["verdicts"] = {
        "sample_s": verdict(3.5, 2.0, "<", "s", False),
        "build_ratio": verdict(9.96, 5.0, "<=", "×", False),
        "peak_mib": verdict(774.0, 1024, "<", "MiB", True),
        "table_p95_ms": verdict(66.0, 250, "<", "ms", True),
        "load_rps": verdict(15.8, 50, ">=", "/s", False),
        "cold_start_s": verdict(1.6, 2.0, "<", "s", True),
        "swap_faults": verdict(0, 0, "==", "", True),
        "query_goedkoopste_nieuwe_leden_p95_ms": verdict(140.0, 63.0, "<=", "ms", False),
    }
    full = size(1_000_000, 600.0, 50.0, 2100.0, 2.0)
    full["verdicts"] = {
        "build_ratio": verdict(12.0, 5.0, "<=", "×", False),
        "peak_mib": verdict(2100.0, 2048, "<", "MiB", False),
        "filtered_goal_p95_ms": verdict(450.0, 500, "<", "ms", True),
    }
    return {
        "shape_version": 1, "started": "2026-12-05T08:00:00+00:00",
        "finished": "2026-12-05T08:22:30+00:00", "minutes": 22.5, "seed": 1,
        "machine": {"cores": 2, "python": "3.11.2", "sqlite": "3.40.1", "datasette": "0.65.5",
                    "workers": 2, "load_start": [0.5, 0.4, 0.3], "load_end": [1.5, 1.2, 0.9]},
        "sample_s": 3.5, "sample": {"runs_s": [3.6, 3.5, 3.4], "best_s": 3.4},
        "targets": {"100000": {"build_ratio": {"op": "<=", "value": 5.0, "unit": "×"}},
                    "1000000": {"peak_mib": {"op": "<", "value": 2048, "unit": "MiB"}}},
        "sizes": {"100000": main, "1000000": full},
    }


EXPLANATIONS = """\
build_ratio:
  100000: >-
    Het werk per cel
    in Python.
load_rps: Eén proces haalt 16 per seconde.
"""

EXPECTED = """\
Laatste meting: `make bench` (2 kernen, Python 3.11.2, SQLite 3.40.1, Datasette 0.65.5, \
`kennisbank serve --workers 2`; 22,5 minuten; 5 december 2026).

Bij 100.000 acties:

| wat | gemeten | doel | uitkomst | wat het begrenst |
|---|---|---|---|---|
| het ingebouwde voorbeeld bouwen | 3,5 s | < 2 s | doel gemist | \
(nog geen verklaring in `bench/verklaringen.yml`) |
| `kennisbank build` uit een momentopname, tegenover de vloer | \
48,8 s = 10 × de vloer (`executemany`, 4,9 s) | ≤ 5 × | doel gemist | Het werk per cel in Python. |
| piekgeheugen van die build | 774 MiB | < 1.024 MiB | doel gehaald |  |
| tabel met alle facetten (HTML), p95 | 66 ms (JSON: 21 ms) | < 250 ms | doel gehaald |  |
| belasting, tabel bij 8 verbindingen | 15,8/s (2 processen; 2 processen, 32 verbindingen: \
34,5/s; 1 proces, 8 verbindingen: 16,1/s) | ≥ 50/s | doel gemist | \
Eén proces haalt 16 per seconde. |
| koude start tot de tabel met facetten | 1 proces: 1,4 s (startpagina 0,9 s); 2 processen: \
1,6 s (startpagina 1,1 s) | < 2 s | doel gehaald |  |
| verversen onder belasting: mislukt, gemengd of verouderd | 0 van 3.462 verzoeken \
(0 mislukt, 0 gemengd, 0 verouderd) | 0 | doel gehaald |  |
| vaste vraag `goedkoopste_nieuwe_leden`, p95 | 140 ms | ≤ 63 ms (kaal Datasette) | \
doel gemist | (nog geen verklaring in `bench/verklaringen.yml`) |

Bij 1.000.000 acties (`BENCH_FULL=1`):

| wat | gemeten | doel | uitkomst | wat het begrenst |
|---|---|---|---|---|
| `kennisbank build` uit een momentopname, tegenover de vloer | \
600 s = 12 × de vloer (`executemany`, 50 s) | ≤ 5 × | doel gemist | \
(nog geen verklaring in `bench/verklaringen.yml`) |
| piekgeheugen van die build | 2.100 MiB | < 2.048 MiB | doel gemist | \
(nog geen verklaring in `bench/verklaringen.yml`) |
| gefilterd op een doel (JSON met facetten), p95 | 450 ms | < 500 ms | doel gehaald |  |

De build per stadium (eigen tijd):

| stadium van de build | 100.000 acties | 1.000.000 acties |
|---|---|---|
| lezen | 3,9 s | 3,9 s |
| normaliseren | 15 s | 15 s |
| rapporten | 9,4 s | 9,4 s |
| overig (opstarten, importeren) | 1,2 s | 1,2 s |
| totaal (`kennisbank build`) | 48,8 s | 600 s |
| vloer (`executemany`) | 4,9 s | 50 s |
| build tegenover de vloer | 10 × | 12 × |
| piekgeheugen | 774 MiB | 2.100 MiB |

Alle pagina's bij 100.000 acties (in ms; kaal: `datasette serve -i` met standaardinstellingen):

| pagina | p50 | p95 | kaal p50 | kaal p95 |
|---|---|---|---|---|
| tabel (HTML) | 58 ms | 66 ms | 4.758 ms | 5.000 ms |
| tabel (JSON met facetten) | 18 ms | 21 ms | — | — |
| gefilterd op een doel | 200 ms | 225 ms | — | — |
| gefilterd op een bibliotheek | 20 ms | 26 ms | — | — |
| zoeken | 70 ms | 82 ms | 2.400 ms | 2.496 ms |
| actiekaart | 30 ms | 39 ms | — | — |
| startpagina | 100 ms | 118 ms | — | — |
| vaste vraag `goedkoopste_nieuwe_leden` | 127 ms | 140 ms | 55 ms | 63 ms |"""


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def files(tmp_path):
    """(document, README with a stale block, explanations) written to tmp_path."""
    doc = tmp_path / "latest.json"
    doc.write_text(json.dumps(document(), ensure_ascii=False), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(f"{BEFORE}{BEGIN}\noude cijfers\n{END}{AFTER}", encoding="utf-8")
    explanations = tmp_path / "verklaringen.yml"
    explanations.write_text(EXPLANATIONS, encoding="utf-8")
    return doc, readme, explanations


def readme_cmd(doc: Path, readme: Path, explanations: Path, *extra: str):
    return run("bench.readme", str(doc), "--readme", str(readme), "--verklaringen",
               str(explanations), *extra)


def test_the_readme_block_is_made_from_the_document_and_only_the_block_changes(files):
    doc, readme, explanations = files
    done = readme_cmd(doc, readme, explanations)
    assert done.returncode == 0, done.stderr
    assert readme.read_text(encoding="utf-8") == f"{BEFORE}{BEGIN}\n{EXPECTED}\n{END}{AFTER}"
    assert readme_cmd(doc, readme, explanations, "--check").returncode == 0
    again = readme_cmd(doc, readme, explanations)  # regenerating changes nothing
    assert (again.returncode, again.stdout) == (0, "")
    assert readme.read_text(encoding="utf-8") == f"{BEFORE}{BEGIN}\n{EXPECTED}\n{END}{AFTER}"


def test_a_stale_block_is_noticed_by_check(files):
    doc, readme, explanations = files
    done = readme_cmd(doc, readme, explanations, "--check")
    assert done.returncode == 1
    assert "verouderd" in done.stderr
    assert "oude cijfers" in readme.read_text(encoding="utf-8")


def test_a_document_missing_a_required_key_is_rejected_by_name(files):
    doc, readme, explanations = files
    broken = document()
    del broken["sizes"]["100000"]["floor_s"]
    del broken["sizes"]["1000000"]["pages"]["kennisbank"]["search"]["p95_ms"]
    broken["sizes"]["100000"]["load"]["table_html"]["2"]["8"]["rps"] = "snel"
    doc.write_text(json.dumps(broken), encoding="utf-8")
    before = readme.read_text(encoding="utf-8")
    done = readme_cmd(doc, readme, explanations)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"{doc} past niet in de vorm van latest.json (versie 1):",
        "  ontbreekt: sizes.100000.floor_s",
        "  sizes.100000.load.table_html.2.8.rps: 'snel' is not of type 'number'",
        "  ontbreekt: sizes.1000000.pages.kennisbank.search.p95_ms",
    ]
    assert readme.read_text(encoding="utf-8") == before


def test_an_output_of_the_old_shape_is_rejected_with_the_way_to_convert_it(files):
    doc, readme, explanations = files
    doc.write_text(json.dumps({"gestart": "2026-12-01T10:00:00+00:00", "per_grootte": {}}),
                   encoding="utf-8")
    done = run("bench.shape", "--check", str(doc))
    assert done.returncode == 1
    assert done.stderr.strip() == (f"{doc} heeft de oude vorm (zonder shape_version); zet het om "
                                   "met `python -m bench.shape --convert OUD NIEUW`.")


def test_a_readme_without_the_markers_is_left_alone_with_a_clear_message(files):
    doc, readme, explanations = files
    readme.write_text(BEFORE + AFTER, encoding="utf-8")
    done = readme_cmd(doc, readme, explanations)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "Het blok 'prestaties' ontbreekt in README.md: zet de regels", f"  {BEGIN}", f"  {END}",
        "in de sectie Prestaties."]
    assert readme.read_text(encoding="utf-8") == BEFORE + AFTER


def test_the_schema_accepts_the_document_and_refuses_a_changed_one(files):
    doc, _, _ = files
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document(), schema)
    done = run("bench.shape", "--check", str(doc))
    assert (done.returncode, done.stdout) == (0, f"{doc}: vorm versie 1 in orde\n")
    for change in ({"shape_version": 2}, {"sizes": {}}, {"sizes": {"groot": {}}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**document(), **change}, schema)


def test_report_prints_the_tables_from_the_new_shape(files):
    doc, _, _ = files
    done = run("bench.run", "--report", str(doc))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[2:5] == [
        "   acties  executemany  sqlite-utils    build  × vloer  × s-u  piek MiB  stadia (s)",
        "   100000         4.9s         53.0s    48.8s    9.96×  0.92×     774.0  read=3.9 "
        "normalise=15.04 reports=9.4 other=1.25",
        "  1000000        50.0s         53.0s   600.0s    12.0×  0.92×    2100.0  read=3.9 "
        "normalise=15.04 reports=9.4 other=1.25",
    ]
    assert "  100000 acties (opstart kennisbank 1.4 s, stock 0.8 s)" in lines
    assert ("    belasting table_html  8 verbindingen, 1 proces(sen):    16.1 /s  p95 600.0 ms  "
            "p99 None ms  fouten 0") in lines
    assert "    koude start 2 proces(sen): voorpagina 1.1 s, tabel met facetten 1.6 s" in lines
    start = lines.index("Doelen bij 100000 acties")
    assert lines[start + 1:start + 3] == [
        "  sample_s                                            3.5 s             < 2.0 s  "
        "doel gemist",
        "  build_ratio                                        9.96 ×            <= 5.0 ×  "
        "doel gemist",
    ]
    assert "Doelen bij 1000000 acties" in lines


def test_report_refuses_a_document_of_another_shape(files):
    doc, _, _ = files
    broken = copy.deepcopy(document())
    del broken["sizes"]["100000"]["cold_start_s"]
    doc.write_text(json.dumps(broken), encoding="utf-8")
    done = run("bench.run", "--report", str(doc))
    assert done.returncode == 1
    assert "ontbreekt: sizes.100000.cold_start_s" in done.stderr


def test_the_key_table_in_the_guide_is_current():
    done = run("bench.shape", "--docs", "--check")
    assert done.returncode == 0, done.stderr
    text = (ROOT / "docs" / "prestaties.md").read_text(encoding="utf-8")
    for key in ("sizes.<acties>.build_s", "sizes.<acties>.floor_s", "sizes.<acties>.build_ratio",
                "sizes.<acties>.peak_mib", "sample_s",
                "sizes.<acties>.pages.kennisbank.<pagina>.p95_ms",
                "sizes.<acties>.load.<pagina>.<processen>.<verbindingen>.rps",
                "sizes.<acties>.cold_start_s.<processen>.table"):
        assert f"| `{key}` |" in text, key


def old_page(p50: float, p95: float, missing=None, status=(200,)) -> dict:
    return {"n": 30, "p50_ms": p50, "p95_ms": p95, "eerste_ms": 90.0, "status": list(status),
            "ontbrekende_facetten": missing, "pad": "/kennisbank/acties"}


def measurements() -> dict:
    """What bench/run.py measures, in its working keys, at 100,000 actions."""
    kb = {"opstart_s": 1.4, "tabel_html": old_page(58, 66), "tabel_json": old_page(18, 21, []),
          "gefilterd_doel": old_page(200, 225, []), "gefilterd_bibliotheek": old_page(20, 26, []),
          "zoeken": old_page(70, 82), "kaart": old_page(30, 39), "home": old_page(100, 118),
          "vraag_kaart": old_page(9, 10), "vraag_nieuw": old_page(12, 14),
          "tabel_html_gebruikslog": {**old_page(60, 70), "zonder_p50_ms": 58.0, "regels": 31}}
    stock = {"opstart_s": 0.8, "tabel_html": old_page(4758, 5000, None),
             "vraag_kaart": old_page(3, 4, status=(400,)), "vraag_nieuw": old_page(11, 13)}
    load = {f"{name}_{c}" + ("" if w == 2 else "_1proces"): {
        "verbindingen": c, "seconden": 20.0, "verzoeken": 316, "per_seconde": rps,
        "p95_ms": 600.0, "p99_ms": 700.0, "fouten": errors, "soorten_fouten": [],
        "processen": w} for name, c, w, rps, errors in [
            ("tabel_html", 8, 2, 15.8, 0), ("tabel_html", 32, 2, 34.5, 1),
            ("kaart", 8, 2, 88.0, 0), ("tabel_html", 8, 1, 16.1, 0)]}
    swap = {"lezers": 32, "seconden": 30.0, "verzoeken": 3462, "per_seconde": 115.4, "fouten": 0,
            "soorten_fouten": [], "gemengd": 0, "verouderd": 0, "onvolledig": 504,
            "versies": {"A": 2000, "B": 1462}, "a_en_b_verschillen": True, "p50_ms": 90.0,
            "p95_ms": 5600.0, "max_ms": 9000.0, "build_s": 60.1, "wissels": 2}
    pipeline = {"rijen": 100000, "snapshot_bytes": 10**8, "gepubliceerd": 99000,
                "vloer_executemany_s": 4.9, "sqlite_utils_csv_s": 53.0, "build_s": 48.8,
                "build_piek_mib": 774.0, "verhouding_executemany": 9.96,
                "verhouding_sqlite_utils": 0.92,
                "stadia": {"lezen": {"seconden": 3.9, "piek_mib": 300.0},
                           "fts_indexen": {"seconden": 4.4, "piek_mib": None}},
                "overig_s": 1.25, "cpu_s": 50.0, "catalogus": "/tmp/x/kennisbank.db"}
    return {"gestart": "2026-12-05T08:00:00+00:00", "klaar": "2026-12-05T08:22:30+00:00",
            "seed": 1, "doelen_bij": 100000,
            "machine": {"cpu": 2, "python": "3.11.2", "sqlite": "3.40.1", "datasette": "0.65.5",
                        "belasting_begin": [0.5, 0.4, 0.3], "belasting_einde": [1.5, 1.2, 0.9],
                        "processen": 2},
            "voorbeeld": {"runs_s": [3.6, 3.5, 3.4], "beste_s": 3.4, "mediaan_s": 3.5},
            "per_grootte": {"100000": {
                "pijplijn": pipeline, "catalogus": {"kennisbank": kb, "stock": stock},
                "koude_start": {"1": {"thuis_s": 0.9, "tabel_s": 1.35, "status_tabel": 200},
                                "2": {"thuis_s": 1.1, "tabel_s": 2.2, "status_tabel": 200}},
                "belasting": load, "wissel": swap}}}


def test_the_measurements_become_the_document_with_its_verdicts(tmp_path):
    old, new = tmp_path / "metingen.json", tmp_path / "latest.json"
    old.write_text(json.dumps(measurements()), encoding="utf-8")
    done = run("bench.shape", "--convert", str(old), str(new))
    assert done.returncode == 0, done.stderr
    doc = json.loads(new.read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert (doc["shape_version"], doc["minutes"], doc["sample_s"]) == (1, 22.5, 3.5)
    size = doc["sizes"]["100000"]
    assert {k: size[k] for k in ("build_s", "floor_s", "build_ratio", "peak_mib")} == {
        "build_s": 48.8, "floor_s": 4.9, "build_ratio": 9.96, "peak_mib": 774.0}
    assert size["stages"] == {"read": {"s": 3.9, "peak_mib": 300.0},
                              "fts_indexes": {"s": 4.4, "peak_mib": None}}
    assert list(size["pages"]["kennisbank"]) == [
        "table_html", "table_json", "filtered_goal", "filtered_library", "search", "card",
        "home", "query_kaart", "query_nieuw"]
    assert list(size["pages"]["stock"]) == ["table_html", "query_kaart", "query_nieuw"]
    assert {p: {w: {c: (r["rps"], r["errors"]) for c, r in runs.items()}
                for w, runs in per.items()} for p, per in size["load"].items()} == {
        "table_html": {"2": {"8": (15.8, 0), "32": (34.5, 1)}, "1": {"8": (16.1, 0)}},
        "card": {"2": {"8": (88.0, 0)}}}
    assert size["cold_start_s"] == {"1": {"home": 0.9, "table": 1.35},
                                    "2": {"home": 1.1, "table": 2.2}}
    assert size["usage_log"] == {"p50_ms": 60, "p95_ms": 70, "n": 30, "without_p50_ms": 58.0,
                                 "lines": 31}
    assert {k: (v["measured"], v["target"], v["met"]) for k, v in size["verdicts"].items()} == {
        "sample_s": (3.5, 2.0, False), "build_ratio": (9.96, 5.0, False),
        "peak_mib": (774.0, 1024, True), "table_p95_ms": (66, 250, True),
        "facets_missing": (0, 0, True), "table_vs_stock": (82.0, 10.0, True),
        "usage_log_ratio": (1.03, 1.2, True), "search_p95_ms": (82, 150, True),
        "card_p95_ms": (39, 50, True), "load_errors": (1, 0, False),
        "load_rps": (15.8, 50, False), "cold_start_s": (2.2, 2.0, False),
        "swap_faults": (0, 0, True), "query_kaart_p95_ms": (10, None, None),
        "query_nieuw_p95_ms": (14, 13, False)}
    assert all(v["applies"] for v in size["verdicts"].values())


def test_below_100000_actions_the_targets_are_for_indication_only(tmp_path):
    report = measurements()
    report["per_grootte"]["10000"] = report["per_grootte"].pop("100000")
    old, new = tmp_path / "metingen.json", tmp_path / "latest.json"
    old.write_text(json.dumps(report), encoding="utf-8")
    assert run("bench.shape", "--convert", str(old), str(new)).returncode == 0
    verdicts = json.loads(new.read_text(encoding="utf-8"))["sizes"]["10000"]["verdicts"]
    assert sorted(k for k, v in verdicts.items() if v["applies"]) == ["sample_s"]
    assert len(verdicts) == 15
