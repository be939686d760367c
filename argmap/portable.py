"""Moving whole maps between the database and the portable form the formats use."""

from __future__ import annotations

from sqlite_utils import Database

from . import events, links, rules
from .clean import clean_description, clean_id, clean_title
from .db import rows, write
from .errors import ValidationError
from .formats.model import check, reading
from .maps import create_map, load
from .model import MapData, Node, depths, from_graph
from .nodes import clean_fields, insert


def to_data(db: Database, map_id: int, history: bool = False) -> MapData:
    """The map as a portable map; node keys are the database ids."""
    data = from_graph(load(db, map_id))
    if history:
        data.events = history_of(db, map_id)
    return data


def history_of(db: Database, map_id: int) -> list[dict]:
    """The map's events, oldest first, as plain objects."""
    return events.decoded(
        rows(
            db,
            "SELECT revision, action, node_id, actor, created_at, data FROM events"
            " WHERE map_id = ? ORDER BY id",
            (map_id,),
        )
    )


def checked_fields(node: Node, index: int) -> dict:
    """A node's fields checked by the model's rules, errors naming the node."""
    names = ("kind", "text", "quote", "source", "group", "undercut", "tags")
    with reading(f"node {index + 1} ({node.key})"):
        return clean_fields({name: getattr(node, name) for name in names})


def inference_rules(data: MapData) -> None:
    """Keep groups and undercuts only where the model has an inference; say what changed."""
    parent = {n.key: n.parent for n in data.nodes}
    for node in data.nodes:
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


def depth_rule(data: MapData) -> None:
    """Refuse nodes nested deeper than the model allows (pages could not show them)."""
    level = depths({n.key: n.parent for n in data.nodes})
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
        for link in data.links:
            ends = {"from_id": ids[link.source], "to_id": ids[link.target]}
            links.insert(db, map_id, {**vars(link), **ends})
        summary = {"nodes": len(data.nodes), "links": len(data.links)}
        events.record(db, map_id, "map.import", data={"after": summary}, actor=actor)
    return map_id
