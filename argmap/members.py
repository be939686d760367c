"""Who belongs to a map, with what role; join codes; maps readable by link."""

from __future__ import annotations

import re
import secrets

from sqlite_utils import Database

from . import events, maps, portable, votes
from .accounts import clean_name, digest
from .db import now, row, rows, write
from .errors import Forbidden, NotFound, ValidationError
from .events import Actor
from .model import MapData

ROLES = ("owner", "editor", "viewer")
JOIN_ROLES = ("editor", "viewer")
ROLE_LABELS = {"editor": "Editor (can change the map)", "viewer": "Viewer (can only read)"}
OWNER_LABEL = "Owner (every right but deleting the map and removing its first owner)"
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0 or 1 to misread
CODE_LENGTH = 8


def create_map(
    db: Database,
    user: dict,
    title: object = None,
    description: object = "",
    data: MapData | None = None,
) -> int:
    """Create a map owned by this account, empty or imported from `data`; returns its id."""
    prepared = None if data is None else portable.prepare(data)  # before the write lock
    with write(db):
        if data is None:
            map_id = maps.create_map(db, title, description, Actor(user["name"]))
        else:
            map_id = portable.import_map(db, data, Actor(user["name"]), prepared=prepared)
        claim_map(db, map_id, user)
    return map_id


def claim_map(db: Database, map_id: int, user: dict, public: bool = False) -> int:
    """Make the account the owner of a map that has none; returns the owner's member id."""
    with write(db):
        db.execute(
            "UPDATE maps SET owner_id = ?, public = MAX(public, ?) WHERE id = ?",
            (user["id"], int(public), map_id),
        )
        member_id = db.execute(
            "INSERT INTO members (map_id, user_id, name, role, created_at)"
            " VALUES (?, ?, ?, 'owner', ?)",
            (map_id, user["id"], user["name"], now()),
        ).lastrowid
        db.execute(
            "UPDATE events SET member_id = ? WHERE map_id = ? AND member_id IS NULL AND actor = ?"
            " AND json_extract(data, '$.imported') IS NULL",  # a file's changes keep their name
            (member_id, map_id, user["name"]),
        )
    return member_id


def of_user(db: Database, map_id: int, user_id: int) -> dict | None:
    """The account's membership of the map, or None."""
    return row(db, "SELECT * FROM members WHERE map_id = ? AND user_id = ?", (map_id, user_id))


def of_secret(db: Database, map_id: int, secret: str) -> dict | None:
    """The membership a joiner without an account holds by the secret in their session."""
    return row(
        db,
        "SELECT * FROM members WHERE map_id = ? AND secret_hash = ?",
        (map_id, digest(secret)),
    )


def maps_of(db: Database, user_id: int | None, joins: dict[str, str]) -> list[dict]:
    """The maps this person belongs to, with their role, newest change first."""
    hashes = [digest(secret) for secret in joins.values()]
    marks = ", ".join("?" * len(hashes)) or "NULL"
    return rows(
        db,
        "SELECT m.id, m.title, m.description, m.revision, m.updated_at, m.public, m.listed,"
        " b.role,"
        " (SELECT COUNT(*) FROM nodes n WHERE n.map_id = m.id) AS node_count"
        " FROM members b JOIN maps m ON m.id = b.map_id"
        f" WHERE b.user_id = ? OR b.secret_hash IN ({marks})"
        " ORDER BY m.updated_at DESC, m.id DESC",
        (user_id, *hashes),
    )


LISTING = (
    "SELECT b.*, u.email FROM members b LEFT JOIN users u ON u.id = b.user_id"
    " WHERE b.map_id = ? ORDER BY b.role = 'owner' DESC, b.name COLLATE NOCASE, b.id"
)


def listing(db: Database, map_id: int) -> list[dict]:
    """The map's members, the owner first, with the email of those who have an account."""
    return rows(db, LISTING, (map_id,))


def clean_role(role: object) -> str:
    """Editor or viewer: the roles an owner can give."""
    if role not in JOIN_ROLES:
        raise ValidationError("Choose the role editor or viewer.", "role")
    return role


def is_first_owner(db: Database, map_id: int, member: dict | None) -> bool:
    """Whether the member is the map's first owner (the account that made or claimed it)."""
    if member is None or member["user_id"] is None or member["role"] != "owner":
        return False
    found = row(db, "SELECT owner_id FROM maps WHERE id = ?", (map_id,))
    return found is not None and found["owner_id"] == member["user_id"]


def get_member(db: Database, map_id: int, member_id: int) -> dict:
    """A member of this map other than its first owner, or an error."""
    found = row(db, "SELECT * FROM members WHERE id = ? AND map_id = ?", (member_id, map_id))
    if found is None:
        raise NotFound("This person is not a member of the map (any more).", "member_id")
    if is_first_owner(db, map_id, found):
        raise Forbidden(
            "The map's first owner keeps the owner role and stays a member.", "member_id"
        )
    return found


def clean_any_role(role: object, member: dict) -> str:
    """Owner, editor or viewer; only a member with an account can be an owner."""
    if role != "owner":
        return clean_role(role)
    if member["user_id"] is None:
        raise ValidationError(
            f"{member['name']} joined without an account, so they cannot be an owner: ask them"
            " to sign up, log in and join again with a code.",
            "role",
        )
    return role


def set_role(
    db: Database, map_id: int, member_id: int, role: object, actor: Actor | str = ""
) -> dict:
    """Give a member another role (owner too); it applies to their next request.

    Making or unmaking an owner is a change of the map, in its history and undoable.
    """
    with write(db):
        found = get_member(db, map_id, member_id)
        role = clean_any_role(role, found)
        if role == found["role"]:
            return found
        db.execute("UPDATE members SET role = ? WHERE id = ?", (role, member_id))
        if "owner" in (role, found["role"]):
            data = {"member": member_id, "name": found["name"], "before": found["role"]}
            events.record(db, map_id, "member.role", data={**data, "after": role}, actor=actor)
    return {**found, "role": role}


def remove(db: Database, map_id: int, member_id: int) -> dict:
    """Remove a member: their next request finds the map closed to them; their nodes stay."""
    with write(db):
        found = get_member(db, map_id, member_id)
        votes.withdraw_all(db, map_id, found)  # counts and means change on every page
        db.execute("DELETE FROM members WHERE id = ?", (member_id,))
    return found


def set_public(db: Database, map_id: int, public: bool) -> None:
    """Make the map readable by anyone with its link, or private (and unlisted) again."""
    set_sharing(db, map_id, {"public": public})


def set_listed(db: Database, map_id: int, listed: bool) -> None:
    """List the map on the front page (readable by link too), or take it off the list."""
    set_sharing(db, map_id, {"listed": listed})


def sharing(db: Database, map_id: int) -> dict:
    """Whether the map is readable by anyone with its link, and listed on the front page."""
    found = maps.get_map(db, map_id)
    return {"public": bool(found["public"]), "listed": bool(found["listed"])}


def clean_sharing(current: dict, changes: dict) -> dict:
    """The sharing after the changes sent: listing makes a map readable by link, private unlists.

    Sending both "public": false and "listed": true at once is refused: they contradict.
    """
    for name in ("public", "listed"):
        if name in changes and not isinstance(changes[name], bool):
            raise ValidationError(f"Send {name} as true or false.", name)
    if changes.get("listed") is True and changes.get("public") is False:
        raise ValidationError(
            "A listed map is readable by anyone with its link: send listed false to keep it"
            " private, or public true to list it.",
            "listed",
        )
    public = changes.get("public", current["public"]) or changes.get("listed") is True
    listed = changes.get("listed", current["listed"]) and public
    return {"public": public, "listed": listed}


def set_sharing(db: Database, map_id: int, changes: dict) -> dict:
    """Change who can read the map and whether it is listed (a field not sent stays)."""
    with write(db):
        wanted = clean_sharing(sharing(db, map_id), changes)
        db.execute(
            "UPDATE maps SET public = ?, listed = ? WHERE id = ?",
            (int(wanted["public"]), int(wanted["listed"]), map_id),
        )
    return wanted


def normalize(text: object) -> str:
    """A typed join code in its stored form: upper case, without spaces or dashes."""
    return re.sub(r"[\s-]", "", text).upper() if isinstance(text, str) else ""


def new_code(db: Database, map_id: int, role: object) -> dict:
    """Open a new join code that lets people join the map with this role."""
    role = clean_role(role)
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    with write(db):
        maps.get_map(db, map_id)
        code_id = db.execute(
            "INSERT INTO join_codes (map_id, code, role, created_at) VALUES (?, ?, ?, ?)",
            (map_id, code, role, now()),
        ).lastrowid
    return get_code(db, map_id, code_id)


def get_code(db: Database, map_id: int, code_id: int) -> dict:
    """One of the map's open join codes, or NotFound."""
    found = row(
        db,
        "SELECT * FROM join_codes WHERE id = ? AND map_id = ? AND closed_at IS NULL",
        (code_id, map_id),
    )
    if found is None:
        raise NotFound("This join code is closed or was never made for this map.", "code_id")
    return found


def open_codes(db: Database, map_id: int) -> list[dict]:
    """The map's open join codes, newest first."""
    return rows(
        db,
        "SELECT * FROM join_codes WHERE map_id = ? AND closed_at IS NULL ORDER BY id DESC",
        (map_id,),
    )


def close_code(db: Database, map_id: int, code_id: int) -> dict:
    """Close a join code: nobody can join with it any more (members stay)."""
    with write(db):
        found = get_code(db, map_id, code_id)
        db.execute("UPDATE join_codes SET closed_at = ? WHERE id = ?", (now(), code_id))
    return found


def regenerate(db: Database, map_id: int, code_id: int) -> dict:
    """Replace a join code by a new one with the same role; the old one stops working."""
    with write(db):
        old = close_code(db, map_id, code_id)
        return new_code(db, map_id, old["role"])


def find_code(db: Database, text: object) -> dict | None:
    """The open join code typed or linked, with its map's title, or None."""
    code = normalize(text)
    if len(code) != CODE_LENGTH:
        return None
    return row(
        db,
        "SELECT c.*, m.title FROM join_codes c JOIN maps m ON m.id = c.map_id"
        " WHERE c.code = ? AND c.closed_at IS NULL",
        (code,),
    )


def join(db: Database, code: dict, name: object, user: dict | None = None) -> tuple[dict, str]:
    """Join the code's map under a display name; returns the member and the joiner's secret."""
    name = clean_name(name)
    secret = "" if user else secrets.token_urlsafe(24)
    with write(db):
        if user and (already := of_user(db, code["map_id"], user["id"])):
            return already, ""
        member_id = db.execute(
            "INSERT INTO members (map_id, user_id, name, role, secret_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                code["map_id"],
                user["id"] if user else None,
                name,
                code["role"],
                digest(secret) if secret else None,
                now(),
            ),
        ).lastrowid
    found = row(db, "SELECT * FROM members WHERE id = ?", (member_id,))
    return found, secret
