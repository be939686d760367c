"""Accounts of the people who own maps: sign-up, passwords, sessions, personal API tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from functools import cache

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from . import passwords, ratelimit
from .db import now, row, rows, write
from .errors import NotFound, ValidationError

NAME_MAX = 60
EMAIL_MAX = 254
SESSION_LIFETIME = 30 * 86400.0  # a log-in lasts 30 days at most
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


def new_account(email: object, name: object, password: object) -> tuple[str, str, str]:
    """A new account's email, name and password hash, each checked (the password by policy)."""
    email, name = clean_email(email), clean_name(name)
    return email, name, generate_password_hash(passwords.check(password, email, name))


def insert_user(db: Database, email: str, name: str, hashed: str) -> int | None:
    """Add a checked account; None (nothing written) when the email has one already."""
    with write(db):
        if row(db, "SELECT id FROM users WHERE email = ?", (email,)):
            return None
        cursor = db.execute(
            "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)",
            (email, name, hashed, now()),
        )
    return cursor.lastrowid


def create_user(db: Database, email: object, name: object, password: object) -> int:
    """Create an account; returns its id."""
    user_id = insert_user(db, *new_account(email, name, password))
    if user_id is None:
        raise ValidationError(
            "There is an account with this email already: log in instead.", "email"
        )
    return user_id


def sign_up(
    db: Database, email: object, name: object, password: object, limits: list[ratelimit.Limit]
) -> None:
    """Create an account unless the email has one; the same outcome either way (and counted).

    Nothing tells the sender whether the email was known: an existing account is left as it is.
    """
    ratelimit.check(db, limits, "email")  # before the costly hash; counted below
    checked = new_account(email, name, password)
    with write(db):
        ratelimit.take(db, limits, "email")
        insert_user(db, *checked)


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


def set_password(db: Database, email: str, password: object) -> int:
    """Give an account a new password: its sessions end and its API tokens are revoked.

    Returns how many tokens were revoked.
    """
    found = find_user(db, email)
    if found is None:
        raise NotFound(f"There is no account {email}.", "email")
    hashed = generate_password_hash(passwords.check(password, found["email"], found["name"]))
    with write(db):
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (hashed, found["id"]))
        db.execute("DELETE FROM sessions WHERE user_id = ?", (found["id"],))
        return db.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            (now(), found["id"]),
        ).rowcount


def start_session(db: Database, user_id: int) -> str:
    """A new log-in session of the account; its key goes into the signed cookie."""
    key = secrets.token_urlsafe(32)
    stamp = time.time()
    with write(db):
        db.execute("DELETE FROM sessions WHERE created_at <= ?", (stamp - SESSION_LIFETIME,))
        db.execute(
            "INSERT INTO sessions (id, user_id, created_at) VALUES (?, ?, ?)",
            (digest(key), user_id, stamp),
        )
    return key


def session_user(db: Database, user_id: object, key: object) -> dict | None:
    """The account of a session that has not ended (logout, new password, 30 days), or None."""
    if not isinstance(key, str) or not isinstance(user_id, int):
        return None
    return row(
        db,
        "SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id"
        " WHERE sessions.id = ? AND users.id = ? AND sessions.created_at > ?",
        (digest(key), user_id, time.time() - SESSION_LIFETIME),
    )


def end_session(db: Database, key: object) -> None:
    """End one session (logout): its cookie, even a copy, no longer logs in."""
    if isinstance(key, str):
        with write(db):
            db.execute("DELETE FROM sessions WHERE id = ?", (digest(key),))


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
