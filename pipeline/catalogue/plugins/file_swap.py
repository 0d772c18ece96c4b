"""A rebuilt kennisbank.db is swapped in safely while readers keep reading
(pipeline/catalogue/swap.py), and the facet counts of the whole catalogue are computed before the
first reader asks (pipeline/catalogue/facets.py; they need the pinned file, hence one hook)."""

from __future__ import annotations

from datasette import hookimpl

from pipeline.catalogue import facets, swap


@hookimpl
def startup(datasette):
    async def pin_and_warm():
        await swap.pin(datasette)
        await facets.warm(datasette)

    return pin_and_warm


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: swap.guard(datasette, app)
