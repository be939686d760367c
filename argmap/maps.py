"""Maps: create, list, rename, delete, and load a whole map."""

from __future__ import annotations

from sqlite_utils import Database

from . import events, moderation
from .clean import clean_description, clean_title
from .db import now, row, rows, write
from .errors import NotFound
from .records import link_dict, node_dict


def list_maps(db: Database) -> list[dict]:
    """Every map with its node count, newest change first."""
    return rows(
        db,
        "SELECT m.id, m.title, m.description, m.revision, m.updated_at,"
        " (SELECT COUNT(*) FROM nodes n WHERE n.map_id = m.id) AS node_count"
        " FROM maps m ORDER BY m.updated_at DESC, m.id DESC",
    )


def listed_maps(db: Database) -> list[dict]:
    """The maps listed on the front page for everyone: the seed map first, then newest change."""
    return rows(
        db,
        "SELECT m.id, m.title, m.description, m.updated_at,"
        " (SELECT COUNT(*) FROM nodes n WHERE n.map_id = m.id) AS node_count"
        " FROM maps m WHERE m.listed = 1 AND m.public = 1"
        " ORDER BY m.origin LIKE 'seed:%' DESC, m.updated_at DESC, m.id DESC",
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
            "INSERT INTO maps (title, description, origin, moderation, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (title, description, origin, moderation.NEW_MAPS, stamp, stamp),
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


def patch_map(db: Database, map_id: int, changes: dict, actor: str = "") -> bool:
    """Change the title or description sent (a field not sent stays as it is); see update_map."""
    with write(db):
        current = get_map(db, map_id)
        merged = {f: changes.get(f, current[f]) for f in ("title", "description")}
        return update_map(db, map_id, merged["title"], merged["description"], actor)


def delete_map(db: Database, map_id: int) -> None:
    """Delete a map with all its nodes, links, events and renders."""
    with write(db):
        get_map(db, map_id)
        db.execute("UPDATE nodes SET parent_id = NULL WHERE map_id = ?", (map_id,))
        db.execute("DELETE FROM maps WHERE id = ?", (map_id,))


def load(db: Database, map_id: int, hide: bool = False) -> dict:
    """The whole map: its fields, nodes in id order and links in a stable order.

    With `hide` (a student reads it), without the nodes its owners hid and what is below them.
    """
    found = get_map(db, map_id)
    nodes = rows(db, "SELECT * FROM nodes WHERE map_id = ? ORDER BY id", (map_id,))
    links = rows(db, "SELECT * FROM links WHERE map_id = ? ORDER BY from_id, to_id, id", (map_id,))
    graph = {
        "id": found["id"],
        "title": found["title"],
        "description": found["description"],
        "revision": found["revision"],
        "moderation": found["moderation"],
        "locked": bool(found["locked"]),
        "nodes": [node_dict(n) for n in nodes],
        "links": [link_dict(li) for li in links],
    }
    return moderation.without_hidden(graph, moderation.hidden_ids(db, map_id) if hide else set())
