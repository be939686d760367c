"""The contention section: a map that is pathological to draw, and another user's small map.

Any editor can build a map that Graphviz cannot draw in time (150 nodes of 1,000 characters
and 3,300 links). Pages asking for its focused views at once must not delay another map's
drawing by more than that map's own render time, and nobody waits twice for one failure.
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
from pathlib import Path

from argmap import render
from argmap.db import connect, migrate
from argmap.formats.model import Link, MapData, Node
from argmap.portable import import_map

from . import common
from .common import Options, Table, duration, mark, section

NODES, TEXT, LINKS, FOCUSED = 150, 1000, 3300, 4
LIMITS = render.Limits(timeout=2.0, focus_timeout=2.0, slots=2)


def pathological(seed: int = 7) -> MapData:
    """150 nodes of 1,000 characters under one claim, with 3,300 links from later to earlier."""
    rng = random.Random(seed)
    text = ("word " * (TEXT // 5)).strip()
    nodes = [Node("0", "claim", text)]
    for index in range(1, NODES):
        nodes.append(Node(str(index), "support", text, parent=str(rng.randrange(index))))
    taken = {(n.key, n.parent) for n in nodes}
    links: list[Link] = []
    while len(links) < LINKS:
        source = rng.randrange(2, NODES)
        pair = (str(source), str(rng.randrange(source)))
        if pair not in taken:
            taken.add(pair)
            links.append(Link(*pair, rng.choice(("support", "counter"))))
    return MapData("Pathological", nodes=nodes, links=links)


def small() -> MapData:
    """Another user's map of three nodes."""
    nodes = [Node("a", "claim", "Homework should be optional")]
    nodes += [Node("b", "support", "Pupils need rest", parent="a")]
    nodes += [Node("c", "counter", "Practice makes perfect", parent="a")]
    return MapData("Small", nodes=nodes)


def cold_small(path: Path, map_id: int) -> float:
    """Seconds to draw the small map from scratch."""
    db = connect(str(path))
    try:
        db.execute("DELETE FROM renders WHERE map_id = ?", (map_id,))
        start = time.perf_counter()
        render.diagram(db, map_id, "svg", None, LIMITS)
        return time.perf_counter() - start
    finally:
        db.conn.close()


def ask_focused(path: Path, map_id: int, focus: int, spent: list[float]) -> None:
    """One page asking for a focused view of the pathological map."""
    db = connect(str(path))
    start = time.perf_counter()
    try:
        render.diagram(db, map_id, "svg", focus, LIMITS)
    except render.RenderError:
        pass
    finally:
        spent.append(time.perf_counter() - start)
        db.conn.close()


def measure(path: Path) -> dict[str, float]:
    """The small map's cold render alone, then while pages crowd the pathological map."""
    db = connect(str(path))
    migrate(db)
    bad, good = import_map(db, pathological(), "bench"), import_map(db, small(), "bench")
    ids = [r[0] for r in db.execute("SELECT id FROM nodes WHERE map_id = ?", (bad,))]
    db.conn.close()
    alone = min(cold_small(path, good) for _ in range(3))
    spent: list[float] = []
    pages = [
        threading.Thread(target=ask_focused, args=(path, bad, ids[i * 7], spent))
        for i in range(FOCUSED)
    ]
    for page in pages:
        page.start()
    time.sleep(0.3)  # the pathological map's first run is under way
    crowded = cold_small(path, good)
    for page in pages:
        page.join()
    again: list[float] = []
    ask_focused(path, bad, ids[0], again)
    return {"alone": alone, "crowded": crowded, "slowest page": max(spent), "again": again[0]}


@section("contention")
def run(options: Options) -> list[Table]:
    """Measure and return the table."""
    with common.progress(1, "contention") as bar:
        with tempfile.TemporaryDirectory(prefix="argmap-bench-") as folder:
            found = measure(Path(folder) / "bench.sqlite")
        bar.update()
    waited = found["crowded"] - found["alone"]
    crowded = f"small map drawn while {FOCUSED} pages ask for the pathological map"
    rows = [
        ["small map drawn alone (cold, best of 3)", duration(found["alone"]), ""],
        [crowded, duration(found["crowded"]), mark(waited <= found["alone"])],
        ["slowest of those pages (views drawn in turn)", duration(found["slowest page"]), ""],
        [
            "a page asking again after the failure",
            duration(found["again"]),
            mark(found["again"] < 0.1),
        ],
    ]
    title = "Render contention: a pathological map beside a small one"
    table = Table(title, ["", "time", "target"], rows, left=1)
    table.notes = [
        f"Pathological map: {NODES} nodes of {TEXT:,} characters, {LINKS:,} links; render limits"
        f" {LIMITS.timeout:g} s whole and focused, {LIMITS.slots} Graphviz slots. Targets: the"
        " small map waits no longer than its own render time; a failure is kept for its revision,"
        " so asking again is instant.",
        common.machine(),
    ]
    return [table]
