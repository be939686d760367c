"""The teacher's overview: its figures for maps of 500, 2,000 and 5,000 nodes written by a class."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from argmap import create_app, overview
from argmap.db import connect, now, write

from . import common
from .common import Options, Table, duration, mark, section
from .synthetic import write_map

SIZES = [500, 2000, 5000]
TARGET = 1.0  # seconds: a 2,000-node map's overview answers "well under a second"
STUDENTS = 30
TEAMS = 2


def add_class(path: Path, map_id: int) -> int:
    """A class of 30 students in two teams who wrote every node (and edited a tenth of them).

    Their changes are written as the events the domain writes (node.add, node.update), straight
    into the events table: writing thousands through the domain would time the writing.
    Returns the number of events the map has.
    """
    db = connect(str(path))
    try:
        with write(db):
            stamp = now()
            ids = []
            for number in range(STUDENTS):
                ids.append(
                    db.execute(
                        "INSERT INTO members (map_id, name, role, secret_hash, created_at)"
                        " VALUES (?, ?, 'editor', ?, ?)",
                        (map_id, f"Student {number + 1}", f"bench-{number}", stamp),
                    ).lastrowid
                )
            teams = [
                db.execute(
                    "INSERT INTO teams (map_id, name, created_at) VALUES (?, ?, ?)",
                    (map_id, f"Team {t + 1}", stamp),
                ).lastrowid
                for t in range(TEAMS)
            ]
            for number, member in enumerate(ids):
                db.execute(
                    "INSERT INTO team_members (member_id, team_id, joined_at) VALUES (?, ?, ?)",
                    (member, teams[number % TEAMS], stamp),
                )
            found = db.execute(
                "SELECT id, kind, text FROM nodes WHERE map_id = ? ORDER BY id", (map_id,)
            )
            for number, (node_id, kind, text) in enumerate(found.fetchall()):
                after = json.dumps({"after": {"kind": kind, "text": text}})
                actions = ["node.add"] + (["node.update"] if number % 10 == 0 else [])
                for action in actions:
                    db.execute(
                        "INSERT INTO events (map_id, revision, action, node_id, actor, member_id,"
                        " created_at, data) VALUES (?, 0, ?, ?, ?, ?, ?, ?)",
                        (map_id, action, node_id, "", ids[number % STUDENTS], stamp, after),
                    )
        return db.execute("SELECT COUNT(*) FROM events WHERE map_id = ?", (map_id,)).fetchone()[0]
    finally:
        db.conn.close()


def owner_client(path: Path, map_id: int):
    """A test client of the app on this database, logged in as an owner of the map."""
    from argmap import accounts, members

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE": str(path), "SEED": False})
    db = connect(str(path))
    try:
        user_id = accounts.create_user(db, "teacher@bench.example", "Teacher", "bench words 123 x")
        members.claim_map(db, map_id, accounts.get_user(db, user_id))
        token = accounts.create_token(db, user_id, "bench")
    finally:
        db.conn.close()
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def measure(size: int, options: Options) -> list[str]:
    """One row: the overview of a map of `size` nodes, in the domain and through GET."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        map_id = write_map(path, size)
        count = add_class(path, map_id)
        db = connect(str(path))
        try:
            alone = common.median_time(lambda: overview.overview(db, map_id), options.repeat)
        finally:
            db.conn.close()
        client, headers = owner_client(path, map_id)
        url = f"/api/maps/{map_id}/overview"
        body = client.get(url, headers=headers).get_data()
        got = common.median_time(lambda: client.get(url, headers=headers), options.repeat)
    figures = alone.result
    return [
        f"{size:,}",
        f"{count:,}",
        f"{len(figures['unanswered']):,}",
        f"{len(figures['unsupported']):,}",
        duration(alone.median),
        duration(got.median),
        f"{len(body) / 1024:,.0f}",
    ]


@section("overview")
def run(options: Options) -> list[Table]:
    """Time the overview of synthetic maps written by a class of 30; target at 2,000 nodes."""
    sizes = options.sizes or SIZES
    rows = []
    with common.progress(len(sizes), "overview") as bar:
        for size in sizes:
            rows.append(measure(size, options))
            bar.update()
    headers = ["nodes", "events", "unanswered", "no reason", "overview", "GET JSON", "JSON KiB"]
    notes = [
        "overview: argmap.overview.overview() on a connection of its own (the map, its hidden"
        f" nodes, the people, activity, the latest changes); GET JSON: the same through"
        f" GET /api/maps/<id>/overview as an owner (access check, JSON). {STUDENTS} students in"
        f" {TEAMS} teams wrote every node and edited a tenth. Median of {options.repeat}.",
        common.machine(),
    ]
    tables = [Table("The teacher's overview", headers, rows, notes)]
    at = [row for row, size in zip(rows, sizes, strict=True) if size == 2000]
    if at:
        target = Table("Overview target", ["target", "measured", "result"], [], left=2)
        seconds = parse(at[0][5])
        target.rows.append(["GET overview at 2,000 nodes < 1 s", at[0][5], mark(seconds < TARGET)])
        tables.append(target)
    return tables


def parse(text: str) -> float:
    """Seconds back from a duration's text (0.42 ms, 45.3 ms, 1.23 s)."""
    number, unit = text.split()
    return float(number) / (1000 if unit == "ms" else 1)
