"""Shared fixtures: an app on a fresh SQLite file, a real server, headless Chromium."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from corpus import MISSING
from corpus import present as corpus_present
from helpers import fresh_app_config, quick_hash, session_entry

from argmap import create_app
from argmap.db import connect

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    """Skip the tests that read the shared corpus when it is not there."""
    if corpus_present():
        return
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if item.get_closest_marker("corpus"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    """Say once, at the end, why the corpus tests were skipped."""
    if not corpus_present():
        terminalreporter.write_line(MISSING)


@pytest.fixture
def app(tmp_path):
    """An app on a fresh database file (a copy of one migrated once), without the seed map."""
    return create_app(fresh_app_config(tmp_path))


@pytest.fixture
def quick_passwords(monkeypatch):
    """Cheap but real password hashes for tests that make many accounts (scrypt costs 0.1 s)."""
    from argmap import accounts

    monkeypatch.setattr(accounts, "generate_password_hash", quick_hash)


@pytest.fixture
def seeded_app(tmp_path):
    """An app on a fresh database file, seeded as on a first start."""
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(tmp_path / "seeded.sqlite")}
    )


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def csrf(client):
    """The test client's session CSRF token, for posting forms as a browser would."""
    with client.session_transaction() as session:
        session["csrf_token"] = "test-csrf-token"
    return "test-csrf-token"


@pytest.fixture
def db(app):
    """A connection of its own to the app's database file."""
    conn = connect(app.config["DATABASE"])
    yield conn
    conn.conn.close()


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    """Wait for the server to answer, or fail with its output."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start in time")


class Server:
    """A real argmap server (`argmap serve`) on its own database file."""

    def __init__(
        self, tmp_path: Path, workers: int = 1, seed: bool = False, env: dict | None = None
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = str(tmp_path / f"server-{self.port}.sqlite")
        environ = {
            **os.environ,
            "ARGMAP_DATABASE": self.database,
            "ARGMAP_SECRET_KEY": "test-secret",
            "ARGMAP_SEED": "1" if seed else "0",
            "ARGMAP_EXPORTS": str(tmp_path / "exports"),
            **(env or {}),
        }
        command = [
            sys.executable,
            "-m",
            "argmap.cli",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--threads",
            "32",
        ]
        # Its output goes to a file: a pipe nobody reads fills up and stops the server.
        self.log = tmp_path / f"server-{self.port}.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                command, env=environ, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT
            )
        wait_until_up(self.url + "/", self.process, self.log)

    def stop(self) -> None:
        """Stop the server the way an operator would (SIGINT), and reap it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def server(tmp_path):
    """A running argmap server with an empty database."""
    running = Server(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def seeded_server(tmp_path):
    """A running argmap server with the seed map loaded."""
    running = Server(tmp_path, seed=True)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, with no calls to the outside."""
    from playwright.sync_api import sync_playwright  # here: only browser tests need Playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts: each context is another person."""
    contexts = []

    def opener():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """One person's page in headless Chromium."""
    return new_page()


# Accounts and access (people and roles): accounts, logged-in clients, API tokens.

PASSWORD = "correct horse battery staple"


def create_account(database: str, email: str, name: str, password: str = PASSWORD) -> dict:
    """An account in this database file (the app's or a server's); returns its row."""
    from argmap import accounts

    conn = connect(database)
    try:
        return accounts.get_user(conn, accounts.create_user(conn, email, name, password))
    finally:
        conn.conn.close()


def log_in(client, email: str, password: str = PASSWORD) -> None:
    """Log a test client in through the log-in form, as a browser would."""
    with client.session_transaction() as session:
        token = session.setdefault("csrf_token", "test-csrf-token")
    form = {"email": email, "password": password, "csrf_token": token}
    response = client.post("/login", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def login():
    """log_in(client, email, password=PASSWORD): log a test client in."""
    return log_in


@pytest.fixture
def make_user(app):
    """make_user(email, name, password=PASSWORD): an account in the app's database."""
    return lambda email, name, password=PASSWORD: create_account(
        app.config["DATABASE"], email, name, password
    )


@pytest.fixture
def owner(client, make_user):
    """An account logged in on `client` (its session set directly); the maps it creates are
    its own."""

    user = make_user("owner@example.org", "Olga Owner")
    with client.session_transaction() as session:
        session.setdefault("csrf_token", "test-csrf-token")
        session["user"] = session_entry(client.application, user)
    return user


@pytest.fixture
def api_token(app, owner):
    """An API token of the `owner` account, for Authorization: Bearer ..."""
    from argmap import accounts

    conn = connect(app.config["DATABASE"])
    try:
        return accounts.create_token(conn, owner["id"], "tests")
    finally:
        conn.conn.close()


@pytest.fixture
def seed_owner(seeded_app):
    """The owner account made on first start (it owns the seed map), with a known password."""
    from argmap import accounts
    from argmap.owner import OWNER_EMAIL

    conn = connect(seeded_app.config["DATABASE"])
    try:
        accounts.set_password(conn, OWNER_EMAIL, PASSWORD)
        return accounts.find_user(conn, OWNER_EMAIL)
    finally:
        conn.conn.close()
