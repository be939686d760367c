"""Rendering maps with Graphviz: time and memory limits, focus views, a cache per revision."""

from __future__ import annotations

import resource
import subprocess
import threading
from dataclasses import dataclass
from typing import NamedTuple

from sqlite_utils import Database

from . import dot, settings
from .db import row
from .errors import RenderError, RenderTimeout
from .maps import get_map, load
from .model import from_graph

FORMATS = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "dot": "text/vnd.graphviz",  # a text/ type: the response adds charset=utf-8
}
TOO_SLOW = b""
LOCKS = [threading.Lock() for _ in range(64)]  # a fixed pool: memory stays bounded


@dataclass
class Limits:
    """How far a render may go, and when a map counts as big."""

    timeout: float = settings.default("RENDER_TIMEOUT")  # bench: < 3 s below focus_at
    focus_timeout: float = settings.default("RENDER_FOCUS_TIMEOUT")
    memory: int = settings.default("RENDER_MEMORY")
    fast_at: int = settings.default("RENDER_FAST_AT")
    focus_at: int = settings.default("RENDER_FOCUS_AT")
    focus_radius: int = 2
    focus_max: int = 150
    program: str = "dot"

    @classmethod
    def from_config(cls, config: dict) -> Limits:
        """Limits from the app's RENDER_* settings."""
        return cls(
            timeout=float(config["RENDER_TIMEOUT"]),
            focus_timeout=float(config["RENDER_FOCUS_TIMEOUT"]),
            memory=int(config["RENDER_MEMORY"]),
            fast_at=int(config["RENDER_FAST_AT"]),
            focus_at=int(config["RENDER_FOCUS_AT"]),
        )


@dataclass
class Diagram:
    """A rendered diagram, and whether it shows the whole map or a part."""

    body: bytes
    fmt: str
    shown: int
    total: int
    focus: int | None = None

    @property
    def focused(self) -> bool:
        """Whether only the neighbourhood of one node is drawn."""
        return self.focus is not None


class Rendered(NamedTuple):
    """A stored render: its bytes and how many nodes it shows."""

    body: bytes
    shown: int


def run(source: str, fmt: str, limits: Limits, timeout: float | None = None) -> bytes:
    """Run Graphviz on DOT source under a time (default limits.timeout) and memory limit."""
    if fmt == "dot":
        return source.encode()
    timeout = limits.timeout if timeout is None else timeout

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))

    try:
        done = subprocess.run(
            [limits.program, f"-T{fmt}"],
            input=source.encode(),
            capture_output=True,
            timeout=timeout,
            preexec_fn=cap_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderTimeout(f"Graphviz took longer than {timeout:g} s.") from None
    if done.returncode != 0 or not done.stdout:
        raise RenderError(f"Graphviz failed: {failure(done, limits)}")
    return done.stdout


def failure(done: subprocess.CompletedProcess, limits: Limits) -> str:
    """Why Graphviz stopped, in words: its own message, else the signal or exit code."""
    message = done.stderr.decode(errors="replace").strip()
    if message:
        return message
    if done.returncode < 0:
        return (
            f"it was stopped by signal {-done.returncode}, most likely by the memory limit"
            f" of {limits.memory // 2**20} MB."
        )
    return f"it exited with code {done.returncode}."


def neighbourhood(graph: dict, focus: int, radius: int, limit: int) -> dict:
    """The part of the map within `radius` relations of the focus node."""
    near: dict[int, set[int]] = {n["id"]: set() for n in graph["nodes"]}
    for edge in from_graph(graph).edges():
        near[int(edge.source)].add(int(edge.target))
        near[int(edge.target)].add(int(edge.source))
    keep, frontier = {focus}, [focus]
    for _ in range(radius):
        frontier = sorted({m for n in frontier for m in near[n]} - keep)[: limit - len(keep)]
        keep.update(frontier)
    return {
        **graph,
        "nodes": [n for n in graph["nodes"] if n["id"] in keep],
        "links": [li for li in graph["links"] if li["from_id"] in keep and li["to_id"] in keep],
    }


def centre_of(db: Database, map_id: int, focus: int | None) -> int | None:
    """The node to centre a focused view on: the chosen one, else the first claim."""
    if focus is not None and row(
        db, "SELECT 1 AS hit FROM nodes WHERE id = ? AND map_id = ?", (focus, map_id)
    ):
        return focus
    found = row(
        db,
        "SELECT id FROM nodes WHERE map_id = ? ORDER BY kind != 'claim', id LIMIT 1",
        (map_id,),
    )
    return None if found is None else found["id"]


def source(graph: dict, limits: Limits) -> str:
    """The DOT source of a (whole or partial) map."""
    return dot.build(graph, fast=len(graph["nodes"]) >= limits.fast_at).source


def cached(db: Database, map_id: int, fmt: str, focus: int, revision: int) -> Rendered | None:
    """A render of this exact revision, if one is stored."""
    found = row(
        db,
        "SELECT body, shown FROM renders"
        " WHERE map_id = ? AND fmt = ? AND focus = ? AND revision = ?",
        (map_id, fmt, focus, revision),
    )
    return None if found is None else Rendered(bytes(found["body"]), found["shown"])


def store(db: Database, map_id: int, key: tuple[str, int, int], drawn: Rendered) -> None:
    """Keep a render for its (format, focus, revision); renders of older revisions go."""
    fmt, focus, revision = key
    db.execute("DELETE FROM renders WHERE map_id = ? AND revision < ?", (map_id, revision))
    db.execute(
        "INSERT OR REPLACE INTO renders (map_id, fmt, focus, revision, body, shown)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (map_id, fmt, focus, revision, drawn.body, drawn.shown),
    )


def render_part(db: Database, map_id: int, fmt: str, focus: int, limits: Limits) -> Rendered:
    """Draw the whole map (focus 0) or a neighbourhood, and keep it for its revision."""
    graph = load(db, map_id)
    part = graph
    if focus != 0:
        part = neighbourhood(graph, focus, limits.focus_radius, limits.focus_max)
    # A focused part is small (at most focus_max nodes), so it gets a budget of its own.
    timeout = limits.timeout if focus == 0 else max(limits.timeout, limits.focus_timeout)
    try:
        drawn = Rendered(run(source(part, limits), fmt, limits, timeout), len(part["nodes"]))
    except RenderTimeout:
        if focus != 0:
            raise
        drawn = Rendered(TOO_SLOW, 0)
    store(db, map_id, (fmt, focus, graph["revision"]), drawn)
    return drawn


def key_lock(key: tuple) -> threading.Lock:
    """The lock for (map, format, focus): pages opened at once draw a new revision once."""
    return LOCKS[hash(key) % len(LOCKS)]


def through_cache(db: Database, map_id: int, fmt: str, focus: int, revision: int, limits: Limits):
    """The stored render of this revision, else a new one (drawn once per process)."""
    found = cached(db, map_id, fmt, focus, revision)
    if found is not None:
        return found
    with key_lock((map_id, fmt, focus)):
        found = cached(db, map_id, fmt, focus, revision)
        return found or render_part(db, map_id, fmt, focus, limits)


def diagram(
    db: Database,
    map_id: int,
    fmt: str = "svg",
    focus: int | None = None,
    limits: Limits | None = None,
    whole: bool = False,
) -> Diagram:
    """The map's diagram; a map too big or too slow to draw whole gives a focused one.

    A cached diagram costs three small queries: the map's texts are loaded only to draw.
    """
    limits = limits or Limits()
    head = get_map(db, map_id)
    revision = head["revision"]
    total = row(db, "SELECT COUNT(*) AS n FROM nodes WHERE map_id = ?", (map_id,))["n"]
    if whole or total < limits.focus_at:
        drawn = through_cache(db, map_id, fmt, 0, revision, limits)
        if drawn.body != TOO_SLOW:
            return Diagram(drawn.body, fmt, total, total)
    centre = centre_of(db, map_id, focus)
    if centre is None:
        return Diagram(through_cache(db, map_id, fmt, 0, revision, limits).body, fmt, 0, 0)
    drawn = through_cache(db, map_id, fmt, centre, revision, limits)
    return Diagram(drawn.body, fmt, drawn.shown, total, centre)


@dataclass
class PageDiagram:
    """What a map page shows of the diagram: the drawing, or why there is none."""

    drawn: Diagram | None
    svg: str
    error: str | None


def for_page(db: Database, map_id: int, focus: int | None, limits: Limits) -> PageDiagram:
    """The map's diagram as inline SVG for a page; a Graphviz failure becomes a message."""
    try:
        drawn = diagram(db, map_id, "svg", focus, limits)
    except RenderError as error:
        return PageDiagram(None, "", str(error))
    return PageDiagram(drawn, inline_svg(drawn.body), None)


def inline_svg(body: bytes) -> str:
    """SVG for embedding in a page: the XML prolog and doctype removed."""
    text = body.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text
