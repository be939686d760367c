"""Rate limits on guessing (passwords, join codes), counted in SQLite for every worker."""

from __future__ import annotations

import math
import time

from sqlite_utils import Database

from .db import row, write
from .errors import TooManyAttempts


def wait_for(db: Database, key: str, limit: int, window: float) -> int:
    """Seconds until the key may try again: 0 while it has had fewer than `limit` attempts."""
    since = time.time() - window
    found = row(
        db,
        "SELECT COUNT(*) AS n, MIN(at) AS first FROM"
        " (SELECT at FROM attempts WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?)",
        (key, since, limit),
    )
    if found["n"] < limit:
        return 0
    return max(1, math.ceil(found["first"] + window - time.time()))


def check(db: Database, keys: list[str], limit: int, window: float, field: str | None) -> None:
    """Refuse with TooManyAttempts when any of the keys has used up its attempts."""
    wait = max(wait_for(db, key, limit, window) for key in keys)
    if wait:
        raise TooManyAttempts(wait, field)


def fail(db: Database, keys: list[str], window: float) -> None:
    """Count a failed attempt against each key, forgetting attempts older than the window."""
    stamp = time.time()
    with write(db):
        db.execute("DELETE FROM attempts WHERE at <= ?", (stamp - window,))
        db.conn.executemany(
            "INSERT INTO attempts (key, at) VALUES (?, ?)", [(k, stamp) for k in keys]
        )


def forget(db: Database, key: str) -> None:
    """Clear a key's failures (after a successful log-in to that account)."""
    with write(db):
        db.execute("DELETE FROM attempts WHERE key = ?", (key,))
