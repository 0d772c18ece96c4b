"""Work for a second core: a task run in a forked process while this process goes on.

A build is Python work, bound to one core by the GIL. Where a part of it needs nothing but
what is already in memory and gives back little (it writes its result to a file), a forked
process does it on another core: the search index's texts while the catalogue's tables are
written (pipeline/store/search_index.py), the findings' CSV files while the reports are
rendered (pipeline/reports/render.py). The forked process reads the parent's memory as it was
at the fork (copy on write); nothing is pickled on the way in. Only where the machine has more
than one core, fork exists (Linux, macOS) and the work is large enough; otherwise the task
runs here, when its result is asked.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable

_TASK: Callable[[], Any] | None = None  # the task a forked process runs (set for the fork)


def _run_task() -> Any:
    assert _TASK is not None
    return _TASK()


def can_fork() -> bool:
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


class Forked:
    """`task` started in a forked process when `parallel`, else run by result()."""

    def __init__(self, task: Callable[[], Any], parallel: bool):
        global _TASK
        self.task = task
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future | None = None
        if parallel and can_fork():
            _TASK = task
            try:  # the executor forks its process here, in submit
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
                self._future = self._pool.submit(_run_task)
            finally:
                _TASK = None

    @property
    def forked(self) -> bool:
        return self._future is not None

    def result(self) -> Any:
        """The task's result (its exception raised here)."""
        if self._future is None:
            return self.task()
        try:
            return self._future.result()
        finally:
            self.close()

    def close(self) -> None:
        """Wait for the forked process to end (a task already running is not interrupted)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
