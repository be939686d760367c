"""Drawing ahead: right after a change that alters the drawing, draw what open pages show.

Each process remembers, per map, the views its pages asked for lately (`want`: format,
focus, direction, and whether a student reads it). When the process's live watcher reads a
change that alters a map's drawing (`changed`), one drawer for that map draws those views at
the map's newest revision, in the background, while pages keep the drawing they have. A map
that changes again meanwhile is drawn once more when the drawer is done, at its newest
revision only: one drawing per map at a time, never a backlog of stale revisions.

The drawing goes through render.diagram, as a page's request would: one Graphviz run per map,
revision and view across all processes (a claim in the database), at most RENDER_SLOTS at
once, a failure stored for its revision. The live stream announces each finished drawing
(argmap.watch), and pages fetch it then instead of waiting on a request for it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass

from sqlite_utils import Database

from . import render
from .db import connect
from .errors import ArgmapError

log = logging.getLogger(__name__)
WANTED_FOR = 600.0  # seconds a view is drawn ahead after a page last asked for it


@dataclass(frozen=True)
class Want:
    """A view some page shows: as render.diagram's arguments name it."""

    fmt: str = "svg"
    focus: int | None = None
    direction: str = "rl"
    hide: bool = False  # a student reads it: drawn without the nodes hidden from students


class Drawer:
    """The process's drawers of one database file: at most one running per map."""

    def __init__(self, database: str):
        self.database = database
        self.lock = threading.Lock()
        self.wanted: dict[int, dict[Want, tuple[float, render.Limits]]] = {}
        self.running: set[int] = set()
        self.dirty: set[int] = set()

    def want(self, map_id: int, view: Want, limits: render.Limits) -> None:
        """Note that a page shows this view of the map (drawn ahead from now on)."""
        with self.lock:
            self.wanted.setdefault(map_id, {})[view] = (time.monotonic(), limits)

    def changed(self, map_id: int) -> bool:
        """A change altered the map's drawing: draw its wanted views (again, when done).

        True when some view is drawn ahead: the stream will announce it when it is drawn.
        """
        with self.lock:
            if not self.views(map_id):
                return False
            self.dirty.add(map_id)
            if map_id in self.running:
                return True
            self.running.add(map_id)
        threading.Thread(target=self.run, args=(map_id,), name="argmap-drawer", daemon=True).start()
        return True

    def views(self, map_id: int) -> list[tuple[Want, render.Limits]]:
        """The map's views asked for within WANTED_FOR (older ones forgotten); lock held."""
        found = self.wanted.get(map_id, {})
        since = time.monotonic() - WANTED_FOR
        for view in [v for v, (at, _) in found.items() if at < since]:
            del found[view]
        if not found:
            self.wanted.pop(map_id, None)
        return [(view, limits) for view, (_, limits) in found.items()]

    def run(self, map_id: int) -> None:
        """Draw the map's wanted views until no change came in while drawing."""
        db = connect(self.database)  # own connection: no request holds this work
        try:
            while True:
                with self.lock:
                    if map_id not in self.dirty:
                        self.running.discard(map_id)
                        return
                    self.dirty.discard(map_id)
                    views = self.views(map_id)
                for view, limits in views:
                    draw(db, map_id, view, limits)
                    # Let the watcher announce this drawing before the next one reads its
                    # rows: under gevent they share the worker's thread (live bench, 2,000
                    # nodes: a drawing announced 2 ms after it is stored instead of about 40).
                    time.sleep(0)
        finally:
            with self.lock:
                self.running.discard(map_id)
            db.conn.close()


def draw(db: Database, map_id: int, view: Want, limits: render.Limits) -> None:
    """Draw one view at the map's newest revision (stored by render, failure or not)."""
    try:
        render.diagram(
            db, map_id, view.fmt, view.focus, limits, direction=view.direction, hide=view.hide
        )
    except ArgmapError:
        return  # a failed drawing is stored as such; a deleted map has nothing to draw
    except sqlite3.Error:
        log.exception("Could not draw map %s ahead; its pages will ask for it.", map_id)


DRAWERS: dict[tuple[int, str], Drawer] = {}
CREATING = threading.Lock()


def drawer(database: str) -> Drawer:
    """This process's drawer of a database file, made on first use (keyed by process id)."""
    key = (os.getpid(), database)
    found = DRAWERS.get(key)
    if found is None:
        with CREATING:
            found = DRAWERS.setdefault(key, Drawer(database))
    return found
