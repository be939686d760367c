"""Who is asking and what they may do: one check before every request, by the map's role."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import Flask, current_app, g, redirect, request, session, url_for
from sqlite_utils import Database

from .. import accounts, members, moderation, rules
from ..db import get_db, row
from ..errors import ArgmapError, Forbidden, NotFound, Unauthorized
from ..events import Actor
from .csrf import SAFE

EDITING = ("owner", "editor")


@dataclass
class Person:
    """Who sends the request: an account, and the maps joined without one in this browser."""

    user: dict | None = None
    joins: dict[str, str] = field(default_factory=dict)
    by_token: bool = False


def marked(level: str) -> Callable:
    """A decorator that sets the access level the central check applies to a view."""

    def mark(view: Callable) -> Callable:
        view.access = level
        return view

    return mark


anyone = marked("anyone")  # a change anyone may send: log in, sign up, join
account_required = marked("account")  # a page of one's own account
editor_only = marked("edit")  # a page that only leads to a change (a confirmation)
readers_too = marked("read")  # a change readers may send about themselves (leaving the page)
owner_only = marked("owner")  # the map's members, join codes, sharing, moderation
first_owner_only = marked("first")  # deleting the map: its first owner, not a co-owner


def bearer_token() -> str | None:
    """The API token of a request that sends one: any API call, or a read such as a download."""
    header = request.headers.get("Authorization", "")
    readable = request.path.startswith("/api/") or request.method in SAFE
    if readable and header.startswith("Bearer "):
        return header.removeprefix("Bearer ")
    return None


def session_entry() -> tuple[object, object]:
    """The account id and session key the signed cookie carries (None, None if none)."""
    entry = session.get("user")
    if not isinstance(entry, list) or len(entry) != 2:
        return None, None
    return entry[0], entry[1]


def load_person() -> Person:
    """The person from the API token, else from the signed session cookie."""
    return person_of(get_db(), bearer_token(), session)


def person_of(db: Database, token: str | None, cookie: Mapping) -> Person:
    """The person an API token names, else the one a session cookie's contents name."""
    if token is not None:
        user = accounts.user_for_token(db, token)
        if user is None:
            raise Unauthorized(
                "This API token is not valid (revoked or mistyped): create a new one on your"
                " account page.",
                "Authorization",
            )
        return Person(user, by_token=True)
    entry = cookie.get("user")
    signed_in = isinstance(entry, list) and len(entry) == 2
    user = accounts.session_user(db, *entry) if signed_in else None
    joins = cookie.get("joins")
    return Person(user, joins if isinstance(joins, dict) else {})


def current_person() -> Person:
    """Who sends this request (loaded once per request)."""
    if "person" not in g:
        g.person = load_person()
    return g.person


def log_in(user: dict) -> None:
    """Start a session for the account, keeping the maps joined here and the open forms' token."""
    kept = {key: session[key] for key in ("joins", "csrf_token") if key in session}
    accounts.end_session(get_db(), session_entry()[1])
    session.clear()
    session.update(kept)
    session["user"] = [user["id"], accounts.start_session(get_db(), user["id"])]
    g.pop("person", None)


def log_out() -> None:
    """End the session on the server too: a copy of its cookie no longer logs in."""
    accounts.end_session(get_db(), session_entry()[1])
    session.clear()
    g.pop("person", None)


def remember_join(map_id: int, secret: str) -> None:
    """Keep the secret of a membership joined without an account in the session."""
    session["joins"] = {**session.get("joins", {}), str(map_id): secret}
    g.pop("person", None)


def find_membership(db: Database, map_id: int, user_id: int | None, secret: object) -> dict | None:
    """A membership of the map through an account, else through a joiner's secret."""
    found = members.of_user(db, map_id, user_id) if user_id is not None else None
    if found is None and isinstance(secret, str):
        found = members.of_secret(db, map_id, secret)
    return found


def membership(person: Person, map_id: int, db: Database | None = None) -> dict | None:
    """The person's membership of the map: through their account, else joined in this browser."""
    user_id = person.user["id"] if person.user else None
    return find_membership(db or get_db(), map_id, user_id, person.joins.get(str(map_id)))


def readable(db: Database, map_id: int, member: dict | None) -> bool:
    """The read rule: the map exists, and it is public or the person is a member."""
    found = row(db, "SELECT public FROM maps WHERE id = ?", (map_id,))
    return found is not None and (member is not None or bool(found["public"]))


def may_read(db: Database, map_id: int, user_id: int | None, secret: object) -> bool:
    """The read rule for someone known by account or joiner's secret (a stream checking again)."""
    return readable(db, map_id, find_membership(db, map_id, user_id, secret))


def visible_maps() -> list[dict]:
    """The maps the person belongs to, with their role."""
    person = current_person()
    return members.maps_of(get_db(), person.user["id"] if person.user else None, person.joins)


def actor() -> Actor:
    """Who is making the change, as the history shows it: the member's name on this map."""
    member = g.get("member")
    if member:
        return Actor(member["name"], member["id"], member["role"] != "owner")
    user = current_person().user
    return Actor(user["name"] if user else "")


def hides() -> bool:
    """Whether the reader is a student (not an owner): hidden nodes are not theirs to see."""
    return g.get("role") != "owner"


def hidden_ids(db: Database, map_id: int) -> set[int]:
    """The nodes hidden from this reader: none for an owner."""
    return moderation.hidden_ids(db, map_id) if hides() else set()


def refuse_change(role: str | None, level: str) -> None:
    """Forbidden, with what the person can do about it."""
    if level == "first" and role == "owner":
        raise Forbidden("Only the map's first owner can delete it; co-owners cannot.")
    if level in ("owner", "first"):
        raise Forbidden("Only the owner of this map can do this.")
    if role == "viewer":
        raise Forbidden(
            "You are a viewer of this map: you can read it but not change it."
            " Ask its owner to make you an editor."
        )
    raise Forbidden(
        "This map is open for reading only: join it with a code from its owner to change it."
    )


def private_hint(person: Person) -> str:
    """How someone without an account might get into a private map (same text if none)."""
    if person.user:
        return ""
    if request.path.startswith("/api/"):
        return " If it is private, send an API token."
    return " If it is private, log in or join it with a code."


def check_map(map_id: int, level: str) -> None:
    """Read access (member or public map), else 404; editor or owner for changes, else 403."""
    person = current_person()
    member = membership(person, map_id)
    if not readable(get_db(), map_id, member):
        raise NotFound(f"There is no map {map_id}.{private_hint(person)}", "map_id")
    g.member, g.role = member, member["role"] if member else None
    if (level == "edit" and g.role not in EDITING) or (
        level in ("owner", "first") and g.role != "owner"
    ):
        refuse_change(g.role, level)
    if level == "first" and not members.is_first_owner(get_db(), map_id, member):
        refuse_change(g.role, level)
    g.locked = g.role == "editor" and moderation.settings_of(get_db(), map_id)["locked"]
    if level == "edit":
        rules.lock_rule(g.locked, g.role != "owner")


def require_account():
    """Nothing when an account is logged in; else the log-in page (GET) or 401."""
    if current_person().user:
        return None
    if request.method == "GET" and not request.path.startswith("/api/"):
        return redirect(url_for("auth.login_form", next=request.full_path.rstrip("?")))
    if request.path.startswith("/api/"):
        raise Unauthorized("Send an API token (Authorization: Bearer ...) to do this.")
    raise Unauthorized("Log in to do this.")


def guard():
    """The one access check: by the route's map and the view's mark, before every request."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions[request.endpoint]
    level = getattr(view, "access", None)
    current_person()
    map_id = (request.view_args or {}).get("map_id")
    if map_id is not None:
        check_map(map_id, level or ("read" if request.method in SAFE else "edit"))
        return None
    if level == "account" or (level != "anyone" and request.method not in SAFE):
        return require_account()
    return None


def map_id_of_request() -> int | None:
    """The map the request's route names, if any."""
    return (request.view_args or {}).get("map_id")


def template_values() -> dict:
    """The person and their role on the page's map, for the templates."""
    try:
        person = current_person()
    except ArgmapError:
        person = Person()
    role = g.get("role")
    return {
        "person": person,
        "role": role,
        "me": g.get("member"),
        "can_edit": role in EDITING and not g.get("locked"),
        "is_owner": role == "owner",
        "is_first_owner": bool(map_id_of_request())
        and members.is_first_owner(get_db(), map_id_of_request(), g.get("member")),
    }


def init_app(app: Flask) -> None:
    """Check every request and give the templates the person and role."""
    app.before_request(guard)
    app.context_processor(template_values)
