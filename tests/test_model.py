"""The model's rules, through the domain functions, on a real SQLite file."""

from __future__ import annotations

import json

import pytest
from helpers import fresh_database
from hostile import PARAMS

from argmap import deletion, links, maps, nodes
from argmap.db import connect
from argmap.errors import Conflict, NotFound, ValidationError


@pytest.fixture
def db(tmp_path):
    """A connection to a fresh database file (a copy of one migrated once, for speed)."""
    conn = connect(fresh_database(tmp_path))
    yield conn
    conn.conn.close()


@pytest.fixture
def tree(db):
    """A map: claim C with support S (which has counter R) and counter K; a second map M2."""
    map_id = maps.create_map(db, "Tree")
    c = nodes.add_node(db, map_id, {"kind": "claim", "text": "C"})["id"]
    s = nodes.add_node(db, map_id, {"kind": "support", "text": "S", "parent_id": c})["id"]
    r = nodes.add_node(db, map_id, {"kind": "counter", "text": "R", "parent_id": s})["id"]
    k = nodes.add_node(db, map_id, {"kind": "counter", "text": "K", "parent_id": c})["id"]
    other = maps.create_map(db, "Other")
    o = nodes.add_node(db, other, {"kind": "claim", "text": "O"})["id"]
    return {"map": map_id, "C": c, "S": s, "R": r, "K": k, "other": other, "O": o}


def revision(db, map_id):
    """The map's revision as stored."""
    return db.execute("SELECT revision FROM maps WHERE id = ?", (map_id,)).fetchone()[0]


def shape(db, map_id):
    """(text, kind, parent text) of every node of the map, in id order."""
    found = db.execute(
        "SELECT n.text, n.kind, p.text FROM nodes n LEFT JOIN nodes p ON p.id = n.parent_id"
        " WHERE n.map_id = ? ORDER BY n.id",
        (map_id,),
    ).fetchall()
    return [tuple(r) for r in found]


def counts(db):
    """How many maps, nodes, links and events the database holds."""
    return tuple(
        db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("maps", "nodes", "links", "events")
    )


# Maps


def test_create_map_stores_title_description_and_revision_one(db):
    map_id = maps.create_map(db, "  A title  ", "  Why  ")
    assert maps.load(db, map_id) == {
        "id": map_id,
        "title": "A title",
        "description": "Why",
        "revision": 1,
        "moderation": "own",
        "locked": False,
        "nodes": [],
        "links": [],
    }


@pytest.mark.parametrize(
    ("title", "description", "field"),
    [
        ("", "", "title"),
        ("   \n\t ", "", "title"),
        (None, "", "title"),
        (42, "", "title"),
        ("t" * 201, "", "title"),
        ("ok", "d" * 2001, "description"),
        ("ok", ["list"], "description"),
    ],
    ids=["empty", "blank", "none", "number", "title-201", "description-2001", "description-list"],
)
def test_bad_map_fields_are_refused_and_nothing_written(db, title, description, field):
    before = counts(db)
    with pytest.raises(ValidationError) as caught:
        maps.create_map(db, title, description)
    assert caught.value.field == field
    assert caught.value.message
    assert counts(db) == before


def test_limits_are_inclusive(db):
    map_id = maps.create_map(db, "t" * 200, "d" * 2000)
    assert maps.get_map(db, map_id)["title"] == "t" * 200


def test_rename_bumps_revision_and_logs_before_and_after(db):
    map_id = maps.create_map(db, "Old")
    maps.update_map(db, map_id, "New", "Described")
    assert (maps.get_map(db, map_id)["title"], revision(db, map_id)) == ("New", 2)
    event = db.execute("SELECT action, data FROM events ORDER BY id DESC").fetchone()
    assert event["action"] == "map.update"
    assert '"before": {"title": "Old"' in event["data"]


def test_rename_to_blank_changes_nothing(db):
    map_id = maps.create_map(db, "Old")
    with pytest.raises(ValidationError):
        maps.update_map(db, map_id, " ", "")
    assert (maps.get_map(db, map_id)["title"], revision(db, map_id)) == ("Old", 1)


def test_missing_map_is_not_found(db):
    for call in (
        lambda: maps.get_map(db, 999),
        lambda: maps.update_map(db, 999, "t", ""),
        lambda: maps.delete_map(db, 999),
        lambda: nodes.add_node(db, 999, {"kind": "claim", "text": "x"}),
    ):
        with pytest.raises(NotFound):
            call()


def test_delete_map_removes_everything_in_it_and_nothing_else(db, tree):
    links.add_link(
        db, tree["map"], {"from_id": tree["K"], "to_id": tree["S"], "relation": "counter"}
    )
    maps.delete_map(db, tree["map"])
    assert [m["id"] for m in maps.list_maps(db)] == [tree["other"]]
    assert counts(db) == (1, 1, 0, 2)


# Nodes: adding


def test_add_node_returns_and_stores_the_node(db, tree):
    node = nodes.add_node(
        db,
        tree["map"],
        {
            "kind": "support",
            "text": "  New  ",
            "quote": " q ",
            "source": " s ",
            "parent_id": tree["K"],
        },
    )
    assert node == {
        "id": node["id"],
        "kind": "support",
        "text": "New",
        "quote": "q",
        "source": "s",
        "parent_id": tree["K"],
        "group": None,
        "undercut": False,
        "tags": [],
        "version": 1,
        "author_member": None,
        "author_name": "",
        "hidden": False,
    }
    assert maps.load(db, tree["map"])["nodes"][-1] == node


def test_every_change_bumps_the_revision_by_one(db, tree):
    m = tree["map"]
    start = revision(db, m)
    nodes.add_node(db, m, {"kind": "claim", "text": "x"})
    nodes.update_node(db, m, tree["K"], {"text": "K2"})
    link = links.add_link(db, m, {"from_id": tree["K"], "to_id": tree["S"], "relation": "counter"})
    links.delete_link(db, m, link["id"])
    deletion.delete_node(db, m, tree["R"])
    maps.update_map(db, m, "Renamed", "")
    assert revision(db, m) == start + 6
    found = db.execute(
        "SELECT action FROM events WHERE map_id = ? AND revision > ? ORDER BY id", (m, start)
    )
    actions = [r[0] for r in found]
    assert actions == [
        "node.add",
        "node.update",
        "link.add",
        "link.delete",
        "node.delete",
        "map.update",
    ]


def test_text_limits_count_after_trimming(db, tree):
    node = nodes.add_node(db, tree["map"], {"kind": "claim", "text": "  " + "y" * 1000 + "\n "})
    assert node["text"] == "y" * 1000
    node = nodes.add_node(db, tree["map"], {"kind": "claim", "text": "x", "quote": "q" * 2000})
    assert len(node["quote"]) == 2000


BAD_NODES = [
    ({"kind": "claim", "text": ""}, "text"),
    ({"kind": "claim", "text": "   \n\t "}, "text"),
    ({"kind": "claim", "text": "\x00\x07\x1b"}, "text"),
    ({"kind": "claim"}, "text"),
    ({"kind": "claim", "text": 12}, "text"),
    ({"kind": "claim", "text": "z" * 1001}, "text"),
    ({"kind": "claim", "text": "ok", "quote": "q" * 2001}, "quote"),
    ({"kind": "claim", "text": "ok", "source": "s" * 2001}, "source"),
    ({"kind": "claim", "text": "ok", "quote": ["x"]}, "quote"),
    ({"kind": "argument", "text": "ok"}, "kind"),
    ({"kind": "Claim", "text": "ok"}, "kind"),
    ({"kind": "", "text": "ok"}, "kind"),
    ({"text": "ok"}, "kind"),
    ({"kind": "claim", "text": "ok", "parent_id": "C"}, "parent_id"),
    ({"kind": "support", "text": "ok"}, "parent_id"),
    ({"kind": "counter", "text": "ok", "parent_id": ""}, "parent_id"),
    ({"kind": "support", "text": "ok", "parent_id": 999}, "parent_id"),
    ({"kind": "support", "text": "ok", "parent_id": "O"}, "parent_id"),
    ({"kind": "support", "text": "ok", "parent_id": "abc"}, "parent_id"),
    ({"kind": "support", "text": "ok", "parent_id": 0}, "parent_id"),
    ({"kind": "support", "text": "ok", "parent_id": -3}, "parent_id"),
    ({"kind": "support", "text": "ok", "parent_id": True}, "parent_id"),
    ({"kind": "support", "text": "ok", "parent_id": "C", "undercut": True}, "undercut"),
    ({"kind": "claim", "text": "ok", "group": 1}, "group"),
    ({"kind": "claim", "text": "ok", "tags": ["t" * 41]}, "tags"),
]
BAD_IDS = [
    "empty-text",
    "blank-text",
    "only-control-characters",
    "no-text",
    "number-text",
    "text-1001",
    "quote-2001",
    "source-2001",
    "quote-list",
    "unknown-kind",
    "capitalised-kind",
    "empty-kind",
    "no-kind",
    "claim-with-parent",
    "support-without-parent",
    "counter-blank-parent",
    "missing-parent",
    "parent-in-another-map",
    "parent-not-a-number",
    "parent-zero",
    "parent-negative",
    "parent-boolean",
    "undercut-of-claim-inference",
    "grouped-claim",
    "tag-too-long",
]


def resolve(fields: dict, tree: dict) -> dict:
    """The fields with node names ("C", "O" ...) replaced by the tree's ids."""
    parent = fields.get("parent_id")
    return {**fields, "parent_id": tree.get(parent, parent)} if "parent_id" in fields else fields


@pytest.mark.parametrize(("fields", "field"), BAD_NODES, ids=BAD_IDS)
def test_bad_node_is_refused_with_the_field_and_nothing_written(db, tree, fields, field):
    before, rev = counts(db), revision(db, tree["map"])
    with pytest.raises(ValidationError) as caught:
        nodes.add_node(db, tree["map"], resolve(fields, tree))
    assert caught.value.field == field
    assert len(caught.value.message) > 10
    assert (counts(db), revision(db, tree["map"])) == (before, rev)


@pytest.mark.parametrize(("typed", "shown"), PARAMS)
def test_hostile_text_is_stored_as_shown(db, tree, typed, shown):
    node = nodes.add_node(db, tree["map"], {"kind": "claim", "text": typed, "quote": typed})
    stored = nodes.get_node(db, tree["map"], node["id"])
    assert (stored["text"], stored["quote"]) == (shown, shown)


# Nodes: editing


def test_edit_text_bumps_version_and_logs_before_and_after(db, tree):
    after = nodes.update_node(db, tree["map"], tree["S"], {"text": "S2", "version": 1})
    assert (after["text"], after["version"], after["parent_id"]) == ("S2", 2, tree["C"])
    event = json.loads(db.execute("SELECT data FROM events ORDER BY id DESC").fetchone()[0])
    assert (event["before"]["text"], event["after"]["text"]) == ("S", "S2")


def test_a_text_edit_walks_no_relations_but_a_move_does(db, tree):
    """A new text leaves the shape as it was: no search for cycles or depth runs."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        nodes.update_node(db, tree["map"], tree["R"], {"text": "R2", "quote": "q"})
        walked_for_text = [s for s in statements if "RECURSIVE" in s]
        nodes.update_node(db, tree["map"], tree["R"], {"parent_id": tree["K"]})
        walked_for_move = [s for s in statements if "RECURSIVE" in s]
    finally:
        db.conn.set_trace_callback(None)
    assert walked_for_text == []
    assert walked_for_move  # the cycle and depth rules still run when the parent changes
    assert shape(db, tree["map"])[2] == ("R2", "counter", "K")


def test_change_kind_keeps_the_parent(db, tree):
    nodes.update_node(db, tree["map"], tree["S"], {"kind": "counter"})
    assert shape(db, tree["map"])[1] == ("S", "counter", "C")


def test_change_to_claim_drops_the_parent(db, tree):
    nodes.update_node(db, tree["map"], tree["K"], {"kind": "claim"})
    assert shape(db, tree["map"])[3] == ("K", "claim", None)


def test_claim_becomes_support_under_another_node(db, tree):
    c2 = nodes.add_node(db, tree["map"], {"kind": "claim", "text": "C2"})["id"]
    nodes.update_node(db, tree["map"], c2, {"kind": "support", "parent_id": tree["K"]})
    assert shape(db, tree["map"])[-1] == ("C2", "support", "K")


def test_move_under_another_parent(db, tree):
    nodes.update_node(db, tree["map"], tree["R"], {"parent_id": tree["K"]})
    assert shape(db, tree["map"])[2] == ("R", "counter", "K")


@pytest.mark.parametrize(
    ("node", "changes", "field"),
    [
        ("C", {"kind": "support", "parent_id": "R"}, "parent_id"),
        ("S", {"parent_id": "R"}, "parent_id"),
        ("S", {"parent_id": "S"}, "parent_id"),
        ("S", {"parent_id": "O"}, "parent_id"),
        ("S", {"parent_id": 999}, "parent_id"),
        ("S", {"parent_id": None}, "parent_id"),
        ("S", {"kind": "opinion"}, "kind"),
        ("S", {"text": "  "}, "text"),
        ("S", {"text": None}, "text"),
        ("S", {"text": "w" * 1001}, "text"),
        ("S", {"quote": "q" * 2001}, "quote"),
        ("S", {"id": 5}, "id"),
        ("C", {"kind": "support"}, "parent_id"),
        ("S", {"version": "x"}, "version"),
    ],
    ids=[
        "claim-under-its-own-rebuttal",
        "support-under-its-counter",
        "own-parent",
        "parent-in-another-map",
        "missing-parent",
        "support-loses-parent",
        "unknown-kind",
        "blank-text",
        "null-text",
        "text-1001",
        "quote-2001",
        "unknown-field",
        "claim-to-support-without-parent",
        "version-not-a-number",
    ],
)
def test_bad_edit_is_refused_and_nothing_written(db, tree, node, changes, field):
    changes = {k: tree.get(v, v) if k == "parent_id" else v for k, v in changes.items()}
    before, rev = shape(db, tree["map"]), revision(db, tree["map"])
    with pytest.raises(ValidationError) as caught:
        nodes.update_node(db, tree["map"], tree[node], changes)
    assert caught.value.field == field
    assert (shape(db, tree["map"]), revision(db, tree["map"])) == (before, rev)


def test_cycle_through_a_link_is_refused(db, tree):
    c2 = nodes.add_node(db, tree["map"], {"kind": "claim", "text": "C2"})["id"]
    links.add_link(db, tree["map"], {"from_id": tree["C"], "to_id": c2, "relation": "support"})
    with pytest.raises(ValidationError, match="cycle") as caught:
        nodes.update_node(db, tree["map"], c2, {"kind": "counter", "parent_id": tree["R"]})
    assert caught.value.field == "parent_id"


def test_stale_version_is_a_conflict_carrying_the_current_node(db, tree):
    nodes.update_node(db, tree["map"], tree["S"], {"text": "theirs", "version": 1})
    with pytest.raises(Conflict) as caught:
        nodes.update_node(db, tree["map"], tree["S"], {"text": "mine", "version": 1})
    assert (caught.value.current["text"], caught.value.current["version"]) == ("theirs", 2)
    assert nodes.get_node(db, tree["map"], tree["S"])["text"] == "theirs"


@pytest.mark.parametrize("node_id", [999, "O", "abc", None])
def test_edit_of_a_missing_node_is_refused(db, tree, node_id):
    rev = revision(db, tree["map"])
    with pytest.raises((NotFound, ValidationError)) as caught:
        nodes.update_node(db, tree["map"], tree.get(node_id, node_id), {"text": "x"})
    assert caught.value.field == "node_id"
    assert revision(db, tree["map"]) == rev


# Deleting


def test_delete_a_leaf_needs_no_choice(db, tree):
    done = deletion.delete_node(db, tree["map"], tree["K"])
    assert [n["text"] for n in done["deleted"]] == ["K"]
    assert shape(db, tree["map"]) == [
        ("C", "claim", None),
        ("S", "support", "C"),
        ("R", "counter", "S"),
    ]


@pytest.mark.parametrize("choice", [None, "", "keep", "REATTACH"])
def test_delete_with_children_asks_what_becomes_of_them(db, tree, choice):
    before, rev = shape(db, tree["map"]), revision(db, tree["map"])
    with pytest.raises(ValidationError, match="2 nodes are about this node") as caught:
        deletion.delete_node(db, tree["map"], tree["C"], choice)
    assert caught.value.field == "children"
    assert (shape(db, tree["map"]), revision(db, tree["map"])) == (before, rev)


@pytest.mark.parametrize(
    ("node", "choice", "left"),
    [
        ("S", "reattach", [("C", "claim", None), ("R", "counter", "C"), ("K", "counter", "C")]),
        ("S", "detach", [("C", "claim", None), ("R", "claim", None), ("K", "counter", "C")]),
        ("S", "delete", [("C", "claim", None), ("K", "counter", "C")]),
        ("C", "reattach", [("S", "claim", None), ("R", "counter", "S"), ("K", "claim", None)]),
        ("C", "detach", [("S", "claim", None), ("R", "counter", "S"), ("K", "claim", None)]),
        ("C", "delete", []),
    ],
)
def test_delete_with_children_does_as_chosen(db, tree, node, choice, left):
    links.add_link(
        db, tree["map"], {"from_id": tree["K"], "to_id": tree["R"], "relation": "support"}
    )
    done = deletion.delete_node(db, tree["map"], tree[node], choice)
    assert shape(db, tree["map"]) == left
    assert done["choice"] == choice
    remaining = {t for t, _, _ in left}
    stored = db.execute(
        "SELECT f.text, t.text FROM links"
        " JOIN nodes f ON f.id = from_id JOIN nodes t ON t.id = to_id"
    ).fetchall()
    assert [tuple(r) for r in stored] == ([("K", "R")] if {"K", "R"} <= remaining else [])


def test_delete_a_missing_node_is_not_found(db, tree):
    with pytest.raises(NotFound):
        deletion.delete_node(db, tree["map"], tree["O"])
    assert shape(db, tree["other"]) == [("O", "claim", None)]


def test_delete_against_an_old_version_is_refused(db, tree):
    nodes.update_node(db, tree["map"], tree["K"], {"text": "K2"})
    with pytest.raises(Conflict):
        deletion.delete_node(db, tree["map"], tree["K"], version=1)
    assert len(shape(db, tree["map"])) == 4


# Links


def test_add_link_is_stored_and_loaded(db, tree):
    link = links.add_link(
        db, tree["map"], {"from_id": tree["R"], "to_id": tree["K"], "relation": "contradiction"}
    )
    assert maps.load(db, tree["map"])["links"] == [
        {
            "id": link["id"],
            "from_id": tree["R"],
            "to_id": tree["K"],
            "relation": "contradiction",
            "group": None,
            "undercut": False,
        }
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"from_id": "K", "to_id": "S", "relation": "refutes"}, "relation"),
        ({"from_id": "K", "to_id": "S"}, "relation"),
        ({"to_id": "S", "relation": "support"}, "from_id"),
        ({"from_id": "K", "relation": "support"}, "to_id"),
        ({"from_id": 999, "to_id": "S", "relation": "support"}, "from_id"),
        ({"from_id": "K", "to_id": 999, "relation": "support"}, "to_id"),
        ({"from_id": "K", "to_id": "O", "relation": "support"}, "to_id"),
        ({"from_id": "O", "to_id": "K", "relation": "support"}, "from_id"),
        ({"from_id": "K", "to_id": "K", "relation": "support"}, "to_id"),
        ({"from_id": "S", "to_id": "C", "relation": "counter"}, "to_id"),
        ({"from_id": "C", "to_id": "R", "relation": "support"}, "to_id"),
        ({"from_id": "C", "to_id": "S", "relation": "counter"}, "to_id"),
        ({"from_id": "K", "to_id": "C", "relation": "support", "undercut": True}, "to_id"),
        ({"from_id": "R", "to_id": "K", "relation": "support", "undercut": True}, "undercut"),
        ({"from_id": "K", "to_id": "abc", "relation": "support"}, "to_id"),
    ],
    ids=[
        "unknown-relation",
        "no-relation",
        "no-from",
        "no-to",
        "missing-from",
        "missing-to",
        "to-another-map",
        "from-another-map",
        "self",
        "already-parent",
        "cycle-to-descendant",
        "cycle-to-child",
        "undercut-of-parent",
        "undercut-as-support",
        "to-not-a-number",
    ],
)
def test_bad_link_is_refused_and_nothing_written(db, tree, fields, field):
    fields = {k: tree.get(v, v) if k.endswith("_id") else v for k, v in fields.items()}
    before, rev = counts(db), revision(db, tree["map"])
    with pytest.raises(ValidationError) as caught:
        links.add_link(db, tree["map"], fields)
    assert caught.value.field == field
    assert (counts(db), revision(db, tree["map"])) == (before, rev)


def test_duplicate_link_either_way_is_refused(db, tree):
    links.add_link(
        db, tree["map"], {"from_id": tree["R"], "to_id": tree["K"], "relation": "counter"}
    )
    for a, b in (("R", "K"), ("K", "R")):
        with pytest.raises(ValidationError, match="already linked"):
            links.add_link(
                db, tree["map"], {"from_id": tree[a], "to_id": tree[b], "relation": "contradiction"}
            )
    assert counts(db)[2] == 1


def test_delete_missing_link_is_not_found(db, tree):
    with pytest.raises(NotFound):
        links.delete_link(db, tree["map"], 999)


# Ids are never reused


def test_ids_are_never_reused_after_the_newest_row_is_deleted(db, tree):
    m = tree["map"]
    x = nodes.add_node(db, m, {"kind": "claim", "text": "X"})["id"]
    link = {"from_id": x, "to_id": tree["C"], "relation": "contradiction"}
    first = links.add_link(db, m, link)["id"]
    deletion.delete_node(db, m, x)
    y = nodes.add_node(db, m, {"kind": "claim", "text": "Y"})["id"]
    second = links.add_link(db, m, {**link, "from_id": y})["id"]
    gone = maps.create_map(db, "Gone")
    last_event = db.execute("SELECT MAX(id) FROM events").fetchone()[0]
    maps.delete_map(db, gone)
    new = maps.create_map(db, "New")
    newest = db.execute("SELECT MAX(id) FROM events").fetchone()[0]
    assert (y > x, second > first, new > gone, newest > last_event) == (True,) * 4
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


# Undercuts


@pytest.fixture
def undercut(db, tree):
    """U: a counter of S that objects to the inference from S to C (an undercut)."""
    fields = {"kind": "counter", "text": "U", "parent_id": tree["S"], "undercut": True}
    return {**tree, "U": nodes.add_node(db, tree["map"], fields)["id"]}


def stored(db, node_id):
    """(undercut, version) of a node as stored."""
    found = db.execute("SELECT undercut, version FROM nodes WHERE id = ?", (node_id,)).fetchone()
    return tuple(found)


def test_a_parent_becoming_a_claim_leaves_the_undercuts_about_it_alone(db, undercut):
    events_before = counts(db)[3]
    nodes.update_node(db, undercut["map"], undercut["S"], {"kind": "claim"})
    assert shape(db, undercut["map"])[1] == ("S", "claim", None)
    assert stored(db, undercut["U"]) == (1, 1)
    assert counts(db)[3] == events_before + 1


@pytest.mark.parametrize("choice", ["detach", "reattach"])
def test_an_undercut_left_without_an_inference_can_still_be_edited(db, undercut, choice):
    deletion.delete_node(db, undercut["map"], undercut["C"], choice)
    edited = nodes.update_node(db, undercut["map"], undercut["U"], {"text": "U with a typo fixed"})
    assert (edited["text"], edited["undercut"], edited["version"]) == (
        "U with a typo fixed",
        True,
        2,
    )


@pytest.mark.parametrize(
    ("node", "changes"),
    [
        ("R", {"undercut": True}),
        ("U", {"parent_id": "C"}),
        ("U", {"kind": "support"}),
    ],
    ids=["set-on-a-counter-of-a-claim", "moved-under-a-claim", "made-a-support"],
)
def test_an_undercut_is_not_set_where_there_is_no_inference(db, undercut, node, changes):
    nodes.update_node(db, undercut["map"], undercut["S"], {"kind": "claim"})
    changes = {k: undercut.get(v, v) if k == "parent_id" else v for k, v in changes.items()}
    before, rev = shape(db, undercut["map"]), revision(db, undercut["map"])
    with pytest.raises(ValidationError) as caught:
        nodes.update_node(db, undercut["map"], undercut[node], changes)
    assert caught.value.field == "undercut"
    assert (shape(db, undercut["map"]), revision(db, undercut["map"])) == (before, rev)


# Saving without changes


def test_saving_a_node_without_changes_writes_nothing(db, tree):
    m, events_before, rev = tree["map"], counts(db)[3], revision(db, tree["map"])
    same = nodes.update_node(db, m, tree["S"], {"text": "  S ", "kind": "support", "version": 1})
    assert (same["text"], same["version"]) == ("S", 1)
    assert (counts(db)[3], revision(db, m)) == (events_before, rev)
    theirs = nodes.update_node(db, m, tree["S"], {"text": "Bob's real edit", "version": 1})
    assert (theirs["text"], theirs["version"]) == ("Bob's real edit", 2)


def test_saving_a_map_without_changes_writes_nothing(db, tree):
    m, events_before, rev = tree["map"], counts(db)[3], revision(db, tree["map"])
    assert maps.update_map(db, m, " Tree ", "") is False
    assert (counts(db)[3], revision(db, m)) == (events_before, rev)
    assert maps.update_map(db, m, "Tree", "Now described") is True
    assert revision(db, m) == rev + 1
