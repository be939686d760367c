"""The teacher's overview of a map: a page for its owners that follows the map live; its JSON."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from .. import maps, overview
from ..db import get_db
from ..web.access import owner_only
from ..web.headers import no_store

bp = Blueprint("overview", __name__)
bp.after_request(no_store)  # members' real names and what is hidden from students


@bp.get("/maps/<int:map_id>/overview")
@owner_only
def show(map_id: int):
    """The overview page: overview.js fills it from the JSON figures, then follows the map live."""
    return render_template("overview.html", graph=maps.get_map(get_db(), map_id))


@bp.get("/api/maps/<int:map_id>/overview")
@owner_only
def figures(map_id: int):
    """The overview's figures as JSON (what the page redraws itself from)."""
    return jsonify(overview.overview(get_db(), map_id))
