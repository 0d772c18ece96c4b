"""The benchmark's synthetic workbooks (tools/sample/synthetic.py): reproducible from the seed, the same
whether made in memory or streamed to a file, with the sample's shape and kinds of mess, and read
by the real pipeline. Small sizes only: the benchmark itself is `make bench`, not part of the
tests."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from pipeline.contract.config import load_fields
from pipeline.contract.process import process
from pipeline.sources.snapshot import read_snapshot
from tools.sample.synthetic import make_snapshot, snapshot_file, write_snapshot_file

ROWS = 400


@pytest.fixture(scope="module")
def snapshot():
    return make_snapshot(ROWS, seed=7)


def test_same_seed_same_snapshot_other_seed_other(snapshot):
    assert make_snapshot(ROWS, seed=7).content_hash == snapshot.content_hash
    assert make_snapshot(ROWS, seed=8).content_hash != snapshot.content_hash


def test_streamed_file_equals_the_snapshot_in_memory(snapshot, tmp_path):
    info = write_snapshot_file(ROWS, 7, tmp_path / "s.json")
    read = read_snapshot(tmp_path / "s.json")
    assert read.content_hash == snapshot.content_hash == info["inhoud_hash"]
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["inhoud_hash"] == \
        snapshot.content_hash
    assert snapshot_file(ROWS, 7, tmp_path) == snapshot_file(ROWS, 7, tmp_path)  # cached


def test_the_sample_shape(snapshot):
    acties = snapshot.tab("Acties").values
    headers = [f.kop for f in load_fields()["Acties"]]
    assert acties[2][:len(headers)] == headers and acties[2][-1] == "Interne notitie"
    assert len(acties[0]) == 1 and len(acties[1]) == 1  # title rows above the header
    data = [row for row in acties[3:] if row and any(c not in (None, " ", "\u00a0") for c in row)]
    assert len(data) >= ROWS  # plus the duplicated rows
    assert [t.title for t in snapshot.tabs] == ["Acties", "Bibliotheken", "Keuzelijsten"]


def test_every_row_ends_somewhere_with_the_sample_kinds_of_mess(snapshot):
    outcome = process(snapshot, date(2026, 11, 28))
    counts = outcome.counts
    assert counts["gepubliceerd"] + counts["alleen_netwerk"] + counts["afgekeurd"] + \
        counts["niet_gedeeld"] + counts["wacht_op_akkoord"] == counts["rijen_gelezen"]
    assert counts["gepubliceerd"] > 0.8 * counts["rijen_gelezen"]
    assert counts["afgekeurd"] > 0 and counts["niet_gedeeld"] > 0 and counts["alleen_netwerk"] > 0
    assert counts["wacht_op_akkoord"] == 0  # every synthetic library agreed: benchmarks publish
    codes = Counter(outcome.findings["code"])
    for code in ("kolom_onbekend", "aanbevolen_leeg", "niet_gedeeld", "keuze_onbekend"):
        assert codes[code] > 0, code
    assert len(codes) >= 10  # many kinds of finding, as in the sample
