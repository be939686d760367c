"""Rate limits: failed log-ins and join codes, counted in SQLite for every worker process."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from conftest import PASSWORD, Server, create_account
from helpers import fresh_app_config

from argmap import create_app, members
from argmap.db import connect

TOKEN = "test-csrf-token"
LIMIT = 3


@pytest.fixture
def limited(tmp_path):
    """An app that allows 3 failed attempts per 5 minutes."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SEED": False,
            "DATABASE": str(tmp_path / "limited.sqlite"),
            "LOGIN_LIMIT": LIMIT,
            "JOIN_LIMIT": LIMIT,
        }
    )


def browser(app):
    """A test client with a session and its form token."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = TOKEN
    return client


def log_in(client, email: str, password: str):
    """Send the log-in form."""
    return client.post("/login", data={"email": email, "password": password, "csrf_token": TOKEN})


def attempts(app) -> int:
    """How many failed attempts the database holds."""
    db = connect(app.config["DATABASE"])
    try:
        return db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    finally:
        db.conn.close()


def test_log_in_is_refused_after_too_many_wrong_passwords(limited):
    create_account(limited.config["DATABASE"], "ana@example.org", "Ana")
    client = browser(limited)
    for _ in range(LIMIT):
        assert log_in(client, "ana@example.org", "wrong password").status_code == 401
    refused = log_in(client, "ana@example.org", PASSWORD)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Too many attempts: wait 5 minutes and try again." in page
    assert 'value="ana@example.org"' in page
    assert 240 < int(refused.headers["Retry-After"]) <= 300
    with client.session_transaction() as session:
        assert "user" not in session


def from_address(app, address: str):
    """A browser at another address."""
    client = browser(app)
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_the_account_ceiling_counts_from_any_address_with_a_wait_that_grows(limited):
    limited.config.update(LOGIN_LIMIT=10, LOGIN_ACCOUNT_LIMIT=LIMIT)
    create_account(limited.config["DATABASE"], "ana@example.org", "Ana")
    for number in range(LIMIT):
        assert (
            log_in(from_address(limited, f"10.0.0.{number}"), "ANA@example.org", "x").status_code
            == 401
        )
    refused = log_in(from_address(limited, "10.9.9.9"), "ana@example.org", PASSWORD)
    assert refused.status_code == 429
    assert 295 < int(refused.headers["Retry-After"]) <= 300
    age(limited, 301)  # the wait is over: LIMIT more guesses, then twice the wait
    for number in range(LIMIT):
        assert (
            log_in(from_address(limited, f"10.1.0.{number}"), "ana@example.org", "x").status_code
            == 401
        )
    again = log_in(from_address(limited, "10.9.9.9"), "ana@example.org", PASSWORD)
    assert again.status_code == 429
    assert 595 < int(again.headers["Retry-After"]) <= 600
    assert "wait 10 minutes" in again.get_data(as_text=True)


def test_ten_wrong_passwords_from_ten_addresses_leave_a_known_browser_in(tmp_path):
    app = create_app(fresh_app_config(tmp_path))  # the default limits
    create_account(app.config["DATABASE"], "ana@example.org", "Ana")
    own = browser(app)
    assert log_in(own, "ana@example.org", PASSWORD).status_code == 302
    own.post("/logout", data={"csrf_token": TOKEN})
    with own.session_transaction() as session:
        session["csrf_token"] = TOKEN
    for number in range(10):
        assert (
            log_in(from_address(app, f"10.0.0.{number}"), "ana@example.org", "x").status_code == 401
        )
    assert log_in(own, "ana@example.org", PASSWORD).status_code == 302


def test_a_known_browser_is_exempt_from_the_account_ceiling_only_for_its_account(limited):
    limited.config.update(LOGIN_LIMIT=10, LOGIN_ACCOUNT_LIMIT=LIMIT)
    create_account(limited.config["DATABASE"], "ana@example.org", "Ana")
    create_account(limited.config["DATABASE"], "bo@example.org", "Bo")
    own = browser(limited)
    assert log_in(own, "ana@example.org", PASSWORD).status_code == 302
    for email in ("ana@example.org", "bo@example.org"):
        for number in range(LIMIT):
            log_in(from_address(limited, f"10.0.0.{number}"), email, "wrong password")
    assert log_in(from_address(limited, "10.9.9.9"), "ana@example.org", PASSWORD).status_code == 429
    assert log_in(own, "ana@example.org", PASSWORD).status_code == 302
    assert log_in(own, "bo@example.org", PASSWORD).status_code == 429
    forged = browser(limited)
    forged.set_cookie("argmap_device", own.get_cookie("argmap_device").value[:-2] + "xx")
    assert log_in(forged, "ana@example.org", PASSWORD).status_code == 429


def test_a_known_browser_still_has_its_own_limit(limited):
    create_account(limited.config["DATABASE"], "ana@example.org", "Ana")
    own = browser(limited)
    assert log_in(own, "ana@example.org", PASSWORD).status_code == 302
    for _ in range(LIMIT):
        assert log_in(own, "ana@example.org", "wrong password").status_code == 401
    assert log_in(own, "ana@example.org", PASSWORD).status_code == 429


def test_a_copied_device_cookie_is_one_device_from_every_address(limited):
    limited.config.update(LOGIN_LIMIT=LIMIT, LOGIN_ACCOUNT_LIMIT=100, LOGIN_ADDRESS_LIMIT=100)
    create_account(limited.config["DATABASE"], "ana@example.org", "Ana")
    own = browser(limited)
    assert log_in(own, "ana@example.org", PASSWORD).status_code == 302
    copied = own.get_cookie("argmap_device").value
    answers = []
    for number in range(LIMIT + 2):
        thief = from_address(limited, f"10.3.0.{number}")
        thief.set_cookie("argmap_device", copied)
        answers.append(log_in(thief, "ana@example.org", "wrong password").status_code)
    assert answers == [401] * LIMIT + [429, 429]


def test_the_address_ceiling_counts_for_any_account(limited):
    limited.config.update(LOGIN_ADDRESS_LIMIT=LIMIT)
    create_account(limited.config["DATABASE"], "ana@example.org", "Ana")
    client = browser(limited)
    for number in range(LIMIT):
        log_in(client, f"guess{number}@example.org", "wrong password")
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 429
    other = from_address(limited, "10.1.1.1")
    assert log_in(other, "ana@example.org", PASSWORD).status_code == 302


def test_a_good_log_in_does_not_count_and_clears_its_own_failures(limited):
    create_account(limited.config["DATABASE"], "ana@example.org", "Ana")
    client = browser(limited)
    log_in(client, "ana@example.org", "wrong password")
    for _ in range(LIMIT + 1):
        assert log_in(client, "ana@example.org", PASSWORD).status_code == 302
    assert keys(limited) == ["login:account:ana@example.org", "login:ip:127.0.0.1"]


def age(app, seconds: float) -> None:
    """Make every counted attempt older."""
    db = connect(app.config["DATABASE"])
    with db.conn:
        db.execute("UPDATE attempts SET at = at - ?", (seconds,))
    db.conn.close()


def keys(app) -> list[str]:
    """The keys of the counted attempts."""
    db = connect(app.config["DATABASE"])
    try:
        return [r[0] for r in db.execute("SELECT key FROM attempts ORDER BY key")]
    finally:
        db.conn.close()


def test_attempts_older_than_the_window_no_longer_count(limited):
    create_account(limited.config["DATABASE"], "ana@example.org", "Ana")
    client = browser(limited)
    for _ in range(LIMIT):
        log_in(client, "ana@example.org", "wrong password")
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 429
    db = connect(limited.config["DATABASE"])
    with db.conn:
        db.execute("UPDATE attempts SET at = at - 301")
    db.conn.close()
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 302


def test_wrong_join_codes_are_limited_but_the_right_one_works_until_then(limited):
    db = connect(limited.config["DATABASE"])
    olga = create_account(limited.config["DATABASE"], "olga@example.org", "Olga")
    code = members.new_code(db, members.create_map(db, olga, "Class"), "editor")["code"]
    db.conn.close()
    for number in range(40):  # a class behind one address joins with the right code
        student = browser(limited)
        response = student.post(f"/join/{code}", data={"name": f"S{number}", "csrf_token": TOKEN})
        assert response.status_code == 302
    guesser = browser(limited)
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
        assert guesser.get(f"/join/{guess}").status_code == 404
    refused = guesser.get("/join", query_string={"code": code})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    late = browser(limited).post(f"/join/{code}", data={"name": "Late", "csrf_token": TOKEN})
    assert late.status_code == 429
    db = connect(limited.config["DATABASE"])
    assert db.execute("SELECT COUNT(*) FROM members").fetchone()[0] == 41
    db.conn.close()


class Browser:
    """A cookie-keeping HTTP client of a real server, filling in the page's form token."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str]:
        """GET a page."""
        return self.send(urllib.request.Request(self.url + path))

    def post(self, path: str, form: dict) -> tuple[int, str]:
        """POST a form with the token of the login page's session."""
        _, page = self.get("/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**form, "csrf_token": token}).encode()
        return self.send(urllib.request.Request(self.url + path, data=data))

    def send(self, request) -> tuple[int, str]:
        """The status and text of the answer."""
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects instead of following them."""

    def redirect_request(self, *args, **kwargs):
        """Do not follow."""
        return None


@pytest.mark.server
def test_the_limit_holds_across_worker_processes(tmp_path):
    running = Server(tmp_path, workers=3, env={"ARGMAP_LOGIN_LIMIT": "4"})
    try:
        create_account(running.database, "ana@example.org", "Ana")
        client = Browser(running.url)
        wrong = {"email": "ana@example.org", "password": "wrong password"}
        statuses = [client.post("/login", wrong)[0] for _ in range(4)]
        assert statuses == [401] * 4
        for _ in range(3):  # whichever worker answers
            status, page = client.post("/login", {**wrong, "password": PASSWORD})
            assert status == 429 and "Too many attempts" in page
    finally:
        running.stop()
