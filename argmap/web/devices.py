"""Browsers that logged in to an account before: a signed cookie listing those accounts."""

from __future__ import annotations

import hashlib

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE = "argmap_device"
MAX_AGE = 365 * 86400
KEPT = 5  # accounts remembered per browser (a shared classroom computer)


def serializer() -> URLSafeTimedSerializer:
    """Signs and reads the cookie with the app's secret."""
    return URLSafeTimedSerializer(current_app.secret_key, salt="argmap-device")


def known_accounts() -> list[int]:
    """The ids of the accounts this browser logged in to (none if the cookie is forged or old)."""
    try:
        found = serializer().loads(request.cookies.get(COOKIE, ""), max_age=MAX_AGE)
    except BadData:
        return []
    if not isinstance(found, list):
        return []
    return [n for n in found if isinstance(n, int) and not isinstance(n, bool)]


def knows(user_id: int) -> bool:
    """Whether this browser logged in to the account before."""
    return user_id in known_accounts()


def key_for(user_id: int | None) -> str | None:
    """This browser's own rate-limit key, if it logged in to the account before.

    A copied cookie is one device wherever it is sent from: its tries are counted together.
    """
    if user_id is None or not knows(user_id):
        return None
    return hashlib.sha256(request.cookies.get(COOKIE, "").encode()).hexdigest()[:32]


def remember(response: Response, user_id: int) -> None:
    """Mark this browser as one the account logged in from."""
    ids = [user_id, *(n for n in known_accounts() if n != user_id)][:KEPT]
    value, secure = serializer().dumps(ids), current_app.config.get("SESSION_COOKIE_SECURE", False)
    response.set_cookie(
        COOKIE, value, max_age=MAX_AGE, httponly=True, samesite="Lax", secure=secure
    )
