"""The SQLite database: connections, write transactions and the schema."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import TypeVar

import click
from flask import Flask, current_app, g
from sqlite_utils import Database, Migrations

migrations = Migrations("argmap")
BUSY_SECONDS = 10.0  # how long a write waits for another's to finish
# Set after each write transaction commits: the live watcher wakes at once for this process's
# changes instead of at its next look (held weakly: a watcher that goes takes its flag along).
COMMITTED: weakref.WeakSet = weakref.WeakSet()


def connect(path: str) -> Database:
    """Open the database file with foreign keys, WAL and a busy timeout."""
    conn = sqlite3.connect(
        path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    db = Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def get_db() -> Database:
    """The request's connection, opened on first use (or taken from the process's idle ones)."""
    if "db" not in g:
        g.db = borrow(current_app.config["DATABASE"])
    return g.db


def close_db(_error: BaseException | None = None) -> None:
    """Hand the request's connection back, if one was opened."""
    db = g.pop("db", None)
    if db is not None:
        give_back(current_app.config["DATABASE"], db)


# Idle connections per process and database file: opening one (and setting its pragmas) cost
# a request about 1.3 ms of CPU, a third of answering a page's drawing from memory. Each is
# kept with the file's identity, so a file replaced under the server (a restore) is reopened.
IDLE_KEPT = 8  # per database file
FILES_KEPT = 4  # database files with idle connections (tests open many)
IDLE: OrderedDict[tuple[int, str], list[tuple[tuple[int, int], Database]]] = OrderedDict()
IDLE_LOCK = threading.Lock()


def identity(path: str) -> tuple[int, int]:
    """Which file a path names now (device and inode); (0, 0) if none."""
    try:
        found = os.stat(path)
    except OSError:
        return (0, 0)
    return (found.st_dev, found.st_ino)


def borrow(path: str) -> Database:
    """An idle connection of this process to the file, else a new one."""
    now_is = identity(path)
    while True:
        with IDLE_LOCK:
            idle = IDLE.get((os.getpid(), path))
            if not idle:
                return connect(path)
            was, db = idle.pop()
        if was == now_is and now_is != (0, 0):
            return db
        db.conn.close()


def give_back(path: str, db: Database) -> None:
    """Keep a request's connection for the next request (closed if enough are idle)."""
    try:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
    except sqlite3.Error:
        db.conn.close()
        return
    closing = [db]
    with IDLE_LOCK:
        idle = IDLE.setdefault((os.getpid(), path), [])
        IDLE.move_to_end((os.getpid(), path))
        if len(idle) < IDLE_KEPT:
            idle.append((identity(path), db))
            closing.pop()
        while len(IDLE) > FILES_KEPT:
            closing += [old for _, old in IDLE.popitem(last=False)[1]]
    for old in closing:
        old.conn.close()


@contextmanager
def write(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock at once (BEGIN IMMEDIATE)."""
    if db.conn.in_transaction:
        yield db
        return
    with turn():
        begin(db)
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    for waiting in list(COMMITTED):
        waiting.set()


@contextmanager
def indexed_after(db: Database, map_id: int) -> Iterator[Database]:
    """Nodes inserted in the block are added to the search index in one statement after it.

    The index's per-row trigger costs a node about 145 us (an import of 20,000 nodes: 2.9 s
    of its 5.4 s); one INSERT ... SELECT of the same rows takes 0.18 s. The trigger is
    dropped and made again from its own stored SQL inside the caller's write transaction,
    so other connections never see the map without it and a rollback puts it back.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("indexed_after runs inside a write transaction")
    trigger = "nodes_fts_insert"
    found = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (trigger,)).fetchone()
    highest = db.execute("SELECT coalesce(max(id), 0) FROM nodes").fetchone()[0]
    db.execute(f"DROP TRIGGER {trigger}")
    yield db
    db.execute(
        "INSERT INTO nodes_fts (rowid, text, quote)"
        " SELECT id, text, quote FROM nodes WHERE map_id = ? AND id > ?",
        (map_id, highest),
    )
    db.execute(found[0])


@contextmanager
def snapshot(db: Database) -> Iterator[Database]:
    """A read transaction: every query inside sees the database as of one moment."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    finally:
        db.execute("COMMIT")


TURNS: list = []


def turn() -> AbstractContextManager:
    """Under gevent, the process's writers take turns (cooperatively) before asking SQLite."""
    if not cooperative():
        return nullcontext()
    if not TURNS:  # made on first use: gevent's lock, not one made before monkey-patching
        from gevent.lock import Semaphore

        TURNS.append(Semaphore())
    return TURNS[0]


def begin(db: Database) -> None:
    """BEGIN IMMEDIATE; under gevent, waiting for the write lock lets the worker go on.

    A gevent worker's requests and streams share one thread: waiting there for another
    process's write (SQLite's busy timeout) would stop all of them (NOTES: 2 s for a GET).
    So under gevent the lock is tried without waiting, and tried again after a cooperative
    sleep. (Taking it in a thread of gevent's pool instead leaves a gap between the thread
    getting the lock and the request going on, in which another request's write blocks the
    worker's thread on that lock: a deadlock until the busy timeout.)
    """
    if not cooperative():
        db.execute("BEGIN IMMEDIATE")
        return
    give_up = time.monotonic() + BUSY_SECONDS
    pause = 0.001
    db.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > give_up:
                    raise
            time.sleep(pause)  # gevent's sleep: the worker's other requests go on
            pause = min(pause * 2, 0.02)
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")


def cooperative() -> bool:
    """Whether this process runs under gevent's monkey-patching (`argmap serve`)."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("threading")


T = TypeVar("T")


def aside(work: Callable[..., T], *args: object) -> T:
    """Do long work (a drawing's) without holding up the worker; under gevent in a thread of
    the worker's pool.

    Under gevent a worker's requests and live streams share one thread: a 2,000-node map's
    DOT (over 50 ms of Python) or a Graphviz run's reads done there would hold them all up,
    and they in turn would hold up the drawing. In a thread of its own the work shares the
    interpreter with them (Python switches every 5 ms) and waits on Graphviz by itself.
    """
    if not cooperative():
        return work(*args)
    from gevent import get_hub

    done, outcome = get_hub().threadpool.apply(caught, (work, args))
    if not done:
        raise outcome
    return outcome


def caught(work: Callable, args: tuple) -> tuple[bool, object]:
    """(True, what the work returned) or (False, the exception it raised): raised in the
    pool's thread, gevent would print it as an error, even one the caller expects."""
    try:
        return True, work(*args)
    except Exception as error:  # raised again by aside, in the caller's greenlet
        return False, error


def now() -> str:
    """The current UTC time as ISO 8601 text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def row(db: Database, sql: str, params: tuple | list = ()) -> dict | None:
    """The first row of a query as a dict, or None."""
    found = db.execute(sql, params).fetchone()
    return dict(found) if found is not None else None


def rows(db: Database, sql: str, params: tuple | list = ()) -> list[dict]:
    """All rows of a query as dicts."""
    return [dict(r) for r in db.execute(sql, params).fetchall()]


@migrations()
def m001_core(db: Database) -> None:
    """Maps, nodes, links, events and the render cache."""
    db.executescript(
        """
        CREATE TABLE maps (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            revision INTEGER NOT NULL DEFAULT 0,
            origin TEXT UNIQUE,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE nodes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('claim', 'support', 'counter')),
            text TEXT NOT NULL,
            quote TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            parent_id INTEGER REFERENCES nodes(id),
            grp INTEGER,
            undercut INTEGER NOT NULL DEFAULT 0,
            tags TEXT NOT NULL DEFAULT '[]',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX nodes_map ON nodes(map_id);
        CREATE INDEX nodes_parent ON nodes(parent_id);
        CREATE TABLE links (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            from_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
            to_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
            relation TEXT NOT NULL CHECK (relation IN ('support', 'counter', 'contradiction')),
            grp INTEGER,
            undercut INTEGER NOT NULL DEFAULT 0,
            UNIQUE (from_id, to_id, grp)
        );
        CREATE INDEX links_map ON links(map_id);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            action TEXT NOT NULL,
            node_id INTEGER,
            actor TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_map ON events(map_id, id);
        CREATE TABLE renders (
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            fmt TEXT NOT NULL,
            focus INTEGER NOT NULL DEFAULT 0,
            revision INTEGER NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (map_id, fmt, focus)
        );
        """
    )


@migrations()
def m002_accounts(db: Database) -> None:
    """Accounts, map members and their roles, join codes, API tokens, rate-limit attempts."""
    db.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE members (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
            secret_hash TEXT UNIQUE,
            created_at TEXT NOT NULL,
            UNIQUE (map_id, user_id),
            CHECK ((user_id IS NULL) <> (secret_hash IS NULL))
        );
        CREATE INDEX members_user ON members(user_id);
        CREATE TABLE join_codes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            code TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('editor', 'viewer')),
            created_at TEXT NOT NULL,
            closed_at TEXT
        );
        CREATE INDEX join_codes_map ON join_codes(map_id);
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            prefix TEXT NOT NULL UNIQUE,
            token_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used TEXT,
            revoked_at TEXT
        );
        CREATE TABLE attempts (
            key TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE INDEX attempts_key ON attempts(key, at);
        ALTER TABLE maps ADD COLUMN owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
        ALTER TABLE maps ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE events ADD COLUMN member_id INTEGER;
        CREATE INDEX events_member ON events(map_id, member_id);
        """
    )


def migrate(db: Database) -> bool:
    """Apply pending migrations; True when the database was new."""
    from .shapes import refresh  # shapes writes through this module

    fresh = not migrations.applied(db)
    migrations.apply(db)
    refresh(db)
    return fresh


@click.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database schema."""
    migrate(get_db())
    click.echo(f"Database ready: {current_app.config['DATABASE']}")


def init_app(app: Flask) -> None:
    """Register the teardown and the command with the app."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)


@migrations()
def m003_live(db: Database) -> None:
    """Who has each map open now (one row per open page), and history by person."""
    db.executescript(
        """
        CREATE TABLE presence (
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            tab TEXT NOT NULL,
            name TEXT NOT NULL,
            last_seen REAL NOT NULL,
            PRIMARY KEY (map_id, tab)
        );
        CREATE INDEX events_actor ON events(map_id, actor, id);
        """
    )


@migrations()
def m004_render_shown(db: Database) -> None:
    """Renders remember how many nodes they show, so a cache hit needs no map load."""
    db.execute("DELETE FROM renders")
    db.execute("ALTER TABLE renders ADD COLUMN shown INTEGER NOT NULL DEFAULT 0")


@migrations()
def m005_event_members(db: Database) -> None:
    """Past changes get their member: the one member of the map with the change's name."""
    same_name = "FROM members m WHERE m.map_id = events.map_id AND m.name = events.actor"
    db.execute(
        f"UPDATE events SET member_id = (SELECT m.id {same_name})"
        f" WHERE member_id IS NULL AND actor != '' AND (SELECT COUNT(*) {same_name}) = 1"
    )


@migrations()
def m006_sessions(db: Database) -> None:
    """Log-in sessions kept on the server (logout ends them), and attempts found by age."""
    db.executescript(
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at REAL NOT NULL
        );
        CREATE INDEX sessions_user ON sessions(user_id);
        CREATE INDEX attempts_at ON attempts(at);
        """
    )


@migrations()
def m007_render_views(db: Database) -> None:
    """Drawings kept per view (direction and focus) with their outcome and claims to draw."""
    db.executescript(
        """
        DROP TABLE renders;
        CREATE TABLE renders (
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            fmt TEXT NOT NULL,
            view TEXT NOT NULL,
            revision INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('none', 'ok', 'failed', 'timeout')),
            body BLOB,
            shown INTEGER NOT NULL DEFAULT 0,
            message TEXT NOT NULL DEFAULT '',
            digest TEXT,
            pending INTEGER,
            claimed_at REAL,
            claimer TEXT,
            PRIMARY KEY (map_id, fmt, view)
        );
        """
    )


@migrations()
def m008_node_search(db: Database) -> None:
    """Full-text search over node texts and quotes, kept in step with the nodes by triggers."""
    db.executescript(
        """
        CREATE VIRTUAL TABLE nodes_fts USING fts5(
            text, quote, content='nodes', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3'
        );
        CREATE TRIGGER nodes_fts_insert AFTER INSERT ON nodes BEGIN
            INSERT INTO nodes_fts (rowid, text, quote) VALUES (new.id, new.text, new.quote);
        END;
        CREATE TRIGGER nodes_fts_delete AFTER DELETE ON nodes BEGIN
            INSERT INTO nodes_fts (nodes_fts, rowid, text, quote)
            VALUES ('delete', old.id, old.text, old.quote);
        END;
        CREATE TRIGGER nodes_fts_update AFTER UPDATE OF text, quote ON nodes BEGIN
            INSERT INTO nodes_fts (nodes_fts, rowid, text, quote)
            VALUES ('delete', old.id, old.text, old.quote);
            INSERT INTO nodes_fts (rowid, text, quote) VALUES (new.id, new.text, new.quote);
        END;
        INSERT INTO nodes_fts (nodes_fts) VALUES ('rebuild');
        """
    )


# What may end someone's access: a table, and the change (with its columns) that counts.
ACCESS_TRIGGERS = {
    "access_members_update": "UPDATE ON members",
    "access_members_delete": "DELETE ON members",
    "access_maps_update": "UPDATE OF public, owner_id ON maps",
    "access_maps_delete": "DELETE ON maps",
    "access_users_update": "UPDATE OF password_hash ON users",
    "access_users_delete": "DELETE ON users",
    "access_tokens_update": "UPDATE OF revoked_at, token_hash ON api_tokens",
    "access_tokens_delete": "DELETE ON api_tokens",
    "access_sessions_delete": "DELETE ON sessions",
}


def counting_triggers(triggers: dict[str, str]) -> str:
    """Triggers that count a change that may change someone's access (the watcher follows it)."""
    return "".join(
        f" CREATE TRIGGER {name} AFTER {event}"
        " BEGIN UPDATE access_changes SET counter = counter + 1; END;"
        for name, event in triggers.items()
    )


@migrations()
def m009_access_changes(db: Database) -> None:
    """A counter of changes that may end someone's access, which the live watcher follows."""
    db.executescript(
        "CREATE TABLE access_changes (id INTEGER PRIMARY KEY CHECK (id = 1), counter INTEGER);"
        " INSERT INTO access_changes (id, counter) VALUES (1, 0);"
        + counting_triggers(ACCESS_TRIGGERS)
    )


@migrations()
def m010_listed(db: Database) -> None:
    """Maps their owners list on the front page; a listed map is readable by link (a CHECK).

    The seed map starts listed, unless its owner had made it private.
    """
    db.executescript(
        "ALTER TABLE maps ADD COLUMN listed INTEGER NOT NULL DEFAULT 0"
        " CHECK (listed IN (0, 1) AND (listed = 0 OR public = 1));"
        " UPDATE maps SET listed = 1 WHERE origin LIKE 'seed:%' AND public = 1;"
    )


# Changes that change what someone may read or write on a map: hiding nodes, locking maps.
MODERATION_TRIGGERS = {
    "access_nodes_hidden": "UPDATE OF hidden ON nodes",
    "access_maps_moderation": "UPDATE OF locked, moderation ON maps",
}


@migrations()
def m011_moderation(db: Database) -> None:
    """Moderation per map (who edits what, a lock), hidden nodes, and each node's author.

    Maps that exist keep "everyone edits everything"; new maps are made with "own" (maps.py).
    A node's author is the member whose change created it (its first node.add event), with
    the name the member had: removing a member leaves their nodes under that name.
    """
    created = (
        "FROM events e WHERE e.map_id = nodes.map_id AND e.node_id = nodes.id"
        " AND e.action = 'node.add' ORDER BY e.id LIMIT 1"
    )
    db.executescript(
        "ALTER TABLE maps ADD COLUMN moderation TEXT NOT NULL DEFAULT 'everyone'"
        " CHECK (moderation IN ('everyone', 'own'));"
        " ALTER TABLE maps ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;"
        " ALTER TABLE nodes ADD COLUMN author_member INTEGER;"
        " ALTER TABLE nodes ADD COLUMN author_name TEXT NOT NULL DEFAULT '';"
        " ALTER TABLE nodes ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;"
        " CREATE INDEX nodes_hidden ON nodes(map_id) WHERE hidden = 1;"
        " CREATE INDEX nodes_author ON nodes(map_id, author_member);"
        f" UPDATE nodes SET author_member = (SELECT e.member_id {created}),"
        f" author_name = COALESCE((SELECT e.actor {created}), '');"
        + counting_triggers(MODERATION_TRIGGERS)
    )


@migrations()
def m012_classroom(db: Database) -> None:
    """Classes: who wrote each node, the anonymous switch, teams with their sides and notes."""
    if "author_member" not in db["nodes"].columns_dict:  # also made by m011_moderation
        db.execute("ALTER TABLE nodes ADD COLUMN author_member INTEGER")
        db.execute(
            "UPDATE nodes SET author_member = (SELECT e.member_id FROM events e"
            " WHERE e.map_id = nodes.map_id AND e.node_id = nodes.id AND e.action = 'node.add'"
            " ORDER BY e.id LIMIT 1)"
        )
    db.executescript(
        """
        ALTER TABLE maps ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE maps ADD COLUMN team_pick INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE teams (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            claim_id INTEGER,  -- no foreign key: a deleted claim restored by undo is found again
            side TEXT CHECK (side IN ('for', 'against')),
            notes TEXT NOT NULL DEFAULT '',
            notes_version INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            UNIQUE (map_id, name)
        );
        CREATE INDEX teams_map ON teams(map_id);
        CREATE TABLE team_members (
            member_id INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
            team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
            joined_at TEXT NOT NULL
        );
        CREATE INDEX team_members_team ON team_members(team_id);
        -- A node's author is the member whose change added it (kept when it is restored).
        CREATE TRIGGER classroom_author_added AFTER INSERT ON events
        WHEN new.action = 'node.add' AND new.member_id IS NOT NULL BEGIN
            UPDATE nodes SET author_member = new.member_id
            WHERE id = new.node_id AND author_member IS NULL;
        END;
        CREATE TRIGGER classroom_author_restored AFTER INSERT ON nodes
        WHEN new.author_member IS NULL BEGIN
            UPDATE nodes SET author_member = (SELECT e.member_id FROM events e
                WHERE e.map_id = new.map_id AND e.node_id = new.id AND e.action = 'node.add'
                ORDER BY e.id LIMIT 1)
            WHERE id = new.id;
        END;
        -- What a reader sees of names depends on this switch: streams check again.
        CREATE TRIGGER classroom_anonymous AFTER UPDATE OF anonymous ON maps
        BEGIN UPDATE access_changes SET counter = counter + 1; END;
        """
    )


@migrations()
def m013_votes(db: Database) -> None:
    """Votes: each member's rating (0 to 4) of a node's strength, one per member and node.

    A vote goes with its node (deleted with it) and with its member (removed from the map).
    """
    db.executescript(
        """
        CREATE TABLE votes (
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 4),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (node_id, member_id)
        );
        CREATE INDEX votes_map ON votes(map_id, node_id);
        CREATE INDEX votes_member ON votes(member_id);
        """
    )


@migrations()
def m014_comments(db: Database) -> None:
    """Comments: a thread per node (argmap/comments.py); a node's deletion takes them along.

    The author is a member id (no foreign key: a removed member's comments stay) with the
    name they had, like a node's author; so is whoever resolved it.
    """
    db.executescript(
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            map_id INTEGER NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
            node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
            member_id INTEGER,
            author_name TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            edited_at TEXT,
            resolved_at TEXT,
            resolved_by INTEGER,
            resolved_name TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX comments_node ON comments(node_id, id);
        CREATE INDEX comments_map ON comments(map_id, id);
        """
    )


@migrations()
def m015_shapes(db: Database) -> None:
    """Each node keeps its label as drawn and its box size (argmap/shapes.py), made by
    shapes.refresh right after; `meta` keeps which code made them.

    A text changed by code that writes no label (an older argmap on the same file) loses
    its label, so that it is drawn from its text rather than as it was.
    """
    db.executescript(
        """
        ALTER TABLE nodes ADD COLUMN label TEXT;
        ALTER TABLE nodes ADD COLUMN box_width REAL;
        ALTER TABLE nodes ADD COLUMN box_height REAL;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TRIGGER nodes_label_stale AFTER UPDATE OF text ON nodes
        WHEN new.text IS NOT old.text AND new.label IS old.label BEGIN
            UPDATE nodes SET label = NULL, box_width = NULL, box_height = NULL
            WHERE id = new.id;
        END;
        """
    )


@migrations()
def m016_dot_downloads(db: Database) -> None:
    """Stored DOT downloads are made again: those stored by main from d289979 to 9c12ded end
    with the marker that closes Graphviz's input (graphviz_process.END) after the DOT."""
    db.execute("DELETE FROM renders WHERE fmt = 'dot'")
