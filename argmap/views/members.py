"""The owner's page of a map's members, join codes and sharing; joining by code."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from .. import maps, members, moderation, qrcode, ratelimit, teams
from ..db import get_db, write
from ..errors import ArgmapError, NotFound, ValidationError
from ..events import Actor
from ..web import access, proxies
from ..web.access import anyone, current_person, membership, owner_only, remember_join
from ..web.errorpages import refused
from ..web.headers import no_store

bp = Blueprint("members", __name__)


def shared_link(endpoint: str, **values: object) -> str:
    """A full link to give to others: at PUBLIC_URL when set, else at the address asked for."""
    public = current_app.config["PUBLIC_URL"] or ""
    if not public:
        return url_for(endpoint, **values, _external=True)
    public = public if "://" in public else "http://" + public
    return public.rstrip("/") + url_for(endpoint, **values)


def loopback_host() -> str | None:
    """The host of this request when others cannot reach it (localhost, 127.x, ::1)."""
    if current_app.config["PUBLIC_URL"]:
        return None
    host = urlsplit("//" + request.host).hostname or ""
    try:
        address = ipaddress.ip_address(host)
        loopback = address.is_loopback or address.is_unspecified
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    return host if loopback else None


bp.after_request(no_store)  # every page here shows a join code or members' names


@bp.context_processor
def sharing_values() -> dict:
    """What the members pages need to show links others can open."""
    return {"shared_link": shared_link, "loopback_host": loopback_host(), "qr_svg": qrcode.svg}


def members_page(map_id: int, error: ArgmapError | None = None):
    """The members page, with a failed form's error."""
    db = get_db()
    return render_template(
        "members/index.html",
        graph=maps.get_map(db, map_id),
        members=members.listing(db, map_id),
        codes=members.open_codes(db, map_id),
        roles=members.ROLE_LABELS,
        owner_label=members.OWNER_LABEL,
        settings=moderation.settings_of(db, map_id),
        modes=moderation.MODE_LABELS,
        error=error,
    ), (error.status if error else 200)


def to_members(map_id: int, message: str):
    """Say what was done, back on the members page."""
    flash(message)
    return redirect(url_for("members.index", map_id=map_id))


@bp.get("/maps/<int:map_id>/members")
@owner_only
def index(map_id: int):
    """Members with their roles, the open join codes, and whether the map is public."""
    return members_page(map_id)


@bp.post("/maps/<int:map_id>/members/<int:member_id>/role")
@owner_only
def set_role(map_id: int, member_id: int):
    """Give a member another role."""
    try:
        found = members.set_role(
            get_db(), map_id, member_id, request.form.get("role"), access.actor()
        )
    except ArgmapError as error:
        return members_page(map_id, error)
    if found["role"] == "owner":
        return to_members(map_id, f"{found['name']} is now an owner of this map.")
    return to_members(map_id, f"{found['name']} is now {found['role']}.")


@bp.post("/maps/<int:map_id>/members/<int:member_id>/delete")
@owner_only
def remove(map_id: int, member_id: int):
    """Remove a member from the map; the nodes they wrote stay, under their name."""
    try:
        found = members.remove(get_db(), map_id, member_id)
    except ArgmapError as error:
        return members_page(map_id, error)
    return to_members(map_id, f"Removed {found['name']} from the map; their nodes stay.")


@bp.post("/maps/<int:map_id>/moderation")
@owner_only
def set_moderation(map_id: int):
    """Choose whether students edit only their own nodes or every node."""
    try:
        changed = moderation.set_mode(
            get_db(), map_id, request.form.get("moderation"), access.actor()
        )
    except ArgmapError as error:
        return members_page(map_id, error)
    mode = moderation.settings_of(get_db(), map_id)["moderation"]
    said = f"{moderation.MODE_LABELS[mode]}." if changed else "Moderation unchanged."
    return to_members(map_id, said)


@bp.post("/maps/<int:map_id>/lock")
@owner_only
def set_lock(map_id: int):
    """Lock the map (read-only for all but its owners) or unlock it."""
    locked = request.form.get("locked") == "1"
    moderation.set_locked(get_db(), map_id, locked, access.actor())
    flash(
        "Locked: only owners can change the map now."
        if locked
        else "Unlocked: members can change the map again."
    )
    if request.form.get("back") == "map":
        return redirect(url_for("pages.show", map_id=map_id))
    return redirect(url_for("members.index", map_id=map_id))


@bp.post("/maps/<int:map_id>/nodes/<int:node_id>/hide")
@owner_only
def hide(map_id: int, node_id: int):
    """Hide a node and everything below it from students, or show it to them again."""
    hidden = request.form.get("hidden") == "1"
    done = moderation.set_hidden(get_db(), map_id, node_id, hidden, access.actor())
    if done is None:
        flash("Nothing to change: the node was already " + ("hidden." if hidden else "shown."))
    elif hidden:
        count = len(done["gone"])
        flash(f"Hidden from students, with everything below it ({count} nodes in all).")
    else:
        flash("Students can see this node again.")
    return redirect(url_for("pages.show", map_id=map_id, node=node_id, _anchor=f"node-{node_id}"))


@bp.post("/maps/<int:map_id>/public")
@owner_only
def set_public(map_id: int):
    """Make the map readable by anyone with its link, or private again."""
    public = request.form.get("public") == "1"
    members.set_public(get_db(), map_id, public)
    return to_members(
        map_id,
        "Anyone with the link can now read this map."
        if public
        else "The map is private now (and not listed on the front page).",
    )


@bp.post("/maps/<int:map_id>/listed")
@owner_only
def set_listed(map_id: int):
    """List the map on the front page (readable by link too), or take it off."""
    listed = request.form.get("listed") == "1"
    members.set_listed(get_db(), map_id, listed)
    return to_members(
        map_id,
        "The map is listed on the front page; anyone with the link can read it."
        if listed
        else "The map is no longer listed on the front page.",
    )


@bp.post("/maps/<int:map_id>/codes")
@owner_only
def create_code(map_id: int):
    """Open a join code for a role and show it on the classroom screen."""
    try:
        code = members.new_code(get_db(), map_id, request.form.get("role"))
    except ArgmapError as error:
        return members_page(map_id, error)
    return redirect(url_for("members.screen", map_id=map_id, code_id=code["id"]))


@bp.get("/maps/<int:map_id>/codes/<int:code_id>")
@owner_only
def screen(map_id: int, code_id: int):
    """A join code and its link in type large enough for a classroom screen."""
    db = get_db()
    code = members.get_code(db, map_id, code_id)
    return render_template("members/screen.html", graph=maps.get_map(db, map_id), code=code)


@bp.post("/maps/<int:map_id>/codes/<int:code_id>/regenerate")
@owner_only
def regenerate(map_id: int, code_id: int):
    """Replace a code by a new one with the same role; the old one stops working."""
    code = members.regenerate(get_db(), map_id, code_id)
    flash(f"The old code no longer works; the new code is {code['code']}.")
    return redirect(url_for("members.screen", map_id=map_id, code_id=code["id"]))


@bp.post("/maps/<int:map_id>/codes/<int:code_id>/close")
@owner_only
def close(map_id: int, code_id: int):
    """Close a code: nobody joins with it any more."""
    closed = members.close_code(get_db(), map_id, code_id)["code"]
    return to_members(map_id, f"Closed the code {closed}; its members stay.")


def open_code(text: str) -> dict:
    """The open join code typed, counted against the sender's attempts when it is wrong.

    The check, the look-up and the count share one write transaction: concurrent guesses
    cannot all pass the check before the first is counted.
    """
    db = get_db()
    limits = ratelimit.join_limits(current_app.config, proxies.sender())
    with write(db):
        ratelimit.check(db, limits, "code")
        found = members.find_code(db, text)
        if found is None:
            ratelimit.count(db, limits)
    if found is None:
        raise NotFound(
            "There is no open join code like this: check it with whoever gave it to you"
            " (it may have been closed or replaced).",
            "code",
        )
    return found


@bp.get("/join")
def start():
    """Type a join code; a code sent along goes straight to its page."""
    typed = request.args.get("code")
    if typed is None:
        return render_template("members/join.html", typed="", error=None)
    try:
        code = open_code(typed)
    except ArgmapError as error:
        return refused("members/join.html", error, typed=typed)
    return redirect(url_for("members.join_form", code=code["code"]))


def already_in(code: dict):
    """To the map, when this person is a member of it already; else None."""
    found = membership(current_person(), code["map_id"])
    if found is None:
        return None
    flash(f"You are in this map already, as {found['name']} ({found['role']}).")
    return redirect(url_for("pages.show", map_id=code["map_id"]))


@bp.get("/join/<code>")
def join_form(code: str):
    """Pick the name others will see, and join."""
    try:
        found = open_code(code)
    except ArgmapError as error:
        return refused("members/join.html", error, typed=code)
    user = current_person().user
    name = user["name"] if user else ""
    return already_in(found) or render_template(
        "members/name.html", code=found, name=name, error=None, **class_values(found)
    )


def class_values(code: dict) -> dict:
    """What the join form shows of the map's class: anonymity, the teams one may pick."""
    db = get_db()
    found = {**teams.options(db, code["map_id"]), "teams": teams.listing(db, code["map_id"])}
    return {"classroom": found, "chosen_team": request.form.get("team_id", "")}


def picked_team(db, map_id: int, team_id: str | None) -> dict | None:
    """The team picked on the join form, or a 400 that says to pick another."""
    if team_id is None:
        return None
    try:
        return teams.get_team(db, map_id, team_id)
    except NotFound:
        raise ValidationError(
            "This team is gone (or never was): pick one of the teams listed.", "team_id"
        ) from None


def join_as(code: dict):
    """Join the code's map, in the team picked (when students may pick), in one transaction."""
    db = get_db()
    team_id = request.form.get("team_id") or None
    with write(db):
        if team_id is not None and not teams.options(db, code["map_id"])["team_pick"]:
            raise ValidationError("The owners of this map assign the teams.", "team_id")
        team = picked_team(db, code["map_id"], team_id)
        member, secret = members.join(db, code, request.form.get("name"), current_person().user)
        if team is not None:
            teams.assign(
                db, code["map_id"], member["id"], team["id"], Actor(member["name"], member["id"])
            )
    return member, secret


@bp.post("/join/<code>")
@anyone
def join(code: str):
    """Join the code's map with its role under the chosen name."""
    try:
        found = open_code(code)
    except ArgmapError as error:
        return refused("members/join.html", error, typed=code)
    if (done := already_in(found)) is not None:
        return done
    try:
        member, secret = join_as(found)
    except ArgmapError as error:
        return refused(
            "members/name.html",
            error,
            code=found,
            name=request.form.get("name"),
            **class_values(found),
        )
    if secret:
        remember_join(found["map_id"], secret)
    flash(f"Welcome, {member['name']}: you joined “{found['title']}” as {member['role']}.")
    return redirect(url_for("pages.show", map_id=found["map_id"]))
