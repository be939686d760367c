"""The HTML pages: the list of maps and the map page with its forms."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import (
    authors,
    comments,
    deletion,
    dot,
    events,
    links,
    maps,
    members,
    moderation,
    nodes,
    render,
    rules,
    teams,
    votes,
)
from ..clean import said, short
from ..db import get_db, row
from ..errors import ArgmapError, Conflict, Forbidden, NotFound, ValidationError
from ..records import node_dict
from ..web import access, compress, lean, mappage
from ..web.access import editor_only, first_owner_only
from ..web.downloads import attachment
from ..web.ids import query_number

bp = Blueprint("pages", __name__)
GONE = (
    "This node was deleted while you were editing it, so your edit could not be saved."
    " Your text is kept below: add it as a claim, or select a node and add it there."
)

ORPHANED = (
    "The node you were adding to was deleted meanwhile, so your text could not be added there."
    " It is kept below: add it as a claim, or select another node and add it there."
)


def parent_state(map_id: int, form: dict) -> str:
    """Where the form's parent stands: "here", "gone" (deleted meanwhile) or "bad" (no id)."""
    try:
        found = nodes.get_node(get_db(), map_id, form.get("parent_id"))
        moderation.check_visible(get_db(), map_id, found["id"], access.actor(), "parent_id")
    except NotFound:
        return "gone"
    except ArgmapError:
        return "bad"
    return "here"


def actor() -> events.Actor:
    """Who is making the change, as the history shows it."""
    return access.actor()


def as_id(value: str | None) -> int | None:
    """A form's id field as a number, if it is one."""
    return int(value) if value and value.isdigit() else None


def to_map(map_id: int, node_id: int | None = None):
    """Redirect to the map page with a node selected and in view."""
    if node_id is None:
        return redirect(url_for("pages.show", map_id=map_id))
    return redirect(url_for("pages.show", map_id=map_id, node=node_id, _anchor=f"node-{node_id}"))


def front_page(form: dict, error: ArgmapError | None = None):
    """The person's maps, the maps listed for everyone, and the form to create one."""
    return render_template(
        "index.html",
        maps=access.visible_maps(),
        listed=maps.listed_maps(get_db()),
        form=form,
        error=error,
    ), (400 if error else 200)


@bp.get("/favicon.ico")
def favicon():
    """Browsers that ask for /favicon.ico get the SVG icon the pages name."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/")
def index():
    """The list of maps, with a form to create one."""
    return front_page({})


@bp.post("/maps")
def create():
    """Create a map, or show the list again with the form filled in."""
    try:
        map_id = members.create_map(
            get_db(),
            access.current_person().user,
            request.form.get("title"),
            request.form.get("description"),
        )
    except ArgmapError as error:
        return front_page(request.form, error)
    flash("Map created. Add its first claim.")
    return to_map(map_id)


def query_direction(value: str | None) -> str:
    """The drawing's direction asked for in the query string: rl (default) or bt."""
    if value is None or value == "":
        return "rl"
    if value not in dot.DIRECTIONS:
        raise ValidationError(
            f"direction must be rl (thesis on the left) or bt (thesis at the bottom),"
            f" not {value[:40]!r}.",
            "direction",
        )
    return value


def page(map_id: int, selected: int | None, status: int = 200, **forms):
    """Render the map page; `forms` carries a failed form's values and error."""
    db = get_db()
    hide = access.hides()
    graph = maps.get_map(db, map_id)
    typed = as_id(str((forms.get("edit") or {}).get("values", {}).get("parent_id", "")))
    node, mine, by_id = mappage.around(db, map_id, selected, typed, hide)
    seen = authors.names_for(db, map_id, g.get("role"))
    if node is not None:
        node["author"] = authors.authors(db, map_id, seen).get(node["id"], "")
    count = row(db, "SELECT COUNT(*) AS n FROM nodes WHERE map_id = ?", (map_id,))["n"]
    count -= len(moderation.hidden_ids(db, map_id)) if hide else 0
    direction = query_direction(request.args.get("direction"))
    shown = mappage.drawing(db, graph, node and selected, hide, direction)
    sort = votes.clean_sort(request.args.get("sort"))
    outline_html = mappage.outline_html(db, graph, g.get("role"), sort)
    member = g.get("member")
    vote = votes.state(db, node["id"], member and member["id"]) if node else None
    thread = comments.thread(db, map_id, node["id"], seen) if node is not None else []
    return render_template(
        "map.html",
        graph=graph,
        node=node,
        by_id=by_id,
        mine=mine,
        node_count=count,
        drawn=shown.drawn,
        direction=direction,
        legend=dot.legend(),
        svg=shown.svg,
        svg_url=shown.url,
        render_error=shown.failure,
        outline_html=mappage.mark_selected(outline_html, node["id"] if node else None),
        forms=forms,
        choices=deletion.CHOICE_LABELS,
        classroom=class_values(db, map_id),
        vote=vote,
        sort=sort,
        thread=thread,
        comment_max=rules.COMMENT_MAX,
        near_view_at=mappage.NEAR_VIEW_AT,
    ), status


def class_values(db, map_id: int) -> dict:
    """The reader's team and name on the map, and the teams they may pick."""
    member = g.get("member")
    options = teams.options(db, map_id)
    seen = authors.names_for(db, map_id, g.get("role"))
    hidden_as = authors.pseudonym(member["id"]) if member and options["anonymous"] else None
    return {
        **options,
        "team": teams.team_of(db, map_id, member["id"] if member else None),
        "teams": teams.listing(db, map_id) if member and options["team_pick"] else [],
        "shown_as": hidden_as if member and member["id"] not in seen.owners else None,
    }


@bp.get("/maps/<int:map_id>")
def show(map_id: int):
    """The map page: diagram, outline and the forms for the selected node."""
    selected = query_number(request.args.get("node"), "node", "a node id")
    return page(map_id, selected)


@bp.post("/maps/<int:map_id>")
def update(map_id: int):
    """Rename the map or change its description."""
    try:
        changed = maps.update_map(
            get_db(), map_id, request.form.get("title"), request.form.get("description"), actor()
        )
    except ArgmapError as error:
        return page(map_id, None, 400, settings={"values": request.form, "error": error})
    flash("Map saved." if changed else "No changes to save.")
    return to_map(map_id)


@bp.get("/maps/<int:map_id>/delete")
@first_owner_only
def confirm_delete(map_id: int):
    """Ask before deleting a map."""
    graph = maps.load(get_db(), map_id)
    return render_template("delete_map.html", graph=graph)


@bp.post("/maps/<int:map_id>/delete")
@first_owner_only
def delete(map_id: int):
    """Delete a map after confirmation."""
    found = maps.get_map(get_db(), map_id)
    maps.delete_map(get_db(), map_id)
    flash(f"Deleted the map {said(found['title'])}")
    return redirect(url_for("pages.index"))


@bp.post("/maps/<int:map_id>/nodes")
def add_node(map_id: int):
    """Add a claim, or a support or counter under a node."""
    form = request.form.to_dict()
    form_name = form.pop("form", "add")
    try:
        node = nodes.add_node(get_db(), map_id, form, actor())
    except ArgmapError as error:
        where = parent_state(map_id, form) if form_name == "add" else "here"
        if where != "here":  # no node to show the add form under: keep the text in the claim form
            shown = Conflict(ORPHANED, None, "text") if where == "gone" else error
            status = 409 if where == "gone" else 400
            return page(map_id, None, status, claim={"values": form, "error": shown})
        return page(
            map_id,
            as_id(form.get("parent_id")),
            400,
            **{form_name: {"values": form, "error": error}},
        )
    flash(f"Added {node['kind']} {said(node['text'])}")
    return to_map(map_id, node["id"])


@bp.post("/maps/<int:map_id>/nodes/<int:node_id>")
def update_node(map_id: int, node_id: int):
    """Save the edit form of a node; a stale version shows both texts."""
    form = request.form.to_dict()
    form.setdefault("undercut", "")
    changes = {k: v for k, v in form.items() if k in nodes.EDITABLE or k == "version"}
    try:
        node = nodes.update_node(get_db(), map_id, node_id, changes, actor())
    except Conflict as error:
        values = {**form, "version": error.current["version"]}
        return page(
            map_id, node_id, 409, edit={"values": values, "error": error, "theirs": error.current}
        )
    except NotFound as error:
        if error.field != "node_id":
            raise
        gone = Conflict(GONE, None, "text")
        return page(map_id, None, 409, claim={"values": form, "error": gone})
    except (ValidationError, Forbidden) as error:  # the form again, with what they typed
        return page(map_id, node_id, error.status, edit={"values": form, "error": error})
    # Unchanged fields leave the version as sent; a real save bumps it.
    unchanged = form.get("version") == str(node["version"])
    flash("No changes to save." if unchanged else f"Saved {said(node['text'])}")
    return to_map(map_id, node_id)


@bp.get("/maps/<int:map_id>/nodes/<int:node_id>/delete")
@editor_only
def confirm_delete_node(map_id: int, node_id: int, error: ArgmapError | None = None):
    """Ask what becomes of the nodes about a node before deleting it."""
    db = get_db()
    graph = maps.load(db, map_id, access.hides())
    node = node_dict(nodes.get_node(db, map_id, node_id))
    moderation.check_visible(db, map_id, node_id, access.actor(), "node_id")
    kids = [node_dict(c) for c in nodes.children(db, node_id)]
    touching = deletion.links_touching(db, [node_id])
    return render_template(
        "delete_node.html",
        graph=graph,
        node=node,
        kids=kids,
        touching=touching,
        choices=deletion.CHOICE_LABELS,
        error=error,
        chosen=request.form.get("children"),
    ), (error.status if error else 200)


@bp.post("/maps/<int:map_id>/nodes/<int:node_id>/delete")
def delete_node(map_id: int, node_id: int):
    """Delete a node as confirmed."""
    form = request.form
    try:
        done = deletion.delete_node(
            get_db(), map_id, node_id, form.get("children"), form.get("version"), actor()
        )
    except Conflict as error:
        changed = Conflict(
            "Someone changed this node while you were deciding: check it as it is now and"
            " confirm again.",
            error.current,
        )
        return confirm_delete_node(map_id, node_id, changed)
    except (ValidationError, Forbidden) as error:
        return confirm_delete_node(map_id, node_id, error)
    count = len(done["deleted"])
    text = done["before"]["text"]
    flash(
        f"Deleted “{short(text)}” and {count - 1} below it."
        if count > 1
        else f"Deleted {said(text)}"
    )
    return to_map(map_id, done["before"]["parent_id"])


@bp.post("/maps/<int:map_id>/links")
def add_link(map_id: int):
    """Link the selected node to another node."""
    form = request.form.to_dict()
    try:
        links.add_link(get_db(), map_id, form, actor())
    except ArgmapError as error:
        return page(map_id, as_id(form.get("from_id")), 400, link={"values": form, "error": error})
    flash("Linked.")
    return to_map(map_id, int(form["from_id"]))


@bp.post("/maps/<int:map_id>/links/<int:link_id>/delete")
def delete_link(map_id: int, link_id: int):
    """Remove a link."""
    link = links.delete_link(get_db(), map_id, link_id, actor())
    flash("Link removed.")
    return to_map(map_id, link["from_id"])


def to_thread(map_id: int, node_id: int | None):
    """Back to the map page with the node's thread in view."""
    if node_id is None:
        return redirect(url_for("pages.show", map_id=map_id))
    return redirect(url_for("pages.show", map_id=map_id, node=node_id, _anchor="comments"))


def comment_failed(map_id: int, node_id: int | None, form: dict, error: ArgmapError):
    """The map page again, the comment form filled in with what was typed, and why."""
    shown = as_id(str(node_id)) if node_id is not None else None
    state = {"values": form, "error": error, "comment_id": as_id(form.get("comment_id"))}
    return page(map_id, shown, error.status, comment=state)


@bp.post("/maps/<int:map_id>/nodes/<int:node_id>/comments")
def add_comment(map_id: int, node_id: int):
    """Comment on a node; on bad input the page again with the text kept."""
    form = request.form.to_dict()
    try:
        comments.add(get_db(), map_id, node_id, form.get("body"), actor())
    except ArgmapError as error:
        return comment_failed(map_id, node_id, form, error)
    flash("Comment added.")
    return to_thread(map_id, node_id)


@bp.post("/maps/<int:map_id>/comments/<int:comment_id>")
def edit_comment(map_id: int, comment_id: int):
    """Save a comment's new text (its author only); on bad input the form again, filled in."""
    form = {**request.form.to_dict(), "comment_id": str(comment_id)}
    try:
        done = comments.edit(get_db(), map_id, comment_id, form.get("body"), actor())
    except ArgmapError as error:
        return comment_failed(map_id, as_id(form.get("node_id")), form, error)
    flash("Comment saved.")
    return to_thread(map_id, done["node_id"])


@bp.post("/maps/<int:map_id>/comments/<int:comment_id>/<any(delete, resolve, reopen):what>")
def change_comment(map_id: int, comment_id: int, what: str):
    """Delete, resolve or reopen a comment."""
    db, who = get_db(), actor()
    try:
        if what == "delete":
            done = comments.delete(db, map_id, comment_id, who)
        else:
            done = comments.set_resolved(db, map_id, comment_id, what == "resolve", who)
    except ArgmapError as error:
        form = {"comment_id": str(comment_id)}
        return comment_failed(map_id, as_id(request.form.get("node_id")), form, error)
    flash({"delete": "Comment deleted.", "resolve": "Resolved.", "reopen": "Reopened."}[what])
    return to_thread(map_id, done["node_id"])


@bp.get("/maps/<int:map_id>/diagram.<fmt>")
def diagram(map_id: int, fmt: str):
    """The diagram as SVG, PNG, PDF or DOT; ?download=1 saves it as a file, ?direction=bt
    draws the thesis at the bottom.

    A page asks again with the ETag it has: an unchanged map answers 304 without a render.
    With ?ready=1 (the live page) a drawing being made is not waited for: the last one comes
    at once, marked `X-Argmap-Updating: 1`, and the page's stream says when the new one is
    drawn (the view is drawn ahead after each change from then on). A page's SVG is mostly
    answered in front of Flask, by the same function (web.lean).
    """
    if fmt not in render.FORMATS:
        abort(404, f"No diagram format {fmt!r}: choose svg, png, pdf or dot.")
    db = get_db()
    node_id = query_number(request.args.get("node"), "node", "a node id")
    direction = query_direction(request.args.get("direction"))
    if request.args.get("download"):
        return download(db, map_id, fmt, node_id, direction)
    ready = bool(request.args.get("ready"))
    asked = lean.Asked(fmt, node_id, direction, ready, request.if_none_match, compress.accepted())
    status, headers, body = lean.answer(db, current_app.config, map_id, access.hides(), asked)
    return Response(body, status, headers)


def download(db, map_id: int, fmt: str, node_id: int | None, direction: str) -> Response:
    """The diagram as a file to save, named after the map and its revision."""
    graph = maps.get_map(db, map_id)
    limits = render.Limits.from_config(current_app.config)
    drawn = render.diagram(
        db, map_id, fmt, node_id, limits, direction=direction, hide=access.hides()
    )
    response = Response(drawn.body, mimetype=render.FORMATS[fmt])
    name = f"{graph['title']} r{drawn.revision}"
    response.headers["Content-Disposition"] = attachment(name, fmt)
    return response
