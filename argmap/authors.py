"""Who wrote what, as each reader may see it: real names, or per-map animal names for students.

In an anonymous map (a switch its owners set) every member who is not an owner is shown to
students under an animal name ("Teal Otter"), the same for that member on that map for as
long as the map lives, in every page, stream, history entry, presence list and export; owners
keep seeing real names, and owners are shown under their own names to everyone. A name is
made from the member's id alone (no table to keep in step): 16 colours times 45 animals, the
id multiplied by a number prime to 720 so that neighbours in joining order get unrelated
names, and a number added for ids past 720 so two members of one map never share a name.
Changes with no member (the seed, the command line, an imported file's history) keep the
name they were written with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from . import comments, maps
from .db import row, rows
from .errors import ValidationError

COLOURS = (
    "Amber Azure Coral Crimson Cyan Golden Green Indigo Ivory Jade Lilac Olive Orange Plum"
    " Silver Teal"
).split()
ANIMALS = (
    "Badger Bear Beaver Bison Camel Cheetah Crane Deer Dolphin Eagle Falcon Ferret Finch Fox"
    " Gecko Giraffe Hare Hedgehog Heron Ibis Jaguar Koala Lemur Lion Llama Lynx Marten Moose"
    " Otter Owl Panda Parrot Pelican Penguin Puffin Quail Raven Robin Seal Swan Tiger Toucan"
    " Turtle Walrus Wolf"
).split()
SPAN = len(COLOURS) * len(ANIMALS)  # 720
STEP = 389  # prime, and prime to 720: the product walks every name before it repeats


def pseudonym(member_id: int) -> str:
    """The animal name a member goes by in an anonymous map."""
    spot = (member_id * STEP) % SPAN
    name = f"{COLOURS[spot % len(COLOURS)]} {ANIMALS[spot // len(COLOURS)]}"
    return name if member_id < SPAN else f"{name} {member_id // SPAN + 1}"


@dataclass
class Names:
    """How one reader sees the people of one map."""

    map_id: int
    anonymous: bool = False
    owner_view: bool = True  # the reader is an owner (or the map is not anonymous)
    owners: set[int] = field(default_factory=set)  # member ids of the map's owners
    real: dict[int, str] = field(default_factory=dict)  # member id -> name, members there now

    @property
    def hiding(self) -> bool:
        """Whether this reader sees animal names instead of students' real names."""
        return self.anonymous and not self.owner_view

    def shown(self, member_id: int | None, name: str) -> str:
        """The name this reader sees for a member (or a change's name with no member)."""
        if member_id is None:
            return name
        if self.hiding and member_id not in self.owners:
            return pseudonym(member_id)
        return name

    def member(self, member_id: int) -> str:
        """The name this reader sees for a member of the map, by id."""
        return self.shown(member_id, self.real.get(member_id, f"Member #{member_id}"))

    def event(self, event: dict) -> dict:
        """An event with its actor's name as this reader sees it."""
        shown = {**event, "actor": self.shown(event.get("member_id"), event["actor"])}
        if self.hiding and "data" in event:
            shown["data"] = unnamed(event["data"])
        return shown

    def real_name(self, shown: str) -> str:
        """For an owner's page: the real name behind an animal name (presence lists)."""
        if self.hiding or not self.anonymous:
            return shown
        for member_id, name in self.real.items():
            if member_id not in self.owners and pseudonym(member_id) == shown:
                return name
        return shown


STORED_NAMES = ("author_name", "resolved_name")  # names kept with nodes and comments


def unnamed(value: object) -> object:
    """A change's data without the names nodes were written under (an anonymous map's students)."""
    if isinstance(value, dict):
        return {k: unnamed(v) for k, v in value.items() if k not in STORED_NAMES}
    if isinstance(value, list):
        return [unnamed(v) for v in value]
    return value


def members_of(db: Database, map_id: int) -> list[dict]:
    """The map's members (id, name, role), in the order they joined."""
    return rows(db, "SELECT id, name, role FROM members WHERE map_id = ? ORDER BY id", (map_id,))


def names_for(
    db: Database, map_id: int, role: str | None, members: list[dict] | None = None
) -> Names:
    """How a reader with this role on the map (None: not a member) sees its people.

    `members`: the map's members as `members_of` reads them, when the caller has them already.
    """
    found = row(db, "SELECT anonymous FROM maps WHERE id = ?", (map_id,))
    people = members_of(db, map_id) if members is None else members
    return Names(
        map_id,
        anonymous=bool(found and found["anonymous"]),
        owner_view=role == "owner",
        owners={p["id"] for p in people if p["role"] == "owner"},
        real={p["id"]: p["name"] for p in people},
    )


def authors(db: Database, map_id: int, names: Names) -> dict[int, str]:
    """Each node's author as this reader sees it: the member who added it, else the change's name.

    A member who has left keeps the name their change was made under.
    """
    added = rows(
        db,
        "SELECT node_id, member_id, actor FROM events WHERE id IN (SELECT MIN(id) FROM events"
        " WHERE map_id = ? AND action = 'node.add' GROUP BY node_id)",
        (map_id,),
    )
    by_node = {e["node_id"]: e for e in added}
    found = rows(db, "SELECT id, author_member FROM nodes WHERE map_id = ?", (map_id,))
    shown = {}
    for node in found:
        event = by_node.get(node["id"])
        member_id = node["author_member"] or (event["member_id"] if event else None)
        name = names.real.get(member_id) or (event["actor"] if event else "")
        shown[node["id"]] = names.shown(member_id, name) if (member_id or name) else ""
    return shown


def with_authors(graph: dict, by_node: dict[int, str]) -> dict:
    """A loaded map with each node's "author" (as the reader sees it)."""
    nodes = [{**n, "author": by_node.get(n["id"], "")} for n in graph["nodes"]]
    return {**graph, "nodes": nodes}


def clean_switch(value: object, field_name: str) -> bool:
    """An on/off switch sent by a form ("1"/"0") or as JSON (true/false)."""
    if value in (True, "1", "on", "true"):
        return True
    if value in (False, "0", "off", "false", "", None):
        return False
    raise ValidationError(f"Send {field_name} as true or false.", field_name)


def load(db: Database, map_id: int, role: str | None) -> dict:
    """The whole map (as maps.load gives it) with each node's author as this reader sees it."""
    graph = maps.load(db, map_id, hide=role != "owner")
    names = names_for(db, map_id, role)
    graph = with_authors(graph, authors(db, map_id, names))
    readable = {n["id"] for n in graph["nodes"]}  # none of the nodes hidden from this reader
    graph["comments"] = [c for c in comments.of_map(db, map_id, names) if c["node_id"] in readable]
    return unnamed(graph) if names.hiding else graph
