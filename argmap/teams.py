"""Teams of a map: each takes a side of a claim, has members and speaker notes of its own.

Every change is an event in its transaction ("team.create", "team.update", "team.delete",
"team.assign", "team.notes", "map.classroom"). A team's notes are private to its members and
the map's owners, so their event says which team's notes changed, never the text: the text is
kept by a version number instead (an edit sent against an older version is refused with both
texts, nothing is overwritten unseen).
"""

from __future__ import annotations

from sqlite_utils import Database

from . import events
from .authors import Names, authors, clean_switch, unnamed
from .clean import clean_id, clean_optional, tidy
from .db import now, row, rows, write
from .errors import Conflict, NotFound, ValidationError
from .events import Actor
from .maps import get_map

SIDES = {"for": "For", "against": "Against"}
NAME_MAX = 60
CLASS_ACTIONS = ("team.create", "team.update", "team.delete", "team.assign", "team.notes")
CLASS_ACTIONS += ("map.classroom",)
NOTES_MAX = 20_000


def clean_name(value: object) -> str:
    """A team's name: 1 to 60 characters on one line."""
    if value is not None and not isinstance(value, str):
        raise ValidationError("The team's name must be text.", "name")
    name = tidy(value or "", one_line=True, field="name")
    if not name:
        raise ValidationError("Give the team a name, such as For or Against.", "name")
    if len(name) > NAME_MAX:
        raise ValidationError(f"A team's name has at most {NAME_MAX} characters.", "name")
    return name


def clean_side(
    db: Database, map_id: int, claim: object, side: object
) -> tuple[int | None, str | None]:
    """The claim a team argues about and its side, both or neither."""
    claim_id = clean_id(claim, "claim_id")
    side = side or None
    if claim_id is None:
        if side is not None:
            raise ValidationError("Choose the claim the team argues for or against.", "claim_id")
        return None, None
    if not isinstance(side, str) or side not in SIDES:
        raise ValidationError("Choose the team's side: for or against the claim.", "side")
    found = row(db, "SELECT kind FROM nodes WHERE id = ? AND map_id = ?", (claim_id, map_id))
    if found is None or found["kind"] != "claim":
        raise ValidationError(
            f"There is no claim {claim_id} in this map to argue about.", "claim_id"
        )
    return claim_id, side


def team_dict(found: dict) -> dict:
    """A team row as the API and the events show it (the notes apart)."""
    keys = ("id", "name", "claim_id", "side", "notes_version")
    return {k: found[k] for k in keys}


def get_team(db: Database, map_id: int, team_id: object) -> dict:
    """The team row, or NotFound."""
    number = clean_id(team_id, "team_id")
    found = row(db, "SELECT * FROM teams WHERE id = ? AND map_id = ?", (number, map_id))
    if found is None:
        raise NotFound(f"There is no team {team_id} in this map (any more).", "team_id")
    return found


def listing(db: Database, map_id: int) -> list[dict]:
    """The map's teams, in the order they were made, each with its member ids."""
    found = rows(db, "SELECT * FROM teams WHERE map_id = ? ORDER BY id", (map_id,))
    joined = rows(
        db,
        "SELECT tm.team_id, tm.member_id FROM team_members tm"
        " JOIN teams t ON t.id = tm.team_id WHERE t.map_id = ? ORDER BY tm.member_id",
        (map_id,),
    )
    for team in found:
        team["members"] = [j["member_id"] for j in joined if j["team_id"] == team["id"]]
    return found


def team_of(db: Database, map_id: int, member_id: int | None) -> dict | None:
    """The team a member of the map is in, or None."""
    if member_id is None:
        return None
    return row(
        db,
        "SELECT t.* FROM team_members tm JOIN teams t ON t.id = tm.team_id"
        " WHERE tm.member_id = ? AND t.map_id = ?",
        (member_id, map_id),
    )


def create(db: Database, map_id: int, fields: dict, actor: Actor | str = "") -> dict:
    """Make a team, with its side of a claim if given."""
    name = clean_name(fields.get("name"))
    with write(db):
        get_map(db, map_id)
        claim_id, side = clean_side(db, map_id, fields.get("claim_id"), fields.get("side"))
        unique_name(db, map_id, name, None)
        team_id = db.execute(
            "INSERT INTO teams (map_id, name, claim_id, side, created_at) VALUES (?, ?, ?, ?, ?)",
            (map_id, name, claim_id, side, now()),
        ).lastrowid
        after = team_dict(get_team(db, map_id, team_id))
        events.record(db, map_id, "team.create", None, {"after": after}, actor)
    return after


def unique_name(db: Database, map_id: int, name: str, team_id: int | None) -> None:
    """Refuse a name another team of the map has."""
    found = row(
        db,
        "SELECT id FROM teams WHERE map_id = ? AND name = ? AND id IS NOT ?",
        (map_id, name, team_id),
    )
    if found is not None:
        raise ValidationError(
            f"There is a team called {name} already: choose another name.", "name"
        )


def update(
    db: Database, map_id: int, team_id: object, fields: dict, actor: Actor | str = ""
) -> dict:
    """Rename a team or give it another side; fields not sent stay as they are."""
    with write(db):
        found = get_team(db, map_id, team_id)
        before = team_dict(found)
        name = clean_name(fields.get("name", found["name"]))
        claim_id, side = found["claim_id"], found["side"]
        if "claim_id" in fields or "side" in fields:  # a rename alone keeps a deleted claim's side
            claim, side = (fields.get(k, found[k]) for k in ("claim_id", "side"))
            claim_id, side = clean_side(db, map_id, claim, side)
        unique_name(db, map_id, name, found["id"])
        db.execute(
            "UPDATE teams SET name = ?, claim_id = ?, side = ? WHERE id = ?",
            (name, claim_id, side, found["id"]),
        )
        after = team_dict(get_team(db, map_id, found["id"]))
        if after != before:
            events.record(
                db, map_id, "team.update", None, {"before": before, "after": after}, actor
            )
    return after


def delete(db: Database, map_id: int, team_id: object, actor: Actor | str = "") -> dict:
    """Delete a team: its members stay on the map (and keep their nodes), in no team."""
    with write(db):
        found = get_team(db, map_id, team_id)
        before = {**team_dict(found), "members": listed_members(db, found["id"])}
        db.execute("DELETE FROM teams WHERE id = ?", (found["id"],))
        events.record(db, map_id, "team.delete", None, {"before": before}, actor)
    return before


def listed_members(db: Database, team_id: int) -> list[int]:
    """The member ids of a team."""
    found = rows(db, "SELECT member_id FROM team_members WHERE team_id = ? ORDER BY 1", (team_id,))
    return [r["member_id"] for r in found]


def assign(
    db: Database, map_id: int, member_id: object, team_id: object, actor: Actor | str = ""
) -> dict | None:
    """Put a member of the map in a team (None or blank: in no team); their nodes stay theirs."""
    number = clean_id(member_id, "member_id")
    with write(db):
        member = row(db, "SELECT * FROM members WHERE id = ? AND map_id = ?", (number, map_id))
        if member is None:
            raise NotFound("This person is not a member of the map (any more).", "member_id")
        target = get_team(db, map_id, team_id) if team_id not in (None, "") else None
        current = team_of(db, map_id, member["id"])
        was = current["id"] if current else None
        now_in = target["id"] if target else None
        if was == now_in:
            return target
        db.execute("DELETE FROM team_members WHERE member_id = ?", (member["id"],))
        if target is not None:
            db.execute(
                "INSERT INTO team_members (member_id, team_id, joined_at) VALUES (?, ?, ?)",
                (member["id"], target["id"], now()),
            )
        data = {"member_id": member["id"], "before": was, "after": now_in}
        events.record(db, map_id, "team.assign", None, data, actor)
    return target


def set_notes(
    db: Database,
    map_id: int,
    team_id: object,
    text: object,
    version: object,
    actor: Actor | str = "",
) -> dict:
    """Save a team's speaker notes; a version other than the current one is a Conflict."""
    notes = clean_optional(text, "notes", NOTES_MAX)
    with write(db):
        found = get_team(db, map_id, team_id)
        if notes_version(version) != found["notes_version"]:
            raise Conflict(
                "Someone saved these notes since you opened them. Their notes are shown above"
                " yours: merge them and save again.",
                {"notes": found["notes"], "notes_version": found["notes_version"]},
                "notes",
            )
        if notes == found["notes"]:
            return found
        db.execute(
            "UPDATE teams SET notes = ?, notes_version = notes_version + 1 WHERE id = ?",
            (notes, found["id"]),
        )
        data = {"team_id": found["id"], "notes_version": found["notes_version"] + 1}
        events.record(db, map_id, "team.notes", None, data, actor)
        return get_team(db, map_id, found["id"])


def notes_version(value: object) -> int:
    """The notes' version an edit was made on: 0 (never saved) or more."""
    if value in (None, "", 0, "0"):
        return 0
    return clean_id(value, "version") or 0


def options(db: Database, map_id: int) -> dict:
    """The map's class settings: anonymous names, students picking their team on joining."""
    found = row(db, "SELECT anonymous, team_pick FROM maps WHERE id = ?", (map_id,))
    if found is None:
        raise NotFound(f"There is no map {map_id}.", "map_id")
    return {"anonymous": bool(found["anonymous"]), "team_pick": bool(found["team_pick"])}


def set_options(db: Database, map_id: int, changes: dict, actor: Actor | str = "") -> dict:
    """Switch anonymous names or team picking on or off (a switch not sent stays as it is)."""
    unknown = set(changes) - {"anonymous", "team_pick"}
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(f"{name} is not a class setting: send anonymous or team_pick.", name)
    with write(db):
        before = options(db, map_id)
        after = {k: clean_switch(changes.get(k, v), k) for k, v in before.items()}
        if after != before:
            db.execute(
                "UPDATE maps SET anonymous = ?, team_pick = ? WHERE id = ?",
                (int(after["anonymous"]), int(after["team_pick"]), map_id),
            )
            data = {"before": before, "after": after}
            events.record(db, map_id, "map.classroom", None, data, actor)
    return after


def export_parts(db: Database, map_id: int, seen: Names, history: list[dict]) -> dict:
    """What argmap JSON keeps of the class, as this reader sees it; renames the history's people.

    Teams travel with their sides and (to owners only) their notes; who was in which team does
    not: an imported map has other people. So the history leaves out the changes to teams and
    class settings (their ids name teams and members of this database only).
    """
    history[:] = [e for e in history if e["action"] not in CLASS_ACTIONS]
    by_event = {
        r["id"]: r["member_id"]
        for r in rows(db, "SELECT id, member_id FROM events WHERE map_id = ?", (map_id,))
    }
    for event in history:
        event["actor"] = seen.shown(by_event.get(event.get("id")), event["actor"])
        if seen.hiding:
            event["data"] = unnamed(event["data"])
    parts = {
        "authors": {str(k): v for k, v in authors(db, map_id, seen).items() if v},
        "settings": options(db, map_id),
        "teams": [],
    }
    for team in listing(db, map_id):
        found = {"name": team["name"], "claim_id": team["claim_id"], "side": team["side"]}
        if seen.owner_view:
            found["notes"] = team["notes"]
        found["claim_id"] = str(found["claim_id"]) if found["claim_id"] is not None else None
        parts["teams"].append(found)
    return parts


def import_parts(db: Database, map_id: int, parts: dict, ids: dict[str, int]) -> list[str]:
    """Write a file's teams and class settings into a new map; returns what had to change."""
    warnings = []
    settings = parts.get("settings") or {}
    db.execute(
        "UPDATE maps SET anonymous = ?, team_pick = ? WHERE id = ?",
        (int(settings.get("anonymous", False)), int(settings.get("team_pick", False)), map_id),
    )
    for team in parts.get("teams", []):
        name = clean_name(team["name"])
        claim_id = ids.get(team["claim_id"]) if team["claim_id"] is not None else None
        try:
            claim_id, side = clean_side(db, map_id, claim_id, team["side"])
        except ValidationError as error:
            warnings.append(f"The team {name} has no side now. {error.message}")
            claim_id, side = None, None
        unique_name(db, map_id, name, None)
        notes = clean_optional(team.get("notes", ""), "notes", NOTES_MAX)
        db.execute(
            "INSERT INTO teams (map_id, name, claim_id, side, notes, notes_version, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (map_id, name, claim_id, side, notes, 1 if notes else 0, now()),
        )
    return warnings
