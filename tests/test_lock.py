"""One run at a time per output folder (pipeline/store/lock.py): a refused run names the process
that holds the lock, also in the instant between the holder taking the lock and writing its id."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading

import pytest

from pipeline.store import lock
from pipeline.store.lock import LOCK_NAME, RunLocked, run_lock


def hold_without_pid(folder):
    """A holder in the instant after flock and before it wrote its process id."""
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def later(seconds, action):
    timer = threading.Timer(seconds, action)
    timer.start()
    return timer


def test_a_run_refused_before_the_holder_wrote_its_id_still_names_it(tmp_path):
    fd = hold_without_pid(tmp_path)
    timer = later(0.3, lambda: os.pwrite(fd, b"%d" % os.getpid(), 0))
    try:
        with pytest.raises(RunLocked) as refused:
            with run_lock(tmp_path):
                pass
    finally:
        timer.join()
        os.close(fd)
    assert str(refused.value) == (
        f"Er loopt al een run voor '{tmp_path}' (proces {os.getpid()}); deze run is niet "
        f"gestart. Probeer het opnieuw als die klaar is.")


def test_the_id_of_a_killed_holder_is_never_reported(tmp_path, monkeypatch):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / LOCK_NAME).write_text(str(dead.pid))  # left by a run killed with SIGKILL
    fd = hold_without_pid(tmp_path)
    monkeypatch.setattr(lock, "HOLDER_PATIENCE", 0.2)
    try:
        with pytest.raises(RunLocked) as refused:
            with run_lock(tmp_path):
                pass
    finally:
        os.close(fd)
    assert "(proces onbekend); deze run is niet gestart" in str(refused.value)


def test_a_lock_released_while_looking_for_its_holder_is_taken(tmp_path):
    fd = hold_without_pid(tmp_path)
    timer = later(0.3, lambda: os.close(fd))
    try:
        with run_lock(tmp_path):
            assert (tmp_path / LOCK_NAME).read_text() == str(os.getpid())
    finally:
        timer.join()
    assert (tmp_path / LOCK_NAME).read_text() == ""  # cleared before it was released
