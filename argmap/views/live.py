"""Live updates: a Server-Sent Events stream of each map's events (with their patches), presence.

A stream holds no thread and polls nothing: the process's watcher (argmap.watch) reads new
events once for all streams and queues each on the streams of its map; a stream waits on its
queue (a greenlet under `argmap serve`'s gevent workers). Events written by one worker process
reach streams held by another through the events table. Every event is sent only after the
reader's access is checked again, and again whenever access may have changed. A `drawn`
event (a revision number, nothing else) says a drawing of the map is ready to fetch.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlite_utils import Database

from .. import (
    accounts,
    authors,
    comments,
    events,
    maps,
    moderation,
    presence,
    settings,
    votes,
    watch,
)
from ..db import get_db, row
from ..errors import ValidationError
from ..watch import frame
from ..web import access, errorpages, proxies
from ..web.access import bearer_token, current_person, find_membership, may_read, readers_too
from ..web.ids import query_number

bp = Blueprint("live", __name__)
LOST_ACCESS = "You no longer have access to this map."
TOO_MANY = (
    "Too many live streams are open from your address. Close some map pages (a browser's tabs"
    " share one stream) and try again."
)


@dataclass
class Timing:
    """How often a stream looks for news, and how long it lives (seconds)."""

    poll: float = settings.default("LIVE_POLL")
    keepalive: float = settings.default("LIVE_KEEPALIVE")
    lifetime: float = settings.default("LIVE_LIFETIME")
    presence: float = settings.default("LIVE_PRESENCE")
    heartbeat: float = settings.default("LIVE_HEARTBEAT")
    retry: float = settings.default("LIVE_RETRY")

    @classmethod
    def from_config(cls, config: dict) -> Timing:
        """Timing from the app's LIVE_* settings (numbers or numeric text)."""
        names = ("poll", "keepalive", "lifetime", "presence", "heartbeat", "retry")
        return cls(**{n: float(config[f"LIVE_{n.upper()}"]) for n in names})


STOPPING = threading.Event()


def stop(_worker: object = None) -> None:
    """End every open stream of this process (gunicorn's worker_int hook: a quick shutdown)."""
    STOPPING.set()
    watch.stop_all()


def serving() -> bool:
    """False once the worker process is shutting down: open streams must end, not hold it."""
    return not STOPPING.is_set()


def start_after(db: Database, map_id: int) -> int:
    """The event to resume after: Last-Event-ID, else ?after=, else ?revision=, else now."""
    for source, value in (
        ("Last-Event-ID", request.headers.get("Last-Event-ID")),
        ("after", request.args.get("after")),
    ):
        number = query_number(value, source, "an event number")
        if number is not None:
            return number
    revision = query_number(request.args.get("revision"), "revision", "a revision number")
    if revision is None:
        return events.latest_id(db, map_id)
    found = row(
        db,
        "SELECT MAX(id) AS id FROM events WHERE map_id = ? AND revision <= ?",
        (map_id, revision),
    )
    return found["id"] or 0


@dataclass
class Reader:
    """Who opened a stream: the name shown, their account and their joiner's secret, if any."""

    name: str
    user_id: int | None = None
    secret: object = None
    stamp: str | None = None  # the key of the session it was opened with
    token: str | None = None  # or the API token it was opened with
    member_id: int | None = None  # their membership of the map, if any

    @classmethod
    def of_request(cls, map_id: int) -> Reader:
        """The person sending this request, as the stream will check them again."""
        person = current_person()
        user = person.user
        token = bearer_token() if person.by_token else None
        stamp = access.session_entry()[1] if user and not token else None
        return cls(
            access.actor().name,
            user["id"] if user else None,
            person.joins.get(str(map_id)),
            stamp,
            token,
            access.actor().member_id,
        )

    def account(self, db: Database) -> int | None:
        """The account id while its credential holds (no new password, token not revoked)."""
        if self.user_id is None:
            return None
        if self.token is not None:
            return self.user_id if accounts.active_token(db, self.token) else None
        return self.user_id if accounts.session_user(db, self.user_id, self.stamp) else None


class Stream:
    """One open page's stream: the events since `after`, then what the watcher queues for it."""

    def __init__(
        self,
        map_id: int,
        after: int,
        tab: str,
        reader: Reader,
        timing: Timing,
        watcher: watch.Watcher,
        watched: watch.Watched,
    ):
        self.map_id, self.after, self.tab, self.reader = map_id, after, tab, reader
        self.timing, self.watcher, self.watched = timing, watcher, watched
        self.people: tuple | None = None
        self.view = authors.Names(map_id)  # how this reader sees the map's people
        self.seeing: tuple = ()  # what of `view` a frame depends on (set with it)
        self.shown_as = reader.name  # the name others see this reader under
        self.checked = 0  # the access counter at the last check of the reader's access
        self.student = True  # not an owner: nothing of hidden nodes is sent (set at each check)

    def __iter__(self) -> Iterator[str]:
        try:
            yield from self.run()
        finally:
            self.close()

    def close(self) -> None:
        """The page has gone (or the stream ended): leave the watcher and the presence list."""
        self.watcher.close(self.watched)
        key, self.watched.key = self.watched.key, ""
        if key:
            with self.watcher.writing() as db:
                presence.leave(db, self.map_id, key)

    def run(self) -> Iterator[str]:
        """Send news until the stream's lifetime is over, then ask the browser to reconnect."""
        timing = self.timing
        self.watched.started = True
        yield f"retry: {int(timing.retry * 1000)}\n\n"
        opening, ended = self.start()
        yield opening
        if ended:
            return
        started = sent = time.monotonic()
        while serving() and not self.watched.overflow:
            clock = time.monotonic()
            left = timing.lifetime - (clock - started)
            if left <= 0:
                return
            items = self.watched.take(min(left, timing.keepalive - (clock - sent)))
            if any(item.kind == "stop" for item in items):
                return
            fresh = [i for i in items if i.kind == "event" and i.event_id > self.after]
            newest = max([i.generation for i in items if i.kind in ("event", "recheck")] or [0])
            if newest > self.checked:  # access may have changed: check before sending more
                ended = self.check()
                if ended:
                    yield ended
                    return
            news = self.tell(fresh)
            self.after = max([self.after] + [i.event_id for i in items if i.kind == "event"])
            news += [i.text for i in items if i.kind == "drawn"][-1:]  # only a revision number
            news += self.presence([i.people for i in items if i.kind == "presence"][-1:])
            # A ping on a quiet stream is also how a page that went away is noticed.
            if not news and time.monotonic() - sent >= timing.keepalive:
                news = [frame("ping", {})]
            if news:
                yield "".join(news)
                sent = time.monotonic()

    def tell(self, items: list) -> list[str]:
        """The frames of new events for this reader (see `told`).

        A frame is made once for all the streams that see the event alike (the same names,
        a student or not, the same hidden nodes): votes, which name their reader, each time.
        """
        hidden: frozenset = frozenset()
        if self.student and any(i.event and i.hidden is None for i in items):
            with self.watcher.reading() as db:
                hidden = frozenset(moderation.hidden_ids(db, self.map_id))
        frames = []
        for item in items:
            if not item.event:
                frames.append(item.text)
                continue
            seen = (item.hidden if item.hidden is not None else hidden) if self.student else None
            if votes.is_vote(item.event["action"]):
                frames.append(self.told(item.event, seen or set(), item.drawing))
                continue
            key = (self.seeing, seen, item.drawing)
            if key not in item.frames:
                item.frames[key] = self.told(item.event, seen or set(), item.drawing)
            frames.append(item.frames[key])
        return frames

    def start(self) -> tuple[str, bool]:
        """Hello, the events the page has not seen yet and who is here; True: access ended."""
        with self.watcher.reading() as db:
            self.see(db)
        with self.watcher.writing() as db:
            shown, self.watched.key = presence.join(db, self.map_id, self.tab, self.shown_as)
        with self.watcher.reading() as db:
            hello = frame(
                "hello", {"name": shown, "tab": self.tab, "keepalive": self.timing.keepalive}
            )
            db.execute("BEGIN")  # one snapshot: the access counter, the check and the backlog
            try:
                self.checked = watch.access_generation(db)
                ended = self.closed(db)
                backlog = [] if ended else list(self.news(db))
                people = presence.people(db, self.map_id)
            finally:
                db.execute("COMMIT")
        if ended:
            return hello + ended, True
        return "".join([hello, *backlog, *self.presence([tuple(people)])]), False

    def check(self) -> str | None:
        """Check the reader's access again; a `gone` event when it has ended."""
        with self.watcher.reading() as db:
            db.execute("BEGIN")
            try:
                self.checked = watch.access_generation(db)
                ended = self.closed(db)
                was = self.shown_as
                self.see(db)
            finally:
                db.execute("COMMIT")
        if not ended and self.shown_as != was and self.watched.key:
            with self.watcher.writing() as db:
                presence.rename(db, self.map_id, self.watched.key, self.shown_as)
        return ended

    def see(self, db: Database) -> None:
        """How this reader sees the map's people now, and the name others see them under."""
        member = find_membership(db, self.map_id, self.reader.account(db), self.reader.secret)
        self.view = authors.names_for(db, self.map_id, member["role"] if member else None)
        view = self.view  # what makes two readers see an event alike (with `student`)
        self.seeing = (
            view.anonymous,
            view.owner_view,
            frozenset(view.owners),
            frozenset(view.real.items()),
        )
        public = authors.names_for(db, self.map_id, None)  # as a student sees them
        self.shown_as = public.shown(self.reader.member_id, self.reader.name)

    def told(self, event: dict, hidden: set[int], drawing: bool = False) -> str:
        """An event as this reader may see it: names, authors, nothing hidden from a student.

        `drawing`: the map is being drawn ahead, and a `drawn` event will say when.
        """
        data = watch.change(self.view.event(event), drawing)
        if event["action"] == "node.add" and data["patch"] and event["node_id"]:
            data["patch"]["authors"] = {event["node_id"]: data["actor"]}
        if votes.is_vote(event["action"]):
            data = self.voted(data, event)
        if self.student:
            data = moderation.student_change(data, event, hidden)
        patch = data.get("patch")
        if patch and patch.get("comments"):  # names as this reader sees them
            said = [comments.shown(c, self.view) for c in patch["comments"]]
            data = {**data, "patch": {**patch, "comments": said}}
        return frame("change", data, event["id"])

    def voted(self, data: dict, event: dict) -> dict:
        """A vote as this reader sees it: nobody's name but their own, and their own vote."""
        if event["member_id"] is None or event["member_id"] != self.reader.member_id:
            return {**data, "actor": ""}
        if data["patch"] is not None:
            data["patch"]["mine"] = {event["node_id"]: event["data"].get("value")}
        return data

    def closed(self, db: Database) -> str | None:
        """A `gone` event when the map was deleted or its reader may no longer read it."""
        if not row(db, "SELECT 1 AS x FROM maps WHERE id = ?", (self.map_id,)):
            return frame("gone", {"map_id": self.map_id, "message": "This map was deleted."})
        account = self.reader.account(db)
        if not may_read(db, self.map_id, account, self.reader.secret):
            return frame("gone", {"map_id": self.map_id, "message": LOST_ACCESS})
        member = find_membership(db, self.map_id, account, self.reader.secret)
        self.student = member is None or member["role"] != "owner"
        return None

    def news(self, db: Database) -> Iterator[str]:
        """The map's events after the last one sent, as `change` events."""
        hidden = moderation.hidden_ids(db, self.map_id) if self.student else set()
        while True:
            found = events.since(db, self.map_id, self.after)
            for event in found:
                self.after = event["id"]
                yield self.told(event, hidden)
            if len(found) < 500:
                return

    def presence(self, lists: list[tuple]) -> list[str]:
        """A `presence` event when the list of people has changed."""
        if not lists or lists[-1] == self.people:
            return []
        self.people = lists[-1]
        if self.view.anonymous and not self.view.hiding:  # an owner: who joined since?
            with self.watcher.reading() as db:
                self.see(db)
        people = [{**p, "name": self.view.real_name(p["name"])} for p in self.people]
        return [frame("presence", {"people": people})]


def rhythm(config: dict) -> watch.Rhythm:
    """How often the process's watcher looks for events, lists people and marks streams open."""
    timing = Timing.from_config(config)
    return watch.Rhythm(timing.poll, timing.presence, timing.heartbeat)


@bp.get("/maps/<int:map_id>/events")
def stream(map_id: int):
    """The map's changes as Server-Sent Events, resuming after Last-Event-ID."""
    db = get_db()
    maps.get_map(db, map_id)
    after = start_after(db, map_id)
    tab = presence.clean_tab(request.args.get("tab")) or uuid.uuid4().hex
    config = current_app.config
    reader, timing = Reader.of_request(map_id), Timing.from_config(config)  # before counting it
    watcher = watch.watcher(config["DATABASE"], rhythm(config))
    watched = watcher.open(map_id, proxies.sender(), int(config["STREAMS_PER_ADDRESS"]))
    if watched is None:
        refused, status = errorpages.answer(TOO_MANY, 503)
        return refused, status, {"Retry-After": "30"}
    body = Stream(map_id, after, tab, reader, timing, watcher, watched)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(body, mimetype="text/event-stream", headers=headers)


@bp.get("/maps/<int:map_id>/presence")
def who(map_id: int):
    """Who has the map open now."""
    db = get_db()
    maps.get_map(db, map_id)
    seen = authors.names_for(db, map_id, g.get("role"))
    people = [{**p, "name": seen.real_name(p["name"])} for p in presence.people(db, map_id)]
    return jsonify({"people": people})


@bp.post("/maps/<int:map_id>/presence/leave")
@readers_too
def leave(map_id: int):
    """A page closing says goodbye at once (its stream would notice only later)."""
    tab = presence.clean_tab(request.form.get("tab"))
    if tab is None:
        raise ValidationError("Send the page's tab id (8 to 64 letters, digits or dashes).", "tab")
    presence.forget_page(get_db(), map_id, tab)
    return "", 204
