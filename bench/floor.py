"""The floor of a build: the same raw strings into SQLite with nothing else (bench/run.py).

    python -m bench.floor executemany SNAPSHOT.json TARGET.db
    python -m bench.floor csv SNAPSHOT.json TARGET.csv

`executemany` reads the snapshot (json), creates one table with a text column per header cell
of the Acties tab and inserts every row below the header with plain sqlite3 executemany in one
transaction: the least any build from a snapshot has to do. `csv` writes the same rows as a
CSV file for `sqlite-utils insert DB acties FILE --csv` (timed by bench/run.py).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from pathlib import Path

HEADER_ROW = 2  # the generator's header is the third row, below a title and a line of help


def acties_rows(snapshot: Path) -> tuple[list[str], list[list]]:
    with open(snapshot, encoding="utf-8") as fh:
        data = json.load(fh)
    values = next(t["waarden"] for t in data["tabbladen"] if t["titel"] == "Acties")
    header = [str(h) for h in values[HEADER_ROW]]
    width = len(header)
    rows = [(row + [None] * (width - len(row)))[:width] for row in values[HEADER_ROW + 1:] if row]
    return header, rows


def columns(header: list[str]) -> list[str]:
    return [f"c{i}" for i in range(len(header))]


def executemany(snapshot: Path, target: Path) -> None:
    header, rows = acties_rows(snapshot)
    names = columns(header)
    target.unlink(missing_ok=True)
    conn = sqlite3.connect(target)
    conn.execute(f"create table acties ({', '.join(n + ' text' for n in names)})")
    with conn:
        conn.executemany(f"insert into acties values ({', '.join('?' for _ in names)})", rows)
    conn.close()


def write_csv(snapshot: Path, target: Path) -> None:
    header, rows = acties_rows(snapshot)
    with open(target, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns(header))
        writer.writerows(rows)


if __name__ == "__main__":
    kind, source, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    {"executemany": executemany, "csv": write_csv}[kind](source, target)
