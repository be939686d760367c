"""The portable map that every format reader produces and every writer takes."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("claim", "support", "counter")
RELATIONS = ("support", "counter")
LINK_RELATIONS = ("support", "counter", "contradiction")


class FormatError(ValueError):
    """A file that cannot be read; `where` names the line or JSON path."""

    def __init__(self, message: str, where: str = ""):
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where


@dataclass
class Node:
    """A statement of a portable map; `key` is unique within the map."""

    key: str
    kind: str
    text: str
    quote: str = ""
    source: str = ""
    parent: str | None = None
    group: int | None = None
    undercut: bool = False
    tags: list[str] = field(default_factory=list)


@dataclass
class Link:
    """A further relation from one node to another, beside the parent edge."""

    source: str
    target: str
    relation: str
    group: int | None = None
    undercut: bool = False


@dataclass
class Edge:
    """A relation as read from a file, before parents are chosen."""

    source: str
    target: str
    relation: str
    group: int | None = None
    undercut: bool = False


@dataclass
class MapData:
    """A whole map: title, description, nodes in order, links, history."""

    title: str
    description: str = ""
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)

    def node(self, key: str) -> Node:
        """The node with this key."""
        for node in self.nodes:
            if node.key == key:
                return node
        raise KeyError(key)

    def edges(self) -> list[Edge]:
        """Every relation: each node's parent edge, then the links."""
        out = [
            Edge(n.key, n.parent, n.kind, n.group, n.undercut)
            for n in self.nodes
            if n.parent is not None
        ]
        out += [Edge(li.source, li.target, li.relation, li.group, li.undercut) for li in self.links]
        return out


def build(title: str, nodes: list[Node], edges: list[Edge], description: str = "") -> MapData:
    """Choose each node's parent from its first support/counter edge; the rest become links.

    A node with no outgoing support or counter edge is a claim. An edge that
    would close a cycle through parent edges and links raises FormatError.
    """
    by_key = {n.key: n for n in nodes}
    data = MapData(title=title, description=description, nodes=nodes)
    reach: dict[str, set[str]] = {k: set() for k in by_key}
    for edge in edges:
        for end in (edge.source, edge.target):
            if end not in by_key:
                raise FormatError(f"relation names an unknown node {end!r}")
        if edge.relation != "contradiction":
            if _reaches(reach, edge.target, edge.source):
                raise FormatError(
                    f"the relation from {edge.source!r} to {edge.target!r} would close a cycle"
                )
            reach[edge.source].add(edge.target)
        node = by_key[edge.source]
        if edge.relation in RELATIONS and node.parent is None:
            node.parent, node.kind = edge.target, edge.relation
            node.group, node.undercut = edge.group, edge.undercut
        else:
            data.links.append(
                Link(edge.source, edge.target, edge.relation, edge.group, edge.undercut)
            )
    for node in nodes:
        if node.parent is None:
            node.kind = "claim"
    return data


def _reaches(reach: dict[str, set[str]], start: str, goal: str) -> bool:
    """Whether goal can be reached from start along the edges so far."""
    seen, todo = set(), [start]
    while todo:
        key = todo.pop()
        if key == goal:
            return True
        if key not in seen:
            seen.add(key)
            todo.extend(reach[key])
    return False


def check(data: MapData) -> None:
    """Check a map's shape: known ends, claims without parents, no cycle."""
    keys = {n.key for n in data.nodes}
    reach: dict[str, set[str]] = {k: set() for k in keys}
    for edge in data.edges():
        if edge.source not in keys or edge.target not in keys:
            raise FormatError(
                f"a relation names an unknown node ({edge.source!r}, {edge.target!r})"
            )
        if edge.relation != "contradiction":
            if _reaches(reach, edge.target, edge.source):
                raise FormatError(
                    f"the relation from {edge.source!r} to {edge.target!r} would close a cycle"
                )
            reach[edge.source].add(edge.target)
    for node in data.nodes:
        if (node.kind == "claim") != (node.parent is None):
            raise FormatError(f"node {node.key!r}: a claim has no parent, a {node.kind} needs one")
