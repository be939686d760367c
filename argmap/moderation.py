"""Moderation: who may change which nodes of a map, its lock, and nodes hidden from students.

Students are the members of a map who are not owners (and the readers of a public map). With
the "own" setting (every new map) they edit and delete only the nodes they wrote; with
"everyone" (maps from before moderation) they edit everything. A locked map is read-only for
all but its owners. A hidden node and everything below it disappear for students from every
page, stream, search and export, and stay, with their history, for owners. The rules
themselves are in rules.py; this module finds the rows they judge.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from . import events, rules
from .db import row, rows, write
from .errors import NotFound, ValidationError
from .events import Actor
from .records import comment_dict, link_dict, node_dict, vote_tally

MODES = ("own", "everyone")
MODE_LABELS = {
    "own": "Students edit and delete only their own nodes",
    "everyone": "Everyone who can edit changes every node",
}
NEW_MAPS = "own"  # maps made before moderation keep "everyone" (the migration's default)
# Changes only an owner makes, and so only an owner undoes.
OWNER_ACTIONS = ("map.lock", "map.unlock", "map.moderation", "node.hide", "node.unhide")
HIDDEN = (
    "WITH RECURSIVE hid(id) AS (SELECT id FROM nodes WHERE map_id = ? AND hidden = 1"
    " UNION SELECT n.id FROM nodes n JOIN hid ON n.parent_id = hid.id) SELECT id FROM hid"
)


def hidden_ids(db: Database, map_id: int) -> set[int]:
    """The nodes students do not see: each hidden node and everything below it."""
    return {r["id"] for r in rows(db, HIDDEN, (map_id,))}


def unseen_ids(db: Database, map_id: int) -> set[int]:
    """The nodes hidden from students until they were deleted: their history stays hidden."""
    found = rows(
        db,
        "SELECT json_extract(d.value, '$.id') AS id FROM events e, json_each(e.data, '$.deleted') d"
        " WHERE e.map_id = ? AND e.action = 'node.delete'"
        " AND json_extract(e.data, '$.unseen') IS NOT NULL",
        (map_id,),
    )
    return {r["id"] for r in found}


def secret_ids(db: Database, map_id: int) -> set[int]:
    """The nodes whose history students do not read: hidden now, or deleted while hidden."""
    return hidden_ids(db, map_id) | unseen_ids(db, map_id)


def without_hidden(graph: dict, hidden: set[int]) -> dict:
    """A loaded map without the hidden nodes and the links that touch them."""
    if not hidden:
        return graph
    return {
        **graph,
        "nodes": [n for n in graph["nodes"] if n["id"] not in hidden],
        "links": [
            li for li in graph["links"] if li["from_id"] not in hidden and li["to_id"] not in hidden
        ],
    }


def about_hidden(event: dict, hidden: set[int]) -> bool:
    """Whether an event is about a hidden node (its node, or a link's ends)."""
    data = event["data"] if isinstance(event["data"], dict) else json.loads(event["data"])
    if data.get("unseen"):  # a node deleted while hidden from students
        return True
    if not hidden:
        return False
    if event.get("node_id") in hidden:
        return True
    link = data.get("after") or data.get("before") or {}
    return event["action"].startswith("link.") and (
        link.get("from_id") in hidden or link.get("to_id") in hidden
    )


def visible_events(found: list[dict], hidden: set[int]) -> list[dict]:
    """The events a student may read: none about hidden nodes."""
    return [e for e in found if not about_hidden(e, hidden)]


def events_sql(hidden: set[int]) -> tuple[str, list]:
    """A WHERE clause's part (and its values) that leaves out events about hidden nodes."""
    ids = json.dumps(sorted(hidden))
    linked = "COALESCE(json_extract(data, '$.after.to_id'), json_extract(data, '$.before.to_id'))"
    return (
        " AND json_extract(data, '$.unseen') IS NULL"
        " AND (node_id IS NULL OR node_id NOT IN (SELECT value FROM json_each(?)))"
        f" AND (action NOT LIKE 'link.%' OR {linked} NOT IN (SELECT value FROM json_each(?)))",
        [ids, ids],
    )


def settings_of(db: Database, map_id: int) -> dict:
    """The map's moderation ("own" or "everyone") and whether it is locked."""
    found = row(db, "SELECT moderation, locked FROM maps WHERE id = ?", (map_id,))
    if found is None:
        raise NotFound(f"There is no map {map_id}.", "map_id")
    return {"moderation": found["moderation"], "locked": bool(found["locked"])}


def check_visible(db: Database, map_id: int, node_id: object, actor: Actor, field: str) -> None:
    """A student may not reach a hidden node: to them it is not there."""
    if actor.student and node_id in hidden_ids(db, map_id):
        raise NotFound(f"There is no node {node_id} in this map.", field)


def check_edit(db: Database, map_id: int, found: dict, actor: Actor, what: str = "edit") -> None:
    """A student edits (or deletes) a visible node, and with "own" moderation only their own."""
    if not actor.student:
        return
    check_visible(db, map_id, found["id"], actor, "node_id")
    mode = settings_of(db, map_id)["moderation"]
    rules.own_rule(mode, True, found["author_member"], actor.member_id, what)


def check_delete(db: Database, map_id: int, found: dict, actor: Actor) -> None:
    """A student deletes their own node, and only when nobody else's node is under it."""
    if not actor.student:
        return
    check_edit(db, map_id, found, actor, "delete")
    others = row(
        db,
        "WITH RECURSIVE sub(id) AS (SELECT id FROM nodes WHERE parent_id = :root"
        " UNION ALL SELECT n.id FROM nodes n JOIN sub s ON n.parent_id = s.id)"
        " SELECT COUNT(*) AS n FROM sub JOIN nodes n ON n.id = sub.id"
        " WHERE n.author_member IS NOT :me",
        {"root": found["id"], "me": actor.member_id},
    )["n"]
    rules.subtree_rule(settings_of(db, map_id)["moderation"], True, others)


def check_link(db: Database, map_id: int, link: dict, actor: Actor) -> None:
    """A student removes a link only from a node they may edit."""
    if actor.student:
        hidden = hidden_ids(db, map_id)
        if link["from_id"] in hidden or link["to_id"] in hidden:
            raise NotFound(f"There is no link {link['id']} in this map.", "link_id")
        source = row(db, "SELECT * FROM nodes WHERE id = ?", (link["from_id"],))
        if source is not None:
            check_edit(db, map_id, source, actor, "change the links of")


def check_undo(db: Database, map_id: int, event: dict, actor: Actor) -> None:
    """A student undoes no owner's action, no change of a hidden node; with "own", only theirs."""
    if not actor.student:
        return
    if event["action"] in OWNER_ACTIONS or event["action"] == "member.role":
        rules.owner_action_rule(True)
    if about_hidden(event, hidden_ids(db, map_id)):
        raise NotFound(f"There is no change #{event['id']} in this map.", "event_id")
    mode = settings_of(db, map_id)["moderation"]
    rules.undo_scope_rule(mode, True, event.get("member_id"), actor.member_id)


def clean_mode(mode: object) -> str:
    """One of the moderation settings."""
    if mode not in MODES:
        raise ValidationError(
            "Choose who may edit: own (students edit only their own nodes) or everyone.",
            "moderation",
        )
    return mode


def set_mode(db: Database, map_id: int, mode: object, actor: Actor | str = "") -> bool:
    """Set the map's moderation; False when it already was so (nothing written)."""
    mode = clean_mode(mode)
    with write(db):
        before = settings_of(db, map_id)["moderation"]
        if before == mode:
            return False
        db.execute("UPDATE maps SET moderation = ? WHERE id = ?", (mode, map_id))
        data = {"before": {"moderation": before}, "after": {"moderation": mode}}
        events.record(db, map_id, "map.moderation", data=data, actor=actor)
    return True


def set_locked(db: Database, map_id: int, locked: bool, actor: Actor | str = "") -> bool:
    """Lock the map (read-only for all but owners) or unlock it; False when it already was."""
    with write(db):
        if settings_of(db, map_id)["locked"] == locked:
            return False
        db.execute("UPDATE maps SET locked = ? WHERE id = ?", (int(locked), map_id))
        data = {"before": {"locked": not locked}, "after": {"locked": locked}}
        events.record(db, map_id, "map.lock" if locked else "map.unlock", data=data, actor=actor)
    return True


def get_node(db: Database, map_id: int, node_id: int) -> dict:
    """The node row, or NotFound."""
    found = row(db, "SELECT * FROM nodes WHERE id = ? AND map_id = ?", (node_id, map_id))
    if found is None:
        raise NotFound(f"There is no node {node_id} in this map.", "node_id")
    return found


def set_hidden(
    db: Database, map_id: int, node_id: int, hidden: bool, actor: Actor | str = ""
) -> dict | None:
    """Hide a node with everything below it from students, or show it again; None if no change.

    The event names what students stop (or start) seeing, so their live pages can apply it.
    """
    with write(db):
        found = get_node(db, map_id, node_id)
        if bool(found["hidden"]) == hidden:
            return None
        before_ids = hidden_ids(db, map_id)
        db.execute("UPDATE nodes SET hidden = ? WHERE id = ?", (int(hidden), node_id))
        after_ids = hidden_ids(db, map_id)
        data = {"before": node_dict(found), "after": node_dict(get_node(db, map_id, node_id))}
        data |= students_see(db, map_id, before_ids, after_ids)
        events.record(db, map_id, "node.hide" if hidden else "node.unhide", node_id, data, actor)
    return data


def students_see(db: Database, map_id: int, before: set[int], after: set[int]) -> dict:
    """What students stop seeing ("gone", "unlinked") or start seeing ("shown", "links")."""
    gone, shown = sorted(after - before), sorted(before - after)
    changed = gone or shown
    marks = ",".join("?" * len(changed))
    touching = rows(
        db,
        f"SELECT * FROM links WHERE map_id = ? AND (from_id IN ({marks}) OR to_id IN ({marks}))"
        " ORDER BY id",
        [map_id, *changed, *changed],
    )
    if gone:
        return {"gone": gone, "unlinked": [li["id"] for li in touching]}
    visible = [li for li in touching if li["from_id"] not in after and li["to_id"] not in after]
    marks = ",".join("?" * len(shown))
    back = rows(db, f"SELECT * FROM nodes WHERE id IN ({marks}) ORDER BY id", shown)
    tally = rows(  # their votes come back to students' pages with them
        db,
        "SELECT node_id, COUNT(*) AS count, AVG(value) AS mean FROM votes"
        f" WHERE node_id IN ({marks}) GROUP BY node_id",
        shown,
    )
    talk = rows(db, f"SELECT * FROM comments WHERE node_id IN ({marks}) ORDER BY id", shown)
    return {
        "shown": [node_dict(n) for n in back],
        "links": [link_dict(li) for li in visible],
        "votes": {t["node_id"]: vote_tally(t["count"], t["mean"]) for t in tally},
    } | ({"comments": [comment_dict(c) for c in talk]} if talk else {})


def student_change(change: dict, event: dict, hidden: set[int]) -> dict:
    """A stream's change as a student sees it: nothing of hidden nodes, hiding as removal."""
    data, action = event["data"], event["action"]
    if action == "node.hide":
        patch = {"deleted": data.get("gone", []), "unlinked": data.get("unlinked", [])}
        return {**change, "node_id": None, "kind": None, "patch": patch}
    if action == "node.unhide":
        patch = {"nodes": data.get("shown", []), "links": data.get("links", [])}
        if data.get("votes"):
            patch["votes"] = data["votes"]
        if data.get("comments"):  # the comments of the nodes shown again
            patch["comments"] = data["comments"]
        return {**change, "patch": patch}
    if about_hidden(event, hidden):
        return {**change, "node_id": None, "kind": None, "patch": {}}
    patch = change.get("patch")
    if not hidden or not patch:
        return change
    kept = {
        **patch,
        "nodes": [n for n in patch.get("nodes", []) if n["id"] not in hidden],
        "links": [
            li
            for li in patch.get("links", [])
            if li["from_id"] not in hidden and li["to_id"] not in hidden
        ],
    }
    if "comments" in patch:
        kept["comments"] = [c for c in patch["comments"] if c["node_id"] not in hidden]
    return {**change, "patch": kept}
