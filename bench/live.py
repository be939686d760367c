"""The live section: pages that do what the map page's script does, on a real `argmap serve`.

Each page holds the map's event stream and, like static/live.js, fetches the stored drawing
of the newest revision when a change arrives (one fetch at a time, with its ETag, gzip, and
`ready=1`): while the server draws that revision it answers at once with the last drawing,
marked as updating, and the page waits for the stream's `drawn` event (or 10 s) to ask again.
Writers edit one node each per second through the JSON API. For a 100-node and a 2,000-node
synthetic map: the time from a writer's send until a page would show the edit (the event
arrived and a drawing of that revision or newer was fetched), p50/p95/max over every page and
edit; the bytes a page received per edit (stream and drawings); edits lost. The server runs
with `argmap serve`'s defaults.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from argmap import accounts, members, moderation
from argmap.db import connect, rows
from testbed import Server

from .common import Options, Table, duration, machine, mark, section
from .synthetic import write_map

PAGES, WRITERS, RATE, SECONDS = 30, 10, 1.0, 20.0
SIZES = (100, 2000)
TARGETS = {100: 0.300, 2000: 1.0}  # p95 edit to page (issue 9)
PER_ADDRESS = 20  # STREAMS_PER_ADDRESS's default: clients spread over loopback addresses


def address(number: int) -> str:
    """The loopback address of the number-th client (PER_ADDRESS clients share one)."""
    return f"127.0.{1 + number // PER_ADDRESS}.1"


def prepare(path: Path, size: int, writers: int) -> tuple[int, list[int], list[str]]:
    """A public synthetic map and writer accounts with API tokens: (map, node ids, tokens)."""
    map_id = write_map(path, size)
    db = connect(str(path))
    try:
        owner = accounts.create_user(db, "owner@bench", "Owner", "bench-pw-1")
        members.claim_map(db, map_id, accounts.get_user(db, owner), public=True)
        moderation.set_mode(db, map_id, "everyone")  # writers edit any node, not only theirs
        code = members.new_code(db, map_id, "editor")
        tokens = []
        for number in range(writers):
            name = f"Writer {number + 1}"
            user_id = accounts.create_user(db, f"w{number}@bench", name, "bench-pw-1")
            members.join(db, code, name, accounts.get_user(db, user_id))
            tokens.append(accounts.create_token(db, user_id, "bench"))
        ids = [r["id"] for r in rows(db, "SELECT id FROM nodes WHERE map_id = ?", (map_id,))]
        return map_id, ids, tokens
    finally:
        db.conn.close()


@dataclass
class Page:
    """One open map page: its stream, its drawing fetches, and when each edit was shown."""

    port: int
    map_id: int
    source: str
    received: int = 0
    drawn: int = 0
    newest: int = 0
    etag: str = ""
    told: int = 0  # the newest revision the stream said is drawn
    heard: int = 0  # `drawn` events so far (as static/live.js counts them)
    awaiting: float = 0.0  # until when the page waits for a `drawn` event (0: not waiting)
    arrived: dict[str, float] = field(default_factory=dict)
    shown: dict[str, float] = field(default_factory=dict)
    waiting: list[tuple[str, int]] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    wake: threading.Condition = field(default_factory=threading.Condition)

    def listen(self, stop: threading.Event) -> None:
        """Read the stream; each change is noted and wakes the drawing fetcher."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, 60, (self.source, 0))
        conn.request("GET", f"/maps/{self.map_id}/events", headers={"Accept": "text/event-stream"})
        response = conn.getresponse()
        self.ready.set()
        kind = None
        try:
            while not stop.is_set():
                line = response.readline()
                if not line:
                    return
                self.received += len(line)
                text = line.decode().rstrip("\r\n")
                if text.startswith("event: "):
                    kind = text[7:]
                elif text.startswith("data: ") and kind == "change":
                    self.changed(json.loads(text[6:]))
                elif text.startswith("data: ") and kind == "drawn":
                    self.announced(json.loads(text[6:])["revision"])
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()

    def changed(self, info: dict) -> None:
        """An edit arrived: note it and ask for the drawing of its revision."""
        key = ((info.get("patch") or {}).get("nodes") or [{}])[0].get("text", "")
        with self.wake:
            self.arrived[key] = time.time()
            if info.get("drawn") is False and self.drawn == info["revision"] - 1:
                self.drawn = info["revision"]  # a vote or a comment: the drawing stands
            if info.get("drawing") and self.told < info["revision"]:
                self.awaiting = time.monotonic() + 10  # drawn ahead: wait for `drawn`
            self.waiting.append((key, info["revision"]))
            self.newest = max(self.newest, info["revision"])
            if self.newest <= self.drawn:
                self.shown[key] = self.arrived[key]
                self.waiting.pop()
                return
            self.wake.notify()

    def announced(self, revision: int) -> None:
        """The stream said a drawing of this revision is ready: fetch it if behind."""
        with self.wake:
            self.told = max(self.told, revision)
            self.heard += 1
            if revision > self.drawn:
                self.awaiting = 0.0
                self.wake.notify()

    def behind(self) -> bool:
        """Whether the page should fetch now (called with self.wake held)."""
        if self.awaiting and time.monotonic() < self.awaiting:
            return False
        self.awaiting = 0.0
        return self.newest > self.drawn

    def draw(self, stop: threading.Event) -> None:
        """Fetch the newest drawing whenever the page is behind, one fetch at a time."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, 60, (self.source, 0))
        while not stop.is_set():
            with self.wake:
                if not self.behind():
                    self.wake.wait(0.5)
                    continue
                heard = self.heard
            headers = {"Accept-Encoding": "gzip", "If-None-Match": self.etag}
            try:
                conn.request("GET", f"/maps/{self.map_id}/diagram.svg?ready=1", headers=headers)
                response = conn.getresponse()
                self.received += len(response.read())
            except (OSError, http.client.HTTPException):
                conn.close()
                continue
            now = time.time()
            self.etag = response.getheader("ETag") or self.etag
            with self.wake:
                self.drawn = max(self.drawn, int(response.getheader("X-Argmap-Revision") or 0))
                if response.getheader("X-Argmap-Updating") == "1" and self.heard == heard:
                    self.awaiting = time.monotonic() + 10  # wait for `drawn` (else it came)
                done = [(k, r) for k, r in self.waiting if r <= self.drawn]
                self.waiting = [(k, r) for k, r in self.waiting if r > self.drawn]
            for key, _ in done:
                self.shown[key] = now
        conn.close()


def write(port: int, map_id: int, ids: list[int], token: str, plan: tuple, sent: dict) -> None:
    """Edit a random node `count` times, one edit every `1 / rate` seconds from `start`."""
    number, start, count, rate = plan
    conn = http.client.HTTPConnection("127.0.0.1", port, 60)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    chooser = random.Random(number)
    for edit in range(count):
        time.sleep(max(start + edit / rate - time.monotonic(), 0))
        key = f"Edit {number}-{edit}"
        body = json.dumps({"text": key})
        sent[key] = time.time()
        try:
            conn.request("PATCH", f"/api/maps/{map_id}/nodes/{chooser.choice(ids)}", body, headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                sent.pop(key)
        except (OSError, http.client.HTTPException):
            sent.pop(key, None)
            conn.close()
    conn.close()


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its descendants (those reaped included), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15]) / tick  # utime stime cutime cstime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


@dataclass
class Result:
    """What one run on one map measured."""

    size: int
    seconds: float
    sent: dict[str, float]
    pages: list[Page]
    cpu: float = 0.0  # the server's CPU seconds (Graphviz included) while writers wrote

    def latencies(self) -> list[float]:
        """Send-to-shown times of every edit on every page."""
        return sorted(
            p.shown[k] - t for p in self.pages for k, t in self.sent.items() if k in p.shown
        )

    def lost(self) -> int:
        """Edits some page never received, summed over the pages."""
        return sum(len(set(self.sent) - set(p.arrived)) for p in self.pages)


def measure(size: int, pages: int, writers: int, seconds: float, *flags: str) -> Result:
    """One run on a fresh database and a fresh server (`argmap serve` flags, if any)."""
    with tempfile.TemporaryDirectory(prefix="argmap-live-") as folder:
        path = Path(folder) / "live.sqlite"
        map_id, ids, tokens = prepare(path, size, writers)
        server = Server(Path(folder), *flags, database=path)
        port = server.port
        stop, sent = threading.Event(), {}
        open_pages = [Page(port, map_id, address(n)) for n in range(pages)]
        try:
            for page in open_pages:
                threading.Thread(target=page.listen, args=(stop,), daemon=True).start()
                threading.Thread(target=page.draw, args=(stop,), daemon=True).start()
            for page in open_pages:
                page.ready.wait(30)
            time.sleep(1)
            start, count = time.monotonic(), int(seconds * RATE)
            threads = [
                threading.Thread(
                    target=write,
                    args=(
                        port,
                        map_id,
                        ids,
                        token,
                        (n, start + n / writers / RATE, count, RATE),
                        sent,
                    ),
                )
                for n, token in enumerate(tokens)
            ]
            cpu = tree_cpu(server.process.pid)
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            settle = time.monotonic() + 15
            while time.monotonic() < settle and any(len(p.shown) < len(sent) for p in open_pages):
                time.sleep(0.2)
            cpu = tree_cpu(server.process.pid) - cpu
        finally:
            stop.set()
            server.stop(30)
        return Result(size, seconds, sent, open_pages, cpu)


def percentile(times: list[float], share: float) -> float | None:
    """The value below which `share` of the sorted times lie."""
    return times[max(int(len(times) * share) - 1, 0)] if times else None


def table(results: list[Result], pages: int, writers: int) -> Table:
    """One row per map size, with the targets."""
    body = []
    for result in results:
        times = result.latencies()
        p95, edits = percentile(times, 0.95), len(result.sent)
        target = TARGETS.get(result.size)
        passed = None if p95 is None or target is None else p95 < target
        per_edit = sum(p.received for p in result.pages) / max(edits, 1) / len(result.pages)
        body.append(
            [
                str(result.size),
                str(edits),
                duration(statistics.median(times) if times else None),
                duration(p95),
                duration(times[-1] if times else None),
                f"< {duration(target)} {mark(passed)}" if target else "",
                f"{per_edit / 1024:.1f}",
                f"{result.cpu / max(edits, 1) * 1000:.0f}",
                f"{result.lost()} {mark(result.lost() == 0)}",
            ]
        )
    return Table(
        f"Live pages: {pages} pages x {writers} writers editing a node each per second for"
        f" {results[0].seconds:g} s (argmap serve defaults)",
        [
            "nodes",
            "edits",
            "edit to page p50",
            "p95",
            "max",
            "p95 target",
            "KiB/page/edit",
            "server CPU ms/edit",
            "lost",
        ],
        body,
        notes=[
            "A page shows an edit once its change event arrived and a drawing of that revision"
            " or newer was fetched; it fetches the newest drawing one request at a time, so a"
            " map changing faster than it is drawn skips revisions. KiB: stream and drawings"
            " (gzip), bodies only. Server CPU: the server's processes and their Graphviz"
            " runs, from the writers' start until every page showed every edit.",
            machine(),
        ],
    )


@section("live")
def run(options: Options) -> list[Table]:
    """The live section of `make bench` (quick: 100 nodes only, a few seconds)."""
    sizes = [100] if options.quick else (options.sizes or list(SIZES))
    pages, writers = (PAGES, WRITERS) if not options.quick else (6, 3)
    seconds = options.live_seconds if not options.quick else min(options.live_seconds, 4)
    return [table([measure(s, pages, writers, seconds) for s in sizes], pages, writers)]


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.live`: the live section alone, with its own sizes."""
    parse = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    parse.add_argument("--seconds", type=float, default=SECONDS, help="how long writers write")
    parse.add_argument("--pages", type=int, default=PAGES, help="open pages")
    parse.add_argument("--writers", type=int, default=WRITERS, help="writers, 1 edit/s each")
    parse.add_argument("--sizes", default="100,2000", help="map sizes in nodes")
    parse.add_argument("--workers", type=int, help="worker processes (default: serve's)")
    args = parse.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    flags = ("--workers", str(args.workers)) if args.workers else ()
    results = [measure(s, args.pages, args.writers, args.seconds, *flags) for s in sizes]
    print(table(results, args.pages, args.writers).render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
