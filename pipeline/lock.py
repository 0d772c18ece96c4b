"""One run at a time per output folder: an advisory lock that the OS releases when a run dies."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import KennisbankError

LOCK_NAME = ".kennisbank.lock"


class RunLocked(KennisbankError):
    """Another run holds the lock on this output folder."""


@contextmanager
def run_lock(out_dir: Path) -> Iterator[None]:
    """Hold the folder's lock for the duration of a run; refuse at once when it is taken.

    flock is released by the kernel when the process ends, also after SIGKILL, so a killed run
    never leaves a stale lock behind."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "onbekend"
            raise RunLocked(f"Er loopt al een run voor '{out_dir}' (proces {holder}); deze run "
                            f"is niet gestart. Probeer het opnieuw als die klaar is.") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
