"""The comments of a node, as JSON: read the thread, comment, edit, delete, resolve, reopen."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from .. import authors, comments
from ..db import get_db
from ..web import access
from ..web.sent import json_object

bp = Blueprint("comments", __name__, url_prefix="/api")


def sent_body() -> object:
    """The "body" field of the request's JSON object, or a 400 that says what to send."""
    return json_object('{"body": "..."}').get("body")


def seen(map_id: int, comment: dict) -> dict:
    """A stored comment as the caller sees it (names, animal names too)."""
    return comments.shown(comment, authors.names_for(get_db(), map_id, g.get("role")))


@bp.get("/maps/<int:map_id>/nodes/<int:node_id>/comments")
def thread(map_id: int, node_id: int):
    """A node's comments, oldest first."""
    db = get_db()
    node = comments.get_node(db, map_id, node_id, access.actor())
    names = authors.names_for(db, map_id, g.get("role"))
    found = comments.thread(db, map_id, node["id"], names)
    return jsonify({"node_id": node["id"], "comments": found})


@bp.post("/maps/<int:map_id>/nodes/<int:node_id>/comments")
def add(map_id: int, node_id: int):
    """Comment on a node: {"body": "..."}."""
    made = comments.add(get_db(), map_id, node_id, sent_body(), access.actor())
    return jsonify(seen(map_id, made)), 201


@bp.patch("/maps/<int:map_id>/comments/<int:comment_id>")
def edit(map_id: int, comment_id: int):
    """Change a comment's text (its author only): {"body": "..."}."""
    return jsonify(
        seen(map_id, comments.edit(get_db(), map_id, comment_id, sent_body(), access.actor()))
    )


@bp.delete("/maps/<int:map_id>/comments/<int:comment_id>")
def delete(map_id: int, comment_id: int):
    """Delete a comment (its author, or an owner)."""
    gone = comments.delete(get_db(), map_id, comment_id, access.actor())
    return jsonify({"deleted": gone["id"], "node_id": gone["node_id"]})


@bp.post("/maps/<int:map_id>/comments/<int:comment_id>/resolve")
def resolve(map_id: int, comment_id: int):
    """Mark a comment resolved (the node's author, or an owner)."""
    done = comments.set_resolved(get_db(), map_id, comment_id, True, access.actor())
    return jsonify(seen(map_id, done))


@bp.post("/maps/<int:map_id>/comments/<int:comment_id>/reopen")
def reopen(map_id: int, comment_id: int):
    """Open a resolved comment again (the node's author, or an owner)."""
    done = comments.set_resolved(get_db(), map_id, comment_id, False, access.actor())
    return jsonify(seen(map_id, done))
