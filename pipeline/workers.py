"""`kennisbank serve --workers N`: the same Datasette in N processes on one port.

Datasette answers a page in one Python process, so one server uses one core however many the
machine has. The catalogue is an immutable file, so processes share nothing but that file:
uvicorn (the server Datasette itself runs on) starts N of them behind one socket and restarts
one that dies. Each process is `pipeline.serve.make_datasette`, the same app as in the tests, with
its plugins' startup (the facet counts, pipeline/facets.py) done before it takes a request.
"""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "KENNISBANK_SERVE_DB"  # how the parent tells each worker process which file to serve


def app():
    """uvicorn's app factory, called once in every worker process."""
    from .serve import make_datasette

    datasette = make_datasette(Path(os.environ[DB_ENV]))
    inner = datasette.app()

    async def asgi(scope, receive, send):
        if scope["type"] == "lifespan":  # before the worker accepts its first request
            await datasette.invoke_startup()
        await inner(scope, receive, send)

    return asgi


def serve(db_path: Path, port: int, workers: int, host: str = "127.0.0.1") -> None:
    import uvicorn

    os.environ[DB_ENV] = str(Path(db_path).resolve())
    uvicorn.run("pipeline.workers:app", factory=True, host=host, port=port, workers=workers,
                lifespan="on", log_level="info")
