"""CSRF protection: every form that changes something carries the session's token."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session
from markupsafe import Markup

from ..errors import CsrfError

SAFE = ("GET", "HEAD", "OPTIONS")
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def token() -> str:
    """The session's CSRF token, created on first use."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def field() -> Markup:
    """The hidden form field carrying the token."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, token())


def uses_bearer() -> bool:
    """Whether the request authenticates with an API token instead of the session."""
    return request.headers.get("Authorization", "").startswith("Bearer ")


def ambient_authority(app: Flask) -> bool:
    """Whether the request could ride on a browser's cookie (pages always may)."""
    if not request.path.startswith("/api/"):
        return True
    return not uses_bearer() and app.config["SESSION_COOKIE_NAME"] in request.cookies


def same(sent: str, expected: str) -> bool:
    """Compare in constant time, as bytes: a token of any characters is simply wrong."""
    return hmac.compare_digest(sent.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))


def check(app: Flask) -> None:
    """Refuse an unsafe request whose token is missing or wrong."""
    if request.method in SAFE or not ambient_authority(app):
        return
    sent = request.form.get(FIELD) or request.headers.get(HEADER, "")
    expected = session.get(FIELD, "")
    if not expected or not same(sent, expected):
        raise CsrfError(
            "This form has expired or did not come from argmap: reload the page and send it again.",
            FIELD,
        )


def init_app(app: Flask) -> None:
    """Check every unsafe request (unless testing turns it off) and expose the field."""
    app.jinja_env.globals["csrf_field"] = field
    app.jinja_env.globals["csrf_token"] = token

    @app.before_request
    def protect() -> None:
        if app.config["CSRF"]:
            check(app)
