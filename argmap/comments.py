"""Comments: a thread per node about its wording and evidence, not a new claim.

Whoever may edit a map comments on the nodes they can see; whoever reads the map reads the
comments of the nodes they can see (a comment is hidden with its node from students). A
comment is edited by its author alone and deleted by its author or an owner; each comment is
resolved and reopened by the node's author or an owner. Every change is an event (actions
`comment.*`) in the change's transaction: in the history, undoable, sent live. A node's
deletion takes its comments along in the event's data, and undoing it brings them back. The
rules are in rules.py.
"""

from __future__ import annotations

from typing import Protocol

from sqlite_utils import Database

from . import events, moderation, nodes, rules
from .clean import tidy, too_long
from .db import now, row, rows, write
from .errors import Conflict, NotFound, ValidationError
from .events import Actor
from .records import comment_dict


class Seen(Protocol):
    """How one reader sees the map's people (authors.Names)."""

    real: dict[int, str]

    def shown(self, member_id: int | None, name: str) -> str: ...


def clean_body(value: object) -> str:
    """A comment's text: tidied, 1 to COMMENT_MAX characters, or ValidationError."""
    if value is not None and not isinstance(value, str):
        raise ValidationError("The comment must be text.", "body")
    body = tidy(value or "", field="body")
    if not body:
        raise ValidationError("Write your comment; it cannot be empty.", "body")
    too_long("comment", body, rules.COMMENT_MAX, "body")
    return body


def shown(comment: dict, seen: Seen) -> dict:
    """A comment as this reader sees it: names (animal names too) instead of stored names."""
    member = comment.get("member_id")
    author = seen.shown(member, seen.real.get(member) or comment.get("author_name") or "")
    resolver = comment.get("resolved_by")
    resolved_name = seen.real.get(resolver) or comment.get("resolved_name") or ""
    return {
        "id": comment["id"],
        "node_id": comment["node_id"],
        "member_id": member,
        "author": author,
        "body": comment["body"],
        "created_at": comment["created_at"],
        "edited_at": comment.get("edited_at"),
        "resolved": comment.get("resolved_at") is not None,
        "resolved_at": comment.get("resolved_at"),
        "resolved_by": seen.shown(resolver, resolved_name) if comment.get("resolved_at") else "",
    }


def of_map(db: Database, map_id: int, seen: Seen, hidden: set[int] = frozenset()) -> list[dict]:
    """Every comment of the map as this reader sees it, oldest first, none of hidden nodes."""
    found = rows(db, "SELECT * FROM comments WHERE map_id = ? ORDER BY id", (map_id,))
    return [shown(c, seen) for c in found if c["node_id"] not in hidden]


def thread(db: Database, map_id: int, node_id: int, seen: Seen) -> list[dict]:
    """One node's comments as this reader sees them, oldest first."""
    found = rows(
        db,
        "SELECT * FROM comments WHERE map_id = ? AND node_id = ? ORDER BY id",
        (map_id, node_id),
    )
    return [shown(c, seen) for c in found]


def get_node(db: Database, map_id: int, node_id: object, actor: Actor) -> dict:
    """The node a thread belongs to, or NotFound (a node hidden from a student is not there)."""
    found = nodes.get_node(db, map_id, node_id)
    moderation.check_visible(db, map_id, found["id"], actor, "node_id")
    return found


def get_comment(db: Database, map_id: int, comment_id: object, actor: Actor) -> dict:
    """The comment row, or NotFound (nor a comment of a node hidden from a student)."""
    found = row(db, "SELECT * FROM comments WHERE id = ? AND map_id = ?", (comment_id, map_id))
    gone = NotFound(f"There is no comment {comment_id} in this map.", "comment_id")
    if found is None:
        raise gone
    if actor.student and found["node_id"] in moderation.hidden_ids(db, map_id):
        raise gone
    return found


def add(db: Database, map_id: int, node_id: object, body: object, actor: Actor | str = "") -> dict:
    """Comment on a node; returns the new comment as stored."""
    who = Actor.of(actor)
    text = clean_body(body)
    with write(db):
        node = get_node(db, map_id, node_id, who)
        comment_id = db.execute(
            "INSERT INTO comments (map_id, node_id, member_id, author_name, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (map_id, node["id"], who.member_id, who.name, text, now()),
        ).lastrowid
        after = stored(db, comment_id)
        events.record(db, map_id, "comment.add", node["id"], {"after": after}, who)
    return after


def stored(db: Database, comment_id: int) -> dict:
    """The comment as the table holds it now."""
    return comment_dict(row(db, "SELECT * FROM comments WHERE id = ?", (comment_id,)))


def edit(
    db: Database, map_id: int, comment_id: object, body: object, actor: Actor | str = ""
) -> dict:
    """Change a comment's text (its author only); unchanged text writes nothing."""
    who = Actor.of(actor)
    text = clean_body(body)
    with write(db):
        found = get_comment(db, map_id, comment_id, who)
        rules.comment_edit_rule(found["member_id"], who.member_id)
        before = comment_dict(found)
        if before["body"] == text:
            return before
        db.execute(
            "UPDATE comments SET body = ?, edited_at = ? WHERE id = ?", (text, now(), found["id"])
        )
        after = stored(db, found["id"])
        data = {"before": before, "after": after}
        events.record(db, map_id, "comment.edit", found["node_id"], data, who)
    return after


def delete(db: Database, map_id: int, comment_id: object, actor: Actor | str = "") -> dict:
    """Delete a comment (its author, or an owner); returns it as it was."""
    who = Actor.of(actor)
    with write(db):
        found = get_comment(db, map_id, comment_id, who)
        rules.comment_delete_rule(found["member_id"], who.member_id, not who.student)
        before = comment_dict(found)
        db.execute("DELETE FROM comments WHERE id = ?", (found["id"],))
        events.record(db, map_id, "comment.delete", found["node_id"], {"before": before}, who)
    return before


def set_resolved(
    db: Database, map_id: int, comment_id: object, resolved: bool, actor: Actor | str = ""
) -> dict:
    """Resolve or reopen a comment (the node's author, or an owner); no change writes nothing."""
    who = Actor.of(actor)
    with write(db):
        found = get_comment(db, map_id, comment_id, who)
        node = row(db, "SELECT author_member FROM nodes WHERE id = ?", (found["node_id"],))
        rules.comment_resolve_rule(node["author_member"], who.member_id, not who.student)
        before = comment_dict(found)
        if (before["resolved_at"] is not None) == resolved:
            return before
        values = (now(), who.member_id, who.name) if resolved else (None, None, "")
        db.execute(
            "UPDATE comments SET resolved_at = ?, resolved_by = ?, resolved_name = ? WHERE id = ?",
            (*values, found["id"]),
        )
        after = stored(db, found["id"])
        action = "comment.resolve" if resolved else "comment.reopen"
        events.record(db, map_id, action, found["node_id"], {"before": before, "after": after}, who)
    return after


def insert(db: Database, map_id: int, comment: dict, node_id: int) -> dict:
    """Put a comment back (an undone deletion), under its id if still free; returns it."""
    taken = row(db, "SELECT 1 AS x FROM comments WHERE id = ?", (comment["id"],))
    values = {**comment, "id": None if taken else comment["id"], "node_id": node_id}
    values["map_id"] = map_id
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    new_id = db.execute(f"INSERT INTO comments ({columns}) VALUES ({marks})", values).lastrowid
    return stored(db, new_id)


def restore(db: Database, map_id: int, comment: dict, actor: Actor | str = "") -> dict:
    """Bring back a deleted comment (its author, or an owner), if its node is still here."""
    who = Actor.of(actor)
    with write(db):
        rules.comment_delete_rule(comment["member_id"], who.member_id, not who.student)
        node = row(
            db, "SELECT id FROM nodes WHERE id = ? AND map_id = ?", (comment["node_id"], map_id)
        )
        if node is None:
            raise Conflict(
                "The node this comment was about is gone: undo that node's deletion first.",
                None,
                "event_id",
            )
        after = insert(db, map_id, comment, node["id"])
        events.record(db, map_id, "comment.restore", node["id"], {"after": after}, who)
    return after


def of_nodes(db: Database, node_ids: list[int]) -> list[dict]:
    """The comments of these nodes (a deletion keeps them in its event)."""
    marks = ",".join("?" * len(node_ids))
    found = rows(db, f"SELECT * FROM comments WHERE node_id IN ({marks}) ORDER BY id", node_ids)
    return [comment_dict(c) for c in found]


def bring_back(db: Database, map_id: int, kept: list[dict], ids: dict[int, int]) -> list[dict]:
    """The comments of restored nodes, back under the nodes' (maybe new) ids."""
    return [insert(db, map_id, c, ids[c["node_id"]]) for c in kept if c["node_id"] in ids]


def counts(found: list[dict]) -> dict[int, tuple[int, int]]:
    """Each node's number of comments and of open (unresolved) ones, for the outline's marks."""
    tally: dict[int, tuple[int, int]] = {}
    for comment in found:
        total, still_open = tally.get(comment["node_id"], (0, 0))
        tally[comment["node_id"]] = (total + 1, still_open + (not comment["resolved"]))
    return tally


def export_parts(db: Database, map_id: int, seen: Seen, hidden: set[int]) -> list[dict]:
    """The comments as argmap JSON keeps them, names as this reader sees them (node ids as keys).

    None of the `hidden` nodes' comments.
    """
    return [
        {
            "node_id": str(c["node_id"]),
            "author": c["author"],
            "body": c["body"],
            "created_at": c["created_at"],
            "edited_at": c["edited_at"],
            "resolved_at": c["resolved_at"],
            "resolved_by": c["resolved_by"] or None,
        }
        for c in of_map(db, map_id, seen, hidden)
    ]


def import_parts(db: Database, map_id: int, found: list[dict], ids: dict[str, int]) -> list[str]:
    """Write a file's comments into a new map (under their authors' names); returns warnings."""
    warnings = []
    for index, comment in enumerate(found):
        try:
            body = clean_body(comment["body"])
        except ValidationError as error:
            warnings.append(f"Comment {index + 1} left out: {error.message}")
            continue
        resolved = comment.get("resolved_at")
        db.execute(
            "INSERT INTO comments (map_id, node_id, author_name, body, created_at, edited_at,"
            " resolved_at, resolved_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                map_id,
                ids[comment["node_id"]],
                (comment.get("author") or "")[:200],
                body,
                comment.get("created_at") or now(),
                comment.get("edited_at"),
                resolved,
                (comment.get("resolved_by") or "")[:200] if resolved else "",
            ),
        )
    return warnings
