"""Load: the public catalogue (kennisbank.db, built aside and swapped in with one rename) and the
coordinators' history (beheer.db, appended to, never rebuilt)."""

from __future__ import annotations

import json
import math
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import sqlite_utils

from pipeline.contract.config import (  # noqa: F401 - public_fields is used from here
    ACTIES,
    BIBLIOTHEKEN,
    public_fields,
    terms_version_of,
)
from pipeline.contract.process import (
    PUBLISHED,
    RAW_COLUMN,
    REJECTED,
    WAITING,
    WITHHELD,
    Outcome,
)
from pipeline.store import precomputed, search_index
from pipeline.store.search_index import SEARCH_TABLE, SEARCH_TEXT  # noqa: F401 - used from here
from pipeline.store.summaries import save_summaries

CATALOGUE = "kennisbank.db"
HISTORY = "beheer.db"

# Column order of `acties` as readers see it: title first, then who, when, what, results.
DERIVED_COLUMNS = {
    "provincie": str, "jaar": int, "kwartaal": str, "duur_dagen": int, "status": str,
    "budget_klasse": str, "kanaalgroepen": str, "totale_kosten": float,
    "kosten_per_nieuw_lid": float, "kosten_per_deelnemer": float, "realisatie_pct": float,
    "nieuwe_leden_per_1000_inwoners": float, "deelnemers_per_1000_inwoners": float,
    "compleetheid": int, "ontbreekt": str, "rij": int,
}
LEADING = ["actie_id", "titel", "bibliotheek", "provincie", "startdatum", "einddatum", "jaar",
           "kwartaal", "status"]
FACET_COLUMNS = ["bibliotheek", "provincie", "jaar", "kwartaal", "status", "doel_behaald",
                 "budget_klasse", "landelijke_campagne", "aanbod", "kpi", "meetmethode",
                 "startdatum"]
ARRAY_FACET_COLUMNS = ["doelen", "doelgroepen", "kanalen", "kanaalgroepen", "functies"]
SQL_TYPES = {"bedrag": float, "getal": float, "geheel": int, "breedtegraad": float,
             "lengtegraad": float}


def action_columns() -> dict[str, type]:
    columns = {f.veld: SQL_TYPES.get(f.type, str) for f in public_fields(ACTIES)}
    columns.update(DERIVED_COLUMNS)
    ordered = {c: columns[c] for c in LEADING}
    ordered.update({c: t for c, t in columns.items() if c not in ordered})
    return ordered


def to_sql_value(value: Any) -> Any:
    """Lists as JSON arrays of strings; NaN/NA as NULL; whole floats of int columns as int."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def column_values(values: list[Any], kind: type) -> list[Any]:
    """One column's values as records() gives them (to_sql_value; int columns whole). Text
    passes straight through; a list is encoded once per distinct list (columns repeat them)."""
    encoded: dict[tuple, str] = {}

    def convert(value: Any) -> Any:
        if type(value) is list:
            try:
                key = tuple(value)
                found = encoded.get(key)
                if found is None:
                    found = encoded[key] = to_sql_value(value)
                return found
            except TypeError:  # an unhashable item: encode without the cache
                return to_sql_value(value)
        value = to_sql_value(value)
        return int(value) if kind is int and isinstance(value, float) else value

    return [v if type(v) is str else convert(v) for v in values]


def series_values(series: pd.Series, kind: type) -> list[Any]:
    """column_values of a Series: float and int columns take a short cut (in a float column
    only NaN needs a look: it becomes NULL)."""
    if series.dtype == "float64":
        floats = series.tolist()
        if kind is int:
            return [None if v != v else int(v) for v in floats]
        return [None if v != v else v for v in floats]
    if series.dtype == "int64":
        return series.tolist()
    return column_values(series.tolist(), kind)


INSERT_ROWS = 20_000  # rows converted and inserted at a time


def insert_rows(db: sqlite_utils.Database, table: str, frame: pd.DataFrame,
                columns: dict[str, type]) -> None:
    """The rows of records(frame, columns), inserted into an existing table with one plain
    executemany: the same values as sqlite-utils' insert_all, several times faster (the
    benchmark in bench/ measures both). Table and column names are the contract's own."""
    names = list(columns)
    sql = "insert into {} ({}) values ({})".format(
        _quote(table), ", ".join(_quote(c) for c in names), ", ".join("?" for _ in names))
    for start in range(0, len(frame), INSERT_ROWS):  # a block at a time: memory stays flat
        block = frame.iloc[start:start + INSERT_ROWS]
        values = [series_values(block[c], kind) for c, kind in columns.items()]
        db.conn.executemany(sql, zip(*values))


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def records(frame: pd.DataFrame, columns: dict[str, type]) -> Iterable[dict[str, Any]]:
    for row in frame[list(columns)].itertuples(index=False, name=None):
        record = {}
        for (column, kind), value in zip(columns.items(), row):
            value = to_sql_value(value)
            if kind is int and isinstance(value, float):
                value = int(value)
            record[column] = value
        yield record


# ------------------------------------------------------------------------ kennisbank.db

def write_catalogue(outcome: Outcome, out_dir: Path) -> Path:
    """Build the catalogue in a temporary file next to the target, then swap it in atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / CATALOGUE
    tmp = out_dir / f".{CATALOGUE}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    published = shown_actions(outcome)
    tokens = search_index.Tokens(published, out_dir).start()  # meanwhile, in another process
    try:
        db = sqlite_utils.Database(tmp)
        # A file built aside: no rollback journal needed (a failed build is thrown away) and
        # it is fsynced once, before the rename.
        db.conn.execute("pragma journal_mode = off")
        db.conn.execute("pragma synchronous = off")
        save_libraries(db, outcome)
        save_vocabularies(db, outcome)
        save_actions(db, outcome, frame=published)
        save_summaries(db)
        ensure_catalogue_shape(db, tokens)
        precomputed.save(db.conn)
        db.conn.commit()
        # Written once, front to back, into a new file: nothing to compact (VACUUM cost a
        # second at 100,000 actions), unless a step left free pages behind.
        if db.conn.execute("pragma freelist_count").fetchone()[0]:
            db.conn.execute("VACUUM")
        db.conn.close()
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync_dir(out_dir)
    finally:
        tokens.close()
        tmp.unlink(missing_ok=True)
    return target


def save_libraries(db: sqlite_utils.Database, outcome: Outcome) -> None:
    columns = {f.veld: SQL_TYPES.get(f.type, str) for f in public_fields(BIBLIOTHEKEN)}
    counts = outcome.rows(PUBLISHED)["bibliotheek"].value_counts()
    frame = outcome.libraries.assign(aantal_acties=outcome.libraries["naam"].map(counts)
                                     .fillna(0).astype(int))
    columns["aantal_acties"] = int
    db["bibliotheken"].create(columns, pk="naam", not_null={"naam", "provincie"})
    db["bibliotheken"].insert_all(records(frame, columns))


def save_vocabularies(db: sqlite_utils.Database, outcome: Outcome) -> None:
    for name, vocab in outcome.vocabularies.items():
        table = db[f"keuzelijst_{name}"]
        table.create({"label": str, "omschrijving": str, "volgorde": int, "uit_werkblad": int},
                     pk="label", not_null={"label"})
        table.insert_all(
            {"label": label, "omschrijving": vocab.descriptions.get(label), "volgorde": i + 1,
             "uit_werkblad": int(label in vocab.added)}
            for i, label in enumerate(vocab.labels)
        )


def shown_actions(outcome: Outcome, outcomes: tuple[str, ...] = (PUBLISHED,)) -> pd.DataFrame:
    """The actions of the catalogue, in its order (newest first)."""
    shown = outcome.actions[outcome.actions["uitkomst"].isin(outcomes)]
    return shown.sort_values(["startdatum", "rij"], ascending=[False, True])


def save_actions(db: sqlite_utils.Database, outcome: Outcome,
                 outcomes: tuple[str, ...] = (PUBLISHED,), foreign_keys: bool = True,
                 frame: pd.DataFrame | None = None) -> None:
    """The `acties` table: the public actions (netwerk.db: also the network-only ones)."""
    columns = action_columns()
    required = {f.veld for f in public_fields(ACTIES) if f.required} | {"actie_id", "rij"}
    db["acties"].create(columns, pk="actie_id", not_null=required,
                        foreign_keys=[("bibliotheek", "bibliotheken", "naam")]
                        if foreign_keys else None)
    insert_rows(db, "acties", shown_actions(outcome, outcomes) if frame is None else frame,
                columns)


def ensure_catalogue_shape(db: sqlite_utils.Database,
                           tokens: search_index.Tokens | None = None) -> None:
    """The facet indexes and full-text search (from `tokens`, which may still be in the making,
    else from `acties`)."""
    for column in FACET_COLUMNS + ARRAY_FACET_COLUMNS:
        db["acties"].create_index([column], if_not_exists=True)
    db["acties"].create_index(["startdatum", "actie_id"], if_not_exists=True)
    search_index.save(db.conn, tokens)
    db.analyze()


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------------------ beheer.db

HISTORY_TABLES = {
    "runs": {"run_id": str, "bron": str, "bron_soort": str, "snapshot": str, "inhoud_hash": str,
             "contract_hash": str,
             "gestart": str, "beeindigd": str, "status": str, "foutmelding": str,
             "peildatum": str, "rijen_gelezen": int, "gepubliceerd": int, "onvolledig": int,
             "afgekeurd": int, "niet_gedeeld": int, "bibliotheken": int, "fouten": int,
             "waarschuwingen": int, "info": int, "alleen_netwerk": int,
             "wacht_op_akkoord": int, "bibliotheken_met_acties": int},
    "meldingen": {"run_id": str, "tabblad": str, "rij": int, "actie_id": str,
                  "bibliotheek": str, "veld": str, "kop": str, "ernst": str, "code": str,
                  "bericht": str, "hint": str, "waarde": str},
    "rijen": {"run_id": str, "tabblad": str, "rij": int, "actie_id": str, "bibliotheek": str,
              "titel": str, "uitkomst": str, "compleetheid": int, "ontbreekt": str},
    "afgekeurd": {"run_id": str, "tabblad": str, "rij": int, "actie_id": str,
                  "bibliotheek": str, "titel": str, "redenen": str, "waarden": str},
    "niet_gedeeld": {"run_id": str, "rij": int, "actie_id": str, "bibliotheek": str,
                     "titel": str, "waarden": str},
    # kept like niet_gedeeld: the actions of libraries that have not agreed to the terms yet
    "wacht_op_akkoord": {"run_id": str, "rij": int, "actie_id": str, "bibliotheek": str,
                         "titel": str, "waarden": str},
    "bibliotheken": {"naam": str, "provincie": str, "email": str, "website": str,
                     "akkoord_voorwaarden": str, "akkoord_door": str, "akkoord_versie": str},
}


def open_history(out_dir: Path) -> sqlite_utils.Database:
    """beheer.db with its tables in place (created once, kept across runs)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(out_dir / HISTORY)
    for name, columns in HISTORY_TABLES.items():
        if name == "runs":
            db[name].create(columns, pk="run_id", if_not_exists=True)
        elif name == "bibliotheken":
            db[name].create(columns, pk="naam", if_not_exists=True)
        else:
            db[name].create(columns, if_not_exists=True,
                            foreign_keys=[("run_id", "runs", "run_id")])
    for name in ("meldingen", "rijen", "afgekeurd", "niet_gedeeld", "wacht_op_akkoord"):
        db[name].create_index(["run_id"], if_not_exists=True)
    return db


UNCHANGED = "ongewijzigd"


def record_run(db: sqlite_utils.Database, run: dict[str, Any], outcome: Outcome | None) -> None:
    """One row in runs; with an outcome also its findings, row outcomes and kept rows. A run
    with the same content and counts as the latest completed run is recorded as 'ongewijzigd'
    without copying its findings again, so an unchanged sheet does not double the history."""
    with db.conn:
        if outcome is not None and same_as_latest_run(db, run):
            run = {**run, "status": UNCHANGED}
        db["runs"].insert(run, replace=True, alter=True)
        if outcome is None or run["status"] == UNCHANGED:
            return
        run_id = run["run_id"]
        actions = outcome.actions
        libraries_by_row = dict(zip(actions["rij"], actions["bibliotheek"]))
        findings = outcome.findings.assign(run_id=run_id)
        findings["bibliotheek"] = [
            libraries_by_row.get(r) if t == ACTIES else _library_of_row(outcome, r)
            for t, r in zip(findings["tabblad"], findings["rij"])
        ]
        insert_rows(db, "meldingen", findings, HISTORY_TABLES["meldingen"])
        insert_rows(db, "rijen", actions.assign(run_id=run_id, tabblad=ACTIES),
                    HISTORY_TABLES["rijen"])
        save_kept_rows(db, outcome, run_id)
        db["bibliotheken"].delete_where()
        today = outcome.today.isoformat()  # a date after the run date is no agreement (yet)
        libraries = outcome.libraries.assign(akkoord_versie=[
            terms_version_of(day) if isinstance(day, str) and day <= today else None
            for day in outcome.libraries["akkoord_voorwaarden"]])
        db["bibliotheken"].insert_all(records(libraries, HISTORY_TABLES["bibliotheken"]),
                                      alter=True)  # a history from before the agreement columns


def same_as_latest_run(db: sqlite_utils.Database, run: dict[str, Any]) -> bool:
    latest = next(db.query("select * from runs where status = 'voltooid' "
                           "order by gestart desc, rowid desc limit 1"), None)
    counted = [c for c, kind in HISTORY_TABLES["runs"].items() if kind is int]
    return latest is not None and latest["inhoud_hash"] == run.get("inhoud_hash") and all(
        latest.get(c) == run.get(c) for c in ["contract_hash", *counted])


def _library_of_row(outcome: Outcome, row: Any) -> str | None:
    match = outcome.raw_libraries.loc[outcome.raw_libraries["rij"] == row, "naam"]
    return str(match.iloc[0]) if len(match) and match.iloc[0] is not None else None


def save_kept_rows(db: sqlite_utils.Database, outcome: Outcome, run_id: str) -> None:
    """Rejected, withheld and waiting rows, complete: every raw value (also of unknown
    columns)."""
    raw = outcome.raw_actions.set_index("rij")[RAW_COLUMN]
    errors = outcome.findings[outcome.findings["ernst"] == "fout"]
    reasons = errors.groupby(["tabblad", "rij"])["bericht"].apply(lambda s: " | ".join(s))
    kept = []
    for row in outcome.rows(REJECTED).itertuples():
        kept.append({"run_id": run_id, "tabblad": ACTIES, "rij": row.rij,
                     "actie_id": row.actie_id, "bibliotheek": row.bibliotheek,
                     "titel": row.titel, "redenen": reasons.get((ACTIES, row.rij)),
                     "waarden": json.dumps(raw[row.rij], ensure_ascii=False, default=str)})
    raw_libs = outcome.raw_libraries.set_index("rij")
    for row, status in zip(outcome.raw_libraries["rij"], outcome.library_outcome):
        if status == REJECTED:
            kept.append({"run_id": run_id, "tabblad": BIBLIOTHEKEN, "rij": row,
                         "actie_id": None, "bibliotheek": _library_of_row(outcome, row),
                         "titel": None, "redenen": reasons.get((BIBLIOTHEKEN, row)),
                         "waarden": json.dumps(raw_libs.at[row, RAW_COLUMN], ensure_ascii=False,
                                               default=str)})
    db["afgekeurd"].insert_all(kept)
    for table, kept_outcome in (("niet_gedeeld", WITHHELD), ("wacht_op_akkoord", WAITING)):
        db[table].insert_all(
            {"run_id": run_id, "rij": row.rij, "actie_id": row.actie_id,
             "bibliotheek": row.bibliotheek, "titel": row.titel,
             "waarden": json.dumps(raw[row.rij], ensure_ascii=False, default=str)}
            for row in outcome.rows(kept_outcome).itertuples()
        )


def identical_run(out_dir: Path, content_hash: str, contract: str, peildatum: str) -> str | None:
    """The id of the last completed run, if it read the same values under the same contract and
    run date and its catalogue is still there; otherwise None."""
    history = out_dir / HISTORY
    if not history.exists() or not (out_dir / CATALOGUE).exists():
        return None
    try:
        with connect_readonly(history) as conn:
            row = conn.execute(
                "select run_id, inhoud_hash, contract_hash, peildatum from runs "
                "where status = 'voltooid' order by gestart desc, rowid desc limit 1").fetchone()
    except sqlite3.Error:  # an older or damaged history: just rebuild
        return None
    if row and tuple(row[1:]) == (content_hash, contract, peildatum):
        return row[0]
    return None


def connect_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
