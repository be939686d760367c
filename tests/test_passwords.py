"""The password policy: common, trivial and email passwords are refused everywhere one is set."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, create_account, log_in
from helpers import run_cli
from werkzeug.security import generate_password_hash

from argmap import accounts
from argmap.db import connect, now

TOKEN = "test-csrf-token"
EMAIL = "teacher@school.example"

# password, what the message says
REFUSED = [
    ("password", "this is a top-10 common password"),
    ("12345678", "this is a top-10 common password"),
    ("        ", "spaces alone are easy to guess"),
    (EMAIL, "it must not be your email address"),
    ("TEACHER@school.example!", "it must not be your email address"),
    ("teacher1", "Choose another password"),
    ("abcdefgh", "sequences like"),
]


def stored_hash(app, email: str) -> str | None:
    """The account's password hash, or None when there is no account."""
    db = connect(app.config["DATABASE"])
    try:
        found = accounts.find_user(db, email)
        return found["password_hash"] if found else None
    finally:
        db.conn.close()


@pytest.mark.parametrize(("password", "why"), REFUSED)
def test_sign_up_refuses_an_easy_password_and_says_why(app, csrf, client, password, why):
    form = {"email": EMAIL, "name": "T", "password": password, "csrf_token": csrf}
    response = client.post("/signup", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose another password" in page and why in page
    assert 'data-field="password"' in page and f'value="{EMAIL}"' in page
    assert stored_hash(app, EMAIL) is None


@pytest.mark.parametrize(("password", "why"), REFUSED)
def test_create_user_refuses_an_easy_password(app, password, why):
    done = run_cli(app, "create-user", EMAIL, "--password-stdin", stdin=password + "\n")
    assert done.exit_code == 1
    assert "Choose another password" in done.output and why in done.output
    assert stored_hash(app, EMAIL) is None


@pytest.mark.parametrize(("password", "why"), REFUSED)
def test_reset_password_refuses_an_easy_password(app, password, why):
    create_account(app.config["DATABASE"], EMAIL, "T")
    before = stored_hash(app, EMAIL)
    done = run_cli(app, "reset-password", EMAIL, "--password-stdin", stdin=password + "\n")
    assert done.exit_code == 1
    assert why in done.output
    assert stored_hash(app, EMAIL) == before


@pytest.mark.parametrize(("password", "why"), REFUSED[:4])
def test_the_account_page_refuses_an_easy_new_password(app, client, csrf, password, why):
    create_account(app.config["DATABASE"], EMAIL, "T")
    log_in(client, EMAIL)
    before = stored_hash(app, EMAIL)
    form = {"current_password": PASSWORD, "password": password, "csrf_token": csrf}
    response = client.post("/account/password", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert why in page and 'data-field="password"' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert stored_hash(app, EMAIL) == before
    assert client.get("/account").status_code == 200


def test_a_good_password_is_accepted_everywhere(app):
    done = run_cli(app, "create-user", EMAIL, "--password-stdin", stdin="plum tree in winter\n")
    assert done.exit_code == 0, done.output
    reset = run_cli(app, "reset-password", EMAIL, "--password-stdin", stdin="a kettle of ravens\n")
    assert reset.exit_code == 0, reset.output


def test_an_existing_weak_password_still_logs_in(app, client):
    db = connect(app.config["DATABASE"])
    with db.conn:
        db.execute(
            "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)",
            (EMAIL, "Old", generate_password_hash("password"), now()),
        )
    db.conn.close()
    log_in(client, EMAIL, "password")
    assert client.get("/account").status_code == 200
