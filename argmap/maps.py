"""Maps: create, list, rename, delete, and load a whole map."""

from __future__ import annotations

import json
import re

from sqlite_utils import Database

from . import events
from .db import now, row, rows, write
from .errors import NotFound, ValidationError

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def short(text: str, width: int = 60) -> str:
    """A text cut to fit a message."""
    return text if len(text) <= width else text[: width - 1] + "…"


def tidy(text: str, one_line: bool = False, field: str = "text") -> str:
    """Text as stored: trimmed, line breaks as \\n, tabs as spaces, control characters dropped."""
    if SURROGATE.search(text):
        raise ValidationError(
            f"The {field} text has characters that are not valid Unicode (half of an emoji?):"
            f" type or paste the {field} again.",
            field,
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if one_line:
        text = text.replace("\n", " ")
    return CONTROL.sub("", text).strip()


def clean_title(title: object) -> str:
    """A trimmed title of 1 to 200 characters, or ValidationError."""
    title = tidy(title, one_line=True, field="title") if isinstance(title, str) else ""
    if not title:
        raise ValidationError("Give the map a title.", "title")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            f"The title is {len(title)} characters long; shorten it to {TITLE_MAX} at most.",
            "title",
        )
    return title


def clean_description(description: object) -> str:
    """A trimmed description of at most 2,000 characters, or ValidationError."""
    if description is None:
        return ""
    if not isinstance(description, str):
        raise ValidationError("The description must be text.", "description")
    description = tidy(description, field="description")
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(
            f"The description is {len(description)} characters long;"
            f" shorten it to {DESCRIPTION_MAX} at most.",
            "description",
        )
    return description


def list_maps(db: Database) -> list[dict]:
    """Every map with its node count, newest change first."""
    return rows(
        db,
        "SELECT m.id, m.title, m.description, m.revision, m.updated_at,"
        " (SELECT COUNT(*) FROM nodes n WHERE n.map_id = m.id) AS node_count"
        " FROM maps m ORDER BY m.updated_at DESC, m.id DESC",
    )


def get_map(db: Database, map_id: int) -> dict:
    """The map's own fields, or NotFound."""
    found = row(db, "SELECT * FROM maps WHERE id = ?", (map_id,))
    if found is None:
        raise NotFound(f"There is no map {map_id}.", "map_id")
    return found


def create_map(
    db: Database,
    title: object,
    description: object = "",
    actor: str = "",
    origin: str | None = None,
) -> int:
    """Create an empty map; returns its id."""
    title, description = clean_title(title), clean_description(description)
    stamp = now()
    with write(db):
        cursor = db.execute(
            "INSERT INTO maps (title, description, origin, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (title, description, origin, stamp, stamp),
        )
        map_id = cursor.lastrowid
        events.record(db, map_id, "map.create", data={"after": {"title": title}}, actor=actor)
    return map_id


def update_map(
    db: Database, map_id: int, title: object, description: object, actor: str = ""
) -> bool:
    """Rename a map and set its description; False when that changes nothing (nothing written)."""
    title, description = clean_title(title), clean_description(description)
    with write(db):
        before = get_map(db, map_id)
        if (before["title"], before["description"]) == (title, description):
            return False
        db.execute(
            "UPDATE maps SET title = ?, description = ? WHERE id = ?", (title, description, map_id)
        )
        data = {
            "before": {"title": before["title"], "description": before["description"]},
            "after": {"title": title, "description": description},
        }
        events.record(db, map_id, "map.update", data=data, actor=actor)
    return True


def delete_map(db: Database, map_id: int) -> None:
    """Delete a map with all its nodes, links, events and renders."""
    with write(db):
        get_map(db, map_id)
        db.execute("UPDATE nodes SET parent_id = NULL WHERE map_id = ?", (map_id,))
        db.execute("DELETE FROM maps WHERE id = ?", (map_id,))


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


def load(db: Database, map_id: int) -> dict:
    """The whole map: its fields, nodes in id order and links in a stable order."""
    found = get_map(db, map_id)
    nodes = rows(db, "SELECT * FROM nodes WHERE map_id = ? ORDER BY id", (map_id,))
    links = rows(db, "SELECT * FROM links WHERE map_id = ? ORDER BY from_id, to_id, id", (map_id,))
    return {
        "id": found["id"],
        "title": found["title"],
        "description": found["description"],
        "revision": found["revision"],
        "nodes": [node_dict(n) for n in nodes],
        "links": [link_dict(li) for li in links],
    }
