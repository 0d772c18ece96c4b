"""The network members' catalogue (optional): DIR/netwerk.db, for a second Datasette instance
behind a login (see deploy/README.md). It holds every shared action of the libraries that agreed
to the terms (`acties`: the public ones and those shared with the network only, in the public
table's shape) and their contact details (`contacten`). The public kennisbank.db never holds
them; netwerk.db is only written when asked for (`kennisbank build --netwerk`,
`kennisbank run --netwerk`)."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline.contract.process import SHARED, Outcome, process
from pipeline.store.load import HISTORY, ensure_catalogue_shape, records, save_actions
from pipeline.store.lock import run_lock

NETWERK = "netwerk.db"
CONTACT_TABLE = "contacten"
CONTACT_COLUMNS = {"actie_id": str, "titel": str, "bibliotheek": str, "contactpersoon": str,
                   "contact_email": str}
PERSONAL = ("contactpersoon", "contact_email")


def contact_frame(outcome: Outcome):
    """Shared actions (public or network only) that name a contact person or address."""
    published = outcome.actions[outcome.actions["uitkomst"].isin(SHARED)]
    has_contact = published[list(PERSONAL)].notna().any(axis=1)
    return published[has_contact].sort_values(["bibliotheek", "titel", "actie_id"])


def write_network_catalogue(outcome: Outcome, out_dir: Path, run_id: str) -> Path:
    """Build netwerk.db aside and swap it in with one rename, like kennisbank.db."""
    target = out_dir / NETWERK
    tmp = out_dir / f".{NETWERK}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        db = sqlite_utils.Database(tmp)
        db[CONTACT_TABLE].create(CONTACT_COLUMNS, pk="actie_id", not_null={"actie_id", "titel"})
        db[CONTACT_TABLE].insert_all(records(contact_frame(outcome), CONTACT_COLUMNS))
        db[CONTACT_TABLE].create_index(["bibliotheek"])
        save_actions(db, outcome, SHARED, foreign_keys=False)
        ensure_catalogue_shape(db)
        db["bouw"].insert({"run_id": run_id, "peildatum": outcome.today.isoformat()})
        db.conn.commit()
        db.conn.execute("VACUUM")
        db.conn.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def latest_run(out_dir: Path) -> str | None:
    path = out_dir / HISTORY
    if not path.exists():
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("select run_id from runs where status in ('voltooid', 'ongewijzigd') "
                           "order by gestart desc, rowid desc limit 1").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def update_network_catalogue(out_dir: Path, result: Any, today: date) -> Path | None:
    """After a build (a pipeline.app.RunResult): write netwerk.db from its outcome. For an
    unchanged sheet netwerk.db is kept, or made from the snapshot when it is missing. Returns
    None when nothing was written (unchanged, or a newer run finished meanwhile)."""
    target = out_dir / NETWERK
    outcome = result.outcome
    if outcome is None:
        if target.exists() or result.snapshot is None:
            return None
        outcome = process(result.snapshot, today)
    with run_lock(out_dir):
        latest = latest_run(out_dir)
        if latest is not None and latest != result.run_id:
            return None  # a newer run finished in between; it owns the catalogue now
        return write_network_catalogue(outcome, out_dir, result.run_id)
