"""Sign up, log in and out, and the account page with its API tokens."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)  # fmt: skip

from .. import accounts, ratelimit
from ..db import get_db
from ..errors import ArgmapError, Unauthorized
from ..web.access import account_required, anyone, current_person, log_in
from ..web.errorpages import refused

bp = Blueprint("auth", __name__)


def safe_next(value: object) -> str:
    """Where to go after logging in: a path on this site only, else "/" (never another site)."""
    if not isinstance(value, str):
        return "/"
    # Browsers drop tabs and newlines from a URL: "/\t/evil.example" would lead off-site.
    target = "".join(ch for ch in value if not ch.isspace() and unicodedata.category(ch)[0] != "C")
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


def form_values() -> dict:
    """The submitted form without the password (never sent back to the page)."""
    return {k: v for k, v in request.form.items() if k not in ("password", "csrf_token")}


@bp.get("/signup")
def signup_form():
    """The sign-up form."""
    return render_template("auth/signup.html", form={}, error=None)


@bp.post("/signup")
@anyone
def signup():
    """Create an account and log it in."""
    form = request.form
    db = get_db()
    try:
        user_id = accounts.create_user(
            db, form.get("email"), form.get("name"), form.get("password")
        )
    except ArgmapError as error:
        return refused("auth/signup.html", error, form=form_values())
    log_in(accounts.get_user(db, user_id))
    flash("Welcome to argmap: your account is ready. Create your first map below.")
    return redirect(url_for("pages.index"))


@bp.get("/login")
def login_form():
    """The log-in form."""
    form = {"next": safe_next(request.args.get("next"))}
    return render_template("auth/login.html", form=form, error=None)


def login_keys(email: str) -> list[str]:
    """The rate-limit keys of a log-in: the sender's address and the account asked for."""
    return [f"login:ip:{request.remote_addr}", f"login:email:{email.strip().lower()}"]


@bp.post("/login")
@anyone
def login():
    """Log in; a wrong email or password gets the same answer, and only so many tries."""
    db, config = get_db(), current_app.config
    email = request.form.get("email", "")
    keys = login_keys(email)
    try:
        ratelimit.check(db, keys, config["LOGIN_LIMIT"], config["LIMIT_WINDOW"], "email")
        user = accounts.authenticate(db, email, request.form.get("password"))
        if user is None:
            ratelimit.fail(db, keys, config["LIMIT_WINDOW"])
            raise Unauthorized("Wrong email or password.", "password")
    except ArgmapError as error:
        return refused("auth/login.html", error, form=form_values())
    ratelimit.forget(db, keys[1])
    log_in(user)
    flash(f"Logged in as {user['name']}.")
    return redirect(safe_next(request.values.get("next")))


@bp.post("/logout")
@anyone
def logout():
    """End the session (and forget the maps joined in this browser)."""
    session.clear()
    flash("Logged out.")
    return redirect(url_for("pages.index"))


def account_page(new_token: str | None = None, error: ArgmapError | None = None, status=200):
    """The account page; a new token is shown this once and never cached."""
    user = current_person().user
    found = accounts.tokens(get_db(), user["id"])
    response = make_response(
        render_template("auth/account.html", user=user, tokens=found, new_token=new_token,
                        error=error, form=form_values()), status,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account")
@account_required
def account():
    """The person's account: name, email and API tokens."""
    return account_page()


@bp.post("/account/tokens")
@account_required
def create_token():
    """Create an API token and show it once."""
    user = current_person().user
    try:
        token = accounts.create_token(get_db(), user["id"], request.form.get("name"))
    except ArgmapError as error:
        return account_page(error=error, status=error.status)
    return account_page(new_token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@account_required
def revoke_token(token_id: int):
    """Revoke an API token: requests with it get 401 from now on."""
    found = accounts.revoke_token(get_db(), current_person().user["id"], token_id)
    flash(f"Revoked the token “{found['name']}”.")
    return redirect(url_for("auth.account"))
