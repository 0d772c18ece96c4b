"""One run at a time per output folder: an advisory lock that the OS releases when a run dies."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import KennisbankError

LOCK_NAME = ".kennisbank.lock"


class RunLocked(KennisbankError):
    """Another run holds the lock on this output folder."""


@contextmanager
def run_lock(out_dir: Path, wait: float = 0) -> Iterator[None]:
    """Hold the folder's lock for the duration of a run; refuse at once when it is taken, or
    after waiting up to ``wait`` seconds for it.

    flock is released by the kernel when the process ends, also after SIGKILL, so a killed run
    never leaves a stale lock behind. (Not re-entrant: do not take it twice in one process.)"""
    path = out_dir / LOCK_NAME
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise KennisbankError(f"De uitvoermap '{out_dir}' is niet te gebruiken: "
                              f"{exc.strerror or exc} ({exc.filename or path}). Er is niets "
                              f"gepubliceerd of gewijzigd.") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "onbekend"
                after = f"; na {wait:g} seconden wachten opgegeven" if wait else (
                    "; deze run is niet gestart")
                raise RunLocked(f"Er loopt al een run voor '{out_dir}' (proces {holder}){after}. "
                                f"Probeer het opnieuw als die klaar is.") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
