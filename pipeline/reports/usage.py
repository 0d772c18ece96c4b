"""`kennisbank gebruik`: the usage logs of one or more catalogue instances (plain or gzipped,
rotated files included) added up into ``gebruik.json`` and ``gebruik.html`` for a period.

What is counted (the kinds of line are described in pipeline/catalogue/usage.py):

- ``verzoeken`` and ``per_soort``: every line in the period, of every kind (also ``inloggen`` and
  ``feedback``);
- ``actiekaarten``, ``zoekopdrachten``, ``zonder_resultaat`` and ``filters``: page requests that
  answered 200 only; a search term is counted in lower case without surrounding spaces, its
  ``resultaten`` is the highest number of results seen for it (null when never known), and a
  search with 0 results also counts under ``zonder_resultaat``;
- ``feedback``: lines of kind ``feedback`` with ``actie_id``, ``antwoord`` (ja of nee) and an
  optional ``opmerking`` (counted, never shown here);
- ``overgeslagen``: lines that are no JSON object with a valid ``tijd`` and ``soort``.

Lists are sorted by count (highest first), then by name."""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from pipeline.reports.render import render, write_report

GZIP_MAGIC = b"\x1f\x8b"
TIME_FORMAT = "%Y-%m-%dT%H:%MZ"


@dataclass(frozen=True)
class Written:
    json_path: Path
    html_path: Path
    usage: dict[str, Any]


def read_lines(path: Path) -> Iterator[str]:
    """The lines of a log, gzipped (recognised by its first bytes) or plain; undecodable bytes
    become replacement characters (such a line then fails to parse and is skipped)."""
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
    opener = gzip.open if gzipped else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                yield line


def parse(line: str) -> tuple[date, dict[str, Any]] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("soort"), str) or \
            not isinstance(record.get("tijd"), str):
        return None
    try:
        day = datetime.strptime(record["tijd"], TIME_FORMAT).date()
    except ValueError:
        return None
    return day, record


def _ranked(counter: Counter, key: str, value: str = "aantal") -> list[dict[str, Any]]:
    return [{key: name, value: n}
            for name, n in sorted(counter.items(), key=lambda item: (-item[1], item[0]))]


def normalise(term: str) -> str:
    return term.strip().lower()


def aggregate(lines: Iterable[str], van: date | None = None,
              tot: date | None = None) -> dict[str, Any]:
    """The figures of gebruik.json from the lines of the logs."""
    skipped = requests = 0
    days: list[date] = []
    kinds: Counter = Counter()
    cards: Counter = Counter()
    searches: Counter = Counter()
    results: dict[str, int | None] = {}
    empty: Counter = Counter()
    filters: Counter = Counter()
    feedback: dict[str, Counter] = defaultdict(Counter)
    for line in lines:
        parsed = parse(line)
        if parsed is None:
            skipped += 1
            continue
        day, record = parsed
        if (van and day < van) or (tot and day > tot):
            continue
        requests += 1
        days.append(day)
        kind = record["soort"]
        kinds[kind] += 1
        if kind == "feedback":
            actie_id, answer = record.get("actie_id"), record.get("antwoord")
            if isinstance(actie_id, str):
                if answer in ("ja", "nee"):
                    feedback[actie_id][answer] += 1
                if isinstance(record.get("opmerking"), str) and record["opmerking"].strip():
                    feedback[actie_id]["opmerkingen"] += 1
            continue
        if record.get("status") != 200:
            continue
        if kind == "actiekaart" and isinstance(record.get("actie_id"), str):
            cards[record["actie_id"]] += 1
        if kind == "zoeken" and isinstance(record.get("zoekterm"), str):
            term = normalise(record["zoekterm"])
            searches[term] += 1
            found = record.get("resultaten")
            found = found if isinstance(found, int) and not isinstance(found, bool) else None
            if found is not None:
                results[term] = max(results.get(term) or 0, found)
                if found == 0:
                    empty[term] += 1
            else:
                results.setdefault(term, None)
        for item in record.get("filters") or []:
            if isinstance(item, str):
                filters[item] += 1
    first, last = (min(days), max(days)) if days else (None, None)
    van, tot = van or first, tot or last
    return {
        "periode": {"van": van.isoformat() if van else None,
                    "tot": tot.isoformat() if tot else None},
        "verzoeken": requests,
        "per_soort": dict(sorted(kinds.items())),
        "actiekaarten": _ranked(cards, "actie_id", "weergaven"),
        "zoekopdrachten": [{**row, "resultaten": results[row["zoekterm"]]}
                           for row in _ranked(searches, "zoekterm")],
        "zonder_resultaat": _ranked(empty, "zoekterm"),
        "filters": _ranked(filters, "filter"),
        "feedback": [{"actie_id": actie_id, "ja": c["ja"], "nee": c["nee"],
                      "opmerkingen": c["opmerkingen"]}
                     for actie_id, c in sorted(feedback.items())],
        "overgeslagen": skipped,
    }


def make_usage_report(logs: Iterable[Path], out_dir: Path, van: date | None = None,
                      tot: date | None = None) -> Written:
    """Read every log, add them up and write gebruik.json and gebruik.html into out_dir."""
    usage = aggregate((line for path in logs for line in read_lines(path)), van, tot)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "gebruik.json", out_dir / "gebruik.html"
    write_report(json_path, json.dumps(usage, ensure_ascii=False, indent=2) + "\n")
    write_report(html_path, render("gebruik.html", {"g": usage}))
    return Written(json_path, html_path, usage)
