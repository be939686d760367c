"""What every bench section shares: the section registry, timing, tables, targets."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tqdm import tqdm

NOTE_WIDTH = 100
SECTIONS: dict[str, Callable[[Options], list[Table]]] = {}


@dataclass
class Options:
    """What the command line asked for; a section picks its own sizes when none are given."""

    sizes: list[int] | None = None
    repeat: int = 5
    timeout: float = 20.0
    budget: float = 4.0
    live_seconds: float = 20.0
    quick: bool = False


def section(name: str) -> Callable:
    """Register a function that runs one bench section and returns its tables."""

    def register(run: Callable[[Options], list[Table]]) -> Callable[[Options], list[Table]]:
        SECTIONS[name] = run
        return run

    return register


@dataclass
class Table:
    """A titled table of text cells, with notes printed under it."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    left: int = 0

    def render(self) -> str:
        """The table as aligned text: the first `left` columns left-aligned, the rest right."""
        cells = [self.headers, *self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.headers))]
        lines = [self.title, ""]
        for number, row in enumerate(cells):
            lines.append("  ".join(self.align(i, cell, widths[i]) for i, cell in enumerate(row)))
            if number == 0:
                lines.append("  ".join("-" * width for width in widths))
        notes = [line for note in self.notes for line in textwrap.wrap(note, NOTE_WIDTH)]
        lines += ["", *notes] if notes else []
        return "\n".join(line.rstrip() for line in lines)

    def align(self, column: int, cell: str, width: int) -> str:
        """One cell padded to its column's width."""
        return cell.ljust(width) if column < self.left else cell.rjust(width)


@dataclass
class Timing:
    """The median of one or more runs of the same work, and the last run's result."""

    median: float
    runs: int
    result: object = None


def timed(work: Callable[[], object]) -> tuple[float, object]:
    """Seconds taken by one call, and what it returned."""
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def median_time(work: Callable[[], object], repeat: int, budget: float | None = None) -> Timing:
    """Median of `repeat` runs; with a budget, stop early once the runs have used it up."""
    times: list[float] = []
    result = None
    while len(times) < max(repeat, 1):
        seconds, result = timed(work)
        times.append(seconds)
        if budget is not None and sum(times) >= budget:
            break
    return Timing(statistics.median(times), len(times), result)


@dataclass
class ProgramRun:
    """One run of a program: wall and CPU seconds (None when stopped at the timeout)."""

    seconds: float | None
    cpu: float | None
    returncode: int | None


def children_cpu() -> float:
    """CPU seconds used so far by this process's finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_program(
    args: list[str], data: bytes, timeout: float, env: dict[str, str] | None = None
) -> ProgramRun:
    """Run a program on `data`; it is killed and reaped once `timeout` seconds have passed."""
    start, cpu = time.perf_counter(), children_cpu()
    try:
        done = subprocess.run(
            args, input=data, capture_output=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return ProgramRun(None, None, None)
    return ProgramRun(time.perf_counter() - start, children_cpu() - cpu, done.returncode)


def duration(seconds: float | None) -> str:
    """Seconds as short text: 0.42 ms, 45.3 ms, 245 ms, 1.23 s."""
    if seconds is None:
        return "-"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 0.1:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def machine() -> str:
    """The CPU count and load now: figures from a busy machine read slower."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"Machine: {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min) at the end."


def mark(passed: bool | None) -> str:
    """The pass/fail mark printed beside a target."""
    return {True: "pass", False: "FAIL", None: "not measured"}[passed]


def progress(total: int, description: str) -> tqdm:
    """A progress bar on stderr, so the tables on stdout stay clean."""
    return tqdm(total=total, desc=description, file=sys.stderr, leave=False, dynamic_ncols=True)
