"""What the formats share beyond the model: building a map from edges, and checking a file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .. import rules
from ..errors import FormatError, ValidationError
from ..model import MAX_BYTES, RELATIONS, Edge, Link, MapData, Node, find_cycle, levels


@contextmanager
def reading(where: str) -> Iterator[None]:
    """Report a broken model rule while reading a map as a FormatError at `where`."""
    try:
        yield
    except ValidationError as error:
        raise FormatError(error.message, where, error.field) from None


def build(title: str, nodes: list[Node], edges: list[Edge], description: str = "") -> MapData:
    """Choose each node's parent from its first support/counter edge; the rest become links.

    A node with no outgoing support or counter edge is a claim. An edge that
    names an unknown node or would close a cycle raises FormatError.
    """
    by_key = {n.key: n for n in nodes}
    data = MapData(title=title, description=description, nodes=nodes)
    for edge in edges:
        if edge.source not in by_key or edge.target not in by_key:
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


def check(data: MapData) -> dict[str, int] | None:
    """Check a map's shape: known ends, the parent rule of each node, no cycle.

    Linear, and cheap for big trees: the edges are only listed one by one when an end
    is unknown or a cycle is possible, to name the relation at fault. Returns each
    node's level below its claim when it found them on the way (a map without links).
    """
    keys = [n.key for n in data.nodes]
    known = set(keys)
    if len(known) != len(keys):
        raise FormatError("two nodes share one key")
    parent = {n.key: n.parent for n in data.nodes}
    ends = {li.source for li in data.links} | {li.target for li in data.links}
    if not known.issuperset(ends) or not known.issuperset(
        p for p in parent.values() if p is not None
    ):
        unknown_end(data.edges(), known)
    nodes, index = data.nodes, 0
    try:  # one try around the loop: a context per node took a third of the time
        for index in range(len(nodes)):
            rules.parent_rule(nodes[index].kind, nodes[index].parent)
    except ValidationError as error:
        where = f"node {index + 1} ({nodes[index].key})"
        raise FormatError(error.message, where, error.field) from None
    links = any(li.relation != "contradiction" for li in data.links)
    found = None if links else levels(parent)
    if found is not None:
        return found
    closing = find_cycle(keys, data.edges())
    if closing is not None:
        with reading(f"the relation from {closing.source} to {closing.target}"):
            rules.cycle_rule(closing.source, closing.target, True, "parent_id")
    return None


def unknown_end(edges: list[Edge], known: set[str]) -> None:
    """Raise FormatError for the first relation that names an unknown node."""
    for edge in edges:
        if edge.source not in known or edge.target not in known:
            ends = f"{edge.source!r} -> {edge.target!r}"
            raise FormatError(f"a relation names an unknown node ({ends})")


def check_size(text: str) -> None:
    """Refuse a file larger than MAX_BYTES (counted as UTF-8)."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise FormatError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
