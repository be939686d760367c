"""Shared fixtures: an app on a fresh SQLite file, a real server, headless Chromium."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from corpus import MISSING
from corpus import present as corpus_present
from helpers import PASSWORD, fresh_app_config, quick_hash, session_entry

import testbed
from argmap import create_app
from argmap.db import connect

# Also imported from here by test files (from conftest import ROOT, Server, ...).
from testbed import ROOT as ROOT


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


class Server(testbed.Server):
    """A real argmap server (`argmap serve`, one worker of 32 threads unless told) on its own
    database file in tmp_path."""

    def __init__(
        self, tmp_path: Path, workers: int = 1, seed: bool = False, env: dict | None = None
    ):
        flags = ("--workers", str(workers), "--threads", "32")
        super().__init__(tmp_path, *flags, seed=seed, env=env)


@pytest.fixture
def server(tmp_path):
    """A running argmap server with an empty database."""
    running = Server(tmp_path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One running server (empty database) for a module's tests; each makes its own map on it."""
    running = Server(tmp_path_factory.mktemp("shared"))
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
    with testbed.chromium() as chromium:
        yield chromium


@contextmanager
def browser_contexts(browser) -> Iterator[Callable]:
    """open(**options): a page in a fresh browser context (another person, 10 s timeouts);
    every context opened is closed on leaving."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts: each context is another person."""
    with browser_contexts(browser) as open_page:
        yield lambda: open_page(viewport={"width": 1400, "height": 1000})


@pytest.fixture
def page(new_page):
    """One person's page in headless Chromium."""
    return new_page()


# Accounts and access (people and roles): accounts, logged-in clients, API tokens.


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


def log_in_form(page, url: str, email: str) -> None:
    """Log in through the form (a Playwright page), as the account with the test password."""
    from playwright.sync_api import expect  # here: only browser tests call it

    page.goto(url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:text('Log in')")
    expect(page.locator(".who")).to_be_visible()


def join_by_code(page, url: str, code: str, name: str, team: str | None = None) -> None:
    """Join a map with its code under a name, without an account (an editor's code), picking
    a team on the way in when the map lets students pick theirs."""
    from playwright.sync_api import expect

    page.goto(f"{url}/join/{code}")
    page.fill("input[name=name]", name)
    if team is not None:
        page.select_option("#join-team", label=team)
    page.click("button:text('Join')")
    expect(page.locator("#my-role")).to_contain_text(f"you are {name}, an editor")
