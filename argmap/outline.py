"""The outline: the map as a nested list, the readable form of the diagram."""

from __future__ import annotations

from . import votes
from .labels import KIND_LABELS

LABELS = {kind: label.side for kind, label in KIND_LABELS.items()}


def role(node: dict, by_id: dict[int, dict]) -> str:
    """What a node is, as a reader says it: Claim, Pro, Con, Rebuttal or Undercut."""
    parent = by_id.get(node["parent_id"])
    if node["kind"] == "counter" and parent is not None and parent["kind"] == "counter":
        return "Rebuttal"
    if node["undercut"] and parent is not None and parent["parent_id"] is not None:
        return "Undercut"
    return LABELS[node["kind"]]


def tree(graph: dict, tally: dict | None = None) -> list[dict]:
    """Claims with their nested children, each item carrying its role, links and group.

    With a `tally` of votes (node id -> count and mean), siblings go strongest first.
    """
    by_id = {n["id"]: n for n in graph["nodes"]}
    kids: dict[int | None, list[dict]] = {}
    for node in graph["nodes"]:
        kids.setdefault(node["parent_id"], []).append(node)
    outgoing: dict[int, list[dict]] = {}
    for link in graph["links"]:
        outgoing.setdefault(link["from_id"], []).append({**link, "target": by_id[link["to_id"]]})

    groups: dict[tuple, list[dict]] = {}  # premise groups: one pass, not a scan per node
    for node in graph["nodes"]:
        if node["group"] is not None:
            key = (node["parent_id"], node["group"], node["kind"])
            groups.setdefault(key, []).append(node)

    def item(node: dict) -> dict:
        together = groups.get((node["parent_id"], node["group"], node["kind"]), [])
        return {
            "node": node,
            "role": role(node, by_id),
            "links": outgoing.get(node["id"], []),
            "partners": [k for k in together if k["id"] != node["id"]],
            "children": ordered([item(k) for k in kids.get(node["id"], [])]),
        }

    def ordered(items: list[dict]) -> list[dict]:
        return items if tally is None else votes.strongest_first(items, tally)

    return ordered([item(claim) for claim in kids.get(None, [])])
