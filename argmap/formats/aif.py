"""AIF JSON (AIFdb, and OVA save files): read it into a portable map and write one back.

Reading: I-nodes become nodes (key `nodeID`, text `text`). Each RA (support)
or CA (counter) makes a relation from each premise (an I-node with an edge into
it) to its conclusion. Two or more premises of one scheme are linked
co-premises sharing a `group` number, unique per scheme. A scheme whose
conclusion is another RA or CA is an undercut of that inference: its target is
the first premise (in edge order) of the targeted scheme, with `undercut` set.
A CA whose `text` or `scheme` is "Contradiction" gives a contradiction link.
L, YA, TA, MA, PA and other dialogue nodes, edges touching them, scheme names,
timestamps and OVA's layout are ignored. A repeated edge, and a single-premise
relation that repeats an earlier one exactly, are read once; a premise in
several linked groups for one conclusion keeps every group (the later ones are
links with the same ends as the parent edge). `model.build` chooses parents:
a node's first relation in file order is its parent edge, the rest are links.
An I-node nested more than 200 levels deep through its parent edges is refused
(FormatError naming its path, e.g. `nodes[12]`), as argmap pages cannot show it.

Writing: AIFdb JSON, I-nodes "1", "2"... in map order, then one RA or CA per
relation or co-premise group, edges I -> RA -> I; an undercut's scheme leads to
the scheme of its target's parent relation (an undercut of a claim, which has
no inference, becomes a plain attack). Schemes are ordered so that each node's
parent relation comes first when read back. Dropped: title, description,
quotes, sources, tags and history, which AIF does not hold.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, field

from ..errors import FormatError
from ..model import MAX_DEPTH, Edge, MapData, Node, depths, topological
from .argmapjson import load_json
from .model import build, check_size

MAX_TEXT = 1000
SCHEMES = {"RA": "support", "CA": "counter"}
CONTRADICTION = "Contradiction"
TEXTS = {"support": "Default Inference", "counter": "Default Conflict"}
TITLE = "Imported AIF map"


def read(text: str) -> MapData:
    """Read AIFdb JSON or an OVA save file; raise FormatError naming the JSON path."""
    graph, prefix = _graph(_load(text))
    nodes, types = _nodes(graph, prefix)
    premises, conclusions = _edges(graph, prefix, types)
    edges = _relations(graph["nodes"], prefix, types, premises, conclusions)
    data = build(TITLE, nodes, _in_order(_distinct(edges), prefix, types))
    _check_depth(data, prefix, types)
    return data


def _load(text: str) -> object:
    """Parse JSON within the size limit, turning every failure into a FormatError."""
    check_size(text)
    return load_json(text)


def _graph(doc: object) -> tuple[dict, str]:
    """The object holding `nodes` and `edges`, and the path prefix to name it."""
    prefix = ""
    if isinstance(doc, dict) and "AIF" in doc:
        doc, prefix = doc["AIF"], "AIF."
    if not isinstance(doc, dict):
        raise FormatError("expected a JSON object with 'nodes' and 'edges'", prefix[:-1])
    for name in ("nodes", "edges"):
        if not isinstance(doc.get(name), list):
            raise FormatError("missing, or not a list", prefix + name)
    return doc, prefix


def _nodes(graph: dict, prefix: str) -> tuple[list[Node], dict[str, tuple[str, int]]]:
    """The I-nodes as portable nodes, and every node's (type, index) by nodeID."""
    nodes, types = [], {}
    for index, raw in enumerate(graph["nodes"]):
        where = f"{prefix}nodes[{index}]"
        if not isinstance(raw, dict):
            raise FormatError("expected an object", where)
        key = _identifier(raw, "nodeID", where)
        kind = raw.get("type")
        if not isinstance(kind, str):
            raise FormatError("missing, or not a string", f"{where}.type")
        if key in types:
            raise FormatError(f"the nodeID {key!r} is used twice", f"{where}.nodeID")
        types[key] = (kind, index)
        if kind == "I":
            nodes.append(Node(key, "claim", _statement(raw.get("text"), f"{where}.text")))
    return nodes, types


def _identifier(raw: dict, name: str, where: str) -> str:
    """A nodeID, fromID or toID as a string; JSON numbers are accepted."""
    value = raw.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FormatError("missing, or not a string or integer", f"{where}.{name}")
    return str(value)


def _statement(value: object, where: str) -> str:
    """An I-node text, trimmed and checked to be 1..MAX_TEXT characters."""
    if not isinstance(value, str):
        raise FormatError("missing, or not a string", where)
    text = value.strip()
    if not text:
        raise FormatError("the statement is empty", where)
    if len(text) > MAX_TEXT:
        raise FormatError(f"the statement is longer than {MAX_TEXT} characters", where)
    return text


def _edges(graph: dict, prefix: str, types: dict) -> tuple[dict, dict]:
    """Each scheme's premises and conclusions, in edge order."""
    premises: dict[str, list[str]] = {}
    conclusions: dict[str, list[str]] = {}
    seen: set[tuple[str, ...]] = set()
    for index, raw in enumerate(graph["edges"]):
        where = f"{prefix}edges[{index}]"
        if not isinstance(raw, dict):
            raise FormatError("expected an object", where)
        ends = [_identifier(raw, name, where) for name in ("fromID", "toID")]
        if tuple(ends) in seen:
            continue
        seen.add(tuple(ends))
        for name, end in zip(("fromID", "toID"), ends, strict=True):
            if end not in types:
                raise FormatError(f"names no node {end!r}", f"{where}.{name}")
        start, stop = (types[end][0] for end in ends)
        if start == "I" and stop == "I":
            raise FormatError("an edge from an I-node to an I-node needs an RA or CA", where)
        if start == "I" and stop in SCHEMES:
            premises.setdefault(ends[1], []).append(ends[0])
        elif start in SCHEMES and stop in (*SCHEMES, "I"):
            conclusions.setdefault(ends[0], []).append(ends[1])
    return premises, conclusions


def _relations(raws: list, prefix: str, types: dict, premises: dict, conclusions: dict) -> list:
    """One Edge per premise and conclusion of each RA and CA, in file order."""
    edges, groups = [], 0
    for key, (kind, index) in types.items():
        if kind not in SCHEMES:
            continue
        where = f"{prefix}nodes[{index}]"
        sources, targets = premises.get(key, []), conclusions.get(key, [])
        if not sources:
            raise FormatError(f"the {kind} {key!r} has no premise", where)
        if not targets:
            raise FormatError(f"the {kind} {key!r} has no conclusion", where)
        group = None
        if len(sources) > 1:
            groups += 1
            group = groups
        relation = _relation(kind, raws[index])
        for target in targets:
            end, undercut = _target(target, prefix, types, premises)
            edges += [Edge(source, end, relation, group, undercut) for source in sources]
    return edges


def _distinct(edges: list[Edge]) -> list[Edge]:
    """The edges without an ungrouped relation that repeats an earlier ungrouped one."""
    seen, out = set(), []
    for edge in edges:
        same = (edge.source, edge.target, edge.relation, edge.undercut)
        if edge.group is None and same in seen:
            continue
        if edge.group is None:
            seen.add(same)
        out.append(edge)
    return out


def _relation(kind: str, raw: dict) -> str:
    """support for an RA, counter for a CA, contradiction for a CA so named."""
    if kind == "CA" and CONTRADICTION in (raw.get("text"), raw.get("scheme")):
        return "contradiction"
    return SCHEMES[kind]


def _target(target: str, prefix: str, types: dict, premises: dict) -> tuple[str, bool]:
    """The node a conclusion stands for: itself, or an undercut scheme's first premise."""
    kind, index = types[target]
    if kind == "I":
        return target, False
    if not premises.get(target):
        raise FormatError(f"the {kind} {target!r} has no premise", f"{prefix}nodes[{index}]")
    return premises[target][0], True


def _in_order(edges: list[Edge], prefix: str, types: dict) -> list[Edge]:
    """Edges sorted by their source's topological rank, which keeps build() linear.

    Each node's own edges keep their order, so build() chooses the same parents.
    """
    pairs = [(e.source, e.target) for e in edges if e.relation != "contradiction"]
    order, left = topological(pairs)
    if left:
        _, cycle = topological([(b, a) for a, b in pairs if a in left and b in left])
        key = min(cycle, key=lambda k: types[k][1])
        where = f"{prefix}nodes[{types[key][1]}]"
        raise FormatError(f"the relations form a cycle through the I-node {key!r}", where)
    rank = {key: number for number, key in enumerate(order)}
    return sorted(edges, key=lambda edge: rank.get(edge.source, -1))


def _check_depth(data: MapData, prefix: str, types: dict) -> None:
    """Refuse I-nodes nested deeper than MAX_DEPTH levels, naming the first one's JSON path."""
    depth = depths({node.key: node.parent for node in data.nodes})
    deep = [key for key, level in depth.items() if level > MAX_DEPTH]
    if deep:
        key = min(deep, key=lambda k: types[k][1])
        raise FormatError(
            f"the I-node {key!r} is nested more than {MAX_DEPTH} levels deep",
            f"{prefix}nodes[{types[key][1]}]",
        )


@dataclass
class _Scheme:
    """An RA or CA to write: its premises, and the node (or scheme) it leads to."""

    relation: str
    target: str
    undercut: bool
    premises: list[str] = field(default_factory=list)


def write(data: MapData) -> str:
    """Write a map as AIFdb JSON."""
    ids = {node.key: str(number) for number, node in enumerate(data.nodes, 1)}
    schemes, parent_of = _schemes(data)
    order = _ordered(schemes, parent_of)
    scheme_ids = {index: str(len(ids) + rank) for rank, index in enumerate(order, 1)}
    nodes = [{"nodeID": ids[node.key], "text": node.text, "type": "I"} for node in data.nodes]
    edges: list[dict] = []
    for index in order:
        scheme, sid = schemes[index], scheme_ids[index]
        nodes.append(_scheme_node(sid, scheme.relation))
        ends = [(ids[key], sid) for key in scheme.premises]
        inference = parent_of.get(scheme.target) if scheme.undercut else None
        ends.append((sid, scheme_ids[inference] if inference is not None else ids[scheme.target]))
        edges += [
            {"edgeID": str(len(edges) + i), "fromID": a, "toID": b}
            for i, (a, b) in enumerate(ends, 1)
        ]
    return _dump(nodes, edges)


def _dump(nodes: list[dict], edges: list[dict]) -> str:
    """The JSON text, one node or edge a line (json's C encoder, so it stays fast)."""
    parts = []
    for name, items in (("nodes", nodes), ("edges", edges)):
        rows = ",\n".join(f"  {json.dumps(item, ensure_ascii=False)}" for item in items)
        parts.append(f' "{name}": [\n{rows}\n ]' if items else f' "{name}": []')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _scheme_node(sid: str, relation: str) -> dict:
    """The JSON of an RA or CA node."""
    if relation == "contradiction":
        return {"nodeID": sid, "text": CONTRADICTION, "type": "CA", "scheme": CONTRADICTION}
    kind = "RA" if relation == "support" else "CA"
    return {"nodeID": sid, "text": TEXTS[relation], "type": kind}


def _schemes(data: MapData) -> tuple[list[_Scheme], dict[str, int]]:
    """The schemes to write (co-premises share one), and each node's parent scheme."""
    schemes: list[_Scheme] = []
    grouped: dict[tuple, int] = {}
    parent_of: dict[str, int] = {}
    keys = {node.key for node in data.nodes}
    parents = sum(1 for node in data.nodes if node.parent is not None)
    for number, edge in enumerate(data.edges()):
        if edge.source not in keys or edge.target not in keys:
            continue
        shared = (edge.relation, edge.target, edge.group, edge.undercut)
        if edge.group is None or shared not in grouped:
            grouped[shared] = len(schemes)
            schemes.append(_Scheme(edge.relation, edge.target, edge.undercut))
        index = len(schemes) - 1 if edge.group is None else grouped[shared]
        schemes[index].premises.append(edge.source)
        if number < parents:
            parent_of.setdefault(edge.source, index)
    _front_undercut_targets(schemes, parent_of)
    return schemes, parent_of


def _front_undercut_targets(schemes: list[_Scheme], parent_of: dict[str, int]) -> None:
    """Put an undercut's target first among its inference's premises, as read back."""
    for scheme in schemes:
        inference = parent_of.get(scheme.target) if scheme.undercut else None
        if inference is not None:
            premises = schemes[inference].premises
            premises.remove(scheme.target)
            premises.insert(0, scheme.target)


def _ordered(schemes: list[_Scheme], parent_of: dict[str, int]) -> list[int]:
    """Scheme indexes, each node's parent scheme before its other schemes, else map order."""
    after: dict[int, set[int]] = {index: set() for index in range(len(schemes))}
    need = [0] * len(schemes)
    for index, scheme in enumerate(schemes):
        for key in scheme.premises:
            first = parent_of.get(key)
            if first is not None and first != index and index not in after[first]:
                after[first].add(index)
                need[index] += 1
    ready = [index for index, count in enumerate(need) if count == 0]
    order: list[int] = []
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for later in after[index]:
            need[later] -= 1
            if need[later] == 0:
                heapq.heappush(ready, later)
    done = set(order)
    return order + [index for index in range(len(schemes)) if index not in done]
