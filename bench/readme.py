"""The README's "Prestaties" figures from output/bench/latest.json (`make bench-readme`).

    python -m bench.readme [JSON] [--readme README.md] [--check]

Rewrites only the block between the markers BEGIN and END (the convention of `make docs`); the
prose around it stays. A missed target gets the Dutch sentence of bench/verklaringen.yml
("what bounds it"), kept by hand so that it survives regeneration.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from bench.shape import FULL_SIZE, QUERY, TARGET_SIZE, ShapeError, load
from pipeline import nl
from pipeline.contract.guide import write_or_check

ROOT = Path(__file__).resolve().parent.parent
BEGIN = ("<!-- begin prestaties: gemaakt door `make bench-readme` uit output/bench/latest.json; "
         "niet met de hand wijzigen -->")
END = "<!-- einde prestaties -->"
EXPLANATIONS = Path(__file__).with_name("verklaringen.yml")

LABELS = {
    "sample_s": "het ingebouwde voorbeeld bouwen",
    "build_ratio": "`kennisbank build` uit een momentopname, tegenover de vloer",
    "peak_mib": "piekgeheugen van die build",
    "table_p95_ms": "tabel met alle facetten (HTML), p95",
    "facets_missing": "facetten die niet terugkwamen (JSON)",
    "table_vs_stock": "tabel tegenover kale `datasette serve -i` (p50)",
    "usage_log_ratio": "tabel met gebruikslog tegenover zonder (p50)",
    "search_p95_ms": "zoeken (HTML), p95",
    "card_p95_ms": "actiekaart, p95",
    "filtered_goal_p95_ms": "gefilterd op een doel (JSON met facetten), p95",
    "load_errors": "belasting, mislukte verzoeken",
    "load_rps": "belasting, tabel bij 8 verbindingen",
    "cold_start_s": "koude start tot de tabel met facetten",
    "swap_faults": "verversen onder belasting: mislukt, gemengd of verouderd",
}
STAGES = {"read": "lezen", "normalise": "normaliseren", "validate": "controleren",
          "load": "laden", "fts_indexes": "FTS en indexen", "history": "geschiedenis",
          "reports": "rapporten"}
PAGES = {"table_html": "tabel (HTML)", "table_json": "tabel (JSON met facetten)",
         "filtered_goal": "gefilterd op een doel", "filtered_library": "gefilterd op een bibliotheek",
         "search": "zoeken", "card": "actiekaart", "home": "startpagina"}
OPS = {"<": "< ", "<=": "≤ ", ">=": "≥ ", "==": ""}


# ------------------------------------------------------------------------ numbers

def figure(value: float | None, unit: str = "") -> str:
    """66.4, "ms" -> "66 ms"; 48.83, "s" -> "48,8 s"; 9.93, "×" -> "9,9 ×"; 1.02, "×" -> "1,02 ×";
    15.8, "/s" -> "15,8/s"."""
    if value is None:
        return "niet gemeten"
    if unit == "ms":
        text = nl.number(value, 0 if value >= 100 else 1)
    elif unit == "MiB" or float(value).is_integer() and not unit:
        text = nl.number(value, 0)
    elif unit == "s" and value < 1 or unit == "×" and value < 2:
        text = nl.number(value, 2)  # 0,31 s; 1,02 × (the usage log's target is 1,2 ×)
    else:
        text = nl.number(value, 1 if abs(value) >= 1 else 2)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "/s" else f"{text} {unit}"


def sizes_text(sizes: list[int]) -> str:
    names = [nl.number(s, 0) for s in sizes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def workers_text(n: str | int) -> str:
    return f"{n} proces" if int(n) == 1 else f"{n} processen"


# ------------------------------------------------------------------------ the target table

def measured_text(key: str, v: dict[str, Any], size: dict[str, Any], doc: dict[str, Any]) -> str:
    """The measured cell: the figure, with the detail that explains it where there is one."""
    value = figure(v["measured"], v["unit"])
    if v["measured"] is None:
        return value
    kb, stock = size["pages"]["kennisbank"], size["pages"].get("stock") or {}
    if key == "build_ratio":
        return (f"{figure(size['build_s'], 's')} = {value} de vloer "
                f"(`executemany`, {figure(size['floor_s'], 's')})")
    if key == "table_p95_ms":
        return f"{value} (JSON: {figure(kb['table_json']['p95_ms'], 'ms')})"
    if key == "table_vs_stock":
        return (f"{value} sneller ({figure(kb['table_html']['p50_ms'], 'ms')} tegen "
                f"{figure(stock['table_html']['p50_ms'], 'ms')})")
    if key == "usage_log_ratio":
        log = size["usage_log"]
        return (f"{value} ({figure(log['p50_ms'], 'ms')} tegen "
                f"{figure(log['without_p50_ms'], 'ms')})")
    if key == "load_rps":
        workers = str(doc["machine"]["workers"])
        table = size["load"]["table_html"]
        others = [f"{workers_text(w)}, {c} verbindingen: {figure(r['rps'], '/s')}"
                  for w, runs in table.items() for c, r in runs.items()
                  if (w, c) != (workers, "8")]
        return f"{value} ({workers_text(workers)}" + "".join(f"; {o}" for o in others) + ")"
    if key == "cold_start_s":
        return "; ".join(f"{workers_text(w)}: {figure(c['table'], 's')} (startpagina "
                         f"{figure(c['home'], 's')})" for w, c in size["cold_start_s"].items())
    if key == "swap_faults":
        s = size["swap"]
        return (f"{value} van {nl.number(s['requests'], 0)} verzoeken ({s['errors']} mislukt, "
                f"{s['mixed']} gemengd, {s['late']} verouderd)")
    return value


def target_text(v: dict[str, Any], query: bool) -> str:
    if v["target"] is None:
        return "kaal Datasette gaf geen antwoord" if query else "—"
    text = OPS[v["op"]] + figure(v["target"], v["unit"])
    return f"{text} (kaal Datasette)" if query else text


def outcome_text(v: dict[str, Any]) -> str:
    if v["met"] is None:
        return "niet gemeten" if v["measured"] is None else "niet te beoordelen"
    word = "gehaald" if v["met"] else "gemist"
    return f"doel {word}" if v["applies"] else f"ter indicatie: {word}"


def explanation(key: str, rows: int, explanations: dict[str, Any], applies: bool) -> str:
    """The sentence of bench/verklaringen.yml; where a target that applies has none, a note."""
    found = explanations.get(key)
    if isinstance(found, dict):
        found = found.get(rows, found.get(str(rows)))
    if found:
        return " ".join(str(found).split())
    return "(nog geen verklaring in `bench/verklaringen.yml`)" if applies else ""


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def target_table(doc: dict[str, Any], rows: int, explanations: dict[str, Any]) -> list[str]:
    size = doc["sizes"][str(rows)]
    lines = ["| wat | gemeten | doel | uitkomst | wat het begrenst |", "|---|---|---|---|---|"]
    for key, v in size["verdicts"].items():
        query = key.startswith(QUERY)
        label = (f"vaste vraag `{key[len(QUERY):-len('_p95_ms')]}`, p95" if query
                 else LABELS.get(key, key))
        why = explanation(key, rows, explanations, v["applies"]) if v["met"] is False else ""
        lines.append("| " + " | ".join(cell(c) for c in (
            label, measured_text(key, v, size, doc), target_text(v, query), outcome_text(v),
            why)) + " |")
    return lines


# ------------------------------------------------------------------------ the other tables

def stage_table(doc: dict[str, Any], sizes: list[int]) -> list[str]:
    data = [doc["sizes"][str(s)] for s in sizes]
    lines = ["| stadium van de build | " + " | ".join(f"{nl.number(s, 0)} acties" for s in sizes)
             + " |", "|---|" + "---|" * len(sizes)]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    stages = [k for k in STAGES if any(k in d["stages"] for d in data)]
    stages += sorted({k for d in data for k in d["stages"]} - set(stages))
    for stage in stages:
        row(STAGES.get(stage, stage), [figure(d["stages"][stage]["s"], "s")
                                       if stage in d["stages"] else "—" for d in data])
    row("overig (opstarten, importeren)", [figure(d.get("other_s"), "s") for d in data])
    row("totaal (`kennisbank build`)", [figure(d["build_s"], "s") for d in data])
    row("vloer (`executemany`)", [figure(d["floor_s"], "s") for d in data])
    row("build tegenover de vloer", [figure(d["build_ratio"], "×") for d in data])
    row("piekgeheugen", [figure(d["peak_mib"], "MiB") for d in data])
    if any(d.get("child_peak_mib") for d in data):
        row("afgesplitste processen (zoekindex, CSV): piek (RSS, met gedeelde pagina's), processortijd",
            [f"{figure(d['child_peak_mib'], 'MiB')}, {figure(d.get('child_cpu_s'), 's')}"
             if d.get("child_peak_mib") else "—" for d in data])
    return lines


def page_table(doc: dict[str, Any], rows: int) -> list[str]:
    size = doc["sizes"][str(rows)]
    kb, stock = size["pages"]["kennisbank"], size["pages"].get("stock")
    head = "| pagina | p50 | p95 |" + (" kaal p50 | kaal p95 |" if stock else "")
    lines = [head, "|---|---|---|" + ("---|---|" if stock else "")]
    for name, t in kb.items():
        label = f"vaste vraag `{name[len(QUERY):]}`" if name.startswith(QUERY) else \
            PAGES.get(name, name)
        cells = [label, figure(t["p50_ms"], "ms"), figure(t["p95_ms"], "ms")]
        if stock:
            s = stock.get(name)
            cells += ([figure(s["p50_ms"], "ms"), figure(s["p95_ms"], "ms")] if s and
                      s["status"] == [200] else ["—", "—"])
        lines.append("| " + " | ".join(cell(c) for c in cells) + " |")
    return lines


def machine_line(doc: dict[str, Any]) -> str:
    m = doc["machine"]
    parts = [f"{m['cores']} kernen", f"Python {m['python']}", f"SQLite {m['sqlite']}",
             f"Datasette {m['datasette']}", f"`kennisbank serve --workers {m['workers']}`"]
    tail = [f"{nl.number(doc['minutes'], 1)} minuten"] if doc.get("minutes") is not None else []
    tail.append(nl.long_date(doc.get("finished") or doc["started"]))
    return f"Laatste meting: `make bench` ({', '.join(parts)}; {'; '.join(tail)})."


def block(doc: dict[str, Any], explanations: dict[str, Any]) -> str:
    """The generated part of the README section, from a checked document."""
    sizes = sorted(int(s) for s in doc["sizes"])
    lines = [machine_line(doc), ""]
    main = TARGET_SIZE if TARGET_SIZE in sizes else max(s for s in sizes if s < FULL_SIZE) \
        if any(s < FULL_SIZE for s in sizes) else None
    if main is not None and main != TARGET_SIZE:
        lines += [f"Gemeten bij {sizes_text(sizes)} acties; de doelen gelden bij "
                  f"{nl.number(TARGET_SIZE, 0)}. Hieronder de doelen bij "
                  f"{nl.number(main, 0)} acties, ter indicatie:", ""]
    elif main is not None:
        lines += [f"Bij {nl.number(main, 0)} acties:", ""]
    if main is not None:
        lines += target_table(doc, main, explanations) + [""]
    if FULL_SIZE in sizes:
        lines += [f"Bij {nl.number(FULL_SIZE, 0)} acties (`BENCH_FULL=1`):", ""]
        lines += target_table(doc, FULL_SIZE, explanations) + [""]
    lines += ["De build per stadium (eigen tijd):", ""]
    lines += stage_table(doc, sizes) + [""]
    shown = main if main is not None else max(sizes)
    lines += [f"Alle pagina's bij {nl.number(shown, 0)} acties (in ms; kaal: "
              f"`datasette serve -i` met standaardinstellingen):", ""]
    lines += page_table(doc, shown)
    return "\n".join(lines)


def render(text: str, content: str, name: str = "README.md") -> str:
    pattern = re.compile(re.escape(BEGIN) + r"\n.*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ShapeError(f"Het blok 'prestaties' ontbreekt in {name}: zet de regels\n  {BEGIN}\n"
                         f"  {END}\nin de sectie Prestaties.")
    return pattern.sub(lambda _: f"{BEGIN}\n{content}\n{END}", text)


def load_explanations(path: Path = EXPLANATIONS) -> dict[str, Any]:
    found = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return found or {}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="?", default=str(ROOT / "output" / "bench" / "latest.json"))
    parser.add_argument("--readme", default=str(ROOT / "README.md"))
    parser.add_argument("--verklaringen", default=str(EXPLANATIONS))
    parser.add_argument("--check", action="store_true",
                        help="only say whether the block is current (exit 1 if not)")
    args = parser.parse_args(argv)
    readme = Path(args.readme)
    try:
        doc = load(Path(args.json))
        current = readme.read_text(encoding="utf-8")
        fresh = render(current, block(doc, load_explanations(Path(args.verklaringen))),
                       readme.name)
    except ShapeError as exc:
        print(exc, file=sys.stderr)
        return 1
    return write_or_check(readme, current, fresh, args.check, "make bench-readme")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
