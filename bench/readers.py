"""The readers section: how long reading a file takes, for Argdown of many sizes and for
files of awkward shapes up to the 5 MB import limit, in every format argmap reads.

Each figure is what the import page does before its preview: read the text (format told
from the content) and check it against the model's rules.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argmap import portable
from argmap.db import connect, migrate
from argmap.errors import ArgmapError
from argmap.formats import argdown, registry
from argmap.formats.model import MAX_BYTES, FormatError, MapData

from . import common
from .common import Options, Table, duration, mark, section
from .synthetic import tree_nodes

SIZES = [5_000, 10_000, 20_000]
ARGDOWN_MAX, ANY_FILE_MAX = 1.0, 10.0


@dataclass
class Shape:
    """A file to read: its format, what is awkward about it, and how to make its text."""

    fmt: str
    name: str
    text: Callable[[], str]


@dataclass
class Measured:
    """What reading one file gave: sizes, the two times, and how it ended."""

    shape: Shape
    size: int
    nodes: int
    relations: int
    read: float
    checked: float
    outcome: str


def filled(head: str, piece: Callable[[int], str], tail: str = "") -> str:
    """head, then piece(0), piece(1), ... as many as fit under the import limit, then tail."""
    parts, size, number = [head], len(head) + len(tail), 0
    while size + len(piece(number)) < MAX_BYTES - 64:
        parts.append(piece(number))
        size += len(parts[-1])
        number += 1
    return "".join(parts) + tail


def argdown_tree(relations: int) -> str:
    """argmap's own Argdown export of a random tree with this many relations."""
    nodes = tree_nodes(random.Random(relations), relations + 1)
    return argdown.write(MapData(title=f"Tree of {relations:,} relations", nodes=nodes))


def argdown_chain(relations: int, back_every: int = 0) -> str:
    """A chain of statements, each supporting the one before; some relations back to the start."""
    blocks = [f"[s{i}]: Text {i}\n  <+ [s{i + 1}]: Text {i + 1}\n" for i in range(relations)]
    if back_every:
        blocks += [f"[s{i}]\n  <+ [s0]\n" for i in range(back_every, relations, back_every)]
    return "\n".join(blocks)


def aif_wide() -> str:
    """AIF: one conclusion and as many single-premise RAs on it as fit in 5 MB."""
    count = MAX_BYTES // 190
    nodes = [{"nodeID": "c", "type": "I", "text": "C"}]
    edges = []
    for i in range(count):
        nodes += [{"nodeID": f"i{i}", "type": "I", "text": "x"}, {"nodeID": f"r{i}", "type": "RA"}]
        edges += [{"fromID": f"i{i}", "toID": f"r{i}"}, {"fromID": f"r{i}", "toID": "c"}]
    return json.dumps({"nodes": nodes, "edges": edges})


def shapes(sizes: list[int], whole: bool) -> list[Shape]:
    """Argdown at each size; with `whole`, also every awkward shape up to 5 MB."""
    found = [
        Shape("argdown", f"tree of {n:,} relations", lambda n=n: argdown_tree(n)) for n in sizes
    ]
    top = max(sizes)
    cycles = len(range(100, top, 100))
    found += [
        Shape(
            "argdown",
            f"one claim, {top:,} children",
            lambda: "[c]: C\n" + "".join(f"  <+ [s{i}]: R {i}\n" for i in range(top)),
        ),
        Shape("argdown", f"one chain of {top:,}", lambda: argdown_chain(top)),
        Shape(
            "argdown",
            f"chain of {top:,}, {cycles} cycle{'s' * (cycles != 1)}",
            lambda: argdown_chain(top, 100),
        ),
    ]
    if not whole:
        return found
    return found + [
        Shape(
            "argdown",
            "5 MB of one-letter statements",
            lambda: filled("", lambda i: f"[{i}]: x\n\n"),
        ),
        Shape("argdown", "5 MB of tiny tokens", lambda: filled("[s]: ", lambda i: "a *b* #t ")),
        Shape(
            "kialo",
            "5 MB: one thesis, tiny pros",
            lambda: filled("Discussion Title: T\n\n1. T\n", lambda i: f"1.{i + 1}. Pro: x\n"),
        ),
        Shape("aif", "5 MB: one conclusion, tiny RAs", aif_wide),
        Shape(
            "json",
            "5 MB: one claim, tiny supports",
            lambda: filled(
                '{"argmap": 1, "title": "t", "nodes": [{"id": "c", "kind": "claim", "text": "C"}',
                lambda i: f', {{"id": "{i}", "kind": "support", "text": "x", "parent_id": "c"}}',
                "]}",
            ),
        ),
    ]


def measure(shape: Shape, options: Options) -> Measured:
    """Read one file as the import preview does (median of runs within the time budget)."""
    text = shape.text()
    size = len(text.encode("utf-8"))
    try:
        read = common.median_time(lambda: registry.read(text), options.repeat, options.budget)
    except FormatError as error:
        return Measured(shape, size, 0, 0, 0.0, 0.0, "refused: " + str(error)[:60])
    checked, outcome = read.median, "read"
    data = read.result[1]
    try:
        checked += common.median_time(lambda: portable.validate(data), 1).median
    except (FormatError, ArgmapError) as error:
        outcome = "refused: " + str(error)[:60]
    return Measured(shape, size, len(data.nodes), len(data.edges()), read.median, checked, outcome)


def results_table(measured: list[Measured]) -> Table:
    """A row per file."""
    rows = [
        [
            m.shape.fmt,
            m.shape.name,
            f"{m.size / 1024:,.0f}",
            f"{m.nodes:,}",
            f"{m.relations:,}",
            duration(m.read),
            duration(m.checked),
            m.outcome,
        ]
        for m in measured
    ]
    headers = ["format", "file", "KiB", "nodes", "relations", "read", "read + checks", "result"]
    notes = [
        "read: the format's reader on the text; read + checks: also the model's rules, as the"
        " import preview runs them (a file deeper than 200 levels is refused there).",
        common.machine(),
    ]
    return Table("Reading files (the import preview)", headers, rows, notes, left=2)


def written_table(sizes: list[int], options: Options) -> Table:
    """Importing argmap's own Argdown trees: the write into a new SQLite file, after the read."""
    rows = []
    for size in sizes:
        text = argdown_tree(size)
        with tempfile.TemporaryDirectory(prefix="argmap-bench-") as folder:
            times = []
            for run in range(max(options.repeat, 1)):
                db = connect(str(Path(folder) / f"import-{run}.db"))
                migrate(db)
                data = registry.read(text)[1]
                seconds, map_id = common.timed(
                    lambda db=db, data=data: portable.import_map(db, data)
                )
                times.append(seconds)
                count = db.execute("SELECT count(*) FROM nodes WHERE map_id = ?", (map_id,))
                nodes = count.fetchone()[0]
                db.conn.close()
                if sum(times) >= 4.0:
                    break
        rows.append(
            [f"tree of {size:,} relations", f"{nodes:,}", duration(statistics.median(times))]
        )
    notes = [
        "written: portable.import_map of the file as read, into a new SQLite file (one"
        " transaction: nodes, search index, history); median of up to --repeat runs within 4 s."
    ]
    return Table("Importing Argdown (the write)", ["file", "nodes", "written"], rows, notes, left=1)


def targets_table(measured: list[Measured], whole: bool) -> Table:
    """Argdown at 20,000 relations under 1 s; every file under 10 s (the 5 MB files run)."""
    trees = [m for m in measured if m.shape.name.startswith("tree of 20,000")]
    rows = [["Argdown, 20,000 relations read < 1 s", "-", mark(None)]]
    if trees:
        rows[0][1:] = [duration(trees[0].read), mark(trees[0].read < ARGDOWN_MAX)]
    slowest = max(measured, key=lambda m: m.checked)
    if not whole:
        rows.append(["every file up to 5 MB read and checked < 10 s", "-", mark(None)])
        return Table("Reader targets", ["target", "measured", "result"], rows, left=3)
    rows.append(
        [
            "every file up to 5 MB read and checked < 10 s",
            f"slowest {duration(slowest.checked)} ({slowest.shape.fmt}, {slowest.shape.name})",
            mark(slowest.checked < ANY_FILE_MAX),
        ]
    )
    return Table("Reader targets", ["target", "measured", "result"], rows, left=3)


@section("readers")
def run(options: Options) -> list[Table]:
    """Read each file and return the figures and the targets."""
    sizes = options.sizes or SIZES
    todo = shapes(sizes, options.sizes is None)
    measured = []
    with common.progress(len(todo), "readers") as bar:
        for shape in todo:
            bar.set_description(f"readers: {shape.fmt} {shape.name}")
            measured.append(measure(shape, options))
            bar.update()
    written = written_table(sizes, options)
    return [results_table(measured), written, targets_table(measured, options.sizes is None)]
