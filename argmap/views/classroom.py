"""Running a class on a map: teams and their sides, team briefs with speaker notes, anonymity."""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for

from .. import authors, maps, members, outline, teambrief, teams
from ..db import get_db
from ..errors import ArgmapError, Conflict, Forbidden
from ..web import access
from ..web.access import owner_only, readers_too
from ..web.headers import no_store
from ..web.sent import json_object

bp = Blueprint("classroom", __name__)
NOT_YOUR_TEAM = "Only the team's members and the map's owners can read or change its notes."


def names() -> authors.Names:
    """How the person asking sees the map's people."""
    return authors.names_for(get_db(), request.view_args["map_id"], g.get("role"))


def may_see_notes(team: dict) -> bool:
    """Owners and the team's own members see its notes."""
    if g.get("role") == "owner":
        return True
    member = g.get("member")
    mine = teams.team_of(get_db(), team["map_id"], member["id"]) if member else None
    return mine is not None and mine["id"] == team["id"]


def team_json(team: dict, seen: authors.Names) -> dict:
    """A team as the API shows it to this reader (notes only to those who may see them)."""
    found = {**teams.team_dict(team), "members": []}
    found["members"] = [{"id": m, "name": seen.member(m)} for m in team.get("members", [])]
    if may_see_notes(team):
        found["notes"] = team["notes"]
    return found


def teams_page(map_id: int, error: ArgmapError | None = None, form: dict | None = None):
    """The owners' page of teams, members and class settings (with a failed form's error)."""
    db = get_db()
    graph = maps.load(db, map_id)
    found = teams.listing(db, map_id)
    return render_template(
        "classroom/teams.html",
        graph=graph,
        teams=found,
        by_team={m: t for t in found for m in t["members"]},
        claims=[n for n in graph["nodes"] if n["kind"] == "claim"],
        people=[p for p in members.listing(db, map_id) if p["role"] != "owner"],
        options=teams.options(db, map_id),
        sides=teams.SIDES,
        pseudonym=authors.pseudonym,
        error=error,
        form=form or {},
    ), (error.status if error else 200)


def to_teams(map_id: int, message: str):
    """Say what was done, back on the teams page."""
    flash(message)
    return redirect(url_for("classroom.index", map_id=map_id))


bp.after_request(no_store)  # the pages show members' names and teams' private notes


@bp.get("/maps/<int:map_id>/teams")
@owner_only
def index(map_id: int):
    """Teams with their sides and members, anonymous names, letting students pick a team."""
    return teams_page(map_id)


@bp.post("/maps/<int:map_id>/teams")
@owner_only
def create(map_id: int):
    """Make a team."""
    try:
        team = teams.create(get_db(), map_id, request.form.to_dict(), access.actor())
    except ArgmapError as error:
        return teams_page(map_id, error, {"new": request.form.to_dict()})
    return to_teams(map_id, f"Made the team {team['name']}.")


@bp.post("/maps/<int:map_id>/teams/<int:team_id>")
@owner_only
def update(map_id: int, team_id: int):
    """Rename a team or change its side."""
    try:
        team = teams.update(get_db(), map_id, team_id, request.form.to_dict(), access.actor())
    except ArgmapError as error:
        return teams_page(map_id, error, {team_id: request.form.to_dict()})
    return to_teams(map_id, f"Saved the team {team['name']}.")


@bp.post("/maps/<int:map_id>/teams/<int:team_id>/delete")
@owner_only
def delete(map_id: int, team_id: int):
    """Delete a team; its members stay on the map with their nodes."""
    found = teams.delete(get_db(), map_id, team_id, access.actor())
    return to_teams(map_id, f"Deleted the team {found['name']}; its members and nodes stay.")


@bp.post("/maps/<int:map_id>/teams/assign")
@owner_only
def assign(map_id: int):
    """Put a member in a team, or in none."""
    form = request.form
    try:
        team = teams.assign(
            get_db(), map_id, form.get("member_id"), form.get("team_id"), access.actor()
        )
    except ArgmapError as error:
        return teams_page(map_id, error)
    return to_teams(
        map_id, f"Moved them to {team['name']}." if team else "They are in no team now."
    )


@bp.post("/maps/<int:map_id>/classroom")
@owner_only
def settings(map_id: int):
    """Switch anonymous names and team picking on or off."""
    form = request.form
    changes = {"anonymous": form.get("anonymous", "0"), "team_pick": form.get("team_pick", "0")}
    try:
        teams.set_options(get_db(), map_id, changes, access.actor())
    except ArgmapError as error:
        return teams_page(map_id, error)
    return to_teams(map_id, "Saved the class settings.")


@bp.post("/maps/<int:map_id>/my-team")
@readers_too
def pick(map_id: int):
    """A member picks their own team, when the owners let students pick."""
    db = get_db()
    member = g.get("member")
    if member is None:
        raise Forbidden(
            "This map is open for reading only: join it with a code from its owner to pick a team."
        )
    if not teams.options(db, map_id)["team_pick"] and g.role != "owner":
        raise Forbidden("The owners of this map assign the teams: ask them to put you in one.")
    team = teams.assign(db, map_id, member["id"], request.form.get("team_id"), access.actor())
    flash(f"You are in {team['name']} now." if team else "You are in no team now.")
    return redirect(url_for("pages.show", map_id=map_id))


def brief_values(map_id: int, team_id: int) -> dict:
    """What a team's brief shows this reader."""
    db = get_db()
    team = teams.get_team(db, map_id, team_id)
    seen = names()
    graph = authors.with_authors(maps.load(db, map_id), authors.authors(db, map_id, seen))
    team["members"] = teams.listed_members(db, team["id"])
    return {
        "graph": graph,
        "team": team,
        "brief": teambrief.build(graph, team),
        "members": [seen.member(m) for m in team["members"]],
        "notes_shown": may_see_notes(team),
        "others": [t for t in teams.listing(db, map_id) if t["id"] != team["id"]],
        "sides": teams.SIDES,
        "roles": outline.LABELS,
    }


@bp.get("/maps/<int:map_id>/teams/<int:team_id>/brief")
def brief(map_id: int, team_id: int):
    """A team's brief: its case, the objections to answer, the case to attack; its notes."""
    return render_template("classroom/brief.html", **brief_values(map_id, team_id), error=None)


@bp.post("/maps/<int:map_id>/teams/<int:team_id>/notes")
def notes(map_id: int, team_id: int):
    """Save a team's speaker notes (its members and the owners)."""
    values = brief_values(map_id, team_id)
    if not values["notes_shown"]:
        raise Forbidden(NOT_YOUR_TEAM)
    form = request.form
    try:
        teams.set_notes(
            get_db(), map_id, team_id, form.get("notes"), form.get("version"), access.actor()
        )
    except ArgmapError as error:
        theirs = error.current if isinstance(error, Conflict) else None
        typed = {"notes": form.get("notes", ""), "version": form.get("version", "")}
        if theirs:
            typed["version"] = theirs["notes_version"]
        page = render_template(
            "classroom/brief.html", **values, error=error, typed=typed, theirs=theirs
        )
        return page, error.status
    flash("Saved the notes.")
    return redirect(url_for("classroom.brief", map_id=map_id, team_id=team_id, _anchor="notes"))


# --- The API --------------------------------------------------------------------------------


@bp.get("/api/maps/<int:map_id>/teams")
def api_index(map_id: int):
    """The map's teams with their sides and members (notes only to who may see them)."""
    db = get_db()
    maps.get_map(db, map_id)
    seen = names()
    found = [team_json(t, seen) for t in teams.listing(db, map_id)]
    return jsonify({"teams": found, **teams.options(db, map_id)})


@bp.post("/api/maps/<int:map_id>/teams")
@owner_only
def api_create(map_id: int):
    """Make a team: {"name", "claim_id", "side"}."""
    return jsonify(teams.create(get_db(), map_id, json_object(), access.actor())), 201


@bp.patch("/api/maps/<int:map_id>/teams/<int:team_id>")
@owner_only
def api_update(map_id: int, team_id: int):
    """Rename a team or change its side."""
    return jsonify(teams.update(get_db(), map_id, team_id, json_object(), access.actor()))


@bp.delete("/api/maps/<int:map_id>/teams/<int:team_id>")
@owner_only
def api_delete(map_id: int, team_id: int):
    """Delete a team; its members stay on the map."""
    return jsonify({"deleted": teams.delete(get_db(), map_id, team_id, access.actor())["id"]})


@bp.put("/api/maps/<int:map_id>/members/<int:member_id>/team")
@owner_only
def api_assign(map_id: int, member_id: int):
    """Put a member in a team: {"team_id"} (null: in no team)."""
    team = teams.assign(get_db(), map_id, member_id, json_object().get("team_id"), access.actor())
    return jsonify({"member_id": member_id, "team_id": team["id"] if team else None})


@bp.get("/api/maps/<int:map_id>/teams/<int:team_id>/brief")
def api_brief(map_id: int, team_id: int):
    """A team's brief as node ids: its case, the objections to answer, the case to attack."""
    values = brief_values(map_id, team_id)
    made = values["brief"]
    found = {
        "team": team_json(values["team"], names()),
        "claim_id": made["claim"]["id"] if made["claim"] else None,
        "case": teambrief.node_ids(made["case"]),
        "answer": teambrief.node_ids(made["answer"]),
        "attack": teambrief.node_ids(made["attack"]),
    }
    return jsonify(found)


@bp.put("/api/maps/<int:map_id>/teams/<int:team_id>/notes")
def api_notes(map_id: int, team_id: int):
    """Save a team's notes: {"notes", "version"} (the version read; 409 if someone saved since)."""
    db = get_db()
    team = teams.get_team(db, map_id, team_id)
    if not may_see_notes(team):
        raise Forbidden(NOT_YOUR_TEAM)
    data = json_object()
    saved = teams.set_notes(
        db, map_id, team_id, data.get("notes"), data.get("version", 0), access.actor()
    )
    return jsonify({"notes": saved["notes"], "version": saved["notes_version"]})


@bp.patch("/api/maps/<int:map_id>/classroom")
@owner_only
def api_settings(map_id: int):
    """Switch anonymous names or team picking: {"anonymous": bool, "team_pick": bool}."""
    return jsonify(teams.set_options(get_db(), map_id, json_object(), access.actor()))
