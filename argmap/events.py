"""The change log of each map: one event per change, in the change's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from . import rules
from .db import now, row, rows

# Changes that alter nothing a drawing shows (the map's revision moves, its drawing stands):
# action prefixes, the one list the stream, the pages and the renderer go by. Votes, comments
# and locking are not drawn; anything else may be (a member's new role changes whether their
# drawing leaves out the nodes hidden from students).
UNDRAWN = ("vote.", "comment.", "map.lock", "map.unlock")
NOT_VOTES = "action NOT LIKE 'vote.%'"  # SQL: votes stay out of the history and its figures


@dataclass(frozen=True)
class Actor:
    """Who makes a change: the name the history shows, and their member id on the map."""

    name: str = ""
    member_id: int | None = None
    student: bool = False  # a member who is not an owner: moderation applies to them

    def __str__(self) -> str:
        return self.name

    @classmethod
    def of(cls, who: Actor | str | None) -> Actor:
        """An Actor from an Actor, or from a plain name (a script, the seed, the CLI)."""
        return who if isinstance(who, Actor) else cls(who or "")


def record(
    db: Database,
    map_id: int,
    action: str,
    node_id: int | None = None,
    data: dict | None = None,
    actor: Actor | str = "",
) -> int:
    """Bump the map's revision and log the change (who by name and member); returns the revision."""
    stamp = now()
    who = Actor.of(actor)
    if who.student:  # every change goes through here: the lock holds for each of them
        found = row(db, "SELECT locked FROM maps WHERE id = ?", (map_id,))
        rules.lock_rule(bool(found and found["locked"]), True)
    db.execute(
        "UPDATE maps SET revision = revision + 1, updated_at = ? WHERE id = ?", (stamp, map_id)
    )
    revision = row(db, "SELECT revision FROM maps WHERE id = ?", (map_id,))["revision"]
    db.execute(
        "INSERT INTO events (map_id, revision, action, node_id, actor, member_id, created_at,"
        " data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (map_id, revision, action, node_id, who.name, who.member_id, stamp, json.dumps(data or {})),
    )
    return revision


def since(
    db: Database,
    map_id: int,
    after_id: int,
    limit: int = 500,
    member_id: int | None = None,
    votes: bool = True,
) -> list[dict]:
    """The map's events with an id above after_id, oldest first (one member's, if given).

    Without `votes`, no vote's events: the history leaves them out.
    """
    by = " AND member_id = ?" if member_id is not None else ""
    by += "" if votes else f" AND {NOT_VOTES}"
    params = (map_id, after_id, *([member_id] if member_id is not None else []), limit)
    return decoded(
        rows(
            db, f"SELECT * FROM events WHERE map_id = ? AND id > ?{by} ORDER BY id LIMIT ?", params
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


def drawn(action: str) -> bool:
    """Whether a change of this action may alter what the map's drawing shows."""
    return not action.startswith(UNDRAWN)


def drawn_revision_sql(undrawn: tuple[str, ...]) -> str:
    """drawn_revision's query; its parameters: the map id, the revision, then `undrawn`."""
    prefixes = " OR ".join(f"substr(action, 1, {len(prefix)}) = ?" for prefix in undrawn)
    return (
        f"SELECT revision FROM events WHERE map_id = ? AND revision <= ? AND NOT ({prefixes})"
        " ORDER BY id DESC LIMIT 1"
    )


def drawn_revision(db: Database, map_id: int, revision: int) -> int:
    """The newest revision up to `revision` whose change may alter the drawing.

    A drawing of that revision or newer is the drawing of `revision`. One query on the
    events index, newest first, that stops at the first drawn change; `revision` itself
    when no such change is on record (its events were replaced by an import's).
    """
    found = row(db, drawn_revision_sql(UNDRAWN), (map_id, revision, *UNDRAWN))
    return revision if found is None else found["revision"]
