"""Bodies, headers and paths of any shape answer a 4xx that says what to fix, never a 500."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse

import pytest
from conftest import Server, create_account

from argmap import accounts, members, nodes
from argmap.db import connect

pytestmark = pytest.mark.server

DEEP = "[" * 1000


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A real server with a public map (claim and support) and its owner's API token."""
    running = Server(tmp_path_factory.mktemp("robust"))
    owner = create_account(running.database, "owner@example.org", "Olga Owner")
    db = connect(running.database)
    try:
        m = members.create_map(db, owner, "Streets")
        members.set_public(db, m, True)
        claim = nodes.add_node(db, m, {"kind": "claim", "text": "Ban cars"})["id"]
        support = nodes.add_node(
            db, m, {"kind": "support", "text": "Clean air", "parent_id": claim}
        )["id"]
        token = accounts.create_token(db, owner["id"], "robust")
    finally:
        db.conn.close()
    yield {"server": running, "map": m, "claim": claim, "support": support, "token": token}
    running.stop()


def send(site, method: str, path: str, body: bytes | str | None = None, headers=None):
    """One HTTP request to the server: (status, headers, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", site["server"].port, timeout=10)
    try:
        raw = body.encode() if isinstance(body, str) else body
        connection.putrequest(method, path)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(raw or b"")))
        connection.endheaders(raw)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def api_headers(site) -> dict:
    """An API client's headers: its token and a JSON body."""
    return {"Authorization": f"Bearer {site['token']}", "Content-Type": "application/json"}


def json_routes(site) -> list[tuple[str, str]]:
    """Every API route that reads a JSON body."""
    m, claim, support = site["map"], site["claim"], site["support"]
    return [
        ("POST", "/api/maps"),
        ("PATCH", f"/api/maps/{m}"),
        ("POST", f"/api/maps/{m}/nodes"),
        ("PATCH", f"/api/maps/{m}/nodes/{claim}"),
        ("DELETE", f"/api/maps/{m}/nodes/{support}"),
        ("POST", f"/api/maps/{m}/links"),
    ]


def test_a_json_body_nested_too_deeply_is_a_400_naming_the_body(site):
    for method, path in json_routes(site):
        status, _, text = send(site, method, path, DEEP, api_headers(site))
        assert status == 400, (method, path, text)
        answer = json.loads(text)
        assert answer["field"] == "body" and "nested too deeply" in answer["error"]
    status, _, text = send(site, "GET", f"/api/maps/{site['map']}", None, api_headers(site))
    assert status == 200 and [n["text"] for n in json.loads(text)["nodes"]] == [
        "Ban cars",
        "Clean air",
    ]


def test_a_json_body_nested_deeply_but_parseable_is_a_400(site):
    nested = '{"title": ' + "[" * 500 + "]" * 500 + "}"
    status, _, text = send(site, "POST", "/api/maps", nested, api_headers(site))
    assert status == 400 and json.loads(text)["field"] == "title"


def session_cookie(site) -> str:
    """A browser's session cookie holding a CSRF token (the log-in page sets one)."""
    status, headers, text = send(site, "GET", "/login")
    assert status == 200 and 'name="csrf_token"' in text
    return headers["Set-Cookie"].split(";", 1)[0]


@pytest.mark.parametrize("path", ["/login", "/logout", "/signup", "/join/ABCD2345"])
@pytest.mark.parametrize("token", ["é", "tok€n", "\u0661\u0662", "x" * 43 + "\u00a0"])
def test_a_csrf_token_of_any_characters_is_refused_with_a_400(site, path, token):
    cookie = session_cookie(site)
    form = urllib.parse.urlencode({"csrf_token": token, "email": "a@example.org", "name": "A"})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    status, _, text = send(site, "POST", path, form, headers)
    assert status == 400, text
    assert "did not come from argmap" in text


@pytest.mark.parametrize("path", ["/login", "/logout", "/signup", "/join/ABCD2345"])
def test_a_csrf_header_with_non_ascii_characters_is_refused_with_a_400(site, path):
    cookie = session_cookie(site)
    headers = {"Cookie": cookie, "X-CSRF-Token": "tok\u00e9n".encode().decode("latin-1")}
    status, _, text = send(site, "POST", path, b"", headers)
    assert status == 400, text
    assert "did not come from argmap" in text


@pytest.mark.parametrize("digits", ["%D9%A1", "%DB%B1", "%E0%A5%A7", "%EF%BC%91"])
def test_ids_in_other_scripts_digits_find_nothing(site, digits):
    """Arabic-Indic, Persian, Devanagari and full-width 1 are not map 1."""
    assert site["map"] == 1
    assert send(site, "GET", "/maps/1")[0] == 200
    status, _, text = send(site, "GET", f"/maps/{digits}")
    assert status == 404 and "Streets" not in text
    status, _, text = send(site, "GET", f"/api/maps/{digits}", None, api_headers(site))
    assert status == 404 and "Streets" not in text
    status, _, _ = send(site, "GET", f"/maps/1/nodes/{digits}")
    assert status == 404


def test_the_dot_download_names_its_charset_once(site):
    status, headers, text = send(site, "GET", f"/maps/{site['map']}/diagram.dot?download=1")
    assert status == 200 and text.startswith("digraph")
    assert headers["Content-Type"] == "text/vnd.graphviz; charset=utf-8"
    assert len(re.findall("charset", headers["Content-Type"])) == 1
