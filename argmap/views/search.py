"""Finding a node by its words: a results page that works without JavaScript, and the API."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from .. import maps, moderation, nodes, search
from ..db import get_db
from ..errors import ValidationError
from ..web import access
from ..web.ids import query_number

bp = Blueprint("search", __name__)
PURPOSES = ("parent", "link")


def typed() -> str:
    """The search words sent, or a 400 naming the field when they are too long."""
    query = request.args.get("q", "")
    if len(query) > search.QUERY_MAX:
        raise ValidationError(
            f"Search for at most {search.QUERY_MAX} characters; shorten what you typed.", "q"
        )
    return query


@bp.get("/maps/<int:map_id>/search")
def results(map_id: int):
    """The nodes matching the words; to pick a parent or a link target, a button on each."""
    db = get_db()
    graph = maps.get_map(db, map_id)
    query, purpose = typed(), request.args.get("for")
    node = None
    if purpose in PURPOSES:
        node = maps.node_dict(nodes.get_node(db, map_id, request.args.get("node")))
        moderation.check_visible(db, map_id, node["id"], access.actor(), "node")
    hidden = access.hidden_ids(db, map_id)
    found = search.search(db, map_id, query, hidden=hidden) if query.strip() else []
    if node is not None:
        found = [n for n in found if n["id"] != node["id"]]
    relation = request.args.get("relation", "support")
    return render_template(
        "search.html",
        graph=graph,
        query=query,
        found=found,
        purpose=purpose if node else None,
        node=node,
        relation=relation,
    )


@bp.get("/api/maps/<int:map_id>/search")
def api_results(map_id: int):
    """The nodes matching `q`, best first, as JSON (at most `limit`, 1 to 50)."""
    db = get_db()
    maps.get_map(db, map_id)
    limit = query_number(request.args.get("limit"), "limit") or search.LIMIT
    if not 1 <= limit <= 50:
        raise ValidationError("limit must be a whole number from 1 to 50.", "limit")
    query = typed()
    hidden = access.hidden_ids(db, map_id)
    found = search.search(db, map_id, query, limit, hidden) if query.strip() else []
    return jsonify({"query": query, "results": found})
