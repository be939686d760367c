"""Which claims stand: the grounded labelling against brute force on thousands of random maps."""

from __future__ import annotations

import itertools
import random

import pytest

from argmap.model import Link, MapData, Node
from argmap.standing import IN, OUT, UNDECIDED, label

LABELS = (IN, OUT, UNDECIDED)


def spec_attacks(data: MapData) -> list[tuple[str, str, list[str]]]:
    """(attacker, target, undercuts that cancel it), read straight from the issue's words."""
    nodes = {n.key: n for n in data.nodes}
    undercuts: dict[str, list[str]] = {k: [] for k in nodes}  # by the node whose inference
    for n in data.nodes:
        if n.kind == "counter" and n.parent is not None and n.undercut:
            undercuts[n.parent].append(n.key)
    for li in data.links:
        if li.relation == "counter" and li.undercut:
            undercuts[li.target].append(li.source)
    out = []
    for n in data.nodes:
        if n.kind == "counter" and n.parent is not None and not n.undercut:
            out.append((n.key, n.parent, undercuts[n.key]))
    for li in data.links:
        if li.relation == "counter" and not li.undercut:
            out.append((li.source, li.target, []))
        if li.relation == "contradiction":
            out += [(li.source, li.target, []), (li.target, li.source, [])]
    return out


def step(data: MapData, attacks: list, labels: dict[str, str]) -> dict[str, str]:
    """The characteristic function: each node's label given everyone's current labels."""

    def cancel(undercuts: list[str]) -> str:
        if any(labels[u] == IN for u in undercuts):
            return IN
        return OUT if all(labels[u] == OUT for u in undercuts) else UNDECIDED

    out = {}
    for n in data.nodes:
        mine = [(a, cancel(u)) for a, t, u in attacks if t == n.key]
        if all(labels[a] == OUT or c == IN for a, c in mine):
            out[n.key] = IN
        elif any(labels[a] == IN and c == OUT for a, c in mine):
            out[n.key] = OUT
        else:
            out[n.key] = UNDECIDED
    return out


def kleene(data: MapData) -> dict[str, str]:
    """The least fixed point by iterating from all undecided."""
    attacks = spec_attacks(data)
    labels = {n.key: UNDECIDED for n in data.nodes}
    while (after := step(data, attacks, labels)) != labels:
        labels = after
    return labels


def least_by_enumeration(data: MapData) -> dict[str, str]:
    """Every labelling tried: the fixed point below all the others in the information order."""
    attacks = spec_attacks(data)
    keys = [n.key for n in data.nodes]
    fixed = []
    for choice in itertools.product(LABELS, repeat=len(keys)):
        labels = dict(zip(keys, choice, strict=True))
        if step(data, attacks, labels) == labels:
            fixed.append(labels)

    def below(a: dict, b: dict) -> bool:
        return all(a[k] == UNDECIDED or a[k] == b[k] for k in keys)

    least = [f for f in fixed if all(below(f, g) for g in fixed)]
    assert len(least) == 1
    return least[0]


def random_map(rng: random.Random, size: int, links: int) -> MapData:
    """A random map: a forest of supports and counters, undercuts, and links of every kind.

    Links may form cycles the app's rules would refuse: the labelling must hold for any graph.
    """
    data = MapData("random")
    for i in range(size):
        parent = str(rng.randrange(i)) if i and rng.random() < 0.85 else None
        kind = "claim" if parent is None else rng.choice(("support", "counter", "counter"))
        grand = parent is not None and data.nodes[int(parent)].parent is not None
        undercut = kind == "counter" and grand and rng.random() < 0.3
        data.nodes.append(Node(str(i), kind, f"node {i}", parent=parent, undercut=undercut))
    for _ in range(links):
        a, b = rng.sample(range(size), 2) if size > 1 else (0, 0)
        if a == b:
            continue
        relation = rng.choice(("support", "counter", "counter", "contradiction"))
        has_parent = data.nodes[b].parent is not None
        undercut = relation == "counter" and has_parent and rng.random() < 0.3
        data.links.append(Link(str(a), str(b), relation, undercut=undercut))
    return data


@pytest.mark.parametrize("seed", range(4))
def test_labels_match_the_least_fixed_point_on_thousands_of_random_maps(seed):
    rng = random.Random(seed)
    for _ in range(1000):
        data = random_map(rng, rng.randint(1, 14), rng.randint(0, 8))
        assert label(data).labels == kleene(data), data


def test_the_least_fixed_point_is_the_least_of_all_labellings():
    rng = random.Random(99)
    for _ in range(300):
        data = random_map(rng, rng.randint(1, 5), rng.randint(0, 4))
        assert kleene(data) == least_by_enumeration(data), data


def chain(*kinds: str) -> MapData:
    """A chain of nodes, each about the one before, of the given kinds (the first a claim)."""
    data = MapData("chain")
    for i, kind in enumerate(kinds):
        undercut = kind == "undercut"
        data.nodes.append(
            Node(
                str(i),
                "counter" if undercut else kind,
                f"text {i}",
                parent=str(i - 1) if i else None,
                undercut=undercut,
            )
        )
    return data


def test_an_unanswered_counter_defeats_its_parent_and_a_rebuttal_reinstates_it():
    once = label(chain("claim", "counter"))
    assert once.labels == {"0": OUT, "1": IN}
    assert once.why["0"] == "out: attacked by “text 1”, which stands unanswered"
    assert once.why["1"] == "in: nothing attacks it"
    twice = label(chain("claim", "counter", "counter"))
    assert twice.labels == {"0": IN, "1": OUT, "2": IN}
    assert twice.why["0"] == "in: its only attacker “text 1” is out"


def test_supports_attack_nothing():
    assert label(chain("claim", "support", "support")).labels == dict.fromkeys("012", IN)


def test_an_undercut_cancels_its_counters_attack_but_not_the_counter():
    result = label(chain("claim", "counter", "undercut"))
    assert result.labels == {"0": IN, "1": IN, "2": IN}
    assert result.why["0"] == "in: the objection “text 1” is undercut by “text 2”, which stands"


def test_an_undercut_of_a_support_changes_no_label():
    assert label(chain("claim", "support", "undercut")).labels == dict.fromkeys("012", IN)


def test_an_undercut_that_is_out_cancels_nothing():
    data = chain("claim", "counter", "undercut")
    data.nodes.append(Node("3", "counter", "answer", parent="2"))
    assert label(data).labels == {"0": OUT, "1": IN, "2": OUT, "3": IN}


def test_a_contradiction_leaves_both_sides_undecided_until_one_is_defeated():
    data = MapData("c", nodes=[Node("a", "claim", "A"), Node("b", "claim", "B")])
    data.links = [Link("a", "b", "contradiction")]
    result = label(data)
    assert result.labels == {"a": UNDECIDED, "b": UNDECIDED}
    assert result.why["a"].startswith("undecided: attacked by “B”, which is itself undecided")
    data.nodes.append(Node("c", "counter", "C", parent="b"))
    assert label(data).labels == {"a": IN, "b": OUT, "c": IN}


def test_an_odd_cycle_stays_undecided():
    data = MapData("odd", nodes=[Node(k, "claim", k.upper()) for k in "abc"])
    data.links = [Link("a", "b", "counter"), Link("b", "c", "counter"), Link("c", "a", "counter")]
    assert label(data).labels == dict.fromkeys("abc", UNDECIDED)


def test_reasons_quote_long_texts_shortened_on_one_line():
    data = chain("claim", "counter")
    data.nodes[1].text = "word " * 30 + "\n end"
    why = label(data).why["0"]
    assert "\n" not in why and "…”" in why and len(why) < 100
