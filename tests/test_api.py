"""The JSON API: maps, nodes and links, with the model's rules and messages."""

from __future__ import annotations

import pytest
from hostile import PARAMS

from argmap import accounts, links, maps, members, nodes

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def api(app, api_token):
    """A client with the owner's API token and no session cookie, as a script would be."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token}"
    return client


@pytest.fixture
def tree(db, owner):
    """The owner's map: claim C, its support S and counter K; another map with claim O."""
    m = members.create_map(db, owner, "Tree", "About trees")
    c = nodes.add_node(db, m, {"kind": "claim", "text": "C"})["id"]
    s = nodes.add_node(db, m, {"kind": "support", "text": "S", "parent_id": c})["id"]
    k = nodes.add_node(db, m, {"kind": "counter", "text": "K", "parent_id": c})["id"]
    other = members.create_map(db, owner, "Other")
    o = nodes.add_node(db, other, {"kind": "claim", "text": "O"})["id"]
    return {"map": m, "C": c, "S": s, "K": k, "other": other, "O": o}


def state(db) -> tuple:
    """Everything a failed call must leave alone: revisions and all rows."""
    return tuple(
        [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
        for table in ("maps", "nodes", "links", "events")
    )


def node_json(node_id, kind, text, parent_id=None, **more):
    """A node as GET /api/maps/<id> shows it."""
    return {
        "id": node_id,
        "kind": kind,
        "text": text,
        "quote": "",
        "source": "",
        "parent_id": parent_id,
        "group": None,
        "undercut": False,
        "tags": [],
        "version": 1,
        "author_member": None,
        "author_name": "",
        "hidden": False,
        **more,
    }


def as_read(node: dict) -> dict:
    """A node as GET /api/maps/<id> shows it: who wrote it as the reader sees it."""
    return {**node, "author": ""}


def test_list_maps(api, tree):
    assert api.get("/api/maps").get_json() == {
        "maps": [
            {"id": tree["other"], "title": "Other", "revision": 2, "role": "owner"},
            {"id": tree["map"], "title": "Tree", "revision": 4, "role": "owner"},
        ]
    }


def test_create_map_then_read_it(api, db):
    response = api.post("/api/maps", json={"title": " New map ", "description": "Why"})
    assert response.status_code == 201
    created = response.get_json()
    assert created == {
        "id": created["id"],
        "title": "New map",
        "description": "Why",
        "revision": 1,
        "moderation": "own",
        "locked": False,
        "nodes": [],
        "links": [],
    }
    read = api.get(f"/api/maps/{created['id']}").get_json()
    assert read == {**created, "votes": {}, "my_votes": {}, "comments": []}
    assert maps.get_map(db, created["id"])["title"] == "New map"


def test_show_map_is_the_whole_structure(api, db, tree):
    link = links.add_link(
        db, tree["map"], {"from_id": tree["K"], "to_id": tree["S"], "relation": "counter"}
    )
    assert api.get(f"/api/maps/{tree['map']}").get_json() == {
        "id": tree["map"],
        "title": "Tree",
        "description": "About trees",
        "revision": 5,
        "moderation": "own",
        "locked": False,
        "nodes": [
            as_read(node_json(tree["C"], "claim", "C")),
            as_read(node_json(tree["S"], "support", "S", tree["C"])),
            as_read(node_json(tree["K"], "counter", "K", tree["C"])),
        ],
        "links": [
            {
                "id": link["id"],
                "from_id": tree["K"],
                "to_id": tree["S"],
                "relation": "counter",
                "group": None,
                "undercut": False,
            },
        ],
        "votes": {},
        "my_votes": {},
        "comments": [],
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"json": {}}, "title"),
        ({"json": {"title": "   "}}, "title"),
        ({"json": {"title": "t" * 201}}, "title"),
        ({"json": {"title": "ok", "description": "d" * 2001}}, "description"),
        ({"json": ["title"]}, "body"),
        ({"data": "title=x", "content_type": "application/x-www-form-urlencoded"}, "body"),
        ({"data": "{not json", "content_type": "application/json"}, "body"),
    ],
    ids=["no-title", "blank", "title-201", "description-2001", "list", "form", "broken-json"],
)
def test_bad_map_is_400_with_field_and_nothing_written(api, db, kwargs, field):
    before = state(db)
    response = api.post("/api/maps", **kwargs)
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == field and len(body["error"]) > 10
    assert state(db) == before


def test_rename_and_delete_map(api, db, tree):
    response = api.patch(f"/api/maps/{tree['map']}", json={"title": "Renamed"})
    assert response.status_code == 200
    assert (response.get_json()["title"], response.get_json()["description"]) == (
        "Renamed",
        "About trees",
    )
    assert api.delete(f"/api/maps/{tree['map']}").get_json() == {"deleted": tree["map"]}
    assert [m["id"] for m in maps.list_maps(db)] == [tree["other"]]


def test_another_persons_private_map_is_not_found(app, db, make_user, tree):
    ben = app.test_client()
    token = accounts.create_token(db, make_user("ben@example.org", "Ben")["id"], "ben")
    ben.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    before = state(db)
    assert ben.get("/api/maps").get_json() == {"maps": []}
    assert ben.get(f"/api/maps/{tree['map']}").status_code == 404
    response = ben.post(f"/api/maps/{tree['map']}/nodes", json={"kind": "claim", "text": "x"})
    assert response.status_code == 404
    assert state(db) == before


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/maps/999"),
        ("patch", "/api/maps/999"),
        ("delete", "/api/maps/999"),
        ("post", "/api/maps/999/nodes"),
        ("patch", "/api/maps/{map}/nodes/999"),
        ("delete", "/api/maps/{map}/nodes/999"),
        ("patch", "/api/maps/{map}/nodes/{O}"),
        ("delete", "/api/maps/{map}/nodes/{O}"),
        ("delete", "/api/maps/{map}/links/999"),
        ("get", "/api/nothing"),
    ],
)
def test_missing_things_are_404_json(api, db, tree, method, url):
    before = state(db)
    fields = {"title": "x"} if url.count("/") == 3 else {"kind": "claim", "text": "x"}
    kwargs = {"json": fields} if method != "get" else {}
    response = getattr(api, method)(url.format(**tree), **kwargs)
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]
    assert state(db) == before


def test_add_node_answers_201_with_the_node(api, db, tree, owner):
    response = api.post(
        f"/api/maps/{tree['map']}/nodes",
        json={"kind": "counter", "text": " Why not? ", "quote": "q", "parent_id": tree["S"]},
    )
    assert response.status_code == 201
    node = response.get_json()
    author = members.of_user(db, tree["map"], owner["id"])
    assert node == node_json(
        node["id"],
        "counter",
        "Why not?",
        tree["S"],
        quote="q",
        author_member=author["id"],
        author_name=author["name"],
    )
    assert maps.load(db, tree["map"])["nodes"][-1] == node
    assert maps.get_map(db, tree["map"])["revision"] == 5


BAD_NODES = [
    ({"kind": "claim", "text": ""}, "text"),
    ({"kind": "claim", "text": " \n "}, "text"),
    ({"kind": "claim", "text": "x" * 1001}, "text"),
    ({"kind": "claim", "text": None}, "text"),
    ({"kind": "claim", "text": "ok", "quote": "q" * 2001}, "quote"),
    ({"kind": "claim", "text": "ok", "source": "s" * 2001}, "source"),
    ({"kind": "objection", "text": "ok"}, "kind"),
    ({"text": "ok"}, "kind"),
    ({"kind": "support", "text": "ok"}, "parent_id"),
    ({"kind": "support", "text": "ok", "parent_id": "O"}, "parent_id"),
    ({"kind": "support", "text": "ok", "parent_id": 999}, "parent_id"),
    ({"kind": "support", "text": "ok", "parent_id": "one"}, "parent_id"),
    ({"kind": "claim", "text": "ok", "parent_id": "C"}, "parent_id"),
]
BAD_IDS = [
    "empty",
    "blank",
    "text-1001",
    "null-text",
    "quote-2001",
    "source-2001",
    "unknown-kind",
    "no-kind",
    "support-without-parent",
    "parent-in-another-map",
    "missing-parent",
    "parent-not-a-number",
    "claim-with-parent",
]


@pytest.mark.parametrize(("fields", "field"), BAD_NODES, ids=BAD_IDS)
def test_bad_node_is_400_with_field_and_nothing_written(api, db, tree, fields, field):
    if "parent_id" in fields:
        fields = {**fields, "parent_id": tree.get(fields["parent_id"], fields["parent_id"])}
    before = state(db)
    response = api.post(f"/api/maps/{tree['map']}/nodes", json=fields)
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert state(db) == before


@pytest.mark.parametrize(("typed", "shown"), PARAMS)
def test_hostile_text_round_trips_through_the_api(api, tree, typed, shown):
    created = api.post(f"/api/maps/{tree['map']}/nodes", json={"kind": "claim", "text": typed})
    assert created.get_json()["text"] == shown
    nodes_now = api.get(f"/api/maps/{tree['map']}").get_json()["nodes"]
    assert nodes_now[-1]["text"] == shown


def test_patch_node_changes_only_what_is_sent(api, tree):
    url = f"/api/maps/{tree['map']}/nodes/{tree['S']}"
    response = api.patch(url, json={"text": "S2", "source": "a book", "version": 1})
    assert response.status_code == 200
    assert response.get_json() == node_json(
        tree["S"], "support", "S2", tree["C"], source="a book", version=2
    )


def test_patch_kind_and_parent(api, tree):
    url = f"/api/maps/{tree['map']}/nodes/{tree['K']}"
    moved = api.patch(url, json={"kind": "support", "parent_id": tree["S"]}).get_json()
    assert (moved["kind"], moved["parent_id"]) == ("support", tree["S"])
    claim = api.patch(url, json={"kind": "claim"}).get_json()
    assert (claim["kind"], claim["parent_id"]) == ("claim", None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": ""}, "text"),
        ({"kind": "maybe"}, "kind"),
        ({"parent_id": "S"}, "parent_id"),
        ({"parent_id": "O"}, "parent_id"),
        ({"parent_id": 999}, "parent_id"),
        ({"id": 3}, "id"),
        ({"version": "new"}, "version"),
    ],
    ids=["empty-text", "unknown-kind", "cycle", "other-map", "missing-parent", "id", "version"],
)
def test_bad_patch_is_400_and_nothing_written(api, db, tree, changes, field):
    if "parent_id" in changes:
        changes = {"parent_id": tree.get(changes["parent_id"], changes["parent_id"])}
    before = state(db)
    url = f"/api/maps/{tree['map']}/nodes/{tree['C']}"
    if field == "parent_id":
        changes = {"kind": "support", **changes}
    response = api.patch(url, json=changes)
    assert (response.status_code, response.get_json()["field"]) == (400, field)
    assert state(db) == before


def test_stale_patch_is_409_with_the_current_node(api, db, tree):
    url = f"/api/maps/{tree['map']}/nodes/{tree['S']}"
    assert api.patch(url, json={"text": "theirs", "version": 1}).status_code == 200
    before = state(db)
    response = api.patch(url, json={"text": "mine", "version": 1})
    assert response.status_code == 409
    body = response.get_json()
    assert (body["field"], body["current"]["text"], body["current"]["version"]) == (
        "version",
        "theirs",
        2,
    )
    assert state(db) == before


def test_delete_node_with_children_needs_a_choice(api, db, tree):
    url = f"/api/maps/{tree['map']}/nodes/{tree['C']}"
    before = state(db)
    response = api.delete(url)
    assert (response.status_code, response.get_json()["field"]) == (400, "children")
    assert "2 nodes are about this node" in response.get_json()["error"]
    assert state(db) == before
    response = api.delete(url, json={"children": "detach"})
    assert response.get_json() == {"deleted": [tree["C"]], "children": "detach"}
    kinds = [(n["text"], n["kind"], n["parent_id"]) for n in maps.load(db, tree["map"])["nodes"]]
    assert kinds == [("S", "claim", None), ("K", "claim", None)]


def test_delete_node_choice_in_the_query_string(api, db, tree):
    response = api.delete(f"/api/maps/{tree['map']}/nodes/{tree['C']}?children=delete")
    assert response.get_json() == {
        "deleted": [tree["C"], tree["S"], tree["K"]],
        "children": "delete",
    }
    assert maps.load(db, tree["map"])["nodes"] == []


def test_links_through_the_api(api, db, tree):
    url = f"/api/maps/{tree['map']}/links"
    response = api.post(url, json={"from_id": tree["K"], "to_id": tree["S"], "relation": "counter"})
    assert response.status_code == 201
    link = response.get_json()
    before = state(db)
    again = api.post(url, json={"from_id": tree["S"], "to_id": tree["K"], "relation": "support"})
    assert (again.status_code, again.get_json()["field"]) == (400, "to_id")
    bad = api.post(url, json={"from_id": tree["K"], "to_id": tree["O"], "relation": "counter"})
    assert (bad.status_code, bad.get_json()["field"]) == (400, "to_id")
    assert state(db) == before
    assert api.delete(f"{url}/{link['id']}").get_json() == {"deleted": link["id"]}
    assert maps.load(db, tree["map"])["links"] == []


def test_diagram_svg_of_the_map(client, tree):
    response = client.get(f"/maps/{tree['map']}/diagram.svg")
    assert (response.status_code, response.mimetype) == (200, "image/svg+xml")
    assert response.data.count(b'class="node kind&#45;') == 3


# CSRF: a browser session needs the token, a script without cookies does not


def test_session_client_without_token_is_refused(client, csrf, db, owner):
    before = state(db)
    response = client.post("/api/maps", json={"title": "Forged"})
    assert (response.status_code, response.get_json()["field"]) == (400, "csrf_token")
    assert state(db) == before


def test_session_client_with_token_header_is_accepted(client, csrf, db, owner):
    response = client.post("/api/maps", json={"title": "Mine"}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201
    assert [m["title"] for m in maps.list_maps(db)] == ["Mine"]


# Numbers SQLite cannot hold, numbers that are not whole, text that is not valid Unicode

BIG = 10**20
MAX_ID = 2**63 - 1


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", f"/api/maps/{BIG}"),
        ("patch", f"/api/maps/{BIG}"),
        ("get", "/api/maps/0"),
        ("post", f"/api/maps/{MAX_ID + 1}/nodes"),
        ("patch", "/api/maps/{map}/nodes/" + str(BIG)),
        ("delete", "/api/maps/{map}/nodes/" + str(BIG)),
        ("delete", "/api/maps/{map}/links/0"),
        ("delete", "/api/maps/{map}/links/" + str(BIG)),
        ("post", "/api/maps/{map}/events/" + str(BIG) + "/undo"),
    ],
)
def test_ids_out_of_sqlites_range_in_urls_are_404(api, db, tree, method, url):
    before = state(db)
    kwargs = {"json": {"title": "x"}} if method != "get" else {}
    response = getattr(api, method)(url.format(**tree), **kwargs)
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]
    assert state(db) == before


def test_the_largest_id_sqlite_holds_is_an_ordinary_missing_map(api):
    response = api.get(f"/api/maps/{MAX_ID}")
    assert (response.status_code, response.get_json()["field"]) == (404, "map_id")


BAD_IDS_IN_BODY = [
    ("nodes", {"kind": "support", "text": "x", "parent_id": BIG}, "parent_id", "from 1 to"),
    ("nodes", {"kind": "support", "text": "x", "parent_id": MAX_ID + 1}, "parent_id", "from 1"),
    ("nodes", {"kind": "support", "text": "x", "parent_id": "1" + "0" * 20}, "parent_id", "to"),
    ("nodes", {"kind": "support", "text": "x", "parent_id": 1.9}, "parent_id", "not 1.9"),
    ("nodes", {"kind": "support", "text": "x", "parent_id": 1e300}, "parent_id", "from 1"),
    ("nodes", {"kind": "support", "text": "x", "parent_id": -1}, "parent_id", "from 1"),
    ("nodes", {"kind": "support", "text": "x", "parent_id": True}, "parent_id", "whole"),
    ("nodes", {"kind": "claim", "text": "x", "group": BIG}, "group", "from 1 to"),
    ("links", {"from_id": BIG, "to_id": 1, "relation": "support"}, "from_id", "from 1 to"),
    ("links", {"from_id": 1, "to_id": 2.5, "relation": "support"}, "to_id", "not 2.5"),
]


@pytest.mark.parametrize(("what", "fields", "field", "message"), BAD_IDS_IN_BODY)
def test_ids_in_json_that_are_too_big_or_not_whole_are_400(
    api, db, tree, what, fields, field, message
):
    before = state(db)
    response = api.post(f"/api/maps/{tree['map']}/{what}", json=fields)
    assert (response.status_code, response.get_json()["field"]) == (400, field)
    assert message in response.get_json()["error"]
    assert state(db) == before


@pytest.mark.parametrize("raw", ["Infinity", "NaN", "-Infinity"])
def test_json_infinity_as_an_id_is_400(api, db, tree, raw):
    before = state(db)
    body = '{"kind": "support", "text": "x", "parent_id": ' + raw + "}"
    response = api.post(
        f"/api/maps/{tree['map']}/nodes", data=body, content_type="application/json"
    )
    assert (response.status_code, response.get_json()["field"]) == (400, "parent_id")
    assert state(db) == before


def test_a_version_too_big_is_400(api, db, tree):
    before = state(db)
    url = f"/api/maps/{tree['map']}/nodes/{tree['S']}"
    for response in (
        api.patch(url, json={"text": "S2", "version": BIG}),
        api.delete(url, json={"version": BIG}),
    ):
        assert (response.status_code, response.get_json()["field"]) == (400, "version")
    assert state(db) == before


@pytest.mark.parametrize("after", [str(BIG), str(MAX_ID + 1), "-1", "1.5", "x"])
def test_events_after_a_number_out_of_range_is_400(api, tree, after):
    response = api.get(f"/api/maps/{tree['map']}/events?after={after}")
    assert (response.status_code, response.get_json()["field"]) == (400, "after")
    assert "must be an event number" in response.get_json()["error"]
    assert api.get(f"/api/maps/{tree['map']}/events?after={MAX_ID}").get_json() == {
        "events": [],
        "last": MAX_ID,
    }


LONE = '"half \\ud83c of an emoji"'
SURROGATES = [
    ("post", "/api/maps", '{"title": ' + LONE + "}", "title"),
    ("post", "/api/maps", '{"title": "ok", "description": ' + LONE + "}", "description"),
    ("patch", "/api/maps/{map}", '{"title": ' + LONE + "}", "title"),
    ("post", "/api/maps/{map}/nodes", '{"kind": "claim", "text": ' + LONE + "}", "text"),
    (
        "post",
        "/api/maps/{map}/nodes",
        '{"kind": "claim", "text": "ok", "quote": ' + LONE + "}",
        "quote",
    ),
    (
        "post",
        "/api/maps/{map}/nodes",
        '{"kind": "claim", "text": "ok", "source": ' + LONE + "}",
        "source",
    ),
    (
        "post",
        "/api/maps/{map}/nodes",
        '{"kind": "claim", "text": "ok", "tags": [' + LONE + "]}",
        "tags",
    ),
    ("patch", "/api/maps/{map}/nodes/{S}", '{"text": ' + LONE + "}", "text"),
    ("patch", "/api/maps/{map}/nodes/{S}", '{"tags": ["\\udfff"]}', "tags"),
]


@pytest.mark.parametrize(("method", "url", "body", "field"), SURROGATES)
def test_text_that_is_not_valid_unicode_is_400_and_nothing_written(
    api, db, tree, method, url, body, field
):
    before = state(db)
    response = getattr(api, method)(url.format(**tree), data=body, content_type="application/json")
    assert (response.status_code, response.get_json()["field"]) == (400, field)
    assert "characters that are not valid Unicode" in response.get_json()["error"]
    assert state(db) == before
    assert api.get(f"/api/maps/{tree['map']}").status_code == 200


def test_a_whole_emoji_in_json_escapes_is_kept(api, tree):
    body = '{"kind": "claim", "text": "party \\ud83c\\udf89"}'
    response = api.post(
        f"/api/maps/{tree['map']}/nodes", data=body, content_type="application/json"
    )
    assert (response.status_code, response.get_json()["text"]) == (201, "party 🎉")
