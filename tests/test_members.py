"""Members and join codes: joining with the code's role, codes closed and replaced, roles
changed and members removed by the owner, maps readable by link."""

from __future__ import annotations

import re

import pytest
from conftest import create_account
from helpers import fresh_app_config, session_entry

from argmap import accounts, create_app, members
from argmap.db import connect

TOKEN = "test-csrf-token"


@pytest.fixture
def classroom(app, client, owner, db):
    """The owner's map with one claim; `client` is the owner's browser."""
    map_id = members.create_map(db, owner, "Class debate")
    form = {"form": "claim", "kind": "claim", "text": "Homework helps", "csrf_token": TOKEN}
    assert client.post(f"/maps/{map_id}/nodes", data=form).status_code == 302
    return map_id


def student(app):
    """Another browser: no account, a session with its form token."""
    other = app.test_client()
    with other.session_transaction() as session:
        session["csrf_token"] = TOKEN
    return other


def open_code(client, map_id: int, role: str) -> dict:
    """Create a join code on the members page; returns what the classroom screen shows."""
    response = client.post(f"/maps/{map_id}/codes", data={"role": role, "csrf_token": TOKEN})
    assert response.status_code == 302
    screen = client.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'<code class="join-code" id="code">([A-Z0-9]+)</code>', screen).group(1)
    link = re.search(r'class="join-link" href="([^"]+)"', screen).group(1)
    return {"code": code, "link": link, "screen": screen}


def join(client, link: str, name: str):
    """Open a join link and join under a name."""
    assert client.get(link).status_code == 200
    return client.post(link, data={"name": name, "csrf_token": TOKEN})


def add_claim(client, map_id: int, text: str):
    """Send the add-a-claim form."""
    form = {"form": "claim", "kind": "claim", "text": text, "csrf_token": TOKEN}
    return client.post(f"/maps/{map_id}/nodes", data=form)


def node_count(db, map_id: int) -> int:
    """How many nodes the map has."""
    return db.execute("SELECT COUNT(*) FROM nodes WHERE map_id = ?", (map_id,)).fetchone()[0]


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_joining_by_code_gives_the_codes_role(app, client, classroom, db, role):
    code = open_code(client, classroom, role)
    assert code["link"] == f"/join/{code['code']}"
    assert f"as {'an editor' if role == 'editor' else 'a viewer'}" in code["screen"]
    sam = student(app)
    joined = join(sam, code["link"], "Sam")
    assert joined.headers["Location"] == f"/maps/{classroom}"
    page = sam.get(joined.headers["Location"]).get_data(as_text=True)
    assert "Class debate" in page and "Homework helps" in page
    assert (
        f"you are Sam, {'an editor' if role == 'editor' else 'a viewer'}" in page
        and "you joined “Class debate” as " + role in page
    )
    found = db.execute("SELECT name, role, user_id FROM members WHERE name = 'Sam'").fetchone()
    assert tuple(found) == ("Sam", role, None)
    response = add_claim(sam, classroom, "Sam's claim")
    assert response.status_code == (302 if role == "editor" else 403)
    assert node_count(db, classroom) == (2 if role == "editor" else 1)


def test_a_typed_code_is_found_in_any_case_with_spaces(app, client, classroom):
    code = open_code(client, classroom, "editor")["code"]
    typed = f" {code[:4].lower()} - {code[4:]} "
    response = student(app).get("/join", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/join/{code}"


def test_a_member_who_joins_again_keeps_their_membership(app, client, classroom, db):
    code = open_code(client, classroom, "editor")
    sam = student(app)
    join(sam, code["link"], "Sam")
    again = sam.get(code["link"])
    assert again.status_code == 302 and again.headers["Location"] == f"/maps/{classroom}"
    assert client.get(code["link"]).status_code == 302  # the owner is a member already
    assert db.execute("SELECT COUNT(*) FROM members").fetchone()[0] == 2


def test_joining_with_an_account_links_the_membership_to_it(
    app, client, classroom, make_user, login, db
):
    code = open_code(client, classroom, "viewer")
    bo = make_user("bo@example.org", "Bo")
    browser = student(app)
    login(browser, "bo@example.org")
    assert 'value="Bo"' in browser.get(code["link"]).get_data(as_text=True)
    browser.post(code["link"], data={"name": "Bo B.", "csrf_token": TOKEN})
    found = db.execute("SELECT user_id, name, secret_hash FROM members WHERE name = 'Bo B.'")
    assert tuple(found.fetchone()) == (bo["id"], "Bo B.", None)
    assert [m["role"] for m in browser.get("/api/maps").get_json()["maps"]] == ["viewer"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give a name"),
        ("   ", "Give a name"),
        ("x" * 61, "shorten it to 60"),
        ("Bell\x07", "letters, digits and punctuation"),
        ("\u202eevil", "letters, digits"),
    ],
)
def test_a_bad_display_name_is_refused_with_the_form_kept(
    app, client, classroom, db, name, message
):
    code = open_code(client, classroom, "editor")
    sam = student(app)
    response = sam.post(code["link"], data={"name": name, "csrf_token": TOKEN})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and 'data-field="name"' in page and 'name="name"' in page
    assert db.execute("SELECT COUNT(*) FROM members").fetchone()[0] == 1


@pytest.mark.parametrize(
    "name",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "Ana & Bo", "🙂 Zoë 李"],
)
def test_hostile_names_are_shown_as_typed(app, client, classroom, db, name):
    code = open_code(client, classroom, "editor")
    sam = student(app)
    join(sam, code["link"], name)
    assert add_claim(sam, classroom, "By a hostile name").status_code == 302
    escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&#34;")
    for page in (client.get(f"/maps/{classroom}/members"), sam.get(f"/maps/{classroom}")):
        text = page.get_data(as_text=True)
        assert escaped in text
        assert "<script>alert" not in text and "<img src=x" not in text
    event = db.execute("SELECT actor FROM events ORDER BY id DESC").fetchone()[0]
    assert event == name


def test_a_closed_code_is_refused(app, client, classroom, db):
    code = open_code(client, classroom, "editor")
    code_id = db.execute("SELECT id FROM join_codes").fetchone()[0]
    form = {"csrf_token": TOKEN}
    assert client.post(f"/maps/{classroom}/codes/{code_id}/close", data=form).status_code == 302
    page = client.get(f"/maps/{classroom}/members").get_data(as_text=True)
    assert f"Closed the code {code['code']}" in page and f'id="code-{code_id}"' not in page
    sam = student(app)
    for response in (sam.get(code["link"]), sam.post(code["link"], data={"name": "Sam", **form})):
        assert response.status_code == 404
        assert "There is no open join code like this" in response.get_data(as_text=True)
    assert db.execute("SELECT COUNT(*) FROM members").fetchone()[0] == 1


def test_a_regenerated_code_replaces_the_old(app, client, classroom, db):
    old = open_code(client, classroom, "viewer")
    code_id = db.execute("SELECT id FROM join_codes").fetchone()[0]
    response = client.post(
        f"/maps/{classroom}/codes/{code_id}/regenerate", data={"csrf_token": TOKEN}
    )
    screen = client.get(response.headers["Location"]).get_data(as_text=True)
    new = re.search(r'id="code">([A-Z0-9]+)<', screen).group(1)
    assert new != old["code"]
    assert "as a viewer" in screen
    sam = student(app)
    assert sam.get(old["link"]).status_code == 404
    join(sam, f"/join/{new}", "Sam")
    assert db.execute("SELECT role FROM members WHERE name = 'Sam'").fetchone()[0] == "viewer"


def test_the_owner_changes_a_role_and_it_takes_effect(app, client, classroom, db):
    code = open_code(client, classroom, "editor")
    sam = student(app)
    join(sam, code["link"], "Sam")
    assert add_claim(sam, classroom, "First").status_code == 302
    member_id = db.execute("SELECT id FROM members WHERE name = 'Sam'").fetchone()[0]
    form = {"role": "viewer", "csrf_token": TOKEN}
    assert client.post(f"/maps/{classroom}/members/{member_id}/role", data=form).status_code == 302
    refused = add_claim(sam, classroom, "Second")
    assert refused.status_code == 403
    assert "You are a viewer of this map" in refused.get_data(as_text=True)
    assert node_count(db, classroom) == 2
    form["role"] = "editor"
    client.post(f"/maps/{classroom}/members/{member_id}/role", data=form)
    assert add_claim(sam, classroom, "Third").status_code == 302


def test_the_owner_removes_a_member_and_the_map_closes_to_them(app, client, classroom, db):
    code = open_code(client, classroom, "editor")
    sam = student(app)
    join(sam, code["link"], "Sam")
    member_id = db.execute("SELECT id FROM members WHERE name = 'Sam'").fetchone()[0]
    response = client.post(
        f"/maps/{classroom}/members/{member_id}/delete", data={"csrf_token": TOKEN}
    )
    assert response.status_code == 302
    assert sam.get(f"/maps/{classroom}").status_code == 404
    assert add_claim(sam, classroom, "Too late").status_code == 404
    assert sam.get("/api/maps").get_json() == {"maps": []}
    assert node_count(db, classroom) == 1


def test_the_owner_keeps_the_owner_role(client, classroom, owner, db):
    own = members.of_user(db, classroom, owner["id"])["id"]
    for action, form in (("role", {"role": "viewer"}), ("delete", {})):
        response = client.post(
            f"/maps/{classroom}/members/{own}/{action}", data={**form, "csrf_token": TOKEN}
        )
        assert response.status_code == 403
        assert "first owner keeps the owner role" in response.get_data(as_text=True)
    assert db.execute("SELECT role FROM members WHERE id = ?", (own,)).fetchone()[0] == "owner"


@pytest.mark.parametrize("role", ["owner", "admin", ""])
def test_only_editor_and_viewer_can_be_given(client, classroom, role, db):
    response = client.post(f"/maps/{classroom}/codes", data={"role": role, "csrf_token": TOKEN})
    assert response.status_code == 400
    assert "Choose the role editor or viewer." in response.get_data(as_text=True)
    assert db.execute("SELECT COUNT(*) FROM join_codes").fetchone()[0] == 0


def test_a_map_readable_by_link_and_private_again(app, client, classroom):
    reader = app.test_client()
    assert reader.get(f"/maps/{classroom}").status_code == 404
    form = {"public": "1", "csrf_token": TOKEN}
    client.post(f"/maps/{classroom}/public", data=form)
    assert "Anyone with the link" in client.get(f"/maps/{classroom}/members").get_data(as_text=True)
    page = reader.get(f"/maps/{classroom}")
    assert page.status_code == 200 and "Homework helps" in page.get_data(as_text=True)
    assert reader.get(f"/api/maps/{classroom}").get_json()["title"] == "Class debate"
    assert reader.get("/api/maps").get_json() == {"maps": []}
    client.post(f"/maps/{classroom}/public", data={**form, "public": "0"})
    assert reader.get(f"/maps/{classroom}").status_code == 404


# Join links students can open: PUBLIC_URL, and a hint when the page was opened at localhost

HINT = (
    "Students cannot reach {host}: open argmap at this computer's network address (start it"
    " with <code>--host 0.0.0.0</code>), or set <code>ARGMAP_PUBLIC_URL</code>."
)


def shown_links(client, map_id: int, base_url: str, token: str) -> dict:
    """The join link and the join page's address as the screen and the members page show them,
    opened at base_url (with the owner's API token: the session cookie belongs to localhost)."""
    code = open_code(client, map_id, "editor")["code"]
    code_id = re.search(r'id="code-(\d+)"', client.get(f"/maps/{map_id}/members").text).group(1)
    owner = {"base_url": base_url, "headers": {"Authorization": f"Bearer {token}"}}
    screen = client.get(f"/maps/{map_id}/codes/{code_id}", **owner).text
    members_page = client.get(f"/maps/{map_id}/members", **owner).text
    return {
        "code": code,
        "screen": screen,
        "members": members_page,
        "screen_link": re.search(r'class="join-link" href="[^"]+">([^<]+)</a>', screen).group(1),
        "screen_start": re.search(r"or open (\S+) and type the code", screen).group(1),
        "table_link": re.search(
            rf"<td[^>]*><code>([^<]+/join/{code})</code></td>", members_page
        ).group(1),
    }


@pytest.mark.parametrize(
    ("base_url", "host"),
    [
        ("http://127.0.0.1:5391", "127.0.0.1"),
        ("http://localhost:5000", "localhost"),
        ("http://[::1]:5000", "::1"),
        ("http://127.0.1.1", "127.0.1.1"),
    ],
)
def test_join_links_at_a_loopback_address_come_with_a_hint(
    client, classroom, api_token, base_url, host
):
    shown = shown_links(client, classroom, base_url, api_token)
    assert shown["screen_link"] == f"{base_url}/join/{shown['code']}"
    assert shown["table_link"] == f"{base_url}/join/{shown['code']}"
    for page in (shown["screen"], shown["members"]):
        assert HINT.format(host=host) in page


def test_join_links_at_a_network_address_need_no_hint(client, classroom, api_token):
    shown = shown_links(client, classroom, "http://192.168.1.20:5000", api_token)
    assert shown["screen_link"] == f"http://192.168.1.20:5000/join/{shown['code']}"
    assert shown["screen_start"] == "http://192.168.1.20:5000/join"
    assert "Students cannot reach" not in shown["screen"] + shown["members"]


@pytest.mark.parametrize(
    "public", ["http://192.168.1.20:5000", "http://192.168.1.20:5000/", "192.168.1.20:5000"]
)
def test_public_url_is_used_for_every_shared_link(app, client, classroom, api_token, public):
    app.config["PUBLIC_URL"] = public
    client.post(f"/maps/{classroom}/public", data={"public": "1", "csrf_token": TOKEN})
    shown = shown_links(client, classroom, "http://127.0.0.1:5391", api_token)
    assert shown["screen_link"] == f"http://192.168.1.20:5000/join/{shown['code']}"
    assert shown["table_link"] == f"http://192.168.1.20:5000/join/{shown['code']}"
    assert shown["screen_start"] == "http://192.168.1.20:5000/join"
    assert f"<code>http://192.168.1.20:5000/maps/{classroom}</code>" in shown["members"]
    assert "127.0.0.1" not in shown["screen"] + shown["members"]
    assert "Students cannot reach" not in shown["screen"] + shown["members"]
    joined = join(student(app), f"/join/{shown['code']}", "Sam")
    assert joined.headers["Location"] == f"/maps/{classroom}"


def test_public_url_comes_from_the_environment(app, tmp_path, monkeypatch):
    assert app.config["PUBLIC_URL"] == ""
    monkeypatch.setenv("ARGMAP_PUBLIC_URL", "http://10.0.0.5:8000")
    (tmp_path / "env").mkdir()
    configured = create_app(fresh_app_config(tmp_path / "env"))
    assert configured.config["PUBLIC_URL"] == "http://10.0.0.5:8000"
    owner_client = configured.test_client()
    user = create_account(configured.config["DATABASE"], "t@example.org", "Teacher")
    with owner_client.session_transaction() as session:
        session["csrf_token"] = TOKEN
        session["user"] = session_entry(configured, user)
    db = connect(configured.config["DATABASE"])
    map_id = members.create_map(db, user, "Env debate")
    token = accounts.create_token(db, user["id"], "t")
    db.conn.close()
    shown = shown_links(owner_client, map_id, "http://localhost", token)
    assert shown["screen_link"] == f"http://10.0.0.5:8000/join/{shown['code']}"
