"""Nodes: adding and editing nodes, each change checked against the rulebook (rules.py)."""

from __future__ import annotations

from sqlite_utils import Database

from . import events, moderation, rules
from .clean import clean_bool, clean_id, clean_kind, clean_optional, clean_tags, clean_text
from .db import now, row, rows, write
from .errors import Conflict, NotFound, ValidationError
from .events import Actor
from .maps import get_map
from .model import QUOTE_MAX, SOURCE_MAX
from .records import node_dict, node_values, origin_values

CHILD_CHOICES = ("reattach", "detach", "delete")
EDITABLE = ("kind", "text", "quote", "source", "parent_id", "group", "undercut", "tags")
# The fields the shape rules check (check_shape): an edit leaving them as they were, such as
# a new text, keeps a shape that passed already (bench: a text edit on a 2,000-node map no
# longer walks every relation looking for a cycle).
SHAPE = ("kind", "parent_id", "group", "undercut")


def get_node(db: Database, map_id: int, node_id: object) -> dict:
    """The node row, or NotFound when it is not in this map."""
    number = clean_id(node_id, "node_id")
    found = row(db, "SELECT * FROM nodes WHERE id = ? AND map_id = ?", (number, map_id))
    if found is None:
        raise NotFound(f"There is no node {node_id} in this map.", "node_id")
    return found


def reaches(db: Database, map_id: int, start: int, goal: int) -> bool:
    """Whether goal is reached from start along parent edges and links."""
    found = row(
        db,
        """
        WITH RECURSIVE edges(src, dst) AS (
            SELECT id, parent_id FROM nodes WHERE map_id = :m AND parent_id IS NOT NULL
            UNION ALL
            SELECT from_id, to_id FROM links WHERE map_id = :m AND relation != 'contradiction'
        ), reach(id) AS (
            SELECT :start UNION SELECT e.dst FROM edges e JOIN reach r ON e.src = r.id
        )
        SELECT 1 AS hit FROM reach WHERE id = :goal LIMIT 1
        """,
        {"m": map_id, "start": start, "goal": goal},
    )
    return found is not None


def get_target(db: Database, map_id: int, target: int, field: str) -> dict:
    """The node a relation points to, or ValidationError naming the field when it is not here."""
    try:
        return get_node(db, map_id, target)
    except NotFound:
        raise ValidationError(f"There is no node {target} in this map.", field) from None


def check_cycle(db: Database, map_id: int, source: int, target: int, field: str) -> None:
    """The cycle rule for a relation from source to target, asking the map what reaches what."""
    rules.cycle_rule(source, target, reaches(db, map_id, target, source), field)


def kept_undercut(fields: dict, previous: dict | None) -> bool:
    """Whether an edit leaves a node's undercut as it was: set before, same kind and parent."""
    if previous is None or not previous["undercut"]:
        return False
    return (fields["kind"], fields["parent_id"]) == (previous["kind"], previous["parent_id"])


def level_of(db: Database, node_id: int) -> int:
    """How many levels below its claim a node stands."""
    return row(
        db,
        "WITH RECURSIVE up(id, d) AS (SELECT ?, 0 UNION ALL SELECT n.parent_id, up.d + 1"
        " FROM nodes n JOIN up ON n.id = up.id WHERE n.parent_id IS NOT NULL)"
        " SELECT MAX(d) AS d FROM up",
        (node_id,),
    )["d"]


def check_shape(
    db: Database, map_id: int, node_id: int | None, fields: dict, previous: dict | None = None
) -> None:
    """Check the parent, cycle, depth, group and undercut rules for a node's new fields."""
    kind, parent = fields["kind"], fields["parent_id"]
    rules.parent_rule(kind, parent)
    target = None
    if parent is not None:
        target = get_target(db, map_id, parent, "parent_id")
        if node_id is not None:
            check_cycle(db, map_id, node_id, parent, "parent_id")
        below = max((n["depth"] for n in subtree(db, node_id)), default=0) if node_id else 0
        rules.depth_rule(level_of(db, parent) + 1 + below)
    # An undercut left as it was passes even if its target lost its inference since.
    undercut = fields["undercut"] and not kept_undercut(fields, previous)
    has_parent = target is not None and target["parent_id"] is not None
    rules.inference_rule(kind, parent, fields["group"], undercut, has_parent)


def clean_fields(fields: dict) -> dict:
    """Check each field's own rules; returns them cleaned."""
    return {
        "kind": clean_kind(fields.get("kind")),
        "text": clean_text(fields.get("text")),
        "quote": clean_optional(fields.get("quote"), "quote", QUOTE_MAX),
        "source": clean_optional(fields.get("source"), "source", SOURCE_MAX),
        "parent_id": clean_id(fields.get("parent_id"), "parent_id"),
        "group": clean_id(fields.get("group"), "group"),
        "undercut": clean_bool(fields.get("undercut")),
        "tags": clean_tags(fields.get("tags")),
    }


def insert(
    db: Database,
    map_id: int,
    fields: dict,
    node_id: int | None = None,
    version: int = 1,
    shape: dict | None = None,
) -> int:
    """The one place a node is inserted (checked fields); returns its id (node_id if given).

    `shape`: its label as drawn, when made already from the same text (see portable.prepare).
    """
    stamp = now()
    values = {"id": node_id, "map_id": map_id, **node_values(fields, shape), "version": version}
    values |= origin_values(fields)
    values |= {"created_at": stamp, "updated_at": stamp}
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    return db.execute(f"INSERT INTO nodes ({columns}) VALUES ({marks})", values).lastrowid


def add_node(db: Database, map_id: int, fields: dict, actor: Actor | str = "") -> dict:
    """Add a node to a map, written by the actor; returns the new node."""
    clean = clean_fields(fields)
    who = Actor.of(actor)
    with write(db):
        get_map(db, map_id)
        moderation.check_visible(db, map_id, clean["parent_id"], who, "parent_id")
        check_shape(db, map_id, None, clean)
        author = {"author_member": who.member_id, "author_name": who.name}
        node_id = insert(db, map_id, {**clean, **author})
        node = node_dict(get_node(db, map_id, node_id))
        events.record(db, map_id, "node.add", node_id, {"after": node}, actor)
    return node


def check_version(found: dict, version: object) -> None:
    """Refuse an edit sent against an older version of the node."""
    if version is None or version == "":
        return
    if clean_id(version, "version") != found["version"]:
        raise Conflict(
            "Someone changed this node since you opened it. Compare their text with yours,"
            " then send yours again.",
            node_dict(found),
        )


def update_node(
    db: Database, map_id: int, node_id: object, changes: dict, actor: Actor | str = ""
) -> dict:
    """Change some of a node's fields; `version`, when given, must be current."""
    unknown = set(changes) - set(EDITABLE) - {"version"}
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(f"{name} is not a field of a node.", name)
    with write(db):
        found = get_node(db, map_id, node_id)
        moderation.check_edit(db, map_id, found, Actor.of(actor))
        check_version(found, changes.get("version"))
        before = node_dict(found)
        merged = {**before, **{k: v for k, v in changes.items() if k in EDITABLE}}
        if merged["kind"] == "claim" and "parent_id" not in changes:
            merged["parent_id"] = None
        clean = clean_fields(merged)
        if all(clean[field] == before[field] for field in EDITABLE):
            return before  # nothing changed: no new version, no event
        moderation.check_visible(db, map_id, clean["parent_id"], Actor.of(actor), "parent_id")
        if any(clean[field] != before[field] for field in SHAPE):
            check_shape(db, map_id, found["id"], clean, before)
        write_fields(db, found["id"], clean)
        after = node_dict(get_node(db, map_id, found["id"]))
        events.record(
            db, map_id, "node.update", found["id"], {"before": before, "after": after}, actor
        )
    return after


def write_fields(db: Database, node_id: int, clean: dict) -> None:
    """Store a node's checked fields and bump its version."""
    values = node_values(clean)
    sets = ", ".join(f"{column} = :{column}" for column in values)
    db.execute(
        f"UPDATE nodes SET {sets}, version = version + 1, updated_at = :stamp WHERE id = :id",
        {**values, "stamp": now(), "id": node_id},
    )


def children(db: Database, node_id: int) -> list[dict]:
    """The nodes whose parent is this node, in id order."""
    return rows(db, "SELECT * FROM nodes WHERE parent_id = ? ORDER BY id", (node_id,))


def subtree(db: Database, node_id: int) -> list[dict]:
    """This node and every node below it through parent edges, parents first."""
    found = rows(
        db,
        "WITH RECURSIVE sub(id, depth) AS (SELECT ?, 0 UNION ALL"
        " SELECT n.id, s.depth + 1 FROM nodes n JOIN sub s ON n.parent_id = s.id)"
        " SELECT n.*, s.depth FROM sub s JOIN nodes n ON n.id = s.id ORDER BY s.depth, n.id",
        (node_id,),
    )
    return found
