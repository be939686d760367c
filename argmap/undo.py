"""Undo any single change of a map; the undo is itself a change, by whoever undid it."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlite_utils import Database

from . import deletion, events, links, maps, nodes
from .db import now, row, write
from .errors import Conflict, NotFound, ValidationError
from .maps import link_dict, node_dict

FIELDS = ("kind", "text", "quote", "source", "parent_id", "group", "undercut", "tags")


def quote(text: str, width: int = 60) -> str:
    """A node text in quotes, cut to fit a message."""
    return "“" + (text if len(text) <= width else text[: width - 1] + "…") + "”"


def get_event(db: Database, map_id: int, event_id: int) -> dict:
    """The event with its data, or NotFound when it is not one of this map's."""
    found = row(db, "SELECT * FROM events WHERE id = ? AND map_id = ?", (event_id, map_id))
    if found is None:
        raise NotFound(f"There is no change #{event_id} in this map.", "event_id")
    return {**found, "data": json.loads(found["data"])}


def undone_by(db: Database, map_id: int, event_id: int) -> dict | None:
    """The event that undid this one, if any."""
    return row(
        db,
        "SELECT id, actor FROM events WHERE map_id = ? AND json_extract(data, '$.undo_of') = ?"
        " ORDER BY id LIMIT 1",
        (map_id, event_id),
    )


def later_change(db: Database, map_id: int, node_id: int, event_id: int) -> str:
    """Who last changed a node after an event, as words for a message."""
    found = row(
        db,
        "SELECT id, actor FROM events WHERE map_id = ? AND node_id = ? AND id > ?"
        " ORDER BY id DESC LIMIT 1",
        (map_id, node_id, event_id),
    )
    if found is None:
        return "since"
    return f"since, by {found['actor'] or 'someone'} in change #{found['id']}"


def current_node(db: Database, map_id: int, node: dict, what: str) -> dict:
    """The node as it stands now, or Conflict saying it is gone."""
    found = row(db, "SELECT * FROM nodes WHERE id = ? AND map_id = ?", (node["id"], map_id))
    if found is None:
        raise Conflict(f"{quote(node['text'])} was deleted since; {what}", None, "event_id")
    return node_dict(found)


def undo_add(db: Database, map_id: int, event: dict, actor: str) -> str:
    """Remove an added node; nodes added about it since move up to its parent."""
    node = current_node(db, map_id, event["data"]["after"], "there is nothing to undo.")
    kids = nodes.children(db, node["id"])
    deletion.delete_node(db, map_id, node["id"], "reattach" if kids else None, None, actor)
    message = f"Removed {quote(node['text'])}."
    if kids:
        where = "up to its parent" if node["parent_id"] else "out as claims of their own"
        message += (
            f" {len(kids)} node{'s' if len(kids) != 1 else ''} added about it since moved {where}."
        )
    return message


def undo_update(db: Database, map_id: int, event: dict, actor: str) -> str:
    """Put back the fields an edit changed, unless they were changed again since."""
    before, after = event["data"]["before"], event["data"]["after"]
    current = current_node(db, map_id, after, "restore it first.")
    touched = [f for f in FIELDS if before[f] != after[f]]
    clashes = [f for f in touched if current[f] != after[f]]
    if clashes:
        raise Conflict(
            f"{quote(current['text'])} was changed again "
            f"{later_change(db, map_id, current['id'], event['id'])} ({', '.join(clashes)}):"
            " undo that change first, or edit the node by hand.",
            current,
        )
    changes = {f: before[f] for f in touched}
    nodes.update_node(db, map_id, current["id"], {**changes, "version": current["version"]}, actor)
    return f"Restored {quote(before['text'])} as it was before the edit."


def free(db: Database, table: str, wanted: int) -> int | None:
    """The wanted id when no row of the table has it, else None (a new one is chosen)."""
    return None if row(db, f"SELECT 1 AS x FROM {table} WHERE id = ?", (wanted,)) else wanted


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
        found = row(db, "SELECT * FROM nodes WHERE id = ? AND map_id = ?", (child["id"], map_id))
        if found is None or found["version"] != child["version"] + 1:
            continue
        if nodes.reaches(db, map_id, root, child["id"]):
            continue
        db.execute(
            "UPDATE nodes SET parent_id = ?, kind = ?, grp = ?, undercut = ?,"
            " version = version + 1, updated_at = ? WHERE id = ?",
            (root, child["kind"], child["group"], int(child["undercut"]), now(), child["id"]),
        )
        back.append(child["id"])
    return back


def can_link(db: Database, map_id: int, relation: str, source: int, target: int) -> bool:
    """Whether both ends exist, the pair is not linked yet and no cycle would form."""
    ends = db.execute(
        "SELECT COUNT(*) FROM nodes WHERE map_id = ? AND id IN (?, ?)", (map_id, source, target)
    ).fetchone()[0]
    taken = row(
        db,
        "SELECT 1 AS x FROM links WHERE from_id IN (?, ?) AND to_id IN (?, ?)",
        (source, target, source, target),
    )
    cycle = relation != "contradiction" and nodes.reaches(db, map_id, target, source)
    return ends == 2 and not taken and not cycle


def restore_links(db: Database, map_id: int, lost: list[dict], ids: dict[int, int]) -> list[dict]:
    """Re-create the links the deletion removed, where that is still possible."""
    done = []
    for link in lost:
        source = ids.get(link["from_id"], link["from_id"])
        target = ids.get(link["to_id"], link["to_id"])
        if not can_link(db, map_id, link["relation"], source, target):
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
    if top is not None and not row(db, "SELECT 1 AS x FROM nodes WHERE id = ?", (top,)):
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
    restored = [node_dict(row(db, "SELECT * FROM nodes WHERE id = ?", (i,))) for i in ids.values()]
    events.record(db, map_id, "node.restore", root, {
        "after": restored[0], "restored": restored, "links": restored_links,
        "moved_back": back, "choice": data.get("choice"),
    }, actor)  # fmt: skip
    return restored_words(data, restored, restored_links, back)


def restored_words(data: dict, restored: list, restored_links: list, back: list) -> str:
    """What an undone deletion brought back, and what it could not."""
    words = [f"Restored {quote(data['before']['text'])}"]
    if len(restored) > 1:
        words.append(f"with the {len(restored) - 1} nodes below it")
    if restored_links:
        words.append(f"and {len(restored_links)} link{'s' if len(restored_links) != 1 else ''}")
    message = " ".join(words) + "."
    if back:
        message += f" Moved {len(back)} node{'s' if len(back) != 1 else ''} back under it."
    left = len(data.get("moved", [])) - len(back)
    left += len(data.get("links", [])) - len(restored_links)
    if left:
        message += (
            f" {left} node{'s' if left != 1 else ''} or links changed since stayed as they are."
        )
    return message


def undo_restore(db: Database, map_id: int, event: dict, actor: str) -> str:
    """Delete restored nodes again, as the original deletion did."""
    data = event["data"]
    root = current_node(db, map_id, data["after"], "there is nothing to undo.")
    kids = nodes.children(db, root["id"])
    choice = data.get("choice") if kids else None
    if kids and choice in (None, "delete"):
        restored = {n["id"] for n in data["restored"]}
        extra = [n for n in nodes.subtree(db, root["id"]) if n["id"] not in restored]
        choice = "reattach" if choice is None else choice
        if extra and choice == "delete":
            raise Conflict(
                f"{len(extra)} node{'s were' if len(extra) != 1 else ' was'} added under"
                f" {quote(root['text'])} since it came back: delete it by hand to choose what"
                " becomes of them.", root, "event_id",
            )  # fmt: skip
    done = deletion.delete_node(db, map_id, root["id"], choice, None, actor)
    return f"Deleted {quote(root['text'])} again" + (
        f" with {len(done['deleted']) - 1} nodes below it." if len(done["deleted"]) > 1 else "."
    )


def undo_link_add(db: Database, map_id: int, event: dict, actor: str) -> str:
    """Remove an added link."""
    link = event["data"]["after"]
    try:
        links.delete_link(db, map_id, link["id"], actor)
    except NotFound:
        raise Conflict("That link was removed since; there is nothing to undo.") from None
    return "Removed the link."


def undo_link_delete(db: Database, map_id: int, event: dict, actor: str) -> str:
    """Link the two nodes again as they were."""
    link = event["data"]["before"]
    fields = {k: link[k] for k in ("from_id", "to_id", "relation", "group", "undercut")}
    links.add_link(db, map_id, fields, actor)
    return "Linked the two nodes again."


def undo_map_update(db: Database, map_id: int, event: dict, actor: str) -> str:
    """Put back the map's title and description, unless they were changed again since."""
    before, after = event["data"]["before"], event["data"]["after"]
    current = maps.get_map(db, map_id)
    touched = [f for f in ("title", "description") if before[f] != after[f]]
    clashes = [f for f in touched if current[f] != after[f]]
    if clashes:
        raise Conflict(
            f"The map's {' and '.join(clashes)} changed again since: undo that change first.",
            None, clashes[0],
        )  # fmt: skip
    restored = {
        **{f: current[f] for f in ("title", "description")},
        **{f: before[f] for f in touched},
    }
    maps.update_map(db, map_id, restored["title"], restored["description"], actor)
    return f"Restored the map's {' and '.join(touched) or 'title'}."


UNDOS: dict[str, Callable[[Database, int, dict, str], str]] = {
    "node.add": undo_add,
    "node.update": undo_update,
    "node.delete": undo_delete,
    "node.restore": undo_restore,
    "link.add": undo_link_add,
    "link.delete": undo_link_delete,
    "map.update": undo_map_update,
}


def undo(db: Database, map_id: int, event_id: int, actor: str = "") -> dict:
    """Undo one change of a map as a new change; returns what was done."""
    with write(db):
        maps.get_map(db, map_id)
        event = get_event(db, map_id, event_id)
        if event["action"] not in UNDOS:
            raise ValidationError(
                "Creating the map cannot be undone: delete the map instead.", "event_id"
            )
        done = undone_by(db, map_id, event_id)
        if done is not None:
            raise Conflict(
                f"Change #{event_id} was already undone in change #{done['id']};"
                " undo that change to bring it back.", None, "event_id",
            )  # fmt: skip
        try:
            message = UNDOS[event["action"]](db, map_id, event, actor)
        except ValidationError as error:
            raise Conflict(f"This change cannot be undone as the map stands now: {error.message}",
                           None, error.field) from None  # fmt: skip
        new_id = mark(db, map_id, event_id)
        revision = maps.get_map(db, map_id)["revision"]
    return {"undone": event_id, "event": new_id, "revision": revision, "message": message}


def mark(db: Database, map_id: int, event_id: int) -> int:
    """Note on the undo's own event which change it undid; returns that event's id."""
    newest = events.latest_id(db, map_id)
    db.execute(
        "UPDATE events SET data = json_set(data, '$.undo_of', ?) WHERE id = ?", (event_id, newest)
    )
    return newest
