"""Property-based fuzz of the JSON API against its OpenAPI description (Schemathesis).

`make test` tries each operation with a few examples from a fixed seed; `make fuzz` sets
ARGMAP_FUZZ_EXAMPLES=100 (and a random seed) and tries each with at least 100.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from urllib.parse import quote, urlencode

import pytest
import schemathesis
from helpers import fresh_app_config, session_entry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from argmap import accounts, create_app, links, members, nodes
from argmap.db import connect, row
from argmap.views import openapi

EXAMPLES = int(os.environ.get("ARGMAP_FUZZ_EXAMPLES", "5"))
RANDOM = os.environ.get("ARGMAP_FUZZ_RANDOM") == "1"
TRIED: Counter = Counter()


def fuzzing(examples: int) -> settings:
    """Hypothesis settings of every fuzz test: so many examples, the same each run unless
    ARGMAP_FUZZ_RANDOM=1, no deadline, no health checks."""
    return settings(
        max_examples=examples,
        derandomize=not RANDOM,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


class World:
    """An app with an owner, their API token and a map of nodes and links, rebuilt when the
    fuzz deletes it; most generated ids are steered to its rows so that real rows are reached."""

    def __init__(self, folder) -> None:
        self.app = create_app(fresh_app_config(folder))
        self.db = connect(self.app.config["DATABASE"])
        owner_id = accounts.create_user(
            self.db, "owner@example.org", "Olga Owner", "correct horse battery staple"
        )
        self.owner = accounts.get_user(self.db, owner_id)
        self.token = accounts.create_token(self.db, owner_id, "fuzz")
        self.map_id = 0
        self.ensure()

    def ensure(self) -> None:
        """A map with a claim, a pro, a con and a link, when the current one is gone or bare."""
        found = row(self.db, "SELECT COUNT(*) AS n FROM nodes WHERE map_id = ?", (self.map_id,))
        if row(self.db, "SELECT id FROM maps WHERE id = ?", (self.map_id,)) and found["n"] >= 3:
            return
        m = members.create_map(self.db, self.owner, "Fuzzed", "A map to break")
        claim = nodes.add_node(self.db, m, {"kind": "claim", "text": "Ban cars"})["id"]
        pro = nodes.add_node(self.db, m, {"kind": "support", "text": "Air", "parent_id": claim})
        con = nodes.add_node(self.db, m, {"kind": "counter", "text": "Shops", "parent_id": claim})
        links.add_link(
            self.db, m, {"from_id": con["id"], "to_id": pro["id"], "relation": "counter"}
        )
        self.map_id = m

    def ids(self, table: str) -> list[int]:
        """The ids of the current map's rows in a table."""
        query = f"SELECT id FROM {table} WHERE map_id = ? ORDER BY id"
        return [r[0] for r in self.db.execute(query, (self.map_id,))] or [1]

    def steer(self, path: dict) -> None:
        """Point three in four generated ids at the current map's rows; the rest stay as drawn."""
        if not steered(path.get("map_id")):
            return
        path["map_id"] = self.map_id
        for name, table in {"node_id": "nodes", "link_id": "links", "event_id": "events"}.items():
            if steered(path.get(name)):
                found = self.ids(table)
                path[name] = found[int(path[name]) // 4 % len(found)]


def steered(value: object) -> bool:
    """Whether a generated id (a number, or digits as text) is one to point at a real row."""
    return str(value).isascii() and str(value).isdigit() and int(str(value)) % 4 != 3


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The fuzzed app and its data, shared by every operation's examples."""
    made = World(tmp_path_factory.mktemp("fuzz"))
    yield made
    made.db.conn.close()
    if TRIED:
        print("\nexamples tried:", dict(sorted(TRIED.items())))


# The description the app serves at /api/openapi.json (tests/test_openapi.py checks that).
schema = schemathesis.openapi.from_dict(openapi.description())


@schemathesis.check
def no_server_error(ctx, response, case):
    """No 5xx: only a 503 that says when to come back."""
    status = response.status_code
    if status >= 500 and not (status == 503 and "Retry-After" in response.headers):
        raise AssertionError(f"{case.operation.label} answered {status}: {response.text[:300]}")
    return None


@schema.parametrize()
@fuzzing(EXAMPLES)
def test_the_api_never_answers_a_server_error(case, world):
    world.ensure()
    world.steer(case.path_parameters or {})
    TRIED[case.operation.label] += 1
    case.call_and_validate(
        app=world.app,
        # identity: the WSGI transport reads the body as it comes (the API gzips for others)
        headers={"Authorization": f"Bearer {world.token}", "Accept-Encoding": "identity"},
        checks=[
            no_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
LATIN = st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=60)
PIECE = st.one_of(
    TEXT, st.integers(-(2**70), 2**70).map(str), st.sampled_from(["1", "٠١", "１", "0", "-1"])
)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "Authorization": st.one_of(LATIN, LATIN.map("Bearer {}".format)),
        "X-CSRF-Token": LATIN,
        "Cookie": LATIN.map("session={}".format),
        "Content-Type": st.one_of(
            st.sampled_from(["application/json", "application/x-www-form-urlencoded"]), LATIN
        ),
        "Accept": LATIN,
        "Last-Event-ID": LATIN,
        "If-Modified-Since": LATIN,
        "Range": LATIN,
    },
)
BODY = st.one_of(st.binary(max_size=200), TEXT.map(str.encode), st.just(b"[" * 5000))


def shaped(rule: str, pieces: list[str]) -> str:
    """A route's URL with each of its variables replaced by a drawn piece, percent-encoded."""
    parts = iter(pieces)
    return re.sub(r"<[^>]+>", lambda _: quote(next(parts, "x"), safe=""), rule)


@given(data=st.data())
@fuzzing(EXAMPLES * 20)
def test_any_path_header_and_body_answers_below_500(world, data):
    world.ensure()
    rules = sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule)
    api = [r for r in rules if r.rule.startswith("/api/")]
    rule = data.draw(st.one_of(st.sampled_from(api), st.sampled_from(rules)))
    methods = st.sampled_from(sorted(rule.methods))
    method = data.draw(st.one_of(methods, methods, st.sampled_from(["PUT", "PATCH", "DELETE"])))
    piece = st.one_of(PIECE, st.just(str(world.map_id)), st.sampled_from(world.ids("nodes")))
    url = shaped(rule.rule, [str(p) for p in data.draw(st.lists(piece, min_size=3, max_size=3))])
    headers = data.draw(HEADERS)
    if data.draw(st.booleans()):
        headers["Authorization"] = f"Bearer {world.token}"  # the owner's: past the access check
    if rule.rule.startswith("/api/"):
        headers.setdefault("Content-Type", "application/json")
    client = world.app.test_client()
    response = client.open(url, method=method, headers=headers, data=data.draw(BODY))
    status = response.status_code
    response.close()
    assert status < 500 or (status == 503 and "Retry-After" in response.headers), (url, status)


FIELDS = (
    "actor after before children code confirm description download email format from_id to_id"
    " relation kind text quote source parent_id group undercut tags name next node password"
    " public revision role tab title version"
).split()
DEEP_TEXTS = st.sampled_from(
    ["[" * 5000, '{"argmap": 1, "map": ' + "[" * 3000, "1. " + "\t" * 50 + "x", "\x00\ud800"]
)
FORM = st.dictionaries(st.sampled_from(FIELDS), st.one_of(TEXT, PIECE, DEEP_TEXTS), max_size=8)


def owner_client(world):
    """A browser logged in as the owner, its CSRF token known."""
    client = world.app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = "fuzz-token"
        session["user"] = session_entry(world.app, world.owner)
    return client


@given(data=st.data())
@fuzzing(EXAMPLES * 20)
def test_any_form_on_every_page_answers_below_500(world, data):
    world.ensure()
    rules = [r for r in world.app.url_map.iter_rules() if not r.rule.startswith("/api/")]
    rule = data.draw(st.sampled_from(sorted(rules, key=lambda r: r.rule)))
    method = data.draw(st.sampled_from(sorted(rule.methods - {"OPTIONS"})))
    piece = st.one_of(st.just(str(world.map_id)), st.sampled_from(world.ids("nodes")), PIECE)
    url = shaped(rule.rule, [str(p) for p in data.draw(st.lists(piece, min_size=3, max_size=3))])
    # Sent as a browser would, a lone surrogate as the bytes it stands for (invalid UTF-8).
    token = data.draw(st.one_of(st.just("fuzz-token"), TEXT))  # mostly the right one
    form = urlencode({**data.draw(FORM), "csrf_token": token}, errors="surrogatepass")
    if method in ("GET", "HEAD"):
        response = owner_client(world).open(url, method=method, query_string=form)
    else:
        kind = "application/x-www-form-urlencoded"
        response = owner_client(world).open(url, method=method, data=form, content_type=kind)
    status = response.status_code
    response.close()
    assert status < 500 or (status == 503 and "Retry-After" in response.headers), (url, status)
