"""The change log of each map: one event per change, in the change's transaction."""

from __future__ import annotations

import json

from sqlite_utils import Database

from .db import now, row, rows


class Actor(str):
    """Who makes a change: the display name the history shows, with their member id."""

    member_id: int | None

    def __new__(cls, name: str, member_id: int | None = None) -> Actor:
        actor = super().__new__(cls, name)
        actor.member_id = member_id
        return actor


def record(
    db: Database,
    map_id: int,
    action: str,
    node_id: int | None = None,
    data: dict | None = None,
    actor: str = "",
    member_id: int | None = None,
) -> int:
    """Bump the map's revision and log the change; returns the new revision."""
    stamp = now()
    member_id = member_id if member_id is not None else getattr(actor, "member_id", None)
    db.execute(
        "UPDATE maps SET revision = revision + 1, updated_at = ? WHERE id = ?", (stamp, map_id)
    )
    revision = row(db, "SELECT revision FROM maps WHERE id = ?", (map_id,))["revision"]
    db.execute(
        "INSERT INTO events (map_id, revision, action, node_id, actor, member_id, created_at,"
        " data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (map_id, revision, action, node_id, str(actor), member_id, stamp, json.dumps(data or {})),
    )
    return revision


def since(db: Database, map_id: int, after_id: int, limit: int = 500) -> list[dict]:
    """The map's events with an id above after_id, oldest first."""
    return decoded(
        rows(
            db,
            "SELECT * FROM events WHERE map_id = ? AND id > ? ORDER BY id LIMIT ?",
            (map_id, after_id, limit),
        )
    )


def decoded(found: list[dict]) -> list[dict]:
    """Event rows with their JSON data decoded (the rows are changed in place)."""
    for event in found:
        event["data"] = json.loads(event["data"])
    return found


def latest_id(db: Database, map_id: int) -> int:
    """The id of the map's newest event, or 0."""
    found = row(db, "SELECT MAX(id) AS id FROM events WHERE map_id = ?", (map_id,))
    return found["id"] or 0
