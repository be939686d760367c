"""Database rows as the API and the history show them: a node, a link."""

from __future__ import annotations

import json


def node_dict(found: dict) -> dict:
    """A node row as the API shows it."""
    return {
        "id": found["id"],
        "kind": found["kind"],
        "text": found["text"],
        "quote": found["quote"],
        "source": found["source"],
        "parent_id": found["parent_id"],
        "group": found["grp"],
        "undercut": bool(found["undercut"]),
        "tags": json.loads(found["tags"]),
        "version": found["version"],
    }


def link_dict(found: dict) -> dict:
    """A link row as the API shows it."""
    return {
        "id": found["id"],
        "from_id": found["from_id"],
        "to_id": found["to_id"],
        "relation": found["relation"],
        "group": found["grp"],
        "undercut": bool(found["undercut"]),
    }
