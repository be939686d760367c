"""Changes travel as patches: a page applying them in order ends with the map the database has."""

from __future__ import annotations

import pytest
from hostile import HOSTILE
from livehelp import owned_map

from argmap import deletion, events, links, maps, nodes, patches
from argmap import undo as undoing
from argmap.events import Actor


def apply(model: dict, patch: dict) -> None:
    """What the page's script does with a patch (static/live.js, applyPatch)."""
    by_id = {n["id"]: n for n in model["nodes"]}
    gone = set(patch.get("deleted", []))
    for node in patch.get("nodes", []):
        by_id[node["id"]] = node
    model["nodes"] = sorted((n for i, n in by_id.items() if i not in gone), key=lambda n: n["id"])
    unlinked = set(patch.get("unlinked", []))
    kept = {li["id"]: li for li in model["links"] if li["id"] not in unlinked}
    kept.update({li["id"]: li for li in patch.get("links", [])})
    model["links"] = sorted(kept.values(), key=lambda li: (li["from_id"], li["to_id"], li["id"]))
    model.update(patch.get("map", {}))


def replay(db, map_id: int, model: dict) -> dict:
    """The model after every event since its revision, patch by patch."""
    found = [
        dict(r)
        for r in db.execute(
            "SELECT * FROM events WHERE map_id = ? AND revision > ? ORDER BY id",
            (map_id, model["revision"]),
        )
    ]
    for event in events.decoded(found):
        made = patches.patch(event["action"], event["data"])
        assert made is not None, event["action"]
        assert event["revision"] == model["revision"] + 1
        apply(model, made)
        model["revision"] = event["revision"]
    return model


@pytest.fixture
def tree(db):
    """A claim with a support that has two reasons of its own, a counter and a link."""
    _, map_id = owned_map(db)
    ana = Actor("Ana")
    claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Homework helps"}, ana)["id"]

    def add(text, parent, kind="support", **more):
        fields = {"kind": kind, "text": text, "parent_id": parent, **more}
        return nodes.add_node(db, map_id, fields, ana)["id"]

    why = add("Practice", claim)
    first = add("Spaced", why, group=1)
    add("Retrieval", why, group=1)
    against = add("Tired pupils", claim, "counter")
    links.add_link(db, map_id, {"from_id": first, "to_id": against, "relation": "counter"}, ana)
    return {"map": map_id, "claim": claim, "why": why, "first": first, "against": against}


@pytest.mark.parametrize("choice", ["reattach", "detach", "delete"])
def test_every_change_and_its_undo_replays_to_the_stored_map(db, tree, choice):
    map_id, ana = tree["map"], Actor("Ana")
    model = maps.load(db, map_id)

    def add_link():
        fields = {"from_id": tree["against"], "to_id": tree["why"], "relation": "contradiction"}
        tree["link"] = links.add_link(db, map_id, fields, ana)["id"]

    def undo_last():
        newest = db.execute("SELECT MAX(id) FROM events WHERE map_id = ?", (map_id,)).fetchone()
        undoing.undo(db, map_id, newest[0], "Olga")

    steps = [
        lambda: nodes.update_node(db, map_id, tree["against"], {"text": HOSTILE[0][1]}, ana),
        lambda: nodes.update_node(db, map_id, tree["first"], {"tags": "a, b", "group": ""}, ana),
        lambda: maps.update_map(db, map_id, "Homework, again", "Year 9", ana),
        add_link,
        lambda: links.delete_link(db, map_id, tree["link"], ana),
        undo_last,
        lambda: deletion.delete_node(db, map_id, tree["why"], choice, None, ana),
        undo_last,
        lambda: nodes.update_node(db, map_id, tree["claim"], {"text": "Mostly"}, ana),
    ]
    for step in steps:
        step()
        assert replay(db, map_id, model) == maps.load(db, map_id)


def test_an_import_cannot_be_patched_so_the_page_loads_the_map_again():
    assert patches.patch("map.import", {"after": {"nodes": 5}}) is None
    assert patches.patch("node.restore", {"restored": [], "moved_back": [3]}) is None
