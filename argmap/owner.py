"""The owner account of a single-user install: made on first start for the seed map."""

from __future__ import annotations

import secrets

from sqlite_utils import Database

from . import accounts, members
from .db import row, rows, write

OWNER_EMAIL = "owner@localhost"
OWNER_NAME = "Owner"


def first_account(db: Database) -> tuple[dict, str | None]:
    """The oldest account, else a new owner account with a random password (returned once)."""
    found = row(db, "SELECT * FROM users ORDER BY id LIMIT 1")
    if found:
        return found, None
    password = secrets.token_urlsafe(12)
    user_id = accounts.create_user(db, OWNER_EMAIL, OWNER_NAME, password)
    return accounts.get_user(db, user_id), password


def is_instance_owner(db: Database, user: dict | None) -> bool:
    """Whether the account is the owner of this argmap: its first account."""
    first = row(db, "SELECT id FROM users ORDER BY id LIMIT 1")
    return bool(user and first and first["id"] == user["id"])


def adopt_orphans(db: Database) -> str | None:
    """Give maps without an owner (the seed, maps from before accounts) to the first account.

    They become readable by anyone with the link, as they were open before. Returns the new
    owner account's password when one had to be created.
    """
    orphans = rows(db, "SELECT id FROM maps WHERE owner_id IS NULL ORDER BY id")
    if not orphans:
        return None
    with write(db):
        user, password = first_account(db)
        for found in orphans:
            members.claim_map(db, found["id"], user, public=True)
    return password


def banner(password: str) -> str:
    """The console message that shows the new owner account's password, once."""
    line = "=" * 64
    return (
        f"{line}\nargmap created the owner account of this install:\n"
        f"  email:    {OWNER_EMAIL}\n  password: {password}\n"
        "Log in with it and keep the password: it is not shown again.\n"
        f"(Set another with: argmap reset-password {OWNER_EMAIL})\n{line}"
    )
