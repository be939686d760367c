"""Live updates over real HTTP: the event stream, resuming after a drop, presence."""

from __future__ import annotations

import http.client
import time

import pytest
from conftest import Server
from livehelp import CSRF, EventReader, call, log_in, on_file, owned_map, person, session_cookie

from argmap import accounts, maps, members, nodes, presence, render

pytestmark = pytest.mark.server


def setup_team(db) -> dict:
    """A new public map owned by Olga, with Ana as an editor."""
    olga, map_id = owned_map(db)
    return {"map": map_id, "olga": olga, "ana": person(db, "Ana", map_id)}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One running server for this module's tests; each test makes its own map on it."""
    running = Server(tmp_path_factory.mktemp("live"))
    yield running
    running.stop()


@pytest.fixture
def server(shared):
    """The module's server (the tests of one map do not disturb those of another)."""
    return shared


@pytest.fixture
def team(server):
    """A fresh public map of Olga's on the running server, with Ana as an editor."""
    return on_file(server.database, setup_team)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """A server whose streams notice hang-ups fast and live two seconds, with a team."""
    env = {
        "ARGMAP_LIVE_KEEPALIVE": "0.3",
        "ARGMAP_LIVE_PRESENCE": "0.2",
        "ARGMAP_LIVE_LIFETIME": "2",
    }
    running = Server(tmp_path_factory.mktemp("quick"), env=env)
    running.team = on_file(running.database, setup_team)
    yield running
    running.stop()


def add(server, team, who: str, text: str, **more) -> dict:
    """Add a node through the JSON API as this person."""
    status, node = call(
        server.url,
        "POST",
        f"/api/maps/{team['map']}/nodes",
        {"kind": "claim", "text": text, **more},
        team[who]["token"],
    )
    assert status == 201, node
    return node


def stored_events(server, map_id: int, after: int = 0) -> list[tuple]:
    """(id, revision, action, actor) of the map's events in the database."""
    return on_file(
        server.database,
        lambda db: [
            (r["id"], r["revision"], r["action"], r["actor"])
            for r in db.execute(
                "SELECT * FROM events WHERE map_id = ? AND id > ? ORDER BY id", (map_id, after)
            )
        ],
    )


def summary(events: list[dict]) -> list[tuple]:
    """(id, revision, action, actor) of change events as the stream sent them."""
    return [
        (int(e["id"]), e["data"]["revision"], e["data"]["action"], e["data"]["actor"])
        for e in events
    ]


def test_stream_sends_every_change_with_its_event_id(server, team):
    reader = EventReader(server.url, f"/maps/{team['map']}/events")
    assert reader.response.status == 200
    assert reader.response.getheader("Content-Type").startswith("text/event-stream")
    assert reader.response.getheader("Cache-Control") == "no-cache"
    hello = reader.wait_for(lambda e: e["event"] == "hello")[-1]
    assert hello["data"]["name"] == "Guest 1"
    start = on_file(server.database, lambda db: maps.get_map(db, team["map"])["revision"])
    node = add(server, team, "ana", "Schools should <b>start</b> later")
    path = f"/api/maps/{team['map']}/nodes/{node['id']}"
    assert call(server.url, "PATCH", path, {"text": "Later"}, team["olga"]["token"])[0] == 200
    assert call(server.url, "DELETE", path, None, team["ana"]["token"])[0] == 200
    got = reader.changes(3)
    reader.close()
    assert summary(got) == stored_events(server, team["map"], int(got[0]["id"]) - 1)
    assert [
        (e["data"]["action"], e["data"]["actor"], e["data"]["node_id"], e["data"]["kind"])
        for e in got
    ] == [
        ("node.add", "Ana", node["id"], "claim"),
        ("node.update", "Olga", node["id"], "claim"),
        ("node.delete", "Ana", node["id"], "claim"),
    ]
    assert [e["data"]["revision"] for e in got] == [start + 1, start + 2, start + 3]
    assert [e["data"]["drawn"] for e in got] == [True, True, True]
    edited = {**node, "text": "Later", "version": node["version"] + 1}
    assert [e["data"]["patch"] for e in got] == [
        {"nodes": [node], "authors": {str(node["id"]): "Ana"}},  # who wrote a new node
        {"nodes": [edited]},
        {"deleted": [node["id"]], "unlinked": [], "nodes": []},
    ]


def test_resuming_with_last_event_id_misses_nothing_and_repeats_nothing(server, team):
    reader = EventReader(server.url, f"/maps/{team['map']}/events")
    add(server, team, "ana", "One")
    add(server, team, "ana", "Two")
    last = reader.changes(2)[-1]["id"]
    reader.close()
    missed = [add(server, team, "olga", f"While away {n}")["id"] for n in range(3)]
    again = EventReader(server.url, f"/maps/{team['map']}/events", {"Last-Event-ID": last})
    got = again.changes(3)
    assert [e["data"]["node_id"] for e in got] == missed
    assert summary(got) == stored_events(server, team["map"], int(last))
    newest = add(server, team, "ana", "After the return")
    assert again.changes(1)[0]["data"]["node_id"] == newest["id"]
    again.close()


def test_start_points_after_revision_and_now(server, team):
    add(server, team, "ana", "Before")
    second = add(server, team, "ana", "Also before")
    [(event_id, revision, *_)] = stored_events(server, team["map"])[-2:-1]
    base = f"/maps/{team['map']}/events"
    by_after = EventReader(server.url, f"{base}?after={event_id}")
    by_revision = EventReader(server.url, f"{base}?revision={revision}")
    header_wins = EventReader(server.url, f"{base}?after=0", {"Last-Event-ID": str(event_id)})
    from_now = EventReader(server.url, base)
    from_now.wait_for(lambda e: e["event"] == "hello")
    third = add(server, team, "olga", "After")
    for reader in (by_after, by_revision, header_wins):
        assert [e["data"]["node_id"] for e in reader.changes(2)] == [second["id"], third["id"]]
    assert from_now.changes(1)[0]["data"]["node_id"] == third["id"]
    for reader in (by_after, by_revision, header_wins, from_now):
        reader.close()


@pytest.mark.parametrize(
    ("query", "headers", "field"),
    [
        ("?after=x", {}, "after"),
        ("?revision=-1", {}, "revision"),
        ("", {"Last-Event-ID": "abc"}, "Last-Event-ID"),
    ],
    ids=["after", "revision", "last-event-id"],
)
def test_bad_resume_point_is_a_clear_400(app, db, query, headers, field):
    _, map_id = owned_map(db)
    headers = {"Accept": "application/json", **headers}
    response = app.test_client().get(f"/maps/{map_id}/events{query}", headers=headers)
    assert (response.status_code, response.get_json()["field"]) == (400, field)
    assert "must be" in response.get_json()["error"]


def test_private_maps_stream_and_presence_are_closed_to_outsiders(app, db):
    _, map_id = owned_map(db, public=False)
    outsider = app.test_client()
    for path in ("events", "presence", "history"):
        assert outsider.get(f"/maps/{map_id}/{path}").status_code == 404


def test_presence_lists_who_has_the_map_open(quick):
    team = quick.team
    cookie = session_cookie(quick.url, "ana@school.example")
    ana = EventReader(quick.url, f"/maps/{team['map']}/events", {"Cookie": cookie})
    assert ana.wait_for(lambda e: e["event"] == "hello")[-1]["data"]["name"] == "Ana"
    guest = EventReader(quick.url, f"/maps/{team['map']}/events")
    both = [{"name": "Ana", "pages": 1}, {"name": "Guest 1", "pages": 1}]
    for reader in (ana, guest):
        reader.wait_for(lambda e: e["event"] == "presence" and e["data"]["people"] == both)
    assert call(quick.url, "GET", f"/maps/{team['map']}/presence") == (200, {"people": both})
    guest.close()
    ana.wait_for(
        lambda e: e["event"] == "presence" and e["data"]["people"] == [{"name": "Ana", "pages": 1}]
    )
    ana.close()


def test_a_stream_ends_after_its_lifetime_and_resumes_where_it_stopped(quick):
    team = quick.team
    reader = EventReader(quick.url, f"/maps/{team['map']}/events")
    add(quick, team, "ana", "Seen before the end")
    last = reader.changes(1)[0]["id"]
    while reader.next(timeout=10) is not None:
        pass
    assert reader.retry == "1000"
    missed = add(quick, team, "ana", "Made between two streams")
    again = EventReader(quick.url, f"/maps/{team['map']}/events", {"Last-Event-ID": last})
    assert again.changes(1)[0]["data"]["node_id"] == missed["id"]
    reader.close()
    again.close()


def test_deleting_the_map_tells_its_streams_and_ends_them(server, team):
    reader = EventReader(server.url, f"/maps/{team['map']}/events")
    reader.wait_for(lambda e: e["event"] == "hello")
    status, _ = call(server.url, "DELETE", f"/api/maps/{team['map']}", None, team["olga"]["token"])
    assert status == 200
    gone = reader.wait_for(lambda e: e["event"] == "gone")[-1]["data"]
    assert gone == {"map_id": team["map"], "message": "This map was deleted."}
    assert reader.next() is None
    reader.close()


LOST = {"message": "You no longer have access to this map."}


def rest_of(reader: EventReader) -> list[dict]:
    """Every event the stream sends until it ends."""
    seen = []
    while (event := reader.next()) is not None:
        seen.append(event)
    return seen


def test_a_map_made_private_ends_the_streams_of_strangers_but_not_of_members(server, team):
    stranger = EventReader(server.url, f"/maps/{team['map']}/events")
    ana = EventReader(
        server.url,
        f"/maps/{team['map']}/events",
        {"Authorization": f"Bearer {team['ana']['token']}"},
    )
    add(server, team, "olga", "Seen by everyone")
    for reader in (stranger, ana):
        assert reader.changes(1)[0]["data"]["actor"] == "Olga"
    on_file(server.database, lambda db: members.set_public(db, team["map"], False))
    secret = add(server, team, "olga", "Only for members")
    assert ana.changes(1)[0]["data"]["node_id"] == secret["id"]
    ended = rest_of(stranger)
    assert [e["event"] for e in ended if e["event"] != "presence"][-1:] == ["gone"]
    assert ended[-1]["data"] == {"map_id": team["map"], **LOST}
    assert all(e["data"].get("node_id") != secret["id"] for e in ended)
    again = EventReader(server.url, f"/maps/{team['map']}/events")
    assert again.response.status == 404
    for reader in (again, ana, stranger):
        reader.close()


def test_a_removed_member_stream_ends(server):
    olga, map_id = on_file(server.database, lambda db: owned_map(db, public=False))
    bea = on_file(server.database, lambda db: person(db, "Bea", map_id))
    reader = EventReader(
        server.url, f"/maps/{map_id}/events", {"Authorization": f"Bearer {bea['token']}"}
    )
    assert reader.wait_for(lambda e: e["event"] == "hello")[-1]["data"]["name"] == "Bea"

    def remove_bea(db):
        member = db.execute("SELECT id FROM members WHERE name = 'Bea'").fetchone()
        members.remove(db, map_id, member["id"])

    on_file(server.database, remove_bea)
    ended = rest_of(reader)
    assert (ended[-1]["event"], ended[-1]["data"]) == ("gone", {"map_id": map_id, **LOST})
    assert all(e["event"] != "change" for e in ended)
    reader.close()


def test_a_revoked_token_or_a_new_password_ends_the_stream(server):
    olga, map_id = on_file(server.database, lambda db: owned_map(db, public=False))
    bea = on_file(server.database, lambda db: person(db, "Bea", map_id))
    by_token = EventReader(
        server.url, f"/maps/{map_id}/events", {"Authorization": f"Bearer {bea['token']}"}
    )
    by_session = EventReader(
        server.url, f"/maps/{map_id}/events", {"Cookie": session_cookie(server.url, bea["email"])}
    )
    for reader in (by_token, by_session):
        assert reader.wait_for(lambda e: e["event"] == "hello")[-1]["data"]["name"] == "Bea"

    def revoke(db):
        prefix = bea["token"].split("_")[1]
        token = db.execute("SELECT id FROM api_tokens WHERE prefix = ?", (prefix,)).fetchone()
        accounts.revoke_token(db, bea["id"], token["id"])

    on_file(server.database, revoke)
    ended = rest_of(by_token)
    assert (ended[-1]["event"], ended[-1]["data"]) == ("gone", {"map_id": map_id, **LOST})
    add(server, {"map": map_id, "olga": olga}, "olga", "Still seen by Bea's session")
    assert by_session.changes(1)[0]["data"]["actor"] == "Olga"
    on_file(server.database, lambda db: accounts.set_password(db, bea["email"], "a new pass 123"))
    ended = rest_of(by_session)
    assert (ended[-1]["event"], ended[-1]["data"]) == ("gone", {"map_id": map_id, **LOST})
    for reader in (by_token, by_session):
        reader.close()


def test_a_closing_page_leaves_at_once(app, db):
    owner, map_id = owned_map(db)
    presence.join(db, map_id, "tab-00000001", "Olga")
    client = app.test_client()
    log_in(client, owner)
    refused = client.post(f"/maps/{map_id}/presence/leave", data={"tab": "x", "csrf_token": CSRF})
    assert (refused.status_code, refused.get_json(silent=True)) == (400, None)
    assert "tab id" in refused.get_data(as_text=True)
    assert [p["name"] for p in presence.people(db, map_id)] == ["Olga"]
    done = client.post(
        f"/maps/{map_id}/presence/leave", data={"tab": "tab-00000001", "csrf_token": CSRF}
    )
    assert done.status_code == 204
    assert presence.people(db, map_id) == []


def test_presence_forgets_pages_not_seen_for_a_while(db):
    _, map_id = owned_map(db)
    _, first = presence.join(db, map_id, "tab-00000001", "")
    presence.join(db, map_id, "tab-00000002", "")
    assert [p["name"] for p in presence.people(db, map_id)] == ["Guest 1", "Guest 2"]
    stale = time.time() - presence.STALE_AFTER - 1
    db.execute("UPDATE presence SET last_seen = ? WHERE tab = ?", (stale, first))
    assert [p["name"] for p in presence.people(db, map_id)] == ["Guest 2"]


def test_an_old_stream_ending_late_leaves_the_reconnected_page_listed(db):
    _, map_id = owned_map(db)
    _, old = presence.join(db, map_id, "tab-00000001", "Ana")
    _, new = presence.join(db, map_id, "tab-00000001", "Ana")
    presence.leave(db, map_id, old)
    presence.touch(db, map_id, old)
    assert presence.people(db, map_id) == [{"name": "Ana", "pages": 1}]
    presence.leave(db, map_id, new)
    assert presence.people(db, map_id) == []


@pytest.mark.browser
def test_the_page_says_access_ended_and_stops_reconnecting(server, team, page):
    from playwright.sync_api import expect  # only the browser tests need Playwright

    page.goto(f"{server.url}/maps/{team['map']}")
    live = page.locator("#live")
    expect(live).to_have_attribute("data-state", "open")
    streams: list[str] = []
    page.on("request", lambda request: "/events" in request.url and streams.append(request.url))
    on_file(server.database, lambda db: members.set_public(db, team["map"], False))
    expect(page.locator("#live-notice")).to_have_text("You no longer have access to this map.")
    expect(live).to_have_attribute("data-state", "gone")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(1500)  # the browser's own retry comes after 1 s: none may come
    assert streams == []
    expect(page.locator("#live-notice")).to_have_text("You no longer have access to this map.")


def test_a_vote_or_a_comment_is_marked_as_changing_nothing_drawn(server, team):

    reader = EventReader(server.url, f"/maps/{team['map']}/events")
    reader.wait_for(lambda e: e["event"] == "hello")
    node = add(server, team, "ana", "Uniforms help")

    path = f"/api/maps/{team['map']}/nodes/{node['id']}"
    token = team["ana"]["token"]
    assert call(server.url, "PUT", f"{path}/vote", {"value": 1}, token)[0] == 200
    assert call(server.url, "POST", f"{path}/comments", {"body": "Which one?"}, token)[0] == 201
    got = reader.changes(3)
    reader.close()
    assert [(e["data"]["action"], e["data"]["drawn"]) for e in got] == [
        ("node.add", True),
        ("vote.set", False),
        ("comment.add", False),
    ]


def fetch_drawing(server, map_id: int, token: str = "", etag: str = "", ready: bool = True):
    """GET the map's SVG as the live page does: (status, headers, SVG text, seconds taken)."""
    headers = {"If-None-Match": etag} if etag else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=30)
    started = time.monotonic()
    try:
        conn.request(
            "GET", f"/maps/{map_id}/diagram.svg" + ("?ready=1" if ready else ""), None, headers
        )
        response = conn.getresponse()
        body = response.read().decode()
        return response.status, dict(response.getheaders()), body, time.monotonic() - started
    finally:
        conn.close()


def stored_drawing(server, map_id: int, view: str = "rl:0") -> tuple[int, str]:
    """The revision and SVG text of a view's drawing in the database."""

    def read(db):
        found = db.execute(
            "SELECT revision, body FROM renders WHERE map_id = ? AND fmt = 'svg' AND view = ?",
            (map_id, view),
        ).fetchone()
        return found[0], render.unpack(bytes(found[1] or b"")).decode()

    return on_file(server.database, read)


def test_a_change_is_drawn_ahead_and_the_stream_says_when_it_is_drawn(server, team):
    node = add(server, team, "ana", "First thought")
    reader = EventReader(server.url, f"/maps/{team['map']}/events")
    reader.wait_for(lambda e: e["event"] == "hello")
    status, headers, _, _ = fetch_drawing(server, team["map"])  # the page shows this view
    assert status == 200 and headers["X-Argmap-Updating"] == "0"
    path = f"/api/maps/{team['map']}/nodes/{node['id']}"
    assert call(server.url, "PATCH", path, {"text": "Drawn ahead"}, team["ana"]["token"])[0] == 200
    change = reader.changes(1)[0]["data"]
    assert change["drawing"] is True  # the page waits for `drawn` instead of asking
    drawn = reader.wait_for(lambda e: e["event"] == "drawn")[-1]
    reader.close()
    assert drawn["data"] == {"revision": change["revision"]} and "id" not in drawn
    revision, svg = stored_drawing(server, team["map"])  # drawn before the page asked
    assert revision == change["revision"] and "Drawn ahead" in svg
    status, headers, svg, _ = fetch_drawing(server, team["map"])
    assert status == 200 and headers["X-Argmap-Revision"] == str(change["revision"])
    assert headers["X-Argmap-Updating"] == "0" and "Drawn ahead" in svg


def test_while_the_next_drawing_is_made_a_page_gets_the_last_one_at_once(server, team):
    node = add(server, team, "ana", "Old text")
    status, headers, old_svg, _ = fetch_drawing(server, team["map"], ready=False)
    old_revision, etag = headers["X-Argmap-Revision"], headers["ETag"]
    assert status == 200 and "Old text" in old_svg
    view, token = render.View(), "another-worker"

    def start_drawing(db):  # another worker claims the next drawing and is still at it
        nodes.update_node(db, team["map"], node["id"], {"text": "New text"})
        db.execute(
            "UPDATE renders SET pending = 1, claimed_at = ?, claimer = ? WHERE map_id = ?"
            " AND fmt = 'svg' AND view = ?",
            (time.time(), token, team["map"], view.key),
        )
        return maps.get_map(db, team["map"])["revision"]

    reader = EventReader(server.url, f"/maps/{team['map']}/events")
    reader.wait_for(lambda e: e["event"] == "hello")
    revision = on_file(server.database, start_drawing)
    status, headers, svg, took = fetch_drawing(server, team["map"])
    assert status == 200 and headers["X-Argmap-Updating"] == "1" and took < 5
    assert headers["X-Argmap-Revision"] == old_revision and "Old text" in svg
    status, headers, _, took = fetch_drawing(server, team["map"], etag=etag)
    assert status == 304 and headers["X-Argmap-Updating"] == "1" and took < 5

    def finish(db):
        drawn = render.Drawing(revision, "ok", render.pack(b"<svg>New text</svg>", "svg"), 1)
        render.keep(db, (team["map"], "svg", view, token), drawn, "new digest")

    on_file(server.database, finish)
    told = reader.wait_for(lambda e: e["event"] == "drawn" and e["data"]["revision"] >= revision)
    reader.close()
    assert told[-1]["data"] == {"revision": revision}
    status, headers, svg, _ = fetch_drawing(server, team["map"], etag=etag)
    assert status == 200 and headers["X-Argmap-Revision"] == str(revision)
    assert headers["X-Argmap-Updating"] == "0" and svg == "<svg>New text</svg>"
