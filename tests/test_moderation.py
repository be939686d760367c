"""Moderation, co-owners and authorship over HTTP: every rule, its refusal, and what it hides."""

from __future__ import annotations

import json
import sqlite3

import pytest
from helpers import fresh_database
from livehelp import CSRF, log_in, person

from argmap import create_app, members, moderation, nodes, portable
from argmap.db import connect, migrations
from argmap.formats import registry

SECRET = "Secret plan: the hidden counter"
BELOW = "Below the secret, also hidden"


@pytest.fixture
def world(tmp_path):
    """Olga's new map; Cora her co-owner; Sam and Tia students (editors) by account; Jo by code.

    Olga's claim C has Sam's support S (with Tia's counter T under it) and Olga's counter H
    (with B below it), which the tests hide.
    """
    path = fresh_database(tmp_path)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "DATABASE": path, "SEED": False, "EXPORTS": "x"}
    )
    db = connect(path)
    olga = person(db, "Olga")
    m = members.create_map(db, olga, "Class debate")
    cora, sam, tia = (person(db, n, m) for n in ("Cora", "Sam", "Tia"))
    ids = {p["name"]: members.of_user(db, m, p["id"])["id"] for p in (olga, cora, sam, tia)}
    members.set_role(db, m, ids["Cora"], "owner")
    jo, secret = members.join(db, members.new_code(db, m, "editor"), "Jo")
    w = {"app": app, "db": db, "m": m, "olga": olga, "cora": cora, "sam": sam, "tia": tia}
    w |= {"ids": ids, "jo": jo, "jo_secret": secret}
    w["c"] = api(w, "olga", "POST", "/nodes", {"kind": "claim", "text": "C"}).get_json()["id"]
    w["s"] = add(w, "sam", "support", "S by Sam", w["c"])
    w["t"] = add(w, "tia", "counter", "T by Tia", w["s"])
    w["h"] = add(w, "olga", "counter", SECRET, w["c"])
    w["b"] = add(w, "olga", "support", BELOW, w["h"])
    yield w
    db.conn.close()


def client_for(w: dict, who: str):
    """A test client logged in as this person (or joined by code, for Jo)."""
    client = w["app"].test_client()
    if who == "jo":
        with client.session_transaction() as session:
            session["joins"] = {str(w["m"]): w["jo_secret"]}
            session["csrf_token"] = CSRF
    else:
        log_in(client, w[who])
    return client


def api(w: dict, who: str, method: str, path: str, body: dict | None = None):
    """A JSON call on the map's API as this person."""
    client = client_for(w, who)
    url = f"/api/maps/{w['m']}{path}"
    return client.open(url, method=method, json=body, headers={"X-CSRF-Token": CSRF})


def form(w: dict, who: str, path: str, data: dict):
    """A form posted on a map page as this person."""
    client = client_for(w, who)
    return client.post(f"/maps/{w['m']}{path}", data={**data, "csrf_token": CSRF})


def add(w: dict, who: str, kind: str, text: str, parent: int) -> int:
    """A node added through the API by this person; its id."""
    answer = api(w, who, "POST", "/nodes", {"kind": kind, "text": text, "parent_id": parent})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def table(w: dict) -> tuple:
    """Every row that a refused request must leave alone."""
    return tuple(
        tuple(tuple(r) for r in w["db"].execute(f"SELECT * FROM {t} ORDER BY rowid"))
        for t in ("maps", "nodes", "links", "events", "members")
    )


def test_nodes_record_their_author_and_new_maps_moderate(world):
    w = world
    row = nodes.get_node(w["db"], w["m"], w["s"])
    assert (row["author_member"], row["author_name"]) == (w["ids"]["Sam"], "Sam")
    shown = api(w, "olga", "GET", "").get_json()
    assert shown["moderation"] == "own" and shown["locked"] is False
    by_id = {n["id"]: n for n in shown["nodes"]}
    assert by_id[w["t"]]["author_member"] == w["ids"]["Tia"]
    assert by_id[w["t"]]["author"] == "Tia"  # who wrote it, as the reader may see it


def test_a_student_edits_and_deletes_only_their_own_nodes(world):
    w = world
    before = table(w)
    refused = api(w, "tia", "PATCH", f"/nodes/{w['s']}", {"text": "Tia rewrites Sam"})
    assert refused.status_code == 403
    assert refused.get_json()["error"].startswith("You can only edit your own nodes on this map")
    page = form(w, "tia", f"/nodes/{w['s']}", {"kind": "support", "text": "x", "parent_id": w["c"]})
    assert page.status_code == 403
    assert "You can only edit your own nodes on this map" in page.get_data(as_text=True)
    gone = api(w, "jo", "DELETE", f"/nodes/{w['t']}")
    assert gone.status_code == 403
    assert "You can only delete your own nodes" in gone.get_json()["error"]
    assert table(w) == before
    assert api(w, "tia", "PATCH", f"/nodes/{w['t']}", {"text": "T, better"}).status_code == 200
    assert api(w, "cora", "PATCH", f"/nodes/{w['s']}", {"text": "S, tidied"}).status_code == 200


def test_a_student_cannot_delete_a_node_with_other_peoples_nodes_under_it(world):
    w = world
    before = table(w)
    for choice in ("delete", "reattach", "detach"):
        refused = api(w, "sam", "DELETE", f"/nodes/{w['s']}?children={choice}")
        assert refused.status_code == 403
        assert refused.get_json()["error"] == (
            "1 node by other people is under this node, so you cannot delete it:"
            " ask an owner of the map."
        )
    page = form(w, "sam", f"/nodes/{w['s']}/delete", {"children": "delete"})
    assert page.status_code == 403
    assert "1 node by other people is under this node" in page.get_data(as_text=True)
    assert table(w) == before
    assert api(w, "tia", "DELETE", f"/nodes/{w['t']}").status_code == 200
    assert api(w, "sam", "DELETE", f"/nodes/{w['s']}").status_code == 200


def test_everyone_mode_lets_students_edit_everything(world):
    w = world
    refused = form(w, "sam", "/moderation", {"moderation": "everyone"})
    assert refused.status_code == 403
    assert form(w, "cora", "/moderation", {"moderation": "everyone"}).status_code == 302
    assert api(w, "tia", "PATCH", f"/nodes/{w['s']}", {"text": "Tia's now"}).status_code == 200
    bad = api(w, "olga", "PATCH", "/moderation", {"moderation": "anyone"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "moderation"
    bad = api(w, "olga", "PATCH", "/moderation", {"locked": "yes"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "locked"
    page = form(w, "olga", "/moderation", {"moderation": "nobody"})
    assert page.status_code == 400 and "Choose who may edit" in page.get_data(as_text=True)


def test_a_locked_map_is_read_only_for_all_but_owners(world):
    w = world
    assert form(w, "olga", "/lock", {"locked": "1"}).status_code == 302
    before = table(w)
    for who in ("sam", "jo"):
        refused = api(w, who, "POST", "/nodes", {"kind": "claim", "text": "Late"})
        assert refused.status_code == 403
        assert refused.get_json()["error"].startswith("This map is locked by its owner")
        page = form(w, who, "/nodes", {"form": "claim", "kind": "claim", "text": "Late"})
        assert page.status_code == 403
        assert "This map is locked by its owner" in page.get_data(as_text=True)
    shown = client_for(w, "sam").get(f"/maps/{w['m']}").get_data(as_text=True)
    assert 'id="lock-indicator"' in shown and 'id="add-claim"' not in shown
    assert table(w) == before
    assert api(w, "cora", "POST", "/nodes", {"kind": "claim", "text": "Owner's"}).status_code == 201
    assert api(w, "olga", "PATCH", "/moderation", {"locked": False}).get_json() == {
        "moderation": "own",
        "locked": False,
    }
    assert api(w, "sam", "POST", "/nodes", {"kind": "claim", "text": "Now"}).status_code == 201


def student_outputs(w: dict, who: str) -> dict[str, str]:
    """Everything a reader can fetch about the map, as text."""
    client = client_for(w, who)
    m = w["m"]
    found = {
        "page": client.get(f"/maps/{m}").get_data(as_text=True),
        "page with the node": client.get(f"/maps/{m}?node={w['h']}").get_data(as_text=True),
        "api": client.get(f"/api/maps/{m}").get_data(as_text=True),
        "brief": client.get(f"/maps/{m}/brief").get_data(as_text=True),
        "search": client.get(f"/maps/{m}/search?q=secret").get_data(as_text=True),
        "api search": client.get(f"/api/maps/{m}/search?q=hidden").get_data(as_text=True),
        "search by id": client.get(f"/api/maps/{m}/search?q={w['h']}").get_data(as_text=True),
        "history": client.get(f"/maps/{m}/history").get_data(as_text=True),
        "events": client.get(f"/api/maps/{m}/events").get_data(as_text=True),
        "svg": client.get(f"/maps/{m}/diagram.svg").get_data(as_text=True),
        "dot": client.get(f"/maps/{m}/diagram.dot").get_data(as_text=True),
    }
    for fmt in registry.FORMATS:
        found[f"export {fmt}"] = client.get(f"/maps/{m}/export/{fmt}").get_data(as_text=True)
    return found


def test_a_hidden_subtree_is_absent_from_everything_a_student_can_reach(world):
    w = world
    done = form(w, "cora", f"/nodes/{w['h']}/hide", {"hidden": "1"})
    assert done.status_code == 302
    drawn = client_for(w, "olga").get(f"/maps/{w['m']}/diagram.svg")  # drawn for owners first
    assert "Secret plan" in drawn.get_data(as_text=True)
    for who in ("sam", "jo"):
        for name, text in student_outputs(w, who).items():
            assert "Secret plan" not in text, (who, name)
            assert "Below the secret" not in text, (who, name)
            assert "S by Sam" in text or name.endswith("search") or name == "search by id", name
    owner = student_outputs(w, "olga")
    for name in ("page", "api", "brief", "search", "history", "svg", "export json"):
        assert "Secret plan" in owner[name], name
    assert 'id="hidden-indicator"' in owner["page with the node"]


def test_a_node_deleted_while_hidden_stays_out_of_the_students_history(world):
    w = world
    api(w, "olga", "POST", f"/nodes/{w['h']}/hide", {"hidden": True})
    assert api(w, "olga", "DELETE", f"/nodes/{w['h']}?children=delete").status_code == 200
    for who in ("sam", "jo"):
        outputs = student_outputs(w, who)
        for name in ("history", "events", "export json"):
            assert "Secret plan" not in outputs[name], (who, name)
    assert "Secret plan" in student_outputs(w, "olga")["history"]


def test_students_cannot_reach_hidden_nodes_by_their_ids(world):
    w = world
    api(w, "olga", "POST", f"/nodes/{w['h']}/hide", {"hidden": True})
    before = table(w)
    edit = api(w, "sam", "PATCH", f"/nodes/{w['b']}", {"text": "found you"})
    assert edit.status_code == 404
    assert edit.get_json()["error"] == f"There is no node {w['b']} in this map."
    under = api(w, "sam", "POST", "/nodes", {"kind": "counter", "text": "x", "parent_id": w["h"]})
    assert under.status_code == 404
    link = api(
        w, "sam", "POST", "/links", {"from_id": w["s"], "to_id": w["b"], "relation": "support"}
    )
    assert link.status_code == 404
    assert table(w) == before
    bad = api(w, "olga", "POST", f"/nodes/{w['h']}/hide", {"hidden": "yes"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "hidden"


def test_a_students_undo_touches_only_their_own_changes(world):
    w = world
    tia_edit = api(w, "tia", "PATCH", f"/nodes/{w['t']}", {"text": "T2"})
    assert tia_edit.status_code == 200
    events = api(w, "olga", "GET", "/events").get_json()["events"]
    olga_add = next(e["id"] for e in events if e["node_id"] == w["c"])
    tia_change = events[-1]["id"]
    before = table(w)
    refused = api(w, "sam", "POST", f"/events/{tia_change}/undo")
    assert refused.status_code == 403
    assert refused.get_json()["error"] == (
        "You can only undo your own changes on this map: its owners set it so."
    )
    assert api(w, "sam", "POST", f"/events/{olga_add}/undo").status_code == 403
    assert table(w) == before
    assert api(w, "tia", "POST", f"/events/{tia_change}/undo").status_code == 201
    assert nodes.get_node(w["db"], w["m"], w["t"])["text"] == "T by Tia"


def test_owner_actions_are_changes_with_events_undone_by_owners_only(world):
    w = world
    api(w, "olga", "PATCH", "/moderation", {"locked": True, "moderation": "everyone"})
    api(w, "olga", "POST", f"/nodes/{w['h']}/hide", {"hidden": True})
    api(w, "olga", "PATCH", f"/members/{w['ids']['Sam']}", {"role": "owner"})
    found = api(w, "olga", "GET", "/events").get_json()["events"]
    actions = [e["action"] for e in found[-4:]]
    assert actions == ["map.moderation", "map.lock", "node.hide", "member.role"]
    assert all(e["actor"] == "Olga" for e in found[-4:])
    for event in found[-4:]:
        refused = api(w, "tia", "POST", f"/events/{event['id']}/undo")
        assert refused.status_code in (403, 404)
    for event in reversed(found[-4:]):
        assert api(w, "cora", "POST", f"/events/{event['id']}/undo").status_code == 201
    history = client_for(w, "olga").get(f"/maps/{w['m']}/history").get_data(as_text=True)
    for words in ("locked the map", "hid a node from students", "made Sam owner (was editor)"):
        assert words in history
    settings = moderation.settings_of(w["db"], w["m"])
    assert settings == {"moderation": "own", "locked": False}
    assert not nodes.get_node(w["db"], w["m"], w["h"])["hidden"]
    assert members.of_user(w["db"], w["m"], w["sam"]["id"])["role"] == "editor"


def test_co_owners_have_every_right_but_deleting_the_map_and_removing_its_first_owner(world):
    w = world
    before = table(w)
    deleted = api(w, "cora", "DELETE", "")
    assert deleted.status_code == 403
    assert deleted.get_json()["error"] == (
        "Only the map's first owner can delete it; co-owners cannot."
    )
    page = client_for(w, "cora").post(f"/maps/{w['m']}/delete", data={"csrf_token": CSRF})
    assert page.status_code == 403
    olga = w["ids"]["Olga"]
    for path, data in (
        (f"/members/{olga}/delete", {}),
        (f"/members/{olga}/role", {"role": "viewer"}),
    ):
        refused = form(w, "cora", path, data)
        assert refused.status_code == 403
        assert "first owner keeps the owner role" in refused.get_data(as_text=True)
    jo = api(w, "cora", "PATCH", f"/members/{w['jo']['id']}", {"role": "owner"})
    assert jo.status_code == 400 and "joined without an account" in jo.get_json()["error"]
    assert table(w) == before
    shown = client_for(w, "cora").get(f"/maps/{w['m']}").get_data(as_text=True)
    assert "Delete this map" not in shown and "members-link" in shown
    granted = form(w, "cora", f"/members/{w['ids']['Tia']}/role", {"role": "owner"})
    assert granted.status_code == 302
    assert api(w, "tia", "GET", "/members").status_code == 200
    assert form(w, "olga", f"/members/{w['ids']['Cora']}/delete", {}).status_code == 302
    assert api(w, "cora", "GET", "").status_code == 404
    assert api(w, "olga", "DELETE", "").status_code == 200


def test_a_removed_members_nodes_stay_under_their_name(world):
    w = world
    assert form(w, "olga", f"/members/{w['ids']['Tia']}/delete", {}).status_code == 302
    node = api(w, "olga", "GET", "").get_json()
    kept = next(n for n in node["nodes"] if n["id"] == w["t"])
    assert (kept["text"], kept["author"]) == ("T by Tia", "Tia")
    assert kept["author_member"] == w["ids"]["Tia"]


def test_argmap_json_keeps_moderation_lock_hidden_nodes_and_authors(world):
    w = world
    api(w, "olga", "POST", f"/nodes/{w['h']}/hide", {"hidden": True})
    api(w, "olga", "PATCH", "/moderation", {"locked": True, "moderation": "everyone"})
    text = client_for(w, "olga").get(f"/maps/{w['m']}/export/json").get_data(as_text=True)
    doc = json.loads(text)
    assert (doc["moderation"], doc["locked"]) == ("everyone", True)
    copy = portable.import_map(w["db"], registry.read(text, "json")[1], "Olga")
    shown = {n["text"]: n for n in nodes_of(w, copy)}
    assert shown[SECRET]["hidden"] and not shown[BELOW]["hidden"]
    assert shown["T by Tia"]["author_name"] == "Tia"
    assert moderation.settings_of(w["db"], copy) == {"moderation": "everyone", "locked": True}
    assert moderation.hidden_ids(w["db"], copy) == {shown[SECRET]["id"], shown[BELOW]["id"]}
    again = client_for(w, "olga").get(f"/maps/{w['m']}/export/json").get_data(as_text=True)
    assert json.loads(again)["nodes"] == doc["nodes"]


def nodes_of(w: dict, map_id: int) -> list[dict]:
    """Every node of a map, as the owner loads it."""
    from argmap import maps

    return maps.load(w["db"], map_id)["nodes"]


def test_bad_argmap_json_moderation_is_refused():
    text = json.dumps(
        {"format": "argmap", "version": 2, "title": "x", "nodes": [], "moderation": "chaos"}
    )
    with pytest.raises(Exception, match="unknown moderation 'chaos'"):
        registry.read(text, "json")


def test_migration_keeps_old_maps_open_and_finds_authors(tmp_path):
    path = str(tmp_path / "old.sqlite")
    db = connect(path)
    migrations.apply(db, stop_before="m011_moderation")
    db.execute(
        "INSERT INTO maps (id, title, created_at, updated_at) VALUES (1, 'Old', 'now', 'now')"
    )
    db.execute(
        "INSERT INTO members (id, map_id, name, role, secret_hash, created_at)"
        " VALUES (7, 1, 'Pat', 'editor', 'h', 'now')"
    )
    db.execute(
        "INSERT INTO nodes (id, map_id, kind, text, created_at, updated_at)"
        " VALUES (5, 1, 'claim', 'Old claim', 'now', 'now'),"
        " (6, 1, 'claim', 'Seeded', 'now', 'now')"
    )
    db.execute(
        "INSERT INTO events (map_id, revision, action, node_id, actor, member_id, created_at)"
        " VALUES (1, 1, 'node.add', 5, 'Pat', 7, 'now')"
    )
    migrations.apply(db)
    found = {r["id"]: dict(r) for r in db.execute("SELECT * FROM nodes")}
    assert (found[5]["author_member"], found[5]["author_name"]) == (7, "Pat")
    assert (found[6]["author_member"], found[6]["author_name"]) == (None, "")
    assert moderation.settings_of(db, 1) == {"moderation": "everyone", "locked": False}
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE maps SET moderation = 'nobody' WHERE id = 1")
    db.conn.close()
