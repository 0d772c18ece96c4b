"""Progress of a build on a terminal: each stage on its own line with a bar (click's
progressbar) and the time it took. Off a terminal (a log file, cron, systemd, CI) nothing is
shown: the command prints its summary lines as before. KENNISBANK_NO_PROGRESS=1 switches the
bars off too.

The pipeline reports its stages through a callable (`Stage`): ``with stage("controleren"):``
around each step; without a terminal that is `no_progress`, which does nothing.

(Not rich: with rich installed, Datasette 0.65 prints every error with its local variables,
which can hold a reader's request.)"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager, nullcontext
from typing import Callable, ContextManager, Iterator

import click

from pipeline import nl

STAGES = {
    "lezen": "Bron lezen",
    "controleren": "Rijen controleren",
    "laden": "Kennisbank laden",
    "rapporten": "Rapporten maken",
    "e-mail": "E-mail versturen",
    "terugschrijven": "Controlekolom bijwerken",
    "netwerk": "Netwerkexemplaar bijwerken",
}
LABEL_WIDTH = max(len(label) for label in STAGES.values())

Stage = Callable[[str], ContextManager[None]]


@contextmanager
def no_progress(name: str) -> Iterator[None]:
    yield


@contextmanager
def terminal_stage(name: str) -> Iterator[None]:
    """One line for the stage: its name, a bar that fills when it is done, and the seconds."""
    started = time.perf_counter()
    with click.progressbar(length=1, label=STAGES.get(name, name).ljust(LABEL_WIDTH),
                           file=sys.stderr, show_eta=False, show_percent=False,
                           item_show_func=lambda text: text, width=30) as bar:
        yield
        bar.update(1, f"{nl.number(time.perf_counter() - started, 1)} s")


def terminal_progress() -> ContextManager[Stage]:
    """terminal_stage when standard error is a terminal, else no_progress."""
    if not sys.stderr.isatty() or os.environ.get("KENNISBANK_NO_PROGRESS"):
        return nullcontext(no_progress)
    return nullcontext(terminal_stage)
