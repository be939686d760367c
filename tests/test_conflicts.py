"""No lost edits: stale edits and deletes are refused with both texts; parallel adds all land."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import Server
from livehelp import CSRF, call, log_in, on_file, owned_map, person

from argmap import deletion, maps, moderation, nodes
from argmap.events import Actor


@pytest.fixture
def team(app, db):
    """Olga's map with claim C; a client logged in as Olga, Ana an editor who edits all nodes."""
    olga, map_id = owned_map(db)
    moderation.set_mode(db, map_id, "everyone")
    ana = person(db, "Ana", map_id)
    claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Homework <b>helps</b>"}, "Olga")
    client = app.test_client()
    log_in(client, olga)
    return {"map": map_id, "client": client, "ana": ana, "C": claim["id"], "api": app.test_client()}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One running server for this module's tests; each test makes its own map on it."""
    running = Server(tmp_path_factory.mktemp("conflicts"))
    yield running
    running.stop()


def state(db) -> tuple:
    """Every row a refused change must leave alone."""
    return tuple(
        [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
        for table in ("maps", "nodes", "links", "events")
    )


def edit_form(team, text: str, version: str) -> dict:
    """The map page's edit form of claim C as a browser sends it."""
    return {
        "csrf_token": CSRF,
        "version": version,
        "kind": "claim",
        "parent_id": "",
        "text": text,
        "quote": "",
        "source": "",
        "tags": "",
        "group": "",
    }


def hidden_version(html: str) -> str:
    """The version in the edit form's hidden field."""
    return re.search(r'<input type="hidden" name="version" value="(\d+)">', html).group(1)


def test_stale_edit_on_the_page_shows_both_texts_and_keeps_yours(db, team):
    url = f"/maps/{team['map']}/nodes/{team['C']}"
    opened = team["client"].get(f"/maps/{team['map']}?node={team['C']}").get_data(as_text=True)
    version = hidden_version(opened)
    nodes.update_node(db, team["map"], team["C"], {"text": "Homework hurts"}, Actor("Ana"))
    before = state(db)
    response = team["client"].post(
        url, data=edit_form(team, "Homework <i>mostly</i> helps", version)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert state(db) == before
    assert '<span class="their-text">Homework hurts</span>' in html
    assert '<span class="your-text">Homework &lt;i&gt;mostly&lt;/i&gt; helps</span>' in html
    assert ">Homework &lt;i&gt;mostly&lt;/i&gt; helps</textarea>" in html
    assert hidden_version(html) == "2"
    again = team["client"].post(url, data=edit_form(team, "Merged text", hidden_version(html)))
    assert again.status_code == 302
    assert nodes.get_node(db, team["map"], team["C"])["text"] == "Merged text"


def test_stale_edit_in_the_api_is_a_409_with_the_current_node(db, team):
    nodes.update_node(db, team["map"], team["C"], {"text": "Homework hurts"}, Actor("Ana"))
    before = state(db)
    response = team["api"].patch(
        f"/api/maps/{team['map']}/nodes/{team['C']}",
        json={"text": "Mine", "version": 1},
        headers={"Authorization": f"Bearer {team['ana']['token']}"},
    )
    body = response.get_json()
    assert (response.status_code, body["field"]) == (409, "version")
    assert (body["current"]["text"], body["current"]["version"]) == ("Homework hurts", 2)
    assert "Compare their text with yours" in body["error"]
    assert state(db) == before


def test_stale_delete_is_refused_on_the_page_and_in_the_api(db, team):
    confirm = f"/maps/{team['map']}/nodes/{team['C']}/delete"
    nodes.update_node(db, team["map"], team["C"], {"text": "Changed meanwhile"}, Actor("Ana"))
    before = state(db)
    page = team["client"].post(confirm, data={"csrf_token": CSRF, "version": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "Someone changed this node while you were deciding" in html
    assert "Changed meanwhile" in html and 'name="version" value="2"' in html
    api = team["api"].delete(
        f"/api/maps/{team['map']}/nodes/{team['C']}?version=1",
        headers={"Authorization": f"Bearer {team['ana']['token']}"},
    )
    assert (api.status_code, api.get_json()["current"]["text"]) == (409, "Changed meanwhile")
    assert state(db) == before
    done = team["client"].post(confirm, data={"csrf_token": CSRF, "version": "2"})
    assert done.status_code == 302 and maps.load(db, team["map"])["nodes"] == []


def test_editing_a_node_deleted_meanwhile_keeps_the_text_to_add_again(db, team):
    deletion.delete_node(db, team["map"], team["C"], None, None, Actor("Ana"))
    before = state(db)
    url = f"/maps/{team['map']}/nodes/{team['C']}"
    response = team["client"].post(url, data=edit_form(team, "My careful wording", "1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    claim_form = html[html.index('id="add-claim"') :]
    assert "This node was deleted while you were editing it" in claim_form
    assert ">My careful wording</textarea>" in claim_form
    assert state(db) == before


def test_adding_under_a_node_deleted_meanwhile_keeps_the_text(db, team):
    deletion.delete_node(db, team["map"], team["C"], None, None, Actor("Ana"))
    before = state(db)
    form = {
        "csrf_token": CSRF,
        "form": "add",
        "parent_id": str(team["C"]),
        "kind": "counter",
        "text": "My objection, typed with care",
    }
    response = team["client"].post(f"/maps/{team['map']}/nodes", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    claim_form = html[html.index('id="add-claim"') :]
    assert "The node you were adding to was deleted meanwhile" in claim_form
    assert ">My objection, typed with care</textarea>" in claim_form
    assert state(db) == before


@pytest.mark.server
def test_many_people_adding_at_the_same_moment_all_get_their_nodes(server):
    def setup(db):
        _, map_id = owned_map(db)
        people = [person(db, name, map_id) for name in ("Ana", "Ben", "Cai", "Dee", "Eli")]
        return map_id, people, maps.get_map(db, map_id)["revision"]

    map_id, people, start = on_file(server.database, setup)
    ready = threading.Barrier(10)

    def writer(number: int) -> list[int]:
        ready.wait()
        token, done = people[number % 5]["token"], []
        for n in range(10):
            status, node = call(
                server.url,
                "POST",
                f"/api/maps/{map_id}/nodes",
                {"kind": "claim", "text": f"w{number}-{n}"},
                token,
            )
            assert status == 201, node
            done.append(node["id"])
        return done

    with ThreadPoolExecutor(10) as pool:
        added = [i for ids in pool.map(writer, range(10)) for i in ids]

    def stored(db):
        graph = maps.load(db, map_id)
        revisions = [
            r[0]
            for r in db.execute(
                "SELECT revision FROM events WHERE map_id = ? AND action = 'node.add' ORDER BY id",
                (map_id,),
            )
        ]
        return graph, revisions

    graph, revisions = on_file(server.database, stored)
    assert sorted(n["id"] for n in graph["nodes"]) == sorted(added) and len(set(added)) == 100
    assert sorted(n["text"] for n in graph["nodes"]) == sorted(
        f"w{w}-{n}" for w in range(10) for n in range(10)
    )
    assert revisions == list(range(start + 1, start + 101)) and graph["revision"] == start + 100


@pytest.mark.server
def test_parallel_edits_of_one_version_let_exactly_one_through(server):
    def setup(db):
        _, map_id = owned_map(db)
        moderation.set_mode(db, map_id, "everyone")  # each edits the same node
        people = [person(db, name, map_id) for name in ("Ana", "Ben", "Cai", "Dee")]
        node = nodes.add_node(db, map_id, {"kind": "claim", "text": "Start"})
        return map_id, people, node["id"]

    map_id, people, node_id = on_file(server.database, setup)
    ready = threading.Barrier(8)

    def editor(number: int) -> tuple[int, str]:
        ready.wait()
        status, _ = call(
            server.url,
            "PATCH",
            f"/api/maps/{map_id}/nodes/{node_id}",
            {"text": f"Edit {number}", "version": 1},
            people[number % 4]["token"],
        )
        return status, f"Edit {number}"

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(editor, range(8)))
    winners = [text for status, text in results if status == 200]
    assert sorted(status for status, _ in results) == [200] + [409] * 7
    final = on_file(server.database, lambda db: nodes.get_node(db, map_id, node_id))
    assert (final["text"], final["version"]) == (winners[0], 2)
