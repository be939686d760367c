"""One watcher per process: it reads new events from SQLite and hands them to the open streams.

Streams do not poll the database: the watcher looks for new events of every map every
LIVE_POLL seconds (one query), and at once when a write of its own process commits; it
writes each event's frame once and puts it on the queue of each stream open on that map. It
also tells those streams who is on their map (LIVE_PRESENCE, one query), marks all of the
process's streams as still open (LIVE_HEARTBEAT, one write) and asks the streams to check
their reader's access again whenever members, sharing, passwords or tokens change (a trigger
counts those changes in `access_changes`; a new kind of change that can end someone's access
needs such a trigger). A stream checks its reader's access again when that count has moved
since its last check, before it sends anything more. A change that alters a map's drawing
has the map drawn ahead (argmap.drawahead), and each drawing stored since the last look, by
any process, is announced to the map's streams as a `drawn` event.

Under gevent (`argmap serve`) the watcher is one greenlet and a stream waiting on its queue
holds no thread; under threads (tests, `flask run`) it is one thread. It starts on first use
in each process, never at import: a watcher started before gunicorn forks would run in every
worker next to the worker's own one, and deliver each event twice.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlite_utils import Database

from . import db as db_module
from . import drawahead, events, moderation, patches, presence
from .db import connect, row, rows

log = logging.getLogger(__name__)
IDLE_STOP = 30.0  # seconds without streams after which the watcher stops until needed
BACKLOG = 2000  # items a stream may fall behind before it is ended (its page resumes)


def frame(kind: str, data: dict, event_id: int | None = None) -> str:
    """One Server-Sent Event; JSON keeps the data on one line."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data)}\n\n"


def change(event: dict, drawing: bool = False) -> dict:
    """What a stream tells of an event: who did what, and the patch that applies it.

    `drawing`: the server is drawing the map ahead and the stream will say when it is drawn.
    """
    data = event["data"]
    kind = None
    if event["action"].startswith("node."):
        kind = (data.get("after") or data.get("before") or {}).get("kind")
    return {
        "revision": event["revision"],
        "action": event["action"],
        "node_id": event["node_id"],
        "actor": event["actor"],
        "created_at": event["created_at"],
        "kind": kind,
        "undo_of": data.get("undo_of"),
        "drawn": events.drawn(event["action"]),  # false: the page's drawing stands
        "drawing": drawing,
        "patch": patches.patch(event["action"], data, event["node_id"]),
    }


@dataclass(frozen=True)
class Item:
    """What the watcher hands a stream: an event's frame, people, or a request to check access."""

    kind: str  # "event", "drawn", "presence", "recheck" or "stop"
    event_id: int = 0
    text: str = ""
    people: tuple = ()
    generation: int = 0  # the access counter when the event was read
    drawing: bool = False  # the event's map is being drawn ahead (a `drawn` event follows)
    event: dict | None = field(default=None, compare=False, hash=False)  # for students' frames
    hidden: frozenset | None = None  # the map's nodes hidden from students, read with the event
    frames: dict = field(default_factory=dict, compare=False, hash=False)  # by how it is seen


@dataclass(eq=False)
class Watched:
    """One open stream as the watcher knows it: its map, address, presence row and queue."""

    map_id: int
    address: str
    key: str = ""
    overflow: bool = False
    started: bool = False  # set once its stream sends; a stream never read is dropped
    opened: float = field(default_factory=time.monotonic)
    items: queue.Queue = field(default_factory=queue.Queue)

    def put(self, item: Item) -> None:
        """Queue an item; a stream that fell too far behind is marked to end."""
        if self.items.qsize() >= BACKLOG:
            self.overflow = True
            return
        self.items.put(item)

    def take(self, wait: float) -> list[Item]:
        """Everything queued, waiting up to `wait` seconds for the first item."""
        try:
            found = [self.items.get(timeout=max(wait, 0.001))]
        except queue.Empty:
            return []
        while True:
            try:
                found.append(self.items.get_nowait())
            except queue.Empty:
                return found


@dataclass
class Rhythm:
    """How often the watcher looks for events, lists people and marks streams as open."""

    poll: float
    presence: float
    heartbeat: float


class Watcher:
    """The process's one reader of new events, and the register of its open streams."""

    def __init__(self, database: str, rhythm: Rhythm):
        self.database, self.rhythm = database, rhythm
        self.lock = threading.Lock()
        self.db_lock = threading.Lock()
        self.db: Database | None = None
        self.streams: dict[int, set[Watched]] = {}
        self.per_address: Counter[str] = Counter()
        self.people: dict[int, tuple] = {}
        self.after = 0
        self.generation = 0
        self.drawn: dict[tuple[int, str], int] = {}  # (map, view) -> revision last announced
        self.thread: threading.Thread | None = None
        self.news = threading.Event()  # a write of this process committed: look now
        db_module.COMMITTED.add(self.news)

    def open(self, map_id: int, address: str, limit: int) -> Watched | None:
        """Register a new stream; None when its address has `limit` streams open already."""
        with self.lock:
            if limit and self.per_address[address] >= limit:
                return None
            self.per_address[address] += 1
            watched = Watched(map_id, address)
            self.streams.setdefault(map_id, set()).add(watched)
            self.start()
            return watched

    def close(self, watched: Watched) -> None:
        """Forget an ended stream (twice is harmless)."""
        with self.lock:
            found = self.streams.get(watched.map_id)
            if found is None or watched not in found:
                return
            found.discard(watched)
            if not found:
                del self.streams[watched.map_id]
                self.people.pop(watched.map_id, None)
            self.per_address[watched.address] -= 1
            if self.per_address[watched.address] <= 0:
                del self.per_address[watched.address]

    def count(self) -> int:
        """How many streams are open in this process."""
        with self.lock:
            return sum(len(found) for found in self.streams.values())

    def all_streams(self) -> list[Watched]:
        """Every open stream of this process."""
        with self.lock:
            return [w for found in self.streams.values() for w in found]

    def stop_all(self) -> None:
        """Tell every open stream to end now (the worker is shutting down)."""
        for watched in self.all_streams():
            watched.items.put(Item("stop"))

    @contextmanager
    def reading(self) -> Iterator[Database]:
        """The watcher's connection, for a stream's short reads (one connection per process)."""
        with self.db_lock:
            if self.db is None:
                self.db = connect(self.database)
            yield self.db

    @contextmanager
    def writing(self) -> Iterator[Database]:
        """A connection of its own for a short write, so a wait for SQLite's lock stalls no read."""
        db = connect(self.database)
        try:
            yield db
        finally:
            db.conn.close()

    def start(self) -> None:
        """Start the watching loop once (called with self.lock held)."""
        if self.thread is not None:
            return
        with self.reading() as db:
            self.after = row(db, "SELECT MAX(id) AS id FROM events")["id"] or 0
            self.generation = access_generation(db)
        self.thread = threading.Thread(target=self.run, name="argmap-watcher", daemon=True)
        self.thread.start()

    def run(self) -> None:
        """Look for news until the process ends; a failed look is logged and tried again."""
        rhythm = self.rhythm
        people_at = touch_at = busy_at = time.monotonic()
        while True:
            self.news.wait(rhythm.poll)
            self.news.clear()
            clock = time.monotonic()
            if self.streams:
                busy_at = clock
            elif clock - busy_at > IDLE_STOP and self.rest():
                return
            try:
                self.deliver()
                if clock >= people_at:
                    self.forget_unread(clock)
                    self.show_people()
                    people_at = clock + rhythm.presence
                if clock >= touch_at:
                    self.touch()
                    touch_at = clock + rhythm.heartbeat
            except sqlite3.Error:
                log.exception("The live watcher could not read the database; trying again.")

    def rest(self) -> bool:
        """Stop the loop when no stream is open (the next stream starts it again)."""
        with self.lock:
            if self.streams:
                return False
            self.thread = None
        with self.db_lock:
            if self.db is not None:
                self.db.conn.close()
                self.db = None
        return True

    def deliver(self) -> None:
        """Hand new events to the streams of their maps; a change of access to every stream.

        The access counter, the events and the stored drawings are read in one snapshot, so
        an event is never handed on without the access changes committed before it. A change
        that alters a map's drawing has it drawn ahead (argmap.drawahead); a finished drawing
        is announced after the events it shows.
        """
        with self.reading() as db:
            db.execute("BEGIN")
            try:
                generation = access_generation(db)
                found = rows(
                    db, "SELECT * FROM events WHERE id > ? ORDER BY id LIMIT 500", (self.after,)
                )
                drawings = self.drawings(db)
                hidden = {  # once for all the streams of a map: what students may not see
                    map_id: frozenset(moderation.hidden_ids(db, map_id))
                    for map_id in {e["map_id"] for e in found}
                    if self.of_map(map_id)
                }
            finally:
                db.execute("COMMIT")
        if generation != self.generation:
            self.generation = generation
            for watched in self.all_streams():
                watched.put(Item("recheck", generation=generation))
        found = events.decoded(found)
        ahead = drawahead.drawer(self.database)
        drawing = {  # before the pages hear of it: the drawing is claimed first
            map_id: ahead.changed(map_id)
            for map_id in dict.fromkeys(e["map_id"] for e in found if events.drawn(e["action"]))
        }
        for event in found:
            self.after = event["id"]
            streams = self.of_map(event["map_id"])
            if streams:
                later = drawing.get(event["map_id"], False) and events.drawn(event["action"])
                text = frame("change", change(event, later), event["id"])
                item = Item(
                    "event",
                    event["id"],
                    text,
                    generation=generation,
                    drawing=later,
                    event=event,
                    hidden=hidden.get(event["map_id"]),
                )
                for watched in streams:
                    watched.put(item)
        for map_id, revision in drawings.items():
            item = Item("drawn", text=frame("drawn", {"revision": revision}))
            for watched in self.of_map(map_id):
                watched.put(item)

    def drawings(self, db: Database) -> dict[int, int]:
        """Watched maps with a view newly drawn (or failed) since the last look: its revision.

        Every view of the map counts (directions, focus, the students' drawing): the
        announcement says only which revision is drawn, and a page that shows another view
        asks for its own, which is being drawn or is drawn then.
        """
        with self.lock:
            watched_maps = sorted(self.streams)
        found = rows(
            db,
            "SELECT map_id, view, revision FROM renders WHERE fmt = 'svg' AND status != 'none'"
            " AND map_id IN (SELECT value FROM json_each(?))",
            (json.dumps(watched_maps),),
        )
        seen, news = {}, {}
        for drawn in found:
            key = (drawn["map_id"], drawn["view"])
            seen[key] = drawn["revision"]
            if drawn["revision"] > self.drawn.get(key, drawn["revision"] - 1):
                news[drawn["map_id"]] = max(news.get(drawn["map_id"], 0), drawn["revision"])
        self.drawn = seen
        return news

    def of_map(self, map_id: int) -> list[Watched]:
        """The open streams of one map."""
        with self.lock:
            return list(self.streams.get(map_id, ()))

    def forget_unread(self, clock: float) -> None:
        """Drop streams whose answer was never read (the client went before it started)."""
        for watched in self.all_streams():
            if not watched.started and clock - watched.opened > IDLE_STOP:
                self.close(watched)

    def show_people(self) -> None:
        """Tell each watched map's streams who is on it, when that has changed."""
        with self.lock:
            watched_maps = list(self.streams)
        if not watched_maps:
            return
        with self.reading() as db:
            everyone = presence.everyone(db)
        for map_id in watched_maps:
            people = tuple(everyone.get(map_id, ()))
            if self.people.get(map_id) == people:
                continue
            self.people[map_id] = people
            for watched in self.of_map(map_id):
                watched.put(Item("presence", people=people))

    def touch(self) -> None:
        """Mark every open stream's presence row as seen now (one write for the process)."""
        keys = [w.key for w in self.all_streams() if w.key]
        if not keys:
            return
        with self.writing() as db:
            presence.touch_all(db, keys)


def access_generation(db: Database) -> int:
    """How many changes of members, sharing, passwords or tokens the database has seen."""
    found = row(db, "SELECT counter FROM access_changes WHERE id = 1")
    return found["counter"] if found else 0


WATCHERS: dict[tuple[int, str], Watcher] = {}
CREATING = threading.Lock()


def watcher(database: str, rhythm: Rhythm) -> Watcher:
    """This process's watcher of a database file, made on first use (keyed by process id)."""
    key = (os.getpid(), database)
    found = WATCHERS.get(key)
    if found is None:
        with CREATING:
            found = WATCHERS.get(key)
            if found is None:
                found = WATCHERS[key] = Watcher(database, rhythm)
    return found


def stop_all() -> None:
    """End the open streams of every watcher of this process."""
    for (pid, _), found in list(WATCHERS.items()):
        if pid == os.getpid():
            found.stop_all()
