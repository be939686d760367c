"""Presence: who has a map open now, one row per open page, kept fresh by its live stream."""

from __future__ import annotations

import re
import secrets
import time

from sqlite_utils import Database

from .db import rows, write

STALE_AFTER = 45.0
GUEST = re.compile(r"^Guest (\d+)$")


def clean_tab(value: object) -> str | None:
    """A page's id as sent by the browser: 8 to 64 letters, digits or dashes, else None."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9-]{8,64}", value):
        return value
    return None


def guest_name(db: Database, map_id: int) -> str:
    """The lowest "Guest N" nobody on this map is called now."""
    taken = {
        int(match.group(1))
        for r in rows(db, "SELECT name FROM presence WHERE map_id = ?", (map_id,))
        if (match := GUEST.match(r["name"]))
    }
    number = 1
    while number in taken:
        number += 1
    return f"Guest {number}"


def join(db: Database, map_id: int, tab: str, name: str) -> tuple[str, str]:
    """Register an open page's new stream; returns (the name shown, the stream's own key).

    A page that reconnects replaces its older streams' rows; the key lets an old stream that
    ends later remove only its own row, not the new one's.
    """
    key = f"{tab}.{secrets.token_hex(4)}"
    with write(db):
        forget_page(db, map_id, tab)
        shown = name or guest_name(db, map_id)
        db.execute(
            "INSERT INTO presence (map_id, tab, name, last_seen) VALUES (?, ?, ?, ?)",
            (map_id, key, shown, time.time()),
        )
    return shown, key


def rename(db: Database, map_id: int, key: str, name: str) -> None:
    """Show an open stream under another name (the map's anonymous names were switched)."""
    with write(db):
        db.execute("UPDATE presence SET name = ? WHERE map_id = ? AND tab = ?", (name, map_id, key))


def touch(db: Database, map_id: int, key: str) -> None:
    """Mark a stream as still open (a page that left stays gone)."""
    with write(db):
        db.execute(
            "UPDATE presence SET last_seen = ? WHERE map_id = ? AND tab = ?",
            (time.time(), map_id, key),
        )


def touch_all(db: Database, keys: list[str]) -> None:
    """Mark many streams as still open in one write (a process's watcher, for all its streams)."""
    stamp = time.time()
    with write(db):
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            db.execute(f"UPDATE presence SET last_seen = ? WHERE tab IN ({marks})", (stamp, *chunk))


def leave(db: Database, map_id: int, key: str) -> None:
    """Forget one stream: it has ended."""
    with write(db):
        db.execute("DELETE FROM presence WHERE map_id = ? AND tab = ?", (map_id, key))


def forget_page(db: Database, map_id: int, tab: str) -> None:
    """Forget every stream of an open page: it was closed, or it reconnects."""
    with write(db):
        db.execute(
            "DELETE FROM presence WHERE map_id = ? AND (tab = ? OR tab LIKE ?)",
            (map_id, tab, f"{tab}.%"),
        )


def people(db: Database, map_id: int) -> list[dict]:
    """Who has the map open, each name once with its number of open pages, by name."""
    return rows(
        db,
        "SELECT name, COUNT(*) AS pages FROM presence WHERE map_id = ? AND last_seen > ?"
        " GROUP BY name ORDER BY name COLLATE NOCASE, name",
        (map_id, time.time() - STALE_AFTER),
    )


def everyone(db: Database) -> dict[int, list[dict]]:
    """Who has each map open (as `people` gives it), for every map with someone on it."""
    found: dict[int, list[dict]] = {}
    for r in rows(
        db,
        "SELECT map_id, name, COUNT(*) AS pages FROM presence WHERE last_seen > ?"
        " GROUP BY map_id, name ORDER BY map_id, name COLLATE NOCASE, name",
        (time.time() - STALE_AFTER,),
    ):
        found.setdefault(r["map_id"], []).append({"name": r["name"], "pages": r["pages"]})
    return found
