"""No record of readers: the web server's access log (uvicorn writes each request with the
reader's IP address) is switched off once the server has configured its logging, so the
catalogue keeps no IP addresses, as /privacy says. Errors are still logged."""

from __future__ import annotations

import logging

from datasette import hookimpl

ACCESS_LOGGER = "uvicorn.access"


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def without_access_log(scope, receive, send):
            # The lifespan call comes after uvicorn configured its loggers.
            if scope["type"] == "lifespan":
                logging.getLogger(ACCESS_LOGGER).disabled = True
            await app(scope, receive, send)

        return without_access_log

    return wrap
