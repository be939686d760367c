"""The streams section: many open event streams on `argmap serve` with its defaults.

Open 300 and 1,000 streams on one map (from loopback addresses, 20 each: the default
STREAMS_PER_ADDRESS), then: how many said hello within 30 s; writes answered while they are
open (p95); whether every stream got every write's change; the OS threads and memory of the
worker; the CPU the worker spends while the streams sit idle.
"""

from __future__ import annotations

import http.client
import json
import os
import selectors
import socket
import tempfile
import time
from pathlib import Path

from testbed import Server

from .common import Options, Table, duration, machine, mark, section
from .live import address, prepare

COUNTS = (300, 1000)
WRITES, IDLE_SECONDS = 40, 10.0
WRITE_P95, IDLE_CPU, THREADS = 0.100, 0.05, 50  # targets of issue 9


class Streams:
    """Raw event-stream connections, read together by one selector."""

    def __init__(self, port: int, map_id: int, count: int):
        self.selector = selectors.DefaultSelector()
        self.seen: dict[socket.socket, bytes] = {}
        request = (
            f"GET /maps/{map_id}/events HTTP/1.1\r\nHost: bench\r\n"
            "Accept: text/event-stream\r\n\r\n"
        ).encode()
        for number in range(count):
            sock = socket.create_connection(("127.0.0.1", port), 30, (address(number), 0))
            sock.sendall(request)
            sock.setblocking(False)
            self.selector.register(sock, selectors.EVENT_READ)
            self.seen[sock] = b""

    def read(self, seconds: float) -> None:
        """Read whatever arrives for this long."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            for key, _ in self.selector.select(timeout=min(left, 0.2)):
                try:
                    self.seen[key.fileobj] += key.fileobj.recv(65536)
                except (BlockingIOError, ConnectionError):
                    continue

    def counting(self, marker: bytes) -> int:
        """How many streams have sent this text."""
        return sum(marker in seen for seen in self.seen.values())

    def close(self) -> None:
        """Hang up every stream."""
        for sock in self.seen:
            sock.close()
        self.selector.close()


def worker_pids(master: int) -> list[int]:
    """The server's worker processes (its master's children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds used so far by these processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def threads_and_memory(pids: list[int]) -> tuple[int, float]:
    """The most OS threads in one worker, and the workers' resident memory in MB."""
    threads = max(len(list(Path(f"/proc/{pid}/task").iterdir())) for pid in pids)
    rss = sum(int(Path(f"/proc/{pid}/statm").read_text().split()[1]) for pid in pids)
    return threads, rss * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed_writes(port: int, map_id: int, token: str, streams: Streams) -> list[float]:
    """Add claims one after another while reading the streams; seconds per answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, 60)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    times = []
    for number in range(WRITES):
        body = json.dumps({"kind": "claim", "text": f"Stream bench write {number}"})
        start = time.perf_counter()
        conn.request("POST", f"/api/maps/{map_id}/nodes", body, headers)
        response = conn.getresponse()
        response.read()
        if response.status == 201:
            times.append(time.perf_counter() - start)
        streams.read(0.1)
    conn.close()
    return times


def measure(count: int, idle: float) -> list[str]:
    """One row: open `count` streams on a fresh server and measure."""
    with tempfile.TemporaryDirectory(prefix="argmap-streams-") as folder:
        path = Path(folder) / "streams.sqlite"
        map_id, _, tokens = prepare(path, 10, 1)
        server = Server(Path(folder), database=path)
        port = server.port
        streams = None
        try:
            streams = Streams(port, map_id, count)
            streams.read(5)
            deadline = time.monotonic() + 30
            while streams.counting(b"event: hello") < count and time.monotonic() < deadline:
                streams.read(1)
            hello = streams.counting(b"event: hello")
            times = sorted(timed_writes(port, map_id, tokens[0], streams))
            streams.read(3)
            got_all = streams.counting(f"Stream bench write {WRITES - 1}".encode())
            pids = worker_pids(server.process.pid)
            threads, memory = threads_and_memory(pids)
            before = cpu_seconds(pids)
            streams.read(idle)
            cpu = (cpu_seconds(pids) - before) / idle
        finally:
            if streams is not None:
                streams.close()
            server.stop(30)
    p95 = times[max(int(len(times) * 0.95) - 1, 0)] if times else None
    return [
        str(count),
        f"{hello} {mark(hello == count)}",
        f"{len(times)}/{WRITES}",
        f"{duration(p95)} {mark(p95 is not None and p95 < WRITE_P95)}",
        f"{got_all} {mark(got_all == count)}",
        f"{threads} {mark(threads < THREADS)}",
        f"{memory:.0f}",
        f"{cpu * 100:.1f}% {mark(cpu < IDLE_CPU)}",
    ]


@section("streams")
def run(options: Options) -> list[Table]:
    """The streams section of `make bench` (quick: 100 streams, a short idle time)."""
    counts, idle = ((100,), 3.0) if options.quick else (COUNTS, IDLE_SECONDS)
    return [
        Table(
            "Open streams on argmap serve (defaults: one gevent worker)",
            [
                "streams",
                "said hello",
                "writes",
                "write p95 (< 100 ms)",
                "got every write",
                "OS threads (< 50)",
                "RSS MB",
                "idle CPU (< 5%)",
            ],
            [measure(count, idle) for count in counts],
            notes=[
                f"{WRITES} claims added one after another while the streams are open; idle CPU"
                f" is the worker's over {idle:g} s with every stream open and quiet.",
                machine(),
            ],
        )
    ]
