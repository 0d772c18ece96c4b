"""Under load (issue 7): 32 readers over HTTP on `kennisbank serve` while a real `kennisbank build`
swaps the served kennisbank.db, and then a copy of the first file is renamed back in. Every
answer (the table with its count and facets, a filtered table, action cards) must be exactly
that of the old or of the new catalogue, computed from the files with sqlite3 (bench/swap.py);
none may fail, and every request sent after a swap is complete sees the new file
(pipeline/catalogue/swap.py). The long version, 30 s on 100,000 actions, is `python -m bench.swap`.

Also: `kennisbank serve` stopped with SIGTERM removes its temporary metadata folder."""

from __future__ import annotations

import os
import signal
import time

import pytest

from bench import swap
from pipeline.app import build
from tools.sample.synthetic import write_snapshot_file
from site_fixture import build_site_catalogue

from conftest import TODAY, start_serve

ROWS = 1000          # per catalogue: a build takes a few seconds
READERS = 32
SECONDS = 10         # of reading in all, at least 2 s after the build (bounded: see swap.run)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("momentopnamen")
    found = []
    for seed in (1, 2):  # two catalogues with different actions, counts and facets
        path = folder / f"acties-{seed}.json"
        write_snapshot_file(ROWS, seed, path)
        found.append(path)
    return found


@pytest.mark.parametrize("workers", [1, 2])  # kennisbank serve, and serve --workers 2
def test_readers_see_one_whole_catalogue_while_a_build_swaps_it(tmp_path, snapshots, workers):
    snapshot_a, snapshot_b = snapshots
    served = tmp_path / "uitvoer"
    build(str(snapshot_a), served, TODAY, force=True)  # catalogue A, by the real pipeline

    started = time.perf_counter()
    result = swap.run(served, snapshot_b, SECONDS, READERS, before_s=1.0, after_s=2.0,
                      build_timeout_s=120, say=lambda *_: None, workers=workers)
    assert time.perf_counter() - started < 180

    assert result["a_en_b_verschillen"] is True  # every page tells A from B
    assert result["fouten"] == 0, result["soorten_fouten"]
    assert result["gemengd"] == 0   # no answer mixes the two files
    assert result["verouderd"] == 0  # after each swap, new requests see the new file
    assert result["wissels"] == 2
    assert result["versies"]["A"] > 0 and result["versies"]["B"] > 0
    assert result["verzoeken"] == result["versies"]["A"] + result["versies"]["B"]


def test_serve_removes_its_temporary_folder_on_sigterm(tmp_path):
    db = build_site_catalogue(tmp_path / "site")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc, _ = start_serve(db, env={**os.environ, "TMPDIR": str(tmp)})
    try:
        folders = [p.name for p in tmp.iterdir()]
        assert len(folders) == 1 and folders[0].startswith("kennisbank-")
        assert [p.name for p in (tmp / folders[0]).iterdir()] == ["metadata.json"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert list(tmp.iterdir()) == []
