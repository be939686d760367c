"""Accounts: sign up, log in and out, passwords, API tokens, the owner made on first start."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from urllib.parse import unquote

import pytest
from conftest import PASSWORD, ROOT, log_in
from helpers import run_cli

from argmap import accounts, create_app, members
from argmap.db import connect
from argmap.owner import OWNER_EMAIL

TOKEN = "test-csrf-token"


@pytest.fixture
def browser_client(client):
    """A test client holding a session with a form token, as a browser tab does."""
    with client.session_transaction() as session:
        session["csrf_token"] = TOKEN
    return client


def sign_up(client, email="ana@example.org", name="Ana", password=PASSWORD):
    """Send the sign-up form."""
    form = {"email": email, "name": name, "password": password, "csrf_token": TOKEN}
    return client.post("/signup", data=form)


def logged_in_name(client) -> str | None:
    """The name the page header shows as logged in, if any."""
    found = re.search(r'<span class="who">(.*?)</span>', client.get("/").get_data(as_text=True))
    return found.group(1) if found else None


def test_sign_up_creates_a_hashed_account_to_log_in_with(browser_client, db):
    response = sign_up(browser_client)
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert "If that email is new here, its account is ready" in browser_client.get(
        "/login"
    ).get_data(as_text=True)
    assert logged_in_name(browser_client) is None
    user = db.execute("SELECT * FROM users").fetchone()
    assert (user["email"], user["name"]) == ("ana@example.org", "Ana")
    assert PASSWORD not in user["password_hash"]
    assert user["password_hash"].startswith("scrypt:")
    log_in(browser_client, "ana@example.org")
    assert logged_in_name(browser_client) == "Ana"


@pytest.mark.parametrize(
    ("email", "name", "password", "field", "message"),
    [
        ("not-an-email", "Ana", PASSWORD, "email", "Give an email address"),
        ("ana@example.org", "  ", PASSWORD, "name", "Give a name"),
        ("ana@example.org", "x" * 61, PASSWORD, "name", "shorten it to 60"),
        ("ana@example.org", "Ana\x00", PASSWORD, "name", "letters, digits and punctuation"),
        ("ana@example.org", "Ana", "short", "password", "at least 8 characters"),
        ("ana@example.org", "Ana", "password", "password", "top-10 common password"),
        ("ana@example.org", "Ana", "ANA@example.org", "password", "not be your email"),
    ],
)
def test_sign_up_refuses_bad_input_and_keeps_the_form(
    browser_client, db, email, name, password, field, message
):
    response = sign_up(browser_client, email, name, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and f'data-field="{field}"' in page
    assert f'value="{password}"' not in page
    assert db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0


def test_sign_up_answers_the_same_whether_the_email_has_an_account(app, make_user, db):
    make_user("ana@example.org", "Ana")
    before = db.execute("SELECT * FROM users").fetchone()
    answers = []
    for email in ("ANA@example.org", "new@example.org"):
        client = app.test_client()
        with client.session_transaction() as session:
            session["csrf_token"] = TOKEN
        response = sign_up(client, email, "Other Ana", "a different password 42")
        page = client.get("/login").get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"], page))
    assert answers[0] == answers[1]
    assert db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 2
    assert tuple(db.execute("SELECT * FROM users WHERE id = ?", (before["id"],)).fetchone()) == (
        tuple(before)
    )
    assert accounts.authenticate(db, "ana@example.org", "a different password 42") is None
    assert accounts.authenticate(db, "ana@example.org", PASSWORD)


def test_wrong_password_and_unknown_email_get_the_same_answer(browser_client, make_user):
    make_user("ana@example.org", "Ana")
    answers = []
    for email, password in (("ana@example.org", "wrong password"), ("nobody@example.org", "x")):
        form = {"email": email, "password": password, "csrf_token": TOKEN}
        response = browser_client.post("/login", data=form)
        page = response.get_data(as_text=True)
        assert "Wrong email or password." in page
        assert 'value="' + email + '"' in page and f'value="{password}"' not in page
        answers.append((response.status_code, page.replace(email, "EMAIL")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 401
    assert logged_in_name(browser_client) is None


def test_log_in_goes_back_to_the_page_asked_for_but_not_off_site(browser_client, make_user):
    make_user("ana@example.org", "Ana")
    form = {"email": "ana@example.org", "password": PASSWORD, "csrf_token": TOKEN}
    response = browser_client.post("/login", data={**form, "next": "/account"})
    assert response.headers["Location"] == "/account"
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = browser_client.post("/login", data={**form, "next": target})
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/phish",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "/%20/evil.example",
        "/%09%5Cevil.example",
        "%09//evil.example",
        "/%00/evil.example",
        "/%E2%80%8B/evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/%0a%0a/evil.example",
    ],
)
def test_log_in_never_leads_off_site_through_hidden_characters(browser_client, make_user, target):
    make_user("ana@example.org", "Ana")
    page = browser_client.get(f"/login?next={target}").get_data(as_text=True)
    kept = html.unescape(re.search(r'name="next" value="([^"]*)"', page).group(1))
    assert kept == "/"
    form = {"email": "ana@example.org", "password": PASSWORD, "csrf_token": TOKEN}
    response = browser_client.post("/login", data={**form, "next": unquote(target)})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert logged_in_name(browser_client) == "Ana"


def test_log_in_keeps_a_path_with_its_query(browser_client, make_user):
    make_user("ana@example.org", "Ana")
    page = browser_client.get("/login?next=/maps/3%3Fnode%3D4").get_data(as_text=True)
    assert 'name="next" value="/maps/3?node=4"' in page
    form = {"email": "ana@example.org", "password": PASSWORD, "csrf_token": TOKEN}
    response = browser_client.post("/login", data={**form, "next": "/maps/3?node=4"})
    assert response.headers["Location"] == "/maps/3?node=4"


def test_log_out_ends_the_session(browser_client, make_user):
    make_user("ana@example.org", "Ana")
    log_in(browser_client, "ana@example.org")
    assert browser_client.get("/account").status_code == 200
    assert browser_client.post("/logout", data={"csrf_token": TOKEN}).status_code == 302
    assert browser_client.get("/account").status_code == 302
    assert logged_in_name(browser_client) is None


def test_a_new_password_ends_the_old_sessions(app, browser_client, make_user, db):
    make_user("ana@example.org", "Ana")
    log_in(browser_client, "ana@example.org")
    accounts.set_password(db, "ana@example.org", "a brand new password")
    assert browser_client.get("/account").status_code == 302
    log_in(browser_client, "ana@example.org", "a brand new password")
    assert browser_client.get("/account").status_code == 200


def test_an_api_token_is_shown_once_and_kept_only_hashed(browser_client, owner, db):
    response = browser_client.post(
        "/account/tokens", data={"name": "My script", "csrf_token": TOKEN}
    )
    page = response.get_data(as_text=True)
    token = re.search(r"am_[a-z0-9]{8}_[A-Za-z0-9_-]+", page).group()
    assert response.headers["Cache-Control"] == "no-store"
    assert token not in browser_client.get("/account").get_data(as_text=True)
    stored = db.execute("SELECT * FROM api_tokens").fetchone()
    assert stored["name"] == "My script"
    assert token not in str(tuple(stored))
    assert token.split("_", 2)[2] not in str(tuple(stored))


def test_an_api_token_works_without_cookie_or_csrf_header(app, owner, api_token, db):
    script = app.test_client()
    headers = {"Authorization": f"Bearer {api_token}"}
    created = script.post("/api/maps", json={"title": "By script"}, headers=headers)
    assert created.status_code == 201
    map_id = created.get_json()["id"]
    added = script.post(
        f"/api/maps/{map_id}/nodes", json={"kind": "claim", "text": "C"}, headers=headers
    )
    assert added.status_code == 201
    event = db.execute("SELECT actor, member_id FROM events ORDER BY id DESC").fetchone()
    member = members.of_user(db, map_id, owner["id"])
    assert tuple(event) == ("Olga Owner", member["id"])
    used = db.execute("SELECT last_used FROM api_tokens").fetchone()[0]
    assert used is not None


def test_a_revoked_token_is_refused(app, browser_client, owner, api_token, db):
    script = app.test_client()
    headers = {"Authorization": f"Bearer {api_token}"}
    assert script.get("/api/maps", headers=headers).status_code == 200
    token_id = db.execute("SELECT id FROM api_tokens").fetchone()[0]
    response = browser_client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": TOKEN})
    assert response.status_code == 302
    assert "revoked" in browser_client.get("/account").get_data(as_text=True)
    refused = script.post("/api/maps", json={"title": "Too late"}, headers=headers)
    assert refused.status_code == 401
    assert refused.get_json() == {
        "error": "This API token is not valid (revoked or mistyped): create a new one on your"
        " account page.",
        "field": "Authorization",
    }
    assert db.execute("SELECT COUNT(*) FROM maps").fetchone()[0] == 0


@pytest.mark.parametrize(
    "header",
    ["Bearer am_abcdefgh_" + "x" * 43, "Bearer nonsense", "Bearer "],
)
def test_a_wrong_token_is_refused_even_with_a_session(browser_client, owner, header, db):
    response = browser_client.get("/api/maps", headers={"Authorization": header})
    assert response.status_code == 401
    refused = browser_client.post(
        "/api/maps", json={"title": "x"}, headers={"Authorization": header}
    )
    assert refused.status_code == 401
    assert db.execute("SELECT COUNT(*) FROM maps").fetchone()[0] == 0


def test_someone_elses_token_cannot_revoke(browser_client, owner, make_user, db):
    other = make_user("bo@example.org", "Bo")
    accounts.create_token(db, other["id"], "Bo's")
    token_id = db.execute("SELECT id FROM api_tokens").fetchone()[0]
    assert (
        browser_client.post(
            f"/account/tokens/{token_id}/revoke", data={"csrf_token": TOKEN}
        ).status_code
        == 404
    )
    assert db.execute("SELECT revoked_at FROM api_tokens").fetchone()[0] is None


def test_create_user_and_reset_password_commands(app, browser_client, db):
    done = run_cli(
        app,
        "create-user",
        "teacher@school.example",
        "--name",
        "Ms T",
        "--password-stdin",
        stdin="first password\n",
    )
    assert done.exit_code == 0, done.output
    assert "first password" not in done.output
    log_in(browser_client, "teacher@school.example", "first password")
    assert logged_in_name(browser_client) == "Ms T"
    again = run_cli(
        app, "create-user", "teacher@school.example", "--password-stdin", stdin="another one\n"
    )
    assert again.exit_code == 1 and "log in instead" in again.output
    reset = run_cli(
        app,
        "reset-password",
        "teacher@school.example",
        "--password-stdin",
        stdin="second password\n",
    )
    assert reset.exit_code == 0, reset.output
    assert accounts.authenticate(db, "teacher@school.example", "second password")
    missing = run_cli(
        app,
        "reset-password",
        "nobody@school.example",
        "--password-stdin",
        stdin="whatever password\n",
    )
    assert missing.exit_code == 1 and "There is no account" in missing.output


def test_first_start_makes_the_owner_of_the_public_seed_map(seeded_app, seed_owner):
    db = connect(seeded_app.config["DATABASE"])
    found = db.execute("SELECT id, owner_id, public FROM maps").fetchall()
    db.conn.close()
    assert [(r["owner_id"], r["public"]) for r in found] == [(seed_owner["id"], 1)]
    url = f"/api/maps/{found[0]['id']}"
    assert seeded_app.test_client().get(url[4:]).status_code == 200
    assert seeded_app.test_client().get(url).status_code == 200
    refused = seeded_app.test_client().post(f"{url}/nodes", json={"kind": "claim", "text": "x"})
    assert refused.status_code == 403
    owner = seeded_app.test_client()
    log_in(owner, OWNER_EMAIL)
    headers = {"X-CSRF-Token": "test-csrf-token"}
    done = owner.post(f"{url}/nodes", json={"kind": "claim", "text": "x"}, headers=headers)
    assert done.status_code == 201


def test_first_start_prints_the_owner_password_once(tmp_path):
    env = {
        **os.environ,
        "ARGMAP_DATABASE": str(tmp_path / "first.sqlite"),
        "ARGMAP_SECRET_KEY": "test",
        "ARGMAP_SEED": "1",
    }
    start = [sys.executable, "-c", "from argmap import create_app; create_app()"]
    first = subprocess.run(start, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    password = re.search(r"password: (\S+)", first.stdout).group(1)
    second = subprocess.run(start, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "password" not in second.stdout + second.stderr
    app = create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "first.sqlite"), "SECRET_KEY": "test"}
    )
    client = app.test_client()
    log_in(client, OWNER_EMAIL, password)
    listed = client.get("/api/maps").get_json()["maps"]
    assert [m["role"] for m in listed] == ["owner"]
