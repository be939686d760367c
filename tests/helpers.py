"""Helpers for the core tests: fresh database files fast, and cheap password hashes."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from werkzeug.security import generate_password_hash

from argmap.db import connect, migrate


@cache
def migrated_template() -> Path:
    """A database file migrated once per test session (migrating takes ~70 ms)."""
    folder = Path(tempfile.mkdtemp(prefix="argmap-template-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.sqlite"
    db = connect(str(path))
    migrate(db)
    db.conn.close()
    return path


def fresh_database(folder: Path) -> str:
    """A new, fully migrated and empty database file in the folder."""
    target = folder / "argmap.sqlite"
    shutil.copyfile(migrated_template(), target)
    return str(target)


def fresh_app_config(folder: Path) -> dict:
    """The test config of the conftest `app` fixture, on a copied fresh database."""
    return {
        "TESTING": True, "SECRET_KEY": "test", "DATABASE": fresh_database(folder),
        "EXPORTS": str(folder / "exports"), "SEED": False, "SIGNUP": True,
    }  # fmt: skip


def quick_hash(password: str) -> str:
    """A real but cheap password hash: the default costs 0.1 s, too slow for every test."""
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


def session_entry(app, user: dict) -> list:
    """What the session cookie holds for a new log-in session of the account in the app."""
    from argmap import accounts

    db = connect(app.config["DATABASE"])
    try:
        return [user["id"], accounts.start_session(db, user["id"])]
    finally:
        db.conn.close()
