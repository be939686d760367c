"""Undoing a deletion: the deleted nodes come back, in their own map, with their links."""

from __future__ import annotations

import json

from sqlite_utils import Database

from . import events, nodes
from .db import now, row
from .errors import Conflict
from .maps import link_dict, node_dict, short


def quote(text: str) -> str:
    """A node text in quotes, cut to fit a message."""
    return f"“{short(text)}”"


def plural(count: int, word: str) -> str:
    """A count with its word, e.g. "1 node" or "2 nodes"."""
    return f"{count} {word}{'s' if count != 1 else ''}"


def free(db: Database, table: str, wanted: int) -> int | None:
    """The wanted id when no row of the table has it, else None (a new one is chosen)."""
    return None if row(db, f"SELECT 1 AS x FROM {table} WHERE id = ?", (wanted,)) else wanted


def in_map(db: Database, map_id: int, node_id: int | None) -> dict | None:
    """The node if it is in this map, else None."""
    return row(db, "SELECT * FROM nodes WHERE id = ? AND map_id = ?", (node_id, map_id))


def restore_node(db: Database, map_id: int, node: dict, parent_id: int | None) -> int:
    """Insert a deleted node again, under its id if still free; returns its id."""
    stamp = now()
    cursor = db.execute(
        "INSERT INTO nodes (id, map_id, kind, text, quote, source, parent_id, grp, undercut, tags,"
        " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            free(db, "nodes", node["id"]), map_id, node["kind"], node["text"], node["quote"],
            node["source"], parent_id, node["group"], int(node["undercut"]),
            json.dumps(node["tags"]), node["version"] + 1, stamp, stamp,
        ),
    )  # fmt: skip
    return cursor.lastrowid


def move_back(db: Database, map_id: int, moved: list[dict], root: int) -> list[int]:
    """Put children moved away by the deletion back under the node, if untouched since."""
    back = []
    for child in moved:
        found = in_map(db, map_id, child["id"])
        if found is None or found["version"] != child["version"] + 1:
            continue
        if nodes.reaches(db, map_id, root, child["id"]):
            continue
        db.execute(
            "UPDATE nodes SET parent_id = ?, kind = ?, grp = ?, undercut = ?,"
            " version = version + 1, updated_at = ? WHERE id = ? AND map_id = ?",
            (root, child["kind"], child["group"], int(child["undercut"]), now(), child["id"],
             map_id),
        )  # fmt: skip
        back.append(child["id"])
    return back


def can_link(db: Database, map_id: int, link: dict, source: int, target: int) -> bool:
    """Whether both ends are in this map, the relation is not there yet and no cycle forms."""
    relation = link["relation"]
    ends = db.execute(
        "SELECT COUNT(*) FROM nodes WHERE map_id = ? AND id IN (?, ?)", (map_id, source, target)
    ).fetchone()[0]
    taken = row(  # the rule of links.check_link: same pair and group, or the reverse pair
        db,
        "SELECT 1 AS x FROM links WHERE map_id = :m AND ((from_id = :a AND to_id = :b"
        " AND grp IS :g) OR (from_id = :b AND to_id = :a))",
        {"m": map_id, "a": source, "b": target, "g": link.get("group")},
    )
    cycle = relation != "contradiction" and nodes.reaches(db, map_id, target, source)
    return ends == 2 and not taken and not cycle


def restore_links(db: Database, map_id: int, lost: list[dict], ids: dict[int, int]) -> list[dict]:
    """Re-create the links the deletion removed, where that is still possible."""
    done = []
    for link in lost:
        source = ids.get(link["from_id"], link["from_id"])
        target = ids.get(link["to_id"], link["to_id"])
        if not can_link(db, map_id, link, source, target):
            continue
        cursor = db.execute(
            "INSERT INTO links (id, map_id, from_id, to_id, relation, grp, undercut)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (free(db, "links", link["id"]), map_id, source, target, link["relation"],
             link["group"], int(link["undercut"])),
        )  # fmt: skip
        done.append(link_dict(row(db, "SELECT * FROM links WHERE id = ?", (cursor.lastrowid,))))
    return done


def undo_delete(db: Database, map_id: int, event: dict, actor: str) -> str:
    """Bring back deleted nodes with their links, and the nodes that were about them."""
    data = event["data"]
    top = data["before"]["parent_id"]
    if top is not None and in_map(db, map_id, top) is None:
        raise Conflict(
            f"The node {quote(data['before']['text'])} was about is gone too:"
            " undo that deletion first.", None, "event_id",
        )  # fmt: skip
    ids: dict[int, int] = {}
    for node in data["deleted"]:
        ids[node["id"]] = restore_node(db, map_id, node, ids.get(node["parent_id"], top))
    root = ids[data["before"]["id"]]
    back = move_back(db, map_id, data.get("moved", []), root)
    restored_links = restore_links(db, map_id, data.get("links", []), ids)
    restored = [node_dict(in_map(db, map_id, i)) for i in ids.values()]
    returned = [node_dict(in_map(db, map_id, i)) for i in back]  # as live pages must show them
    events.record(db, map_id, "node.restore", root, {
        "after": restored[0], "restored": restored, "links": restored_links,
        "moved_back": back, "returned": returned, "choice": data.get("choice"),
    }, actor)  # fmt: skip
    return restored_words(data, restored, restored_links, back)


def restored_words(data: dict, restored: list, restored_links: list, back: list) -> str:
    """What an undone deletion brought back, and what it could not."""
    words = [f"Restored {quote(data['before']['text'])}"]
    if len(restored) > 1:
        words.append(f"with the {len(restored) - 1} nodes below it")
    if restored_links:
        words.append(f"and {plural(len(restored_links), 'link')}")
    message = " ".join(words) + "."
    if back:
        message += f" Moved {plural(len(back), 'node')} back under it."
    left = len(data.get("moved", [])) - len(back)
    left += len(data.get("links", [])) - len(restored_links)
    if left:
        message += f" {plural(left, 'node')} or links changed since stayed as they are."
    return message
