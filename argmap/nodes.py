"""Nodes: the rules of the model, and adding, editing and deleting nodes."""

from __future__ import annotations

import json

from sqlite_utils import Database

from . import events
from .db import now, row, rows, write
from .errors import Conflict, NotFound, ValidationError
from .formats.model import KINDS, MAX_DEPTH
from .maps import get_map, node_dict, tidy
from .web.ids import MAX_ID

TEXT_MAX = 1000
QUOTE_MAX = 2000
SOURCE_MAX = 2000
TAG_MAX, TAGS_MAX = 40, 20
CHILD_CHOICES = ("reattach", "detach", "delete")
EDITABLE = ("kind", "text", "quote", "source", "parent_id", "group", "undercut", "tags")


def clean_text(value: object, field: str = "text") -> str:
    """A node text tidied and trimmed to 1 to 1,000 characters, or ValidationError."""
    if value is not None and not isinstance(value, str):
        raise ValidationError("The node's text must be a string.", field)
    value = tidy(value or "", field=field)
    if not value:
        raise ValidationError("Write the node's text; it cannot be empty.", field)
    if len(value) > TEXT_MAX:
        raise ValidationError(
            f"The text is {len(value)} characters long; shorten it to {TEXT_MAX} at most.", field
        )
    return value


def clean_optional(value: object, field: str, limit: int) -> str:
    """An optional text (quote, source) trimmed to its limit, or ValidationError."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"The {field} must be text.", field)
    value = tidy(value, one_line=field == "source", field=field)
    if len(value) > limit:
        raise ValidationError(
            f"The {field} is {len(value)} characters long; shorten it to {limit} at most.", field
        )
    return value


def clean_kind(value: object) -> str:
    """One of claim, support, counter, or ValidationError."""
    if value not in KINDS:
        raise ValidationError(f"Unknown kind {value!r}: choose claim, support or counter.", "kind")
    return value


def clean_id(value: object, field: str) -> int | None:
    """An optional positive integer id (blank means none), or ValidationError."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValidationError(f"{field} must be a whole number, not {value!r}.", field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{field} must be a whole number, not {value!r}.", field) from None
    if not 1 <= number <= MAX_ID:
        raise ValidationError(f"{field} must be a whole number from 1 to {MAX_ID}.", field)
    return number


def clean_tags(value: object) -> list[str]:
    """A list of short tags; a comma-separated string is split."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValidationError("Tags must be a list of words.", "tags")
    tags = [tag for t in value if (tag := tidy(t, one_line=True, field="tags"))]
    if len(tags) > TAGS_MAX or any(len(t) > TAG_MAX for t in tags):
        raise ValidationError(
            f"Use at most {TAGS_MAX} tags of at most {TAG_MAX} characters each.", "tags"
        )
    return list(dict.fromkeys(tags))


def clean_bool(value: object) -> bool:
    """A checkbox or JSON boolean."""
    return value in (True, 1, "1", "true", "on", "yes")


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


def check_target(db: Database, map_id: int, node_id: int | None, target: int, field: str) -> dict:
    """The target node, if it is in this map and relating to it forms no cycle."""
    try:
        found = get_node(db, map_id, target)
    except NotFound:
        raise ValidationError(f"There is no node {target} in this map.", field) from None
    if node_id is not None and (target == node_id or reaches(db, map_id, target, node_id)):
        raise ValidationError(
            f"Node {target} already rests on this node; relating them would form a cycle.", field
        )
    return found


def kept_undercut(fields: dict, previous: dict | None) -> bool:
    """Whether an edit leaves a node's undercut as it was: set before, same kind and parent."""
    if previous is None or not previous["undercut"]:
        return False
    return (fields["kind"], fields["parent_id"]) == (previous["kind"], previous["parent_id"])


def check_depth(db: Database, parent: int, node_id: int | None) -> None:
    """Refuse to nest nodes more than MAX_DEPTH levels below their claim."""
    above = row(
        db,
        "WITH RECURSIVE up(id, d) AS (SELECT ?, 0 UNION ALL SELECT n.parent_id, up.d + 1"
        " FROM nodes n JOIN up ON n.id = up.id WHERE n.parent_id IS NOT NULL)"
        " SELECT MAX(d) AS d FROM up",
        (parent,),
    )["d"]
    below = max((n["depth"] for n in subtree(db, node_id)), default=0) if node_id else 0
    if above + 1 + below > MAX_DEPTH:
        raise ValidationError(
            f"That would nest nodes more than {MAX_DEPTH} levels below their claim:"
            " choose a node higher up.",
            "parent_id",
        )


def check_shape(
    db: Database, map_id: int, node_id: int | None, fields: dict, previous: dict | None = None
) -> None:
    """Check the parent, group and undercut rules for a node's new fields."""
    kind, parent = fields["kind"], fields["parent_id"]
    if kind == "claim" and parent is not None:
        raise ValidationError(
            "A claim stands on its own: choose support or counter to put it under a node.",
            "parent_id",
        )
    if kind != "claim" and parent is None:
        raise ValidationError(f"A {kind} needs a parent: choose the node it is about.", "parent_id")
    if parent is not None:
        target = check_target(db, map_id, node_id, parent, "parent_id")
        check_depth(db, parent, node_id)
        # An undercut left as it was passes even if its target lost its inference since.
        no_inference = kind != "counter" or target["parent_id"] is None
        if fields["undercut"] and no_inference and not kept_undercut(fields, previous):
            raise ValidationError(
                "Only a counter of a support or counter can object to the inference (undercut).",
                "undercut",
            )
    elif fields["undercut"] or fields["group"] is not None:
        raise ValidationError("A claim has no inference to group or undercut.", "group")


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


def insert(db: Database, map_id: int, fields: dict) -> int:
    """Insert a checked node; returns its id."""
    stamp = now()
    cursor = db.execute(
        "INSERT INTO nodes (map_id, kind, text, quote, source, parent_id, grp, undercut, tags,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            map_id, fields["kind"], fields["text"], fields["quote"], fields["source"],
            fields["parent_id"], fields["group"], int(fields["undercut"]),
            json.dumps(fields["tags"]), stamp, stamp,
        ),
    )  # fmt: skip
    return cursor.lastrowid


def add_node(db: Database, map_id: int, fields: dict, actor: str = "") -> dict:
    """Add a node to a map; returns the new node."""
    clean = clean_fields(fields)
    with write(db):
        get_map(db, map_id)
        check_shape(db, map_id, None, clean)
        node_id = insert(db, map_id, clean)
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


def update_node(db: Database, map_id: int, node_id: object, changes: dict, actor: str = "") -> dict:
    """Change some of a node's fields; `version`, when given, must be current."""
    unknown = set(changes) - set(EDITABLE) - {"version"}
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(f"{name} is not a field of a node.", name)
    with write(db):
        found = get_node(db, map_id, node_id)
        check_version(found, changes.get("version"))
        before = node_dict(found)
        merged = {**before, **{k: v for k, v in changes.items() if k in EDITABLE}}
        if merged["kind"] == "claim" and "parent_id" not in changes:
            merged["parent_id"] = None
        clean = clean_fields(merged)
        if all(clean[field] == before[field] for field in EDITABLE):
            return before  # nothing changed: no new version, no event
        check_shape(db, map_id, found["id"], clean, before)
        write_fields(db, found["id"], clean)
        after = node_dict(get_node(db, map_id, found["id"]))
        events.record(
            db, map_id, "node.update", found["id"], {"before": before, "after": after}, actor
        )
    return after


def write_fields(db: Database, node_id: int, clean: dict) -> None:
    """Store a node's checked fields and bump its version."""
    db.execute(
        "UPDATE nodes SET kind = ?, text = ?, quote = ?, source = ?, parent_id = ?, grp = ?,"
        " undercut = ?, tags = ?, version = version + 1, updated_at = ? WHERE id = ?",
        (
            clean["kind"], clean["text"], clean["quote"], clean["source"], clean["parent_id"],
            clean["group"], int(clean["undercut"]), json.dumps(clean["tags"]), now(), node_id,
        ),
    )  # fmt: skip


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
