"""Crash safety: a server killed with SIGKILL while people write loses no acknowledged write."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import threading
import time

import pytest
from conftest import Server
from livehelp import on_file, owned_map, person
from test_workers import worker_pids

pytestmark = pytest.mark.server
WRITERS = 4
ROUNDS = 2


class Writer:
    """A thread adding nodes through the JSON API until the server goes away."""

    def __init__(self, port: int, map_id: int, token: str, name: str):
        self.port, self.map_id, self.token, self.name = port, map_id, token, name
        self.acknowledged: list[int] = []
        self.cut = 0  # requests sent that got no answer: the kill came mid-request
        self.refused: list[tuple[int, dict]] = []  # answers other than 201
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        """POST nodes one after another; note each 201's node id; stop when cut off."""
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            body = json.dumps({"kind": "claim", "text": f"{self.name} {len(self.acknowledged)}"})
            try:
                conn.request("POST", f"/api/maps/{self.map_id}/nodes", body, headers)
                response = conn.getresponse()
                answer = json.loads(response.read())
            except ConnectionRefusedError:
                return
            except (OSError, http.client.HTTPException, ValueError):
                self.cut += 1
                return
            finally:
                conn.close()
            if response.status != 201:
                self.refused.append((response.status, answer))
                return
            self.acknowledged.append(answer["id"])


def kill(server: Server) -> None:
    """SIGKILL the server's master and workers at once, as a crash or power cut would."""
    for pid in [*worker_pids(server), server.process.pid]:
        os.kill(pid, signal.SIGKILL)
    server.process.wait(10)


def check(database: str) -> tuple[str, set[int]]:
    """SQLite's integrity check of the database file and the ids of its nodes."""
    conn = sqlite3.connect(database)
    try:
        verdict = ", ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        return verdict, {r[0] for r in conn.execute("SELECT id FROM nodes")}
    finally:
        conn.close()


def test_sigkill_while_writers_write_loses_no_acknowledged_write(tmp_path):
    running = Server(tmp_path, workers=2)
    database = running.database
    team = on_file(database, lambda db: (map_id := owned_map(db)[1], person(db, "Ana", map_id)))
    map_id, token = team[0], team[1]["token"]
    acknowledged: set[int] = set()
    try:
        for _ in range(ROUNDS):
            writers = [Writer(running.port, map_id, token, f"w{i}") for i in range(WRITERS)]
            time.sleep(1.5)
            kill(running)
            for writer in writers:
                writer.thread.join(15)
            assert [w.refused for w in writers] == [[]] * WRITERS
            assert all(w.acknowledged for w in writers), "every writer had writes answered"
            assert sum(w.cut for w in writers) >= 1, "the kill came while requests were open"
            acknowledged |= {i for w in writers for i in w.acknowledged}
            running.stop()
            running = Server(tmp_path, workers=2, env={"ARGMAP_DATABASE": database})
            verdict, present = check(database)
            assert verdict == "ok"
            assert acknowledged <= present, f"lost {sorted(acknowledged - present)}"
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
        conn.request("GET", f"/api/maps/{map_id}", headers={"Authorization": f"Bearer {token}"})
        shown = {n["id"] for n in json.loads(conn.getresponse().read())["nodes"]}
        conn.close()
        assert acknowledged <= shown
    finally:
        running.stop()
