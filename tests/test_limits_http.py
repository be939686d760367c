"""Rate limits through real HTTP: concurrent guesses, known browsers, addresses behind proxies."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import PASSWORD, Server, create_account
from helpers import Session

from argmap import members
from argmap.db import connect

pytestmark = pytest.mark.server

EMAIL = "ana@example.org"
WRONG = "not the password"


def at_once(count: int, work) -> list:
    """Run work(i) for i in range(count) in threads released together."""
    start = threading.Barrier(count)

    def run(number: int):
        start.wait()
        return work(number)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def attempts(server: Server, like: str) -> int:
    """How many attempts the server's database holds under keys like this."""
    db = connect(server.database)
    try:
        return db.execute("SELECT COUNT(*) FROM attempts WHERE key LIKE ?", (like,)).fetchone()[0]
    finally:
        db.conn.close()


@pytest.fixture
def limited_server(tmp_path):
    """A server with the default log-in limit (10) and an account."""
    running = Server(tmp_path)
    create_account(running.database, EMAIL, "Ana")
    yield running
    running.stop()


def test_250_concurrent_wrong_passwords_reach_the_check_at_most_the_limit(limited_server):
    guesser = Session(limited_server)
    statuses = at_once(250, lambda _: guesser.log_in(WRONG))
    assert statuses.count(401) == 10
    assert statuses.count(429) == 240
    assert attempts(limited_server, "login:pair:%") == 10


class Countdown:
    """An event set once `count` requests are on their way."""

    def __init__(self, count: int):
        self.left, self.lock, self.done = count, threading.Lock(), threading.Event()

    def sent(self) -> None:
        """One more request is on its way."""
        with self.lock:
            self.left -= 1
            if self.left == 0:
                self.done.set()


def test_the_right_password_as_guess_40_of_50_concurrent_does_not_log_in(limited_server):
    guesser = Session(limited_server)
    first = Countdown(39)

    def guess(number: int) -> int:
        if number < 39:
            return guesser.log_in(WRONG, sent=first.sent)
        first.done.wait(60)  # guesses 40 to 50 go while the first 39 are being answered
        return guesser.log_in(PASSWORD if number == 39 else WRONG)

    statuses = at_once(50, guess)
    assert statuses[39] == 429
    assert 302 not in statuses
    assert statuses.count(401) == 10
    assert guesser.send("GET", "/account")[0] == 302


def test_100_concurrent_wrong_join_codes_are_looked_up_at_most_the_limit(limited_server):
    db = connect(limited_server.database)
    owner = db.execute("SELECT * FROM users").fetchone()
    code = members.new_code(db, members.create_map(db, dict(owner), "Class"), "editor")["code"]
    db.conn.close()
    guesser = Session(limited_server)
    statuses = at_once(100, lambda n: guesser.send("GET", f"/join/{n:08d}")[0])
    assert statuses.count(404) == 30
    assert statuses.count(429) == 70
    assert guesser.send("GET", f"/join/{code}")[0] == 429
    assert Session(limited_server, "").send("GET", f"/join/{code}")[0] == 429  # same address


def proxied(tmp_path, trusted: str, **env) -> Server:
    """A server behind a proxy setting, with an account and small limits."""
    settings = {"ARGMAP_TRUSTED_PROXIES": trusted, "ARGMAP_LOGIN_LIMIT": "2"}
    running = Server(tmp_path, env={**settings, **env})
    create_account(running.database, EMAIL, "Ana")
    return running


@pytest.mark.parametrize("trusted", ["1", "127.0.0.1", "10.1.2.3, 127.0.0.0/8"])
def test_a_trusted_proxy_gives_each_sender_their_own_limit(tmp_path, trusted):
    running = proxied(tmp_path, trusted)
    try:
        first, second = Session(running, "10.0.0.1"), Session(running, "10.0.0.2")
        assert [first.log_in(WRONG) for _ in range(3)] == [401, 401, 429]
        assert second.log_in(WRONG) == 401
        assert second.log_in(PASSWORD) == 302
        assert attempts(running, "login:pair:10.0.0.1 %") == 2
    finally:
        running.stop()


@pytest.mark.parametrize("trusted", ["0", "10.1.2.3"])
def test_x_forwarded_for_is_ignored_from_a_sender_not_trusted(tmp_path, trusted):
    running = proxied(tmp_path, trusted)
    try:
        first, second = Session(running, "10.0.0.1"), Session(running, "10.0.0.2")
        assert [first.log_in(WRONG) for _ in range(2)] == [401, 401]
        assert second.log_in(PASSWORD) == 429
        assert attempts(running, "login:pair:127.0.0.1 %") == 2
    finally:
        running.stop()


def test_wrong_passwords_from_many_addresses_do_not_lock_out_a_known_browser(tmp_path):
    running = proxied(tmp_path, "1", ARGMAP_LOGIN_LIMIT="10", ARGMAP_LOGIN_ACCOUNT_LIMIT="5")
    try:
        owner = Session(running, "192.168.1.20")
        assert owner.log_in(PASSWORD) == 302
        assert "argmap_device" in owner.cookies
        assert owner.send("POST", "/logout", {})[0] == 302
        owner.open_form()
        for number in range(10):
            assert Session(running, f"10.0.0.{number}").log_in(WRONG) in (401, 429)
        assert Session(running, "10.0.1.1").log_in(PASSWORD) == 429  # a stranger's browser
        assert owner.log_in(PASSWORD) == 302
        assert owner.send("GET", "/account")[0] == 200
    finally:
        running.stop()
