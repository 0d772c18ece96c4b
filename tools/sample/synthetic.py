"""Synthetic workbooks at any size, with the embedded sample's shape and its kinds of mess.

Every action row is made by the sample generator's own building blocks (tools/sample/): the same
themes, texts, vocabularies (typed as labels, synonyms and in other case), date and amount
notations, Delen values and the same deliberate defects (unreadable dates, cell errors, unknown
libraries and values, typos, HTML and script fragments, duplicates, ...), each at the rate per
row at which the sample has it. Around them: the sample's title rows above the header, an
unknown extra column, blank and blank-looking rows, a Bibliotheken tab with every library of the
country (the sample's 30 plus fictional ones in all provinces, a few without any action) and the
Keuzelijsten tab. Everything comes from the seed: the same (rows, seed) gives the same snapshot,
value for value.

API (the benchmark, bench/, and the reliability tests use it)::

    from tools.sample.synthetic import make_snapshot, write_snapshot_file, snapshot_file
    snapshot = make_snapshot(100_000, seed=1)           # a Snapshot in memory
    write_snapshot_file(100_000, 1, Path("x.json"))     # streamed to a snapshot file (any size)
    snapshot_file(100_000, 1, Path("output/bench"))     # the same, cached by rows/seed/contract

Command line (bench/generate.py runs this module's main)::

    python -m bench.generate --rows 100000 --seed 1 --out output/bench/acties-100000.json

The file is a snapshot as `kennisbank build` writes under output/raw/, so
`kennisbank build --source FILE` reads it like any other run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import sys
import time
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from pipeline.contract.config import contract_hash
from pipeline.contract.normalise import PROVINCES
from pipeline.sources.fetch import to_cell
from pipeline.sources.snapshot import FORMAT_VERSION, Snapshot, Tab
from tools.sample import actions, data, oddities

GENERATOR_VERSION = 1
FETCHED_AT = "2026-11-28T12:00:00Z"
FIRST_YEAR, LAST_YEAR = 2016, 2026       # years of history
LAST_START = actions.LAST_START
SAMPLE_ROWS = actions.ACTIONS_TOTAL            # the sample's rates are "so many per 196 actions"
LIBRARIES_MAX = 150                       # about the number of library organisations in NL
ROWS_PER_LIBRARY = 100
INACTIVE_SHARE = len(data.INACTIVE_LIBRARIES) / len(data.LIBRARIES)

PROVINCE_CENTRES = {
    "Drenthe": (52.86, 6.62), "Flevoland": (52.53, 5.60), "Friesland": (53.10, 5.80),
    "Gelderland": (52.06, 5.90), "Groningen": (53.22, 6.74), "Limburg": (51.20, 5.93),
    "Noord-Brabant": (51.56, 5.10), "Noord-Holland": (52.58, 4.87),
    "Overijssel": (52.43, 6.45), "Utrecht": (52.08, 5.17), "Zeeland": (51.47, 3.84),
    "Zuid-Holland": (51.95, 4.55),
}
NAME_PARTS = (
    ("Noord", "Zuid", "Oost", "West", "Midden", "Groot", "Hoog", "Laag", "Oud", "Nieuw",
     "Klein", "Lange", "Brede", "Hooge"),
    ("veen", "dijk", "duin", "weide", "waard", "horst", "broek", "meer", "dam", "wold", "kamp",
     "loo", "hout", "zand", "berg", "beek", "mond", "hoek", "stad", "land", "vliet", "heide",
     "rade", "wijk", "sluis", "gracht"),
)


def _rate(count: int) -> float:
    return count / SAMPLE_ROWS


@dataclass
class Tabs:
    """The generated workbook: the Acties rows as a stream, the other tabs as values."""

    source: dict[str, Any]
    acties: Iterator[list]
    bibliotheken: list[list]
    keuzelijsten: list[list]
    oddities: dict[str, int] = field(default_factory=dict)  # filled while acties is read


# ------------------------------------------------------------------------------ libraries

def _place(rng: random.Random) -> str:
    first, second = NAME_PARTS
    return rng.choice(first) + rng.choice(second)


def make_libraries(count: int, rng: random.Random) -> list[data.Library]:
    """The sample's libraries, then fictional ones in every province, with unique names. All
    agreed to the terms (so the benchmarks publish every shared action)."""
    libraries = [replace(lib, akkoord=lib.akkoord or data.AGREED_ON)
                 for lib in data.LIBRARIES[:count]]
    names = {lib.naam for lib in libraries}
    prefixes = {lib.id_prefix for lib in libraries if lib.id_prefix}
    while len(libraries) < count:
        name = f"Bibliotheek {_place(rng)}"
        if rng.random() < 0.3:
            name += f"-{rng.choice(('Kust', 'Delta', 'Vallei', 'Plassen', 'Heuvelrug', 'Rivier'))}"
        if name in names:
            continue
        names.add(name)
        province = rng.choice(PROVINCES)
        lat, lon = PROVINCE_CENTRES[province]
        wanted, towns = rng.randint(2, 5), ()
        while len(towns) < wanted:  # at least two: a library has a main branch and another
            towns = tuple(dict.fromkeys((*towns, _place(rng))))
        prefix = None
        if rng.random() < 0.1:
            while (prefix := "".join(rng.choice("BCDFGHKLMNPRSTVWZ") for _ in range(3))) in prefixes:
                pass
            prefixes.add(prefix)
        libraries.append(data.Library(name, province, towns[:2], towns,
                                    round(lat + rng.uniform(-0.15, 0.15), 4),
                                    round(lon + rng.uniform(-0.15, 0.15), 4),
                                    rng.randrange(9_000, 250_000, 100), prefix))
    return libraries


def make_contacts(libraries: list[data.Library], rng: random.Random) -> dict[str, tuple]:
    pairs = [(first, last) for first in data.FIRST_NAMES for last in data.LAST_NAMES]
    contacts = {}
    for library in libraries:
        people = []
        for _ in range(rng.randint(1, 3)):
            first, last = rng.choice(pairs)
            local = (f"{first[0].lower()}.{data.slugify(last).replace('-', '')}"
                     if rng.random() < 0.6 else
                     f"{data.slugify(first)}.{data.slugify(last).replace('-', '')}")
            people.append(actions.Contact(f"{first} {last}",
                                     f"{local}@{library.slug}.bieb-voorbeeld.nl"))
        contacts[library.naam] = tuple(people)
    return contacts


def library_rows(libraries: list[data.Library], ctx: actions.Context,
                 rng: random.Random) -> list[list]:
    """The Bibliotheken tab; the fictional libraries have some coordinates and numbers typed
    the Dutch way ('52,1284', '112.000'), as in the test fixtures."""
    fields = ctx.fields["Bibliotheken"]
    rows = [[f.kop for f in fields]]
    for i, lib in enumerate(libraries):
        values: dict[str, Any] = {
            "naam": lib.naam, "provincie": lib.provincie, "gemeenten": ", ".join(lib.gemeenten),
            "website": lib.website, "latitude": lib.lat, "longitude": lib.lon,
            "email": lib.email, "inwoners": lib.inwoners,
            "akkoord_voorwaarden": lib.akkoord,
            "akkoord_door": lib.agreed_by}
        if i >= len(data.LIBRARIES) and rng.random() < 0.1:
            values["latitude"] = f"{lib.lat:.4f}".replace(".", ",")
            values["longitude"] = f"{lib.lon:.4f}".replace(".", ",")
            values["inwoners"] = f"{lib.inwoners:,}".replace(",", ".")
        rows.append(_trim([to_cell(values.get(f.veld)) for f in fields]))
    return rows


def vocabulary_rows(ctx: actions.Context) -> list[list]:
    """The Keuzelijsten tab: a column per list, the sample's extra value included."""
    columns = [[key, *v.labels, *oddities.EXTRA_VOCABULARY_VALUES.get(key, ())]
               for key, v in ctx.vocabularies.items()]
    height = max(len(c) for c in columns)
    return [_trim([c[r] if r < len(c) else None for c in columns]) for r in range(height)]


# ------------------------------------------------------------------------------ the actions

def _pick(rng: random.Random, counts: dict[str, int], default: Any) -> Any:
    """A value with probability count/196 (the sample's deck), otherwise the default."""
    roll = rng.random()
    for value, count in counts.items():
        roll -= _rate(count)
        if roll < 0:
            return value
    return default


def pick_start(theme: data.Theme, rng: random.Random, years: list[int], weights: list[int]) -> date:
    while True:
        year = rng.choices(years, weights)[0]
        month, first, last = rng.choice(theme.windows)
        day = rng.randint(first, last)
        start = date(year, month, min(day, 28 if month == 2 else day))
        if start <= LAST_START:
            return start


CHUNK = 10_000  # rows per chunk; each chunk has its own random stream (see generate_tabs)


@dataclass(frozen=True)
class Plan:
    start: date
    library: int       # index into the libraries
    theme: int         # index into data.THEMES
    actie_id: str | None  # libraries with an id prefix number their actions per year


def plan_actions(rows: int, libraries: list[data.Library], rng: random.Random) -> list[Plan]:
    """Who did what when, oldest first (the order in which rows are added to the sheet)."""
    active = [i for i, lib in enumerate(libraries) if lib.naam not in data.INACTIVE_LIBRARIES
              and (lib in data.LIBRARIES or rng.random() >= INACTIVE_SHARE)]
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    weights = [10 + 3 * i for i in range(len(years))]  # the bank grows year by year
    library_picks = rng.choices(active, [libraries[i].inwoners for i in active], k=rows)
    theme_picks = rng.choices(range(len(data.THEMES)), [t.weight for t in data.THEMES], k=rows)
    drafts = sorted((pick_start(data.THEMES[t], rng, years, weights), lib, t)
                    for lib, t in zip(library_picks, theme_picks))
    counters: dict[tuple[str, int], int] = {}
    plans = []
    for start, lib, theme in drafts:
        prefix, actie_id = libraries[lib].id_prefix, None
        if prefix:
            counters[prefix, start.year] = counters.get((prefix, start.year), 0) + 1
            actie_id = f"{prefix}-{start.year}-{counters[prefix, start.year]:02d}"
        plans.append(Plan(start, lib, theme, actie_id))
    return plans


@dataclass
class World:
    """What every chunk needs: read once, shared by the worker processes."""

    seed: int
    ctx: actions.Context
    libraries: list[data.Library]
    contacts: dict[str, tuple]
    plans: list[Plan]


_WORLD: World | None = None  # set in worker processes (and for in-process generation)


def chunk_rows(index: int) -> tuple[list[list], dict[str, int]]:
    """The sheet rows of chunk ``index`` and its oddities per kind; deterministic per
    (seed, index), whichever process makes it."""
    world = _WORLD
    assert world is not None
    maker = ChunkRows(world, random.Random(f"kennisbank-bench:{world.seed}:{index}"))
    rows = list(maker.rows(world.plans[index * CHUNK:(index + 1) * CHUNK]))
    return rows, maker.defect_counts


def _init_worker(world: World) -> None:
    global _WORLD
    _WORLD = world


class ChunkRows:
    """The Acties rows of a run of plans, with the sample's oddities at the sample's rates."""

    def __init__(self, world: World, rng: random.Random):
        self.world, self.ctx, self.rng = world, world.ctx, rng
        self.fields = world.ctx.fields["Acties"]
        self.defect_counts: dict[str, int] = {}
        self.recent: deque[actions.Action] = deque(maxlen=20)
        self.by_library: dict[str, deque[actions.Action]] = {}
        self.pending: list[tuple[int, list]] = []

    def rows(self, plans: list[Plan]) -> Iterator[list]:
        rng = self.rng
        written = 0
        for plan in plans:
            action = self._action(plan)
            yield from self._due(written)
            yield self._cells(action)
            written += 1
            if rng.random() < _rate(3):  # blank and blank-looking rows between the data
                yield [None, " ", None, "\u00a0"] if rng.random() < 1 / 3 else []
            if rng.random() < _rate(2) and len(self.recent) > 1:
                self._schedule_duplicate(written)
            self.recent.append(action)
        for _, cells in self.pending:
            yield cells

    def _due(self, written: int) -> Iterator[list]:
        while self.pending and self.pending[0][0] <= written:
            yield self.pending.pop(0)[1]

    def _schedule_duplicate(self, written: int) -> None:
        """An exact copy of a recent row or a same-key copy with another result, a bit later."""
        original = self.rng.choice(list(self.recent)[:-1])
        copy = actions.copy_action(original)
        if self.rng.random() < 0.5 and isinstance(copy.values.get("resultaat"), int):
            copy.values["resultaat"] = copy.values["resultaat"] + 7
            copy.values["resultaten_toelichting"] = "Bijgewerkt na de eindtelling."
        self._count("dubbele_rij")
        self.pending.append((written + self.rng.randint(6, 14), self._cells(copy)))
        self.pending.sort(key=lambda p: p[0])

    def _style(self) -> actions.Style:
        rng = self.rng
        return actions.Style(start=_pick(rng, actions.START_STYLES, "date"),
                        end=_pick(rng, actions.END_STYLES, "date"),
                        outcome=_pick(rng, actions.OUTCOMES, "boven"),
                        delen=_pick(rng, actions.DELEN_VALUES, actions.DELEN_FILLER),
                        behaald=rng.random() < _rate(actions.BEHAALD_TYPED))

    def _action(self, plan: Plan) -> actions.Action:
        library = self.world.libraries[plan.library]
        action = actions.build_action(actions.Plan(library, data.THEMES[plan.theme], plan.start),
                                 self._style(), self.world.contacts[library.naam], self.ctx,
                                 self.rng)
        if plan.actie_id:
            action.values["actie_id"] = plan.actie_id
        own = self.by_library.setdefault(library.naam, deque(maxlen=20))
        self._mess(action, list(own))
        own.append(action)
        return action

    def _count(self, kind: str) -> None:
        self.defect_counts[kind] = self.defect_counts.get(kind, 0) + 1

    def _mess(self, action: actions.Action, earlier: list[actions.Action]) -> None:
        """The sample's oddities, each at the sample's rate per row."""
        rng, ctx = self.rng, self.ctx
        if rng.random() < _rate(len(oddities.DELEN_NEE)):
            action.values["delen"] = rng.choice(oddities.DELEN_NEE)
            self._count("niet_gedeeld")
        elif rng.random() < _rate(len(oddities.DEFECTS)):
            number, defect = rng.choice([(n, d) for n, d in enumerate(oddities.DEFECTS, start=1)
                                         if d.applies(action, ctx)])
            try:
                defect.apply(action, ctx, [*earlier, action])
                self._count(f"defect {number:02d}")
            except StopIteration:  # e.g. no earlier id of this library to repeat
                pass
        for correction in ctx.corrections:
            if rng.random() < _rate(1) and oddities.matches(action, correction["veld"],
                                                     correction["naar"]):
                veld, van, naar = correction["veld"], correction["van"], correction["naar"]
                if veld in action.tokens:
                    action.tokens[veld] = [actions.Token(None, van) if t.label == naar else t
                                           for t in action.tokens[veld]]
                else:
                    action.values[veld] = van
                self._count("correctie")
        kanalen = action.tokens["kanalen"]
        if (action.theme.key in oddities.PODCAST_THEMES and len(kanalen) < 4
                and rng.random() < _rate(oddities.PODCAST_ROWS) * 4):
            kanalen.append(actions.Token(None, oddities.EXTRA_VOCABULARY_VALUES["kanaal"][0]))
        for text in oddities.DELIBERATE_VARIANTS["kanaal"]:
            if rng.random() < _rate(1):
                label = ctx.label("kanaal", text)
                action.tokens["kanalen"] = [actions.Token(label, text) if t.label == label else t
                                            for t in action.tokens["kanalen"]]
        self._amounts(action)
        if rng.random() < _rate(len(data.INTERNAL_NOTES)):
            action.internal_note = rng.choice(data.INTERNAL_NOTES)

    def _amounts(self, action: actions.Action) -> None:
        rng = self.rng
        budget = action.values.get("budget_eur")
        if isinstance(budget, (int, float)) and not isinstance(budget, bool):
            for style, rows, suits in oddities.AMOUNT_STYLES:
                if suits(budget) and rng.random() < _rate(rows):
                    value = budget + 0.5 if style == "euro-cent" and float(budget).is_integer() \
                        else budget
                    action.values["budget_eur"] = actions.format_amount(value, style)
                    break
        if (isinstance(action.values.get("uren"), float)
                and rng.random() < _rate(oddities.HOURS_AS_TEXT)):
            action.values["uren"] = actions.dutch_number(action.values["uren"], 1)
        result, target = action.values.get("resultaat"), action.values.get("streefwaarde")
        if (not action.values.get("doel_behaald") and isinstance(result, int)
                and isinstance(target, int) and 0 < result < target and rng.random() < _rate(1)):
            action.values["doel_behaald"] = "ja"

    def _cells(self, action: actions.Action) -> list:
        cells = actions.render(action)
        return _trim([to_cell(cells.get(f.veld)) for f in self.fields] + [action.internal_note])


def _trim(cells: list) -> list:
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    return cells


# ------------------------------------------------------------------------------ the workbook

def head_rows(ctx: actions.Context) -> list[list]:
    """The sample's rows above the data: a title, a line of help, the header (+ an extra
    column the contract does not know)."""
    fields = ctx.fields["Acties"]
    required = ", ".join(f.kop for f in fields if f.niveau == "verplicht")
    return [[actions.ACTIES_TITLE],
            [f"Eén rij per actie; verplicht zijn {required}. Zie het tabblad Toelichting."],
            [f.kop for f in fields] + [actions.EXTRA_COLUMN]]


def generate_tabs(rows: int, seed: int = 1, workers: int | None = None) -> Tabs:
    """The workbook of ``rows`` actions. The Acties rows are made in chunks of CHUNK plans, each
    from its own random stream, so the result is the same with any number of ``workers``
    (default: all cores from 50,000 rows on); they are produced while they are read."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    rng = random.Random(f"kennisbank-bench:{seed}")
    ctx = actions.load_context()
    count = max(len(data.LIBRARIES), min(LIBRARIES_MAX, rows // ROWS_PER_LIBRARY))
    libraries = make_libraries(count, rng)
    contacts = make_contacts(libraries, rng)
    bibliotheken = library_rows(libraries, ctx, rng)
    world = World(seed, ctx, libraries, contacts, plan_actions(rows, libraries, rng))
    source = {"soort": "bench", "locatie": f"bench.generate rows={rows} seed={seed}",
              "titel": f"Kennisbank Marketing – synthetisch, {rows} acties (seed {seed})",
              "generator": GENERATOR_VERSION, "rijen": rows, "seed": seed}
    tabs = Tabs(source, iter(()), bibliotheken, vocabulary_rows(ctx))
    tabs.acties = _acties(world, head_rows(ctx), tabs.oddities, workers)
    return tabs


def _acties(world: World, head: list[list], oddities: dict[str, int],
            workers: int | None) -> Iterator[list]:
    global _WORLD
    chunks = range((len(world.plans) + CHUNK - 1) // CHUNK)
    if workers is None:
        workers = min(os.cpu_count() or 1, len(chunks)) if len(world.plans) >= 50_000 else 1
    yield from head
    if workers <= 1:
        _WORLD = world
        try:
            results = map(chunk_rows, chunks)
            yield from _collect(results, oddities)
        finally:
            _WORLD = None
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_init_worker, initargs=(world,)) as pool:
        yield from _collect(pool.imap(chunk_rows, chunks), oddities)


def _collect(results, oddities: dict[str, int]) -> Iterator[list]:
    for rows, counts in results:
        for kind, n in counts.items():
            oddities[kind] = oddities.get(kind, 0) + n
        yield from rows


def make_snapshot(rows: int, seed: int = 1, workers: int | None = None) -> Snapshot:
    """A snapshot of a synthetic workbook with ``rows`` actions, in memory."""
    tabs = generate_tabs(rows, seed, workers)
    return Snapshot(source=tabs.source, fetched_at=FETCHED_AT, tabs=[
        Tab("Acties", list(tabs.acties), 0), Tab("Bibliotheken", tabs.bibliotheken, 1),
        Tab("Keuzelijsten", tabs.keuzelijsten, 2)])


def _dumps(value: Any) -> str:
    # the serialisation of pipeline.sources.snapshot.hash_tabs, so the hash can be computed piecewise
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def write_snapshot_file(rows: int, seed: int, path: Path,
                        workers: int | None = None) -> dict[str, Any]:
    """Stream the snapshot to ``path`` (written aside, then renamed); memory stays flat at any
    size. Returns what was written: rows, seconds, bytes, the oddities per kind."""
    started = time.perf_counter()
    tabs = generate_tabs(rows, seed, workers)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    digest = hashlib.sha256()
    sheet_rows = 0
    with open(tmp, "w", encoding="utf-8") as fh:
        def both(text: str) -> None:
            fh.write(text)
            digest.update(text.encode("utf-8"))

        fh.write(f'{{"formaat":{FORMAT_VERSION},"bron":{_dumps(tabs.source)},'
                 f'"opgehaald":"{FETCHED_AT}","tabbladen":[{{"titel":"Acties","tab_id":0,'
                 f'"waarden":')
        digest.update(b'[["Acties",')
        both("[")
        for i, cells in enumerate(tabs.acties):
            both(("," if i else "") + _dumps(cells))
            sheet_rows += 1
        both("]")
        digest.update(b"],")
        fh.write('},{"titel":"Bibliotheken","tab_id":1,"waarden":')
        digest.update(b'["Bibliotheken",')
        both(_dumps(tabs.bibliotheken))
        digest.update(b"],")
        fh.write('},{"titel":"Keuzelijsten","tab_id":2,"waarden":')
        digest.update(b'["Keuzelijsten",')
        both(_dumps(tabs.keuzelijsten))
        digest.update(b"]]")
        fh.write(f'}}],"inhoud_hash":"{digest.hexdigest()}"}}')
    os.replace(tmp, path)
    return {"rijen": rows, "seed": seed, "sheetrijen": sheet_rows, "bestand": str(path),
            "bytes": path.stat().st_size, "seconden": round(time.perf_counter() - started, 2),
            "inhoud_hash": digest.hexdigest(), "eigenaardigheden": dict(
                sorted(tabs.oddities.items()))}


def snapshot_file(rows: int, seed: int, folder: Path) -> Path:
    """The snapshot file for (rows, seed), generated once and reused while the generator and
    the contract in schemas/ are unchanged."""
    name = f"acties-{rows}-seed{seed}-g{GENERATOR_VERSION}-{contract_hash()[:10]}.json"
    path = folder / name
    if not path.exists():
        write_snapshot_file(rows, seed, path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Schrijf een synthetische momentopname (fictief, reproduceerbaar) met het "
                    "aantal acties en de rommel van het ingebouwde voorbeeld.",
        epilog="Voorbeeld: python -m bench.generate --rows 100000 --seed 1 "
               "--out output/bench/acties-100000.json")
    parser.add_argument("--rows", type=int, required=True, help="aantal acties (rijen)")
    parser.add_argument("--seed", type=int, default=1, help="zaad voor het toeval (standaard 1)")
    parser.add_argument("--out", type=Path, required=True, help="doelbestand (.json)")
    args = parser.parse_args(argv)
    info = write_snapshot_file(args.rows, args.seed, args.out)
    print(json.dumps(info, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
