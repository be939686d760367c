"""Rate limits on guessing (passwords, join codes, sign-ups), counted in SQLite for every worker.

The check and the count happen in one write transaction (BEGIN IMMEDIATE): concurrent
requests cannot all pass the check before any of them is counted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from sqlite_utils import Database

from .db import row, write
from .errors import TooManyAttempts

MEMORY = 86400.0  # attempts are kept a day: a growing wait counts them all
MAX_DOUBLINGS = 16
KEY_MAX = 300  # an email typed into a form is cut here before it becomes a key


@dataclass(frozen=True)
class Limit:
    """At most `limit` attempts under `key` within `window` seconds.

    A growing limit instead waits `window` after its first `limit` attempts of the day, then
    twice as long after each further `limit` attempts.
    """

    key: str
    limit: int
    window: float
    grows: bool = False


def sliding_wait(db: Database, limit: Limit, stamp: float) -> float:
    """Seconds until the oldest of the last `limit` attempts leaves the window; 0 if fewer."""
    found = row(
        db,
        "SELECT COUNT(*) AS n, MIN(at) AS first FROM"
        " (SELECT at FROM attempts WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?)",
        (limit.key, stamp - limit.window, limit.limit),
    )
    if found["n"] < limit.limit:
        return 0
    return found["first"] + limit.window - stamp


def growing_wait(db: Database, limit: Limit, stamp: float) -> float:
    """Seconds still to wait after the last attempt: `window` doubled per `limit` attempts."""
    found = row(
        db,
        "SELECT COUNT(*) AS n, MAX(at) AS last FROM attempts WHERE key = ? AND at > ?",
        (limit.key, stamp - MEMORY),
    )
    per_round = max(limit.limit, 1)
    rounds = min(found["n"] // per_round, MAX_DOUBLINGS)
    if rounds == 0 or found["n"] % per_round:
        return 0  # the first round, or a round under way after a wait
    return found["last"] + min(limit.window * 2 ** (rounds - 1), MEMORY) - stamp


def wait_for(db: Database, limit: Limit, stamp: float | None = None) -> int:
    """Whole seconds until the limit's key may try again; 0 when it may now."""
    stamp = time.time() if stamp is None else stamp
    wait = (growing_wait if limit.grows else sliding_wait)(db, limit, stamp)
    return max(1, math.ceil(wait)) if wait > 0 else 0


def check(db: Database, limits: list[Limit], field: str | None) -> None:
    """Refuse with TooManyAttempts when any of the limits is used up (in the caller's write)."""
    stamp = time.time()
    with write(db):
        wait = max((wait_for(db, limit, stamp) for limit in limits), default=0)
    if wait:
        raise TooManyAttempts(wait, field)


def count(db: Database, limits: list[Limit]) -> list[int]:
    """Count one attempt against each limit; returns the rows written (to give back)."""
    stamp = time.time()
    with write(db):
        oldest = stamp - max([MEMORY, *(limit.window for limit in limits)])
        db.execute("DELETE FROM attempts WHERE at <= ?", (oldest,))
        return [
            db.execute("INSERT INTO attempts (key, at) VALUES (?, ?)", (limit.key, stamp)).lastrowid
            for limit in limits
        ]


def take(db: Database, limits: list[Limit], field: str | None) -> list[int]:
    """Check the limits and count this attempt in one transaction; returns the rows counted.

    Count first, then do the slow part (a password check): give the rows back when it succeeds.
    """
    with write(db):
        check(db, limits, field)
        return count(db, limits)


def give_back(db: Database, counted: list[int]) -> None:
    """Uncount an attempt that turned out right."""
    with write(db):
        db.conn.executemany("DELETE FROM attempts WHERE rowid = ?", [(i,) for i in counted])


def forget(db: Database, key: str) -> None:
    """Clear a key's attempts (an account and address after a successful log-in)."""
    with write(db):
        db.execute("DELETE FROM attempts WHERE key = ?", (key,))


def login_limits(config: Mapping, address: str, email: object, device: str | None) -> list[Limit]:
    """A log-in's limits: per account and address; then per device, or per account and address.

    A browser that logged in to the account before (its `device` key) is exempt from the
    account's and the address's ceilings, so strangers guessing elsewhere cannot lock its
    owner out; its own tries are counted wherever it sends them from (a copied cookie too).
    """
    window = config["LIMIT_WINDOW"]
    pair = Limit(pair_key(address, email), config["LOGIN_LIMIT"], window)
    if device is not None:
        mine = f"login:device:{device} {account_key(email)}"
        return [pair, Limit(mine, config["LOGIN_LIMIT"], window)]
    account = f"login:account:{account_key(email)}"
    return [
        pair,
        Limit(account, config["LOGIN_ACCOUNT_LIMIT"], window, grows=True),
        Limit(f"login:ip:{address}", config["LOGIN_ADDRESS_LIMIT"], window),
    ]


def account_key(email: object) -> str:
    """The account part of a key: the email typed, trimmed, in small letters, cut short."""
    return (email.strip().lower() if isinstance(email, str) else "")[:KEY_MAX]


def pair_key(address: str, email: object) -> str:
    """The key of log-ins to one account from one address."""
    return f"login:pair:{address} {account_key(email)}"


def join_limits(config: Mapping, address: str) -> list[Limit]:
    """The limit on wrong join codes from one address."""
    return [Limit(f"join:ip:{address}", config["JOIN_LIMIT"], config["LIMIT_WINDOW"])]


def signup_limits(config: Mapping, address: str) -> list[Limit]:
    """The limit on sign-ups from one address."""
    return [Limit(f"signup:ip:{address}", config["SIGNUP_LIMIT"], config["LIMIT_WINDOW"])]
