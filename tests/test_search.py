"""Finding nodes by their words: full-text search, its results page and the pickers it serves."""

from __future__ import annotations

import pytest
from hostile import HOSTILE
from markupsafe import escape

from argmap import members, nodes, portable, search, votes
from argmap.db import migrate, rows
from argmap.model import MapData, Node

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def debate(db, owner):
    """The owner's map about phones at school, and another map sharing a word."""
    m = members.create_map(db, owner, "Phones")
    claim = nodes.add_node(db, m, {"kind": "claim", "text": "Schools should ban phones"})["id"]

    def add(text: str, kind: str = "support", quote: str = "") -> int:
        fields = {"kind": kind, "text": text, "parent_id": claim, "quote": quote}
        return nodes.add_node(db, m, fields)["id"]

    ids = {
        "notify": add("Notifications interrupt lessons"),
        "cafe": add("The café downstairs sells chargers", "counter"),
        "quoted": add("Teachers agree", quote="notifications were the main complaint"),
        "safety": add("Parents want to reach their children", "counter"),
    }
    other = members.create_map(db, owner, "Elsewhere")
    stranger = nodes.add_node(db, other, {"kind": "claim", "text": "Notifications matter"})["id"]
    return {"map": m, "claim": claim, "other": other, "stranger": stranger, **ids}


def found(db, debate, query: str) -> list[int]:
    """The ids the search returns, best first."""
    return [hit["id"] for hit in search.search(db, debate["map"], query)]


def test_typed_words_match_as_prefixes_accents_aside(db, debate):
    assert found(db, debate, "notif") == [debate["notify"], debate["quoted"]]
    assert found(db, debate, "cafe down") == [debate["cafe"]]
    assert found(db, debate, "PARENTS reach") == [debate["safety"]]
    assert found(db, debate, "nothing like this") == []


def test_a_match_in_the_text_ranks_above_one_in_the_quote(db, debate):
    assert found(db, debate, "notifications")[0] == debate["notify"]


def test_a_number_finds_that_node_first(db, debate):
    assert found(db, debate, f"#{debate['cafe']}")[0] == debate["cafe"]
    assert found(db, debate, str(debate["safety"]))[0] == debate["safety"]
    assert found(db, debate, str(debate["stranger"])) == []


def test_another_maps_nodes_are_never_found(db, debate):
    assert debate["stranger"] not in found(db, debate, "notifications")


def test_the_index_follows_edits_and_deletions(db, debate):
    nodes.update_node(db, debate["map"], debate["cafe"], {"text": "Lockers cost money"})
    assert found(db, debate, "cafe") == [] and found(db, debate, "lockers") == [debate["cafe"]]
    db.execute("DELETE FROM nodes WHERE id = ?", (debate["safety"],))
    assert found(db, debate, "parents") == []


@pytest.mark.parametrize(
    "query", ['"', "*", "notif*", "NEAR(a b)", "a OR b", "-x", "a AND", "(", "^x", "x:y", "'"]
)
def test_search_syntax_in_what_people_type_is_just_text(client, debate, query):
    response = client.get(f"/api/maps/{debate['map']}/search", query_string={"q": query})
    assert response.status_code == 200 and "results" in response.get_json()


def test_the_api_answers_results_best_first_and_refuses_a_bad_limit(client, debate):
    answer = client.get(f"/api/maps/{debate['map']}/search?q=notif&limit=1").get_json()
    assert [hit["id"] for hit in answer["results"]] == [debate["notify"]]
    assert set(answer["results"][0]) == {"id", "kind", "text", "parent_id"}
    bad = client.get(f"/api/maps/{debate['map']}/search?q=x&limit=500")
    assert bad.status_code == 400 and bad.get_json()["field"] == "limit"
    long = client.get(f"/api/maps/{debate['map']}/search", query_string={"q": "x" * 201})
    assert long.status_code == 400 and long.get_json()["field"] == "q"


def test_the_results_page_lists_matches_with_links_into_the_map(client, debate):
    page = client.get(f"/maps/{debate['map']}/search?q=notif").get_data(as_text=True)
    assert "2 nodes match." in page and "badge-pro" in page
    assert f'href="/maps/{debate["map"]}?node={debate["notify"]}"' in page
    empty = client.get(f"/maps/{debate['map']}/search?q=zebra").get_data(as_text=True)
    assert "No node matches “zebra”: try fewer or other words." in empty


@pytest.mark.parametrize(("name", "typed", "shown"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_text_is_escaped_in_results(client, db, debate, name, typed, shown):
    node = nodes.add_node(db, debate["map"], {"kind": "claim", "text": typed})
    page = client.get(f"/maps/{debate['map']}/search?q=%23{node['id']}").get_data(as_text=True)
    assert "<script>alert" not in page and "<svg onload" not in page
    assert str(escape(shown[:40])) in page


def test_picking_a_link_target_without_javascript(client, db, csrf, debate):
    m, source = debate["map"], debate["safety"]
    picker = f"/maps/{m}/search?for=link&node={source}&relation=counter&q=notif"
    page = client.get(picker).get_data(as_text=True)
    assert "Choose the node to link" in page and page.count("Link to this node") == 2
    form = {"csrf_token": csrf, "from_id": source, "to_id": debate["notify"], "relation": "counter"}
    assert client.post(f"/maps/{m}/links", data=form).status_code == 302
    made = links_of(db, source)
    assert made == [(source, debate["notify"], "counter")]


def test_picking_a_parent_without_javascript(client, db, csrf, debate):
    m, moving = debate["map"], debate["cafe"]
    page = client.get(f"/maps/{m}/search?for=parent&node={moving}&q=parents").get_data(as_text=True)
    assert page.count("Put it under this node") == 1
    form = {"csrf_token": csrf, "parent_id": debate["safety"], "kind": "counter", "version": 1}
    assert client.post(f"/maps/{m}/nodes/{moving}", data=form).status_code == 302
    assert nodes.get_node(db, m, moving)["parent_id"] == debate["safety"]


def test_a_picker_never_offers_the_node_itself(client, debate):
    m, node = debate["map"], debate["notify"]
    page = client.get(f"/maps/{m}/search?for=link&node={node}&q=notif").get_data(as_text=True)
    assert f'id="result-{node}"' not in page and f'id="result-{debate["quoted"]}"' in page


def links_of(db, source: int) -> list[tuple]:
    """The links leaving a node, as (from, to, relation)."""
    query = "SELECT from_id, to_id, relation FROM links WHERE from_id = ?"
    return [tuple(r.values()) for r in rows(db, query, (source,))]


def test_nodes_made_before_the_search_existed_are_found_after_the_upgrade(db, debate):
    db.executescript(
        "DROP TABLE nodes_fts; DROP TRIGGER nodes_fts_insert; DROP TRIGGER nodes_fts_delete;"
        " DROP TRIGGER nodes_fts_update;"
        " DELETE FROM _sqlite_migrations WHERE name = 'm008_node_search';"
    )
    migrate(db)
    assert found(db, debate, "notif") == [debate["notify"], debate["quoted"]]


def imported(db, *nodes_: Node) -> int:
    """A map imported the way every import writes one (portable.import_map)."""
    return portable.import_map(db, MapData(title="Imported", nodes=list(nodes_)), "Teacher")


def test_an_imported_map_is_found_and_so_are_nodes_added_after_it(db):
    m = imported(  # a child listed before its parent gets its parent all the same
        db,
        Node("late", "counter", "Uniforms cost families money", parent="root"),
        Node("root", "claim", "Schools should require uniforms"),
        Node("early", "support", "Uniforms hide brand rivalry", parent="root"),
    )
    by_text = {r["text"]: r for r in rows(db, "SELECT * FROM nodes WHERE map_id = ?", (m,))}
    root = by_text["Schools should require uniforms"]["id"]
    assert {t: r["parent_id"] for t, r in by_text.items()} == {
        "Schools should require uniforms": None,
        "Uniforms cost families money": root,
        "Uniforms hide brand rivalry": root,
    }
    assert [h["text"] for h in search.search(db, m, "famil")] == ["Uniforms cost families money"]
    assert len(search.search(db, m, "uniforms")) == 3
    added = nodes.add_node(
        db, m, {"kind": "support", "text": "Mornings go faster", "parent_id": root}
    )
    assert [h["id"] for h in search.search(db, m, "mornings")] == [added["id"]]


def test_an_import_that_fails_half_way_writes_nothing_and_keeps_the_index_whole(db, monkeypatch):
    def broken(*_args):
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(votes, "import_votes", broken)  # fails after every node is written
    with pytest.raises(RuntimeError):
        imported(db, Node("root", "claim", "Homework should be optional"))
    assert rows(db, "SELECT id FROM nodes") == []
    assert rows(db, "SELECT name FROM sqlite_master WHERE name = 'nodes_fts_insert'") != []
    monkeypatch.undo()
    m = imported(db, Node("root", "claim", "Homework should be optional"))
    assert [h["text"] for h in search.search(db, m, "homework")] == ["Homework should be optional"]
