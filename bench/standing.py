"""Where the debate stands: grounded labels and "is this the same as ...?" hints, by map size."""

from __future__ import annotations

import random
import statistics
import tempfile
from pathlib import Path

from argmap import maps, search, standing
from argmap.db import connect
from argmap.model import from_graph

from . import common
from .common import Options, Table, duration, mark, section
from .synthetic import WORDS, write_map

SIZES = [500, 5000]
TARGET = 0.05  # seconds, for both at 5,000 nodes
TYPED = 50  # typed texts per size


def p95(times: list[float]) -> float:
    """The 95th percentile of the times."""
    return sorted(times)[max(0, round(len(times) * 0.95) - 1)]


def measure(size: int, options: Options) -> list[str]:
    """One row: loading, labelling and hinting times on a map of `size` nodes in SQLite."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        map_id = write_map(path, size)
        db = connect(str(path))
        try:
            load = common.median_time(lambda: maps.load(db, map_id), options.repeat)
            data = from_graph(load.result)
            labelled = common.median_time(lambda: standing.label(data), max(options.repeat, 5))
            rng = random.Random(size)
            typed = [" ".join(rng.choice(WORDS) for _ in range(6)) for _ in range(TYPED)]
            hints = [common.timed(lambda t=t: search.similar(db, map_id, t))[0] for t in typed]
        finally:
            db.conn.close()
    counts = statistics.Counter(labelled.result.labels.values())
    spread = ", ".join(f"{counts[k]} {k}" for k in standing.LABELS)
    return [
        f"{size:,}",
        duration(load.median),
        duration(labelled.median),
        spread,
        duration(statistics.median(hints)),
        duration(p95(hints)),
    ]


@section("standing")
def run(options: Options) -> list[Table]:
    """Label synthetic maps and time hints for typed texts; targets at 5,000 nodes."""
    sizes = options.sizes or SIZES
    rows = []
    with common.progress(len(sizes), "standing") as bar:
        for size in sizes:
            rows.append(measure(size, options))
            bar.update()
    headers = ["nodes", "load map", "labels", "labelled", "hint p50", "hint p95"]
    notes = [
        "labels: the grounded labelling with a reason per node (argmap/standing.py) of a map"
        " already loaded; load map: reading it from SQLite, which every answer also does."
        f" hint: the nodes sharing most words with one of {TYPED} typed six-word texts"
        " (search.similar: full-text candidates re-ranked by shared words).",
        common.machine(),
    ]
    tables = [Table("Which claims stand, and similar-text hints", headers, rows, notes)]
    big = [row for row, size in zip(rows, sizes, strict=True) if size == 5000]
    if big:
        targets = [
            ["labels for 5,000 nodes < 50 ms", big[0][2]],
            ["similar-text hints at 5,000 nodes < 50 ms (p95)", big[0][5]],
        ]
        tables.append(Table("Standing targets", ["target", "measured", "result"], [], left=2))
        for target, measured in targets:
            tables[-1].rows.append([target, measured, mark(parse(measured) < TARGET)])
    return tables


def parse(text: str) -> float:
    """Seconds back from a duration's text (0.42 ms, 45.3 ms, 1.23 s)."""
    number, unit = text.split()
    return float(number) / (1000 if unit == "ms" else 1)
