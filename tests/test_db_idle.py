"""Requests reuse their process's idle SQLite connections, and never one to a replaced file."""

from __future__ import annotations

import os
import shutil

from argmap import maps
from argmap.db import connect, get_db


def request_connection(app):
    """The connection one request gets, and the map titles it reads."""
    with app.test_request_context("/"):
        db = get_db()
        return db, [m["title"] for m in db.execute("SELECT title FROM maps ORDER BY id")]


def test_a_request_takes_the_connection_the_last_one_left(app, db):
    maps.create_map(db, "Homework")
    first, titles = request_connection(app)
    again, _ = request_connection(app)
    assert again is first and titles == ["Homework"]
    assert not again.conn.in_transaction


def test_a_connection_left_in_a_transaction_comes_back_clean(app, db):
    with app.test_request_context("/"):
        kept = get_db()
        kept.execute("BEGIN")
        kept.execute("SELECT 1")
    again, _ = request_connection(app)
    assert again is kept and not again.conn.in_transaction


def test_a_file_replaced_under_the_server_is_opened_anew(app, db, tmp_path):
    path = app.config["DATABASE"]
    maps.create_map(db, "Before the restore")
    first, _ = request_connection(app)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the whole database in the main file
    copy = tmp_path / "restored.sqlite"
    shutil.copyfile(path, copy)
    other = connect(str(copy))
    other.execute("UPDATE maps SET title = 'After the restore'")
    other.conn.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    os.replace(copy, path)
    again, titles = request_connection(app)
    assert again is not first and titles == ["After the restore"]
