"""Rendering maps with Graphviz: time and memory limits, focus views, a cache per revision."""

from __future__ import annotations

import resource
import subprocess
from dataclasses import dataclass

from sqlite_utils import Database

from . import dot
from .db import row
from .maps import load

FORMATS = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "dot": "text/vnd.graphviz; charset=utf-8",
}
TOO_SLOW = b""


@dataclass
class Limits:
    """How far a render may go, and when a map counts as big."""

    timeout: float = 5.0  # bench: whole maps below focus_at draw in < 3 s; see bench/render.py
    focus_timeout: float = 10.0
    memory: int = 2 * 1024**3
    fast_at: int = 300
    focus_at: int = 2500
    focus_radius: int = 2
    focus_max: int = 150
    program: str = "dot"

    @classmethod
    def from_config(cls, config: dict) -> Limits:
        """Limits from the app's RENDER_* settings."""
        return cls(
            timeout=float(config.get("RENDER_TIMEOUT", cls.timeout)),
            focus_timeout=float(config.get("RENDER_FOCUS_TIMEOUT", cls.focus_timeout)),
            memory=int(config.get("RENDER_MEMORY", cls.memory)),
            fast_at=int(config.get("RENDER_FAST_AT", cls.fast_at)),
            focus_at=int(config.get("RENDER_FOCUS_AT", cls.focus_at)),
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


class RenderError(RuntimeError):
    """Graphviz failed; the message carries its error output."""


class RenderTimeout(RenderError):
    """Graphviz took longer than the time limit and was stopped."""


def run(source: str, fmt: str, limits: Limits, timeout: float | None = None) -> bytes:
    """Run Graphviz on DOT source under a time (default limits.timeout) and memory limit."""
    if fmt == "dot":
        return source.encode()
    timeout = limits.timeout if timeout is None else timeout

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))

    try:
        done = subprocess.run(
            [limits.program, f"-T{fmt}"], input=source.encode(), capture_output=True,
            timeout=timeout, preexec_fn=cap_memory, check=False,
        )  # fmt: skip
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
    for edge in dot.edge_pairs(graph):
        near[edge["from"]].add(edge["to"])
        near[edge["to"]].add(edge["from"])
    keep, frontier = {focus}, [focus]
    for _ in range(radius):
        frontier = sorted({m for n in frontier for m in near[n]} - keep)[: limit - len(keep)]
        keep.update(frontier)
    return {
        **graph,
        "nodes": [n for n in graph["nodes"] if n["id"] in keep],
        "links": [li for li in graph["links"] if li["from_id"] in keep and li["to_id"] in keep],
    }


def default_focus(graph: dict, focus: int | None) -> int | None:
    """The node to centre a focused view on: the chosen one, else the first claim."""
    ids = {n["id"] for n in graph["nodes"]}
    if focus in ids:
        return focus
    claims = [n["id"] for n in graph["nodes"] if n["kind"] == "claim"]
    return (claims or sorted(ids) or [None])[0]


def source(graph: dict, limits: Limits) -> str:
    """The DOT source of a (whole or partial) map."""
    return dot.build(graph, fast=len(graph["nodes"]) >= limits.fast_at).source


def cached(db: Database, map_id: int, fmt: str, focus: int, revision: int) -> bytes | None:
    """A render of this exact revision, if one is stored."""
    found = row(
        db,
        "SELECT body FROM renders WHERE map_id = ? AND fmt = ? AND focus = ? AND revision = ?",
        (map_id, fmt, focus, revision),
    )
    return None if found is None else bytes(found["body"])


def store(db: Database, map_id: int, fmt: str, focus: int, revision: int, body: bytes) -> None:
    """Keep a render for its revision, replacing an older one."""
    db.execute(
        "INSERT OR REPLACE INTO renders (map_id, fmt, focus, revision, body)"
        " VALUES (?, ?, ?, ?, ?)",
        (map_id, fmt, focus, revision, body),
    )


def render_part(db: Database, graph: dict, fmt: str, focus: int, limits: Limits) -> bytes:
    """Render the whole map (focus 0) or a neighbourhood, through the cache."""
    body = cached(db, graph["id"], fmt, focus, graph["revision"])
    if body is not None:
        return body
    part = (
        graph if focus == 0 else neighbourhood(graph, focus, limits.focus_radius, limits.focus_max)
    )
    # A focused part is small (at most focus_max nodes), so it gets a budget of its own.
    timeout = limits.timeout if focus == 0 else max(limits.timeout, limits.focus_timeout)
    try:
        body = run(source(part, limits), fmt, limits, timeout)
    except RenderTimeout:
        if focus != 0:
            raise
        body = TOO_SLOW
    store(db, graph["id"], fmt, focus, graph["revision"], body)
    return body


def diagram(
    db: Database, map_id: int, fmt: str = "svg", focus: int | None = None,
    limits: Limits | None = None, whole: bool = False,
) -> Diagram:  # fmt: skip
    """The map's diagram; a map too big or too slow to draw whole gives a focused one."""
    limits = limits or Limits()
    graph = load(db, map_id)
    total = len(graph["nodes"])
    if whole or total < limits.focus_at:
        body = render_part(db, graph, fmt, 0, limits)
        if body != TOO_SLOW:
            return Diagram(body, fmt, total, total)
    centre = default_focus(graph, focus)
    if centre is None:
        return Diagram(render_part(db, graph, fmt, 0, limits), fmt, 0, 0)
    body = render_part(db, graph, fmt, centre, limits)
    shown = len(neighbourhood(graph, centre, limits.focus_radius, limits.focus_max)["nodes"])
    return Diagram(body, fmt, shown, total, centre)


def inline_svg(body: bytes) -> str:
    """SVG for embedding in a page: the XML prolog and doctype removed."""
    text = body.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text
