"""The output folder: what a killed run left behind, and what a full disk or a folder without
write permission means for the published catalogue, in Dutch."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from pipeline.errors import KennisbankError
from pipeline.store.load import CATALOGUE


class StorageError(KennisbankError):
    """The output folder cannot be written (disk full, no permission) or read."""


def identity(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def storage_error(exc: OSError | sqlite3.Error, out_dir: Path, unchanged: bool) -> StorageError:
    if isinstance(exc, OSError):
        code, detail = exc.errno, f"{exc.strerror or exc}: {exc.filename or out_dir}"
        full, denied = code in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT), code in (
            errno.EACCES, errno.EPERM, errno.EROFS)
    else:
        code, detail = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF, str(exc)
        full, denied = code == sqlite3.SQLITE_FULL, code in (sqlite3.SQLITE_READONLY,
                                                             sqlite3.SQLITE_CANTOPEN)
    name = getattr(exc, "filename", None)
    if name and not Path(name).resolve().is_relative_to(out_dir.resolve()):
        problem = f"Geen toegang tot '{name}'" if denied else f"Lezen van '{name}' is mislukt"
    elif full:
        problem = f"De schijf is vol: in '{out_dir}' kon niet worden geschreven"
    elif denied:
        problem = f"Geen schrijfrechten in '{out_dir}'"
    else:
        problem = f"Lezen of schrijven in '{out_dir}' is mislukt"
    state = ("De gepubliceerde kennisbank is niet gewijzigd." if unchanged else
             "De nieuwe kennisbank is gepubliceerd, maar de geschiedenis in beheer.db is "
             "misschien niet bijgewerkt.")
    return StorageError(f"{problem} ({detail}). {state}")


def remove_leftovers(out_dir: Path) -> None:
    """Temporary files of runs that were killed (SIGKILL, power cut): under the lock no other
    run is writing, so whatever temporary file is there is a leftover."""
    patterns = [f".{CATALOGUE}.*.tmp*", ".rapporten.*.tmp", ".rapporten.*.old", ".zoektekst.*.tmp",
                "raw/*.json.tmp"]
    for pattern in patterns:
        for path in out_dir.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
