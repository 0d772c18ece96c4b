"""CSV downloads of the catalogue: no cell becomes a spreadsheet formula
(pipeline/csv_guard.py holds the one rule, shared with the reports' CSV files)."""

from __future__ import annotations

from datasette import hookimpl

from pipeline.csv_guard import csv_guard


@hookimpl
def asgi_wrapper(datasette):
    return csv_guard
