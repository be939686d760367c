"""A printable brief for each side of every claim: the case for and the case against."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from .. import authors, outline, votes
from ..db import get_db

bp = Blueprint("brief", __name__)


def incoming(graph: dict) -> dict[int, list[dict]]:
    """For each node, the nodes linked to it from elsewhere (a contradiction goes both ways)."""
    by_id = {n["id"]: n for n in graph["nodes"]}
    found: dict[int, list[dict]] = {}
    for link in graph["links"]:
        found.setdefault(link["to_id"], []).append({**link, "node": by_id[link["from_id"]]})
        if link["relation"] == "contradiction":
            found.setdefault(link["from_id"], []).append({**link, "node": by_id[link["to_id"]]})
    return found


def sides(graph: dict, tally: dict | None = None) -> list[dict]:
    """Each claim with its supports and its counters, each with what answers them.

    With a `tally` of votes, claims and the points under them go strongest first.
    """
    linked = incoming(graph)
    briefs = []
    for item in outline.tree(graph, tally) if tally is not None else outline.tree(graph):
        claim = item["node"]
        extra = linked.get(claim["id"], [])
        briefs.append(
            {
                "claim": claim,
                "for": [c for c in item["children"] if c["node"]["kind"] == "support"],
                "against": [c for c in item["children"] if c["node"]["kind"] == "counter"],
                "also_for": [li["node"] for li in extra if li["relation"] == "support"],
                "also_against": [li["node"] for li in extra if li["relation"] != "support"],
            }
        )
    return briefs


@bp.get("/maps/<int:map_id>/brief")
def show(map_id: int):
    """The brief, laid out for reading on screen and for printing."""
    db = get_db()
    graph = authors.load(db, map_id, g.get("role"))
    sort = votes.clean_sort(request.args.get("sort"))
    shown = {n["id"] for n in graph["nodes"]}
    tally = {k: v for k, v in votes.summaries(db, map_id).items() if k in shown}
    briefs = sides(graph, tally if sort == "votes" else None)
    return render_template("brief.html", graph=graph, briefs=briefs, tally=tally, sort=sort)
