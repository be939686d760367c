"""The `argmap` command, run as a real program on a test database file."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import run_argmap

from argmap import maps, nodes, portable
from argmap.db import connect
from argmap.model import MapData, Node

ROOT = Path(__file__).resolve().parent.parent
MAGIC = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "dot": b"digraph argmap {"}


@pytest.fixture
def small(app, db):
    """A map: a claim, a support with a hostile text and a counter; returns its id."""
    m = maps.create_map(db, "Exported")
    c = nodes.add_node(db, m, {"kind": "claim", "text": "Exports work"})["id"]
    nodes.add_node(db, m, {"kind": "support", "text": '<b>"so"</b> \\N', "parent_id": c})
    nodes.add_node(db, m, {"kind": "counter", "text": "Not always", "parent_id": c})
    return m


def run_export(app, *args: str) -> subprocess.CompletedProcess:
    """`argmap export ARGS` on the app's database and exports folder."""
    return run_argmap(
        "export", *args, database=app.config["DATABASE"], exports=Path(app.config["EXPORTS"])
    )


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "dot"])
def test_export_writes_into_exports_by_default_and_says_where(app, small, fmt):
    done = run_export(app, str(small), "--format", fmt)
    path = Path(app.config["EXPORTS"]) / f"map-{small}.{fmt}"
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(f"Wrote {path}")
    assert path.read_bytes().startswith(MAGIC[fmt])


def test_exported_svg_is_valid_xml_with_the_texts(app, small):
    run_export(app, str(small))
    root = ET.parse(Path(app.config["EXPORTS"]) / f"map-{small}.svg").getroot()
    texts = sorted(
        "".join(t.itertext()).replace("\xa0", " ")
        for t in root.iter("{http://www.w3.org/2000/svg}text")
    )
    assert texts == ['<b>"so"</b> \\N', "Exports work", "Not always"]


def test_export_to_a_chosen_file(app, small, tmp_path):
    target = tmp_path / "elsewhere" / "diagram.pdf"
    target.parent.mkdir()
    done = run_export(app, str(small), "--format", "pdf", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert f"Wrote {target}" in done.stdout
    assert target.read_bytes().startswith(b"%PDF-")
    assert not (Path(app.config["EXPORTS"]) / f"map-{small}.pdf").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999"], "There is no map 999."),
        (["abc"], "'abc' is not a valid integer"),
        (["1", "--format", "gif"], "'gif' is not one of"),
    ],
    ids=["missing-map", "not-a-number", "unknown-format"],
)
def test_bad_export_fails_with_a_clear_message(app, small, args, message):
    done = run_export(app, *args)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not Path(app.config["EXPORTS"]).exists() or not any(
        Path(app.config["EXPORTS"]).iterdir()
    )


def test_seed_command_loads_once(tmp_path):
    database = str(tmp_path / "fresh.sqlite")
    first = run_argmap("seed", database=database, exports=tmp_path / "exports")
    assert first.returncode == 0, first.stderr
    assert "Seeded map 1." in first.stdout
    before = snapshot(database)
    seed_nodes = json.loads((ROOT / "seeds" / "nato-response.argmap.json").read_text())["nodes"]
    assert (len(before[0]), len(before[1])) == (1, len(seed_nodes))
    second = run_argmap("seed", database=database, exports=tmp_path / "exports")
    assert (second.returncode, second.stdout.strip()) == (0, "Seed map already there.")
    assert snapshot(database) == before


def snapshot(database: str) -> tuple:
    """Every row of maps, nodes, links and events in the database file."""
    db = connect(database)
    try:
        return tuple(
            [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
            for table in ("maps", "nodes", "links", "events")
        )
    finally:
        db.conn.close()


def test_export_in_a_format_that_cannot_hold_the_map_says_what_to_choose(app, db):
    chain = [Node("0", "claim", "level 0")]
    chain += [Node(str(i), "support", f"level {i}", parent=str(i - 1)) for i in range(1, 201)]
    m = portable.import_map(db, MapData("Deep", nodes=chain))
    done = run_export(app, str(m), "--format", "kialo")
    assert done.returncode == 1
    assert "This map cannot be written as Kialo" in done.stderr
    assert "Export it as argmap JSON or Argdown instead." in done.stderr
    assert "Traceback" not in done.stderr
    assert not (Path(app.config["EXPORTS"]) / f"map-{m}.txt").exists()
