"""Importing argmap JSON brings the map's history back, every id remapped to the new map."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import ROOT
from livehelp import CSRF, log_in, owned_map, person

from argmap import deletion, links, maps, nodes
from argmap.events import Actor

CHANGE = re.compile(
    r'<li class="change[^"]*" id="change-(\d+)" data-action="([a-z.]+)">\s*'
    r'<p class="what"><span class="who">([^<]*)</span> <span class="words">([^<]*)</span>'
)


@pytest.fixture
def story(app, db):
    """A map with one change of every kind (and undos), a client logged in as its owner."""
    olga, map_id = owned_map(db, title="Phones at school")
    person(db, "Ana", map_id)
    client = app.test_client()
    log_in(client, olga)
    ana, ben = Actor("Ana"), Actor("Ben")

    def add(text, parent=None, kind="support", who=ana):
        fields = {"kind": "claim" if parent is None else kind, "text": text, "parent_id": parent}
        return nodes.add_node(db, map_id, fields, who)["id"]

    claim = add("Phones should be banned")
    pro = add("They distract", claim)
    con = add("Not all of them", pro, "counter", ben)
    other = add("They help in emergencies", claim, "counter", ben)
    nodes.update_node(db, map_id, pro, {"text": "They distract in class"}, ben)
    link = links.add_link(db, map_id, {"from_id": other, "to_id": pro, "relation": "counter"}, ana)
    links.delete_link(db, map_id, link["id"], ben)
    press_undo(client, map_id, last_change(db, map_id))  # the link comes back
    gone = add("A node deleted before the export", claim)
    deletion.delete_node(db, map_id, gone, None, None, ana)
    deletion.delete_node(db, map_id, pro, "delete", None, ben)  # with con and the link
    press_undo(client, map_id, last_change(db, map_id))  # both come back
    maps.update_map(db, map_id, "Phones at our school", "", ana)
    return {"map": map_id, "client": client, "claim": claim, "gone": gone, "con": con}


def last_change(db, map_id: int) -> int:
    """The id of the map's newest change."""
    return db.execute("SELECT MAX(id) FROM events WHERE map_id = ?", (map_id,)).fetchone()[0]


def press_undo(client, map_id: int, event_id: int):
    """Press a change's Undo button on the history page."""
    return client.post(f"/maps/{map_id}/history/{event_id}/undo", data={"csrf_token": CSRF})


def export(client, map_id: int) -> str:
    """The map as argmap JSON, downloaded from its export menu."""
    response = client.get(f"/maps/{map_id}/export/json")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def import_text(client, text: str) -> int:
    """Import argmap JSON through the import page; returns the new map's id."""
    response = client.post("/import", data={"csrf_token": CSRF, "text": text, "confirm": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def history_page(client, map_id: int) -> list[tuple]:
    """(change id, action, who, words) of each change on the history page, newest first."""
    page = client.get(f"/maps/{map_id}/history").get_data(as_text=True)
    return [(int(i), a, html.unescape(w), html.unescape(t)) for i, a, w, t in CHANGE.findall(page)]


def node_ids(doc: dict) -> dict[int, int]:
    """Each node's id by its position in an argmap JSON document."""
    return {int(n["id"]): i for i, n in enumerate(doc["nodes"])}


def canonical(doc: dict) -> dict:
    """The document with every id replaced by a name given in order of first appearance."""
    names: dict[str, dict] = {"node": {}, "link": {}, "change": {}}

    def name(kind: str, value):
        return (
            None
            if value is None
            else names[kind].setdefault(str(value), f"{kind}{len(names[kind])}")
        )

    def record(item: dict, own: str) -> dict:
        out = {**item, "id": name(own, item.get("id"))}
        for field in ("parent_id", "from_id", "to_id"):
            if field in item:
                out[field] = name("node", item[field])
        return out

    out = {**doc, "nodes": [record(n, "node") for n in doc["nodes"]]}
    out["links"] = [record(li, "link") for li in doc["links"]]
    out["events"] = []
    for event in doc["events"]:
        own = "link" if event["action"].startswith("link.") else "node"
        data = {}
        for key, value in event["data"].items():
            if key in ("before", "after"):
                value = record(value, own)
            elif key in ("deleted", "restored", "moved", "links"):
                value = [record(item, "link" if key == "links" else "node") for item in value]
            elif key == "moved_back":
                value = [name("node", item) for item in value]
            elif key == "undo_of":
                value = name("change", value)
            if key != "imported":
                data[key] = value
        ids = {"id": name("change", event["id"]), "node_id": name("node", event["node_id"])}
        out["events"].append({**event, **ids, "data": data})
    return out


def test_imported_history_lists_the_same_changes_with_the_new_ids(app, db, story):
    client, original = story["client"], story["map"]
    first = export(client, original)
    copy = import_text(client, first)
    before, after = history_page(client, original), history_page(client, copy)
    assert [(a, who) for _, a, who, _ in after] == [("map.import", "Olga")] + [
        (a, who) for _, a, who, _ in before
    ]
    assert [a for _, a, _, _ in before][::-1] == [
        *["map.create", "node.add", "node.add", "node.add", "node.add", "node.update"],
        *["link.add", "link.delete", "link.add", "node.add", "node.delete", "node.delete"],
        *["node.restore", "map.update"],
    ]
    old, new = json.loads(first), json.loads(export(client, copy))
    moved = {old_id: int(new["nodes"][i]["id"]) for old_id, i in node_ids(old).items()}
    renumbered = {b[0]: a[0] for b, a in zip(before, after[1:], strict=True)}

    def renamed(words: str) -> str:
        words = re.sub(r"node (\d+)", lambda m: f"node {moved[int(m[1])]}", words)
        return re.sub(r"change #(\d+)", lambda m: f"change #{renumbered[int(m[1])]}", words)

    assert [t for _, _, _, t in after[1:]] == [renamed(t) for _, _, _, t in before]
    assert sum(t.startswith("undid change #") for _, _, _, t in after) == 2
    assert any(re.search(r"node \d+ objects to node \d+", t) for _, _, _, t in after)


def test_round_trip_json_equals_the_original_apart_from_ids(app, db, story):
    client = story["client"]
    first = json.loads(export(client, story["map"]))
    copy = import_text(client, json.dumps(first))
    again = json.loads(export(client, copy))
    assert (first["format"], first["version"]) == ("argmap", 2)
    assert again["events"][-1]["action"] == "map.import"
    assert all(e["data"]["imported"] for e in again["events"][:-1])
    again["events"] = again["events"][:-1]
    assert canonical(again) == canonical(first)
    assert {str(e["node_id"]) for e in again["events"]} & {n["id"] for n in first["nodes"]} == set()


def test_no_imported_id_points_at_another_maps_nodes(app, db, story):
    client = story["client"]
    copy = import_text(client, export(client, story["map"]))
    events = db.execute("SELECT node_id, data FROM events WHERE map_id = ?", (copy,)).fetchall()
    named = {e[0] for e in events if e[0] is not None}
    for _, data in events:
        for item in json.loads(data).get("deleted", []):
            named.add(item["id"])
    mine = {r[0] for r in db.execute("SELECT id FROM nodes WHERE map_id = ?", (copy,))}
    others = {r[0] for r in db.execute("SELECT id FROM nodes WHERE map_id != ?", (copy,))}
    ghosts = named - mine
    assert ghosts and not named & others
    later = nodes.add_node(db, story["map"], {"kind": "claim", "text": "Added after"}, "Ana")
    assert later["id"] not in named


def test_undo_of_an_imported_change_is_refused_and_touches_nothing(app, db, story):
    client = story["client"]
    copy = import_text(client, export(client, story["map"]))
    changes = history_page(client, copy)
    page = client.get(f"/maps/{copy}/history").get_data(as_text=True)
    assert f"/maps/{copy}/history/" not in page  # no Undo button on imported changes
    before = rows(db)
    for change_id, action, _, _ in changes[1:]:
        response = press_undo(client, copy, change_id)
        assert response.status_code == 400, action
        assert (
            f"Change #{change_id} came with the imported file, from before the import:"
            " it cannot be undone here." in response.get_data(as_text=True)
        )
    assert rows(db) == before
    added = nodes.add_node(db, copy, {"kind": "claim", "text": "New after the import"}, "Ana")
    assert press_undo(client, copy, last_change(db, copy)).status_code == 302
    assert db.execute("SELECT 1 FROM nodes WHERE id = ?", (added["id"],)).fetchone() is None


def rows(db) -> list[tuple]:
    """Every node, link and change in the database."""
    return [
        tuple(r) for t in ("nodes", "links", "events") for r in db.execute(f"SELECT * FROM {t}")
    ]


def version_1(text: str) -> str:
    """An export as argmap wrote it before version 2: no link or change ids."""
    doc = json.loads(text)
    del doc["format"], doc["version"]
    for link in doc["links"]:
        del link["id"]
    for event in doc["events"]:
        del event["id"]
    return json.dumps({"argmap": 1, **doc})


def test_a_version_1_file_still_imports_with_its_history(app, db, story):
    client = story["client"]
    old = history_page(client, story["map"])
    copy = import_text(client, version_1(export(client, story["map"])))
    new = history_page(client, copy)
    assert [a for _, a, _, _ in new] == ["map.import"] + [a for _, a, _, _ in old]
    assert not any(t.startswith("undid change") for _, _, _, t in new)


def test_the_seed_file_without_history_imports_as_before(app, db, story):
    seed = (ROOT / "seeds" / "nato-response.argmap.json").read_text(encoding="utf-8")
    copy = import_text(story["client"], seed)
    assert [a for _, a, _, _ in history_page(story["client"], copy)] == ["map.import", "map.create"]


STAMP = "2026-01-01T00:00:00Z"
BROKEN = [
    ({"action": "node.grow"}, "$.events[0].action", "unknown action"),
    ({"created_at": "yesterday"}, "$.events[0].created_at", "expected a time"),
    ({"data": {"after": [1]}}, "$.events[0].data.after", "expected an object"),
    (
        {"data": {"deleted": [{"id": 1, "text": {"x": 1}}]}},
        "$.events[0].data.deleted[0].text",
        "expected text",
    ),
    ({"data": {"script": "x"}}, "$.events[0].data.script", "unknown field"),
    ({"node_id": True}, "$.events[0].node_id", "an id must be a number or text"),
]


@pytest.mark.parametrize("change, where, message", BROKEN)
def test_a_broken_history_names_its_json_path_and_writes_nothing(db, story, change, where, message):
    event = {"action": "node.add", "created_at": STAMP, **change}
    nodes = [{"id": "a", "kind": "claim", "text": "A"}]
    doc = {"format": "argmap", "version": 2, "title": "t", "nodes": nodes, "events": [event]}
    count = db.execute("SELECT COUNT(*) FROM maps").fetchone()[0]
    response = story["client"].post(
        "/import", data={"csrf_token": CSRF, "text": json.dumps(doc), "confirm": "1"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"({where}): {message}" in html.unescape(text)
    assert db.execute("SELECT COUNT(*) FROM maps").fetchone()[0] == count


def test_a_newer_file_version_is_refused(story):
    doc = {"format": "argmap", "version": 3, "title": "t", "nodes": []}
    response = story["client"].post(
        "/import", data={"csrf_token": CSRF, "text": json.dumps(doc), "confirm": "1"}
    )
    assert response.status_code == 400
    assert "this argmap reads versions 1 and 2" in response.get_data(as_text=True)


def test_imported_changes_are_not_credited_to_the_importer(app, db, story):
    client = story["client"]
    copy = import_text(client, export(client, story["map"]))
    found = db.execute(
        "SELECT action, member_id, json_extract(data, '$.imported') FROM events"
        " WHERE map_id = ? ORDER BY id",
        (copy,),
    ).fetchall()
    undone_by_owner = [r for r in found if r[0] == "node.restore"]
    assert undone_by_owner and all(r[1] is None for r in found if r[2])
    assert found[-1][0] == "map.import" and found[-1][1] is not None
