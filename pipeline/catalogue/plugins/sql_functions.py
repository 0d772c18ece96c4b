"""Each connection: the catalogue read through mmap, and the URL helpers that the canned queries
use to build links (kb_urlencode, kb_tilde)."""

from __future__ import annotations

import urllib.parse

from datasette import hookimpl
from datasette.utils import tilde_encode

from pipeline.catalogue.site import DATABASE

MMAP_BYTES = 1 << 30  # read the immutable catalogue through the page cache, not page by page


@hookimpl
def prepare_connection(conn, database):
    if database == DATABASE:
        conn.execute(f"pragma mmap_size = {MMAP_BYTES}")
    conn.create_function("kb_urlencode", 1, lambda v: None if v is None else
                         urllib.parse.quote_plus(str(v)), deterministic=True)
    conn.create_function("kb_tilde", 1, lambda v: None if v is None else tilde_encode(str(v)),
                         deterministic=True)
