"""`kennisbank serve --workers N`: the same Datasette in N processes on one port.

Datasette answers a page in one Python process, so one server uses one core however many the
machine has. The catalogue is an immutable file, so processes share nothing but that file:
uvicorn (the server Datasette itself runs on) starts N of them behind one socket and restarts
one that dies. Each process is `pipeline.catalogue.serve.make_datasette`, the same app as in the tests, with
its plugins' startup (the facet counts, pipeline/catalogue/facets.py) done before it takes a request.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

DB_ENV = "KENNISBANK_SERVE_DB"  # how the parent tells each worker process which file to serve


def app():
    """uvicorn's app factory, called once in every worker process."""
    from pipeline.catalogue.serve import make_datasette

    datasette = make_datasette(Path(os.environ[DB_ENV]))
    inner = datasette.app()

    async def asgi(scope, receive, send):
        if scope["type"] == "lifespan":  # before the worker accepts its first request
            await datasette.invoke_startup()
        await inner(scope, receive, send)

    return asgi


def _no_delay_protocol():
    """uvicorn's h11 protocol with TCP_NODELAY on every connection. With workers, uvicorn
    binds the listening socket itself with protocol number 0, and asyncio then leaves Nagle's
    algorithm on for accepted connections: a small response waited ~40 ms for the client's
    delayed ACK on every keep-alive request (a single `datasette serve` does not have this)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class NoDelayH11Protocol(H11Protocol):
        def connection_made(self, transport):
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().connection_made(transport)

    return NoDelayH11Protocol


def serve(db_path: Path, port: int, workers: int, host: str = "127.0.0.1") -> None:
    import uvicorn

    os.environ[DB_ENV] = str(Path(db_path).resolve())
    uvicorn.run("pipeline.catalogue.workers:app", factory=True, host=host, port=port, workers=workers,
                lifespan="on", log_level="info", http="pipeline.catalogue.workers:NO_DELAY_HTTP")


NO_DELAY_HTTP = _no_delay_protocol()  # uvicorn loads it by name in every worker process
