"""The seed map: loaded on a fresh database's first start, exactly as in seeds/, only once."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hostile import squeeze

from argmap import render, seed
from argmap.db import connect

SEED_FILE = Path(__file__).resolve().parent.parent / "seeds" / "nato-response.argmap.json"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def seeded(seeded_app):
    """A connection to the seeded app's database file."""
    conn = connect(seeded_app.config["DATABASE"])
    yield conn
    conn.conn.close()


@pytest.fixture(scope="module")
def source():
    """The seed file as plain JSON."""
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def snapshot(db) -> tuple:
    """Every row of maps, nodes, links and events."""
    return tuple(
        [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
        for table in ("maps", "nodes", "links", "events")
    )


def test_fresh_database_holds_the_seed_map_exactly(seeded, source):
    [found] = [dict(r) for r in seeded.execute("SELECT * FROM maps")]
    assert (found["title"], found["origin"]) == (source["title"], "seed:nato-response.argmap.json")
    stored = [dict(r) for r in seeded.execute("SELECT * FROM nodes ORDER BY id")]
    ids = {n["id"]: row["id"] for n, row in zip(source["nodes"], stored, strict=True)}
    assert [
        (r["kind"], r["text"], r["quote"], r["source"], r["parent_id"], json.loads(r["tags"]))
        for r in stored
    ] == [
        (n["kind"], n["text"], n["quote"], n["source"], ids.get(n["parent_id"]), n["tags"])
        for n in source["nodes"]
    ]
    links = [tuple(r) for r in seeded.execute("SELECT from_id, to_id, relation FROM links")]
    assert sorted(links) == sorted(
        (ids[li["from_id"]], ids[li["to_id"]], li["relation"]) for li in source["links"]
    )


def test_seeding_again_changes_nothing(seeded):
    before = snapshot(seeded)
    assert seed.seed(seeded) == []
    assert snapshot(seeded) == before


def test_no_seed_when_seeding_is_off(db):
    assert db.execute("SELECT COUNT(*) FROM maps").fetchone()[0] == 0


def test_seed_map_is_readable_by_anyone_on_its_page(seeded_app, seeded, source):
    [map_id] = [r[0] for r in seeded.execute("SELECT id FROM maps")]
    response = seeded_app.test_client().get(f"/maps/{map_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<li id="o-') == len(source["nodes"])


def test_seed_map_draws_one_node_per_statement_with_its_text(seeded, source):
    [map_id] = [r[0] for r in seeded.execute("SELECT id FROM maps")]
    root = ET.fromstring(render.diagram(seeded, map_id, "svg").body)
    drawn = {
        g.get("id"): "".join("".join(t.itertext()) for t in g.iter(f"{SVG}text"))
        for g in root.iter(f"{SVG}g")
        if (g.get("id") or "").startswith("node-")
    }
    stored = {f"node-{r[0]}": r[1] for r in seeded.execute("SELECT id, text FROM nodes")}
    assert drawn.keys() == stored.keys()
    assert {k: squeeze(v) for k, v in drawn.items()} == {k: squeeze(v) for k, v in stored.items()}
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    parents = sum(1 for n in source["nodes"] if n["parent_id"] is not None)
    assert len(edges) == parents + len(source["links"])
