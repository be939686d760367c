"""Comments on nodes over HTTP and in the database: every rule, refusals that write nothing,
hidden with their node, in the history, undoable, taken along by a deletion, exported."""

from __future__ import annotations

import json

import pytest
from helpers import fresh_database, run_cli
from livehelp import CSRF, EventReader, call, log_in, on_file, owned_map, person

from argmap import comments, create_app, deletion, members, moderation, render, teams, undo
from argmap.db import connect, rows
from argmap.events import Actor
from argmap.rules import COMMENT_MAX

HOSTILE = "<img src=x onerror=alert(1)> & \"quotes\" 'apos' \\N"


@pytest.fixture
def world(tmp_path):
    """Olga's map; Cora her co-owner; Sam and Tia students; Vi a viewer.

    Olga's claim C has Sam's support S and Olga's counter H (which tests hide).
    """
    path = fresh_database(tmp_path)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "DATABASE": path, "SEED": False, "EXPORTS": "x"}
    )
    db = connect(path)
    olga = person(db, "Olga")
    m = members.create_map(db, olga, "Class debate")
    cora, sam, tia = (person(db, n, m) for n in ("Cora", "Sam", "Tia"))
    vi = person(db, "Vi", m, "viewer")
    ids = {p["name"]: members.of_user(db, m, p["id"])["id"] for p in (olga, cora, sam, tia, vi)}
    members.set_role(db, m, ids["Cora"], "owner")
    w = {"app": app, "db": db, "m": m, "ids": ids}
    w |= {"olga": olga, "cora": cora, "sam": sam, "tia": tia, "vi": vi}
    w["c"] = api(w, "olga", "POST", "/nodes", {"kind": "claim", "text": "C"}).get_json()["id"]
    w["s"] = node(w, "sam", "support", "S by Sam", w["c"])
    w["h"] = node(w, "olga", "counter", "H, hidden later", w["c"])
    yield w
    db.conn.close()


def client_for(w: dict, who: str):
    """A test client logged in as this person."""
    client = w["app"].test_client()
    log_in(client, w[who])
    return client


def api(w: dict, who: str, method: str, path: str, body: object = None, raw: str | None = None):
    """A call on the map's JSON API as this person."""
    url = f"/api/maps/{w['m']}{path}"
    headers = {"X-CSRF-Token": CSRF}
    if raw is not None:
        return client_for(w, who).open(url, method=method, data=raw, headers=headers)
    return client_for(w, who).open(url, method=method, json=body, headers=headers)


def node(w: dict, who: str, kind: str, text: str, parent: int) -> int:
    """A node added through the API by this person; its id."""
    answer = api(w, who, "POST", "/nodes", {"kind": kind, "text": text, "parent_id": parent})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def comment(w: dict, who: str, node_id: int, body: str) -> dict:
    """A comment made through the API by this person."""
    answer = api(w, who, "POST", f"/nodes/{node_id}/comments", {"body": body})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def state(w: dict) -> tuple:
    """The comments and events of the map, to check that a refusal wrote nothing."""
    db = w["db"]
    return (
        rows(db, "SELECT * FROM comments ORDER BY id"),
        rows(db, "SELECT id FROM events WHERE map_id = ?", (w["m"],)),
    )


def actions(w: dict) -> list[str]:
    """The map's comment events, oldest first."""
    found = rows(w["db"], "SELECT action FROM events WHERE map_id = ? ORDER BY id", (w["m"],))
    return [e["action"] for e in found if e["action"].startswith("comment.")]


def test_comment_is_stored_with_its_event_in_the_same_revision(world):
    w = world
    made = comment(w, "sam", w["c"], "Is “always” too strong here?")
    assert made["author"] == "Sam" and made["member_id"] == w["ids"]["Sam"]
    assert made["resolved"] is False and made["node_id"] == w["c"]
    row = rows(w["db"], "SELECT * FROM comments")[0]
    assert row["body"] == "Is “always” too strong here?" and row["member_id"] == w["ids"]["Sam"]
    event = rows(w["db"], "SELECT * FROM events ORDER BY id DESC LIMIT 1")[0]
    revision = rows(w["db"], "SELECT revision FROM maps WHERE id = ?", (w["m"],))[0]["revision"]
    assert (event["action"], event["node_id"], event["revision"]) == (
        "comment.add",
        w["c"],
        revision,
    )
    for who in ("olga", "tia", "vi"):  # the viewer reads comments too
        thread = api(w, who, "GET", f"/nodes/{w['c']}/comments").get_json()
        assert [c["body"] for c in thread["comments"]] == ["Is “always” too strong here?"], who
        whole = api(w, who, "GET", "").get_json()
        assert [c["id"] for c in whole["comments"]] == [made["id"]], who


@pytest.mark.parametrize(
    ("body", "raw", "message"),
    [
        ({"body": ""}, None, "Write your comment; it cannot be empty."),
        ({"body": "   \n "}, None, "Write your comment; it cannot be empty."),
        ({}, None, "Write your comment; it cannot be empty."),
        ({"body": "x" * (COMMENT_MAX + 1)}, None, f"shorten it to {COMMENT_MAX} at most"),
        ({"body": 12}, None, "The comment must be text."),
        (None, "not json", 'Send a JSON object such as {"body": "..."}'),
        ([1, 2], None, 'Send a JSON object such as {"body": "..."}'),
    ],
)
def test_bad_comments_are_refused_naming_the_field_and_nothing_is_written(
    world, body, raw, message
):
    w = world
    before = state(w)
    answer = api(w, "sam", "POST", f"/nodes/{w['c']}/comments", body, raw)
    assert answer.status_code == 400
    assert message in answer.get_json()["error"] and answer.get_json()["field"] == "body"
    assert state(w) == before


def test_the_form_comes_back_with_the_text_kept_on_bad_input(world):
    w = world
    before = state(w)
    long = "y" * (COMMENT_MAX + 5)
    page = client_for(w, "sam").post(
        f"/maps/{w['m']}/nodes/{w['c']}/comments", data={"body": long, "csrf_token": CSRF}
    )
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert f"shorten it to {COMMENT_MAX} at most" in text and long in text
    assert state(w) == before
    done = client_for(w, "sam").post(
        f"/maps/{w['m']}/nodes/{w['c']}/comments", data={"body": HOSTILE, "csrf_token": CSRF}
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/maps/{w['m']}?node={w['c']}#comments")
    shown = client_for(w, "tia").get(f"/maps/{w['m']}?node={w['c']}").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown and "<img src=x" not in shown
    assert 'class="comment-count"' in shown  # the outline's mark


def test_only_the_author_edits_author_or_owner_deletes(world):
    w = world
    made = comment(w, "sam", w["s"], "Source?")
    for who in ("tia", "olga", "cora"):
        before = state(w)
        refused = api(w, who, "PATCH", f"/comments/{made['id']}", {"body": "Changed"})
        assert refused.status_code == 403, who
        assert refused.get_json()["error"] == "Only its author can edit a comment."
        assert state(w) == before
    edited = api(w, "sam", "PATCH", f"/comments/{made['id']}", {"body": "Which source?"})
    assert edited.status_code == 200 and edited.get_json()["edited_at"]
    before = state(w)
    refused = api(w, "tia", "DELETE", f"/comments/{made['id']}")
    assert refused.status_code == 403 and "its author or an owner" in refused.get_json()["error"]
    assert state(w) == before
    assert api(w, "cora", "DELETE", f"/comments/{made['id']}").status_code == 200
    assert rows(w["db"], "SELECT * FROM comments") == []
    mine = comment(w, "tia", w["s"], "Mine")
    assert api(w, "tia", "DELETE", f"/comments/{mine['id']}").get_json()["deleted"] == mine["id"]
    assert actions(w) == [
        "comment.add",
        "comment.edit",
        "comment.delete",
        "comment.add",
        "comment.delete",
    ]


def test_node_author_and_owners_resolve_and_reopen(world):
    w = world
    made = comment(w, "tia", w["s"], "Typo in the second word")
    before = state(w)
    refused = api(w, "tia", "POST", f"/comments/{made['id']}/resolve")  # not S's author
    assert refused.status_code == 403 and "node's author or an owner" in refused.get_json()["error"]
    assert state(w) == before
    done = api(w, "sam", "POST", f"/comments/{made['id']}/resolve").get_json()
    assert done["resolved"] is True and done["resolved_by"] == "Sam"
    again = state(w)
    assert api(w, "sam", "POST", f"/comments/{made['id']}/resolve").status_code == 200
    assert state(w) == again  # already resolved: nothing written
    reopened = api(w, "olga", "POST", f"/comments/{made['id']}/reopen").get_json()
    assert reopened["resolved"] is False and reopened["resolved_by"] == ""
    page = client_for(w, "olga").post(
        f"/maps/{w['m']}/comments/{made['id']}/resolve",
        data={"node_id": str(w["s"]), "csrf_token": CSRF},
    )
    assert page.status_code == 302
    assert rows(w["db"], "SELECT resolved_name FROM comments")[0]["resolved_name"] == "Olga"
    assert actions(w)[-3:] == ["comment.resolve", "comment.reopen", "comment.resolve"]


def test_viewers_and_a_locked_map_refuse_comments(world):
    w = world
    before = state(w)
    refused = api(w, "vi", "POST", f"/nodes/{w['c']}/comments", {"body": "Hi"})
    assert refused.status_code == 403 and "you are a viewer" in refused.get_json()["error"].lower()
    assert state(w) == before
    moderation.set_locked(w["db"], w["m"], True, "Olga")
    before = state(w)
    locked = api(w, "sam", "POST", f"/nodes/{w['c']}/comments", {"body": "Hi"})
    assert locked.status_code == 403 and "locked" in locked.get_json()["error"]
    assert state(w) == before
    missing = api(w, "olga", "POST", "/nodes/999999/comments", {"body": "Hi"})
    assert missing.status_code == 404 and missing.get_json()["field"] == "node_id"


def test_comments_are_hidden_with_their_node_from_students(world):
    w = world
    secret = comment(w, "olga", w["h"], "SECRET remark on H")
    comment(w, "sam", w["c"], "Open remark on C")
    moderation.set_hidden(w["db"], w["m"], w["h"], True, "Olga")
    for who in ("sam", "vi"):
        assert api(w, who, "GET", f"/nodes/{w['h']}/comments").status_code == 404
        whole = json.dumps(api(w, who, "GET", "").get_json())
        assert "SECRET" not in whole and "Open remark on C" in whole
        client = client_for(w, who)
        for url in (
            f"/maps/{w['m']}?node={w['h']}",
            f"/maps/{w['m']}",
            f"/maps/{w['m']}/history",
            f"/maps/{w['m']}/export/json",
            f"/api/maps/{w['m']}/events",
        ):
            assert "SECRET" not in client.get(url).get_data(as_text=True), (who, url)
    before = state(w)
    for method, path, body in (
        ("POST", f"/nodes/{w['h']}/comments", {"body": "x"}),
        ("DELETE", f"/comments/{secret['id']}", None),
        ("POST", f"/comments/{secret['id']}/reopen", None),
    ):
        assert api(w, "sam", method, path, body).status_code == 404
    assert state(w) == before
    owner = client_for(w, "olga").get(f"/maps/{w['m']}?node={w['h']}").get_data(as_text=True)
    assert "SECRET remark on H" in owner


def test_deleting_a_node_takes_its_comments_and_undoing_brings_them_back(world):
    w = world
    first = comment(w, "tia", w["s"], "First")
    comment(w, "olga", w["s"], "Second")
    api(w, "tia", "POST", f"/comments/{first['id']}/reopen")  # nothing to reopen: no event
    done = deletion.delete_node(w["db"], w["m"], w["s"], actor="Olga")
    assert [c["body"] for c in done["comments"]] == ["First", "Second"]
    assert rows(w["db"], "SELECT * FROM comments") == []
    event = rows(w["db"], "SELECT id FROM events ORDER BY id DESC LIMIT 1")[0]["id"]
    undo.undo(w["db"], w["m"], event, "Olga")
    back = rows(w["db"], "SELECT * FROM comments ORDER BY id")
    assert [(c["id"], c["body"], c["node_id"]) for c in back] == [
        (first["id"], "First", w["s"]),
        (first["id"] + 1, "Second", w["s"]),
    ]
    restore = json.loads(
        rows(w["db"], "SELECT data FROM events ORDER BY id DESC LIMIT 1")[0]["data"]
    )
    assert [c["body"] for c in restore["comments"]] == ["First", "Second"]


def test_undo_of_each_comment_change_follows_the_same_rules(world):
    w = world
    db, m = w["db"], w["m"]
    sam = Actor("Sam", w["ids"]["Sam"], True)
    tia = Actor("Tia", w["ids"]["Tia"], True)
    made = comments.add(db, m, w["s"], "Draft", sam)
    comments.edit(db, m, made["id"], "Draft two", sam)
    comments.set_resolved(db, m, made["id"], True, sam)

    def last() -> int:
        return rows(db, "SELECT MAX(id) AS id FROM events")[0]["id"]

    resolve_event = last()
    undo.undo(db, m, resolve_event, sam)
    assert rows(db, "SELECT resolved_at FROM comments")[0]["resolved_at"] is None
    edit_event = rows(db, "SELECT id FROM events WHERE action = 'comment.edit'")[0]["id"]
    with pytest.raises(Exception, match="only undo your own changes"):
        undo.undo(db, m, edit_event, tia)  # "own" moderation: a student undoes only theirs
    undo.undo(db, m, edit_event, sam)
    assert rows(db, "SELECT body FROM comments")[0]["body"] == "Draft"
    add_event = rows(db, "SELECT id FROM events WHERE action = 'comment.add'")[0]["id"]
    undo.undo(db, m, add_event, sam)  # undoing a comment removes it
    assert rows(db, "SELECT * FROM comments") == []
    delete_event = last()
    undo.undo(db, m, delete_event, sam)  # and undoing that brings it back
    assert rows(db, "SELECT body FROM comments")[0]["body"] == "Draft"
    assert actions(w)[-3:] == ["comment.edit", "comment.delete", "comment.restore"]


def test_undo_blocked_by_a_later_edit_names_its_editor_not_a_commenter(world):
    w = world
    for who, text in (("sam", "S, Sam's second try"), ("cora", "S, Cora's wording")):
        assert api(w, who, "PATCH", f"/nodes/{w['s']}", {"text": text}).status_code == 200
    sams = w["db"].execute("SELECT MIN(id) FROM events WHERE action = 'node.update'").fetchone()[0]
    comment(w, "tia", w["s"], "Which source?")
    refused = api(w, "olga", "POST", f"/events/{sams}/undo")
    assert refused.status_code == 409
    message = refused.get_json()["error"]
    assert "by Cora in change" in message and "Tia" not in message


def test_history_says_what_each_comment_change_did(world):
    w = world
    made = comment(w, "sam", w["c"], "Needs a source")
    api(w, "sam", "PATCH", f"/comments/{made['id']}", {"body": "Needs a better source"})
    api(w, "olga", "POST", f"/comments/{made['id']}/resolve")
    api(w, "olga", "DELETE", f"/comments/{made['id']}")
    page = client_for(w, "tia").get(f"/maps/{w['m']}/history").get_data(as_text=True)
    for words in (
        f"commented on node {w['c']}",
        f"edited a comment on node {w['c']}",
        f"resolved a comment on node {w['c']}",
        f"deleted a comment on node {w['c']}",
        "Needs a better source",
        "Comment:",
    ):
        assert words in page, words


def test_anonymous_maps_show_students_comment_authors_under_animal_names(world):
    w = world
    teams.set_options(w["db"], w["m"], {"anonymous": True})
    made = comment(w, "sam", w["c"], "Anonymous remark")
    api(w, "sam", "POST", f"/comments/{made['id']}/resolve")  # not C's author: refused
    api(w, "olga", "POST", f"/comments/{made['id']}/resolve")
    from argmap.authors import pseudonym

    animal = pseudonym(w["ids"]["Sam"])
    seen = api(w, "tia", "GET", f"/nodes/{w['c']}/comments").get_json()["comments"][0]
    assert seen["author"] == animal and seen["resolved_by"] == "Olga"
    assert "Sam" not in json.dumps(api(w, "tia", "GET", "").get_json()["comments"])
    tia = client_for(w, "tia")
    page = tia.get(f"/maps/{w['m']}?node={w['c']}").get_data(as_text=True)
    assert f'class="comment-author">{animal}<' in page
    assert 'class="comment-author">Sam<' not in page
    history = tia.get(f"/maps/{w['m']}/history").get_data(as_text=True)
    assert f'class="who">{animal}<' in history and 'class="who">Sam<' not in history
    exported = json.loads(tia.get(f"/maps/{w['m']}/export/json").get_data(as_text=True))
    assert exported["comments"][0]["author"] == animal
    assert '"author_name": "Sam"' not in json.dumps(exported)
    owner = api(w, "olga", "GET", f"/nodes/{w['c']}/comments").get_json()["comments"][0]
    assert owner["author"] == "Sam"


def test_argmap_json_keeps_comments_through_export_and_import(world):
    w = world
    comment(w, "sam", w["c"], HOSTILE)
    solved = comment(w, "tia", w["s"], "Resolved one")
    api(w, "sam", "POST", f"/comments/{solved['id']}/resolve")
    olga = client_for(w, "olga")
    text = olga.get(f"/maps/{w['m']}/export/json").get_data(as_text=True)
    exported = json.loads(text)
    assert [c["body"] for c in exported["comments"]] == [HOSTILE, "Resolved one"]
    answer = olga.post(
        "/import",
        data={"format": "json", "text": text, "csrf_token": CSRF, "confirm": "1"},
    )
    assert answer.status_code in (200, 302), answer.get_data(as_text=True).split('role="alert"')[
        -1
    ][:300]
    newest = rows(w["db"], "SELECT MAX(id) AS id FROM maps")[0]["id"]
    if newest == w["m"]:
        pytest.fail("the import made no map: " + answer.get_data(as_text=True)[:500])
    again = olga.get(f"/maps/{newest}/export/json").get_data(as_text=True)
    theirs = json.loads(again)["comments"]
    assert [(c["body"], c["author"], c["resolved_by"]) for c in theirs] == [
        (HOSTILE, "Sam", None),
        ("Resolved one", "Tia", "Sam"),
    ]
    keys = {n["id"]: n["text"] for n in json.loads(again)["nodes"]}
    assert [keys[c["node_id"]] for c in theirs] == ["C", "S by Sam"]


def test_the_command_lines_json_export_keeps_comments_like_the_download(world, tmp_path):
    w = world
    comment(w, "sam", w["c"], "Which study?")
    out = tmp_path / "map.json"
    ran = run_cli(w["app"], "export", str(w["m"]), "--format", "json", "--output", str(out))
    assert ran.exit_code == 0, ran.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert [(c["body"], c["author"]) for c in written["comments"]] == [("Which study?", "Sam")]
    downloaded = json.loads(client_for(w, "olga").get(f"/maps/{w['m']}/export/json").get_data())
    assert written["comments"] == downloaded["comments"]


def test_comments_never_change_the_dot_nor_run_graphviz(world, monkeypatch):
    w = world
    olga = client_for(w, "olga")
    dot_before = olga.get(f"/maps/{w['m']}/diagram.dot").get_data()
    assert olga.get(f"/maps/{w['m']}/diagram.svg").status_code == 200
    runs = []
    real = render.graphviz
    monkeypatch.setattr(render, "graphviz", lambda *a, **k: runs.append(1) or real(*a, **k))
    made = comment(w, "sam", w["c"], "A comment")
    api(w, "olga", "POST", f"/comments/{made['id']}/resolve")
    svg = olga.get(f"/maps/{w['m']}/diagram.svg")
    assert svg.status_code == 200
    assert runs == []
    assert olga.get(f"/maps/{w['m']}/diagram.dot").get_data() == dot_before


def test_a_students_stream_carries_comments_but_none_of_hidden_nodes(server):
    def setup(db) -> dict:
        olga, m = owned_map(db, "Debate", public=False)
        return {"olga": olga, "sam": person(db, "Sam", m), "m": m}

    w = on_file(server.database, setup)
    m, base = w["m"], server.url
    token = {"olga": w["olga"]["token"], "sam": w["sam"]["token"]}
    _, c = call(base, "POST", f"/api/maps/{m}/nodes", {"kind": "claim", "text": "C"}, token["olga"])
    _, h = call(
        base,
        "POST",
        f"/api/maps/{m}/nodes",
        {"kind": "counter", "text": "H", "parent_id": c["id"]},
        token["olga"],
    )
    call(base, "POST", f"/api/maps/{m}/nodes/{h['id']}/hide", {"hidden": True}, token["olga"])
    path = f"/maps/{m}/events?tab=tab-s-12345678"
    student = EventReader(base, path, {"Authorization": f"Bearer {token['sam']}"})
    try:
        student.wait_for(lambda e: e["event"] == "hello")
        status, _ = call(
            base,
            "POST",
            f"/api/maps/{m}/nodes/{h['id']}/comments",
            {"body": "SECRET"},
            token["olga"],
        )
        assert status == 201
        status, made = call(
            base, "POST", f"/api/maps/{m}/nodes/{c['id']}/comments", {"body": "Open"}, token["sam"]
        )
        assert status == 201
        first, second = (f["data"] for f in student.changes(2))
        assert first["patch"] == {} and "SECRET" not in json.dumps(first)
        assert second["action"] == "comment.add"
        assert second["patch"]["comments"][0]["body"] == "Open"
        assert second["patch"]["comments"][0]["author"] == "Sam"
        call(base, "DELETE", f"/api/maps/{m}/comments/{made['id']}", None, token["sam"])
        gone = student.changes(1)[0]["data"]
        assert gone["patch"]["uncommented"] == [made["id"]] and not gone["patch"].get("comments")
        call(base, "POST", f"/api/maps/{m}/nodes/{h['id']}/hide", {"hidden": False}, token["olga"])
        shown = student.changes(1)[0]["data"]
        assert [x["body"] for x in shown["patch"]["comments"]] == ["SECRET"]
    finally:
        student.close()
