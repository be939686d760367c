"""Accounts of the people who own maps: sign-up, passwords, personal API tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from functools import cache

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from .db import now, row, rows, write
from .errors import NotFound, ValidationError

NAME_MAX = 60
EMAIL_MAX = 254
PASSWORD_MIN = 8
PASSWORD_MAX = 500
TOKEN_NAME_MAX = 60
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
TOKEN = re.compile(r"am_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{20,100})")
HIDDEN = ("Cc", "Cf", "Co", "Cs")
JOINER = "\u200d"  # kept: emoji sequences need it


@cache
def dummy_hash() -> str:
    """A hash checked when no account matches, so a wrong email costs as much as a password."""
    return generate_password_hash(secrets.token_urlsafe(16))


def clean_name(value: object, field: str = "name") -> str:
    """A display name of 1 to 60 printable characters, trimmed."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("Give a name that others will see next to your changes.", field)
    name = " ".join(value.split())
    if any(unicodedata.category(ch) in HIDDEN and ch != JOINER for ch in name):
        raise ValidationError("Use letters, digits and punctuation only in the name.", field)
    if len(name) > NAME_MAX:
        raise ValidationError(
            f"The name is {len(name)} characters long; shorten it to {NAME_MAX} at most.", field
        )
    return name


def clean_email(value: object) -> str:
    """An email address of the form name@host, trimmed."""
    email = value.strip() if isinstance(value, str) else ""
    if not EMAIL.fullmatch(email) or len(email) > EMAIL_MAX:
        raise ValidationError("Give an email address such as ana@school.example.", "email")
    return email


def clean_password(value: object) -> str:
    """A password of 8 to 500 characters."""
    password = value if isinstance(value, str) else ""
    if len(password) < PASSWORD_MIN:
        raise ValidationError(
            f"Choose a password of at least {PASSWORD_MIN} characters.", "password"
        )
    if len(password) > PASSWORD_MAX:
        raise ValidationError(f"Keep the password under {PASSWORD_MAX} characters.", "password")
    return password


def create_user(db: Database, email: object, name: object, password: object) -> int:
    """Create an account; returns its id."""
    email, name = clean_email(email), clean_name(name)
    hashed = generate_password_hash(clean_password(password))
    with write(db):
        if row(db, "SELECT id FROM users WHERE email = ?", (email,)):
            raise ValidationError(
                "There is an account with this email already: log in instead.", "email"
            )
        cursor = db.execute(
            "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)",
            (email, name, hashed, now()),
        )
    return cursor.lastrowid


def get_user(db: Database, user_id: int) -> dict | None:
    """The account with this id, or None."""
    return row(db, "SELECT * FROM users WHERE id = ?", (user_id,))


def find_user(db: Database, email: str) -> dict | None:
    """The account with this email (any case), or None."""
    return row(db, "SELECT * FROM users WHERE email = ?", (email.strip(),))


def authenticate(db: Database, email: object, password: object) -> dict | None:
    """The account when email and password match, else None (same work either way)."""
    found = find_user(db, email) if isinstance(email, str) else None
    given = password if isinstance(password, str) else ""
    ok = check_password_hash(found["password_hash"] if found else dummy_hash(), given)
    return found if ok and found else None


def set_password(db: Database, email: str, password: object) -> None:
    """Give an account a new password (which also ends its sessions)."""
    hashed = generate_password_hash(clean_password(password))
    with write(db):
        if find_user(db, email) is None:
            raise NotFound(f"There is no account {email}.", "email")
        db.execute("UPDATE users SET password_hash = ? WHERE email = ?", (hashed, email.strip()))


def session_stamp(user: dict) -> str:
    """A short digest of the password hash: a session of an older password stops working."""
    return hashlib.sha256(user["password_hash"].encode()).hexdigest()[:16]


def digest(secret: str) -> str:
    """The SHA-256 of a random secret, as kept at rest."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(db: Database, user_id: int, name: object) -> str:
    """A new API token for the account; the token itself is returned once, never stored."""
    given = name.strip() if isinstance(name, str) else ""
    label = clean_name(given or "API token", "name")[:TOKEN_NAME_MAX]
    prefix = "".join(secrets.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(8))
    secret = secrets.token_urlsafe(32)
    with write(db):
        db.execute(
            "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (user_id, label, prefix, digest(secret), now()),
        )
    return f"am_{prefix}_{secret}"


def tokens(db: Database, user_id: int) -> list[dict]:
    """The account's API tokens, newest first (without their secrets)."""
    return rows(
        db,
        "SELECT id, name, prefix, created_at, last_used, revoked_at FROM api_tokens"
        " WHERE user_id = ? ORDER BY id DESC",
        (user_id,),
    )


def revoke_token(db: Database, user_id: int, token_id: int) -> dict:
    """Revoke one of the account's tokens; requests with it are refused from now on."""
    with write(db):
        found = row(
            db, "SELECT * FROM api_tokens WHERE id = ? AND user_id = ?", (token_id, user_id)
        )
        if found is None:
            raise NotFound("You have no such API token.", "token")
        db.execute(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
            (now(), token_id),
        )
    return found


def active_token(db: Database, token: str) -> dict | None:
    """The unrevoked token row that matches an API token, or None (nothing written)."""
    match = TOKEN.fullmatch(token.strip())
    if not match:
        return None
    found = row(
        db,
        "SELECT * FROM api_tokens WHERE prefix = ? AND revoked_at IS NULL",
        (match.group(1),),
    )
    if found is None or not hmac.compare_digest(found["token_hash"], digest(match.group(2))):
        return None
    return found


def user_for_token(db: Database, token: str) -> dict | None:
    """The account an unrevoked API token belongs to, or None; notes when it was used."""
    found = active_token(db, token)
    if found is None:
        return None
    stamp = now()
    if (found["last_used"] or "")[:16] != stamp[:16]:
        with write(db):
            db.execute("UPDATE api_tokens SET last_used = ? WHERE id = ?", (stamp, found["id"]))
    return get_user(db, found["user_id"])
