"""Leave out each relation that would close a cycle with the relations kept before it.

The relations are taken in file order, keeping a topological order of those
kept (Pearce and Kelly's dynamic topological sort, 2006). The first order
comes from a depth-first search over all relations, in which only relations on
a cycle of the file point backwards: a file without cycles is sorted out in
linear time, whatever its shape. A relation pointing backwards is checked by
searching the part of the order between its two ends. The searches share a
budget (SEARCH_BUDGET node visits, about a second); a file whose cycles use it
up keeps each further relation on a cycle only if it agrees with the order
found so far, so no file takes long. Relations that form trees (one outgoing relation a node, the
commonest file) are all kept after one walk up from each node.
"""

from __future__ import annotations

from ..model import levels
from .model import Edge

SEARCH_BUDGET = 1_000_000


def without_cycles(edges: list[Edge]) -> list[Edge]:
    """The edges in order, leaving out each one that would close a cycle with those kept."""
    if _acyclic_forest(edges):
        return list(edges)
    order = _Order(edges)
    return [e for e in edges if e.relation == "contradiction" or order.add(e.source, e.target)]


class _Order:
    """The kept relations and a topological order of them: rank[source] < rank[target]."""

    def __init__(self, edges: list[Edge]):
        self.out: dict[str, list[str]] = {}
        self.into: dict[str, list[str]] = {}
        self.rank = _first_order(edges)
        self.budget = SEARCH_BUDGET
        self.reaching: dict[str, set[str]] = {}  # goal -> nodes known to reach it

    def add(self, source: str, target: str) -> bool:
        """Keep source -> target unless it would close a cycle; False when left out."""
        if self.rank[source] > self.rank[target] and not self._make_room(source, target):
            return False
        self.out.setdefault(source, []).append(target)
        self.into.setdefault(target, []).append(source)
        return True

    def _make_room(self, source: str, target: str) -> bool:
        """Reorder so that source comes before target; False if target reaches source."""
        if self.budget <= 0:
            return False
        rank, low, high = self.rank, self.rank[target], self.rank[source]
        ahead = self._reach(target, self.out, lambda key: rank[key] < high, source)
        if ahead is None:
            return False
        behind = self._reach(source, self.into, lambda key: rank[key] > low, None)
        moved = sorted(behind, key=rank.__getitem__) + sorted(ahead, key=rank.__getitem__)
        for key, slot in zip(moved, sorted(rank[key] for key in moved), strict=True):
            rank[key] = slot
        return True

    def _reach(self, start: str, links: dict, inside, goal: str | None) -> list[str] | None:
        """The nodes reachable from start while inside(node); None when goal is reached.

        Nodes found on a path to a goal are remembered: kept relations are never
        removed, so they reach it for good, and a later search for it stops there.
        """
        known = self.reaching.setdefault(goal, set()) if goal is not None else set()
        came, todo = {start: start}, [start]
        while todo:
            key = todo.pop()
            self.budget -= 1
            for near in links.get(key, ()):
                if near == goal or near in known:
                    while key not in known:
                        known.add(key)
                        key = came[key]
                    return None
                if near not in came and inside(near):
                    came[near] = key
                    todo.append(near)
        return list(came)


def _acyclic_forest(edges: list[Edge]) -> bool:
    """Whether the relations form trees: one outgoing relation a node at most, and no cycle.

    The commonest file (a tree, each node below its parent): nothing to leave out, found
    by one walk up from each node instead of a search and an order.
    """
    parent: dict[str, str | None] = {}
    for edge in edges:
        if edge.relation != "contradiction":
            if parent.get(edge.source) is not None:
                return False
            parent[edge.source] = edge.target
            parent.setdefault(edge.target, None)
    return levels(parent) is not None


def _first_order(edges: list[Edge]) -> dict[str, int]:
    """A rank per node, in reverse postorder of a depth-first search over the relations."""
    out: dict[str, list[str]] = {}
    for edge in edges:
        if edge.relation != "contradiction":
            out.setdefault(edge.source, []).append(edge.target)
            out.setdefault(edge.target, [])
    finished: list[str] = []
    seen: set[str] = set()
    for root in out:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(out[root]))]
        while stack:
            key, pending = stack[-1]
            near = next(pending, None)
            if near is None:
                finished.append(key)
                stack.pop()
            elif near not in seen:
                seen.add(near)
                stack.append((near, iter(out[near])))
    return {key: len(finished) - number for number, key in enumerate(finished)}
