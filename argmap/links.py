"""Links: further relations between nodes of a map, beside each node's parent."""

from __future__ import annotations

from sqlite_utils import Database

from . import events, moderation, rules
from .clean import clean_bool, clean_id, clean_relation
from .db import row, write
from .errors import NotFound, ValidationError
from .events import Actor
from .maps import get_map
from .nodes import check_cycle, get_target
from .records import link_dict, link_values


def linked(db: Database, source: int, target: int, group: int | None) -> bool:
    """Whether a link already relates the two nodes: same way and group, or the other way."""
    found = row(
        db,
        "SELECT 1 AS x FROM links WHERE (from_id = :a AND to_id = :b AND grp IS :g)"
        " OR (from_id = :b AND to_id = :a)",
        {"a": source, "b": target, "g": group},
    )
    return found is not None


def check_link(db: Database, map_id: int, source: dict, target_id: int, fields: dict) -> None:
    """The link rules: no self link, no repeated relation, no cycle, undercuts of inferences."""
    rules.self_rule(source["id"], target_id)
    is_parent = source["parent_id"] == target_id and source["grp"] == fields["group"]
    rules.parent_repeat_rule(is_parent)
    target = get_target(db, map_id, target_id, "to_id")
    if fields["relation"] != "contradiction":
        check_cycle(db, map_id, source["id"], target_id, "to_id")
    rules.repeat_rule(linked(db, source["id"], target_id, fields["group"]))
    rules.link_undercut_rule(
        fields["relation"], fields["undercut"], target["parent_id"] is not None
    )


def insert(db: Database, map_id: int, fields: dict, link_id: int | None = None) -> dict:
    """The one place a link is inserted (checked fields); returns it as the API shows it."""
    values = {"id": link_id, "map_id": map_id, **link_values(fields)}
    columns = ", ".join(values)
    marks = ", ".join(f":{column}" for column in values)
    cursor = db.execute(f"INSERT INTO links ({columns}) VALUES ({marks})", values)
    return link_dict(row(db, "SELECT * FROM links WHERE id = ?", (cursor.lastrowid,)))


def clean_link(fields: dict) -> dict:
    """Check each field of a link on its own; returns them cleaned."""
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
    return clean


def add_link(db: Database, map_id: int, fields: dict, actor: Actor | str = "") -> dict:
    """Link one node to another; returns the link."""
    clean = clean_link(fields)
    with write(db):
        get_map(db, map_id)
        source = get_target(db, map_id, clean["from_id"], "from_id")
        moderation.check_visible(db, map_id, clean["from_id"], Actor.of(actor), "from_id")
        moderation.check_visible(db, map_id, clean["to_id"], Actor.of(actor), "to_id")
        check_link(db, map_id, source, clean["to_id"], clean)
        link = insert(db, map_id, clean)
        events.record(db, map_id, "link.add", clean["from_id"], {"after": link}, actor)
    return link


def delete_link(db: Database, map_id: int, link_id: object, actor: Actor | str = "") -> dict:
    """Remove a link; returns it as it was."""
    number = clean_id(link_id, "link_id")
    with write(db):
        found = row(db, "SELECT * FROM links WHERE id = ? AND map_id = ?", (number, map_id))
        if found is None:
            raise NotFound(f"There is no link {link_id} in this map.", "link_id")
        moderation.check_link(db, map_id, found, Actor.of(actor))
        db.execute("DELETE FROM links WHERE id = ?", (number,))
        link = link_dict(found)
        events.record(db, map_id, "link.delete", found["from_id"], {"before": link}, actor)
    return link
