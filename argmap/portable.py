"""Moving whole maps between the database and the portable form the formats use."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlite_utils import Database

from . import authors, collector, comments, events, links, moderation, rules, teams, votes
from .clean import clean_description, clean_id, clean_title
from .db import indexed_after, rows, write
from .errors import ValidationError
from .formats.history import remap
from .formats.model import check, reading
from .maps import create_map, get_map, load
from .model import (
    KINDS,
    MAX_ID,
    QUOTE_MAX,
    SOURCE_MAX,
    TAG_MAX,
    TAGS_MAX,
    TEXT_MAX,
    MapData,
    Node,
    depths,
    from_graph,
)
from .moderation import secret_ids
from .nodes import clean_fields, insert
from .shapes import shape_values


def to_data(
    db: Database, map_id: int, history: bool = False, role: str | None = "owner"
) -> MapData:
    """The map as a portable map, as a reader of this role sees it; node keys are database ids.

    A student (any role but owner) gets no hidden node, nor the history, votes or comments
    about them. With `history` (argmap JSON), also the history, the teams and the comments.
    """
    hide = role != "owner"
    graph = load(db, map_id, hide)
    data = from_graph(graph)
    data.moderation, data.locked = graph["moderation"], graph["locked"]
    data.listed = bool(get_map(db, map_id)["listed"])
    hidden = moderation.hidden_ids(db, map_id) if hide else set()
    data.votes = votes.export(db, map_id, hidden)
    if history:
        past = history_of(db, map_id)
        data.events = moderation.visible_events(past, secret_ids(db, map_id)) if hide else past
        seen = authors.names_for(db, map_id, role)
        data.classroom = teams.export_parts(db, map_id, seen, data.events)
        data.classroom["comments"] = comments.export_parts(db, map_id, seen, hidden)
    return data


def history_of(db: Database, map_id: int) -> list[dict]:
    """The map's events, oldest first, as plain objects."""
    return events.decoded(
        rows(
            db,
            "SELECT id, revision, action, node_id, actor, created_at, data FROM events"
            f" WHERE map_id = ? AND action != 'member.role' AND {events.NOT_VOTES}"
            " ORDER BY id",  # members stay here; votes are kept apart (not history)
            (map_id,),
        )
    )


FIELDS = ("kind", "text", "quote", "source", "group", "undercut", "tags")
CHANGED_BY_TIDY = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def checked_fields(node: Node, index: int) -> dict:
    """A node's fields checked by the model's rules, errors naming the node."""
    with reading(f"node {index + 1} ({node.key})"):
        return clean_fields({name: getattr(node, name) for name in FIELDS})


def tidy_already(text: object, limit: int, one_line: bool = False) -> bool:
    """Whether cleaning would keep this text as it is: text, tidy, trimmed, within its limit."""
    return (
        type(text) is str
        and len(text) <= limit
        and (not one_line or "\n" not in text)
        and not CHANGED_BY_TIDY.search(text)
        and text == text.strip()
    )


def clean_already(node: Node) -> dict | None:
    """A node's clean fields when cleaning would change none of them, else None.

    A shortcut past clean_fields for the common case (an import of 300,000 nodes
    spent most of its checks there); whatever it does not accept goes through
    clean_fields, whose rules and messages stand. A test holds the two to the same
    results.
    """
    text, tags, group = node.text, node.tags, node.group
    if not (
        node.kind in KINDS
        and text
        and tidy_already(text, TEXT_MAX)
        and (node.quote == "" or tidy_already(node.quote, QUOTE_MAX))
        and (node.source == "" or tidy_already(node.source, SOURCE_MAX, True))
        and (group is None or (type(group) is int and 1 <= group <= MAX_ID))
        and type(node.undercut) is bool
        and type(tags) is list
        and (not tags or clean_tags_already(tags))
    ):
        return None
    return {
        "kind": node.kind,
        "text": text,
        "quote": node.quote,
        "source": node.source,
        "parent_id": None,
        "group": group,
        "undercut": node.undercut,
        "tags": list(tags),
    }


def clean_tags_already(tags: list) -> bool:
    """Whether a list of tags is clean as it is: few, short, distinct, tidy words."""
    return (
        len(tags) <= TAGS_MAX
        and all(t and tidy_already(t, TAG_MAX, True) for t in tags)
        and len(set(tags)) == len(tags)
    )


def all_fields(nodes: list[Node]) -> list[dict]:
    """Every node's clean fields, in order (the shortcut where it applies)."""
    return [clean_already(n) or checked_fields(n, i) for i, n in enumerate(nodes)]


def inference_rules(data: MapData) -> None:
    """Keep groups and undercuts only where the model has an inference; say what changed."""
    if not data.links and all(n.group is None and not n.undercut for n in data.nodes):
        return  # the rules are about groups, undercuts and links: nothing to check
    parent = {n.key: n.parent for n in data.nodes}
    for node in data.nodes:
        if node.group is None and not node.undercut:
            continue  # the rule is about groups and undercuts: nothing to check
        has_parent = node.parent is not None and parent[node.parent] is not None
        try:
            rules.inference_rule(node.kind, node.parent, node.group, node.undercut, has_parent)
        except ValidationError as error:
            if error.field == "group":
                node.group, node.undercut = None, False
                data.warnings.append(f"{node.key}: group and undercut left out. {error.message}")
            else:
                node.undercut = False
                data.warnings.append(f"{node.key}: kept as a plain objection. {error.message}")
    for link in data.links:
        try:
            rules.link_undercut_rule(link.relation, link.undercut, parent[link.target] is not None)
        except ValidationError as error:
            link.undercut = False
            data.warnings.append(
                f"The undercut from {link.source} to {link.target} is kept as a plain objection."
                f" {error.message}"
            )


def link_rules(data: MapData) -> None:
    """Refuse a node linked to itself or a bad group; keep one relation per pair, and say so."""
    if not data.links:
        return
    parents = {(n.key, n.parent, n.group) for n in data.nodes if n.parent is not None}
    pairs = {(n.key, n.parent) for n in data.nodes if n.parent is not None}
    seen: set[tuple] = set()
    kept = []
    for index, link in enumerate(data.links):
        with reading(f"link {index + 1}"):
            rules.self_rule(link.source, link.target)
            clean_id(link.group, "group")
        linked = (link.source, link.target, link.group) in seen or (
            link.target,
            link.source,
        ) in pairs
        try:
            rules.parent_repeat_rule((link.source, link.target, link.group) in parents)
            rules.repeat_rule(linked)
        except ValidationError as error:
            data.warnings.append(
                f"The {link.relation} relation from {link.source} to {link.target} repeats one"
                f" between the same two nodes; left out. {error.message}"
            )
            continue
        seen.add((link.source, link.target, link.group))
        pairs.add((link.source, link.target))
        kept.append(link)
    data.links = kept


def depth_rule(data: MapData, level: dict[str, int] | None = None) -> None:
    """Refuse nodes nested deeper than the model allows (pages could not show them).

    `level`: each node's level, when check() found them already.
    """
    level = level or depths({n.key: n.parent for n in data.nodes})
    try:
        rules.depth_rule(max(level.values(), default=0))
        return  # the deepest node is fine, so all are: no need to name one
    except ValidationError:
        pass
    for index, node in enumerate(data.nodes):
        with reading(f"node {index + 1} ({node.key})"):
            rules.depth_rule(level[node.key])


def validate(data: MapData) -> list[dict]:
    """Check a portable map against the model's rules; returns each node's clean fields.

    What the model cannot hold as it stands (a relation said twice, an undercut of a claim)
    is adjusted and listed in data.warnings, for the preview to show.
    """
    data.title = clean_title(data.title or "Imported map")
    data.description = clean_description(data.description)
    with collector.paused():
        link_rules(data)
        depth_rule(data, check(data))
        inference_rules(data)
        return all_fields(data.nodes)


@dataclass
class Prepared:
    """A portable map checked, with its nodes' clean fields and labels as drawn (in order)."""

    fields: list[dict]
    shapes: list[dict]


def prepare(data: MapData) -> Prepared:
    """What an import does before it takes the write lock: check the map, make its labels."""
    fields = validate(data)
    return Prepared(fields, [shape_values(clean["text"]) for clean in fields])


def import_map(
    db: Database,
    data: MapData,
    actor: str = "",
    origin: str | None = None,
    prepared: Prepared | None = None,
) -> int:
    """Write a portable map as a new map in one transaction; returns its id.

    `prepared`: the map already prepared (see prepare), outside the caller's transaction.
    """
    prepared = prepared or prepare(data)
    fields = prepared.fields
    with write(db):
        map_id = create_map(db, data.title or "Imported map", data.description, actor, origin)
        if data.listed:
            db.execute("UPDATE maps SET public = 1, listed = 1 WHERE id = ?", (map_id,))
        ids = {}
        db.execute(
            "UPDATE maps SET moderation = ?, locked = ? WHERE id = ?",
            (data.moderation or moderation.NEW_MAPS, int(data.locked), map_id),
        )
        later = []  # children written before their parent: their parent set after
        with indexed_after(db, map_id):
            for node, clean, shape in zip(data.nodes, fields, prepared.shapes, strict=True):
                origin = {"author_name": node.author[:TEXT_MAX], "hidden": node.hidden}
                parent = ids.get(node.parent)
                made = {**clean, "parent_id": parent, **origin}
                ids[node.key] = insert(db, map_id, made, shape=shape)
                if node.parent is not None and parent is None:
                    later.append(node)
        db.conn.executemany(
            "UPDATE nodes SET parent_id = ? WHERE id = ?",
            [(ids[node.parent], ids[node.key]) for node in later],
        )
        link_ids = {}
        for link in data.links:
            ends = {"from_id": ids[link.source], "to_id": ids[link.target]}
            made = links.insert(db, map_id, {**vars(link), **ends})
            if link.key is not None:
                link_ids[link.key] = made["id"]
        import_history(db, map_id, data.events, ids, link_ids)
        data.warnings += teams.import_parts(db, map_id, data.classroom, ids)
        votes.import_votes(db, map_id, data.votes, ids)
        data.warnings += comments.import_parts(db, map_id, data.classroom.get("comments", []), ids)
        summary = {"nodes": len(data.nodes), "links": len(data.links)}
        events.record(db, map_id, "map.import", data={"after": summary}, actor=actor)
    return map_id


def import_history(
    db: Database, map_id: int, past: list[dict], ids: dict[str, int], link_ids: dict[str, int]
) -> None:
    """Write a file's changes as the new map's history, every id remapped to this database.

    ids and link_ids map the file's node and link keys to the new rows; a node or
    link the history names that is gone gets a fresh id, reserved so that no other
    row ever takes it. The file's history starts with its own "map.create", which
    takes the place of the one the import made. Each change is marked imported:
    undo refuses it (its records come from a file, not from this database).
    """
    if not past:
        return
    db.execute("DELETE FROM events WHERE map_id = ?", (map_id,))
    nodes, links = Renumber(db, "nodes", ids), Renumber(db, "links", link_ids)
    changes: dict[int, int] = {}
    for revision, event in enumerate(past, 1):
        moved = remap(event, nodes, links, changes.get)
        cursor = db.execute(
            "INSERT INTO events (map_id, revision, action, node_id, actor, created_at, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (map_id, revision, moved["action"], moved["node_id"], moved["actor"])
            + (moved["created_at"], json.dumps({**moved["data"], "imported": True})),
        )
        if event.get("id") is not None:
            changes[event["id"]] = cursor.lastrowid
    nodes.reserve()
    links.reserve()
    db.execute("UPDATE maps SET revision = ? WHERE id = ?", (len(past), map_id))


class Renumber:
    """A file's ids of one table as this database's: known rows, else fresh reserved ids."""

    def __init__(self, db: Database, table: str, known: dict[str, int]):
        self.db, self.table, self.known = db, table, dict(known)
        self.start = self.last = highest_id(db, table)

    def __call__(self, value: object) -> int:
        """The database id for a file's id."""
        key = str(value)
        if key not in self.known:
            self.last += 1
            self.known[key] = self.last
        return self.known[key]

    def reserve(self) -> None:
        """Move the table's AUTOINCREMENT counter past the fresh ids, so none is given again."""
        if self.last > self.start:
            self.db.execute("DELETE FROM sqlite_sequence WHERE name = ?", (self.table,))
            self.db.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (self.table, self.last)
            )


def highest_id(db: Database, table: str) -> int:
    """The highest id the table has ever given (its AUTOINCREMENT counter), or 0."""
    found = db.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    return found[0] if found else 0
