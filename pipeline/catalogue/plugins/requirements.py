"""Refuse to start on a Datasette older than the one the catalogue is tested with."""

from __future__ import annotations

import datasette as datasette_package
from datasette import hookimpl

MINIMUM_DATASETTE = (0, 65, 5)


@hookimpl
def startup(datasette):
    version = tuple(int(p) for p in datasette_package.__version__.split(".")[:3] if p.isdigit())
    if version < MINIMUM_DATASETTE:
        raise RuntimeError(f"Kennisbank Marketing heeft Datasette 0.65.5 of nieuwer nodig, "
                           f"niet {datasette_package.__version__}")
