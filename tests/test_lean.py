"""The lean path for a page's drawing: what Flask would send, access checked each time."""

from __future__ import annotations

import gzip

from livehelp import log_in, owned_map, person

from argmap import members, moderation, nodes
from argmap.web import compress, lean

ZIPPED = {"Accept-Encoding": "gzip"}


def answers(client, path: str, headers: dict) -> tuple:
    """The lean path's answer and Flask's to the same request (an extra question skips it)."""
    quick = client.get(path, headers=headers)
    joiner = "&" if "?" in path else "?"
    flask = client.get(f"{path}{joiner}via=flask", headers=headers)
    return quick, flask


def same(quick, flask) -> None:
    """Both answers alike: status, body and every header."""
    assert quick.status_code == flask.status_code
    assert quick.data == flask.data
    assert sorted(quick.headers.items()) == sorted(flask.headers.items())


def test_a_kept_drawing_and_a_304_come_as_flask_sends_them_to_each_kind_of_reader(
    app, db, monkeypatch
):
    given = []
    answer = lean.Lean.answer
    monkeypatch.setattr(lean.Lean, "answer", lambda *a: given.append(answer(*a)) or given[-1])
    owner, map_id = owned_map(db)
    nodes.add_node(db, map_id, {"kind": "claim", "text": "Homework <helps>"})
    editor = person(db, "Eddie", map_id)
    code = members.new_code(db, map_id, "editor")
    _, secret = members.join(db, code, "Sam")
    readers = {
        "anyone": (app.test_client(), {}),
        "owner by cookie": (app.test_client(), {}),
        "joined by code": (app.test_client(), {}),
        "editor by token": (app.test_client(), {"Authorization": f"Bearer {editor['token']}"}),
    }
    log_in(readers["owner by cookie"][0], owner)
    with readers["joined by code"][0].session_transaction() as session:
        session["joins"] = {str(map_id): secret}
    for who, (client, sent) in readers.items():
        path = f"/maps/{map_id}/diagram.svg?ready=1"
        first = client.get(path, headers={**sent, **ZIPPED})  # drawn, and kept in memory
        assert first.status_code == 200, who
        assert compress.kept(app.config["DATABASE"], first.headers["ETag"][3:-1]), who
        quick, flask = answers(client, path, {**sent, **ZIPPED, "If-None-Match": 'W/"old"'})
        same(quick, flask)
        assert quick.status_code == 200, who
        assert b"Homework &lt;helps&gt;" in gzip.decompress(quick.data)
        assert quick.headers["Content-Security-Policy"], who
        quick, flask = answers(client, path, {**sent, "If-None-Match": first.headers["ETag"]})
        same(quick, flask)
        assert quick.status_code == 304, who
    statuses = [found[0] if found else None for found in given]
    assert statuses == [200, 200, None, 304, None] * 4  # None: Flask answered (via=flask)


def test_each_request_is_checked_again_and_a_student_never_gets_the_owners_drawing(app, db):
    owner, map_id = owned_map(db, public=False)
    top = nodes.add_node(db, map_id, {"kind": "claim", "text": "Open claim"})
    hidden = nodes.add_node(db, map_id, {"kind": "claim", "text": "Secret plan"})
    student = person(db, "Sam", map_id)
    moderation.set_hidden(db, map_id, hidden["id"], True)
    path = f"/maps/{map_id}/diagram.svg?ready=1"
    owners = app.test_client()
    log_in(owners, owner)
    for _ in range(2):  # drawn, then from memory
        shown = owners.get(path, headers=ZIPPED)
        assert b"Secret plan" in gzip.decompress(shown.data)
    students = app.test_client()
    as_student = {**ZIPPED, "Authorization": f"Bearer {student['token']}"}
    for _ in range(2):
        shown = students.get(path, headers=as_student)
        assert (
            shown.status_code == 200 and shown.headers["ETag"] != owners.get(path).headers["ETag"]
        )
        drawn = gzip.decompress(shown.data)
        assert b"Open claim" in drawn and b"Secret plan" not in drawn
    assert app.test_client().get(path, headers=ZIPPED).status_code == 404  # not a member
    members.remove(db, map_id, members.of_user(db, map_id, student["id"])["id"])
    assert students.get(path, headers=as_student).status_code == 404
    assert top["id"]


def test_bad_questions_go_to_flask_which_says_what_to_fix(app, db):
    _, map_id = owned_map(db)
    client = app.test_client()
    client.get(f"/maps/{map_id}/diagram.svg?ready=1", headers=ZIPPED)
    wrong = client.get(f"/maps/{map_id}/diagram.svg?ready=1&direction=up", headers=ZIPPED)
    assert wrong.status_code == 400 and b"direction must be rl" in wrong.data
    wrong = client.get(f"/maps/{map_id}/diagram.svg?ready=1&node=x", headers=ZIPPED)
    assert wrong.status_code == 400 and b"node must be" in wrong.data
    assert client.get(f"/maps/{map_id + 1}/diagram.svg?ready=1", headers=ZIPPED).status_code == 404
    big = "9" * 19
    assert client.get(f"/maps/{big}/diagram.svg?ready=1", headers=ZIPPED).status_code == 404
    token = {**ZIPPED, "Authorization": "Bearer nonsense"}
    assert client.get(f"/maps/{map_id}/diagram.svg?ready=1", headers=token).status_code == 401


def test_a_dot_kept_by_a_browser_from_before_the_fix_is_sent_again(app, db):
    """A DOT made before the fix ended with a marker: its ETag (no epoch) gets no 304."""
    _owner, map_id = owned_map(db)
    nodes.add_node(db, map_id, {"kind": "claim", "text": "Uniforms help"})
    client = app.test_client()
    first = client.get(f"/maps/{map_id}/diagram.dot")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.endswith(f'-e{lean.EPOCH}"')
    before = tag.removesuffix(f'-e{lean.EPOCH}"') + '"'
    again = client.get(f"/maps/{map_id}/diagram.dot", headers={"If-None-Match": before})
    assert again.status_code == 200 and again.data.endswith(b"}\n")
    kept = client.get(f"/maps/{map_id}/diagram.dot", headers={"If-None-Match": tag})
    assert kept.status_code == 304
