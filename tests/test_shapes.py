"""Labels kept with their nodes: written with the text, read by drawings, made again when
the code that makes them changes."""

from __future__ import annotations

import pytest
from conftest import create_account
from test_render import svg_nodes

from argmap import dot, maps, members, nodes, portable, render, shapes
from argmap.db import migrate, row
from argmap.model import MapData, Node
from argmap.portable import import_map

pytestmark = pytest.mark.usefixtures("quick_passwords")

LONG = 'Homework helps pupils practise what they learnt in class & more "besides" \\N here.'


def kept(db, node_id: int) -> tuple:
    """The label and box size the node's row holds."""
    found = row(db, "SELECT label, box_width, box_height FROM nodes WHERE id = ?", (node_id,))
    return found["label"], found["box_width"], found["box_height"]


def made(text: str) -> tuple:
    """The label and box size argmap makes from a text."""
    label, (width, height) = dot.shaped(text)
    return label, width, height


def test_a_node_keeps_its_label_as_drawn_from_the_moment_it_is_written(db):
    map_id = maps.create_map(db, "Kept")
    node = nodes.add_node(db, map_id, {"kind": "claim", "text": LONG})
    assert kept(db, node["id"]) == made(LONG)
    assert kept(db, node["id"])[0].startswith('"Homework helps pupils practise\\l')
    changed = nodes.update_node(db, map_id, node["id"], {"text": "Short now."})
    assert kept(db, node["id"]) == made("Short now.") != made(LONG)
    assert not {"label", "box_width", "box_height"} & set(changed)  # never shown by the API
    imported = import_map(db, MapData(title="In", nodes=[Node(key="a", kind="claim", text=LONG)]))
    (found,) = db.execute("SELECT id FROM nodes WHERE map_id = ?", (imported,)).fetchall()
    assert kept(db, found[0]) == made(LONG)


def test_a_first_drawing_wraps_and_measures_no_label(db, monkeypatch):
    """Every label comes from the rows: none is wrapped again, in `dot`'s drawing or a tidy
    tree's."""
    map_id = maps.create_map(db, "Drawn")
    claim = nodes.add_node(db, map_id, {"kind": "claim", "text": LONG})
    for number in range(5):
        fields = {"kind": "support", "text": f"Reason {number}: {LONG}", "parent_id": claim["id"]}
        nodes.add_node(db, map_id, fields)
    wrapped: list[str] = []
    real_wrap = dot.wrap
    monkeypatch.setattr(dot, "wrap", lambda text: wrapped.append(text) or real_wrap(text))
    for limits in (render.Limits(), render.Limits(fast_at=1, tidy_at=2)):
        db.execute("DELETE FROM renders")
        drawn = render.diagram(db, map_id, "svg", None, limits)
        lines = svg_nodes(drawn.body)[f"node-{claim['id']}"]
        assert " ".join(lines) == LONG
    assert wrapped == []


def test_a_node_written_without_its_label_is_drawn_from_its_text(db):
    """A row written by other code (no label kept) is drawn just as one argmap wrote."""
    map_id = maps.create_map(db, "Foreign")
    node = nodes.add_node(db, map_id, {"kind": "claim", "text": LONG})
    before = render.diagram(db, map_id, "svg").body
    db.execute("UPDATE nodes SET label = NULL, box_width = NULL, box_height = NULL")
    db.execute("DELETE FROM renders")
    after = render.diagram(db, map_id, "svg").body
    assert svg_nodes(after) == svg_nodes(before)
    assert after == before
    assert " ".join(svg_nodes(after)[f"node-{node['id']}"]) == LONG


def test_labels_are_made_again_when_the_code_that_makes_them_changes(db):
    map_id = maps.create_map(db, "Upgraded")
    node = nodes.add_node(db, map_id, {"kind": "claim", "text": LONG})
    db.execute("UPDATE nodes SET label = ?, box_width = 1, box_height = 1", ('"stale\\l"',))
    assert migrate(db) is False and kept(db, node["id"])[0] == '"stale\\l"'  # same code
    db.execute("UPDATE meta SET value = 'older code' WHERE key = ?", (shapes.DIGEST_KEY,))
    migrate(db)
    assert kept(db, node["id"]) == made(LONG)
    assert shapes.kept_recipe(db) == shapes.recipe()
    assert shapes.refresh(db) == 0


def test_a_text_changed_by_code_that_writes_no_label_is_drawn_as_it_now_reads(db):
    """An older argmap on the same file changes a text and leaves the label: the label goes."""
    map_id = maps.create_map(db, "Shared file")
    node = nodes.add_node(db, map_id, {"kind": "claim", "text": LONG})
    render.diagram(db, map_id, "svg")
    db.execute("UPDATE nodes SET text = 'Edited by other code.' WHERE id = ?", (node["id"],))
    db.execute("DELETE FROM renders")  # that code records its own change; drawn again
    assert kept(db, node["id"]) == (None, None, None)
    drawn = render.diagram(db, map_id, "svg")
    assert svg_nodes(drawn.body)[f"node-{node['id']}"] == ["Edited by other code."]
    nodes.update_node(db, map_id, node["id"], {"text": "Edited by argmap."})
    assert kept(db, node["id"]) == made("Edited by argmap.")


def test_an_import_makes_its_labels_before_it_takes_the_write_lock(app, db, monkeypatch):
    """Other writers do not wait while an imported map's labels are made."""
    user = create_account(app.config["DATABASE"], "ann@example.org", "Ann")
    locked: list[bool] = []
    real = portable.shape_values
    monkeypatch.setattr(
        portable, "shape_values", lambda text: locked.append(db.conn.in_transaction) or real(text)
    )
    nodes_in = [Node(key=str(n), kind="claim", text=f"Claim {n}: {LONG}") for n in range(3)]
    map_id = members.create_map(db, user, data=MapData(title="Imported", nodes=nodes_in))
    assert locked == [False, False, False]
    found = db.execute("SELECT id, text FROM nodes WHERE map_id = ?", (map_id,)).fetchall()
    assert [kept(db, node_id) for node_id, _ in found] == [made(text) for _, text in found]
