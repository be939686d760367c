"""Rendering maps with Graphviz: shared, bounded, limited in time and memory, kept per view.

A drawing is kept per (map, format, view) with the revision it shows; a view is a direction
and a focus node (0 for the whole map). Across all processes one Graphviz run draws a view:
the first request claims it in the database, the others wait for it or, if they ask not to
wait, get the last drawing (marked as older). At most `slots` Graphviz runs go at once on
the machine, and one map uses one of them at a time, so a map that is slow to draw never
holds up another map's drawing for longer than one run. A run that fails or times out is
kept like a drawing: nobody waits for the same failure twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import marshal
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path

from sqlite_utils import Database

from . import collector, dot, events, graphviz_process, layout, moderation, plaintext, settings
from .db import connect, row, snapshot, write
from .errors import RenderError, RenderTimeout
from .maps import get_map
from .model import from_graph

FORMATS = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "dot": "text/vnd.graphviz",  # a text/ type: the response adds charset=utf-8
}
WAIT_STEP = 0.03  # seconds between looks at a drawing another process is making
KEPT = threading.Condition()  # notified when this process keeps (or gives up) a drawing
UNCLAIMED = "pending = NULL, claimed_at = NULL, claimer = NULL"  # SQL: nobody draws the view
CLAIM_SPARE = 5.0  # a claim older than its run's time limit plus this is abandoned
# Text drawings are stored gzipped, once, and pages get them as stored: each request that
# served a new drawing used to gzip it again (a 2,000-node SVG: 3.5 MB, 0.7 MB at level 1).
PACKED = ("svg", "dot")
GZIP_MAGIC = b"\x1f\x8b"  # no SVG, DOT, PNG or PDF starts with these bytes


def pack(body: bytes, fmt: str) -> bytes:
    """A drawing as stored: SVG and DOT gzipped (fast, a sixth of the size)."""
    return graphviz_process.gzip(body) if fmt in PACKED and body else body


def unpack(data: bytes) -> bytes:
    """A stored drawing's bytes as drawn (stored gzipped or as they are)."""
    return graphviz_process.gunzip(data) if data[:2] == GZIP_MAGIC else data


@dataclass
class Limits:
    """How far a render may go, and when a map counts as big."""

    timeout: float = settings.default("RENDER_TIMEOUT")  # bench: < 3 s below focus_at
    focus_timeout: float = settings.default("RENDER_FOCUS_TIMEOUT")
    memory: int = settings.default("RENDER_MEMORY")
    fast_at: int = settings.default("RENDER_FAST_AT")
    tidy_at: int = settings.default("RENDER_TIDY_AT")
    focus_at: int = settings.default("RENDER_FOCUS_AT")
    slots: int = field(default_factory=lambda: settings.default("RENDER_SLOTS") or cores())
    focus_radius: int = 2
    focus_max: int = 150

    @classmethod
    def from_config(cls, config: dict) -> Limits:
        """Limits from the app's RENDER_* settings."""
        return cls(
            timeout=float(config["RENDER_TIMEOUT"]),
            focus_timeout=float(config["RENDER_FOCUS_TIMEOUT"]),
            memory=int(config["RENDER_MEMORY"]),
            fast_at=int(config["RENDER_FAST_AT"]),
            tidy_at=int(config["RENDER_TIDY_AT"]),
            focus_at=int(config["RENDER_FOCUS_AT"]),
            slots=int(config["RENDER_SLOTS"] or cores()),
        )


def cores() -> int:
    """The processor cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class View:
    """What a drawing shows: the whole map (focus 0) or a node's neighbourhood, which way."""

    focus: int = 0
    direction: str = "rl"
    students: bool = False  # drawn without the nodes hidden from students

    @property
    def key(self) -> str:
        """The view as stored: direction, focus, and whether it is the students' drawing."""
        return f"{self.direction}:{self.focus}" + (":students" if self.students else "")


@dataclass
class Drawing:
    """A stored drawing of one view, or why there is none ("ok", "failed" or "timeout").

    `data` is the drawing as stored (see pack).
    """

    revision: int
    status: str
    data: bytes
    shown: int
    message: str = ""


@dataclass
class Diagram:
    """A rendered diagram, and whether it shows the whole map or a part."""

    data: bytes  # as stored: gzipped for SVG and DOT (see pack)
    fmt: str
    shown: int
    total: int
    focus: int | None = None
    revision: int = 0  # the map's revision this drawing is the drawing of
    current: int = 0
    drawn_at: int = 0  # the newest revision that changed what is drawn

    @cached_property
    def body(self) -> bytes:
        """The drawing's bytes (SVG, PNG, PDF or DOT)."""
        return unpack(self.data)

    @property
    def gzipped(self) -> bytes | None:
        """The drawing gzipped as stored, for a client that takes gzip; None if not stored so."""
        return self.data if self.data[:2] == GZIP_MAGIC else None

    @property
    def shows(self) -> int:
        """The revision naming what is drawn: the newest drawn change (its own if older)."""
        return self.revision if self.updating else self.drawn_at

    @property
    def focused(self) -> bool:
        """Whether only the neighbourhood of one node is drawn."""
        return self.focus is not None

    @property
    def updating(self) -> bool:
        """Whether this is an older drawing shown while the newest is being drawn."""
        return self.revision < self.current


def run(
    source: str | Iterable[str],
    fmt: str,
    limits: Limits,
    timeout: float | None = None,
    program: str = "dot",
    env: dict[str, str] | None = None,
    packed: bool = False,
) -> bytes:
    """Run Graphviz on DOT source under a time (default limits.timeout) and memory limit.

    The source may come in parts, made while Graphviz reads them (see graphviz_process.run).
    With `packed`, the drawing comes as stored (see pack), gzipped while Graphviz writes it.
    """
    if fmt == "dot":
        text = source if isinstance(source, str) else graphviz_process.text_of(source)
        return pack(text.encode(), fmt) if packed else text.encode()
    timeout = limits.timeout if timeout is None else timeout
    command = [program, f"-T{fmt}"] if program == "dot" else [program, "-n2", f"-T{fmt}"]
    gzipped = packed and fmt in PACKED
    done = graphviz_process.run(command, source, limits.memory, timeout, env, gzipped)
    if done.returncode != 0 or not done.size:
        raise RenderError(f"Graphviz failed: {failure(done, limits)}")
    return done.output


def failure(done: graphviz_process.Ran, limits: Limits) -> str:
    """Why Graphviz stopped, in words: the signal that stopped it, else its own message or
    its exit code."""
    if done.returncode < 0:
        return (
            f"it was stopped by signal {-done.returncode}, most likely by the memory limit"
            f" of {limits.memory // 2**20} MB."
        )
    message = done.stderr.decode(errors="replace").strip()
    return message or f"it exited with code {done.returncode}."


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


def centre_of(
    db: Database, map_id: int, focus: int | None, hidden: set[int] | None = None
) -> int | None:
    """The node to centre a focused view on: the chosen one, else the first claim (not hidden)."""
    hidden = hidden or set()
    if (
        focus is not None
        and focus not in hidden
        and row(db, "SELECT 1 AS hit FROM nodes WHERE id = ? AND map_id = ?", (focus, map_id))
    ):
        return focus
    found = row(
        db,
        "SELECT id FROM nodes WHERE map_id = ? AND id NOT IN (SELECT value FROM json_each(?))"
        " ORDER BY kind != 'claim', id LIMIT 1",
        (map_id, json.dumps(sorted(hidden))),
    )
    return None if found is None else found["id"]


def source(
    graph: dict, limits: Limits, direction: str = "rl", sized: bool = False
) -> tuple[str, str]:
    """The DOT source of a (whole or partial) map, and the Graphviz program that draws it.

    `sized`: every box sized by argmap, as a page's SVG is drawn (see written).
    """
    made, program, _ = written(graph, limits, direction, sized)
    return "".join(made), program


def written(
    graph: dict, limits: Limits, direction: str, sized: bool = False
) -> tuple[Iterator[str], str, str]:
    """The DOT source in parts (made as they are read), its program, and how it is laid out.

    A tidy tree's boxes are always sized by argmap; `dot`'s are with `sized`, which a page's
    SVG is: Graphviz then draws it without its text shaper (see environment). Nothing is
    made until the first part is asked for. What names the drawing (digest_of) comes from
    the graph and how it is laid out, not from the DOT.
    """
    count = len(graph["nodes"])
    if count >= limits.tidy_at:
        program, how, made = "neato", "tidy", dot.build_tidy(graph)
    else:
        fast = count >= limits.fast_at
        program, how = "dot", f"{'fast' if fast else 'dot'} {direction}{' sized' * sized}"
        made = dot.build(graph, fast=fast, direction=direction, sized=sized)
    return paused(made), program, f"{program} {how}"


def paused(made: Iterator[str]) -> Iterator[str]:
    """The parts of a DOT source, each made with the cycle collector paused (see collector)."""
    while True:
        with collector.paused():
            part = next(made, None)
        if part is None:
            return
        yield part


@cache
def code_digest() -> bytes:
    """A digest of the code that writes DOT: a drawing made by other code is made again."""
    code = b"".join(Path(module.__file__).read_bytes() for module in (dot, layout))
    return hashlib.sha256(code).digest()


def digest_of(graph: dict, how: str) -> str:
    """What names a drawing's DOT source: its nodes' and links' drawn fields, how it is laid out
    (see written), and the code that writes DOT. An unchanged drawing is found by it without
    its DOT being written.

    The fields are serialised by marshal's version 0 (values only, no references or interned
    strings: equal rows give equal bytes), 3 times quicker than repr: 4 ms at 2,000 nodes.
    """
    named = hashlib.sha256(code_digest())
    named.update(how.encode())
    named.update(marshal.dumps([tuple(n.values()) for n in graph["nodes"]], 0))
    named.update(marshal.dumps([tuple(li.values()) for li in graph["links"]], 0))
    return named.hexdigest()


def naming(made: Iterator[str], graph: dict, how: str, name: list[str]) -> Iterator[str]:
    """The parts of a DOT source, then the drawing's name (digest_of) put in `name`: taken
    while Graphviz draws, when no stored drawing needed it before. The END part between
    them ends Graphviz's input first (see graphviz_process.run): it does not wait for it."""
    yield from made
    yield graphviz_process.END
    name.append(digest_of(graph, how))


# A node's text only where it has no label kept (see shapes): its label is drawn from it.
NODE_KEYS = ("id", "kind", "label", "width", "height", "parent_id", "group", "undercut", "text")
LINK_KEYS = ("from_id", "to_id", "relation", "group", "undercut")


def drawn_graph(db: Database, map_id: int) -> dict:
    """What a drawing shows of the map: each node's kind, label as drawn and place; the links.

    Read as plain tuples, each made a dict of the keys its query names (bench: 2,000 nodes
    11.6 -> 9.2 ms, against sqlite3.Row and a checked zip).
    """
    cursor = db.conn.cursor()
    cursor.row_factory = None
    found = cursor.execute(
        "SELECT id, kind, label, box_width, box_height, parent_id, grp, undercut,"
        " CASE WHEN label IS NULL THEN text END FROM nodes WHERE map_id = ? ORDER BY id",
        (map_id,),
    ).fetchall()
    drawn_links = cursor.execute(
        "SELECT from_id, to_id, relation, grp, undercut FROM links WHERE map_id = ?"
        " ORDER BY from_id, to_id, id",
        (map_id,),
    ).fetchall()
    return {
        "nodes": [dict(zip(NODE_KEYS, node)) for node in found],  # noqa: B905 (as selected)
        "links": [dict(zip(LINK_KEYS, link)) for link in drawn_links],  # noqa: B905
    }


def stored(db: Database, map_id: int, fmt: str, view: View) -> dict | None:
    """The stored state of a view (not its drawing's bytes), and any claim on a newer one."""
    return row(
        db,
        "SELECT revision, status, digest, pending, claimed_at, claimer FROM renders"
        " WHERE map_id = ? AND fmt = ? AND view = ?",
        (map_id, fmt, view.key),
    )


def kept_drawing(
    db: Database, map_id: int, fmt: str, view: View, state: dict | None = None
) -> Drawing | None:
    """The view's stored drawing (or failure), bytes and all; None if there is none yet.

    `state` is the view's stored state (see stored), if just read: a drawing this process
    read or drew lately is then taken from memory instead of reading its bytes again.
    """
    remembered = recall(db, map_id, fmt, view, state)
    if remembered is not None:
        return remembered
    found = row(
        db,
        "SELECT revision, status, body, shown, message, digest FROM renders"
        " WHERE map_id = ? AND fmt = ? AND view = ?",
        (map_id, fmt, view.key),
    )
    if found is None or found["status"] == "none":
        return None
    body = bytes(found["body"] or b"")
    drawn = Drawing(found["revision"], found["status"], body, found["shown"], found["message"])
    return remember(db, map_id, fmt, view, found, drawn)


# Drawings lately read or drawn, by database, view, revision and digest of their DOT: while
# a map's next drawing is being made, every open page asks for the last one (a 2,000-node
# drawing is 0.7 MB to read from SQLite each time).
RECENT_KEPT = 8
RECENT: OrderedDict[tuple, Drawing] = OrderedDict()
RECENT_LOCK = threading.Lock()


def recent_key(db: Database, map_id: int, fmt: str, view: View, state: dict) -> tuple:
    """What names a stored drawing's bytes: the database, the view, revision and digest."""
    path = db.execute("PRAGMA database_list").fetchone()[2]
    return (path, map_id, fmt, view.key, state["revision"], state["status"], state["digest"])


def recall(db: Database, map_id: int, fmt: str, view: View, state: dict | None) -> Drawing | None:
    """The drawing of this stored state, if this process has it in memory."""
    if state is None or state["status"] == "none" or state["digest"] is None:
        return None
    with RECENT_LOCK:
        found = RECENT.get(recent_key(db, map_id, fmt, view, state))
    return None if found is None else replace(found)


def remember(
    db: Database, map_id: int, fmt: str, view: View, state: dict, drawn: Drawing
) -> Drawing:
    """Keep a stored drawing in memory by what names it (see recent_key); returns it."""
    if state["digest"] is not None:
        with RECENT_LOCK:
            RECENT[recent_key(db, map_id, fmt, view, state)] = replace(drawn)
            while len(RECENT) > RECENT_KEPT:
                RECENT.popitem(last=False)
    return drawn


def fresh_claim(found: dict | None, limits: Limits) -> bool:
    """Whether another request is drawing this view now (its claim is recent, its process runs)."""
    if found is None or found["pending"] is None or not running(found["claimer"]):
        return False
    budget = max(limits.timeout, limits.focus_timeout) + CLAIM_SPARE
    return time.time() - found["claimed_at"] < budget


def running(claimer: str | None) -> bool:
    """Whether the process that made a claim still runs (a claim starts with its process id).

    A worker that died while drawing (killed, crashed) leaves its claim behind: without this,
    every page of the map would get the last drawing until the claim aged (15 s by default).
    """
    pid, _, _ = (claimer or "").partition("-")
    if not pid.isdigit():
        return True  # not made by claim(): judged by its age alone
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim(db: Database, map_id: int, fmt: str, view: View, limits: Limits) -> str | None:
    """Claim the drawing of the map's newest revision: a token, or None if another has it."""
    with write(db):
        found = stored(db, map_id, fmt, view)
        if fresh_claim(found, limits):
            return None
        revision = get_map(db, map_id)["revision"]
        needed = events.drawn_revision(db, map_id, revision)  # later votes change no drawing
        if found is not None and found["revision"] >= needed and found["status"] != "none":
            return None
        token = f"{os.getpid()}-{uuid.uuid4().hex}"
        db.execute(
            "INSERT INTO renders (map_id, fmt, view, revision, status, shown, pending, claimed_at,"
            " claimer) VALUES (?, ?, ?, -1, 'none', 0, ?, ?, ?) ON CONFLICT (map_id, fmt, view)"
            " DO UPDATE SET pending = excluded.pending, claimed_at = excluded.claimed_at,"
            " claimer = excluded.claimer",
            (map_id, fmt, view.key, revision, time.time(), token),
        )
    HELD[token] = db.execute("PRAGMA database_list").fetchone()[2]
    return token


# Claims this process holds now, by token: the database file. A worker that stops while it
# draws gives them up (release_held), or pages would wait for a drawing until the claim ages.
HELD: dict[str, str] = {}


def release_held() -> None:
    """Give up every claim this process holds (it is stopping): others may draw at once."""
    for token, path in list(HELD.items()):
        db = connect(path)
        try:
            db.execute(
                f"UPDATE renders SET {UNCLAIMED} WHERE claimer = ?",
                (token,),
            )
        finally:
            db.conn.close()
        HELD.pop(token, None)


def obtain(
    db: Database, map_id: int, fmt: str, view: View, revision: int, limits: Limits, wait: bool
) -> Drawing | None:
    """The view's drawing of `revision` or newer: stored, drawn now, or drawn by another.

    `revision` is the newest that changed what is drawn (events.drawn_revision).
    Without `wait`, a view another request is drawing gives its last drawing (or None).
    """
    while True:
        found = stored(db, map_id, fmt, view)  # without the bytes: waiters look often
        if found is not None and found["revision"] >= revision and found["status"] != "none":
            drawn = kept_drawing(db, map_id, fmt, view, found)
            if drawn is not None and drawn.revision >= revision:
                return drawn
            continue
        # Claiming takes SQLite's write lock: a view another request is drawing is only read.
        if not fresh_claim(found, limits):
            mine = claim(db, map_id, fmt, view, limits)
            if mine is not None:
                return draw(db, map_id, fmt, view, mine, limits)
        if not wait:
            return kept_drawing(db, map_id, fmt, view, found)
        with KEPT:  # woken at once by this process's drawings, by the clock for others'
            KEPT.wait(WAIT_STEP)


def draw(db: Database, map_id: int, fmt: str, view: View, claimed: str, limits: Limits):
    """Draw a claimed view and store the outcome (drawing, failure or timeout)."""
    try:
        with snapshot(db):  # the revision and the nodes and links it names, read together
            revision = get_map(db, map_id)["revision"]
            oldest = events.drawn_revision(db, map_id, revision)  # older drawings are stale
            graph = drawn_graph(db, map_id)
            if view.students:
                graph = moderation.without_hidden(graph, moderation.hidden_ids(db, map_id))
        part = (
            graph
            if view.focus == 0
            else neighbourhood(graph, view.focus, limits.focus_radius, limits.focus_max)
        )
        made, program, how = written(part, limits, view.direction, sized=fmt == "svg")
        found = stored(db, map_id, fmt, view)
        digest, kept = None, None
        if found is not None and found["digest"] is not None and found["status"] != "none":
            # Here, not in the worker's pool (aside): a few ms, where a busy worker took 30 to
            # 50 ms to take the drawing back from the pool (live bench, 2,000 nodes).
            digest = digest_of(part, how)
            # Only undrawn fields changed (a quote, a source): the drawing stands as it is.
            if found["digest"] == digest:
                kept = kept_drawing(db, map_id, fmt, view)
        if kept is not None:
            outcome = kept
        else:
            name: list[str] = []
            parts = made if digest is not None else naming(made, part, how, name)
            key = (map_id, fmt, view, claimed)
            outcome = graphviz(db, key, (parts, program), limits, len(part["nodes"]))
            digest = digest or (name[0] if name else digest_of(part, how))
        outcome.revision = revision
        if keep(db, (map_id, fmt, view, claimed), outcome, digest, oldest):
            state = {"revision": revision, "status": outcome.status, "digest": digest}
            remember(db, map_id, fmt, view, state, outcome)
        return outcome
    except BaseException:
        release(db, (map_id, fmt, view, claimed))
        raise


def graphviz(
    db: Database, key: tuple, dot_source: tuple[Iterable[str], str], limits: Limits, shown: int
) -> Drawing:
    """Run Graphviz in one of the machine's slots; a failure becomes a stored outcome.

    `key` is (map id, format, view, claim token): the claim this run serves. `dot_source` is
    the DOT text (whole, or in parts made as Graphviz reads them) and its program.
    """
    map_id, fmt, view, _claimed = key
    text, program = dot_source
    # A focused part is small (at most focus_max nodes), so it gets a budget of its own.
    timeout = limits.timeout if view.focus == 0 else max(limits.timeout, limits.focus_timeout)
    with slot(db, map_id, limits):
        claim_rows(db, key, "claimed_at = ?", (time.time(),))  # waiting for a slot aged it
        try:
            drawn = run(text, fmt, limits, timeout, program, environment(db, fmt), True)
            return Drawing(0, "ok", drawn, shown)
        except RenderTimeout as error:
            return Drawing(0, "timeout", b"", 0, str(error))
        except RenderError as error:
            return Drawing(0, "failed", b"", 0, str(error))


def claim_rows(db: Database, key: tuple, assignments: str, values: tuple = ()) -> int:
    """Update a view's row while the claim `key` names is still the row's; the rows changed."""
    map_id, fmt, view, claimed = key
    with write(db):
        return db.execute(
            f"UPDATE renders SET {assignments}"
            " WHERE map_id = ? AND fmt = ? AND view = ? AND claimer = ?",
            (*values, map_id, fmt, view.key, claimed),
        ).rowcount


def keep(
    db: Database, key: tuple, outcome: Drawing, digest: str, oldest: int | None = None
) -> bool:
    """Store a claimed view's outcome; drawings older than the newest drawn change go.

    `oldest` is that change's revision (default: the outcome's own).
    A claim taken over by another request (ours looked abandoned) stores nothing: False.
    """
    oldest = outcome.revision if oldest is None else oldest
    HELD.pop(key[3], None)
    with write(db):
        stored_now = claim_rows(
            db,
            key,
            f"revision = ?, status = ?, body = ?, shown = ?, message = ?, digest = ?, {UNCLAIMED}",
            (
                outcome.revision,
                outcome.status,
                outcome.data,
                outcome.shown,
                outcome.message,
                digest,
            ),
        )
        if stored_now:
            db.execute(
                "DELETE FROM renders WHERE map_id = ? AND revision < ? AND pending IS NULL",
                (key[0], oldest),
            )
    with KEPT:
        KEPT.notify_all()
    return bool(stored_now)


def release(db: Database, key: tuple) -> None:
    """Give up a claim (the drawing was interrupted), so that another request may draw."""
    HELD.pop(key[3], None)
    claim_rows(db, key, UNCLAIMED)
    with KEPT:
        KEPT.notify_all()


def environment(db: Database, fmt: str) -> dict[str, str] | None:
    """Graphviz's environment for a page's drawing: for SVG, without its text shaper.

    A page's SVG has every box sized by argmap (see written), so Graphviz need not measure
    the text (argmap.plaintext; bench: a 100-node map's drawing 61 -> 24 ms). PNG and PDF
    need the shaper to draw the text.
    """
    if fmt != "svg":
        return None
    return plaintext.environment(lock_folder(db).parent)


def lock_folder(db: Database) -> Path:
    """Where the lock files of Graphviz slots live: beside the database file."""
    path = db.execute("PRAGMA database_list").fetchone()[2]
    folder = Path(path).parent / "render-locks"
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def slot(db: Database, map_id: int, limits: Limits) -> Iterator[None]:
    """Hold the map's lane (maps share 64) and one of the machine's slots while Graphviz runs."""
    folder = lock_folder(db)
    with held(folder / f"map-{map_id % 64}.lock"):
        with held(*(folder / f"slot-{i}.lock" for i in range(max(1, limits.slots)))):
            yield


@contextmanager
def held(*paths: Path) -> Iterator[None]:
    """An exclusive lock on the first free of these files, waiting until one is free."""
    handles = [open(path, "a+b") for path in paths]  # noqa: SIM115 (closed below)
    try:
        while True:
            for handle in handles:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                return
            time.sleep(WAIT_STEP)
    finally:
        for handle in handles:
            handle.close()


def diagram(
    db: Database,
    map_id: int,
    fmt: str = "svg",
    focus: int | None = None,
    limits: Limits | None = None,
    whole: bool = False,
    direction: str = "rl",
    wait: bool = True,
    hide: bool = False,
) -> Diagram:
    """The map's diagram; a map too big or too slow to draw whole gives a focused one.

    A stored diagram costs three small queries: the map's texts are loaded only to draw.
    Without `wait`, a diagram being drawn by another request comes as its older drawing.
    With `hide` (a student reads it), the drawing leaves out the nodes hidden from students.
    """
    limits = limits or Limits()
    revision = get_map(db, map_id)["revision"]
    needed = events.drawn_revision(db, map_id, revision)  # votes and comments draw nothing
    hidden = moderation.hidden_ids(db, map_id) if hide else set()
    total = row(db, "SELECT COUNT(*) AS n FROM nodes WHERE map_id = ?", (map_id,))["n"]
    total -= len(hidden)
    students = bool(hidden)
    if whole or total < limits.focus_at:
        drawn = settled(db, map_id, fmt, View(0, direction, students), (needed, limits), wait)
        if drawn.status != "timeout":
            return outcome_of(drawn, fmt, total, None, (needed, revision))
    centre = centre_of(db, map_id, focus, hidden)
    if centre is None:
        drawn = obtain(db, map_id, fmt, View(0, direction, students), needed, limits, True)
        return outcome_of(drawn, fmt, 0, None, (needed, revision))
    drawn = settled(db, map_id, fmt, View(centre, direction, students), (needed, limits), wait)
    return outcome_of(drawn, fmt, total, centre, (needed, revision))


def settled(
    db: Database, map_id: int, fmt: str, view: View, wanted: tuple[int, Limits], wait: bool
) -> Drawing:
    """The view's drawing (see obtain); without `wait`, an older one only if it was drawn.

    `wanted` is the revision needed and the limits. With nothing drawn yet, or only a
    failure, there is nothing to show meanwhile: the drawing under way is waited for.
    """
    needed, limits = wanted
    drawn = obtain(db, map_id, fmt, view, needed, limits, wait)
    if drawn is None or (drawn.revision < needed and drawn.status != "ok"):
        drawn = obtain(db, map_id, fmt, view, needed, limits, True)
    return drawn


def outcome_of(
    drawn: Drawing, fmt: str, total: int, focus: int | None, revisions: tuple[int, int]
) -> Diagram:
    """The diagram of a stored outcome, or the RenderError it stands for.

    `revisions`: the newest that changed the drawing, and the map's. A drawing of the first
    or newer is the map's drawing now: it counts as of the map's revision.
    """
    if drawn.status != "ok":
        raise (RenderTimeout if drawn.status == "timeout" else RenderError)(drawn.message)
    shown = total if focus is None else drawn.shown
    needed, current = revisions
    revision = current if drawn.revision >= needed else drawn.revision
    return Diagram(drawn.data, fmt, shown, total, focus, revision, current, needed)


@dataclass
class PageDiagram:
    """What a map page shows of the diagram: the drawing, or why there is none."""

    drawn: Diagram | None
    svg: str
    error: str | None


def for_page(
    db: Database,
    map_id: int,
    focus: int | None,
    limits: Limits,
    hide: bool = False,
    direction: str = "rl",
) -> PageDiagram:
    """The map's diagram as inline SVG for a page; a Graphviz failure becomes a message."""
    try:
        drawn = diagram(db, map_id, "svg", focus, limits, direction=direction, hide=hide)
    except RenderError as error:
        return PageDiagram(None, "", str(error))
    return PageDiagram(drawn, inline_svg(drawn.body), None)


def inline_svg(body: bytes) -> str:
    """SVG for embedding in a page: the XML prolog and doctype removed."""
    text = body.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text
