"""Links: further relations between nodes of a map, beside each node's parent."""

from __future__ import annotations

from sqlite_utils import Database

from . import events
from .db import row, write
from .errors import NotFound, ValidationError
from .formats.model import LINK_RELATIONS
from .maps import get_map, link_dict
from .nodes import check_target, clean_bool, clean_id, get_node


def clean_relation(value: object) -> str:
    """support, counter or contradiction, or ValidationError."""
    if value not in LINK_RELATIONS:
        raise ValidationError(
            f"Unknown relation {value!r}: choose support, counter or contradiction.", "relation"
        )
    return value


def check_link(db: Database, map_id: int, source: dict, target_id: int, fields: dict) -> None:
    """Refuse a link that repeats a relation or would form a cycle."""
    if source["id"] == target_id:
        raise ValidationError("A node cannot be linked to itself.", "to_id")
    if source["parent_id"] == target_id and source["grp"] == fields["group"]:
        raise ValidationError("That node is already this node's parent.", "to_id")
    if fields["relation"] == "contradiction":
        check_target(db, map_id, None, target_id, "to_id")
    else:
        check_target(db, map_id, source["id"], target_id, "to_id")
    repeat = row(
        db,
        "SELECT 1 FROM links WHERE (from_id = :a AND to_id = :b AND grp IS :g)"
        " OR (from_id = :b AND to_id = :a)",
        {"a": source["id"], "b": target_id, "g": fields["group"]},
    )
    if repeat:
        raise ValidationError("These two nodes are already linked.", "to_id")
    if fields["undercut"]:
        target = get_node(db, map_id, target_id)
        if fields["relation"] != "counter" or target["parent_id"] is None:
            raise ValidationError(
                "Only a counter link to a support or counter can undercut its inference.",
                "undercut",
            )


def add_link(db: Database, map_id: int, fields: dict, actor: str = "") -> dict:
    """Link one node to another; returns the link."""
    clean = {
        "from_id": clean_id(fields.get("from_id"), "from_id"),
        "to_id": clean_id(fields.get("to_id"), "to_id"),
        "relation": clean_relation(fields.get("relation")),
        "group": clean_id(fields.get("group"), "group"),
        "undercut": clean_bool(fields.get("undercut")),
    }
    for name in ("from_id", "to_id"):
        if clean[name] is None:
            raise ValidationError(f"Choose the node for {name}.", name)
    with write(db):
        get_map(db, map_id)
        try:
            source = get_node(db, map_id, clean["from_id"])
        except NotFound:
            raise ValidationError(
                f"There is no node {clean['from_id']} in this map.", "from_id"
            ) from None
        check_link(db, map_id, source, clean["to_id"], clean)
        cursor = db.execute(
            "INSERT INTO links (map_id, from_id, to_id, relation, grp, undercut)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (map_id, clean["from_id"], clean["to_id"], clean["relation"], clean["group"],
             int(clean["undercut"])),
        )  # fmt: skip
        link = link_dict(row(db, "SELECT * FROM links WHERE id = ?", (cursor.lastrowid,)))
        events.record(db, map_id, "link.add", clean["from_id"], {"after": link}, actor)
    return link


def delete_link(db: Database, map_id: int, link_id: object, actor: str = "") -> dict:
    """Remove a link; returns it as it was."""
    number = clean_id(link_id, "link_id")
    with write(db):
        found = row(db, "SELECT * FROM links WHERE id = ? AND map_id = ?", (number, map_id))
        if found is None:
            raise NotFound(f"There is no link {link_id} in this map.", "link_id")
        db.execute("DELETE FROM links WHERE id = ?", (number,))
        link = link_dict(found)
        events.record(db, map_id, "link.delete", found["from_id"], {"before": link}, actor)
    return link
