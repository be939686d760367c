"""Hiding over real HTTP: a student's live stream loses the hidden subtree, an owner's keeps it."""

from __future__ import annotations

import http.client
import json
import time

from livehelp import EventReader, call, on_file, owned_map, person

SECRET = "Secret plan nobody may read"


def setup(db) -> dict:
    """Olga's map with a claim, Sam's support under it, and Olga's counter with a reply below."""
    olga, m = owned_map(db, "Debate", public=False)
    sam = person(db, "Sam", m)
    return {"olga": olga, "sam": sam, "m": m}


def test_hiding_reaches_each_live_stream_as_its_reader_may_see_it(server):
    w = on_file(server.database, setup)
    m, base = w["m"], server.url

    def add(who: str, body: dict) -> int:
        status, node = call(base, "POST", f"/api/maps/{m}/nodes", body, w[who]["token"])
        assert status == 201, node
        return node["id"]

    c = add("olga", {"kind": "claim", "text": "C"})
    h = add("olga", {"kind": "counter", "text": SECRET, "parent_id": c})
    b = add("olga", {"kind": "support", "text": "Reply below the secret", "parent_id": h})
    path = f"/maps/{m}/events?tab=tab-{{}}-12345678"
    student = EventReader(base, path.format("s"), {"Authorization": f"Bearer {w['sam']['token']}"})
    owner = EventReader(base, path.format("o"), {"Authorization": f"Bearer {w['olga']['token']}"})
    try:
        for reader in (student, owner):
            reader.wait_for(lambda e: e["event"] == "hello")
        hidden = call(
            base, "POST", f"/api/maps/{m}/nodes/{h}/hide", {"hidden": True}, w["olga"]["token"]
        )
        assert hidden[0] == 200 and hidden[1]["hidden"] is True
        seen = student.changes(1)[0]["data"]
        assert seen["action"] == "node.hide"
        assert seen["patch"] == {"deleted": [h, b], "unlinked": []}
        assert SECRET not in json.dumps(seen)
        mine = owner.changes(1)[0]["data"]
        assert mine["patch"]["nodes"][0]["text"] == SECRET and mine["patch"]["nodes"][0]["hidden"]

        status, _ = call(
            base, "PATCH", f"/api/maps/{m}/nodes/{b}", {"text": "Secret edit"}, w["olga"]["token"]
        )
        assert status == 200
        seen = student.changes(1)[0]["data"]
        assert seen["patch"] == {} and seen["node_id"] is None
        assert "Secret edit" not in json.dumps(seen)
        assert owner.changes(1)[0]["data"]["patch"]["nodes"][0]["text"] == "Secret edit"

        status, _ = call(
            base, "POST", f"/api/maps/{m}/nodes/{h}/hide", {"hidden": False}, w["olga"]["token"]
        )
        assert status == 200
        back = student.changes(1)[0]["data"]["patch"]
        assert [n["text"] for n in back["nodes"]] == [SECRET, "Secret edit"]
        owner.changes(1)
    finally:
        student.close()
        owner.close()
    status, shown = call(base, "GET", f"/api/maps/{m}", None, w["sam"]["token"])
    assert status == 200 and len(shown["nodes"]) == 3


def test_a_student_stream_resuming_gets_no_hidden_text(server):
    w = on_file(server.database, setup)
    m, base = w["m"], server.url
    status, c = call(
        base, "POST", f"/api/maps/{m}/nodes", {"kind": "claim", "text": SECRET}, w["olga"]["token"]
    )
    assert status == 201
    call(base, "POST", f"/api/maps/{m}/nodes/{c['id']}/hide", {"hidden": True}, w["olga"]["token"])
    student = EventReader(
        base,
        f"/maps/{m}/events?after=0&tab=tab-r-12345678",
        {"Authorization": f"Bearer {w['sam']['token']}"},
    )
    try:
        backlog = student.changes(3)
        assert SECRET not in json.dumps(backlog)
        assert backlog[-1]["data"]["action"] == "node.hide"
    finally:
        student.close()


def drawing(base: str, m: int, token: str) -> tuple[dict, str]:
    """The map's SVG as a live page fetches it (?ready=1) with this reader's token."""
    port = int(base.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "GET", f"/maps/{m}/diagram.svg?ready=1", None, {"Authorization": f"Bearer {token}"}
        )
        response = conn.getresponse()
        body = response.read().decode()
        assert response.status == 200, body
        return dict(response.getheaders()), body
    finally:
        conn.close()


def test_drawings_made_ahead_leave_hidden_nodes_out_of_students_views(server):
    w = on_file(server.database, setup)
    m, base, olga = w["m"], server.url, w["olga"]["token"]
    status, c = call(base, "POST", f"/api/maps/{m}/nodes", {"kind": "claim", "text": "C"}, olga)
    body = {"kind": "counter", "text": SECRET, "parent_id": c["id"]}
    status, h = call(base, "POST", f"/api/maps/{m}/nodes", body, olga)
    call(base, "POST", f"/api/maps/{m}/nodes/{h['id']}/hide", {"hidden": True}, olga)
    path = f"/maps/{m}/events?tab=tab-a-12345678"
    student = EventReader(base, path, {"Authorization": f"Bearer {w['sam']['token']}"})
    try:
        student.wait_for(lambda e: e["event"] == "hello")
        for token in (w["sam"]["token"], olga):  # both views are shown, so both drawn ahead
            drawing(base, m, token)
        assert call(base, "PATCH", f"/api/maps/{m}/nodes/{c['id']}", {"text": "Redrawn"}, olga)[0]
        change = student.changes(1)[0]["data"]
        assert change["drawing"] is True
        student.wait_for(lambda e: e["event"] == "drawn")
        headers, svg = drawing(base, m, w["sam"]["token"])
        deadline = time.monotonic() + 10
        while headers["X-Argmap-Updating"] == "1" and time.monotonic() < deadline:
            student.wait_for(lambda e: e["event"] == "drawn")  # the students' view comes next
            headers, svg = drawing(base, m, w["sam"]["token"])
    finally:
        student.close()
    assert headers["X-Argmap-Revision"] == str(change["revision"]) and "Redrawn" in svg
    assert SECRET not in svg
    headers, svg = drawing(base, m, olga)
    assert headers["X-Argmap-Revision"] == str(change["revision"]) and SECRET in svg

    def views(db):
        found = db.execute(
            "SELECT view, revision FROM renders WHERE map_id = ? AND fmt = 'svg'", (m,)
        )
        return sorted(tuple(r) for r in found)

    assert on_file(server.database, views) == [
        ("rl:0", change["revision"]),
        ("rl:0:students", change["revision"]),
    ]
