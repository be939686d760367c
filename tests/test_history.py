"""History: every change newest first, by person, and undoing any single change."""

from __future__ import annotations

import json
import re

import pytest
from livehelp import CSRF, log_in, owned_map, person

from argmap import deletion, events, links, maps, members, moderation, nodes, portable
from argmap import undo as undoing
from argmap.db import connect, migrate, migrations
from argmap.errors import Conflict
from argmap.events import Actor
from argmap.model import MapData
from argmap.model import Node as PortableNode


@pytest.fixture
def team(app, db):
    """Olga's map with Ana and Ben as editors; a client logged in as Olga."""
    olga, map_id = owned_map(db, title="Homework")
    ana, ben = person(db, "Ana", map_id), person(db, "Ben", map_id)
    client = app.test_client()
    log_in(client, olga)
    return {"map": map_id, "client": client, "olga": olga, "ana": ana, "ben": ben}


def member_id(db, map_id: int, name: str) -> int | None:
    """The id of the map's member with this name, if there is exactly one."""
    found = db.execute("SELECT id FROM members WHERE map_id = ? AND name = ?", (map_id, name))
    ids = [r[0] for r in found]
    return ids[0] if len(ids) == 1 else None


def add(db, team, who: str, text: str, parent: int | None = None, kind: str = "support") -> int:
    """Add a node as this person (their member id too, when they are a member); returns its id."""
    fields = {"kind": "claim" if parent is None else kind, "text": text, "parent_id": parent}
    actor = Actor(who, member_id(db, team["map"], who))
    return nodes.add_node(db, team["map"], fields, actor)["id"]


def last_event(db, map_id: int) -> dict:
    """The map's newest event, with its data."""
    found = dict(
        db.execute(
            "SELECT * FROM events WHERE map_id = ? ORDER BY id DESC LIMIT 1", (map_id,)
        ).fetchone()
    )
    return {**found, "data": json.loads(found["data"])}


def state(db) -> tuple:
    """Every row a refused undo must leave alone."""
    return tuple(
        [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
        for table in ("maps", "nodes", "links", "events")
    )


def shape(db, map_id: int) -> list[tuple]:
    """(id, kind, text, parent) of each node of the map."""
    return [(n["id"], n["kind"], n["text"], n["parent_id"]) for n in maps.load(db, map_id)["nodes"]]


def undo(team, event_id: int):
    """Press a change's Undo button on the history page."""
    url = f"/maps/{team['map']}/history/{event_id}/undo"
    return team["client"].post(url, data={"csrf_token": CSRF})


def undone_ok(team, db, event_id: int) -> dict:
    """Undo a change that can be undone; returns the undo's own event."""
    response = undo(team, event_id)
    assert (response.status_code, response.location) == (302, f"/maps/{team['map']}/history")
    event = last_event(db, team["map"])
    assert (event["actor"], event["data"]["undo_of"]) == ("Olga", event_id)
    return event


def listed(html: str) -> list[int]:
    """The change ids on a history page, in order."""
    return [int(n) for n in re.findall(r'<li class="change[^"]*" id="change-(\d+)"', html)]


# The history page


def test_history_shows_every_change_newest_first_with_who_and_both_texts(db, team):
    claim = add(db, team, "Ana", "Phones <b>distract</b>")
    nodes.update_node(db, team["map"], claim, {"text": "Phones distract & help"}, Actor("Ben"))
    deletion.delete_node(db, team["map"], claim, None, None, Actor("Olga"))
    html = team["client"].get(f"/maps/{team['map']}/history").get_data(as_text=True)
    ids = listed(html)
    assert ids == sorted(ids, reverse=True) and len(ids) == 4
    items = html.split('<li class="change')[1:]
    assert '<span class="who">Olga</span> <span class="words">deleted a claim</span>' in items[0]
    assert '<span class="text">Phones distract &amp; help</span>' in items[0]
    assert (
        '<span class="who">Ben</span> <span class="words">edited a claim (text)</span>' in items[1]
    )
    assert 'Before:</span> <span class="text">Phones &lt;b&gt;distract&lt;/b&gt;</span>' in items[1]
    assert 'After:</span> <span class="text">Phones distract &amp; help</span>' in items[1]
    assert '<span class="who">Ana</span> <span class="words">added a claim</span>' in items[2]
    assert "created the map" in items[3] and "<time datetime=" in items[3]
    assert "show node" not in html and html.count(">Undo</button>") == 3


def test_viewers_read_the_history_but_cannot_undo(app, db, team):
    add(db, team, "Ana", "Phones distract")
    viewer = app.test_client()
    log_in(viewer, person(db, "Vic", team["map"], "viewer"))
    html = viewer.get(f"/maps/{team['map']}/history").get_data(as_text=True)
    assert "added a claim" in html and ">Undo</button>" not in html
    before = state(db)
    refused = viewer.post(
        f"/maps/{team['map']}/history/{last_event(db, team['map'])['id']}/undo",
        data={"csrf_token": CSRF},
    )
    assert refused.status_code == 403 and state(db) == before


def test_history_filtered_by_person(db, team):
    add(db, team, "Ana", "Mine")
    add(db, team, "Ben", "His")
    add(db, team, "Ana", "Mine too")
    ana, ben = member_id(db, team["map"], "Ana"), member_id(db, team["map"], "Ben")
    html = team["client"].get(f"/maps/{team['map']}/history?member={ana}").get_data(as_text=True)
    texts = re.findall(r'<span class="text">([^<]*)</span>', html)
    assert texts == ["Mine too", "Mine"]
    assert f'<option value="{ana}" selected>Ana</option>' in html
    assert f'<option value="{ben}">Ben</option>' in html
    old = team["client"].get(f"/maps/{team['map']}/history?actor=Ana").get_data(as_text=True)
    assert re.findall(r'<span class="text">([^<]*)</span>', old) == texts
    assert f'<option value="{ana}" selected>Ana</option>' in old
    nobody = team["client"].get(f"/maps/{team['map']}/history?actor=Zoe").get_data(as_text=True)
    assert "Zoe has made no changes to this map." in nobody
    person(db, "Vic", team["map"])
    vic = member_id(db, team["map"], "Vic")
    quiet = team["client"].get(f"/maps/{team['map']}/history?member={vic}")
    assert "Vic has made no changes to this map." in quiet.get_data(as_text=True)


def join_and_add(app, code: str, name: str, text: str) -> int:
    """Someone without an account joins with the code under a name and adds a claim."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = CSRF
    joined = client.post(f"/join/{code}", data={"name": name, "csrf_token": CSRF})
    assert joined.status_code == 302, joined.get_data(as_text=True)
    map_id = int(joined.location.rsplit("/", 1)[1])
    form = {"form": "claim", "kind": "claim", "text": text, "csrf_token": CSRF}
    assert client.post(f"/maps/{map_id}/nodes", data=form).status_code == 302
    return map_id


def test_two_members_with_the_same_name_are_told_apart(app, db, team):
    code = members.new_code(db, team["map"], "editor")["code"]
    join_and_add(app, code, "Sam", "First Sam's claim")
    join_and_add(app, code, "Sam", "Second Sam's claim")
    first, second = [
        r[0] for r in db.execute("SELECT id FROM members WHERE name = 'Sam' ORDER BY id")
    ]
    by_member = db.execute(
        "SELECT member_id, json_extract(data, '$.after.text') FROM events"
        " WHERE action = 'node.add' ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in by_member] == [
        (first, "First Sam's claim"),
        (second, "Second Sam's claim"),
    ]
    url = f"/maps/{team['map']}/history"
    everyone = team["client"].get(url).get_data(as_text=True)
    assert f'<option value="{first}">Sam (member #{first})</option>' in everyone
    assert f'<option value="{second}">Sam (member #{second})</option>' in everyone
    for member, text in ((first, "First Sam's claim"), (second, "Second Sam's claim")):
        response = team["client"].get(f"{url}?member={member}")
        html = response.get_data(as_text=True).replace("&#39;", "'")
        assert response.status_code == 200
        assert re.findall(r'<span class="text">([^<]*)</span>', html) == [text]
        assert f'<option value="{member}" selected>' in html
        api = team["client"].get(f"/api/maps/{team['map']}/events?member={member}").get_json()
        assert [(e["member_id"], e["data"]["after"]["text"]) for e in api["events"]] == [
            (member, text)
        ]
    old = team["client"].get(f"{url}?actor=Sam")
    assert old.status_code == 200
    texts = re.findall(r'<span class="text">([^<]*)</span>', old.get_data(as_text=True))
    assert len(texts) == 2 and "selected>Sam" not in old.get_data(as_text=True)


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "99999999999999999999"])
def test_a_member_filter_that_is_not_a_number_is_refused(team, value):
    response = team["client"].get(f"/maps/{team['map']}/history?member={value}")
    assert response.status_code == 400
    assert "member must be a member number" in response.get_data(as_text=True)
    api = team["client"].get(f"/api/maps/{team['map']}/events?member={value}")
    assert (api.status_code, api.get_json()["field"]) == (400, "member")


def test_past_changes_get_the_member_whose_name_they_carry(tmp_path):
    """The migration: a name held by exactly one member of that map gives the change its member."""
    conn = connect(str(tmp_path / "old.sqlite"))
    migrations.apply(conn, stop_before="m005_event_members")
    stamp = "2025-01-01T00:00:00.000+00:00"
    for map_id in (1, 2):
        conn.execute(
            "INSERT INTO maps (id, title, created_at, updated_at) VALUES (?, 'm', ?, ?)",
            (map_id, stamp, stamp),
        )
    joiners = [(10, 1, "Ana"), (11, 1, "Sam"), (12, 1, "Sam"), (13, 2, "Zed")]
    for member, map_id, name in joiners:
        conn.execute(
            "INSERT INTO members (id, map_id, name, role, secret_hash, created_at)"
            " VALUES (?, ?, ?, 'editor', ?, ?)",
            (member, map_id, name, f"secret-{member}", stamp),
        )
    past = [
        (1, "Ana", None),
        (1, "ana", None),
        (1, "Sam", None),
        (1, "Zed", None),
        (2, "Ana", None),
        (2, "Zed", None),
        (1, "Ana", 99),
        (1, "", None),
    ]
    for number, (map_id, name, member) in enumerate(past, 1):
        conn.execute(
            "INSERT INTO events (map_id, revision, action, actor, member_id, created_at)"
            " VALUES (?, ?, 'node.add', ?, ?, ?)",
            (map_id, number, name, member, stamp),
        )
    migrate(conn)
    found = [r[0] for r in conn.execute("SELECT member_id FROM events ORDER BY id")]
    assert found == [10, None, None, None, None, 13, 99, None]
    conn.conn.close()


def test_history_pages_through_older_changes(db, team):
    for number in range(60):
        add(db, team, "Ana", f"Claim {number}")
    first = team["client"].get(f"/maps/{team['map']}/history").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = team["client"].get(link).get_data(as_text=True)
    everything = [
        r[0]
        for r in db.execute(
            "SELECT id FROM events WHERE map_id = ? ORDER BY id DESC", (team["map"],)
        )
    ]
    assert (len(listed(first)), listed(first) + listed(second)) == (50, everything)
    assert 'rel="next"' not in second


# Undo, change by change


def test_undo_an_add_moves_nodes_added_about_it_since(db, team):
    claim = add(db, team, "Ana", "Uniforms help")
    added = last_event(db, team["map"])["id"]
    reason = add(db, team, "Ben", "Less teasing", claim)
    event = undone_ok(team, db, added)
    assert shape(db, team["map"]) == [(reason, "claim", "Less teasing", None)]
    assert (event["action"], event["node_id"]) == ("node.delete", claim)
    page = team["client"].get(f"/maps/{team['map']}/history").get_data(as_text=True)
    assert "Undid change #" in page and "1 node added about it since moved out as claims" in page
    assert f'undone in <a href="#change-{event["id"]}">' in page


def test_undo_an_edit_restores_the_text_and_can_be_redone(db, team):
    claim = add(db, team, "Ana", "Homework helps")
    nodes.update_node(db, team["map"], claim, {"text": "Homework hurts"}, Actor("Ben"))
    edit = last_event(db, team["map"])["id"]
    undo_event = undone_ok(team, db, edit)
    assert nodes.get_node(db, team["map"], claim)["text"] == "Homework helps"
    twice = undo(team, edit)
    assert twice.status_code == 409
    assert f"already undone in change #{undo_event['id']}" in twice.get_data(as_text=True)
    undone_ok(team, db, undo_event["id"])
    assert nodes.get_node(db, team["map"], claim)["text"] == "Homework hurts"


def test_undo_an_edit_changed_again_since_is_refused_by_name(db, team):
    claim = add(db, team, "Ana", "Homework helps")
    nodes.update_node(db, team["map"], claim, {"text": "Homework hurts"}, Actor("Ana"))
    edit = last_event(db, team["map"])["id"]
    nodes.update_node(db, team["map"], claim, {"text": "It depends"}, Actor("Ben"))
    before = state(db)
    response = undo(team, edit)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "“It depends” was changed again since, by Ben in change #" in html
    assert "(text): undo that change first" in html
    assert state(db) == before


def test_undo_an_edit_keeps_later_changes_to_other_fields(db, team):
    claim = add(db, team, "Ana", "Homework helps")
    nodes.update_node(db, team["map"], claim, {"text": "Homework hurts"}, Actor("Ana"))
    edit = last_event(db, team["map"])["id"]
    nodes.update_node(db, team["map"], claim, {"source": "A study"}, Actor("Ben"))
    undone_ok(team, db, edit)
    found = nodes.get_node(db, team["map"], claim)
    assert (found["text"], found["source"]) == ("Homework helps", "A study")


@pytest.fixture
def tree(db, team):
    """Claim C with support S (under it rebuttal R), counter K linked to S."""
    c = add(db, team, "Ana", "C")
    s = add(db, team, "Ana", "S", c)
    r = add(db, team, "Ana", "R", s, "counter")
    k = add(db, team, "Ben", "K", c, "counter")
    link = links.add_link(db, team["map"], {"from_id": k, "to_id": s, "relation": "counter"})
    return {"C": c, "S": s, "R": r, "K": k, "link": link}


def test_undo_a_delete_brings_back_the_nodes_below_and_their_links(db, team, tree):
    whole = shape(db, team["map"])
    wired = maps.load(db, team["map"])["links"]
    deletion.delete_node(db, team["map"], tree["S"], "delete", None, Actor("Ben"))
    assert len(shape(db, team["map"])) == 2
    event = undone_ok(team, db, last_event(db, team["map"])["id"])
    assert shape(db, team["map"]) == whole
    assert [{**li, "id": None} for li in maps.load(db, team["map"])["links"]] == [
        {**li, "id": None} for li in wired
    ]
    assert (event["action"], event["node_id"]) == ("node.restore", tree["S"])
    undone_ok(team, db, event["id"])
    assert [n[0] for n in shape(db, team["map"])] == [tree["C"], tree["K"]]


def test_undo_a_delete_puts_moved_children_back(db, team, tree):
    whole = shape(db, team["map"])
    deletion.delete_node(db, team["map"], tree["S"], "reattach", None, Actor("Ben"))
    assert nodes.get_node(db, team["map"], tree["R"])["parent_id"] == tree["C"]
    undone_ok(team, db, last_event(db, team["map"])["id"])
    assert shape(db, team["map"]) == whole


def test_undo_a_delete_whose_parent_is_gone_too_is_refused(db, team, tree):
    deletion.delete_node(db, team["map"], tree["R"], None, None, Actor("Ana"))
    first = last_event(db, team["map"])["id"]
    deletion.delete_node(db, team["map"], tree["S"], None, None, Actor("Ben"))
    before = state(db)
    response = undo(team, first)
    assert response.status_code == 409
    assert "The node “R” was about is gone too: undo that deletion first." in response.get_data(
        as_text=True
    )
    assert state(db) == before


def test_undo_links_added_and_removed(db, team, tree):
    links.delete_link(db, team["map"], tree["link"]["id"], Actor("Ana"))
    undone_ok(team, db, last_event(db, team["map"])["id"])
    [back] = maps.load(db, team["map"])["links"]
    assert (back["from_id"], back["to_id"], back["relation"]) == (tree["K"], tree["S"], "counter")
    added = links.add_link(
        db, team["map"], {"from_id": tree["R"], "to_id": tree["K"], "relation": "support"}, "Ben"
    )
    undone_ok(team, db, last_event(db, team["map"])["id"])
    assert added["id"] not in [li["id"] for li in maps.load(db, team["map"])["links"]]


def test_undo_a_rename(db, team):
    maps.update_map(db, team["map"], "Homework, again", "Now described", Actor("Ben"))
    undone_ok(team, db, last_event(db, team["map"])["id"])
    found = maps.get_map(db, team["map"])
    assert (found["title"], found["description"]) == ("Homework", "")


def test_creating_the_map_cannot_be_undone_and_unknown_changes_are_404(db, team):
    created = db.execute("SELECT MIN(id) FROM events WHERE map_id = ?", (team["map"],))
    before = state(db)
    response = undo(team, created.fetchone()[0])
    assert response.status_code == 400
    assert "Creating the map cannot be undone: delete the map instead." in response.get_data(
        as_text=True
    )
    assert undo(team, 99999).status_code == 404
    assert state(db) == before


# The same through the JSON API


def test_api_lists_events_after_an_id_and_undoes_one(app, db, team):
    api = app.test_client()
    auth = {"Authorization": f"Bearer {team['ana']['token']}"}
    moderation.set_mode(db, team["map"], "everyone")  # Ana undoes Ben's: test_moderation: "own"
    start = last_event(db, team["map"])["id"]
    claim = add(db, team, "Ben", "Recess matters")
    listed_events = api.get(f"/api/maps/{team['map']}/events?after={start}", headers=auth)
    [event] = listed_events.get_json()["events"]
    assert (event["action"], event["actor"], event["data"]["after"]["text"]) == (
        "node.add",
        "Ben",
        "Recess matters",
    )
    assert listed_events.get_json()["last"] == event["id"]
    done = api.post(f"/api/maps/{team['map']}/events/{event['id']}/undo", headers=auth)
    assert done.status_code == 201
    assert done.get_json()["message"] == "Removed “Recess matters”."
    assert last_event(db, team["map"])["actor"] == "Ana"
    assert claim not in [n[0] for n in shape(db, team["map"])]
    again = api.post(f"/api/maps/{team['map']}/events/{event['id']}/undo", headers=auth)
    assert (again.status_code, again.get_json()["field"]) == (409, "event_id")
    bad = api.get(f"/api/maps/{team['map']}/events?after=soon", headers=auth)
    assert (bad.status_code, bad.get_json()["field"]) == (400, "after")


# Undo finds exactly what it changed, in this map


def test_undo_an_add_never_removes_a_node_added_since_by_someone_else(db, team):
    mine = add(db, team, "Ana", "Old claim X")
    added = last_event(db, team["map"])["id"]
    deletion.delete_node(db, team["map"], mine, None, None, Actor("Ana"))
    theirs = add(db, team, "Ben", "Ben's new claim Y")
    before = state(db)
    response = undo(team, added)
    assert response.status_code == 409
    assert "“Old claim X” was deleted since" in response.get_data(as_text=True)
    assert state(db) == before and shape(db, team["map"]) == [
        (theirs, "claim", "Ben's new claim Y", None)
    ]


def test_undo_an_add_deleted_and_brought_back_since_is_refused(db, team):
    mine = add(db, team, "Ana", "Uniforms help")
    added = last_event(db, team["map"])["id"]
    deletion.delete_node(db, team["map"], mine, None, None, Actor("Ben"))
    undone_ok(team, db, last_event(db, team["map"])["id"])
    before = state(db)
    response = undo(team, added)
    assert response.status_code == 409
    assert "“Uniforms help” was deleted since, by Ben in change #" in response.get_data(
        as_text=True
    )
    assert state(db) == before


def test_undo_a_link_add_whose_link_was_removed_since_is_refused(db, team, tree):
    added = db.execute(
        "SELECT id FROM events WHERE action = 'link.add' AND map_id = ?", (team["map"],)
    ).fetchone()[0]
    deletion.delete_node(db, team["map"], tree["K"], None, None, Actor("Ben"))
    undone_ok(team, db, last_event(db, team["map"])["id"])
    assert [li["id"] for li in maps.load(db, team["map"])["links"]] == [tree["link"]["id"]]
    before = state(db)
    response = undo(team, added)
    assert response.status_code == 409
    assert "That link was removed since" in response.get_data(as_text=True)
    assert state(db) == before


def test_undo_a_delete_never_reaches_into_another_map(app, db, team):
    claim = add(db, team, "Ana", "C in this map")
    reason = add(db, team, "Ana", "S in this map", claim)
    deletion.delete_node(db, team["map"], reason, None, None, Actor("Ana"))
    first = last_event(db, team["map"])["id"]
    deletion.delete_node(db, team["map"], claim, None, None, Actor("Ana"))
    other = members.create_map(db, team["olga"], "Another map")
    nodes.add_node(db, other, {"kind": "claim", "text": "Claim of the other map"})
    before = state(db)
    response = undo(team, first)
    assert response.status_code == 409
    assert "The node “S in this map” was about is gone too" in response.get_data(as_text=True)
    assert state(db) == before
    gone = team["client"].post(f"/maps/{other}/delete", data={"csrf_token": CSRF})
    assert gone.status_code == 302
    assert db.execute("SELECT COUNT(*) FROM nodes WHERE map_id = ?", (other,)).fetchone()[0] == 0
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("choice", ["reattach", "detach"])
def test_undo_a_delete_restores_the_moved_nodes_exactly(db, team, choice):
    claim = add(db, team, "Ana", "C")
    reason = add(db, team, "Ana", "S", claim)
    fields = {"kind": "counter", "text": "U", "parent_id": reason, "undercut": True}
    objection = nodes.add_node(db, team["map"], fields, Actor("Ben"))
    deletion.delete_node(db, team["map"], reason, choice, None, Actor("Ben"))
    assert nodes.get_node(db, team["map"], objection["id"])["undercut"] == 0
    undone_ok(team, db, last_event(db, team["map"])["id"])
    back = maps.node_dict(nodes.get_node(db, team["map"], objection["id"]))
    assert {**back, "version": None} == {**objection, "version": None}


def test_undo_of_an_edit_leaves_the_nodes_about_it_alone(db, team):
    claim = add(db, team, "Ana", "C")
    reason = add(db, team, "Ana", "S", claim)
    fields = {"kind": "counter", "text": "U", "parent_id": reason, "undercut": True}
    objection = nodes.add_node(db, team["map"], fields, Actor("Ben"))["id"]
    nodes.update_node(db, team["map"], reason, {"kind": "claim"}, Actor("Ana"))
    undone_ok(team, db, last_event(db, team["map"])["id"])
    found = nodes.get_node(db, team["map"], objection)
    assert (found["undercut"], found["version"]) == (1, 1)
    assert shape(db, team["map"])[1] == (reason, "support", "S", claim)


def test_an_import_cannot_be_undone(db, team):
    data = MapData("Imported", nodes=[PortableNode("a", "claim", "Imported claim")])
    map_id = portable.import_map(db, data, "Olga")
    members.claim_map(db, map_id, team["olga"])
    imported = last_event(db, map_id)
    assert imported["action"] == "map.import"
    before = state(db)
    response = team["client"].post(
        f"/maps/{map_id}/history/{imported['id']}/undo", data={"csrf_token": CSRF}
    )
    assert response.status_code == 400
    assert "An import cannot be undone: delete the map instead." in response.get_data(as_text=True)
    assert state(db) == before


def test_a_damaged_change_log_gives_a_conflict_not_a_crash(db, team):
    ghost = {
        "id": 424242,
        "kind": "opinion",
        "text": "Ghost",
        "quote": "",
        "source": "",
        "parent_id": None,
        "group": None,
        "undercut": False,
        "tags": [],
        "version": 1,
    }
    data = {"before": ghost, "deleted": [ghost], "links": [], "moved": []}
    events.record(db, team["map"], "node.delete", ghost["id"], data, "Ana")
    before = state(db)
    response = undo(team, last_event(db, team["map"])["id"])
    assert response.status_code == 409
    assert "cannot be undone" in response.get_data(as_text=True)
    assert state(db) == before


def test_undo_of_an_edit_that_changed_nothing_is_refused(db, team):
    claim = add(db, team, "Ana", "C")
    same = maps.node_dict(nodes.get_node(db, team["map"], claim))
    events.record(db, team["map"], "node.update", claim, {"before": same, "after": same}, "Ana")
    before = state(db)
    with pytest.raises(Conflict, match="would change nothing: there is nothing to undo"):
        undoing.undo(db, team["map"], last_event(db, team["map"])["id"], "Olga")
    assert state(db) == before


# Saving without changes


def test_saving_without_changes_adds_no_change(app, db, team):
    claim = add(db, team, "Ana", "Homework helps")
    before = state(db)
    form = {
        "kind": "claim",
        "text": "Homework helps",
        "quote": "",
        "source": "",
        "parent_id": "",
        "group": "",
        "tags": "",
        "version": "1",
        "csrf_token": CSRF,
    }
    saved = team["client"].post(f"/maps/{team['map']}/nodes/{claim}", data=form)
    assert saved.status_code == 302
    assert "No changes to save." in team["client"].get(saved.location).get_data(as_text=True)
    settings = {"title": "Homework", "description": "", "csrf_token": CSRF}
    saved = team["client"].post(f"/maps/{team['map']}", data=settings)
    assert saved.status_code == 302
    assert "No changes to save." in team["client"].get(saved.location).get_data(as_text=True)
    auth = {"Authorization": f"Bearer {team['ana']['token']}"}
    api = app.test_client().patch(
        f"/api/maps/{team['map']}/nodes/{claim}", json={"text": "Homework helps"}, headers=auth
    )
    assert (api.status_code, api.get_json()["version"]) == (200, 1)
    assert state(db) == before


def test_the_creation_of_a_map_shows_its_title(seeded_app):
    html = seeded_app.test_client().get("/maps/1/history").get_data(as_text=True)
    created = html[html.index("created the map") :]
    assert '<span class="label">Title:</span>' in created.split("change #1")[0]


def test_undo_a_delete_brings_back_links_in_several_premise_groups(db, team):
    claim = add(db, team, "Ana", "A")
    other = add(db, team, "Ana", "Other claim")
    reason = add(db, team, "Ana", "B", other)
    for group in (1, 2):
        fields = {"from_id": reason, "to_id": claim, "relation": "support", "group": group}
        links.add_link(db, team["map"], fields, Actor("Ana"))
    deletion.delete_node(db, team["map"], reason, None, None, Actor("Ben"))
    undone_ok(team, db, last_event(db, team["map"])["id"])
    back = db.execute("SELECT grp FROM links WHERE from_id = ? ORDER BY grp", (reason,))
    assert [r[0] for r in back] == [1, 2]
