"""Votes on nodes: the JSON API and the plain form the map page posts without JavaScript."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, request, url_for

from .. import maps, votes
from ..db import get_db
from ..errors import ValidationError
from ..web import access
from ..web.sent import json_object

bp = Blueprint("votes", __name__)


EXAMPLE = '{"value": 3} (a whole number from 0 to 4)'


def sent_value() -> object:
    """The "value" of the request's JSON object, or a 400 naming the field."""
    data = json_object(EXAMPLE, "value")
    if "value" not in data:
        raise ValidationError(f"Send a JSON object such as {EXAMPLE}: value is missing.", "value")
    return data["value"]


@bp.get("/api/maps/<int:map_id>/votes")
def index(map_id: int):
    """Each voted node's count and mean, and the caller's own votes."""
    db = get_db()
    found = maps.get_map(db, map_id)
    hidden = access.hidden_ids(db, map_id)
    member = access.actor().member_id
    return jsonify(
        {
            "revision": found["revision"],
            "votes": votes.summaries(db, map_id, hidden),
            "mine": votes.mine(db, map_id, member, hidden),
        }
    )


@bp.put("/api/maps/<int:map_id>/nodes/<int:node_id>/vote")
def cast(map_id: int, node_id: int):
    """Cast or change the caller's vote on a node: {"value": 0 to 4}."""
    value = sent_value()
    return jsonify(votes.set_vote(get_db(), map_id, node_id, value, access.actor()))


@bp.delete("/api/maps/<int:map_id>/nodes/<int:node_id>/vote")
def take_back(map_id: int, node_id: int):
    """Take back the caller's vote on a node (nothing changes when there was none)."""
    return jsonify(votes.clear_vote(get_db(), map_id, node_id, access.actor()))


@bp.post("/maps/<int:map_id>/nodes/<int:node_id>/vote")
def form(map_id: int, node_id: int):
    """The map page's vote buttons without JavaScript: vote, or take it back, then go back."""
    db, actor = get_db(), access.actor()
    if request.form.get("clear"):
        votes.clear_vote(db, map_id, node_id, actor)
        flash("Your vote was taken back.")
    else:
        value = votes.clean_value(request.form.get("value"))
        votes.set_vote(db, map_id, node_id, value, actor)
        flash(f"Your vote: {value} ({votes.STRENGTHS[value]}).")
    sort = "votes" if request.form.get("sort") == "votes" else None
    back = url_for("pages.show", map_id=map_id, node=node_id, sort=sort, _anchor=f"node-{node_id}")
    return redirect(back)
