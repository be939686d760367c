"""`argmap backup` while people write, and `argmap restore` that refuses what is not sound."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from helpers import run_cli

from argmap import backup, maps, nodes
from argmap.db import connect, migrations, now, write

FILLER = 6000  # nodes of 900 characters: a database of about 8 MB, copied in many steps


def node_ids(path: str | Path) -> set[int]:
    """The ids of every node in a database file."""
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM nodes")}
    finally:
        conn.close()


def integrity(path: str | Path) -> list[str]:
    """SQLite's integrity check of a file, and its foreign key check."""
    conn = sqlite3.connect(path)
    try:
        found = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        return found + [str(r) for r in conn.execute("PRAGMA foreign_key_check")]
    finally:
        conn.close()


def digest(path: str | Path) -> str:
    """A hash of a file's bytes, to see it was not changed."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def filled(app, db):
    """The app's database with a map of many long nodes; returns the map id."""
    map_id = maps.create_map(db, "Backed up")
    root = nodes.add_node(db, map_id, {"kind": "claim", "text": "The thesis"})["id"]
    stamp = now()
    rows = [(map_id, "support", f"{i} " + "x" * 900, root, stamp, stamp) for i in range(FILLER)]
    with write(db):
        db.conn.executemany(
            "INSERT INTO nodes (map_id, kind, text, parent_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    return map_id


class Writer:
    """A thread adding nodes through the domain non-stop, noting each committed id."""

    def __init__(self, database: str, map_id: int):
        self.database, self.map_id = database, map_id
        self.committed: list[int] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self) -> None:
        """Add claims until told to stop."""
        db = connect(self.database)
        try:
            while not self.stopping.is_set():
                added = nodes.add_node(db, self.map_id, {"kind": "claim", "text": "During"})
                self.committed.append(added["id"])
        finally:
            db.conn.close()

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self.stopping.set()
        self.thread.join(30)


def test_a_backup_while_people_write_is_sound_and_holds_every_earlier_write(app, filled, tmp_path):
    database = app.config["DATABASE"]
    writer = Writer(database, filled)
    try:
        while len(writer.committed) < 20:
            time.sleep(0.01)
        before = set(writer.committed) | node_ids(database)
        target = tmp_path / "backup.sqlite"
        done = run_cli(database, "backup", str(target))
        during = len(writer.committed)
        time.sleep(0.2)
        assert len(writer.committed) > during, "the writer kept writing"
    finally:
        writer.stop()
    assert done.exit_code == 0, done.stderr
    assert f"to {target}" in done.stdout
    assert done.stderr == ""  # no progress bar off a terminal (cron mails only errors)
    assert integrity(target) == ["ok"]
    copied = node_ids(target)
    assert before <= copied
    assert len(copied) > FILLER
    assert not Path(f"{target}-wal").exists()  # one self-contained file
    assert integrity(database) == ["ok"]


def test_a_backup_reports_its_progress_in_steps(app, filled, tmp_path):
    seen: list[tuple[int, int]] = []
    written = backup.backup(
        app.config["DATABASE"], tmp_path / "b.sqlite", lambda *p: seen.append(p)
    )
    pages = written.stat().st_size // 4096
    assert len(seen) == -(-pages // backup.STEP) > 5
    assert seen[-1] == (pages, pages)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_backup_into_a_folder_writes_a_dated_file(app, filled, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    done = run_cli(app.config["DATABASE"], "backup", str(folder))
    assert done.exit_code == 0, done.stderr
    [written] = folder.iterdir()
    assert written.name.startswith("argmap-") and written.suffix == ".sqlite"
    assert node_ids(written) == node_ids(app.config["DATABASE"])


@pytest.mark.parametrize("where", ["existing", "no folder"])
def test_a_backup_never_overwrites_and_says_where_it_cannot_write(app, tmp_path, where):
    target = tmp_path / "old.sqlite"
    target.write_text("an older backup")
    if where == "no folder":
        target = tmp_path / "missing" / "new.sqlite"
    done = run_cli(app.config["DATABASE"], "backup", str(target))
    assert done.exit_code != 0
    assert (
        "already exists" in done.stderr
        if where == "existing"
        else f"The folder {target.parent} does not exist" in done.stderr
    )
    assert (tmp_path / "old.sqlite").read_text() == "an older backup"
    assert "Traceback" not in done.stderr


def test_restore_brings_the_backup_back_and_keeps_the_replaced_database(app, db, tmp_path):
    map_id = maps.create_map(db, "Kept")
    kept_node = nodes.add_node(db, map_id, {"kind": "claim", "text": "Before the backup"})["id"]
    database = app.config["DATABASE"]
    assert run_cli(database, "backup", str(tmp_path / "b.sqlite")).exit_code == 0
    later = nodes.add_node(db, map_id, {"kind": "claim", "text": "After the backup"})["id"]
    db.conn.close()

    done = run_cli(database, "restore", str(tmp_path / "b.sqlite"))
    assert done.exit_code == 0, done.stderr
    assert f"Restored {tmp_path / 'b.sqlite'} into {database}" in done.stdout
    assert node_ids(database) == {kept_node}
    assert integrity(database) == ["ok"]
    [old] = Path(database).parent.glob("argmap.sqlite.before-restore-*")
    assert str(old) in done.stdout
    assert node_ids(old) == {kept_node, later}
    assert not list(Path(database).parent.glob(".*restoring*"))


def write_text_file(path: Path) -> None:
    """Not a database at all."""
    path.write_text("maps and nodes, honest\n")


def write_other_sqlite(path: Path) -> None:
    """An SQLite database of another program."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()


def write_empty_file(path: Path) -> None:
    """A file of no bytes."""
    path.write_bytes(b"")


def damage(path: Path) -> None:
    """An argmap backup with one of its pages overwritten."""
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 3 : page * 5] = b"\xa5" * (page * 2)
    path.write_bytes(bytes(data))


def from_the_future(path: Path) -> None:
    """An argmap backup that a newer argmap has migrated further."""
    conn = sqlite3.connect(path)
    conn.execute(
        f"INSERT INTO {migrations.migrations_table} (migration_set, name, applied_at)"
        " VALUES ('argmap', 'm999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()


REFUSED = {
    "text": (write_text_file, "is not an SQLite database"),
    "empty": (write_empty_file, "is not an SQLite database"),
    "other sqlite": (write_other_sqlite, "is not an argmap database"),
    "damaged": (damage, "damaged"),
    "newer": (from_the_future, "made by a newer argmap (migrations m999_from_the_future)"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_restore_refuses_what_is_not_a_sound_argmap_database(app, db, tmp_path, case):
    make, message = REFUSED[case]
    map_id = maps.create_map(db, "Kept")
    nodes.add_node(db, map_id, {"kind": "claim", "text": "Still here"})
    db.conn.close()
    database = app.config["DATABASE"]
    bad = tmp_path / "bad.sqlite"
    if case in ("damaged", "newer"):
        assert run_cli(database, "backup", str(bad)).exit_code == 0
    make(bad)
    before = digest(database), node_ids(database)

    done = run_cli(database, "restore", str(bad))
    assert done.exit_code != 0
    assert f"Error: {bad} " in done.stderr and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (digest(database), node_ids(database)) == before
    assert not list(Path(database).parent.glob("*before-restore*"))


def test_restore_of_a_missing_file_says_so(app, tmp_path):
    done = run_cli(app.config["DATABASE"], "restore", str(tmp_path / "nowhere.sqlite"))
    assert done.exit_code != 0
    assert "nowhere.sqlite does not exist" in done.stderr


def test_restore_brings_an_older_backup_up_to_date(app, tmp_path):
    older = tmp_path / "older.sqlite"
    conn = connect(str(older))
    migrations.apply(conn, stop_before="m004_render_shown")
    stamp = now()
    conn.execute(
        "INSERT INTO maps (title, created_at, updated_at) VALUES ('From last year', ?, ?)",
        (stamp, stamp),
    )
    conn.conn.close()

    done = run_cli(app.config["DATABASE"], "restore", str(older))
    assert done.exit_code == 0, done.stderr
    restored = connect(app.config["DATABASE"])
    try:
        assert [m.name for m in migrations.pending(restored)] == []
        assert "shown" in restored["renders"].columns_dict
        assert [m["title"] for m in maps.list_maps(restored)] == ["From last year"]
    finally:
        restored.conn.close()
    assert integrity(app.config["DATABASE"]) == ["ok"]


def test_restore_leaves_no_write_ahead_log_of_the_old_database(app, db, tmp_path):
    map_id = maps.create_map(db, "Backed up")
    kept = nodes.add_node(db, map_id, {"kind": "claim", "text": "In the backup"})["id"]
    database = app.config["DATABASE"]
    assert run_cli(database, "backup", str(tmp_path / "b.sqlite")).exit_code == 0
    # A log with later writes, as a server killed mid-work leaves it beside the file.
    db.execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(20):
        nodes.add_node(db, map_id, {"kind": "claim", "text": f"Only in the log {i}"})
    stale = Path(f"{database}-wal").read_bytes()
    db.conn.close()
    Path(f"{database}-wal").write_bytes(stale)

    done = run_cli(database, "restore", str(tmp_path / "b.sqlite"))
    assert done.exit_code == 0, done.stderr
    assert node_ids(database) == {kept}
    assert integrity(database) == ["ok"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give files to another user")
def test_restore_by_root_leaves_the_database_to_its_owner(app, tmp_path):
    database = app.config["DATABASE"]
    assert run_cli(database, "backup", str(tmp_path / "b.sqlite")).exit_code == 0
    os.chown(database, 4321, 4321)  # the server's own user, e.g. argmap
    os.chmod(database, 0o640)
    assert run_cli(database, "restore", str(tmp_path / "b.sqlite")).exit_code == 0
    found = Path(database).stat()
    assert (found.st_uid, found.st_gid, found.st_mode & 0o777) == (4321, 4321, 0o640)


@pytest.mark.server
def test_restore_refuses_while_argmap_serves_the_database(server, tmp_path):
    assert run_cli(server.database, "backup", str(tmp_path / "b.sqlite")).exit_code == 0
    before = digest(server.database)
    done = run_cli(server.database, "restore", str(tmp_path / "b.sqlite"))
    assert done.exit_code != 0
    assert f"argmap is serving {server.database}" in done.stderr
    assert "Stop it first" in done.stderr
    assert digest(server.database) == before
