"""Where the debate stands: which claims stand and why, and nodes like the one being typed."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import maps, search, standing
from ..db import get_db
from ..errors import ValidationError
from ..model import from_graph

bp = Blueprint("standing", __name__, url_prefix="/api")


@bp.get("/maps/<int:map_id>/acceptability")
def acceptability(map_id: int):
    """Each node in, out or undecided (grounded semantics) with a one-line reason."""
    graph = maps.load(get_db(), map_id)
    result = standing.label(from_graph(graph))
    return jsonify({"revision": graph["revision"], "labels": result.labels, "why": result.why})


@bp.get("/maps/<int:map_id>/similar")
def similar(map_id: int):
    """Up to five nodes whose text shares most of the words of `text` (before adding a node)."""
    db = get_db()
    maps.get_map(db, map_id)
    text = request.args.get("text", "")
    if len(text) > search.SIMILAR_TEXT_MAX:
        raise ValidationError(
            f"Send at most {search.SIMILAR_TEXT_MAX} characters of text (a node's limit).", "text"
        )
    return jsonify({"text": text, "results": search.similar(db, map_id, text)})
