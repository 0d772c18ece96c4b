"""Progress of a build on a terminal: each stage on its own line with a bar and the time it took
(rich's Progress). Off a terminal (a log file, cron, systemd, CI) nothing is shown: the command
prints its summary lines as before. KENNISBANK_NO_PROGRESS=1 switches the bars off too.

The pipeline reports its stages through a callable (`Stage`): ``with stage("controleren"):``
around each step; without a terminal that is `no_progress`, which does nothing."""

from __future__ import annotations

import os
from contextlib import contextmanager, nullcontext
from typing import Callable, ContextManager, Iterator

STAGES = {
    "lezen": "Bron lezen",
    "controleren": "Rijen controleren",
    "laden": "Kennisbank laden",
    "rapporten": "Rapporten maken",
    "e-mail": "E-mail versturen",
    "terugschrijven": "Controlekolom bijwerken",
    "netwerk": "Netwerkexemplaar bijwerken",
}

Stage = Callable[[str], ContextManager[None]]


@contextmanager
def no_progress(name: str) -> Iterator[None]:
    yield


def seconds(task) -> str:
    """The time a stage took (so far), as "2,4 s"."""
    from pipeline import nl

    return f"{nl.number(task.elapsed or 0.0, 1)} s"


class TerminalProgress:
    """One line per stage: a spinner (a tick when done), the stage, a bar and the time."""

    def __init__(self, console) -> None:
        from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn
        from rich.text import Text

        class Seconds(ProgressColumn):
            def render(self, task) -> Text:
                return Text(seconds(task).rjust(8))

        self.progress = Progress(SpinnerColumn(finished_text="[green]✓"),
                                 TextColumn("{task.description:<28}"), BarColumn(), Seconds(),
                                 console=console, transient=False)

    def __enter__(self) -> "TerminalProgress":
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        task = self.progress.add_task(STAGES.get(name, name), total=None)  # a pulsing bar
        try:
            yield
        finally:
            self.progress.stop_task(task)
        self.progress.update(task, total=1, completed=1)


def terminal_progress() -> ContextManager[Stage]:
    """TerminalProgress when standard error is a terminal, else no_progress."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal or os.environ.get("KENNISBANK_NO_PROGRESS"):
        return nullcontext(no_progress)
    return TerminalProgress(console)
