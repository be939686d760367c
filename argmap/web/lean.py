"""A lean path for the drawing an open page asks for after each change, when it is in memory.

Every open page of a map asks for each new drawing of it (30 pages: 30 requests a drawing),
and each such request cost the server about 1.5 ms through Flask, most of it the
framework's work around a view that only checks access and answers from memory. This path
answers `GET /maps/<id>/diagram.svg` (with `?ready=`, `?node=` and `?direction=` only) in
front of Flask when the answer is a 304 or a drawing kept in memory (web.compress):
the reader's access is checked as for any request (API token, else the signed session
cookie's account and joined maps; the map public or the reader a member) and the drawing
is the one kept for what this reader may see (the ETag names it). Anything else (another
question, a drawing not in memory, a reader refused, bad input) goes to Flask unchanged,
which answers it as before.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable

from flask import Flask, Request
from werkzeug.datastructures import Headers
from werkzeug.http import quote_etag

from .. import drawahead, events, maps, render
from ..db import borrow, give_back
from ..errors import ArgmapError
from ..model import MAX_ID
from . import compress, headers
from .access import membership, person_of, readable
from .ids import query_number

PATH = re.compile(r"/maps/([0-9]{1,19})/diagram\.svg")
ASKED = {"ready", "node", "direction"}  # the questions this path answers; others go to Flask


def etag(map_id: int, revision: int, fmt: str, view: render.View, student: bool, limits) -> str:
    """A diagram's ETag: what the drawing shows (map, revision, view, reader, limits)."""
    settings = zlib.crc32(repr(limits).encode())
    reader = "s" if student else "o"  # students may not see what owners see
    where = f"{view.direction}-n{view.focus}"
    return f"m{map_id}-r{revision}-{fmt}-{where}-{reader}-{settings:x}"


def direction_of(value: str | None) -> str | None:
    """The direction asked for (rl by default); None for anything else (Flask says why)."""
    if value is None or value == "":
        return "rl"
    return value if value in ("rl", "bt") else None


class Lean:
    """WSGI middleware: a page's drawing from memory, else the Flask app underneath."""

    def __init__(self, app: Flask, wsgi: Callable):
        self.app, self.wsgi = app, wsgi

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        found = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if found is None or environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi(environ, start_response)
        database = self.app.config["DATABASE"]
        db = borrow(database)
        try:
            answer = self.answer(db, int(found.group(1)), environ)
        except (ArgmapError, sqlite3.Error, ValueError):
            answer = None  # Flask answers it (and says what is wrong, if anything is)
        finally:
            give_back(database, db)
        if answer is None:
            return self.wsgi(environ, start_response)
        status, sent, body = answer
        start_response(status, sent.to_wsgi_list())
        return [body]

    def answer(self, db, map_id: int, environ: dict) -> tuple[str, Headers, bytes] | None:
        """A 304 or the drawing kept in memory for this reader; None: Flask answers."""
        request = self.app.request_class(environ)
        if not 1 <= map_id <= MAX_ID or not set(request.args) <= ASKED:
            return None
        node_id = query_number(request.args.get("node"), "node", "a node id")
        direction = direction_of(request.args.get("direction"))
        reader = self.reader(db, map_id, request)
        if direction is None or reader is None:
            return None
        student, by_cookie = reader
        graph = maps.get_map(db, map_id)
        config = self.app.config
        limits = render.Limits.from_config(config)
        if request.args.get("ready"):
            wanted = drawahead.Want("svg", node_id, direction, student)
            drawahead.drawer(config["DATABASE"]).want(map_id, wanted, limits)
        shows = events.drawn_revision(db, map_id, graph["revision"])
        tag = etag(map_id, shows, "svg", render.View(node_id or 0, direction), student, limits)
        sent = Headers()
        if request.if_none_match.contains_weak(tag):
            status, body = "304 NOT MODIFIED", b""
            sent["ETag"] = quote_etag(tag, weak=True)
            sent["X-Argmap-Updating"] = "0"  # a browser keeps a 304's headers
        else:
            kept = compress.kept(config["DATABASE"], tag)
            if kept is None or request.accept_encodings["gzip"] <= 0:
                return None
            status, (body, kept_headers) = "200 OK", kept
            sent.extend(kept_headers)
            sent["Content-Length"] = str(len(body))
        sent["X-Argmap-Revision"] = str(graph["revision"])
        for name, value in headers.HEADERS.items():
            sent.setdefault(name, value)
        if by_cookie:  # as Flask says of an answer that read the session
            sent["Vary"] = "Accept-Encoding, Cookie" if body else "Cookie"
        return status, sent, body

    def reader(self, db, map_id: int, request: Request) -> tuple[bool, bool] | None:
        """(a student: not the map's owner, known by cookie); None: Flask answers (refused)."""
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else None
        cookie = None if token else self.app.session_interface.open_session(self.app, request)
        person = person_of(db, token, cookie or {})
        member = membership(person, map_id, db)
        if not readable(db, map_id, member):
            return None
        return member is None or member["role"] != "owner", token is None


def init_app(app: Flask) -> None:
    """Answer pages' drawing requests from memory in front of the app."""
    app.wsgi_app = Lean(app, app.wsgi_app)
