"""One run at a time per output folder: an advisory lock that the OS releases when a run dies."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.errors import KennisbankError

LOCK_NAME = ".kennisbank.lock"
HOLDER_PATIENCE = 5.0  # seconds a refused run waits for the holder to write its process id


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
        deadline, patience = time.monotonic() + wait, None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                now, holder = time.monotonic(), holder_pid(fd)
                if now < deadline:
                    time.sleep(0.05)
                    continue
                if holder is None:
                    # The holder has just taken the lock and not yet written its process id, or
                    # is just releasing it: look again shortly (and take the lock if it is free).
                    patience = patience or now + HOLDER_PATIENCE
                    if now < patience:
                        time.sleep(0.01)
                        continue
                after = f"; na {wait:g} seconden wachten opgegeven" if wait else (
                    "; deze run is niet gestart")
                raise RunLocked(f"Er loopt al een run voor '{out_dir}' (proces "
                                f"{holder or 'onbekend'}){after}. Probeer het opnieuw als die "
                                f"klaar is.") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # still under the lock: no later reader sees our process id
    finally:
        os.close(fd)


def holder_pid(fd: int) -> str | None:
    """The process id written by the run holding the lock, when it names a live process. The
    holder writes it right after taking the lock and clears it before releasing; a pid left by
    a killed holder names no live process."""
    text = os.pread(fd, 64, 0).decode(errors="replace").strip()
    return text if text.isdigit() and _alive(int(text)) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True
