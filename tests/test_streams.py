"""Many open streams on `argmap serve` (gevent workers): none holds a thread or blocks a request."""

from __future__ import annotations

import http.client
import json
import selectors
import signal
import socket
import threading
import time

import pytest
from conftest import Server
from livehelp import call, on_file, owned_map, person

from argmap.db import connect

pytestmark = pytest.mark.server
PER_ADDRESS = 20  # the default of STREAMS_PER_ADDRESS


class Streams:
    """Many raw event-stream connections, each from one of several loopback addresses."""

    def __init__(self, server, map_id: int, count: int, per_address: int = PER_ADDRESS):
        self.socks: list[socket.socket] = []
        self.seen: dict[socket.socket, bytes] = {}
        self.ended: set[socket.socket] = set()
        request = (
            f"GET /maps/{map_id}/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
        for number in range(count):
            address = f"127.0.{1 + number // per_address}.1"
            sock = socket.create_connection(("127.0.0.1", server.port), 30, (address, 0))
            sock.sendall(request)
            self.socks.append(sock)
            self.seen[sock] = b""

    def wait_all(self, marker: bytes, seconds: float = 60) -> int:
        """Read every stream until each has sent `marker`; returns how many did."""
        selector = selectors.DefaultSelector()
        waiting = {s for s in self.socks if marker not in self.seen[s] and s not in self.ended}
        for sock in waiting:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while waiting and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=1):
                try:
                    chunk = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                self.seen[key.fileobj] += chunk
                if not chunk:
                    self.ended.add(key.fileobj)
                if marker in self.seen[key.fileobj] or not chunk:
                    waiting.discard(key.fileobj)
                    selector.unregister(key.fileobj)
        selector.close()
        return sum(marker in self.seen[s] for s in self.socks)

    def close(self) -> None:
        for sock in self.socks:
            sock.close()


@pytest.fixture
def team(tmp_path):
    """`argmap serve` with its defaults, Olga's public map and Ana as an editor."""
    running = Server(tmp_path)

    def setup(db):
        olga, map_id = owned_map(db)
        return {"map": map_id, "olga": olga, "ana": person(db, "Ana", map_id)}

    running.team = on_file(running.database, setup)
    yield running
    running.stop()


def add(server, text: str) -> tuple[int, dict]:
    team = server.team
    return call(
        server.url,
        "POST",
        f"/api/maps/{team['map']}/nodes",
        {"kind": "claim", "text": text},
        team["ana"]["token"],
    )


def test_300_open_streams_all_connect_and_a_write_is_answered_and_reaches_them(team):
    streams = Streams(team, team.team["map"], 300)
    try:
        assert streams.wait_all(b"event: hello") == 300
        status, node = add(team, "Seen by three hundred")
        assert status == 201
        assert call(team.url, "GET", f"/api/maps/{team.team['map']}")[0] == 200
        assert streams.wait_all(b"Seen by three hundred") == 300
        assert all(f'"node_id": {node["id"]}'.encode() in streams.seen[s] for s in streams.socks)
    finally:
        streams.close()


def test_an_address_over_its_stream_limit_gets_503_and_its_pages_still_load(team):
    streams = Streams(team, team.team["map"], PER_ADDRESS, per_address=PER_ADDRESS)
    try:
        assert streams.wait_all(b"event: hello") == PER_ADDRESS
        conn = http.client.HTTPConnection("127.0.0.1", team.port, 30, ("127.0.1.1", 0))
        conn.request(
            "GET", f"/maps/{team.team['map']}/events", headers={"Accept": "application/json"}
        )
        refused = conn.getresponse()
        assert (refused.status, refused.getheader("Retry-After")) == (503, "30")
        assert "Too many live streams" in json.loads(refused.read())["error"]
        conn.request("GET", f"/maps/{team.team['map']}")
        page = conn.getresponse()
        assert page.status == 200 and b"<h1" in page.read()
        conn.close()
    finally:
        streams.close()


def test_a_write_waiting_for_the_database_lock_does_not_stop_other_requests(team):
    holder = connect(team.database)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for as long as we like
    answered: list[int] = []
    writer = threading.Thread(target=lambda: answered.append(add(team, "Waits its turn")[0]))
    writer.start()
    try:
        time.sleep(0.5)  # the write is now waiting for the lock inside the worker
        status, found = call(team.url, "GET", f"/api/maps/{team.team['map']}")
        assert (status, answered) == (200, [])  # read while the write still waits
        assert [n["text"] for n in found["nodes"]] == []
    finally:
        holder.execute("COMMIT")
        holder.conn.close()
    writer.join(30)
    assert answered == [201]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_stopping_the_server_ends_open_streams_quickly(tmp_path, stop):
    server = Server(tmp_path)
    _, map_id = on_file(server.database, owned_map)
    streams = Streams(server, map_id, 50)
    try:
        assert streams.wait_all(b"event: hello") == 50
        server.process.send_signal(stop)
        assert server.process.wait(timeout=10) is not None
        streams.wait_all(b"never sent", seconds=5)
        assert len(streams.ended) == 50  # every stream was ended by the server
    finally:
        streams.close()
        server.stop()
