"""Several worker processes: a change made through one reaches streams held by the others."""

from __future__ import annotations

import http.client
import json
import os
import time
from pathlib import Path

import pytest
from conftest import Server
from livehelp import EventReader, on_file, owned_map, person

from bench.streams import worker_pids as children_of

pytestmark = pytest.mark.server
TRIES = 40


@pytest.fixture
def two_workers(tmp_path):
    """`argmap serve --workers 2`, with Olga's public map and Ana as an editor."""
    # Up to TRIES streams from one address until both workers hold one: no cap per address.
    running = Server(tmp_path, workers=2, env={"ARGMAP_STREAMS_PER_ADDRESS": "0"})

    def setup(db):
        olga, map_id = owned_map(db)
        return {"map": map_id, "ana": person(db, "Ana", map_id)}

    running.team = on_file(running.database, setup)
    yield running
    running.stop()


def worker_pids(server) -> set[int]:
    """The worker processes of the server (the children of its master)."""
    return set(children_of(server.process.pid))


def holder(server, client_port: int) -> int:
    """The worker process that holds the server end of our connection from client_port."""
    wanted = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        cols = line.split()
        local, remote = int(cols[1].split(":")[1], 16), int(cols[2].split(":")[1], 16)
        if (local, remote) == (server.port, client_port):
            wanted = f"socket:[{cols[9]}]"
    for pid in worker_pids(server):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == wanted:
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no worker holds the connection from port {client_port}")


def add_through_some_worker(server, text: str) -> tuple[int, int]:
    """Add a node over a fresh connection; returns (node id, pid of the worker that served it)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    body = json.dumps({"kind": "claim", "text": text})
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {server.team['ana']['token']}",
    }
    conn.request("POST", f"/api/maps/{server.team['map']}/nodes", body, headers)
    response = conn.getresponse()
    node = json.loads(response.read())
    assert response.status == 201, node
    pid = holder(server, conn.sock.getsockname()[1])
    conn.close()
    return node["id"], pid


def wait_for_workers(server, count: int, seconds: float = 20) -> set[int]:
    """The worker pids once `count` are up (the first answers before the second has forked)."""
    deadline = time.monotonic() + seconds
    while len(found := worker_pids(server)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def test_a_change_through_one_worker_reaches_streams_on_the_other(two_workers):
    server = two_workers
    assert len(wait_for_workers(server, 2)) == 2
    streams: list[tuple[EventReader, int]] = []
    while len({pid for _, pid in streams}) < 2 and len(streams) < TRIES:
        reader = EventReader(server.url, f"/maps/{server.team['map']}/events")
        reader.wait_for(lambda e: e["event"] == "hello")
        streams.append((reader, holder(server, reader.port)))
    writes = [add_through_some_worker(server, f"Change {n}") for n in range(5)]
    assert len({pid for _, pid in streams}) == 2, "both workers should hold a stream"
    for reader, _ in streams:
        got = reader.changes(len(writes))
        assert [e["data"]["node_id"] for e in got] == [node for node, _ in writes]
        reader.close()
    crossed = {(w, s) for _, w in writes for _, s in streams if w != s}
    assert crossed, "a change served by one worker reached a stream held by the other"
