"""Votes: each member with edit rights rates a node's strength from 0 (weak) to 4 (strong).

One vote per member and node; a member changes it or takes it back. A node shows the count
and the mean of its votes. Votes are not changes of the map's argument: their events
(`vote.set`, `vote.clear`) travel on the live stream but stay out of the history, its
export and undo, and they change nothing drawn (the drawing is reused; no Graphviz run).
A vote goes with its node: deleting the node deletes its votes, and a node brought back by
undo comes back without them (the votes were opinions of the node as it stood then).
"""

from __future__ import annotations

import secrets

from sqlite_utils import Database

from . import events, moderation, nodes
from .accounts import digest
from .db import now, row, rows, write
from .errors import Forbidden, ValidationError
from .events import Actor
from .records import vote_tally

LOWEST, HIGHEST = 0, 4
PREFIX = "vote."  # the actions of votes: not history, not undone
STRENGTHS = {0: "no strength", 1: "weak", 2: "fair", 3: "strong", 4: "very strong"}
BAD_VALUE = "value must be a whole number from 0 (no strength) to 4 (very strong)."


def is_vote(action: str) -> bool:
    """Whether an event's action is a vote's."""
    return action.startswith(PREFIX)


def clean_value(value: object) -> int:
    """A vote's value, 0 to 4 (a number, or its digit as a form sends it), else a 400."""
    if isinstance(value, str) and value.strip() in {str(v) for v in range(LOWEST, HIGHEST + 1)}:
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and LOWEST <= value <= HIGHEST:
        return value
    if isinstance(value, float) and value.is_integer() and LOWEST <= value <= HIGHEST:
        return int(value)
    raise ValidationError(BAD_VALUE, "value")


def summary(db: Database, node_id: int) -> dict:
    """The count and mean (two decimals; None without votes) of one node's votes."""
    found = row(
        db, "SELECT COUNT(*) AS count, AVG(value) AS mean FROM votes WHERE node_id = ?", (node_id,)
    )
    return vote_tally(found["count"], found["mean"])


def summaries(db: Database, map_id: int, hidden: set[int] | frozenset = frozenset()) -> dict:
    """Each voted node's count and mean, by node id (none of the `hidden` nodes)."""
    found = rows(
        db,
        "SELECT node_id, COUNT(*) AS count, AVG(value) AS mean FROM votes WHERE map_id = ?"
        " GROUP BY node_id ORDER BY node_id",
        (map_id,),
    )
    return {
        r["node_id"]: vote_tally(r["count"], r["mean"]) for r in found if r["node_id"] not in hidden
    }


def mine(
    db: Database, map_id: int, member_id: int | None, hidden: set[int] | frozenset = frozenset()
) -> dict:
    """One member's votes on the map, by node id."""
    if member_id is None:
        return {}
    found = rows(
        db,
        "SELECT node_id, value FROM votes WHERE map_id = ? AND member_id = ?",
        (map_id, member_id),
    )
    return {r["node_id"]: r["value"] for r in found if r["node_id"] not in hidden}


def own(db: Database, node_id: int, member_id: int | None) -> int | None:
    """A member's vote on a node, or None."""
    found = row(
        db, "SELECT value FROM votes WHERE node_id = ? AND member_id = ?", (node_id, member_id)
    )
    return found["value"] if found else None


def state(db: Database, node_id: int, member_id: int | None) -> dict:
    """A node's votes as one reader sees them: count, mean and their own vote (or None)."""
    return {"node_id": node_id, **summary(db, node_id), "mine": own(db, node_id, member_id)}


def voter(db: Database, map_id: int, node_id: object, actor: Actor) -> dict:
    """The node a member votes on, which they may see; refused for someone not a member."""
    found = nodes.get_node(db, map_id, node_id)
    moderation.check_visible(db, map_id, found["id"], actor, "node_id")
    if actor.member_id is None:
        raise Forbidden("Only members of this map can vote: join it with a code from its owner.")
    return found


def set_vote(db: Database, map_id: int, node_id: object, value: object, actor: Actor) -> dict:
    """Cast or change the actor's vote on a node; nothing is written when it is the same."""
    value = clean_value(value)
    with write(db):
        found = voter(db, map_id, node_id, actor)
        before = own(db, found["id"], actor.member_id)
        if before == value:
            return state(db, found["id"], actor.member_id)
        db.execute(
            "INSERT INTO votes (map_id, node_id, member_id, value, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (node_id, member_id)"
            " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (map_id, found["id"], actor.member_id, value, now()),
        )
        done = state(db, found["id"], actor.member_id)
        data = {"before": before, "value": value, "count": done["count"], "mean": done["mean"]}
        events.record(db, map_id, "vote.set", found["id"], data, actor)
    return done


def clear_vote(db: Database, map_id: int, node_id: object, actor: Actor) -> dict:
    """Take back the actor's vote on a node; nothing is written when there was none."""
    with write(db):
        found = voter(db, map_id, node_id, actor)
        before = own(db, found["id"], actor.member_id)
        if before is not None:
            withdraw(db, map_id, found["id"], before, actor)
        return state(db, found["id"], actor.member_id)


def withdraw(db: Database, map_id: int, node_id: int, before: int, actor: Actor) -> None:
    """Take back one member's vote on a node, with its event (count and mean after it)."""
    db.execute("DELETE FROM votes WHERE node_id = ? AND member_id = ?", (node_id, actor.member_id))
    data = {"before": before, "value": None, **summary(db, node_id)}
    events.record(db, map_id, "vote.clear", node_id, data, actor)


def withdraw_all(db: Database, map_id: int, member: dict) -> None:
    """Take back every vote of a member being removed, each as its own event (pages follow)."""
    who = Actor(member["name"], member["id"])
    voted = rows(
        db, "SELECT node_id, value FROM votes WHERE member_id = ? ORDER BY node_id", (member["id"],)
    )
    for vote in voted:
        withdraw(db, map_id, vote["node_id"], vote["value"], who)


def clean_sort(value: str | None) -> str | None:
    """The order asked for: the map's (None, the default) or "votes" (strongest first)."""
    if value is None or value == "":
        return None
    if value != "votes":
        raise ValidationError(
            f"sort must be votes (strongest first) or left out, not {value[:40]!r}.", "sort"
        )
    return value


def strongest_first(items: list[dict], tally: dict) -> list[dict]:
    """Items ({"node": ...}) sorted by their node's votes: mean, then count, high first."""

    def key(item: dict) -> tuple:
        found = tally.get(item["node"]["id"])
        if not found:
            return (1, 0.0, 0, item["node"]["id"])
        return (0, -found["mean"], -found["count"], item["node"]["id"])

    return sorted(items, key=key)


def export(db: Database, map_id: int, hidden: set[int] | frozenset = frozenset()) -> list[dict]:
    """The map's votes for argmap JSON: node key, voter key ("voter-1", ...), value.

    Voters are numbered, never named: nobody's single vote is shown anywhere in argmap.
    """
    found = rows(
        db,
        "SELECT node_id, member_id, value FROM votes WHERE map_id = ? ORDER BY node_id, member_id",
        (map_id,),
    )
    numbers: dict[int, int] = {}
    for r in sorted(found, key=lambda r: r["member_id"]):
        numbers.setdefault(r["member_id"], len(numbers) + 1)
    return [
        {
            "node": str(r["node_id"]),
            "voter": f"voter-{numbers[r['member_id']]}",
            "value": r["value"],
        }
        for r in found
        if r["node_id"] not in hidden
    ]


def import_votes(db: Database, map_id: int, found: list[dict], ids: dict[str, int]) -> None:
    """Write a file's votes into a new map: each voter becomes a member of it of their own.

    The people of the file are not this database's: each voter is kept as a viewer named
    "Imported voter N" whom nobody can sign in as (no account, a join secret nobody holds),
    so the counts and means stay as they were; an owner who removes one removes their votes.
    """
    voters: dict[str, int] = {}
    for vote in found:
        if vote["voter"] not in voters:
            voters[vote["voter"]] = db.execute(
                "INSERT INTO members (map_id, user_id, name, role, secret_hash, created_at)"
                " VALUES (?, NULL, ?, 'viewer', ?, ?)",
                (
                    map_id,
                    f"Imported voter {len(voters) + 1}",
                    digest(secrets.token_urlsafe(24)),
                    now(),
                ),
            ).lastrowid
        db.execute(
            "INSERT INTO votes (map_id, node_id, member_id, value, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (map_id, ids[vote["node"]], voters[vote["voter"]], vote["value"], now()),
        )
