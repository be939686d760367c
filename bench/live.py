"""The live section: open event streams and writers on a real two-worker server.

With 30 open streams and 10 writers adding nodes through the JSON API for 20 s (set
`--live-seconds`, or run `python -m bench.live --seconds N`), print edits per second, the
time from each change's commit to its arrival at every stream, and the changes lost.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from argmap import accounts, members
from argmap.db import connect, migrate

from .common import Options, Table, duration, mark, section

STREAMS, WRITERS, SECONDS, WORKERS = 30, 10, 20.0, 2
P95_MAX = 0.300


@dataclass
class Reader:
    """One open stream: when each change event arrived, by event id, and its commit time."""

    arrived: dict[int, float] = field(default_factory=dict)
    committed: dict[int, float] = field(default_factory=dict)
    ready: threading.Event = field(default_factory=threading.Event)


def stamp(text: str) -> float:
    """An event's created_at as seconds since the epoch."""
    return datetime.fromisoformat(text).timestamp()


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(path: Path, writers: int) -> tuple[int, list[str]]:
    """A public map and `writers` editor accounts with API tokens; returns (map id, tokens)."""
    db = connect(str(path))
    try:
        migrate(db)
        owner = accounts.get_user(
            db, accounts.create_user(db, "owner@bench", "Owner", "bench-pw-1")
        )
        map_id = members.create_map(db, owner, "Live bench")
        members.set_public(db, map_id, True)
        code = members.new_code(db, map_id, "editor")
        tokens = []
        for number in range(writers):
            name = f"Writer {number + 1}"
            user_id = accounts.create_user(db, f"w{number}@bench", name, "bench-pw-1")
            members.join(db, code, name, accounts.get_user(db, user_id))
            tokens.append(accounts.create_token(db, user_id, "bench"))
        return map_id, tokens
    finally:
        db.conn.close()


def start_server(path: Path, port: int, workers: int) -> subprocess.Popen:
    """`argmap serve` on the bench database; returns once it answers."""
    environ = {
        **os.environ,
        "ARGMAP_DATABASE": str(path),
        "ARGMAP_SEED": "0",
        "ARGMAP_SECRET_KEY": "bench-secret",
        "ARGMAP_EXPORTS": str(path.parent),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "argmap.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            "64",
        ],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the argmap server did not start")


def read_stream(port: int, map_id: int, reader: Reader, stop: threading.Event) -> None:
    """Read one event stream until told to stop, noting each change's arrival."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", f"/maps/{map_id}/events", headers={"Accept": "text/event-stream"})
    response = conn.getresponse()
    reader.ready.set()
    event_id, kind = None, None
    try:
        while not stop.is_set():
            line = response.readline().decode().rstrip("\r\n")
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "change":
                reader.arrived[event_id] = time.time()
                reader.committed[event_id] = stamp(json.loads(line[6:])["created_at"])
    except (OSError, http.client.HTTPException):
        pass
    finally:
        conn.close()


def write_nodes(port: int, map_id: int, token: str, until: float, done: list) -> None:
    """Add claims through the JSON API until the deadline; notes each answer's status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    number = 0
    while time.monotonic() < until:
        number += 1
        body = json.dumps({"kind": "claim", "text": f"Bench claim {number} by {token[3:11]}"})
        try:
            conn.request("POST", f"/api/maps/{map_id}/nodes", body, headers)
            response = conn.getresponse()
            response.read()
            done.append(response.status)
        except (OSError, http.client.HTTPException):
            conn.close()
            done.append(0)
    conn.close()


@dataclass
class Result:
    """What one run measured."""

    streams: int
    writers: int
    seconds: float
    statuses: list[int]
    expected: set[int]
    readers: list[Reader]

    def latencies(self) -> list[float]:
        """Commit-to-arrival times of every expected change at every stream."""
        return [
            r.arrived[i] - r.committed[i]
            for r in self.readers
            for i in self.expected
            if i in r.arrived
        ]

    def lost(self) -> int:
        """Changes some stream never received, summed over the streams."""
        return sum(len(self.expected - set(r.arrived)) for r in self.readers)


def expected_events(path: Path, map_id: int) -> set[int]:
    """The ids of the node.add events the writers made."""
    db = connect(str(path))
    try:
        found = db.execute(
            "SELECT id FROM events WHERE map_id = ? AND action = 'node.add'", (map_id,)
        )
        return {r[0] for r in found}
    finally:
        db.conn.close()


def drive(port: int, map_id: int, tokens: list[str], streams: int, seconds: float) -> tuple:
    """Open the streams, run the writers, wait for the stragglers; returns (statuses, readers)."""
    stop = threading.Event()
    readers = [Reader() for _ in range(streams)]
    for reader in readers:
        threading.Thread(target=read_stream, args=(port, map_id, reader, stop), daemon=True).start()
    for reader in readers:
        reader.ready.wait(30)
    time.sleep(0.5)
    statuses: list[int] = []
    until = time.monotonic() + seconds
    writers = [
        threading.Thread(target=write_nodes, args=(port, map_id, t, until, statuses))
        for t in tokens
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    wanted = statuses.count(201)
    settle = time.monotonic() + 10
    while time.monotonic() < settle and any(len(r.arrived) < wanted for r in readers):
        time.sleep(0.1)
    stop.set()
    return statuses, readers


def measure(streams: int = STREAMS, writers: int = WRITERS, seconds: float = SECONDS) -> Result:
    """One run on a fresh database and a fresh two-worker server."""
    with tempfile.TemporaryDirectory(prefix="argmap-live-") as folder:
        path = Path(folder) / "live.sqlite"
        map_id, tokens = prepare(path, writers)
        port = free_port()
        server = start_server(path, port, WORKERS)
        try:
            statuses, readers = drive(port, map_id, tokens, streams, seconds)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(30)
        return Result(streams, writers, seconds, statuses, expected_events(path, map_id), readers)


def table(result: Result) -> Table:
    """The figures of one run, with the target."""
    times = sorted(result.latencies())
    p95 = times[max(int(len(times) * 0.95) - 1, 0)] if times else None
    median = statistics.median(times) if times else None
    edits = result.statuses.count(201)
    failed = len(result.statuses) - edits
    lost = result.lost()
    return Table(
        f"Live updates: {result.streams} open streams, {result.writers} writers adding nodes"
        f" for {result.seconds:g} s ({WORKERS} worker processes)",
        ["figure", "value", "target"],
        [
            ["edits", str(edits), ""],
            ["edits per second", f"{edits / result.seconds:.1f}", ""],
            ["failed writes", str(failed), "0 " + mark(failed == 0)],
            ["commit to arrival, median", duration(median), ""],
            [
                "commit to arrival, 95th percentile",
                duration(p95),
                f"< {P95_MAX * 1000:.0f} ms " + mark(p95 < P95_MAX if p95 is not None else None),
            ],
            ["commit to arrival, slowest", duration(times[-1] if times else None), ""],
            ["changes lost (all streams)", str(lost), "0 " + mark(lost == 0)],
        ],
        notes=[
            f"{len(times)} arrivals measured ({len(result.expected)} changes x"
            f" {result.streams} streams); commit time is the event's created_at."
        ],
        left=1,
    )


@section("live")
def run(options: Options) -> list[Table]:
    """The live section of `make bench`."""
    return [table(measure(seconds=options.live_seconds))]


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.live`: the live section alone, with its own sizes."""
    parse = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    parse.add_argument("--seconds", type=float, default=SECONDS, help="how long writers write")
    parse.add_argument("--streams", type=int, default=STREAMS, help="open event streams")
    parse.add_argument("--writers", type=int, default=WRITERS, help="threads adding nodes")
    args = parse.parse_args(argv)
    print(table(measure(args.streams, args.writers, args.seconds)).render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
