"""Security headers on every response: a CSP without inline code, no framing, no sniffing."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from argmap import members, nodes, render

pytestmark = pytest.mark.usefixtures("quick_passwords")

TEMPLATES = Path(__file__).resolve().parent.parent / "argmap" / "templates"
CSP_PARTS = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]


@pytest.fixture
def pages(db, owner):
    """Every kind of page: the list, a map with nodes, its brief, members, a join screen."""
    m = members.create_map(db, owner, "Streets")
    claim = nodes.add_node(db, m, {"kind": "claim", "text": "Ban cars"})["id"]
    nodes.add_node(db, m, {"kind": "support", "text": "Cleaner air", "parent_id": claim})
    code = members.new_code(db, m, "editor")
    return [
        "/",
        f"/maps/{m}",
        f"/maps/{m}/brief",
        f"/maps/{m}/members",
        f"/maps/{m}/history",
        f"/maps/{m}/codes/{code['id']}",
        f"/maps/{m}/diagram.svg",
        f"/api/maps/{m}",
        "/static/argmap.css",
        "/static/map.js",
        "/login",
        "/maps/999",
        "/api/maps/999",
    ]


def headers_of(client, url: str):
    """The headers of a GET (the body closed: static files are open files)."""
    response = client.get(url)
    response.close()
    return response.headers


def csp_parts(value: str) -> list[str]:
    """The directives of a CSP header."""
    return [part.strip() for part in value.split(";")]


def test_content_security_policy_allows_no_inline_code(client, pages):
    for url in pages:
        headers = headers_of(client, url)
        assert csp_parts(headers["Content-Security-Policy"]) == CSP_PARTS, url
        assert "unsafe-inline" not in headers["Content-Security-Policy"]


def test_no_framing(client, pages):
    for url in pages:
        headers = headers_of(client, url)
        assert headers["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_no_content_sniffing(client, pages):
    for url in pages:
        assert headers_of(client, url)["X-Content-Type-Options"] == "nosniff", url


def test_referrer_policy(client, pages):
    for url in pages:
        assert headers_of(client, url)["Referrer-Policy"] == "same-origin", url


def test_headers_on_refused_posts_and_errors(client):
    for response in (
        client.post("/login", data={"email": "a@example.org"}),  # no CSRF token: 400
        client.post("/api/maps", data="[" * 1000, content_type="application/json"),
        client.get("/nowhere"),
    ):
        assert response.status_code in (400, 401, 404)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_templates_carry_no_inline_script_or_style():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert "<style" not in text, path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path


def test_diagram_svg_has_no_style_attributes(db, owner):
    """Graphviz draws with presentation attributes (fill=, stroke=), which the CSP allows."""
    m = members.create_map(db, owner, "Kinds")
    claim = nodes.add_node(db, m, {"kind": "claim", "text": 'A "claim" <b>'})["id"]
    nodes.add_node(db, m, {"kind": "support", "text": "Pro", "parent_id": claim})
    nodes.add_node(db, m, {"kind": "counter", "text": "Con", "parent_id": claim})
    limits = render.Limits()
    svg = render.for_page(db, m, None, limits).svg
    assert 'fill="#ddf2ea"' in svg.lower()
    assert not re.search(r"\sstyle=", svg)


@pytest.mark.server
def test_headers_through_a_real_server(server):
    with urllib.request.urlopen(server.url + "/") as response:
        headers = response.headers
    assert csp_parts(headers["Content-Security-Policy"]) == CSP_PARTS
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.url + "/maps/12345")
    assert refused.value.code == 404
    assert refused.value.headers["X-Frame-Options"] == "DENY"
    refused.value.close()
