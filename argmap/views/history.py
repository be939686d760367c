"""History: every change of a map, newest first, by person, each one undoable."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlite_utils import Database

from .. import authors, events, labels, maps, moderation, undo
from ..db import get_db, row, rows
from ..errors import ArgmapError, Conflict, ValidationError
from ..web import access
from ..web.ids import query_number

bp = Blueprint("history", __name__)
PAGE_SIZE = 50
FIELD_WORDS = {
    "kind": "kind",
    "text": "text",
    "quote": "quote",
    "source": "source",
    "parent_id": "parent",
    "group": "premise group",
    "undercut": "undercut",
    "tags": "tags",
}


def changes(db: Database, map_id: int, who: dict, before: int | None) -> list[dict]:
    """A page of the map's events, newest first, by one member (or name, from old links).

    A student sees no change about a node hidden from students.
    """
    hidden, hidden_params = (
        moderation.events_sql(moderation.secret_ids(db, map_id)) if access.hides() else ("", [])
    )
    sql = "SELECT * FROM events WHERE map_id = ? AND action NOT LIKE 'vote.%'" + hidden
    params: list = [map_id, *hidden_params]
    if who["member"] is not None:
        sql, params = sql + " AND member_id = ?", [*params, who["member"]]
    elif who["actor"] is not None:
        sql, params = sql + " AND actor = ?", [*params, who["actor"]]
    if before is not None:
        sql, params = sql + " AND id < ?", [*params, before]
    return events.decoded(rows(db, sql + " ORDER BY id DESC LIMIT ?", [*params, PAGE_SIZE + 1]))


def people(db: Database, map_id: int, seen: authors.Names) -> list[dict]:
    """The members who changed the map, by name; a name two members share gets their number."""
    found = rows(
        db,
        "SELECT member_id AS id, actor AS name, MAX(id) AS latest FROM events"
        " WHERE map_id = ? AND member_id IS NOT NULL AND action NOT LIKE 'vote.%'"
        " GROUP BY member_id",
        (map_id,),
    )
    for p in found:
        p["name"] = seen.shown(p["id"], p["name"])
    found.sort(key=lambda p: (p["name"].casefold(), p["id"]))
    names = [p["name"] for p in found]
    for p in found:
        shared = names.count(p["name"]) > 1
        p["label"] = f"{p['name']} (member #{p['id']})" if shared else p["name"]
    return found


def chosen(db: Database, map_id: int, listed: list[dict], seen: authors.Names) -> dict:
    """Whose changes the page shows: ?member=<id>, or ?actor=<name> from older links."""
    member = query_number(request.args.get("member"), "member", "a member number")
    actor = None if member is not None else request.args.get("actor") or None
    if seen.hiding:  # a real name typed in a link must not tell whether that person wrote here
        actor = None
    if member is not None:
        known = [p["name"] for p in listed if p["id"] == member]
        on_map = row(db, "SELECT name FROM members WHERE map_id = ? AND id = ?", (map_id, member))
        name = known[0] if known else on_map["name"] if on_map else f"Member #{member}"
        name = seen.shown(member, name)
        return {"member": member, "actor": None, "name": name, "selected": member}
    same = [p["id"] for p in listed if p["name"] == actor]
    selected = same[0] if actor is not None and len(same) == 1 else None
    return {"member": None, "actor": actor, "name": actor, "selected": selected}


def undone(db: Database, map_id: int, event_ids: list[int]) -> dict[int, int]:
    """For each of these events that was undone, the id of the change that undid it."""
    if not event_ids:
        return {}
    marks = ",".join("?" * len(event_ids))
    found = rows(
        db,
        "SELECT id, json_extract(data, '$.undo_of') AS of FROM events WHERE map_id = ?"
        f" AND json_extract(data, '$.undo_of') IN ({marks})",
        [map_id, *event_ids],
    )
    return {r["of"]: r["id"] for r in found}


def existing(db: Database, map_id: int, node_ids: set[int]) -> set[int]:
    """Which of these nodes are still in the map (to link to them)."""
    marks = ",".join("?" * len(node_ids))
    found = rows(
        db, f"SELECT id FROM nodes WHERE map_id = ? AND id IN ({marks})", [map_id, *node_ids]
    )
    return {r["id"] for r in found}


def edited_fields(data: dict) -> list[str]:
    """The fields of a node that an edit changed, in words."""
    before, after = data.get("before") or {}, data.get("after") or {}
    return [FIELD_WORDS[f] for f in FIELD_WORDS if before.get(f) != after.get(f)]


def node_words(action: str, data: dict) -> dict:
    """What a node change did, with the old and new text where there is one."""
    before, after = data.get("before") or {}, data.get("after") or {}
    kind = (after or before).get("kind", "node")
    if action == "node.add":
        return {"words": f"added a {kind}", "new": after.get("text")}
    if action == "node.update":
        fields = edited_fields(data)
        what = f"edited a {kind}" + (f" ({', '.join(fields)})" if fields else " (no change)")
        texts = {"old": before.get("text"), "new": after.get("text")}
        return {"words": what, **(texts if "text" in fields else {"new": after.get("text")})}
    if action == "node.delete":
        count = len(data.get("deleted", [])) - 1
        below = f" and {count} node{'s' if count != 1 else ''} below it" if count > 0 else ""
        return {"words": f"deleted a {kind}{below}", "old": before.get("text")}
    count = len(data.get("restored", [])) - 1
    below = f" with {count} node{'s' if count != 1 else ''} below it" if count > 0 else ""
    return {"words": f"restored a {kind}{below}", "new": after.get("text")}


def moderation_words(action: str, data: dict) -> dict:
    """What an owner's moderation change did, in words."""
    after = data.get("after") or {}
    if action in ("node.hide", "node.unhide"):
        done = "hid a node from students" if action == "node.hide" else "showed a node again"
        return {"words": done, "new": after.get("text")}
    if action == "map.moderation":
        mode = moderation.MODE_LABELS.get(after.get("moderation"), "?")
        return {"words": f"set the moderation: {mode.lower()}"}
    if action == "member.role":
        return {"words": f"made {data.get('name')} {data.get('after')} (was {data.get('before')})"}
    return {"words": "locked the map" if action == "map.lock" else "unlocked the map"}


MODERATION_ACTIONS = (*moderation.OWNER_ACTIONS, "member.role")


def class_words(action: str, data: dict) -> str:
    """What a change to the class (teams, settings) did, in words."""
    team = data.get("after") or data.get("before") or {}
    if action == "team.create":
        return f"made the team {team.get('name')}"
    if action == "team.update":
        return f"changed the team {team.get('name')}"
    if action == "team.delete":
        return f"deleted the team {team.get('name')}"
    if action == "team.assign":
        return f"moved {data.get('member_name', 'a member')} to another team"
    if action == "team.notes":
        return "saved a team's speaker notes"
    after = data.get("after") or {}
    said = "on" if after.get("anonymous") else "off"
    picks = "pick their teams" if after.get("team_pick") else "are put in teams by the owners"
    return f"changed the class settings: anonymous names {said}, students {picks}"


COMMENT_WORDS = {
    "comment.add": "commented on node {node}",
    "comment.edit": "edited a comment on node {node}",
    "comment.delete": "deleted a comment on node {node}",
    "comment.resolve": "resolved a comment on node {node}",
    "comment.reopen": "reopened a comment on node {node}",
    "comment.restore": "brought back a comment on node {node}",
}


def comment_words(action: str, data: dict) -> dict:
    """What a change to a node's comments did, with the comment's old and new text."""
    before, after = data.get("before") or {}, data.get("after") or {}
    comment = after or before
    said = {"words": COMMENT_WORDS[action].format(node=comment.get("node_id"))}
    if action == "comment.edit":
        return {**said, "old": before.get("body"), "new": after.get("body")}
    if action == "comment.delete":
        return {**said, "old": before.get("body")}
    return {**said, "new": comment.get("body")}


def describe(event: dict) -> dict:
    """An event in words: what was done, and the old and new text."""
    action, data = event["action"], event["data"]
    if action in MODERATION_ACTIONS:
        said = moderation_words(action, data)
    elif action.startswith("node."):
        said = node_words(action, data)
    elif action in COMMENT_WORDS:
        said = comment_words(action, data)
    elif action in ("link.add", "link.delete"):
        link = data.get("after") or data.get("before") or {}
        verb = "linked" if action == "link.add" else "removed the link:"
        relation = labels.relation_verb(link.get("relation"))
        said = {"words": f"{verb} node {link.get('from_id')} {relation} node {link.get('to_id')}"}
    elif action == "map.update":
        before, after = data.get("before") or {}, data.get("after") or {}
        field = "title" if before.get("title") != after.get("title") else "description"
        said = {
            "words": f"changed the map's {field}",
            "old": before.get(field),
            "new": after.get(field),
        }
    elif action == "map.create":
        said = {"words": "created the map", "new": (data.get("after") or {}).get("title")}
    elif action == "map.import":
        after = data.get("after") or {}
        said = {
            "words": f"imported {after.get('nodes', 0)} nodes and {after.get('links', 0)} links"
        }
    elif action.startswith("team.") or action == "map.classroom":
        said = {"words": class_words(action, data)}
    else:
        said = {"words": action}
    if data.get("undo_of"):
        said["words"] = f"undid change #{data['undo_of']}: {said['words']}"
    undoable = action in undo.UNDOS and not data.get("imported")
    return {**event, "old": None, "new": None, **said, "undoable": undoable}


def clean_before(value: str | None) -> int | None:
    """The ?before= cursor of the pagination."""
    return query_number(value, "before", "a change number")


def page(map_id: int, status: int = 200, error: ArgmapError | None = None):
    """Render the history page (with an undo's error, if one failed)."""
    db = get_db()
    graph = maps.get_map(db, map_id)
    seen = authors.names_for(db, map_id, g.get("role"))
    listed = people(db, map_id, seen)
    who = chosen(db, map_id, listed, seen)
    found = changes(db, map_id, who, clean_before(request.args.get("before")))
    for e in found:
        if e["action"] == "team.assign":
            e["data"]["member_name"] = seen.member(e["data"]["member_id"])
    shown = [describe(seen.event(e)) for e in found[:PAGE_SIZE]]
    more = found[PAGE_SIZE - 1]["id"] if len(found) > PAGE_SIZE else None
    return render_template(
        "history.html",
        graph=graph,
        changes=shown,
        who=who,
        people=listed,
        undone=undone(db, map_id, [e["id"] for e in shown]),
        more=more,
        error=error,
        present=existing(db, map_id, {e["node_id"] for e in shown if e["node_id"]}),
    ), status


@bp.get("/maps/<int:map_id>/history")
def index(map_id: int):
    """Every change of the map, newest first; ?member= (or an old ?actor=) shows one person's."""
    return page(map_id)


@bp.post("/maps/<int:map_id>/history/<int:event_id>/undo")
def undo_change(map_id: int, event_id: int):
    """Undo one change; the undo is a new change by whoever clicked."""
    try:
        done = undo.undo(get_db(), map_id, event_id, access.actor())
    except (ValidationError, Conflict) as error:
        return page(map_id, error.status, error)
    flash(f"Undid change #{event_id}. {done['message']}")
    return redirect(url_for("history.index", map_id=map_id))
