"""Quiet nights: who was mailed about what, kept in DIR/beheer.db (table ``mails``), so that the
nightly run (``kennisbank run --mail``, ``build --mail``) mails a library when something changed
for it (a new finding, a fixed one) and otherwise at most once every KENNISBANK_MAIL_REPEAT_DAYS
days (7) about the same open items. The coordinators' mail follows the same rule, over all
findings and the run's counts. ``--mail-all`` and ``kennisbank report --mail`` always send; every
sent message is recorded (a dry run records nothing).

What counts as "the same open items" is a fingerprint of the latest completed run's errors,
warnings and reminders (an action waiting for its results) of the recipient: tab, action id (or row), column, code and value; so a row that moves
because another library inserted one above it is no change."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping

import sqlite_utils

from pipeline import nl
from pipeline.errors import KennisbankError
from pipeline.reports.context import REMINDER
from pipeline.reports.render import COORDINATOR
from pipeline.store.history import COMPLETED, OPEN_SEVERITIES
from pipeline.store.load import HISTORY, connect_readonly

REPEAT_ENV = "KENNISBANK_MAIL_REPEAT_DAYS"
DEFAULT_REPEAT_DAYS = 7
TABLE = "mails"
COUNTS = ("rijen_gelezen", "gepubliceerd", "onvolledig", "afgekeurd", "niet_gedeeld",
          "alleen_netwerk", "wacht_op_akkoord", "bibliotheken", "bibliotheken_met_acties")


@dataclass(frozen=True)
class Sent:
    day: str            # ISO date of the run that sent it
    fingerprint: str


def repeat_days(env: Mapping[str, str]) -> int:
    text = (env.get(REPEAT_ENV) or "").strip()
    if not text:
        return DEFAULT_REPEAT_DAYS
    if not text.isdigit():
        raise KennisbankError(f"{REPEAT_ENV} is '{text}'; gebruik een aantal dagen, "
                              f"bijvoorbeeld {DEFAULT_REPEAT_DAYS}.")
    return int(text)


def _digest(items: Iterable[Any]) -> str:
    text = json.dumps(sorted(items, key=json.dumps), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprints(history_path: Path) -> tuple[str | None, dict[str, str]]:
    """The latest run's date and, per recipient (a library's name; COORDINATOR for the
    coordinators), the fingerprint of its open items in the latest completed run."""
    conn = connect_readonly(history_path)
    conn.row_factory = sqlite3.Row
    try:
        latest = conn.execute("select peildatum from runs order by gestart desc, rowid desc "
                              "limit 1").fetchone()
        run = conn.execute("select * from runs where status = ? order by gestart desc, "
                           "rowid desc limit 1", (COMPLETED,)).fetchone()
        if run is None:
            return (latest["peildatum"] if latest else None), {}
        findings = conn.execute(
            f"select tabblad, rij, actie_id, bibliotheek, veld, code, waarde from meldingen "
            f"where run_id = ? and (ernst in ({','.join('?' * len(OPEN_SEVERITIES))}) "
            f"or code = ?)", (run["run_id"], *OPEN_SEVERITIES, REMINDER)).fetchall()
    finally:
        conn.close()
    per_library: dict[str, list] = {}
    everything = [[c, run[c]] for c in COUNTS if c in run.keys()]
    for f in findings:
        item = [f["tabblad"], f["actie_id"] or f["rij"], f["veld"], f["code"], f["waarde"]]
        everything.append([f["bibliotheek"], *item])
        if f["bibliotheek"]:
            per_library.setdefault(f["bibliotheek"], []).append(item)
    result = {name: _digest(items) for name, items in per_library.items()}
    result[COORDINATOR] = _digest(everything)
    return latest["peildatum"], result


def read_sent(history_path: Path) -> dict[str, Sent]:
    conn = connect_readonly(history_path)
    try:
        return {r[0]: Sent(r[1], r[2]) for r in conn.execute(
            f"select ontvanger, verstuurd, vingerafdruk from {TABLE}")}
    except sqlite3.OperationalError:  # no mail sent yet (no table)
        return {}
    finally:
        conn.close()


@dataclass(frozen=True)
class MailLog:
    history_path: Path
    today: str | None
    current: dict[str, str]
    sent: dict[str, Sent]

    @classmethod
    def read(cls, out_dir: Path) -> "MailLog":
        path = out_dir / HISTORY
        today, current = fingerprints(path)
        return cls(path, today, current, read_sent(path))

    def quiet(self, days: int) -> dict[str, str]:
        """Recipients to leave alone today, each with the reason (Dutch): mailed about exactly
        these open items less than `days` days ago."""
        quiet = {}
        for name, fingerprint in self.current.items():
            last = self.sent.get(name)
            if last is None or last.fingerprint != fingerprint or self.today is None:
                continue
            waited = (date.fromisoformat(self.today) - date.fromisoformat(last.day)).days
            if waited < days:
                quiet[name] = (f"niets nieuw sinds de e-mail van {nl.long_date(last.day)} "
                               f"(opnieuw na {days} dagen)")
        return quiet

    def record(self, names: Iterable[str]) -> None:
        """Remember that these recipients were mailed today about their current items."""
        rows = [{"ontvanger": name, "verstuurd": self.today,
                 "vingerafdruk": self.current.get(name, _digest([]))} for name in names]
        if not rows or self.today is None:
            return
        db = sqlite_utils.Database(self.history_path)
        try:
            with db.conn:
                db[TABLE].upsert_all(rows, pk="ontvanger")
        finally:
            db.conn.close()
