"""The model of an argument map: kinds, relations, limits, map types and walks over its graph.

Pure: it imports nothing of argmap, and everything else imports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

KINDS = ("claim", "support", "counter")
RELATIONS = ("support", "counter")
LINK_RELATIONS = ("support", "counter", "contradiction")

MAX_DEPTH = 200  # levels below a claim: deeper maps cannot be shown on a page
TEXT_MAX = 1000
QUOTE_MAX = 2000
SOURCE_MAX = 2000
TAG_MAX, TAGS_MAX = 40, 20
TITLE_MAX = 200
DESCRIPTION_MAX = 2000
MAX_ID = 2**63 - 1  # SQLite's largest INTEGER: a bigger number overflows in every query
MAX_BYTES = 5 * 1024 * 1024  # the largest file an import reads


@dataclass
class Node:
    """A statement of a map; `key` is unique within the map."""

    key: str
    kind: str
    text: str
    quote: str = ""
    source: str = ""
    parent: str | None = None
    group: int | None = None
    undercut: bool = False
    tags: list[str] = field(default_factory=list)
    hidden: bool = field(default=False, compare=False)  # hidden from students by an owner
    author: str = field(default="", compare=False)  # the name of who wrote it, if known


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
class Edge(Link):
    """Any relation of a map: a node's parent edge or a link."""


@dataclass
class MapData:
    """A whole map: title, description, nodes in order, links, history."""

    title: str
    description: str = ""
    listed: bool = False  # listed on the front page (and so readable by anyone with the link)
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    moderation: str | None = None  # who edits what ("own" or "everyone"); None: a new map's
    locked: bool = False
    # A class's parts (argmap JSON only): "authors" (node key -> name), "teams", "settings".
    classroom: dict = field(default_factory=dict)
    # Votes (argmap JSON only): {"node": node key, "voter": voter key, "value": 0 to 4}.
    votes: list[dict] = field(default_factory=list)

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


def key(number: int | None) -> str | None:
    """A database id as a node key."""
    return None if number is None else str(number)


def from_graph(graph: dict) -> MapData:
    """A map loaded from the database (ids, parent_id, from_id ...) as MapData; keys are ids.

    Quotes, sources and tags may be left out (a drawing does not need them).
    """
    data = MapData(title=graph.get("title", ""), description=graph.get("description", ""))
    data.nodes = [
        Node(
            key(n["id"]),
            n["kind"],
            n["text"],
            n.get("quote", ""),
            n.get("source", ""),
            key(n["parent_id"]),
            n["group"],
            n["undercut"],
            n.get("tags", []),
            n.get("hidden", False),
            n.get("author_name", ""),
        )
        for n in graph["nodes"]
    ]
    data.links = [
        Link(
            key(li["from_id"]),
            key(li["to_id"]),
            li["relation"],
            li["group"],
            li["undercut"],
            key(li.get("id")),
        )
        for li in graph["links"]
    ]
    return data


def find_cycle(keys: Iterable[str], edges: list[Edge]) -> Edge | None:
    """The last edge (in `edges` order) of a cycle, contradictions aside, found in linear time.

    The last one is the edge an edit adding them one by one would have refused.
    """
    keys = list(keys)
    out: dict[str, list[int]] = {k: [] for k in keys}
    for index, edge in enumerate(edges):
        if edge.relation != "contradiction":
            out[edge.source].append(index)
    state = dict.fromkeys(keys, 0)  # 0 unseen, 1 on the current path, 2 done
    for root in keys:
        if state[root]:
            continue
        state[root], stack = 1, [(root, iter(out[root]), -1)]
        while stack:
            at, pending, _ = stack[-1]
            index = next(pending, None)
            if index is None:
                state[at] = 2
                stack.pop()
                continue
            target = edges[index].target
            if state[target] == 1:
                start = [frame[0] for frame in stack].index(target)
                return edges[max([frame[2] for frame in stack[start + 1 :]] + [index])]
            if state[target] == 0:
                state[target] = 1
                stack.append((target, iter(out[target]), index))
    return None


def topological(pairs: list[tuple[str, str]]) -> tuple[list[str], set[str]]:
    """Kahn's algorithm: the keys in order (sources first), and those on or after a cycle."""
    later: dict[str, list[str]] = {}
    need: dict[str, int] = {}
    for a, b in pairs:
        later.setdefault(a, []).append(b)
        need[b] = need.get(b, 0) + 1
        need.setdefault(a, 0)
    todo = [k for k, count in need.items() if count == 0]
    order = []
    while todo:
        order.append(todo.pop())
        for b in later.get(order[-1], []):
            need[b] -= 1
            if need[b] == 0:
                todo.append(b)
    return order, {k for k, count in need.items() if count > 0}


def depths(parent: dict[str, str | None]) -> dict[str, int]:
    """Each node's level below its claim (a claim is 0), following parent edges (no cycle)."""
    found = levels(parent)
    if found is None:
        raise ValueError("the parent edges form a cycle")
    return found


def levels(parent: dict[str, str | None]) -> dict[str, int] | None:
    """Each node's level below its claim (a claim is 0), or None when parent edges form a cycle.

    One walk up from each node, stopping at a node already placed: linear in the nodes
    (a walk longer than the map has nodes has gone round a cycle).
    """
    depth = {key: 0 for key, at in parent.items() if at is None}  # the claims
    size = len(parent)
    for start, at in parent.items():
        if at is None or start in depth:
            continue
        if at in depth:  # a parent placed already: no walk
            depth[start] = depth[at] + 1
            continue
        chain = [start]
        while at is not None and at not in depth:
            if len(chain) > size:
                return None
            chain.append(at)
            at = parent[at]
        level = -1 if at is None else depth[at]
        for seen in reversed(chain):
            level += 1
            depth[seen] = level
    return depth
