"""Deterministic synthetic argument maps: a tree plus ~15% cross-links, wrapped labels."""

from __future__ import annotations

import random
from pathlib import Path

from argmap.db import connect, migrate
from argmap.model import Link, MapData, Node
from argmap.portable import import_map

LINK_SHARE = 0.15
LABEL_MIN, LABEL_MAX = 20, 300
WORDS = (
    "the evidence shows that policy costs more than it saves because people respond to "
    "incentives while studies disagree about whether effects last longer term benefits "
    "outweigh short risks critics argue sample was small biased funded by industry however "
    "replication in three countries found similar results so claim holds only if we assume "
    "markets are competitive prices reflect information naïve readings ignore context café "
    "owners reported fewer customers after tax rose significantly during winter months"
).split()


def label(rng: random.Random) -> str:
    """A node text of 20 to 300 characters made of plain words."""
    size = rng.randint(LABEL_MIN, LABEL_MAX)
    words: list[str] = []
    while len(" ".join(words)) < size:
        words.append(rng.choice(WORDS))
    return " ".join(words)[: size - 1].strip().capitalize() + "."


def tree_nodes(rng: random.Random, count: int) -> list[Node]:
    """A random recursive tree: node 0 is the claim, each later node rests on an earlier one."""
    nodes = [Node("0", "claim", label(rng))]
    for index in range(1, count):
        kind = "support" if rng.random() < 0.65 else "counter"
        nodes.append(Node(str(index), kind, label(rng), parent=str(rng.randrange(index))))
    return nodes


def cross_links(rng: random.Random, nodes: list[Node]) -> list[Link]:
    """About 15% extra relations, each from a later node to an earlier one (so no cycle)."""
    wanted = round(len(nodes) * LINK_SHARE)
    taken = {(n.key, n.parent) for n in nodes}
    links: list[Link] = []
    for _ in range(wanted * 20):
        if len(links) >= wanted or len(nodes) < 3:
            break
        source = rng.randrange(2, len(nodes))
        pair = (str(source), str(rng.randrange(source)))
        if pair in taken:
            continue
        taken.add(pair)
        relation = rng.choices(("support", "counter", "contradiction"), (45, 45, 10))[0]
        links.append(Link(pair[0], pair[1], relation))
    return links


def generate(count: int, seed: int = 1) -> MapData:
    """The synthetic map of `count` nodes; the same count and seed give the same map."""
    rng = random.Random(f"{seed}-{count}")
    nodes = tree_nodes(rng, count)
    title = f"Synthetic map of {count} nodes"
    return MapData(title=title, nodes=nodes, links=cross_links(rng, nodes))


def write_map(path: Path, count: int, seed: int = 1) -> int:
    """Create a fresh SQLite file at `path` holding the synthetic map; returns the map id."""
    db = connect(str(path))
    try:
        migrate(db)
        return import_map(db, generate(count, seed), actor="bench")
    finally:
        db.conn.close()
