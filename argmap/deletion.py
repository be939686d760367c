"""Deleting a node, and what becomes of the nodes about it."""

from __future__ import annotations

from sqlite_utils import Database

from . import comments, events, moderation
from .db import rows, write
from .errors import ValidationError
from .events import Actor
from .nodes import CHILD_CHOICES, check_version, children, get_node, subtree
from .records import link_dict, node_dict

CHOICE_LABELS = {
    "reattach": "Move them up to this node's parent (they become claims if it has none)",
    "detach": "Keep them as claims of their own",
    "delete": "Delete them too, with everything below them",
}


def clean_choice(choice: object, count: int) -> str | None:
    """The choice for the nodes about a node; required when there are any."""
    if count == 0:
        return None
    if choice not in CHILD_CHOICES:
        raise ValidationError(
            f"{count} node{'s are' if count != 1 else ' is'} about this node: choose what"
            f" becomes of {'them' if count != 1 else 'it'} (reattach, detach or delete).",
            "children",
        )
    return choice


def links_touching(db: Database, node_ids: list[int]) -> list[dict]:
    """Every link from or to one of these nodes."""
    marks = ",".join("?" * len(node_ids))
    return rows(
        db,
        f"SELECT * FROM links WHERE from_id IN ({marks}) OR to_id IN ({marks}) ORDER BY id",
        node_ids + node_ids,
    )


def move_children(db: Database, found: dict, choice: str) -> list[dict]:
    """Reattach or detach the node's children; returns them as they were."""
    moved = [node_dict(c) for c in children(db, found["id"])]
    parent = found["parent_id"] if choice == "reattach" else None
    for child in moved:
        if parent is None:
            db.execute(
                "UPDATE nodes SET parent_id = NULL, kind = 'claim', grp = NULL, undercut = 0,"
                " version = version + 1 WHERE id = ?",
                (child["id"],),
            )
        else:
            db.execute(
                "UPDATE nodes SET parent_id = ?, undercut = 0, version = version + 1 WHERE id = ?",
                (parent, child["id"]),
            )
    return moved


def delete_node(
    db: Database,
    map_id: int,
    node_id: object,
    choice: object = None,
    version: object = None,
    actor: Actor | str = "",
) -> dict:
    """Delete a node; its children are reattached, detached or deleted as chosen."""
    with write(db):
        found = get_node(db, map_id, node_id)
        moderation.check_delete(db, map_id, found, Actor.of(actor))
        check_version(found, version)
        choice = clean_choice(choice, len(children(db, found["id"])))
        unseen = found["id"] in moderation.hidden_ids(db, map_id)  # students never saw it
        doomed = subtree(db, found["id"]) if choice == "delete" else [found]
        moved = move_children(db, found, choice) if choice in ("reattach", "detach") else []
        ids = [n["id"] for n in doomed]
        lost_links = [link_dict(li) for li in links_touching(db, ids)]
        lost_comments = comments.of_nodes(db, ids)  # they go with their nodes, undo brings them
        for node in reversed(doomed):
            db.execute("DELETE FROM nodes WHERE id = ?", (node["id"],))
        data = {
            "before": node_dict(found),
            "deleted": [node_dict(n) for n in doomed],
            "links": lost_links,
            "moved": moved,
            "choice": choice,
        }
        if lost_comments:
            data["comments"] = lost_comments
        if unseen:
            data["unseen"] = True
        events.record(db, map_id, "node.delete", found["id"], data, actor)
    return data
