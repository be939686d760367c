"""The JSON API: the same rules and messages as the pages."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from .. import authors, deletion, events, links, maps, members, moderation, nodes, undo, votes
from ..db import get_db, write
from ..errors import ValidationError
from ..records import node_dict
from ..web import access
from ..web.access import first_owner_only, owner_only
from ..web.ids import query_number
from ..web.sent import json_object, parsed

bp = Blueprint("api", __name__, url_prefix="/api")


def actor() -> events.Actor:
    """Who is making the change, as the history shows it."""
    return access.actor()


@bp.get("/maps")
def index():
    """The caller's maps with their revision and the caller's role."""
    found = access.visible_maps()
    keys = ("id", "title", "revision", "role")
    return jsonify({"maps": [{k: m[k] for k in keys} for m in found]})


@bp.post("/maps")
def create():
    """Create a map from {"title", "description"}."""
    data = json_object()
    db = get_db()
    user = access.current_person().user
    map_id = members.create_map(db, user, data.get("title"), data.get("description"))
    return jsonify(maps.load(db, map_id)), 201


@bp.get("/maps/<int:map_id>")
def show(map_id: int):
    """The whole map: fields, nodes (with who wrote each, as the caller may see it) and links.

    Also each voted node's count and mean ("votes") and the caller's own votes ("my_votes").
    """
    db = get_db()
    graph = authors.load(db, map_id, g.get("role"))
    shown = {n["id"] for n in graph["nodes"]}
    tally = votes.summaries(db, map_id)
    mine = votes.mine(db, map_id, actor().member_id)
    graph["votes"] = {k: v for k, v in tally.items() if k in shown}
    graph["my_votes"] = {k: v for k, v in mine.items() if k in shown}
    return jsonify(graph)


@bp.patch("/maps/<int:map_id>")
def update(map_id: int):
    """Rename a map or change its description."""
    db = get_db()
    maps.patch_map(db, map_id, json_object(), actor())
    return jsonify(maps.load(db, map_id, access.hides()))


@bp.delete("/maps/<int:map_id>")
@first_owner_only
def delete(map_id: int):
    """Delete a map and everything in it."""
    maps.delete_map(get_db(), map_id)
    return jsonify({"deleted": map_id})


@bp.patch("/maps/<int:map_id>/sharing")
@owner_only
def update_sharing(map_id: int):
    """Make the map readable by link or private, listed on the front page or not."""
    return jsonify(members.set_sharing(get_db(), map_id, json_object()))


@bp.post("/maps/<int:map_id>/nodes")
def add_node(map_id: int):
    """Add a node: {"kind", "text", "quote", "source", "parent_id", ...}."""
    node = nodes.add_node(get_db(), map_id, json_object(), actor())
    return jsonify(node), 201


@bp.patch("/maps/<int:map_id>/nodes/<int:node_id>")
def update_node(map_id: int, node_id: int):
    """Change some of a node's fields; send "version" to refuse stale edits."""
    return jsonify(nodes.update_node(get_db(), map_id, node_id, json_object(), actor()))


@bp.delete("/maps/<int:map_id>/nodes/<int:node_id>")
def delete_node(map_id: int, node_id: int):
    """Delete a node; "children" says what becomes of the nodes about it."""
    data = parsed() if request.data else {}
    data = data if isinstance(data, dict) else {}
    choice = data.get("children", request.args.get("children"))
    version = data.get("version", request.args.get("version"))
    done = deletion.delete_node(get_db(), map_id, node_id, choice, version, actor())
    return jsonify({"deleted": [n["id"] for n in done["deleted"]], "children": done["choice"]})


@bp.post("/maps/<int:map_id>/links")
def add_link(map_id: int):
    """Link two nodes: {"from_id", "to_id", "relation"}."""
    return jsonify(links.add_link(get_db(), map_id, json_object(), actor())), 201


@bp.delete("/maps/<int:map_id>/links/<int:link_id>")
def delete_link(map_id: int, link_id: int):
    """Remove a link."""
    return jsonify({"deleted": links.delete_link(get_db(), map_id, link_id, actor())["id"]})


@bp.get("/maps/<int:map_id>/events")
def list_events(map_id: int):
    """The map's changes after ?after= (an event id), oldest first, at most 500; ?member= one's."""
    after = query_number(request.args.get("after"), "after", "an event number") or 0
    member = query_number(request.args.get("member"), "member", "a member number")
    db = get_db()
    maps.get_map(db, map_id)
    seen = authors.names_for(db, map_id, g.get("role"))
    found = events.since(db, map_id, after, member_id=member, votes=False)
    last = found[-1]["id"] if found else after
    if access.hides():
        found = moderation.visible_events(found, moderation.secret_ids(db, map_id))
    return jsonify({"events": [seen.event(e) for e in found], "last": last})


@bp.post("/maps/<int:map_id>/events/<int:event_id>/undo")
def undo_event(map_id: int, event_id: int):
    """Undo one change; the undo is a new change by the caller."""
    return jsonify(undo.undo(get_db(), map_id, event_id, actor())), 201


@bp.patch("/maps/<int:map_id>/moderation")
@owner_only
def update_moderation(map_id: int):
    """Set who edits what ({"moderation": "own" or "everyone"}) and the lock ({"locked"})."""
    data, db = json_object(), get_db()
    locked = data.get("locked")
    if locked is not None and not isinstance(locked, bool):
        raise ValidationError("locked must be true or false.", "locked")
    with write(db):
        if "moderation" in data:
            moderation.set_mode(db, map_id, data["moderation"], actor())
        if locked is not None:
            moderation.set_locked(db, map_id, locked, actor())
    return jsonify(moderation.settings_of(db, map_id))


@bp.post("/maps/<int:map_id>/nodes/<int:node_id>/hide")
@owner_only
def hide_node(map_id: int, node_id: int):
    """Hide a node and what is below it from students ({"hidden": true}), or show it again."""
    hidden = json_object().get("hidden")
    if not isinstance(hidden, bool):
        raise ValidationError("Send hidden: true to hide the node, false to show it.", "hidden")
    db = get_db()
    moderation.set_hidden(db, map_id, node_id, hidden, actor())
    return jsonify(node_dict(nodes.get_node(db, map_id, node_id)))


@bp.get("/maps/<int:map_id>/members")
@owner_only
def list_members(map_id: int):
    """The map's members with their roles (owners see this)."""
    found = members.listing(get_db(), map_id)
    keys = ("id", "name", "role", "user_id", "created_at")
    return jsonify({"members": [{k: m[k] for k in keys} for m in found]})


@bp.patch("/maps/<int:map_id>/members/<int:member_id>")
@owner_only
def update_member(map_id: int, member_id: int):
    """Give a member another role: {"role": "owner", "editor" or "viewer"}."""
    found = members.set_role(get_db(), map_id, member_id, json_object().get("role"), actor())
    keys = ("id", "name", "role", "user_id", "created_at")
    return jsonify({k: found[k] for k in keys})
