"""Gzip for text answers (pages, JSON, SVG) when the client accepts it.

A 2,000-node map's SVG is about 3.5 MB and its JSON about 0.5 MB; gzip makes them a fifth
to a tenth of that. Streams (the live events) and files sent as they are read are left alone.
Drawings are stored gzipped (render.pack) and sent as stored: never compressed per request.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

from flask import Flask, Response, request

SMALLEST = 1024  # bytes: below this, gzip saves less than it costs
TYPES = ("text/", "application/json", "image/svg+xml", "application/javascript")
KEPT = 32  # gzipped answers kept by ETag: every open page fetches each new drawing once
LOCK = threading.Lock()
RECENT: OrderedDict[tuple[str, str], tuple[bytes, dict]] = OrderedDict()


def accepted() -> bool:
    """Whether the client takes gzip."""
    return request.accept_encodings["gzip"] > 0


def kept(database: str, tag: str) -> tuple[bytes, dict] | None:
    """The gzipped body and headers kept for this ETag of this database file, if any."""
    with LOCK:
        found = RECENT.get((database, tag))
        if found is not None:
            RECENT.move_to_end((database, tag))
    return found


def keep(database: str, tag: str, body: bytes, headers: dict) -> None:
    """Keep a gzipped answer in memory under its ETag (the same drawing for every page).

    An ETag names a revision of a map of one database file.
    """
    with LOCK:
        RECENT[(database, tag)] = (body, headers)
        while len(RECENT) > KEPT:
            RECENT.popitem(last=False)


def compressible(response: Response) -> bool:
    """Whether this answer is a whole text body worth compressing for this client."""
    return (
        response.status_code == 200
        and not response.direct_passthrough
        and not response.is_streamed
        and "Content-Encoding" not in response.headers
        and (response.mimetype or "").startswith(TYPES)
        and accepted()
    )


def compress(response: Response) -> Response:
    """Gzip the body of a text answer (after_request)."""
    if not compressible(response):
        return response
    body = response.get_data()
    if len(body) < SMALLEST:
        return response
    response.set_data(gzip.compress(body, compresslevel=5))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    """Compress every answer that qualifies."""
    app.after_request(compress)
