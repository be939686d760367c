"""Node and link rows: as the API and the history show them, and as the tables store them."""

from __future__ import annotations

import json

from .shapes import shape_values

# Each field as the API names it, and the column that stores it.
NODE_COLUMNS = {
    "kind": "kind",
    "text": "text",
    "quote": "quote",
    "source": "source",
    "parent_id": "parent_id",
    "group": "grp",
    "undercut": "undercut",
    "tags": "tags",
}
LINK_COLUMNS = {
    "from_id": "from_id",
    "to_id": "to_id",
    "relation": "relation",
    "group": "grp",
    "undercut": "undercut",
}


def shown(found: dict, columns: dict[str, str]) -> dict:
    """A row's fields by their API names, undercut as a boolean."""
    fields = {"id": found["id"], **{name: found[column] for name, column in columns.items()}}
    return {**fields, "undercut": bool(found["undercut"])}


def stored(fields: dict, columns: dict[str, str]) -> dict:
    """Checked fields by their column names, undercut as 0 or 1."""
    values = {column: fields[name] for name, column in columns.items()}
    return {**values, "undercut": int(fields["undercut"])}


def node_dict(found: dict) -> dict:
    """A node row as the API shows it."""
    node = shown(found, NODE_COLUMNS)
    return {
        **node,
        "tags": json.loads(found["tags"]),
        "version": found["version"],
        "author_member": found["author_member"],
        "author_name": found["author_name"],
        "hidden": bool(found["hidden"]),
    }


def link_dict(found: dict) -> dict:
    """A link row as the API shows it."""
    return shown(found, LINK_COLUMNS)


def node_values(fields: dict, shape: dict | None = None) -> dict:
    """A node's checked fields as the nodes table stores them, with its label as drawn
    (`shape`: shapes.shape_values of the same text, made already)."""
    values = {**stored(fields, NODE_COLUMNS), "tags": json.dumps(fields["tags"])}
    return values | (shape or shape_values(fields["text"]))


def origin_values(fields: dict) -> dict:
    """Who wrote a node and whether owners hid it, as the nodes table stores them."""
    return {
        "author_member": fields.get("author_member"),
        "author_name": fields.get("author_name") or "",
        "hidden": int(bool(fields.get("hidden"))),
    }


def link_values(fields: dict) -> dict:
    """A link's checked fields as the links table stores them."""
    return stored(fields, LINK_COLUMNS)


COMMENT_COLUMNS = (
    "id",
    "node_id",
    "member_id",
    "author_name",
    "body",
    "created_at",
    "edited_at",
    "resolved_at",
    "resolved_by",
    "resolved_name",
)


def comment_dict(found: dict) -> dict:
    """A comment row as events and exports keep it."""
    return {name: found[name] for name in COMMENT_COLUMNS}


def vote_tally(count: int, mean: float | None) -> dict:
    """A node's votes as the API, the stream and the pages show them: count and mean."""
    return {"count": count, "mean": round(mean, 2) if count else None}
