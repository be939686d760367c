"""Every route's access rule, for anonymous, stranger, viewer, editor, owner and public maps."""

from __future__ import annotations

import shutil

import pytest
from helpers import session_entry

from argmap import (
    accounts,
    comments,
    create_app,
    links,
    members,
    moderation,
    nodes,
    teams,
    votes,
)
from argmap.db import connect
from argmap.events import Actor

TOKEN = "test-csrf-token"
PEOPLE = ("anonymous", "stranger", "viewer", "editor", "coowner", "owner", "public")
OK = "ok"
EXPECTED = {
    "read": {
        "anonymous": 404,
        "stranger": 404,
        "viewer": OK,
        "editor": OK,
        "coowner": OK,
        "owner": OK,
        "public": OK,
    },
    "edit": {
        "anonymous": 404,
        "stranger": 404,
        "viewer": 403,
        "editor": OK,
        "coowner": OK,
        "owner": OK,
        "public": 403,
    },
    "member": {
        "anonymous": 404,
        "stranger": 404,
        "viewer": OK,
        "editor": OK,
        "coowner": OK,
        "owner": OK,
        "public": 403,
    },
    "owner": {
        "anonymous": 404,
        "stranger": 404,
        "viewer": 403,
        "editor": 403,
        "coowner": OK,
        "owner": OK,
        "public": 403,
    },
    "author": {  # editing a comment: its author (here the editor) only
        "anonymous": 404,
        "stranger": 404,
        "viewer": 403,
        "editor": OK,
        "coowner": 403,
        "owner": 403,
        "public": 403,
    },
    "first": {  # deleting the map: its first owner only
        "anonymous": 404,
        "stranger": 404,
        "viewer": 403,
        "editor": 403,
        "coowner": 403,
        "owner": OK,
        "public": 403,
    },
}
TABLES = (
    "maps",
    "nodes",
    "links",
    "events",
    "members",
    "join_codes",
    "api_tokens",
    "users",
    "teams",
    "team_members",
    "votes",
    "comments",
)

# (method, path, body, level, success status); "@name" in a body is one of the world's ids.
ROUTES = [
    ("GET", "/maps/{m}", None, "read", 200),
    ("POST", "/maps/{m}", {"title": "Renamed", "description": ""}, "edit", 302),
    ("GET", "/maps/{m}/delete", None, "first", 200),
    ("POST", "/maps/{m}/delete", {}, "first", 302),
    ("POST", "/maps/{m}/nodes", {"form": "claim", "kind": "claim", "text": "New"}, "edit", 302),
    (
        "POST",
        "/maps/{m}/nodes/{s}",
        {"kind": "support", "text": "S2", "parent_id": "@c", "version": 1},
        "edit",
        302,
    ),
    ("GET", "/maps/{m}/nodes/{s}/delete", None, "edit", 200),
    ("POST", "/maps/{m}/nodes/{s}/delete", {"version": 1}, "edit", 302),
    (
        "POST",
        "/maps/{m}/links",
        {"from_id": "@k", "to_id": "@d", "relation": "counter"},
        "edit",
        302,
    ),
    ("POST", "/maps/{m}/links/{l}/delete", {}, "edit", 302),
    ("GET", "/maps/{m}/diagram.svg", None, "read", 200),
    ("GET", "/maps/{m}/print", None, "read", 200),
    ("GET", "/maps/{m}/drawing?format=svg", None, "read", 200),
    ("GET", "/maps/{m}/search?q=claim", None, "read", 200),
    ("GET", "/api/maps/{m}/search?q=claim", None, "read", 200),
    ("GET", "/api/maps/{m}/acceptability", None, "read", 200),
    ("GET", "/api/maps/{m}/similar?text=claim", None, "read", 200),
    ("GET", "/maps/{m}/standing", None, "read", 200),
    ("GET", "/maps/{m}/brief", None, "read", 200),
    ("GET", "/maps/{m}/export/json", None, "read", 200),
    ("GET", "/maps/{m}/history", None, "read", 200),
    ("POST", "/maps/{m}/history/{e}/undo", {}, "edit", 302),
    ("GET", "/maps/{m}/events", None, "read", 200),
    ("GET", "/maps/{m}/presence", None, "read", 200),
    ("POST", "/maps/{m}/presence/leave", {"tab": "tab-12345678"}, "read", 204),
    ("GET", "/maps/{m}/members", None, "owner", 200),
    ("POST", "/maps/{m}/members/{editor_member}/role", {"role": "viewer"}, "owner", 302),
    ("POST", "/maps/{m}/members/{viewer_member}/delete", {}, "owner", 302),
    ("POST", "/maps/{m}/codes", {"role": "editor"}, "owner", 302),
    ("GET", "/maps/{m}/codes/{code}", None, "owner", 200),
    ("POST", "/maps/{m}/codes/{code}/regenerate", {}, "owner", 302),
    ("POST", "/maps/{m}/codes/{code}/close", {}, "owner", 302),
    ("POST", "/maps/{m}/public", {"public": "1"}, "owner", 302),
    ("POST", "/maps/{m}/moderation", {"moderation": "own"}, "owner", 302),
    ("POST", "/maps/{m}/lock", {"locked": "1"}, "owner", 302),
    ("POST", "/maps/{m}/nodes/{s}/hide", {"hidden": "1"}, "owner", 302),
    ("PATCH", "/api/maps/{m}/moderation", {"locked": True}, "owner", 200),
    ("POST", "/api/maps/{m}/nodes/{s}/hide", {"hidden": True}, "owner", 200),
    ("GET", "/api/maps/{m}/members", None, "owner", 200),
    ("PATCH", "/api/maps/{m}/members/{viewer_member}", {"role": "editor"}, "owner", 200),
    ("POST", "/maps/{m}/listed", {"listed": "1"}, "owner", 302),
    ("PATCH", "/api/maps/{m}/sharing", {"listed": True}, "owner", 200),
    ("GET", "/api/maps/{m}", None, "read", 200),
    ("PATCH", "/api/maps/{m}", {"title": "Renamed"}, "edit", 200),
    ("DELETE", "/api/maps/{m}", None, "first", 200),
    ("GET", "/api/maps/{m}/events", None, "read", 200),
    ("POST", "/api/maps/{m}/events/{e}/undo", {}, "edit", 201),
    ("POST", "/api/maps/{m}/nodes", {"kind": "claim", "text": "New"}, "edit", 201),
    ("PATCH", "/api/maps/{m}/nodes/{s}", {"text": "S2"}, "edit", 200),
    ("DELETE", "/api/maps/{m}/nodes/{s}", None, "edit", 200),
    (
        "POST",
        "/api/maps/{m}/links",
        {"from_id": "@k", "to_id": "@d", "relation": "counter"},
        "edit",
        201,
    ),
    ("DELETE", "/api/maps/{m}/links/{l}", None, "edit", 200),
    ("GET", "/maps/{m}/teams", None, "owner", 200),
    ("POST", "/maps/{m}/teams", {"name": "New team"}, "owner", 302),
    ("POST", "/maps/{m}/teams/{t}", {"name": "Renamed"}, "owner", 302),
    ("POST", "/maps/{m}/teams/{t}/delete", {}, "owner", 302),
    (
        "POST",
        "/maps/{m}/teams/assign",
        {"member_id": "@viewer_member", "team_id": "@t"},
        "owner",
        302,
    ),
    ("POST", "/maps/{m}/classroom", {"anonymous": "1"}, "owner", 302),
    ("POST", "/maps/{m}/my-team", {"team_id": "@u"}, "member", 302),
    ("GET", "/maps/{m}/teams/{t}/brief", None, "read", 200),
    ("POST", "/maps/{m}/teams/{t}/notes", {"notes": "Plan", "version": 0}, "edit", 302),
    ("GET", "/api/maps/{m}/teams", None, "read", 200),
    ("POST", "/api/maps/{m}/teams", {"name": "New team"}, "owner", 201),
    ("PATCH", "/api/maps/{m}/teams/{t}", {"name": "Renamed"}, "owner", 200),
    ("DELETE", "/api/maps/{m}/teams/{t}", None, "owner", 200),
    ("PUT", "/api/maps/{m}/members/{viewer_member}/team", {"team_id": "@t"}, "owner", 200),
    ("GET", "/api/maps/{m}/teams/{t}/brief", None, "read", 200),
    ("PUT", "/api/maps/{m}/teams/{t}/notes", {"notes": "Plan", "version": 0}, "edit", 200),
    ("PATCH", "/api/maps/{m}/classroom", {"anonymous": True}, "owner", 200),
    ("GET", "/api/maps/{m}/votes", None, "read", 200),
    ("PUT", "/api/maps/{m}/nodes/{c}/vote", {"value": 3}, "edit", 200),
    ("DELETE", "/api/maps/{m}/nodes/{d}/vote", None, "edit", 200),  # each has voted on D
    ("POST", "/maps/{m}/nodes/{c}/vote", {"value": "2"}, "edit", 302),
    ("POST", "/maps/{m}/nodes/{d}/vote", {"clear": "1"}, "edit", 302),
    # Comments: the editor wrote both (one resolved) on K, which the editor wrote too.
    ("POST", "/maps/{m}/nodes/{k}/comments", {"body": "Source?"}, "edit", 302),
    ("POST", "/maps/{m}/comments/{cm}", {"body": "Edited"}, "author", 302),
    ("POST", "/maps/{m}/comments/{cm}/delete", {}, "edit", 302),
    ("POST", "/maps/{m}/comments/{cm}/resolve", {}, "edit", 302),
    ("POST", "/maps/{m}/comments/{cr}/reopen", {}, "edit", 302),
    ("GET", "/api/maps/{m}/nodes/{k}/comments", None, "read", 200),
    ("POST", "/api/maps/{m}/nodes/{k}/comments", {"body": "Source?"}, "edit", 201),
    ("PATCH", "/api/maps/{m}/comments/{cm}", {"body": "Edited"}, "author", 200),
    ("DELETE", "/api/maps/{m}/comments/{cm}", None, "edit", 200),
    ("POST", "/api/maps/{m}/comments/{cm}/resolve", None, "edit", 200),
    ("POST", "/api/maps/{m}/comments/{cr}/reopen", None, "edit", 200),
    ("GET", "/maps/{m}/overview", None, "owner", 200),
    ("GET", "/api/maps/{m}/overview", None, "owner", 200),
]
STREAMS = ("/maps/{m}/events",)
NO_WRITE = ("/maps/{m}/presence/leave",)  # changes only who is here, not the map


def account(db, email: str, name: str) -> dict:
    """An account row."""
    return accounts.get_user(db, accounts.create_user(db, email, name, "password 123"))


def build(db) -> dict:
    """Olga's private map (claims C, D; S supports C; K counters C; S also supports D), with
    Ed as editor by account, Cora as co-owner, an anonymous viewer, and Stan, who has an
    account but no part. Everyone edits everything here: moderation has its own tests."""
    olga = account(db, "olga@example.org", "Olga")
    ed, stan = account(db, "ed@example.org", "Ed"), account(db, "stan@example.org", "Stan")
    cora = account(db, "cora@example.org", "Cora")
    m = members.create_map(db, olga, "Private map")
    moderation.set_mode(db, m, "everyone")
    c = nodes.add_node(db, m, {"kind": "claim", "text": "C"})["id"]
    d = nodes.add_node(db, m, {"kind": "claim", "text": "D"})["id"]
    s = nodes.add_node(db, m, {"kind": "support", "text": "S", "parent_id": c})["id"]
    k = nodes.add_node(db, m, {"kind": "counter", "text": "K", "parent_id": c})["id"]
    link = links.add_link(db, m, {"from_id": s, "to_id": d, "relation": "support"})
    editor_code, viewer_code = members.new_code(db, m, "editor"), members.new_code(db, m, "viewer")
    editor, _ = members.join(db, editor_code, "Ed", ed)
    viewer, secret = members.join(db, viewer_code, "Vi")
    coowner, _ = members.join(db, editor_code, "Cora", cora)
    members.set_role(db, m, coowner["id"], "owner")
    event = db.execute(
        "SELECT MAX(id) FROM events WHERE map_id = ? AND action = 'link.add'", (m,)
    ).fetchone()[0]
    t = teams.create(db, m, {"name": "For", "claim_id": c, "side": "for"})["id"]
    u = teams.create(db, m, {"name": "Against", "claim_id": c, "side": "against"})["id"]
    teams.assign(db, m, editor["id"], t)
    teams.set_options(db, m, {"team_pick": True})
    olga_member = members.of_user(db, m, olga["id"])
    for voter in (olga_member, editor, coowner):
        votes.set_vote(db, m, d, 1, Actor(voter["name"], voter["id"], voter is editor))
    db.execute("UPDATE nodes SET author_member = ? WHERE id = ?", (editor["id"], k))
    ed_actor = Actor("Ed", editor["id"], True)
    cm = comments.add(db, m, k, "Which study?", ed_actor)["id"]
    cr = comments.add(db, m, k, "Typo", ed_actor)["id"]
    comments.set_resolved(db, m, cr, True, ed_actor)
    return {
        "cm": cm,
        "cr": cr,
        "m": m,
        "c": c,
        "d": d,
        "s": s,
        "k": k,
        "l": link["id"],
        "e": event,
        "code": viewer_code["id"],
        "t": t,
        "u": u,
        "editor_member": editor["id"],
        "viewer_member": viewer["id"],
        "secret": secret,
        "users": {"owner": olga, "editor": ed, "stranger": stan, "coowner": cora},
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The database file of these tests, built once (each test works on a copy)."""
    path = tmp_path_factory.mktemp("access") / "world.sqlite"
    create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(path), "SEED": False})
    db = connect(str(path))
    ids = build(db)
    db.conn.close()
    return {**ids, "path": path}


@pytest.fixture
def place(world, tmp_path):
    """An app on a fresh copy of the world's database."""
    path = tmp_path / "argmap.sqlite"
    shutil.copy(world["path"], path)
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(path),
            "SEED": False,
            "EXPORTS": str(tmp_path / "exports"),
        }
    )


def client_of(app, who: str, world: dict):
    """A test client with this person's session (and the session's form token)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = TOKEN
        if who in world["users"]:
            user = world["users"][who]
            session["user"] = session_entry(app, user)
        if who == "viewer":
            session["joins"] = {str(world["m"]): world["secret"]}
    if who == "public":
        with connect(app.config["DATABASE"]).conn as conn:
            conn.execute("UPDATE maps SET public = 1")
    return client


def fill(body: dict | None, world: dict) -> dict | None:
    """A body with its "@name" values replaced by the world's ids."""
    if body is None:
        return None
    return {k: world[v[1:]] if str(v).startswith("@") else v for k, v in body.items()}


def send(client, method: str, path: str, body: dict | None, world: dict):
    """The request as a browser page (form) or a script on the session (JSON) sends it."""
    url = path.format(**world)
    headers = {"X-CSRF-Token": TOKEN}
    if url.startswith("/api/"):
        return client.open(url, method=method, json=fill(body, world), headers=headers)
    form = {**fill(body, world), "csrf_token": TOKEN} if body is not None else None
    return client.open(url, method=method, data=form, headers=headers)


def snapshot(app) -> tuple:
    """Every row of the tables a refused request must leave alone."""
    conn = connect(app.config["DATABASE"])
    try:
        return tuple(
            tuple(tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid"))
            for t in TABLES
        )
    finally:
        conn.conn.close()


def route_id(route) -> str:
    """A readable test id for a route."""
    return f"{route[0]} {route[1]}"


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_route_access(place, world, route, who):
    method, path, body, level, success = route
    client = client_of(place, who, world)
    before = snapshot(place)
    response = send(client, method, path, body, world)
    expected = EXPECTED[level][who]
    status = response.status_code
    streaming = path in STREAMS and status == 200  # an open stream never ends: do not read it
    text = "" if streaming else response.get_data(as_text=True)
    response.close()
    if expected == OK:
        assert status == success, text
        changed = method not in ("GET", "HEAD") and path not in NO_WRITE
        assert (snapshot(place) != before) == changed
        return
    assert status == expected
    assert snapshot(place) == before
    if expected == 404:
        assert f"There is no map {world['m']}." in text
        assert "Private map" not in text
    elif level == "first" and who == "coowner":
        assert "first owner can delete it; co-owners cannot." in text
    elif level == "author" and who in ("coowner", "owner"):
        assert "Only its author can edit a comment." in text
    elif level in ("owner", "first"):
        assert "Only the owner of this map can do this." in text
    elif who == "viewer":
        assert "You are a viewer of this map: you can read it but not change it." in text
    else:
        assert "This map is open for reading only" in text
    if path.startswith("/api/"):
        assert response.get_json()["error"] and "field" in response.get_json()


def test_every_map_route_has_its_rule_tested(place, world):
    adapter = place.url_map.bind("localhost")
    tested = {(adapter.match(p.format(**world).split("?")[0], m)[0], m) for m, p, *_ in ROUTES}
    for rule in place.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"} if "map_id" in rule.arguments else ():
            assert (rule.endpoint, method) in tested, f"no access test for {method} {rule.rule}"


def test_each_person_lists_only_their_maps(place, world):
    expected = {
        "anonymous": [],
        "stranger": [],
        "public": [],
        "viewer": ["viewer"],
        "editor": ["editor"],
        "coowner": ["owner"],
        "owner": ["owner"],
    }
    for who, roles in expected.items():
        client = client_of(place, who, world)
        listed = client.get("/api/maps").get_json()["maps"]
        assert [m["role"] for m in listed] == roles, who
        page = client.get("/").get_data(as_text=True)
        assert ("Private map" in page) == bool(roles), who


def test_only_accounts_create_maps(place, world):
    before = snapshot(place)
    for who in ("anonymous", "viewer"):
        client = client_of(place, who, world)
        form = {"title": "Mine", "csrf_token": TOKEN}
        refused = client.post("/maps", data=form)
        assert refused.status_code == 401
        assert "Log in to do this." in refused.get_data(as_text=True)
        api = client.post("/api/maps", json={"title": "Mine"}, headers={"X-CSRF-Token": TOKEN})
        assert api.status_code == 401
        assert api.get_json()["error"].startswith("Send an API token")
        assert 'id="create"' not in client.get("/").get_data(as_text=True)
    assert snapshot(place) == before
    stan = client_of(place, "stranger", world)
    created = stan.post("/maps", data={"title": "Stan's map", "csrf_token": TOKEN})
    assert created.status_code == 302
    listed = stan.get("/api/maps").get_json()["maps"]
    assert [(m["title"], m["role"]) for m in listed] == [("Stan's map", "owner")]


def test_account_pages_send_strangers_to_log_in(place, world):
    client = client_of(place, "anonymous", world)
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account"
    refused = client.post("/account/tokens", data={"name": "x", "csrf_token": TOKEN})
    assert refused.status_code == 401
    owner = client_of(place, "owner", world)
    assert "olga@example.org" in owner.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("who", ["viewer", "public"])
def test_readers_see_no_editing_controls(place, world, who):
    client = client_of(place, who, world)
    page = client.get(f"/maps/{world['m']}?node={world['s']}").get_data(as_text=True)
    assert 'id="selected"' in page
    for control in (
        'id="add-claim"',
        'id="edit"',
        'id="add-under"',
        'id="links"',
        "Delete this node",
        "Rename or describe",
        "members-link",
    ):
        assert control not in page
    assert "you are Vi, a viewer" in page if who == "viewer" else "read only" in page


def test_editors_see_editing_controls_but_not_the_owners(place, world):
    page = client_of(place, "editor", world).get(f"/maps/{world['m']}?node={world['s']}")
    text = page.get_data(as_text=True)
    for control in ('id="add-claim"', 'id="edit"', 'id="add-under"', "Delete this node"):
        assert control in text
    assert "Delete this map" not in text and "members-link" not in text
    owner = client_of(place, "owner", world).get(f"/maps/{world['m']}").get_data(as_text=True)
    assert "Delete this map" in owner and "members-link" in owner


def test_changes_carry_the_members_name_and_id(place, world):
    client = client_of(place, "viewer", world)
    with connect(place.config["DATABASE"]).conn as conn:
        conn.execute("UPDATE members SET role = 'editor' WHERE id = ?", (world["viewer_member"],))
    form = {"form": "claim", "kind": "claim", "text": "By Vi", "csrf_token": TOKEN}
    assert client.post(f"/maps/{world['m']}/nodes", data=form).status_code == 302
    conn = connect(place.config["DATABASE"])
    event = conn.execute("SELECT actor, member_id FROM events ORDER BY id DESC").fetchone()
    conn.conn.close()
    assert tuple(event) == ("Vi", world["viewer_member"])


def test_a_form_without_the_csrf_token_is_refused(place, world):
    client = client_of(place, "owner", world)
    before = snapshot(place)
    for token in ({}, {"csrf_token": "forged"}):
        response = client.post(
            f"/maps/{world['m']}/nodes", data={"kind": "claim", "text": "x", **token}
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "This form has expired or did not come from argmap" in page
    assert snapshot(place) == before


def test_session_json_calls_need_the_csrf_header(place, world):
    client = client_of(place, "owner", world)
    before = snapshot(place)
    refused = client.post(f"/api/maps/{world['m']}/nodes", json={"kind": "claim", "text": "x"})
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "csrf_token"
    assert snapshot(place) == before
    done = client.post(
        f"/api/maps/{world['m']}/nodes",
        json={"kind": "claim", "text": "x"},
        headers={"X-CSRF-Token": TOKEN},
    )
    assert done.status_code == 201


@pytest.mark.parametrize("path", ["/login", "/signup", "/logout", "/join/ABCDEFGH"])
def test_log_in_sign_up_and_join_forms_need_the_csrf_token(place, world, path):
    client = client_of(place, "anonymous", world)
    before = snapshot(place)
    response = client.post(
        path, data={"email": "olga@example.org", "password": "password 123", "name": "Mallory"}
    )
    assert response.status_code == 400
    assert snapshot(place) == before
    with client.session_transaction() as session:
        assert "user" not in session
