"""The OpenAPI description at /api/openapi.json: every API route and method, nothing else."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.usefixtures("quick_passwords")

METHODS = {"get", "post", "put", "patch", "delete"}


def described(description: dict) -> set[tuple[str, str]]:
    """(path, method) pairs the description lists."""
    return {
        (path, method.upper())
        for path, item in description["paths"].items()
        for method in item
        if method in METHODS
    }


def routes(app) -> set[tuple[str, str]]:
    """(path, method) pairs of every /api/ route, in OpenAPI's {name} spelling."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            found |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_the_description_is_served_as_json(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json()["openapi"].startswith("3.0")


def test_every_api_route_and_method_is_described_and_nothing_else(app, client):
    description = client.get("/api/openapi.json").get_json()
    assert described(description) == routes(app)
    assert len(routes(app)) >= 13


def test_every_path_parameter_is_declared(client):
    description = client.get("/api/openapi.json").get_json()
    for path, item in description["paths"].items():
        for method in METHODS & item.keys():
            declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
            declared |= {p["name"] for p in item[method].get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), (path, method)


def test_the_description_is_valid_openapi(app):
    """Schemathesis loads and checks it (it refuses descriptions that break the spec)."""
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    labels = {operation.ok().label for operation in schema.get_all_operations()}
    assert "PATCH /api/maps/{map_id}/nodes/{node_id}" in labels
    assert len(labels) >= 12


def test_the_served_description_is_the_one_the_fuzz_uses(client):
    from argmap.views import openapi

    assert client.get("/api/openapi.json").get_json() == openapi.description()
