"""What the map page is built from, kept per map revision in this process.

The outline's HTML is the same for every reader of a revision: it is drawn once and kept, and
the selected item is marked in the copy. The drawing is looked up once per revision and view;
one bigger than INLINE_SVG_MAX is not inlined but loaded by URL (with its ETag), so a
2,000-node map page stays under 1 MB (its SVG alone is 3.6 MB; see `bench --only page`).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace

from flask import current_app, render_template, url_for
from markupsafe import Markup
from sqlite_utils import Database

from .. import authors, comments, drawahead, moderation, nodes, outline, render, votes
from ..db import rows
from ..errors import NotFound, RenderError
from ..records import link_dict, node_dict

INLINE_SVG_MAX = 150_000
KEPT = 16  # outlines (and drawings per view) kept per process: the maps worked on at once


@dataclass(frozen=True)
class PageDrawing:
    """The page's diagram: the drawing's facts, its inline SVG or its URL, or why there is none."""

    drawn: render.Diagram | None
    svg: str
    url: str | None
    failure: str | None


def kept(name: str, key: tuple, make):
    """The value kept under `key` in this process's store `name`, made on first use."""
    store = current_app.extensions.setdefault(f"argmap.{name}", OrderedDict())
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = store[key] = make()
    while len(store) > KEPT:
        store.popitem(last=False)
    return value


# From this many nodes the page lays out only what is near the view: outline items
# (argmap.css) and the nodes' text in the drawing (static/canvas.js); mapdata.js reads it
# from the page when it draws the outline again.
NEAR_VIEW_AT = 300


def outline_html(db: Database, found: dict, role: str | None, sort: str | None = None) -> str:
    """The map's outline as HTML, drawn once per map revision for owners and once for students.

    Students see neither hidden nodes nor, in an anonymous map, other students' real names.
    Each voted node carries its votes' mark; with `sort` "votes", strongest first.
    """

    def draw() -> str:
        graph = authors.load(db, found["id"], role)  # the whole map only when drawn
        tally = votes.summaries(db, found["id"])
        items = outline.tree(graph, tally) if sort == "votes" else outline.tree(graph)
        talk = comments.counts(graph["comments"])
        return render_template(
            "_outline.html",
            graph=graph,
            items=items,
            tally=tally,
            talk=talk,
            near_view_at=NEAR_VIEW_AT,
        )

    key = (found["id"], found["revision"], role == "owner", sort == "votes")
    return kept("outlines", key, draw)


def mark_selected(html: str, node_id: int | None) -> Markup:
    """The kept outline with one item marked as the selected node."""
    if node_id is not None:
        start = f'<li id="o-{node_id}" class="'
        html = html.replace(start, f'<li id="o-{node_id}" aria-current="true" class="selected ', 1)
    return Markup(html)


def drawing(
    db: Database, found: dict, selected: int | None, hide: bool, direction: str = "rl"
) -> PageDrawing:
    """The page's diagram for this revision, selection, reader and direction, looked up once.

    From now on the view is drawn ahead after each change (argmap.drawahead), as for a page
    that fetched it: the first change after the page loads is drawn ahead too.
    """
    limits = render.Limits.from_config(current_app.config)
    wanted = drawahead.Want("svg", selected, direction, hide)
    drawahead.drawer(current_app.config["DATABASE"]).want(found["id"], wanted, limits)
    key = (found["id"], found["revision"], selected, hide, direction, repr(limits))
    view = render.View(selected or 0, direction, hide)
    return kept("drawings", key, lambda: look_up(db, found["id"], view, limits))


def look_up(db: Database, map_id: int, view: render.View, limits: render.Limits) -> PageDrawing:
    """The stored (or new) drawing: inlined when small, else by URL; a failure says why."""
    selected = view.focus or None
    try:
        drawn = render.diagram(
            db, map_id, "svg", selected, limits, direction=view.direction, hide=view.students
        )
    except RenderError as error:
        return PageDrawing(None, "", None, str(error))
    if len(drawn.body) <= INLINE_SVG_MAX:
        return PageDrawing(replace(drawn, data=b""), render.inline_svg(drawn.body), None, None)
    direction = None if view.direction == "rl" else view.direction
    url = url_for("pages.diagram", map_id=map_id, fmt="svg", node=selected, direction=direction)
    return PageDrawing(replace(drawn, data=b""), "", url, None)


def around(db: Database, map_id: int, selected: int | None, typed: int | None, hide: bool) -> tuple:
    """The selected node, its outgoing links and the nodes the panel names (parent, targets).

    With `hide` (a student reads the page), nothing hidden from students.
    """
    hidden = moderation.hidden_ids(db, map_id) if hide else set()
    try:
        node = node_dict(nodes.get_node(db, map_id, selected)) if selected else None
    except NotFound:
        node = None
    if node is None or node["id"] in hidden:
        return None, [], {}
    sql = "SELECT * FROM links WHERE from_id = ? ORDER BY to_id, id"
    mine = [link_dict(li) for li in rows(db, sql, (node["id"],)) if li["to_id"] not in hidden]
    wanted = {node["parent_id"], typed, *(li["to_id"] for li in mine)} - {None}
    marks = ", ".join("?" * len(wanted))
    named = rows(db, f"SELECT * FROM nodes WHERE map_id = ? AND id IN ({marks})", (map_id, *wanted))
    return node, mine, {n["id"]: node_dict(n) for n in named}
