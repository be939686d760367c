"""Moving whole maps between the database and the portable form the formats use."""

from __future__ import annotations

import json

from sqlite_utils import Database

from . import events
from .db import rows, write
from .errors import ValidationError
from .formats.history import remap
from .formats.model import MAX_DEPTH, FormatError, Link, MapData, Node, check
from .maps import clean_description, clean_title, create_map, load
from .nodes import clean_fields, clean_id, insert


def to_data(db: Database, map_id: int, history: bool = False) -> MapData:
    """The map as a portable map; node keys are the database ids."""
    graph = load(db, map_id)
    data = MapData(title=graph["title"], description=graph["description"])
    data.nodes = [
        Node(str(n["id"]), n["kind"], n["text"], n["quote"], n["source"],
             None if n["parent_id"] is None else str(n["parent_id"]),
             n["group"], n["undercut"], n["tags"])
        for n in graph["nodes"]
    ]  # fmt: skip
    data.links = [
        Link(str(li["from_id"]), str(li["to_id"]), li["relation"], li["group"], li["undercut"])
        for li in graph["links"]
    ]
    for link, found in zip(data.links, graph["links"], strict=True):
        link.key = str(found["id"])
    if history:
        data.events = history_of(db, map_id)
    return data


def history_of(db: Database, map_id: int) -> list[dict]:
    """The map's events, oldest first, as plain objects."""
    return events.decoded(
        rows(
            db,
            "SELECT id, revision, action, node_id, actor, created_at, data FROM events"
            " WHERE map_id = ? ORDER BY id",
            (map_id,),
        )
    )


def checked_fields(node: Node, index: int) -> dict:
    """A node's fields checked by the model's rules, errors naming the node."""
    try:
        return clean_fields(
            {"kind": node.kind, "text": node.text, "quote": node.quote, "source": node.source,
             "group": node.group, "undercut": node.undercut, "tags": node.tags}
        )  # fmt: skip
    except ValidationError as error:
        raise FormatError(error.message, f"node {index + 1} ({node.key})") from None


def inference_rules(data: MapData) -> None:
    """Keep groups and undercuts only where the model has an inference; say what changed."""
    parent = {n.key: n.parent for n in data.nodes}
    for node in data.nodes:
        if node.parent is None and (node.group is not None or node.undercut):
            node.group, node.undercut = None, False
            data.warnings.append(f"{node.key}: a claim has no inference to group or undercut.")
        elif node.undercut and (node.kind != "counter" or parent[node.parent] is None):
            node.undercut = False
            data.warnings.append(
                f"{node.key}: kept as a plain objection; only the inference of a support or"
                " counter can be undercut."
            )
    for link in data.links:
        if link.undercut and (link.relation != "counter" or parent[link.target] is None):
            link.undercut = False
            data.warnings.append(
                f"The undercut from {link.source} to {link.target} is kept as a plain objection."
            )


def link_rules(data: MapData) -> None:
    """Refuse a node linked to itself or a bad group; keep one relation per pair, and say so."""
    seen = {(n.key, n.parent, n.group) for n in data.nodes if n.parent is not None}
    pairs = {(n.key, n.parent) for n in data.nodes if n.parent is not None}
    kept = []
    for index, link in enumerate(data.links):
        where = f"link {index + 1}"
        if link.source == link.target:
            raise FormatError("a node cannot be linked to itself", where)
        try:
            clean_id(link.group, "group")
        except ValidationError as error:
            raise FormatError(error.message, where) from None
        if (link.source, link.target, link.group) in seen or (link.target, link.source) in pairs:
            data.warnings.append(
                f"The {link.relation} relation from {link.source} to {link.target} repeats one"
                " between the same two nodes; left out."
            )
            continue
        seen.add((link.source, link.target, link.group))
        pairs.add((link.source, link.target))
        kept.append(link)
    data.links = kept


def depth_rule(data: MapData) -> None:
    """Refuse nodes nested deeper than MAX_DEPTH levels (pages could not show them)."""
    parent = {n.key: n.parent for n in data.nodes}
    depth: dict[str, int] = {}
    for index, node in enumerate(data.nodes):
        chain, key = [], node.key
        while key is not None and key not in depth:
            chain.append(key)
            key = parent[key]
        level = -1 if key is None else depth[key]
        for key in reversed(chain):
            level += 1
            depth[key] = level
        if depth[node.key] > MAX_DEPTH:
            raise FormatError(
                f"nodes are nested more than {MAX_DEPTH} levels deep", f"node {index + 1}"
            )


def validate(data: MapData) -> list[dict]:
    """Check a portable map against the model's rules; returns each node's clean fields.

    What the model cannot hold as it stands (a relation said twice, an undercut of a claim)
    is adjusted and listed in data.warnings, for the preview to show.
    """
    data.title = clean_title(data.title or "Imported map")
    data.description = clean_description(data.description)
    link_rules(data)
    check(data)
    depth_rule(data)
    inference_rules(data)
    return [checked_fields(n, i) for i, n in enumerate(data.nodes)]


def import_map(db: Database, data: MapData, actor: str = "", origin: str | None = None) -> int:
    """Write a portable map as a new map in one transaction; returns its id."""
    fields = validate(data)
    with write(db):
        map_id = create_map(db, data.title or "Imported map", data.description, actor, origin)
        ids = {}
        for node, clean in zip(data.nodes, fields, strict=True):
            ids[node.key] = insert(db, map_id, {**clean, "parent_id": None})
        for node in data.nodes:
            if node.parent is not None:
                db.execute(
                    "UPDATE nodes SET parent_id = ? WHERE id = ?", (ids[node.parent], ids[node.key])
                )
        link_ids = {}
        for link in data.links:
            cursor = db.execute(
                "INSERT INTO links (map_id, from_id, to_id, relation, grp, undercut)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (map_id, ids[link.source], ids[link.target], link.relation, link.group,
                 int(link.undercut)),
            )  # fmt: skip
            if link.key is not None:
                link_ids[link.key] = cursor.lastrowid
        import_history(db, map_id, data.events, ids, link_ids)
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
