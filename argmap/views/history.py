"""History: every change of a map, newest first, by person, each one undoable."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlite_utils import Database

from .. import authors, events, maps, moderation, undo
from ..db import get_db, row, rows
from ..errors import ArgmapError, Conflict, ValidationError
from ..web import access
from ..web.ids import query_number
from ..wording import described

bp = Blueprint("history", __name__)
PAGE_SIZE = 50


def changes(db: Database, map_id: int, who: dict, before: int | None) -> list[dict]:
    """A page of the map's events, newest first, by one member (or name, from old links).

    A student sees no change about a node hidden from students.
    """
    hidden, hidden_params = (
        moderation.events_sql(moderation.secret_ids(db, map_id)) if access.hides() else ("", [])
    )
    sql = f"SELECT * FROM events WHERE map_id = ? AND {events.NOT_VOTES}" + hidden
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
        f" WHERE map_id = ? AND member_id IS NOT NULL AND {events.NOT_VOTES}"
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
    shown = described(found[:PAGE_SIZE], seen)
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
