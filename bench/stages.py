"""`kennisbank build` with a stopwatch and a memory gauge per stage (used by bench/run.py).

    python -m bench.stages RESULT.json -- build --source SNAPSHOT.json --out DIR --force

Runs the real command line (pipeline.cli) in this process and wraps the stage functions it
calls, without changing them: read (source and snapshot copy), normalise (and derive),
validate (pandera), load (catalogue and history), FTS and indexes, reports. Stages may nest
(validate runs inside normalise); a stage's own time excludes the stages inside it. Peak memory
per stage is the process's high-water mark (VmHWM) while the stage ran, reset at every stage
boundary through /proc/self/clear_refs (Linux); where that is not allowed, only the total peak
(ru_maxrss) is reported.
"""

from __future__ import annotations

import functools
import json
import re
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable

STAGES = ("lezen", "normaliseren", "controleren", "laden", "fts_indexen", "geschiedenis",
          "rapporten")


def _hwm_kib() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            found = re.search(r"VmHWM:\s+(\d+)", fh.read())
        return int(found.group(1)) if found else None
    except OSError:
        return None


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class Gauge:
    """Own wall time and peak memory per stage, over nested stages."""

    def __init__(self) -> None:
        self.seconds = {s: 0.0 for s in STAGES}
        self.peak_kib = {s: 0 for s in STAGES}
        self.stack: list[str] = []
        self.mark = time.perf_counter()
        self.total_peak_kib = _hwm_kib() or 0  # resetting VmHWM resets ru_maxrss too: keep the max
        self.can_reset = _reset_hwm()

    def _boundary(self) -> None:
        now = time.perf_counter()
        if self.stack:
            self.seconds[self.stack[-1]] += now - self.mark
        self.mark = now
        if self.can_reset:
            hwm = _hwm_kib() or 0
            self.total_peak_kib = max(self.total_peak_kib, hwm)
            for stage in self.stack:
                self.peak_kib[stage] = max(self.peak_kib[stage], hwm)
            _reset_hwm()

    def wrap(self, stage: str, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._boundary()
            self.stack.append(stage)
            try:
                return fn(*args, **kwargs)
            finally:
                self._boundary()
                self.stack.pop()
        return timed


def instrument(gauge: Gauge) -> None:
    """Wrap the functions of each stage where the pipeline looks them up (module attributes)."""
    import pipeline.app as build
    import pipeline.contract.normalise as normalise
    import pipeline.contract.process as process
    import pipeline.contract.validate as validate
    import pipeline.sources.fetch as fetch
    import pipeline.store.load as load

    def patch(module: Any, name: str, stage: str) -> None:
        setattr(module, name, gauge.wrap(stage, getattr(module, name)))

    patch(fetch, "read_source", "lezen")
    patch(build, "write_snapshot", "lezen")
    patch(build, "process", "normaliseren")          # normalise, derive and decide
    patch(validate, "check_raw", "controleren")
    patch(validate, "validate_clean", "controleren")
    process.ACTIES_DERIVED = _TimedSchema(process.ACTIES_DERIVED, gauge)
    patch(load, "write_catalogue", "laden")
    patch(load, "ensure_catalogue_shape", "fts_indexen")
    patch(load, "record_run", "geschiedenis")
    patch(build, "write_reports_and_mail", "rapporten")
    del normalise


class _TimedSchema:
    """The derived-columns schema, its validate() counted as validation."""

    def __init__(self, schema: Any, gauge: Gauge):
        self._schema = schema
        self.validate = gauge.wrap("controleren", schema.validate)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._schema, name)


def main(argv: list[str]) -> int:
    result_path, args = Path(argv[0]), argv[argv.index("--") + 1:]
    started = time.perf_counter()
    gauge = Gauge()
    instrument(gauge)
    from pipeline.cli import main as cli_main

    code = 0
    try:
        cli_main(args=args, prog_name="kennisbank", standalone_mode=False)
    except SystemExit as exc:
        code = int(exc.code or 0)
    total = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    gauge._boundary()
    peak_kib = max(gauge.total_peak_kib, usage.ru_maxrss)
    result = {
        "exit": code,
        "seconden_in_proces": round(total, 3),
        "stadia": {s: {"seconden": round(gauge.seconds[s], 3),
                       "piek_mib": round(gauge.peak_kib[s] / 1024, 1) if gauge.can_reset
                       else None} for s in STAGES},
        "overig_seconden": round(total - sum(gauge.seconds.values()), 3),
        "piek_mib": round(peak_kib / 1024, 1),
        "cpu_seconden": round(usage.ru_utime + usage.ru_stime, 2),
        # the forked process that makes the search index at large sizes (search_index.Tokens)
        "piek_kindproces_mib": round(children.ru_maxrss / 1024, 1),
        "cpu_kindproces_seconden": round(children.ru_utime + children.ru_stime, 2),
    }
    result_path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
