"""Live updates: a Server-Sent Events stream of each map's events, presence, page fragments.

Each open stream holds one server thread for its whole life (gunicorn gthread: `--threads`,
64 per worker by default), so a worker serves at most that many open map pages at once.
The stream polls the events table with its own connection, which is what lets an event
written by one worker process reach streams held by another.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from sqlite_utils import Database

from .. import accounts, events, maps, outline, presence, render, settings
from ..db import connect, get_db, row
from ..errors import ValidationError
from ..web import access
from ..web.access import bearer_token, current_person, may_read, readers_too
from ..web.ids import query_number

bp = Blueprint("live", __name__)
LOST_ACCESS = "You no longer have access to this map."


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


def serving() -> bool:
    """False once the worker process is shutting down: open streams must end, not hold it."""
    return not STOPPING.is_set()


def frame(kind: str, data: dict, event_id: int | None = None) -> str:
    """One Server-Sent Event; JSON keeps the data on one line."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data)}\n\n"


def change(event: dict) -> dict:
    """What a stream tells of an event: who did what to which node, never the texts."""
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
    }


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
        )

    def account(self, db: Database) -> int | None:
        """The account id while its credential holds (no new password, token not revoked)."""
        if self.user_id is None:
            return None
        if self.token is not None:
            return self.user_id if accounts.active_token(db, self.token) else None
        return self.user_id if accounts.session_user(db, self.user_id, self.stamp) else None


class Stream:
    """One open page's stream: its events since `after`, presence, keep-alives."""

    def __init__(
        self, database: str, map_id: int, after: int, tab: str, reader: Reader, timing: Timing
    ):
        self.database, self.map_id, self.after = database, map_id, after
        self.tab, self.reader, self.timing = tab, reader, timing
        self.people: list[dict] | None = None
        self.key = ""

    def __iter__(self) -> Iterator[str]:
        # Own connection: the request's connection is closed once the view returns.
        db = connect(self.database)
        try:
            yield from self.run(db)
        finally:
            if self.key:
                presence.leave(db, self.map_id, self.key)
            db.conn.close()

    def run(self, db: Database) -> Iterator[str]:
        """Send news until the stream's lifetime is over, then ask the browser to reconnect."""
        timing = self.timing
        yield f"retry: {int(timing.retry * 1000)}\n\n"
        shown, self.key = presence.join(db, self.map_id, self.tab, self.reader.name)
        yield frame("hello", {"name": shown, "tab": self.tab, "keepalive": timing.keepalive})
        started = beat = sent = time.monotonic()
        look = 0.0
        while time.monotonic() - started < timing.lifetime and serving():
            news = list(self.news(db))
            clock = time.monotonic()
            # Access is checked again before any news goes out, and at each presence tick.
            if (news or clock >= look) and (ended := self.closed(db)):
                yield ended
                return
            if clock >= look:
                news += self.presence(db)
                look = clock + timing.presence
            if clock - beat >= timing.heartbeat:
                presence.touch(db, self.map_id, self.key)
                beat = clock
            if not news and clock - sent >= timing.keepalive:
                news = [frame("ping", {})]
            if news:
                yield "".join(news)
                sent = clock
            time.sleep(timing.poll)

    def closed(self, db: Database) -> str | None:
        """A `gone` event when the map was deleted or its reader may no longer read it."""
        if not row(db, "SELECT 1 AS x FROM maps WHERE id = ?", (self.map_id,)):
            return frame("gone", {"map_id": self.map_id, "message": "This map was deleted."})
        if not may_read(db, self.map_id, self.reader.account(db), self.reader.secret):
            return frame("gone", {"map_id": self.map_id, "message": LOST_ACCESS})
        return None

    def news(self, db: Database) -> Iterator[str]:
        """The map's events after the last one sent, as `change` events."""
        while True:
            found = events.since(db, self.map_id, self.after)
            for event in found:
                self.after = event["id"]
                yield frame("change", change(event), event["id"])
            if len(found) < 500:
                return

    def presence(self, db: Database) -> list[str]:
        """A `presence` event when the list of people has changed."""
        people = presence.people(db, self.map_id)
        if people == self.people:
            return []
        self.people = people
        return [frame("presence", {"people": people})]


@bp.get("/maps/<int:map_id>/events")
def stream(map_id: int):
    """The map's changes as Server-Sent Events, resuming after Last-Event-ID."""
    db = get_db()
    maps.get_map(db, map_id)
    after = start_after(db, map_id)
    tab = presence.clean_tab(request.args.get("tab")) or uuid.uuid4().hex
    body = Stream(
        current_app.config["DATABASE"],
        map_id,
        after,
        tab,
        Reader.of_request(map_id),
        Timing.from_config(current_app.config),
    )
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(iter(body), mimetype="text/event-stream", headers=headers)


@bp.get("/maps/<int:map_id>/presence")
def who(map_id: int):
    """Who has the map open now."""
    db = get_db()
    maps.get_map(db, map_id)
    return jsonify({"people": presence.people(db, map_id)})


@bp.post("/maps/<int:map_id>/presence/leave")
@readers_too
def leave(map_id: int):
    """A page closing says goodbye at once (its stream would notice only later)."""
    tab = presence.clean_tab(request.form.get("tab"))
    if tab is None:
        raise ValidationError("Send the page's tab id (8 to 64 letters, digits or dashes).", "tab")
    presence.forget_page(get_db(), map_id, tab)
    return "", 204


@bp.get("/maps/<int:map_id>/fragments")
def fragments(map_id: int):
    """The diagram and outline as HTML, for a page to swap in after a change."""
    db = get_db()
    graph = maps.load(db, map_id)
    by_id = {n["id"]: n for n in graph["nodes"]}
    node = by_id.get(query_number(request.args.get("node"), "node", "a node id"))
    limits = render.Limits.from_config(current_app.config)
    shown = render.for_page(db, map_id, node and node["id"], limits)
    parent = by_id.get(node["parent_id"]) if node else None
    return jsonify(
        {
            "revision": graph["revision"],
            "title": graph["title"],
            "description": graph["description"],
            "count": len(graph["nodes"]),
            "diagram": render_template(
                "_diagram.html",
                graph=graph,
                node=node,
                drawn=shown.drawn,
                svg=shown.svg,
                render_error=shown.error,
            ),
            "outline": render_template(
                "_outline.html", items=outline.tree(graph), graph=graph, node=node
            ),
            "focus": shown.drawn.focus if shown.drawn else None,
            "node": node and {**node, "parent_text": parent["text"] if parent else None},
        }
    )
