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
    url_for,
)

from .. import accounts, owner, ratelimit
from ..clean import said
from ..db import get_db
from ..errors import ArgmapError, Forbidden, Unauthorized
from ..web import devices, proxies
from ..web.access import account_required, anyone, current_person, log_in, log_out
from ..web.errorpages import refused
from ..web.headers import no_store

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


SECRET_FIELDS = ("password", "current_password", "csrf_token")


def form_values() -> dict:
    """The submitted form without the passwords (never sent back to the page)."""
    return {k: v for k, v in request.form.items() if k not in SECRET_FIELDS}


SIGNED_UP = (
    "If that email is new here, its account is ready: log in with the password you chose."
    " If it had an account already, nothing changed: log in with that account's password."
)


@bp.app_context_processor
def signup_values() -> dict:
    """Whether the pages offer sign-up."""
    return {"signup_open": current_app.config["SIGNUP"]}


def require_signup() -> None:
    """Nothing when sign-up is on; else Forbidden, with where accounts come from."""
    if not current_app.config["SIGNUP"]:
        raise Forbidden(
            "Sign-up is off on this argmap: ask whoever runs it for an account,"
            " or join a map with a code (no account needed)."
        )


@bp.get("/signup")
def signup_form():
    """The sign-up form (when sign-up is on)."""
    require_signup()
    return render_template("auth/signup.html", form={}, error=None)


@bp.post("/signup")
@anyone
def signup():
    """Create an account; the answer is the same whether the email had one or not."""
    require_signup()
    form, db = request.form, get_db()
    limits = ratelimit.signup_limits(current_app.config, proxies.sender())
    try:
        accounts.sign_up(db, form.get("email"), form.get("name"), form.get("password"), limits)
    except ArgmapError as error:
        return refused("auth/signup.html", error, form=form_values())
    flash(SIGNED_UP)
    return redirect(url_for("auth.login_form"))


@bp.get("/login")
def login_form():
    """The log-in form."""
    form = {"next": safe_next(request.args.get("next"))}
    return render_template("auth/login.html", form=form, error=None)


def known_device(email: object) -> str | None:
    """This browser's key if it logged in before to the account of this email."""
    found = accounts.find_user(get_db(), email) if isinstance(email, str) else None
    return devices.key_for(found and found["id"])


@bp.post("/login")
@anyone
def login():
    """Log in; a wrong email or password gets the same answer, and only so many tries."""
    db, address = get_db(), proxies.sender()
    email = request.form.get("email", "")
    limits = ratelimit.login_limits(current_app.config, address, email, known_device(email))
    try:
        counted = ratelimit.take(db, limits, "email")
        user = accounts.authenticate(db, email, request.form.get("password"))
        if user is None:
            raise Unauthorized("Wrong email or password.", "password")
    except ArgmapError as error:
        return refused("auth/login.html", error, form=form_values())
    ratelimit.give_back(db, counted)
    ratelimit.forget(db, ratelimit.pair_key(address, email))
    log_in(user)
    flash(f"Logged in as {user['name']}.")
    response = redirect(safe_next(request.values.get("next")))
    devices.remember(response, user["id"])
    return response


@bp.post("/logout")
@anyone
def logout():
    """End the session, on the server too (and forget the maps joined in this browser)."""
    log_out()
    flash("Logged out.")
    return redirect(url_for("pages.index"))


def account_page(new_token=None, error: ArgmapError | None = None, failed: str = "", status=200):
    """The account page; a new token is shown this once, and the page is never cached."""
    db, user = get_db(), current_person().user
    page = render_template(
        "auth/account.html",
        user=user,
        tokens=accounts.tokens(db, user["id"]),
        new_token=new_token,
        error=error,
        failed=failed,
        form=form_values(),
        instance_owner=owner.is_instance_owner(db, user),
    )
    return no_store(make_response(page, status))


@bp.get("/account")
@account_required
def account():
    """The person's account: name, email, password and API tokens."""
    return account_page()


@bp.post("/account/password")
@account_required
def change_password():
    """A new password, given the current one: other sessions end, API tokens are revoked."""
    db, user, form = get_db(), current_person().user, request.form
    address = proxies.sender()
    try:
        device = devices.key_for(user["id"])
        limits = ratelimit.login_limits(current_app.config, address, user["email"], device)
        counted = ratelimit.take(db, limits, "current_password")
        if accounts.authenticate(db, user["email"], form.get("current_password")) is None:
            raise Unauthorized("The current password is not right.", "current_password")
        ratelimit.give_back(db, counted)
        revoked = accounts.set_password(db, user["email"], form.get("password"))
    except ArgmapError as error:
        return account_page(error=error, failed="password", status=error.status)
    log_in(accounts.get_user(db, user["id"]))
    flash(
        "Your password is changed: other browsers are logged out"
        + (f" and {revoked} API token{'s' if revoked != 1 else ''} revoked." if revoked else ".")
    )
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens")
@account_required
def create_token():
    """Create an API token and show it once."""
    user = current_person().user
    try:
        token = accounts.create_token(get_db(), user["id"], request.form.get("name"))
    except ArgmapError as error:
        return account_page(error=error, failed="token", status=error.status)
    return account_page(new_token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@account_required
def revoke_token(token_id: int):
    """Revoke an API token: requests with it get 401 from now on."""
    found = accounts.revoke_token(get_db(), current_person().user["id"], token_id)
    flash(f"Revoked the token {said(found['name'])}")
    return redirect(url_for("auth.account"))


def instance_owner_only():
    """Nothing for the owner of this argmap (its first account); else Forbidden."""
    if not owner.is_instance_owner(get_db(), current_person().user):
        raise Forbidden("Only the owner of this argmap (its first account) can create accounts.")


def new_account_page(form: dict, error: ArgmapError | None = None):
    """The owner's form to create an account."""
    page = render_template("auth/new_account.html", form=form, error=error)
    return no_store(make_response(page, error.status if error else 200))


@bp.get("/accounts/new")
@account_required
def new_account_form():
    """The owner's page to create an account for someone (when sign-up is off)."""
    instance_owner_only()
    return new_account_page({})


@bp.post("/accounts/new")
@account_required
def new_account():
    """Create an account with a name, an email and a first password."""
    instance_owner_only()
    form = request.form
    try:
        accounts.create_user(get_db(), form.get("email"), form.get("name"), form.get("password"))
    except ArgmapError as error:
        return new_account_page(form_values(), error)
    email = accounts.clean_email(form.get("email"))
    flash(f"Created the account {email}: give its owner the email and the password.")
    return redirect(url_for("auth.new_account_form"))
