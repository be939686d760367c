"""Sessions end on the server: logout, new passwords; tokens revoked; secrets never cached."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys

import pytest
from conftest import PASSWORD, ROOT, Server, create_account
from helpers import Session

from argmap import accounts, members
from argmap.db import connect

EMAIL = "ana@example.org"
NEW_PASSWORD = "a kettle of ravens"


@pytest.fixture
def running(tmp_path):
    """A real server with an account that has an API token."""
    server = Server(tmp_path)
    create_account(server.database, EMAIL, "Ana")
    db = connect(server.database)
    server.token = accounts.create_token(db, accounts.find_user(db, EMAIL)["id"], "script")
    db.conn.close()
    yield server
    server.stop()


def api_status(server: Server, token: str) -> int:
    """The status of GET /api/maps with the token."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", "/api/maps", headers={"Authorization": f"Bearer {token}"})
        return conn.getresponse().status
    finally:
        conn.close()


def copy_of(session: Session, server: Server) -> Session:
    """Another client holding a copy of the session's cookies (as a thief would)."""
    thief = Session(server)
    thief.cookies = dict(session.cookies)
    return thief


@pytest.mark.server
def test_a_session_cookie_copied_before_logout_no_longer_opens_the_account(running):
    ana = Session(running)
    assert ana.log_in(PASSWORD) == 302
    thief = copy_of(ana, running)
    assert thief.send("GET", "/account")[0] == 200
    assert ana.send("POST", "/logout", {})[0] == 302
    status, _ = thief.send("GET", "/account")
    assert status == 302
    assert api_status(running, running.token) == 200  # logging out leaves tokens alone


@pytest.mark.server
def test_reset_password_ends_sessions_and_revokes_api_tokens(running):
    ana = Session(running)
    assert ana.log_in(PASSWORD) == 302
    env = {
        "ARGMAP_DATABASE": running.database,
        "ARGMAP_SECRET_KEY": "test-secret",
        "ARGMAP_SEED": "0",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "argmap.cli", "reset-password", EMAIL, "--password-stdin"],
        input=NEW_PASSWORD + "\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "1 API token revoked" in done.stdout
    assert ana.send("GET", "/account")[0] == 302
    assert api_status(running, running.token) == 401
    assert Session(running).log_in(NEW_PASSWORD) == 302


@pytest.mark.server
def test_changing_the_password_on_the_account_page_revokes_tokens_and_other_sessions(running):
    ana, elsewhere = Session(running), Session(running, "")
    assert ana.log_in(PASSWORD) == 302 and elsewhere.log_in(PASSWORD) == 302
    form = {"current_password": "not it at all", "password": NEW_PASSWORD}
    ana.send("GET", "/account")
    wrong = ana.send("POST", "/account/password", form)
    assert wrong[0] == 401 and "The current password is not right." in wrong[1]
    assert api_status(running, running.token) == 200
    done = ana.send("POST", "/account/password", {**form, "current_password": PASSWORD})
    assert done[0] == 302
    status, page = ana.send("GET", "/account")
    assert status == 200 and "1 API token revoked" in page
    assert elsewhere.send("GET", "/account")[0] == 302
    assert api_status(running, running.token) == 401


def owned_map(app) -> tuple[dict, int, dict]:
    """An account with a map and an open join code."""
    owner = create_account(app.config["DATABASE"], "olga@example.org", "Olga")
    db = connect(app.config["DATABASE"])
    map_id = members.create_map(db, owner, "Class")
    code = members.new_code(db, map_id, "editor")
    db.conn.close()
    return owner, map_id, code


def test_every_page_with_a_code_or_a_secret_is_never_cached(app, client, csrf, login):
    _, map_id, code = owned_map(app)
    login(client, "olga@example.org")
    pages = {
        "members": client.get(f"/maps/{map_id}/members"),
        "screen": client.get(f"/maps/{map_id}/codes/{code['id']}"),
        "join": app.test_client().get(f"/join/{code['code']}"),
        "join by code": app.test_client().get(f"/join?code={code['code']}"),
        "account": client.get("/account"),
        "new token": client.post("/account/tokens", data={"name": "x", "csrf_token": csrf}),
    }
    assert code["code"] in pages["screen"].get_data(as_text=True)
    assert re.search(r"am_\w{8}_", pages["new token"].get_data(as_text=True))
    cached = {name: r.headers.get("Cache-Control") for name, r in pages.items()}
    assert cached == dict.fromkeys(pages, "no-store"), json.dumps(cached)
