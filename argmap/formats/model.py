"""The portable map that every format reader produces and every writer takes."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 200
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
    key: str | None = field(default=None, compare=False)  # its id in argmap JSON, if any


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
    warnings: list[str] = field(default_factory=list)

    def node(self, key: str) -> Node:
        """The node with this key."""
        return {n.key: n for n in self.nodes}[key]

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
    names an unknown node or would close a cycle raises FormatError.
    """
    by_key = {n.key: n for n in nodes}
    data = MapData(title=title, description=description, nodes=nodes)
    for edge in edges:
        for end in (edge.source, edge.target):
            if end not in by_key:
                raise FormatError(f"relation names an unknown node {end!r}")
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
    check(data)
    return data


def find_cycle(keys: list[str], edges: list[Edge]) -> Edge | None:
    """An edge that closes a cycle (contradictions aside), found in linear time."""
    out: dict[str, list[Edge]] = {k: [] for k in keys}
    for edge in edges:
        if edge.relation != "contradiction":
            out[edge.source].append(edge)
    state = dict.fromkeys(keys, 0)  # 0 unseen, 1 on the current path, 2 done
    for root in keys:
        if state[root]:
            continue
        state[root], stack = 1, [(root, iter(out[root]))]
        while stack:
            key, pending = stack[-1]
            edge = next(pending, None)
            if edge is None:
                state[key] = 2
                stack.pop()
            elif state[edge.target] == 1:
                return edge
            elif state[edge.target] == 0:
                state[edge.target] = 1
                stack.append((edge.target, iter(out[edge.target])))
    return None


def check(data: MapData) -> None:
    """Check a map's shape: known ends, claims without parents, no cycle."""
    keys = [n.key for n in data.nodes]
    known = set(keys)
    if len(known) != len(keys):
        raise FormatError("two nodes share one key")
    edges = data.edges()
    for edge in edges:
        if edge.source not in known or edge.target not in known:
            ends = f"{edge.source!r} -> {edge.target!r}"
            raise FormatError(f"a relation names an unknown node ({ends})")
    for node in data.nodes:
        if (node.kind == "claim") != (node.parent is None):
            raise FormatError(f"node {node.key!r}: a claim has no parent, a {node.kind} needs one")
    closing = find_cycle(keys, edges)
    if closing is not None:
        raise FormatError(
            f"the relation from {closing.source!r} to {closing.target!r} would close a cycle"
        )


def check_size(text: str) -> None:
    """Refuse a file larger than MAX_BYTES (counted as UTF-8)."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise FormatError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")


def topological(pairs: list[tuple[str, str]]) -> tuple[list[str], set[str]]:
    """Kahn's algorithm: the keys in order (sources first), and those on or after a cycle."""
    later: dict[str, list[str]] = {}
    need: dict[str, int] = {}
    for a, b in pairs:
        later.setdefault(a, []).append(b)
        need[b] = need.get(b, 0) + 1
        need.setdefault(a, 0)
    todo = [key for key, count in need.items() if count == 0]
    order = []
    while todo:
        order.append(todo.pop())
        for b in later.get(order[-1], []):
            need[b] -= 1
            if need[b] == 0:
                todo.append(b)
    return order, {key for key, count in need.items() if count > 0}
