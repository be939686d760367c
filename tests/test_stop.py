"""Stopping `argmap serve`: SIGTERM (what systemd sends) and SIGINT end open streams quickly."""

from __future__ import annotations

import http.client
import signal
import threading
import time

import pytest
from conftest import Server
from livehelp import on_file, owned_map

pytestmark = pytest.mark.server
STREAMS = 5


class Listener:
    """A plain HTTP client reading a live stream to its end, noting how it ended."""

    def __init__(self, port: int, path: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", path, headers={"Accept": "text/event-stream"})
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        self.hello = threading.Event()
        self.ended: str | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self) -> None:
        """Read until the server ends the body (its last chunk: clean) or the connection breaks."""
        try:
            while chunk := self.response.read1(65536):
                if b"event: hello" in chunk:
                    self.hello.set()
            self.ended = "clean"
        except (OSError, http.client.HTTPException) as error:
            self.ended = f"cut: {error!r}"
        self.done.set()

    def close(self) -> None:
        """Close the connection."""
        self.response.close()
        self.conn.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_ends_open_streams_and_returns_within_10_s(tmp_path, sig):
    running = Server(tmp_path)
    listeners: list[Listener] = []
    try:
        map_id = on_file(running.database, lambda db: owned_map(db)[1])
        listeners += [Listener(running.port, f"/maps/{map_id}/events") for _ in range(STREAMS)]
        assert all(one.hello.wait(10) for one in listeners)
        started = time.monotonic()
        running.process.send_signal(sig)
        running.process.wait(timeout=30)
        took = time.monotonic() - started
        assert all(one.done.wait(5) for one in listeners)
        assert took < 10, f"the server took {took:.1f} s to stop"
        assert [one.ended for one in listeners] == ["clean"] * STREAMS
    finally:
        for one in listeners:
            one.close()
        running.stop()
