"""The render section: cold and cached diagrams of synthetic maps, beside raw `dot` times."""

from __future__ import annotations

import contextlib
import gzip
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from argmap import create_app, dot, render
from argmap.db import connect
from argmap.maps import load

from . import common
from .common import Options, ProgramRun, Table, Timing, duration, mark, section
from .synthetic import write_map

SIZES = [10, 100, 500, 2000, 5000]
STEPS = ("build", "cold", "cached", "GET", "raw dot")
CACHED_MAX, COLD_100_MAX, COLD_2000_MAX = 0.020, 0.100, 3.0
RATIO_MAX, WHOLE_5000_MAX = 1.2, 1.5


@dataclass
class Measured:
    """The figures for one map size."""

    nodes: int
    links: int
    drawn: render.Diagram
    limits: render.Limits
    cold: Timing
    cached: Timing
    get: Timing
    raw: list[ProgramRun]
    program: str
    cold_cpu: tuple[float, float]  # medians of a cold render's CPU: argmap's own, Graphviz's
    ratios: list[float]  # each cold render's time over Graphviz alone's, run right after it


def app_for(path: Path):
    """An argmap app on the bench's database file, with the configured RENDER_* settings."""
    return create_app(
        {"TESTING": True, "SECRET_KEY": "bench", "DATABASE": str(path), "SEED": False}
    )


def measure(size: int, options: Options, bar) -> Measured:
    """Build a map of `size` nodes in a temporary SQLite file and time its diagram."""
    with tempfile.TemporaryDirectory(prefix="argmap-bench-") as folder:
        path = Path(folder) / "bench.sqlite"
        map_id = write_map(path, size)
        app, db = app_for(path), connect(str(path))
        try:
            bar.update()
            return measure_map(app, db, map_id, options, bar)
        finally:
            db.conn.close()


def measure_map(app, db, map_id: int, options: Options, bar) -> Measured:
    """Time the diagram of one stored map: cold, cached, cached over HTTP, raw `dot`."""
    limits = render.Limits.from_config(app.config)
    spent: list[tuple[float, float]] = []

    def forget() -> None:
        db.execute("DELETE FROM renders")  # nothing stored: the next drawing is cold (untimed)

    def cold() -> render.Diagram:
        own, graphviz = time.process_time(), common.children_cpu()
        drawn = render.diagram(db, map_id, "svg", None, limits)
        spent.append((time.process_time() - own, common.children_cpu() - graphviz))
        return drawn

    def again() -> render.Diagram:
        return render.diagram(db, map_id, "svg", None, limits)

    cold()  # once first: its DOT is what Graphviz alone is given
    graph = load(db, map_id)
    text, program = render.source(graph, limits, sized=True)
    env = render.environment(db, "svg")
    with graphviz_alone(text.encode(), program, options, env) as alone:
        colds, raw = paired(forget, cold, alone, options)
    cold_timing = common.Timing(statistics.median(t for t, _ in colds), len(colds), colds[-1][1])
    bar.update()
    cached = common.median_time(again, options.repeat)
    bar.update()
    client = app.test_client()
    get = common.median_time(lambda: fetch(client, map_id), options.repeat)
    check(get.result, cold_timing.result.body)
    bar.update()
    ratios = [
        t / r.seconds
        for (t, _), r in zip(colds, raw, strict=True)
        if r.seconds and r.returncode == 0
    ]
    return Measured(
        len(graph["nodes"]),
        len(graph["links"]),
        cold_timing.result,
        limits,
        cold_timing,
        cached,
        get,
        raw,
        program,
        (statistics.median(o for o, _ in spent), statistics.median(g for _, g in spent)),
        ratios,
    )


def paired(forget, cold, alone, options: Options) -> tuple[list, list[ProgramRun]]:
    """Cold renders and Graphviz alone taken in turn, so both meet the same load; within the
    budget, and stopped when Graphviz alone does not finish. `forget` empties the store
    before each cold render, untimed."""
    colds: list = []
    raw: list[ProgramRun] = []
    while len(colds) < max(options.repeat, 1):
        forget()
        colds.append(common.timed(cold))
        raw.append(alone())
        spent = sum(t for t, _ in colds) + sum(r.seconds or 0 for r in raw)
        if raw[-1].seconds is None or spent >= options.budget:
            break
    return colds, raw


def fetch(client, map_id: int):
    """GET the diagram through the Flask test client as a page does (taking gzip)."""
    return client.get(f"/maps/{map_id}/diagram.svg", headers={"Accept-Encoding": "gzip"})


def check(response, expected: bytes) -> None:
    """The answer must be the stored render (checked once, outside the timing)."""
    body = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    if response.status_code != 200 or body != expected:
        raise RuntimeError(f"GET diagram.svg gave {response.status_code}, not the cached render")


@contextlib.contextmanager
def graphviz_alone(source: bytes, program: str, options: Options, env: dict | None):
    """One run at a time of Graphviz alone on the same DOT with the app's program and
    settings, file in, file out (the app writes the DOT into a pipe as it makes it and reads
    the drawing through a pipe as it is written)."""
    command = ["dot", "-Tsvg"] if program == "dot" else [program, "-n2", "-Tsvg"]
    with tempfile.TemporaryDirectory(prefix="argmap-raw-") as folder:
        given = Path(folder) / "map.dot"
        given.write_bytes(source)
        command += ["-o", str(Path(folder) / "drawing.svg"), str(given)]
        yield lambda: common.run_program(command, b"", options.timeout, env)


def raw_cells(runs: list[ProgramRun], options: Options) -> list[str]:
    """The raw dot figures, wall and CPU (medians), or how long it ran before it was stopped."""
    last = runs[-1]
    if last.seconds is None:
        return [f"> {options.timeout:g} s (stopped)", "-"]
    if last.returncode != 0:
        return [f"failed (exit {last.returncode})", "-"]
    walls = statistics.median(r.seconds for r in runs)
    return [duration(walls), duration(statistics.median(r.cpu for r in runs))]


def layout(shown: int, limits: render.Limits) -> str:
    """How a drawing of this many nodes is laid out."""
    if shown >= limits.tidy_at:
        return "tidy tree, neato -n2"
    return "dot, fast settings" if shown >= limits.fast_at else "dot"


def view(found: Measured) -> str:
    """Whether the app drew the whole map or a focused part, and how."""
    drawn = found.drawn
    how = layout(drawn.shown, found.limits)
    if drawn.focused:
        return f"focused {drawn.shown:,}/{drawn.total:,}, {how}"
    return f"whole, {how}"


def ratio(found: Measured) -> str:
    """Cold render time over Graphviz's own time on the same DOT (median of the pairs)."""
    return "-" if not found.ratios or found.drawn.focused else f"{paired_ratio(found):.2f}"


def paired_ratio(found: Measured) -> float:
    """The median over the pairs of a cold render's time over Graphviz alone's right after."""
    return statistics.median(found.ratios)


def row(found: Measured, options: Options) -> list[str]:
    """One line of the table."""
    return [
        f"{found.nodes:,}",
        f"{found.links:,}",
        view(found),
        f"{len(found.drawn.body) // 1024:,}",
        duration(found.cold.median),
        f"{duration(found.cold_cpu[0])} + {duration(found.cold_cpu[1])}",
        duration(found.cached.median),
        duration(found.get.median),
        *raw_cells(found.raw, options),
        ratio(found),
    ]


def results_table(measured: list[Measured], failed: dict[int, str], options: Options) -> Table:
    """The figures for every size; a size whose render failed gets the error instead."""
    table = Table(
        "Render: synthetic maps (tree + ~15% cross-links, labels of 20-300 characters)",
        [
            "nodes",
            "links",
            "app view",
            "SVG KiB",
            "cold",
            "its CPU: argmap + Graphviz",
            "cached",
            "GET cached",
            "Graphviz alone",
            "its CPU",
            "cold / alone",
        ],
        [row(found, options) for found in measured],
        left=0,
    )
    table.rows += [
        [f"{size:,}", "-", f"render failed: {error[:60]}"] + ["-"] * 8
        for size, error in failed.items()
    ]
    table.notes = [
        "cold: render.diagram() after emptying the renders table (not timed; each node's"
        " label as drawn comes with its row, made when the map was imported: argmap.shapes),"
        " median of up to"
        f" {options.repeat} runs within {options.budget:g} s; its CPU: medians of the same"
        " runs, this process's own (reading the map, writing DOT, gzipping, storing) and"
        " Graphviz's. cached: the same call again, median of"
        f" {options.repeat}. GET cached: GET /maps/<id>/diagram.svg through the Flask test"
        f" client taking gzip as pages do, median of {options.repeat}.",
        "Graphviz alone: the program the app runs (`dot -Tsvg`, or `neato -n2 -Tsvg` without"
        " its text shaper for a tidy tree, as the app runs it) on the whole map's DOT source"
        " (render.source), run right after each cold render so that both meet the same load,"
        f" stopped after {options.timeout:g} s; its CPU: user + system seconds (steadier on a"
        " busy machine). cold / alone: the median over those pairs of one's time over the"
        " other's: what reading the map, writing DOT and storing the drawing add.",
    ]
    table.notes += [settings(found.limits) for found in measured[:1]]
    table.notes.append(common.machine())
    return table


def settings(limits: render.Limits) -> str:
    """The render settings the figures were measured with."""
    fast = " ".join(f"{name}={value}" for name, value in dot.FAST_SETTINGS.items())
    return (
        f"Settings: fast_at={limits.fast_at:,} tidy_at={limits.tidy_at:,}"
        f" focus_at={limits.focus_at:,} timeout={limits.timeout:g} s; fast = {fast}."
    )


def targets_table(measured: list[Measured], failed: dict[int, str]) -> Table:
    """Each target from the issue beside the figure it is judged on."""
    by_size = {found.nodes: found for found in measured}
    rows = [
        cached_target(measured),
        cold_target(by_size, 100, COLD_100_MAX, "100 ms"),
        cold_target(by_size, 2000, COLD_2000_MAX, "3 s"),
        ratio_target(by_size, 500),
        ratio_target(by_size, 2000),
        whole_target(by_size, 5000),
        hang_target(measured, failed),
    ]
    return Table("Render targets", ["target", "measured", "result"], rows, left=3)


def cached_target(measured: list[Measured]) -> list[str]:
    """The row for the cached target: the slowest cached figure, direct or over HTTP."""
    what = "cached diagram < 20 ms at any size (direct and GET)"
    if not measured:
        return [what, "-", mark(None)]
    slow = max(measured, key=lambda f: max(f.cached.median, f.get.median))
    worst = max(slow.cached.median, slow.get.median)
    return [what, f"{duration(worst)} ({slow.nodes:,} nodes)", mark(worst < CACHED_MAX)]


def hang_target(measured: list[Measured], failed: dict[int, str]) -> list[str]:
    """The row for "no size hangs": every cold render gave a drawing within the time limit."""
    what = "no size hangs (every cold render drawn within the time limit)"
    if failed:
        return [what, f"{min(failed):,} nodes: {failed[min(failed)]}", mark(False)]
    slowest = max(measured, key=lambda f: f.cold.median)
    hangs = [f for f in measured if not f.drawn.body or f.cold.median >= f.limits.timeout]
    figure = f"slowest {duration(slowest.cold.median)} ({slowest.nodes:,} nodes)"
    return [what, figure, mark(not hangs)]


def ratio_target(by_size: dict[int, Measured], size: int) -> list[str]:
    """The row for "cold render within 1.2x Graphviz alone on the same DOT"."""
    what = f"cold {size:,}-node map within {RATIO_MAX:g}x Graphviz alone"
    found = by_size.get(size)
    if found is None or not found.ratios:
        return [what, "-", mark(None)]
    share = paired_ratio(found)
    return [what, f"{share:.2f}x", mark(share <= RATIO_MAX)]


def whole_target(by_size: dict[int, Measured], size: int) -> list[str]:
    """The row for "a 5,000-node map drawn whole in under 1.5 s"."""
    what = f"{size:,}-node map drawn whole < {WHOLE_5000_MAX:g} s"
    found = by_size.get(size)
    if found is None:
        return [what, "-", mark(None)]
    whole = not found.drawn.focused
    figure = duration(found.cold.median) + ("" if whole else " (focused)")
    return [what, figure, mark(whole and found.cold.median < WHOLE_5000_MAX)]


def cold_target(by_size: dict[int, Measured], size: int, limit: float, text: str) -> list[str]:
    """The row for a cold-render target at one size (not measured if the size was skipped)."""
    what = f"cold {size:,}-node map < {text}"
    found = by_size.get(size)
    if found is None:
        return [what, "-", mark(None)]
    return [what, duration(found.cold.median), mark(found.cold.median < limit)]


@section("render")
def run(options: Options) -> list[Table]:
    """Measure every size and return the figures and the targets."""
    sizes = options.sizes or SIZES
    measured: list[Measured] = []
    failed: dict[int, str] = {}
    with common.progress(len(sizes) * len(STEPS), "render") as bar:
        for size in sizes:
            bar.set_description(f"render {size:,} nodes")
            try:
                measured.append(measure(size, options, bar))
            except render.RenderError as error:
                failed[size] = str(error)
    return [results_table(measured, failed, options), targets_table(measured, failed)]
