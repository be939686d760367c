"""A lean path for the drawing an open page asks for after each change.

Every open page of a map asks for each new drawing of it (30 pages: 30 requests a drawing),
and each cost the server 1.5 to 2.5 ms, most of it Flask's work around a view that checks
access and answers from memory. This path answers `GET /maps/<id>/diagram.svg` (with
`?ready=`, `?node=` and `?direction=` only) in front of Flask, with the function the Flask
view uses (`answer`): the reader's access is checked as for any request (API token, else
the signed session cookie's account and joined maps; the map public or the reader a
member) and the drawing is the one for what this reader may see (the ETag names it).
Anything else (another question, a reader refused, bad input, a failed drawing) goes to
Flask unchanged, which answers it as before.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flask import Flask, Request
from sqlite_utils import Database
from werkzeug.datastructures import ETags
from werkzeug.http import HTTP_STATUS_CODES, quote_etag
from werkzeug.utils import get_content_type

from .. import dot, drawahead, events, maps, render
from ..db import borrow, give_back
from ..errors import ArgmapError
from ..model import MAX_ID
from . import compress
from .access import membership, person_of, readable
from .headers import HEADERS
from .ids import query_number

log = logging.getLogger(__name__)
PATH = re.compile(r"/maps/([0-9]{1,19})/diagram\.svg")
ASKED = {"ready", "node", "direction"}  # the questions this path answers; others go to Flask
Answer = tuple[int, dict[str, str], bytes]  # status, headers, body
# Increased when browsers must not keep what earlier code sent under the same name (2: DOT
# downloads made by main from d289979 to 9c12ded ended with the marker that closes
# Graphviz's input).
EPOCH = 2


def etag(
    map_id: int, revision: int, fmt: str, view: render.View, student: bool, limits: render.Limits
) -> str:
    """A diagram's ETag: what the drawing shows (map, revision, view, reader, limits), and
    the EPOCH of the code that made it."""
    settings = zlib.crc32(repr(limits).encode())
    reader = "s" if student else "o"  # students may not see what owners see
    where = f"{view.direction}-n{view.focus}"
    return f"m{map_id}-r{revision}-{fmt}-{where}-{reader}-{settings:x}-e{EPOCH}"


def direction_of(value: str | None) -> str | None:
    """The direction asked for (rl by default); None for anything else (Flask says why)."""
    if value is None or value == "":
        return "rl"
    return value if value in dot.DIRECTIONS else None


@dataclass
class Asked:
    """A request for a drawing: its format and view, and what the client has and takes."""

    fmt: str
    node_id: int | None
    direction: str
    ready: bool  # the live page: a drawing being made is not waited for
    etags: ETags
    gzip: bool


def answer(db: Database, config: Mapping, map_id: int, student: bool, asked: Asked) -> Answer:
    """The answer to a request for a drawing: (status, headers, body).

    The client's ETag answers 304 without a render; a gzipped drawing answered whole is kept
    in memory (web.compress) by its ETag for the next pages; with `ready`, a drawing being
    made is not waited for: the last one comes at once, marked `X-Argmap-Updating: 1`.
    """
    graph = maps.get_map(db, map_id)
    limits = render.Limits.from_config(config)
    fmt, node_id, direction = asked.fmt, asked.node_id, asked.direction
    view = render.View(node_id or 0, direction)
    if asked.ready:
        wanted = drawahead.Want(fmt, node_id, direction, student)
        drawahead.drawer(config["DATABASE"]).want(map_id, wanted, limits)
    # Named by the newest change that alters the drawing: after a vote the page's copy stands.
    tag = etag(
        map_id, events.drawn_revision(db, map_id, graph["revision"]), fmt, view, student, limits
    )
    if asked.etags.contains_weak(tag):
        return unchanged(tag, graph["revision"], "0")  # a browser keeps a 304's headers
    if asked.gzip and (kept := compress.kept(config["DATABASE"], tag)):
        body, headers = kept
        return 200, {**headers, "X-Argmap-Revision": str(graph["revision"])}, body
    drawn = render.diagram(
        db, map_id, fmt, node_id, limits, direction=direction, hide=student, wait=not asked.ready
    )
    tag = etag(map_id, drawn.shows, fmt, view, student, limits)
    if asked.ready and drawn.updating and asked.etags.contains_weak(tag):
        return unchanged(tag, drawn.revision, "1")  # the page has the last drawing: wait
    headers = {"Content-Type": get_content_type(render.FORMATS[fmt], "utf-8")}
    body = drawn.gzipped if asked.gzip else None
    if body is not None:
        headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}  # as stored
    headers |= {
        "ETag": quote_etag(tag, weak=True),
        "Cache-Control": "no-cache",  # ask again each time: a 304 is cheap
        "X-Argmap-Revision": str(drawn.revision),
        "X-Argmap-Shown": f"{drawn.shown} {drawn.total} {drawn.focus or ''}".strip(),
        "X-Argmap-Updating": "1" if drawn.updating else "0",
    }
    if body is None:
        return 200, headers, drawn.body
    if not drawn.updating:  # kept: every open page asks for it (not the last one meanwhile)
        compress.keep(config["DATABASE"], tag, body, headers)
    return 200, headers, body


def unchanged(tag: str, revision: int, updating: str) -> Answer:
    """A 304: the client has this drawing."""
    headers = {"ETag": quote_etag(tag, weak=True), "X-Argmap-Revision": str(revision)}
    return 304, {**headers, "X-Argmap-Updating": updating}, b""


class Lean:
    """WSGI middleware: a page's drawing answered without Flask, else the Flask app underneath."""

    def __init__(self, app: Flask, wsgi: Callable):
        self.app, self.wsgi = app, wsgi

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        found = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if found is None or environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi(environ, start_response)
        database = self.app.config["DATABASE"]
        db = borrow(database)
        try:
            answered = self.answer(db, int(found.group(1)), environ)
        except (ArgmapError, sqlite3.Error):
            answered = None  # Flask answers it (and says what is wrong, if anything is)
        except Exception:  # noqa: BLE001 (Flask answers it again, with its error page)
            log.exception("The lean path failed on %s; Flask answers.", environ.get("PATH_INFO"))
            answered = None
        finally:
            give_back(database, db)
        if answered is None:
            return self.wsgi(environ, start_response)
        status, headers, body = answered
        sent = {**HEADERS, **headers}  # the security headers unless set (as headers.secure)
        if status == 200:
            sent["Content-Length"] = str(len(body))
        start_response(f"{status} {HTTP_STATUS_CODES[status].upper()}", list(sent.items()))
        return [body]

    def answer(self, db: Database, map_id: int, environ: dict) -> Answer | None:
        """The answer for this reader; None: Flask answers (another question, a refusal)."""
        request = self.app.request_class(environ)
        if not 1 <= map_id <= MAX_ID or not set(request.args) <= ASKED:
            return None
        node_id = query_number(request.args.get("node"), "node", "a node id")
        direction = direction_of(request.args.get("direction"))
        reader = self.reader(db, map_id, request)
        if direction is None or reader is None:
            return None
        student, by_cookie = reader
        gzip = request.accept_encodings["gzip"] > 0
        ready = bool(request.args.get("ready"))
        asked = Asked("svg", node_id, direction, ready, request.if_none_match, gzip)
        status, headers, body = answer(db, self.app.config, map_id, student, asked)
        if by_cookie:  # as Flask says of an answer that read the session
            vary = headers.get("Vary")
            headers = {**headers, "Vary": f"{vary}, Cookie" if vary else "Cookie"}
        return status, headers, body

    def reader(self, db: Database, map_id: int, request: Request) -> tuple[bool, bool] | None:
        """(a student: not the map's owner, known by cookie); None: Flask answers (refused)."""
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else None
        cookie = None
        if token is None and self.app.config["SESSION_COOKIE_NAME"] in request.cookies:
            cookie = self.app.session_interface.open_session(self.app, request)
        person = person_of(db, token, cookie or {})
        member = membership(person, map_id, db)
        if not readable(db, map_id, member):
            return None
        return member is None or member["role"] != "owner", token is None


def init_app(app: Flask) -> None:
    """Answer pages' drawing requests in front of the app."""
    app.wsgi_app = Lean(app, app.wsgi_app)
