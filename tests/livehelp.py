"""Helpers of the live-update tests: people with access, JSON calls and SSE over real HTTP."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import queue
import re
import socket
import threading
import time
import urllib.request
from functools import cache
from urllib.parse import urlencode, urlsplit

from helpers import PASSWORD, session_entry
from werkzeug.security import generate_password_hash

from argmap import accounts, members
from argmap.db import connect, now, write

CSRF = "test-csrf-token"


@cache
def password_hash() -> str:
    """One real hash of the tests' password, made once (hashing takes a fifth of a second)."""
    return generate_password_hash(PASSWORD)


def person(db, name: str, map_id: int | None = None, role: str = "editor") -> dict:
    """The account called `name` (made on first use) with a new API token; a member of the map."""
    email = "".join(ch for ch in name.lower() if ch.isalnum()) + "@school.example"
    with write(db):
        found = db.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
        user_id = (
            found[0]
            if found
            else db.execute(
                "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)",
                (email, name, password_hash(), now()),
            ).lastrowid
        )
    user = accounts.get_user(db, user_id)
    if map_id is not None:
        members.join(db, members.new_code(db, map_id, role), name, user)
    return {**user, "token": accounts.create_token(db, user["id"], "tests")}


def owned_map(db, title: str = "Live map", name: str = "Olga", public: bool = True) -> tuple:
    """A map owned by a new account (readable by anyone with the link when public)."""
    owner = person(db, name)
    map_id = members.create_map(db, owner, title)
    if public:
        members.set_public(db, map_id, True)
    return owner, map_id


def on_file(path: str, work):
    """Run work(db) on a connection of its own to a database file."""
    db = connect(path)
    try:
        return work(db)
    finally:
        db.conn.close()


def log_in(client, user: dict) -> str:
    """Log a Flask test client in as this account; returns the session's CSRF token."""
    with client.session_transaction() as session:
        session["user"] = session_entry(client.application, user)
        session["csrf_token"] = CSRF
    return CSRF


def session_cookie(base: str, email: str, password: str = PASSWORD) -> str:
    """Log in through the real log-in form; returns the Cookie header of that session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login", timeout=30).read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    form = {"email": email, "password": password, "csrf_token": token}
    opener.open(base + "/login", urlencode(form).encode(), timeout=30).close()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def call(base: str, method: str, path: str, body: dict | None = None, token: str = "") -> tuple:
    """A JSON API call over real HTTP; returns (status, JSON answer)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


class EventReader:
    """An open Server-Sent Events stream, read in a thread: each event lands in a queue."""

    def __init__(self, base: str, path: str, headers: dict | None = None):
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.conn.request("GET", path, headers={"Accept": "text/event-stream", **(headers or {})})
        self.sock = self.conn.sock
        self.port = self.sock.getsockname()[1]
        self.response = self.conn.getresponse()
        self.events: queue.Queue = queue.Queue()
        self.retry: str | None = None
        self.thread = threading.Thread(target=self.read, daemon=True)
        if self.response.status == 200:
            self.thread.start()

    def read(self) -> None:
        """Parse the stream into events until it ends; None marks the end."""
        event: dict = {}
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if not line:
                    if "event" in event:
                        event["data"] = json.loads(event["data"])
                        self.events.put(event)
                    event = {}
                elif not line.startswith(":"):
                    key, _, value = line.partition(": ")
                    event[key] = value
                    self.retry = value if key == "retry" else self.retry
        except (OSError, ValueError, http.client.HTTPException):
            pass
        self.events.put(None)

    def next(self, timeout: float = 10) -> dict | None:
        """The next event (None once the stream has ended)."""
        return self.events.get(timeout=timeout)

    def wait_for(self, test, timeout: float = 10) -> list[dict]:
        """Events up to and including the first that passes the test."""
        seen: list[dict] = []
        deadline = time.monotonic() + timeout
        while True:
            event = self.next(max(deadline - time.monotonic(), 0.01))
            if event is None:
                raise AssertionError(f"the stream ended before the event came; saw {seen}")
            seen.append(event)
            if test(event):
                return seen

    def changes(self, count: int, timeout: float = 10) -> list[dict]:
        """The next `count` change events (other events skipped)."""
        return [self.wait_for(lambda e: e["event"] == "change", timeout)[-1] for _ in range(count)]

    def close(self) -> None:
        """Hang up, as a browser tab closing would."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if self.thread.is_alive():
            self.thread.join(10)
        self.response.close()
        self.sock.close()
        self.conn.close()
