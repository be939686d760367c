"""A team's brief: its case, the objections it must answer, and the other side's case to attack.

For a team on one side of a claim:
- its case: the claim's reasons on that side (supports for "for", objections for "against"),
  each with its own reasons (the supports under it, all the way down);
- the objections to answer: every counter standing against a point of its case (or against
  one of that point's own reasons), with the rebuttals already written below it;
- the other side's case: the claim's reasons on the other side, with their own reasons.
Nodes linked to the claim from elsewhere (a support link, a counter or a contradiction) join
the side they bear on.
"""

from __future__ import annotations

from . import outline

OTHER = {"for": "against", "against": "for"}
SIDE_KIND = {"for": "support", "against": "counter"}


def backed(item: dict) -> dict:
    """An outline item with only its supporting children, all the way down (its own reasons)."""
    kids = [backed(k) for k in item["children"] if k["node"]["kind"] == "support"]
    return {**item, "children": kids}


def objections(item: dict) -> list[dict]:
    """The counters under a point and under each of its own reasons, with their replies."""
    found = [k for k in item["children"] if k["node"]["kind"] == "counter"]
    for kid in item["children"]:
        if kid["node"]["kind"] == "support":
            found += objections(kid)
    return found


def linked(graph: dict, claim_id: int, side: str) -> list[dict]:
    """Nodes linked to the claim from elsewhere that bear on this side of it."""
    by_id = {n["id"]: n for n in graph["nodes"]}
    found = []
    for link in graph["links"]:
        ends = {link["from_id"], link["to_id"]}
        if claim_id not in ends:
            continue
        other = (ends - {claim_id}).pop() if len(ends) > 1 else None
        if other is None or (link["relation"] != "contradiction" and link["to_id"] != claim_id):
            continue
        on = "for" if link["relation"] == "support" else "against"
        if on == side:
            found.append(by_id[other])
    return found


def claim_item(graph: dict, claim_id: int | None) -> dict | None:
    """The outline item of a claim, or None when the claim is gone."""
    for item in outline.tree(graph):
        if item["node"]["id"] == claim_id:
            return item
    return None


def build(graph: dict, team: dict) -> dict:
    """What a team's brief holds, as outline items (see the module's docstring)."""
    item = claim_item(graph, team["claim_id"])
    side = team["side"]
    if item is None or side not in OTHER:
        return {"claim": None, "case": [], "answer": [], "attack": [], "also": [], "versus": []}
    ours = [k for k in item["children"] if k["node"]["kind"] == SIDE_KIND[side]]
    theirs = [k for k in item["children"] if k["node"]["kind"] == SIDE_KIND[OTHER[side]]]
    return {
        "claim": item["node"],
        "case": [backed(k) for k in ours],
        "answer": [o for k in ours for o in objections(k)],
        "attack": [backed(k) for k in theirs],
        "also": linked(graph, item["node"]["id"], side),
        "versus": linked(graph, item["node"]["id"], OTHER[side]),
    }


def node_ids(items: list[dict]) -> list[int]:
    """Every node id in outline items, depth first (for the API and the tests)."""
    found = []
    for item in items:
        found.append(item["node"]["id"])
        found += node_ids(item["children"])
    return found
