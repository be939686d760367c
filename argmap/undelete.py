"""Undoing a deletion: the deleted nodes come back, in their own map, with their links."""

from __future__ import annotations

from sqlite_utils import Database

from . import comments, events, links, nodes, rules
from .clean import short
from .db import row
from .errors import Conflict, ValidationError
from .model import depths
from .records import node_dict


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
    fields = {**node, "parent_id": parent_id}
    return nodes.insert(db, map_id, fields, free(db, "nodes", node["id"]), node["version"] + 1)


def move_back(db: Database, map_id: int, moved: list[dict], root: int) -> list[int]:
    """Put children moved away by the deletion back under the node, if untouched since."""
    back = []
    for child in moved:
        found = in_map(db, map_id, child["id"])
        if found is None or found["version"] != child["version"] + 1:
            continue
        keep = {k: child[k] for k in ("kind", "group", "undercut")}
        fields = {**node_dict(found), **keep, "parent_id": root}
        try:
            nodes.check_shape(db, map_id, child["id"], fields)
        except ValidationError:
            continue
        nodes.write_fields(db, child["id"], fields)
        back.append(child["id"])
    return back


def can_link(db: Database, map_id: int, link: dict) -> bool:
    """Whether the link passes the link rules as the map stands now (both ends still here)."""
    source = in_map(db, map_id, link["from_id"])
    if source is None:
        return False
    try:
        links.check_link(db, map_id, source, link["to_id"], link)
    except ValidationError:
        return False
    return True


def restore_links(db: Database, map_id: int, lost: list[dict], ids: dict[int, int]) -> list[dict]:
    """Re-create the links the deletion removed, where that is still possible."""
    done = []
    for link in lost:
        ends = {
            "from_id": ids.get(link["from_id"], link["from_id"]),
            "to_id": ids.get(link["to_id"], link["to_id"]),
        }
        fields = {**link, **ends}
        if can_link(db, map_id, fields):
            done.append(links.insert(db, map_id, fields, free(db, "links", link["id"])))
    return done


def check_depth(db: Database, deleted: list[dict], top: int | None) -> None:
    """The depth rule for deleted nodes brought back under `top` (which may have moved since)."""
    if top is None:
        return
    inside = {n["id"] for n in deleted}
    parent = {
        str(n["id"]): str(n["parent_id"]) if n["parent_id"] in inside else None for n in deleted
    }
    rules.depth_rule(nodes.level_of(db, top) + 1 + max(depths(parent).values()))


def undo_delete(db: Database, map_id: int, event: dict, actor: str) -> str:
    """Bring back deleted nodes with their links, and the nodes that were about them."""
    data = event["data"]
    top = data["before"]["parent_id"]
    if top is not None and in_map(db, map_id, top) is None:
        raise Conflict(
            f"The node {quote(data['before']['text'])} was about is gone too:"
            " undo that deletion first.",
            None,
            "event_id",
        )
    check_depth(db, data["deleted"], top)
    ids: dict[int, int] = {}
    for node in data["deleted"]:
        ids[node["id"]] = restore_node(db, map_id, node, ids.get(node["parent_id"], top))
    root = ids[data["before"]["id"]]
    back = move_back(db, map_id, data.get("moved", []), root)
    restored_links = restore_links(db, map_id, data.get("links", []), ids)
    restored_comments = comments.bring_back(db, map_id, data.get("comments", []), ids)
    restored = [node_dict(in_map(db, map_id, i)) for i in ids.values()]
    returned = [node_dict(in_map(db, map_id, i)) for i in back]  # as live pages must show them
    events.record(
        db,
        map_id,
        "node.restore",
        root,
        {
            "after": restored[0],
            "restored": restored,
            "links": restored_links,
            "moved_back": back,
            "returned": returned,
            "choice": data.get("choice"),
            **({"comments": restored_comments} if restored_comments else {}),
        },
        actor,
    )
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
