"""Where accounts come from: sign-up (off unless turned on, limited), the owner's page."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, create_account, log_in
from helpers import fresh_app_config

from argmap import create_app
from argmap.db import connect

TOKEN = "test-csrf-token"


def browser(app, address: str = "127.0.0.1"):
    """A test client with a form token, at an address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    with client.session_transaction() as session:
        session["csrf_token"] = TOKEN
    return client


def sign_up(client, email: str, password: str = PASSWORD):
    """Send the sign-up form."""
    form = {"email": email, "name": "Ana", "password": password, "csrf_token": TOKEN}
    return client.post("/signup", data=form)


def user_count(app) -> int:
    """How many accounts the database holds."""
    db = connect(app.config["DATABASE"])
    try:
        return db.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    finally:
        db.conn.close()


@pytest.fixture
def closed(tmp_path):
    """An app with the default settings: sign-up off."""
    config = fresh_app_config(tmp_path)
    del config["SIGNUP"]
    return create_app(config)


def test_sign_up_is_off_unless_turned_on(closed):
    client = browser(closed)
    page = client.get("/signup")
    assert page.status_code == 403
    assert "Sign-up is off on this argmap: ask whoever runs it" in page.get_data(as_text=True)
    refused = sign_up(client, "ana@example.org")
    assert refused.status_code == 403
    assert user_count(closed) == 0
    for path in ("/", "/login"):
        assert "/signup" not in client.get(path).get_data(as_text=True)


def test_sign_up_is_limited_per_address(app):
    app.config["SIGNUP_LIMIT"] = 2
    client = browser(app)
    assert sign_up(client, "a@example.org").status_code == 302
    assert sign_up(client, "b@example.org").status_code == 302
    refused = sign_up(client, "c@example.org")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert sign_up(browser(app, "10.0.0.2"), "d@example.org").status_code == 302
    assert user_count(app) == 3


def test_a_sign_up_for_a_known_email_counts_too(app):
    app.config["SIGNUP_LIMIT"] = 1
    create_account(app.config["DATABASE"], "ana@example.org", "Ana")
    client = browser(app)
    assert sign_up(client, "ana@example.org", "another good password 7").status_code == 302
    assert sign_up(client, "new@example.org").status_code == 429


@pytest.fixture
def instance(app):
    """The first account of the install (its owner) and a second one."""
    first = create_account(app.config["DATABASE"], "owner@localhost", "Owner")
    other = create_account(app.config["DATABASE"], "bo@example.org", "Bo")
    return first, other


def new_account(client, **fields):
    """Send the owner's form to create an account."""
    form = {"name": "Cleo", "email": "cleo@school.example", "password": PASSWORD, **fields}
    return client.post("/accounts/new", data={**form, "csrf_token": TOKEN})


def test_the_owner_creates_an_account_on_a_page(closed, instance):
    client = browser(closed)
    log_in(client, "owner@localhost")
    assert 'href="/accounts/new"' in client.get("/account").get_data(as_text=True)
    form = client.get("/accounts/new")
    assert form.status_code == 200 and 'name="csrf_token"' in form.get_data(as_text=True)
    done = new_account(client)
    assert (done.status_code, done.headers["Location"]) == (302, "/accounts/new")
    assert "Created the account cleo@school.example" in client.get("/accounts/new").get_data(
        as_text=True
    )
    cleo = browser(closed, "10.0.0.3")
    log_in(cleo, "cleo@school.example")
    assert "Cleo" in cleo.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not an email"}, "email", "Give an email address"),
        ({"email": "bo@example.org"}, "email", "There is an account with this email already"),
        ({"name": " "}, "name", "Give a name"),
        ({"password": "12345678"}, "password", "top-10 common password"),
        ({"password": "cleo@school.example"}, "password", "not be your email"),
    ],
)
def test_the_owners_page_says_what_to_fix(closed, instance, fields, field, message):
    client = browser(closed)
    log_in(client, "owner@localhost")
    refused = new_account(client, **fields)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert message in page and f'data-field="{field}"' in page
    if field != "email":
        assert 'value="cleo@school.example"' in page
    assert user_count(closed) == 2


def test_only_the_instance_owner_creates_accounts(closed, instance):
    client = browser(closed)
    log_in(client, "bo@example.org")
    assert "/accounts/new" not in client.get("/account").get_data(as_text=True)
    assert client.get("/accounts/new").status_code == 403
    assert new_account(client).status_code == 403
    anonymous = browser(closed)
    assert anonymous.get("/accounts/new").status_code == 302
    assert new_account(anonymous).status_code == 401
    owner = browser(closed)
    log_in(owner, "owner@localhost")
    without_token = owner.post(
        "/accounts/new", data={"name": "X", "email": "x@example.org", "password": PASSWORD}
    )
    assert without_token.status_code == 400
    assert user_count(closed) == 2
