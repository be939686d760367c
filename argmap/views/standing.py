"""Where the debate stands: which claims stand and why, and nodes like the one being typed.

Students get both for what they may see: a hidden node neither attacks nor is suggested.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from .. import events, maps, search, standing
from ..db import get_db
from ..errors import ValidationError
from ..model import from_graph
from ..web import access, mappage

bp = Blueprint("standing", __name__)
ORDER = (standing.OUT, standing.UNDECIDED, standing.IN)  # the plain page: what falls first


@bp.get("/api/maps/<int:map_id>/acceptability")
def acceptability(map_id: int):
    """Each node in, out or undecided (grounded semantics) with a one-line reason.

    Labelled once per drawn revision and kind of reader: votes and comments change no label.
    """
    db = get_db()
    revision = maps.get_map(db, map_id)["revision"]
    result = labelled(db, map_id, revision)
    return jsonify({"revision": revision, "labels": result.labels, "why": result.why})


def labelled(db, map_id: int, revision: int) -> standing.Standing:
    """The labels of the map as this reader sees it, worked out once per drawn revision."""
    hides = access.hides()
    key = (map_id, events.drawn_revision(db, map_id, revision), hides)
    return mappage.kept(
        "labels", key, lambda: standing.label(from_graph(maps.load(db, map_id, hides)))
    )


@bp.get("/api/maps/<int:map_id>/similar")
def similar(map_id: int):
    """Up to five nodes whose text shares most of the words of `text` (before adding a node)."""
    db = get_db()
    maps.get_map(db, map_id)
    text = request.args.get("text", "")
    if len(text) > search.SIMILAR_TEXT_MAX:
        raise ValidationError(
            f"Send at most {search.SIMILAR_TEXT_MAX} characters of text (a node's limit).", "text"
        )
    hidden = access.hidden_ids(db, map_id)
    return jsonify({"text": text, "results": search.similar(db, map_id, text, hidden=hidden)})


@bp.get("/maps/<int:map_id>/standing")
def show(map_id: int):
    """The plain page: every node the reader may see, grouped by its label, with the reason."""
    db = get_db()
    graph = maps.load(db, map_id, access.hides())
    result = labelled(db, map_id, graph["revision"])
    groups = {mark: [] for mark in ORDER}
    for node in graph["nodes"]:
        key = str(node["id"])
        groups[result.labels[key]].append({"node": node, "why": result.why[key]})
    return render_template("standing.html", graph=graph, groups=groups)
