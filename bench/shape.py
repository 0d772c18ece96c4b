"""The shape of output/bench/latest.json, in one place: SHAPE_VERSION, the targets, `document()`
(the measurements of bench/run.py -> the document), `verdicts()` and `check()` (against
bench/latest.schema.json, whose Dutch descriptions docs/prestaties.md lists).

    python -m bench.shape --check FILE           is FILE a document of this shape?
    python -m bench.shape --convert OLD NEW      an output of before version 1 in this shape
    python -m bench.shape --docs [--check]       regenerate the key table in docs/prestaties.md
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.contract.guide import write_or_check

SHAPE_VERSION = 1
SCHEMA = Path(__file__).with_name("latest.schema.json")
DOC = Path(__file__).resolve().parent.parent / "docs" / "prestaties.md"
TARGET_SIZE, FULL_SIZE = 100_000, 1_000_000

# key: (comparison, target value, unit). At 100,000 actions (issue 6, 18) and 1,000,000 (issue
# 18 item 2); a size below 1,000,000 is judged against the first set, "applies" only at 100,000.
TARGETS: dict[int, dict[str, tuple[str, float, str]]] = {
    TARGET_SIZE: {
        "sample_s": ("<", 2.0, "s"), "build_ratio": ("<=", 5.0, "×"),
        "peak_mib": ("<", 1024, "MiB"), "table_p95_ms": ("<", 250, "ms"),
        "facets_missing": ("==", 0, ""), "table_vs_stock": (">=", 10.0, "×"),
        "usage_log_ratio": ("<=", 1.2, "×"), "search_p95_ms": ("<", 150, "ms"),
        "card_p95_ms": ("<", 50, "ms"), "load_errors": ("==", 0, ""),
        "load_rps": (">=", 50, "/s"), "cold_start_s": ("<", 2.0, "s"), "swap_faults": ("==", 0, ""),
    },
    FULL_SIZE: {
        "build_ratio": ("<=", 5.0, "×"), "peak_mib": ("<", 2048, "MiB"),
        "table_p95_ms": ("<", 250, "ms"), "search_p95_ms": ("<", 150, "ms"),
        "card_p95_ms": ("<", 50, "ms"), "filtered_goal_p95_ms": ("<", 500, "ms"),
        "cold_start_s": ("<", 2.0, "s"),
    },
}
SIZE_FREE = {"sample_s"}  # does not depend on the size: applies at every size
QUERY = "query_"  # a canned question's page: query_<name>, judged against stock's p95
PAGES = {"tabel_html": "table_html", "tabel_json": "table_json", "gefilterd_doel": "filtered_goal",
         "gefilterd_bibliotheek": "filtered_library", "zoeken": "search", "kaart": "card",
         "home": "home"}
STAGES = {"lezen": "read", "normaliseren": "normalise", "controleren": "validate",
          "laden": "load", "fts_indexen": "fts_indexes", "geschiedenis": "history",
          "rapporten": "reports"}
OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
       "==": lambda a, b: a == b}


class ShapeError(ValueError):
    """A document that does not have the shape of latest.json."""


# ------------------------------------------------------------------------ measurements -> document

def page_name(name: str) -> str:
    if name.startswith("vraag_"):
        return QUERY + name[len("vraag_"):]
    return PAGES.get(name, name)


def _page(t: dict[str, Any]) -> dict[str, Any]:
    return {"p50_ms": t["p50_ms"], "p95_ms": t["p95_ms"], "n": t["n"],
            "first_ms": t.get("eerste_ms"), "status": t["status"],
            "missing_facets": t.get("ontbrekende_facetten"), "path": t.get("pad")}


def _load(runs: dict[str, Any], workers: int) -> dict[str, Any]:
    """{"tabel_html_8": {...}, "tabel_html_8_1proces": {...}} -> page -> workers -> connections."""
    found: dict[str, Any] = {}
    for key, run in runs.items():
        name, connections, _ = re.fullmatch(r"(.*)_(\d+)(?:_(\d+)proces)?", key).groups()
        procs = str(run.get("processen", workers))
        found.setdefault(page_name(name), {}).setdefault(procs, {})[connections] = {
            "rps": run["per_seconde"], "errors": run["fouten"],
            "error_kinds": run.get("soorten_fouten", []), "p95_ms": run.get("p95_ms"),
            "p99_ms": run.get("p99_ms"), "requests": run.get("verzoeken"),
            "seconds": run.get("seconden")}
    return found


def _swap(s: dict[str, Any]) -> dict[str, Any]:
    return {"readers": s["lezers"], "seconds": s["seconden"], "requests": s["verzoeken"],
            "rps": s["per_seconde"], "errors": s["fouten"], "error_kinds": s["soorten_fouten"],
            "mixed": s["gemengd"], "late": s["verouderd"], "incomplete": s["onvolledig"],
            "versions": s["versies"], "a_b_differ": s["a_en_b_verschillen"],
            "p50_ms": s["p50_ms"], "p95_ms": s["p95_ms"], "max_ms": s["max_ms"],
            "build_s": s.get("build_s"), "swaps": s.get("wissels")}


def _size(rows: str, data: dict[str, Any], workers: int) -> dict[str, Any]:
    p = data["pijplijn"]
    catalogue = data["catalogus"]
    kb = {k: v for k, v in catalogue["kennisbank"].items() if isinstance(v, dict)}
    logged = kb.pop("tabel_html_gebruikslog", None)
    pages = {"kennisbank": {page_name(n): _page(t) for n, t in kb.items()}}
    startup = {"kennisbank": catalogue["kennisbank"]["opstart_s"]}
    if catalogue.get("stock"):
        stock = catalogue["stock"]
        pages["stock"] = {page_name(n): _page(t) for n, t in stock.items() if isinstance(t, dict)}
        startup["stock"] = stock["opstart_s"]
    size: dict[str, Any] = {
        "actions": int(rows), "published": p.get("gepubliceerd"),
        "snapshot_bytes": p.get("snapshot_bytes"),
        "build_s": p["build_s"], "floor_s": p["vloer_executemany_s"],
        "build_ratio": p["verhouding_executemany"], "peak_mib": p["build_piek_mib"],
        "sqlite_utils_s": p.get("sqlite_utils_csv_s"),
        "sqlite_utils_ratio": p.get("verhouding_sqlite_utils"), "cpu_s": p.get("cpu_s"),
        "child_peak_mib": p.get("piek_kindproces_mib"), "child_cpu_s": p.get("cpu_kindproces_s"),
        "stages": {STAGES.get(k, k): {"s": v["seconden"], "peak_mib": v.get("piek_mib")}
                   for k, v in p["stadia"].items()},
        "other_s": p.get("overig_s"), "startup_s": startup, "pages": pages,
        "cold_start_s": {w: {"home": c["thuis_s"], "table": c["tabel_s"]}
                         for w, c in (data.get("koude_start") or {}).items()},
        "cold_start_status": {w: c.get("status_tabel")
                              for w, c in (data.get("koude_start") or {}).items()},
    }
    if logged:
        size["usage_log"] = {"p50_ms": logged["p50_ms"], "p95_ms": logged["p95_ms"],
                             "n": logged["n"], "without_p50_ms": logged["zonder_p50_ms"],
                             "lines": logged.get("regels")}
    if data.get("belasting"):
        size["load"] = _load(data["belasting"], workers)
    if data.get("wissel"):
        size["swap"] = _swap(data["wissel"])
    return size


def document(report: dict[str, Any]) -> dict[str, Any]:
    """The document of latest.json from bench/run.py's measurements (its Dutch working keys:
    per_grootte, pijplijn, catalogus, belasting, koude_start, wissel, voorbeeld, machine)."""
    m = report["machine"]
    workers = m.get("processen") or m["cpu"]
    started, finished = report["gestart"], report.get("klaar")
    minutes = None
    if finished:
        minutes = round((datetime.fromisoformat(finished)
                         - datetime.fromisoformat(started)).total_seconds() / 60, 1)
    sample = report.get("voorbeeld") or {}
    doc: dict[str, Any] = {
        "shape_version": SHAPE_VERSION, "started": started, "finished": finished,
        "minutes": minutes, "seed": report["seed"],
        "machine": {"cores": m["cpu"], "python": m["python"], "sqlite": m["sqlite"],
                    "datasette": m["datasette"], "workers": workers,
                    "load_start": m.get("belasting_begin"), "load_end": m.get("belasting_einde")},
        "sample_s": sample.get("mediaan_s"),
        "sample": {"runs_s": sample.get("runs_s", []), "best_s": sample.get("beste_s")},
        "targets": {str(size): {k: {"op": op, "value": v, "unit": u}
                                for k, (op, v, u) in t.items()} for size, t in TARGETS.items()},
        "sizes": {rows: _size(rows, data, workers) for rows, data in report["per_grootte"].items()},
    }
    for size in doc["sizes"].values():
        size["verdicts"] = verdicts(doc, size)
    return doc


# ------------------------------------------------------------------------ verdicts

def measured(doc: dict[str, Any], size: dict[str, Any]) -> dict[str, Any]:
    """Each target's measured value at this size (None where it was not measured)."""
    kb = size["pages"]["kennisbank"]
    stock = size["pages"].get("stock") or {}
    workers = str(doc["machine"]["workers"])
    load = size.get("load") or {}
    usage = size.get("usage_log")
    swap = size.get("swap")
    cold = size.get("cold_start_s") or {}
    missing = kb.get("table_json", {}).get("missing_facets")
    found = {
        "sample_s": doc.get("sample_s"), "build_ratio": size["build_ratio"],
        "peak_mib": size["peak_mib"], "table_p95_ms": kb["table_html"]["p95_ms"],
        "facets_missing": None if missing is None else len(missing),
        "table_vs_stock": round(stock["table_html"]["p50_ms"] / max(kb["table_html"]["p50_ms"],
                                                                     0.1), 1)
        if "table_html" in stock else None,
        "usage_log_ratio": round(usage["p50_ms"] / max(usage["without_p50_ms"], 0.1), 2)
        if usage else None,
        "search_p95_ms": kb["search"]["p95_ms"], "card_p95_ms": kb["card"]["p95_ms"],
        "filtered_goal_p95_ms": kb["filtered_goal"]["p95_ms"] if "filtered_goal" in kb else None,
        "load_errors": sum(c["errors"] for page in load.values() for w in page.values()
                           for c in w.values()) if load else None,
        "load_rps": load.get("table_html", {}).get(workers, {}).get("8", {}).get("rps"),
        "cold_start_s": max(max(c["home"], c["table"]) for c in cold.values()) if cold else None,
        "swap_faults": swap["errors"] + swap["mixed"] + swap["late"] if swap else None,
    }
    return found


def verdicts(doc: dict[str, Any], size: dict[str, Any]) -> dict[str, Any]:
    """Target key -> {measured, target, op, unit, met, applies}; met is None where the figure
    was not measured (or stock could not answer a canned question)."""
    rows = size["actions"]
    at = FULL_SIZE if rows >= FULL_SIZE else TARGET_SIZE
    values = measured(doc, size)
    kb = size["pages"]["kennisbank"]
    found: dict[str, Any] = {}
    for key, (op, target, unit) in TARGETS[at].items():
        value = values[key]
        met = None if value is None else OPS[op](value, target)
        if key == "table_p95_ms" and met is not None and values["facets_missing"]:
            met = False  # fast only counts with every facet
        if key == "swap_faults" and met and not all(size["swap"]["versions"].values()):
            met = False  # both catalogues must have been seen
        found[key] = {"measured": value, "target": target, "op": op, "unit": unit, "met": met,
                      "applies": rows == at or key in SIZE_FREE}
    stock = size["pages"].get("stock") or {}
    if at == TARGET_SIZE:
        for name in sorted(n for n in kb if n.startswith(QUERY) and n in stock):
            ours, theirs = kb[name], stock[name]
            ok = theirs["status"] == [200]
            found[f"{name}_p95_ms"] = {
                "measured": ours["p95_ms"], "target": theirs["p95_ms"] if ok else None,
                "op": "<=", "unit": "ms", "applies": rows == at,
                "met": (ours["p95_ms"] <= theirs["p95_ms"] and ours["status"] == [200])
                if ok else None}
    return found


# ------------------------------------------------------------------------ the schema

def schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _where(path: Any) -> str:
    return ".".join(str(p) for p in path) or "(bovenste niveau)"


def check(doc: Any, source: str = "het document") -> dict[str, Any]:
    """`doc` if it has this shape; ShapeError naming every missing or wrong key otherwise."""
    from jsonschema import Draft202012Validator

    if isinstance(doc, dict) and "shape_version" not in doc and "per_grootte" in doc:
        raise ShapeError(f"{source} heeft de oude vorm (zonder shape_version); zet het om met "
                         f"`python -m bench.shape --convert OUD NIEUW`.")
    if isinstance(doc, dict) and doc.get("shape_version") not in (None, SHAPE_VERSION):
        raise ShapeError(f"{source} heeft shape_version {doc['shape_version']}; deze code kent "
                         f"versie {SHAPE_VERSION}.")
    problems = []
    for error in sorted(Draft202012Validator(schema()).iter_errors(doc),
                        key=lambda e: [str(p) for p in e.absolute_path]):
        if error.validator == "required":
            key = re.search(r"'([^']+)' is a required property", error.message).group(1)
            problems.append(f"ontbreekt: {_where([*error.absolute_path, key])}")
        else:
            problems.append(f"{_where(error.absolute_path)}: {error.message}")
    if problems:
        raise ShapeError(f"{source} past niet in de vorm van latest.json (versie {SHAPE_VERSION}):"
                         "\n  " + "\n  ".join(problems))
    return doc


def load(path: Path) -> dict[str, Any]:
    """A checked document from a file."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ShapeError(f"{path} is niet te lezen als JSON: {exc}") from exc
    return check(doc, str(path))


# ------------------------------------------------------------------------ the Dutch key table

BEGIN = ("<!-- begin sleutels: gemaakt door `python -m bench.shape --docs` uit "
         "bench/latest.schema.json; niet met de hand wijzigen -->")
END = "<!-- einde sleutels -->"
TYPES = {"number": "getal", "integer": "geheel getal", "string": "tekst", "boolean": "ja/nee",
         "array": "lijst", "object": "object", "null": "leeg"}


def _type(node: dict[str, Any]) -> str:
    kinds = node.get("type")
    if kinds is None and "anyOf" in node:
        kinds = [a.get("type") for a in node["anyOf"]]
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return " of ".join(TYPES.get(k, str(k)) for k in kinds if k)


def _rows(node: dict[str, Any], path: str, defs: dict[str, Any],
          seen: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key path, kind, description) of `node` and everything under it; a shared definition
    ($ref) is listed in full once, and after that refers to its first place."""
    ref = node.get("$ref", "").rsplit("/", 1)[-1]
    if ref:
        node = {**defs[ref], **{k: v for k, v in node.items() if k != "$ref"}}
        if ref in seen:
            text = f"{node.get('description', '')} Sleutels als bij `{seen[ref]}`.".strip()
            return [(path, _type(node), text)]
        seen[ref] = path
    rows = [(path, _type(node), node.get("description", ""))] if path else []
    for key, child in node.get("properties", {}).items():
        rows += _rows(child, f"{path}.{key}" if path else key, defs, seen)
    for pattern, child in node.get("patternProperties", {}).items():
        title = defs.get(child.get("$ref", "").rsplit("/", 1)[-1], child).get("title")
        rows += _rows(child, f"{path}.{title or '<' + pattern + '>'}", defs, seen)
    return rows


def key_table() -> str:
    s = schema()
    lines = ["| sleutel | soort | betekenis |", "|---|---|---|"]
    for path, kind, text in _rows(s, "", s.get("$defs", {}), {}):
        lines.append(f"| `{path}` | {kind} | {text} |")
    return "\n".join(lines)


def render_doc(text: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + r"\n.*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ShapeError(f"Het blok 'sleutels' ontbreekt in {DOC}.")
    return pattern.sub(lambda _: f"{BEGIN}\n{key_table()}\n{END}", text)


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["--check"] and len(argv) == 2:
            load(Path(argv[1]))
            print(f"{argv[1]}: vorm versie {SHAPE_VERSION} in orde")
        elif argv[:1] == ["--convert"] and len(argv) == 3:
            old = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
            doc = check(document(old), argv[1])
            Path(argv[2]).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
        elif argv[:1] == ["--docs"]:
            current = DOC.read_text(encoding="utf-8")
            return write_or_check(DOC, current, render_doc(current), "--check" in argv[1:],
                                  "python -m bench.shape --docs")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except ShapeError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
