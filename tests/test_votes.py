"""Votes over HTTP and in the database: cast, change, take back; who may; what they never touch."""

from __future__ import annotations

import json

import pytest
from helpers import fresh_database
from livehelp import CSRF, EventReader, call, log_in, on_file, owned_map, person

from argmap import create_app, members, portable, votes
from argmap.db import connect
from argmap.formats import registry

SECRET = "A hidden counter nobody may vote on"
WRAPPER = """#!/bin/sh
[ "$1" = "-c" ] && exec {real} "$@"
echo "start $0" >> {log}
exec {real} "$@"
"""


@pytest.fixture
def world(tmp_path):
    """Olga's map: claim C with Sam's support S and Olga's counter H (hidden in some tests);
    Cora co-owner, Sam and Tia editors by account, Vic a viewer, Jo an editor by join code."""
    path = fresh_database(tmp_path)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "DATABASE": path, "SEED": False, "EXPORTS": "x"}
    )
    db = connect(path)
    olga = person(db, "Olga")
    m = members.create_map(db, olga, "Class debate")
    cora, sam, tia = (person(db, n, m) for n in ("Cora", "Sam", "Tia"))
    vic = person(db, "Vic", m, role="viewer")
    ids = {p["name"]: members.of_user(db, m, p["id"])["id"] for p in (olga, cora, sam, tia, vic)}
    members.set_role(db, m, ids["Cora"], "owner")
    jo, secret = members.join(db, members.new_code(db, m, "editor"), "Jo")
    w = {"app": app, "db": db, "m": m, "ids": ids, "jo": jo, "jo_secret": secret}
    w |= {"olga": olga, "cora": cora, "sam": sam, "tia": tia, "vic": vic}
    w["c"] = api(w, "olga", "POST", "/nodes", {"kind": "claim", "text": "C"}).get_json()["id"]
    w["s"] = add(w, "sam", "support", "S by Sam", w["c"])
    w["h"] = add(w, "olga", "counter", SECRET, w["c"])
    yield w
    db.conn.close()


def client_for(w: dict, who: str):
    """A test client logged in as this person (joined by code, for Jo)."""
    client = w["app"].test_client()
    if who == "jo":
        with client.session_transaction() as session:
            session["joins"] = {str(w["m"]): w["jo_secret"]}
            session["csrf_token"] = CSRF
    else:
        log_in(client, w[who])
    return client


def api(w: dict, who: str, method: str, path: str, body: object = None, **more):
    """A JSON call on the map's API as this person (with the page's CSRF token)."""
    headers = more.pop("headers", {"X-CSRF-Token": CSRF})
    return client_for(w, who).open(
        f"/api/maps/{w['m']}{path}", method=method, json=body, headers=headers, **more
    )


def add(w: dict, who: str, kind: str, text: str, parent: int) -> int:
    """A node added through the API by this person; its id."""
    answer = api(w, who, "POST", "/nodes", {"kind": kind, "text": text, "parent_id": parent})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def vote(w: dict, who: str, node: int, value: object):
    """PUT a vote as this person."""
    return api(w, who, "PUT", f"/nodes/{node}/vote", {"value": value})


def stored(w: dict) -> list[tuple]:
    """Every vote row: (node, member, value)."""
    return [
        tuple(r)
        for r in w["db"].execute(
            "SELECT node_id, member_id, value FROM votes ORDER BY node_id, member_id"
        )
    ]


def state(w: dict) -> tuple:
    """The rows a refused vote must leave alone: votes, events and the map's revision."""
    return (
        stored(w),
        w["db"].execute("SELECT COUNT(*) FROM events").fetchone()[0],
        w["db"].execute("SELECT revision FROM maps").fetchone()[0],
    )


def test_cast_change_and_take_back_a_vote(world):
    w = world
    first = vote(w, "sam", w["c"], 3)
    assert first.status_code == 200
    assert first.get_json() == {"node_id": w["c"], "count": 1, "mean": 3.0, "mine": 3}
    assert vote(w, "tia", w["c"], 0).get_json() == {
        "node_id": w["c"],
        "count": 2,
        "mean": 1.5,
        "mine": 0,
    }
    assert vote(w, "sam", w["c"], 4).get_json()["mean"] == 2.0  # changed, not added
    assert stored(w) == [(w["c"], w["ids"]["Sam"], 4), (w["c"], w["ids"]["Tia"], 0)]
    before = state(w)
    assert vote(w, "sam", w["c"], 4).get_json()["mine"] == 4  # the same again: nothing written
    assert state(w) == before
    gone = api(w, "sam", "DELETE", f"/nodes/{w['c']}/vote")
    assert gone.status_code == 200
    assert gone.get_json() == {"node_id": w["c"], "count": 1, "mean": 0.0, "mine": None}
    assert stored(w) == [(w["c"], w["ids"]["Tia"], 0)]
    before = state(w)
    assert api(w, "sam", "DELETE", f"/nodes/{w['c']}/vote").get_json()["mine"] is None
    assert state(w) == before
    actions = [
        r[0]
        for r in w["db"].execute("SELECT action FROM events WHERE action LIKE 'vote.%' ORDER BY id")
    ]
    assert actions == ["vote.set", "vote.set", "vote.set", "vote.clear"]
    listing = api(w, "tia", "GET", "/votes").get_json()
    assert listing["votes"] == {str(w["c"]): {"count": 1, "mean": 0.0}}
    assert listing["mine"] == {str(w["c"]): 0}
    whole = api(w, "tia", "GET", "").get_json()
    assert whole["votes"] == listing["votes"] and whole["my_votes"] == {str(w["c"]): 0}


@pytest.mark.parametrize(
    "body",
    [
        {"value": 5},
        {"value": -1},
        {"value": 2.5},
        {"value": "three"},
        {"value": True},
        {"value": None},
        {"value": [3]},
        {},
        ["value", 3],
    ],
    ids=repr,
)
def test_a_bad_value_is_a_400_naming_the_field_and_writes_nothing(world, body):
    w = world
    vote(w, "sam", w["c"], 2)
    before = state(w)
    answer = api(w, "sam", "PUT", f"/nodes/{w['c']}/vote", body)
    assert answer.status_code == 400
    assert answer.get_json()["field"] == "value"
    assert "0" in answer.get_json()["error"] and "4" in answer.get_json()["error"]
    assert state(w) == before


def test_who_may_vote(world):
    w = world
    for who in ("olga", "cora", "sam", "jo"):
        assert vote(w, who, w["s"], 2).status_code == 200, who
    before = state(w)
    refused = vote(w, "vic", w["s"], 4)
    assert refused.status_code == 403
    assert "viewer" in refused.get_json()["error"]
    stranger = w["app"].test_client()
    assert stranger.put(
        f"/api/maps/{w['m']}/nodes/{w['s']}/vote", json={"value": 1}
    ).status_code in (401, 404)
    assert state(w) == before
    assert api(w, "vic", "GET", "/votes").get_json()["votes"][str(w["s"])]["count"] == 4
    assert vote(w, "sam", 999999, 1).status_code == 404
    members.set_public(w["db"], w["m"], True)  # a reader by link reads, but does not vote
    outsider = w["app"].test_client()
    log_in(outsider, person(w["db"], "Stan"))
    refused = outsider.put(
        f"/api/maps/{w['m']}/nodes/{w['s']}/vote", json={"value": 1}, headers={"X-CSRF-Token": CSRF}
    )
    assert refused.status_code == 403
    assert state(w) == before


def test_a_vote_without_the_csrf_token_is_refused(world):
    w = world
    before = state(w)
    answer = api(w, "sam", "PUT", f"/nodes/{w['c']}/vote", {"value": 3}, headers={})
    assert answer.status_code in (400, 403)
    page = client_for(w, "sam").post(f"/maps/{w['m']}/nodes/{w['c']}/vote", data={"value": "3"})
    assert page.status_code in (400, 403)
    assert state(w) == before


def test_a_locked_map_takes_no_votes_from_students(world):
    w = world
    api(w, "olga", "PATCH", "/moderation", {"locked": True})
    before = state(w)
    assert vote(w, "sam", w["c"], 3).status_code == 403
    assert state(w) == before
    assert vote(w, "olga", w["c"], 3).status_code == 200


def test_the_plain_form_votes_and_goes_back_to_the_node(world):
    w = world
    client = client_for(w, "tia")
    url = f"/maps/{w['m']}/nodes/{w['s']}/vote"
    done = client.post(url, data={"value": "3", "csrf_token": CSRF})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/maps/{w['m']}?node={w['s']}#node-{w['s']}")
    assert stored(w) == [(w["s"], w["ids"]["Tia"], 3)]
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Your vote: 3 (strong)." in page  # the flash
    assert "★ 3.0 · 1 vote" in page and "Strength 3.0 of 4, from 1 vote" in page
    assert 'value="3" class="vote-button" aria-pressed="true"' in page
    sorted_back = client.post(url, data={"value": "1", "sort": "votes", "csrf_token": CSRF})
    assert "sort=votes" in sorted_back.headers["Location"]
    bad = client.post(url, data={"value": "9", "csrf_token": CSRF})
    assert bad.status_code == 400
    assert "value must be a whole number from 0" in bad.get_data(as_text=True)
    assert stored(w) == [(w["s"], w["ids"]["Tia"], 1)]
    cleared = client.post(url, data={"clear": "1", "csrf_token": CSRF})
    assert cleared.status_code == 302 and stored(w) == []
    viewer_page = client_for(w, "vic").get(f"/maps/{w['m']}?node={w['s']}").get_data(as_text=True)
    assert 'id="votes"' in viewer_page and 'id="votes-form"' not in viewer_page


def test_outline_and_brief_sort_strongest_first_on_request(world):
    w = world
    k = add(w, "tia", "support", "K by Tia", w["c"])
    for who, node, value in (("sam", k, 4), ("tia", k, 3), ("sam", w["s"], 1)):
        vote(w, who, node, value)
    client = client_for(w, "olga")
    plain = client.get(f"/maps/{w['m']}").get_data(as_text=True)
    assert (
        plain.index(f'id="o-{w["s"]}"')
        < plain.index(f'id="o-{w["h"]}"')
        < plain.index(f'id="o-{k}"')
    )
    strong = client.get(f"/maps/{w['m']}?sort=votes").get_data(as_text=True)
    assert strong.index(f'id="o-{k}"') < strong.index(f'id="o-{w["s"]}"')
    assert strong.index(f'id="o-{w["s"]}"') < strong.index(f'id="o-{w["h"]}"')  # unvoted last
    assert "★ 3.5 · 2 votes" in strong
    assert client.get(f"/maps/{w['m']}?sort=loudest").status_code == 400
    brief = client.get(f"/maps/{w['m']}/brief").get_data(as_text=True)
    assert brief.index("S by Sam") < brief.index("K by Tia")
    brief = client.get(f"/maps/{w['m']}/brief?sort=votes").get_data(as_text=True)
    assert brief.index("K by Tia") < brief.index("S by Sam")
    assert "★ 3.5 · 2 votes" in brief
    assert client.get(f"/maps/{w['m']}/brief?sort=x").status_code == 400


def test_students_learn_nothing_of_votes_on_hidden_nodes(world):
    w = world
    vote(w, "olga", w["h"], 4)
    vote(w, "sam", w["c"], 2)
    api(w, "olga", "POST", f"/nodes/{w['h']}/hide", {"hidden": True})
    before = state(w)
    refused = vote(w, "sam", w["h"], 1)
    assert refused.status_code == 404 and SECRET not in refused.get_data(as_text=True)
    assert state(w) == before
    for path in ("/votes", ""):
        seen = api(w, "sam", "GET", path).get_json()
        assert str(w["h"]) not in json.dumps(seen.get("votes")), path
    assert str(w["h"]) in api(w, "olga", "GET", "/votes").get_json()["votes"]
    page = client_for(w, "sam").get(f"/maps/{w['m']}?sort=votes").get_data(as_text=True)
    assert "★ 4.0" not in page and SECRET not in page
    brief = client_for(w, "sam").get(f"/maps/{w['m']}/brief").get_data(as_text=True)
    assert "★ 4.0" not in brief
    exported = client_for(w, "sam").get(f"/maps/{w['m']}/export/json").get_data(as_text=True)
    assert [v["node"] for v in json.loads(exported)["votes"]] == [str(w["c"])]
    shown = api(w, "olga", "POST", f"/nodes/{w['h']}/hide", {"hidden": False})
    assert shown.status_code == 200
    event = w["db"].execute("SELECT data FROM events ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert json.loads(event)["votes"] == {str(w["h"]): {"count": 1, "mean": 4.0}}


def test_a_map_whose_node_was_hidden_and_shown_again_reads_back_from_its_export(world):
    w = world
    vote(w, "sam", w["h"], 4)
    for hidden in (True, False):
        answer = api(w, "olga", "POST", f"/nodes/{w['h']}/hide", {"hidden": hidden})
        assert answer.status_code == 200
    text = client_for(w, "olga").get(f"/maps/{w['m']}/export/json").get_data(as_text=True)
    _, data = registry.read(text, "json")
    copy = portable.import_map(w["db"], data, "Olga")
    texts = [r[0] for r in w["db"].execute("SELECT text FROM nodes WHERE map_id = ?", (copy,))]
    assert SECRET in texts
    assert len(votes.summaries(w["db"], copy)) == 1  # from the votes, not from the history


def test_a_removed_members_votes_are_taken_back_where_everyone_sees(world):
    w = world
    vote(w, "sam", w["c"], 4)
    vote(w, "tia", w["c"], 2)
    revision = w["db"].execute("SELECT revision FROM maps").fetchone()[0]
    page = client_for(w, "olga").get(f"/maps/{w['m']}").get_data(as_text=True)
    assert "★ 3.0" in page
    members.remove(w["db"], w["m"], w["ids"]["Tia"])
    assert stored(w) == [(w["c"], w["ids"]["Sam"], 4)]
    last = w["db"].execute("SELECT action, revision, data FROM events ORDER BY id DESC").fetchone()
    assert (last[0], last[1]) == ("vote.clear", revision + 1)
    assert json.loads(last[2]) == {"before": 2, "value": None, "count": 1, "mean": 4.0}
    page = client_for(w, "olga").get(f"/maps/{w['m']}").get_data(as_text=True)
    assert "★ 4.0" in page and "★ 3.0" not in page  # the outline of the new revision


def test_votes_stay_out_of_the_history_and_undo(world):
    w = world
    edit = api(w, "sam", "PATCH", f"/nodes/{w['s']}", {"text": "S, better"})
    assert edit.status_code == 200
    edit_event = w["db"].execute("SELECT MAX(id) FROM events").fetchone()[0]
    vote(w, "sam", w["s"], 3)
    vote(w, "tia", w["s"], 1)
    vote_event = w["db"].execute("SELECT MAX(id) FROM events").fetchone()[0]
    listed = api(w, "sam", "GET", "/events").get_json()["events"]
    assert listed and not [e for e in listed if e["action"].startswith("vote.")]
    page = client_for(w, "sam").get(f"/maps/{w['m']}/history").get_data(as_text=True)
    assert f"change #{vote_event} " not in page and "vote." not in page
    assert f"change #{edit_event} " in page
    exported = json.loads(client_for(w, "olga").get(f"/maps/{w['m']}/export/json").get_data())
    assert not [e for e in exported["events"] if e["action"].startswith("vote.")]
    refused = api(w, "tia", "POST", f"/events/{vote_event}/undo")
    assert refused.status_code == 400
    assert "A vote is not undone" in refused.get_json()["error"]
    # Sam's undo of his edit skips the votes made on the node since: they change no node.
    undone = api(w, "sam", "POST", f"/events/{edit_event}/undo")
    assert undone.status_code == 201, undone.get_json()
    assert api(w, "sam", "GET", "").get_json()["nodes"][1]["text"] == "S by Sam"
    assert len(stored(w)) == 2  # and left the votes as they were


def test_a_deleted_node_takes_its_votes_and_comes_back_without_them(world):
    w = world
    vote(w, "sam", w["s"], 3)
    vote(w, "tia", w["s"], 2)
    gone = api(w, "olga", "DELETE", f"/nodes/{w['s']}")
    assert gone.status_code == 200
    assert stored(w) == []
    deletion = w["db"].execute("SELECT MAX(id) FROM events").fetchone()[0]
    assert api(w, "olga", "POST", f"/events/{deletion}/undo").status_code == 201
    assert [n["text"] for n in api(w, "olga", "GET", "").get_json()["nodes"]].count("S by Sam")
    assert stored(w) == [] and api(w, "olga", "GET", "/votes").get_json()["votes"] == {}


def test_argmap_json_keeps_votes_and_reads_them_back(world):
    w = world
    vote(w, "sam", w["c"], 4)
    vote(w, "tia", w["c"], 1)
    vote(w, "sam", w["s"], 2)
    text = client_for(w, "olga").get(f"/maps/{w['m']}/export/json").get_data(as_text=True)
    doc = json.loads(text)
    assert doc["votes"] == [
        {"node": str(w["c"]), "voter": "voter-1", "value": 4},
        {"node": str(w["c"]), "voter": "voter-2", "value": 1},
        {"node": str(w["s"]), "voter": "voter-1", "value": 2},
    ]
    assert "Sam" not in json.dumps(doc["votes"]) and "Tia" not in json.dumps(doc["votes"])
    _, data = registry.read(text, "json")
    copy = portable.import_map(w["db"], data, "Olga")
    by_text = {
        n["text"]: n["id"]
        for n in w["db"].execute("SELECT id, text FROM nodes WHERE map_id = ?", (copy,)).fetchall()
    }
    tally = votes.summaries(w["db"], copy)
    assert tally == {
        by_text["C"]: {"count": 2, "mean": 2.5},
        by_text["S by Sam"]: {"count": 1, "mean": 2.0},
    }
    voters = (
        w["db"]
        .execute(
            "SELECT name, role, user_id FROM members WHERE map_id = ? AND name LIKE 'Imported%'"
            " ORDER BY id",
            (copy,),
        )
        .fetchall()
    )
    assert [tuple(v) for v in voters] == [
        ("Imported voter 1", "viewer", None),
        ("Imported voter 2", "viewer", None),
    ]
    again = registry.write(portable.to_data(w["db"], copy), "json")
    assert json.loads(again)["votes"] == [
        {"node": str(by_text["C"]), "voter": "voter-1", "value": 4},
        {"node": str(by_text["C"]), "voter": "voter-2", "value": 1},
        {"node": str(by_text["S by Sam"]), "voter": "voter-1", "value": 2},
    ]


@pytest.mark.parametrize(
    ("votes_field", "message"),
    [
        ([{"node": "n1", "voter": "a", "value": 7}], "from 0 to 4"),
        ([{"node": "zz", "voter": "a", "value": 1}], "unknown node"),
        ([{"node": "n1", "voter": "a", "value": 1}] * 2, "once per node"),
        (["x"], "a vote must be an object"),
    ],
)
def test_argmap_json_refuses_bad_votes(votes_field, message):
    doc = {
        "format": "argmap",
        "version": 2,
        "title": "T",
        "nodes": [{"id": "n1", "kind": "claim", "text": "C"}],
        "votes": votes_field,
    }
    with pytest.raises(Exception) as refused:
        registry.read(json.dumps(doc), "json")
    assert message in str(refused.value)


def test_a_vote_runs_no_graphviz(world, tmp_path, monkeypatch):
    w = world
    folder, log = tmp_path / "bin", tmp_path / "graphviz.log"
    folder.mkdir()
    for program in ("dot", "neato"):
        (folder / program).write_text(WRAPPER.format(log=log, real=f"/usr/bin/{program}"))
        (folder / program).chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    client = client_for(w, "sam")
    first = client.get(f"/maps/{w['m']}/diagram.svg")
    assert first.status_code == 200
    runs = log.read_text().count("start")
    assert runs >= 1
    kept = w["db"].execute("SELECT revision, digest, body FROM renders").fetchall()
    vote(w, "sam", w["c"], 4)
    vote(w, "tia", w["s"], 1)
    again = client.get(f"/maps/{w['m']}/diagram.svg")
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert log.read_text().count("start") == runs  # no Graphviz run for the votes
    now = w["db"].execute("SELECT revision, digest, body FROM renders").fetchall()
    assert [(r[1], r[2]) for r in now] == [(r[1], r[2]) for r in kept]
    assert now[0][0] == kept[0][0]  # the stored drawing stands: nothing drawn has changed
    assert "★" not in again.get_data(as_text=True)  # the mark is laid over it on the page


def test_stream_frames_carry_the_vote_for_each_reader(server):
    def setup(db) -> dict:
        olga, m = owned_map(db, "Votes live", public=False)
        sam, tia = person(db, "Sam", m), person(db, "Tia", m)
        return {"olga": olga, "sam": sam, "tia": tia, "m": m}

    w = on_file(server.database, setup)
    m, base = w["m"], server.url
    status, c = call(
        base, "POST", f"/api/maps/{m}/nodes", {"kind": "claim", "text": "C"}, w["olga"]["token"]
    )
    assert status == 201
    status, h = call(
        base,
        "POST",
        f"/api/maps/{m}/nodes",
        {"kind": "counter", "text": SECRET, "parent_id": c["id"]},
        w["olga"]["token"],
    )
    path = f"/maps/{m}/events?tab=tab-{{}}-12345678"
    readers = {
        who: EventReader(base, path.format(who), {"Authorization": f"Bearer {w[who]['token']}"})
        for who in ("sam", "tia", "olga")
    }
    try:
        for reader in readers.values():
            reader.wait_for(lambda e: e["event"] == "hello")
        status, answer = call(
            base, "PUT", f"/api/maps/{m}/nodes/{c['id']}/vote", {"value": 3}, w["sam"]["token"]
        )
        assert status == 200 and answer["count"] == 1
        mine = readers["sam"].changes(1)[0]["data"]
        assert mine["action"] == "vote.set" and mine["actor"] == "Sam"
        assert mine["patch"] == {
            "votes": {str(c["id"]): {"count": 1, "mean": 3.0}},
            "mine": {str(c["id"]): 3},
        }
        theirs = readers["tia"].changes(1)[0]["data"]
        assert theirs["patch"] == {"votes": {str(c["id"]): {"count": 1, "mean": 3.0}}}
        assert theirs["actor"] == ""  # nobody's vote is shown under their name
        assert readers["olga"].changes(1)[0]["data"]["patch"] == theirs["patch"]
        # A vote on a hidden node: the owner's page gets it, students' pages nothing of it.
        call(
            base,
            "POST",
            f"/api/maps/{m}/nodes/{h['id']}/hide",
            {"hidden": True},
            w["olga"]["token"],
        )
        for reader in readers.values():
            reader.changes(1)
        call(base, "PUT", f"/api/maps/{m}/nodes/{h['id']}/vote", {"value": 4}, w["olga"]["token"])
        for who in ("sam", "tia"):
            seen = readers[who].changes(1)[0]["data"]
            assert seen["patch"] == {} and seen["node_id"] is None
            assert seen["actor"] == "" and seen["kind"] is None
        owner = readers["olga"].changes(1)[0]["data"]
        assert owner["patch"]["votes"] == {str(h["id"]): {"count": 1, "mean": 4.0}}
        assert owner["patch"]["mine"] == {str(h["id"]): 4}
        status, answer = call(
            base, "DELETE", f"/api/maps/{m}/nodes/{c['id']}/vote", None, w["sam"]["token"]
        )
        assert status == 200 and answer["mine"] is None
        cleared = readers["sam"].changes(1)[0]["data"]
        assert cleared["action"] == "vote.clear"
        assert cleared["patch"]["votes"] == {str(c["id"]): {"count": 0, "mean": None}}
        assert cleared["patch"]["mine"] == {str(c["id"]): None}
    finally:
        for reader in readers.values():
            reader.close()
