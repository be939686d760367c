"""History: every change of a map, newest first, by person, each one undoable."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlite_utils import Database

from .. import events, maps, undo
from ..db import get_db, rows
from ..errors import ArgmapError
from ..web import access
from ..web.ids import query_number

bp = Blueprint("history", __name__)
PAGE_SIZE = 50
LINK_WORDS = {"support": "supports", "counter": "objects to", "contradiction": "contradicts"}
FIELD_WORDS = {"kind": "kind", "text": "text", "quote": "quote", "source": "source",
               "parent_id": "parent", "group": "premise group", "undercut": "undercut",
               "tags": "tags"}  # fmt: skip


def changes(db: Database, map_id: int, actor: str | None, before: int | None) -> list[dict]:
    """A page of the map's events, newest first, by one person if asked."""
    sql = "SELECT * FROM events WHERE map_id = ?"
    params: list = [map_id]
    if actor is not None:
        sql, params = sql + " AND actor = ?", [*params, actor]
    if before is not None:
        sql, params = sql + " AND id < ?", [*params, before]
    return events.decoded(rows(db, sql + " ORDER BY id DESC LIMIT ?", [*params, PAGE_SIZE + 1]))


def actors(db: Database, map_id: int) -> list[str]:
    """Everyone who changed the map (named people only), by name."""
    found = rows(
        db,
        "SELECT DISTINCT actor FROM events WHERE map_id = ? AND actor != ''"
        " ORDER BY actor COLLATE NOCASE",
        (map_id,),
    )
    return [r["actor"] for r in found]


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
    found = rows(db, f"SELECT id FROM nodes WHERE map_id = ? AND id IN ({marks})",
                 [map_id, *node_ids])  # fmt: skip
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


def describe(event: dict) -> dict:
    """An event in words: what was done, and the old and new text."""
    action, data = event["action"], event["data"]
    if action.startswith("node."):
        said = node_words(action, data)
    elif action in ("link.add", "link.delete"):
        link = data.get("after") or data.get("before") or {}
        verb = "linked" if action == "link.add" else "removed the link:"
        relation = LINK_WORDS.get(link.get("relation"), "relates to")
        said = {"words": f"{verb} node {link.get('from_id')} {relation} node {link.get('to_id')}"}
    elif action == "map.update":
        before, after = data.get("before") or {}, data.get("after") or {}
        field = "title" if before.get("title") != after.get("title") else "description"
        said = {"words": f"changed the map's {field}", "old": before.get(field),
                "new": after.get(field)}  # fmt: skip
    elif action == "map.create":
        said = {"words": "created the map", "new": (data.get("after") or {}).get("title")}
    elif action == "map.import":
        after = data.get("after") or {}
        said = {
            "words": f"imported {after.get('nodes', 0)} nodes and {after.get('links', 0)} links"
        }
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
    actor = request.args.get("actor") or None
    found = changes(db, map_id, actor, clean_before(request.args.get("before")))
    shown = [describe(e) for e in found[:PAGE_SIZE]]
    more = found[PAGE_SIZE - 1]["id"] if len(found) > PAGE_SIZE else None
    return render_template(
        "history.html", graph=graph, changes=shown, actor=actor, actors=actors(db, map_id),
        undone=undone(db, map_id, [e["id"] for e in shown]), more=more, error=error,
        present=existing(db, map_id, {e["node_id"] for e in shown if e["node_id"]}),
    ), status  # fmt: skip


@bp.get("/maps/<int:map_id>/history")
def index(map_id: int):
    """Every change of the map, newest first; ?actor= shows one person's."""
    return page(map_id)


@bp.post("/maps/<int:map_id>/history/<int:event_id>/undo")
def undo_change(map_id: int, event_id: int):
    """Undo one change; the undo is a new change by whoever clicked."""
    try:
        done = undo.undo(get_db(), map_id, event_id, access.actor())
    except ArgmapError as error:
        if error.status == 404:
            raise
        return page(map_id, error.status, error)
    flash(f"Undid change #{event_id}. {done['message']}")
    return redirect(url_for("history.index", map_id=map_id))
