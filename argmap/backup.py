"""Backups while argmap runs (SQLite's online backup API) and restores that refuse bad files.

`argmap serve` holds a shared lock on `<database>.lock` while it runs; a restore takes it
exclusively, so it refuses to swap the file under a running server, and a server started
meanwhile waits for the restore to finish.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlite_utils import Database

from .db import connect, migrate, migrations
from .errors import ArgmapError

HEADER = b"SQLite format 3\x00"
STEP = 256  # pages copied per backup step (1 MB with 4 KB pages): one tick of the progress bar
TABLES = ("maps", "nodes", "links", "events", "users", "members")

Progress = Callable[[int, int], None]  # (pages copied so far, pages in all)


class BackupError(ArgmapError):
    """A backup or restore that cannot be made; the database was left as it was."""


def lock_path(database: str) -> Path:
    """The file a running server holds a lock on, beside the database."""
    return Path(f"{database}.lock")


def hold_serving(database: str) -> IO:
    """Mark the database as served until this process exits (keep the returned file open)."""
    handle = open(lock_path(database), "a+")  # held open for the server's life
    # Blocks while a restore runs: the server starts on the restored file.
    fcntl.flock(handle, fcntl.LOCK_SH)
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def exclusive(database: str) -> IO:
    """The lock on the database for a restore, or BackupError when a server holds it."""
    handle = open(lock_path(database), "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "unknown"
        handle.close()
        raise BackupError(
            f"argmap is serving {database} (process {pid}). Stop it first, then restore."
        ) from None
    return handle


def destination(target: Path) -> Path:
    """The file to write: target itself, or a dated file inside it when it is a folder."""
    if target.is_dir():
        target = target / f"argmap-{datetime.now():%Y-%m-%d-%H%M%S}.sqlite"
    if target.exists():
        raise BackupError(f"{target} already exists: name a new file or a folder.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    return target


def backup(database: str, target: Path, progress: Progress | None = None) -> Path:
    """Copy the database, while people write, into target; returns the file written."""
    if not Path(database).is_file():
        raise BackupError(f"There is no database at {database}.")
    target = destination(target)
    partial = target.with_name(f".{target.name}.part")
    source = sqlite3.connect(database, timeout=10, isolation_level=None)
    try:
        # One read snapshot for the whole copy: the copy is the database as it stood when the
        # backup began, and writes meanwhile do not restart it. A stepped backup with a writer
        # adding rows non-stop restarted 6,577 times and took 41 s without it, 0.12 s with it.
        source.execute("BEGIN")
        source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        copy_into(source, partial, progress)
        sync(partial)
        os.replace(partial, target)
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    return target


def copy_into(source: sqlite3.Connection, path: Path, progress: Progress | None) -> None:
    """Copy the source connection's database into a new file, in steps, and check the copy."""

    def tick(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    copy = sqlite3.connect(path, isolation_level=None)
    try:
        source.backup(copy, pages=STEP, progress=tick)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside
        check(copy, path)
    finally:
        copy.close()


def sync(path: Path) -> None:
    """Flush a file to the disk before it is renamed into place."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def check(conn: sqlite3.Connection, path: Path) -> None:
    """BackupError unless SQLite's integrity check of the file says ok."""
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged: SQLite says {error}.") from None
    if problems != ["ok"]:
        raise BackupError(f"{path} fails SQLite's integrity check: {'; '.join(problems)}.")


def known_migrations() -> set[str]:
    """The names of every migration this version of argmap has."""
    return {m.name for m in migrations.pending(Database(memory=True))}


def check_argmap(db: Database, path: Path) -> None:
    """BackupError unless the file holds argmap's tables and no migration newer than ours."""
    applied = {m.name for m in migrations.applied(db)}
    if not applied:
        raise BackupError(f"{path} is not an argmap database: it has none of argmap's tables.")
    missing = sorted(set(TABLES) - set(db.table_names()))
    if missing:
        raise BackupError(f"{path} is not a whole argmap database: no table {', '.join(missing)}.")
    newer = sorted(applied - known_migrations())
    if newer:
        raise BackupError(
            f"{path} was made by a newer argmap (migrations {', '.join(newer)}): upgrade argmap."
        )


def verify(path: Path, named: Path) -> None:
    """Refuse a file that is not a sound argmap database; `named` is the name the user gave."""
    with open(path, "rb") as handle:
        if handle.read(len(HEADER)) != HEADER:
            raise BackupError(f"{named} is not an SQLite database.")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        check(conn, named)
        check_argmap(Database(conn), named)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{named} is damaged: SQLite says {error}.") from None
    finally:
        conn.close()


def bring_up_to_date(path: Path) -> None:
    """Apply the migrations an older backup lacks, and fold its write-ahead log in."""
    db = connect(str(path))
    try:
        migrate(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.conn.close()


def same_owner(path: Path, live: Path) -> None:
    """Give the new file the old one's mode and, when run as root, its owner (the server's)."""
    if not live.exists():
        return
    shutil.copymode(live, path)
    if os.geteuid() == 0:
        found = live.stat()
        os.chown(path, found.st_uid, found.st_gid)


def keep_current(live: Path) -> Path | None:
    """Keep the database being replaced beside it (a hard link, else a copy); None if none."""
    if not live.exists():
        return None
    try:
        conn = sqlite3.connect(live, isolation_level=None)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # its last writes into the main file
        conn.close()
    except sqlite3.DatabaseError:
        pass  # a damaged database is kept as it is
    kept = live.with_name(f"{live.name}.before-restore-{datetime.now():%Y-%m-%d-%H%M%S}")
    try:
        os.link(live, kept)
    except OSError:
        shutil.copy2(live, kept)
    return kept


def restore(database: str, source: Path) -> Path | None:
    """Replace the database with a checked, migrated copy of source; returns where the old is."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist or is not a file.")
    live = Path(database)
    lock = exclusive(database)
    partial = live.with_name(f".{live.name}.restoring")
    try:
        shutil.copyfile(source, partial)
        verify(partial, source)
        bring_up_to_date(partial)
        sync(partial)
        same_owner(partial, live)
        kept = keep_current(live)
        # A log left by the old file would be replayed onto the new one: remove it first.
        for suffix in ("-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        os.replace(partial, live)
        return kept
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        lock.close()
