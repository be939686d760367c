"""The peer section: a 5,000-node map drawn whole by argmap and by Argdown's own CLI.

The peer is `@argdown/cli` 1.7.5 (`argdown map --format svg`), installed from the npm
registry into bench/peer/ by `make bench` (never committed). It is given the same map as
Argdown text written by argmap's own Argdown export: a tree, since cross links make the
peer take minutes. Without Node.js and npm the section says it was skipped.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from argmap import render
from argmap.db import connect, migrate
from argmap.formats import registry
from argmap.formats.model import MapData
from argmap.portable import import_map

from . import common
from .common import Options, Table, duration, mark, section
from .synthetic import generate

PEER = Path(__file__).resolve().parent / "peer" / "node_modules" / ".bin" / "argdown"
SIZE, SHARE = 5000, 1 / 3


def tree_map(size: int) -> MapData:
    """The synthetic map without its cross links."""
    data = generate(size)
    data.links = []
    return data


def argmap_whole(folder: Path, data: MapData) -> tuple[float, render.Diagram]:
    """argmap's cold render of the whole map (best of 2)."""
    db = connect(str(folder / "bench.sqlite"))
    migrate(db)
    map_id = import_map(db, data, "bench")
    best, drawn = float("inf"), None
    for _ in range(2):
        db.execute("DELETE FROM renders")
        start = time.perf_counter()
        drawn = render.diagram(db, map_id, "svg")
        best = min(best, time.perf_counter() - start)
    db.conn.close()
    return best, drawn


def peer_time(folder: Path, data: MapData, timeout: float) -> float | None:
    """The peer's wall time on the same map written as Argdown (None if it was stopped)."""
    source = folder / "map.argdown"
    source.write_text(registry.write(data, "argdown"))
    command = [str(PEER), "map", "--format", "svg", str(source), str(folder / "out")]
    done = common.run_program(command, b"", timeout)
    if done.seconds is None or done.returncode != 0 or not (folder / "out" / "map.svg").exists():
        return None
    return done.seconds


@section("peer")
def run(options: Options) -> list[Table]:
    """Measure argmap and the peer on the same 5,000-node tree."""
    title = f"Whole {SIZE:,}-node map: argmap beside the Argdown peer (@argdown/cli 1.7.5)"
    if not PEER.exists():
        table = Table(title, ["", ""], [["skipped", "the peer is not installed (make bench)"]])
        return [table]
    data = tree_map(SIZE)
    with common.progress(2, "peer") as bar, tempfile.TemporaryDirectory() as folder:
        ours, drawn = argmap_whole(Path(folder), data)
        bar.update()
        theirs = peer_time(Path(folder), data, max(options.timeout, 120.0))
        bar.update()
    whole = drawn is not None and not drawn.focused
    rows = [
        ["argmap, cold, whole" if whole else "argmap (focused!)", duration(ours), ""],
        ["Argdown peer, argdown map --format svg", duration(theirs), ""],
        [
            f"argmap < {SHARE:.2f} of the peer's time",
            "-" if theirs is None else f"{ours / theirs:.2f}",
            mark(None if theirs is None else whole and ours < theirs * SHARE),
        ],
    ]
    table = Table(title, ["", "time", "target"], rows, left=1)
    table.notes = [
        "The same synthetic tree (labels of 20-300 characters) for both; the peer reads it as"
        " Argdown written by argmap's export. The peer's time includes its start-up (about"
        " 0.8 s on a quiet machine).",
        common.machine(),
    ]
    return [table]
