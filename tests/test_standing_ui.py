"""Which claims stand and "is this the same as ...?" over HTTP: the plain page, the map page's
switch, and what a student (hidden nodes) gets from each."""

from __future__ import annotations

import html
import re

import pytest
from helpers import fresh_database
from hostile import PARAMS
from livehelp import log_in, person

from argmap import create_app, members, moderation, nodes
from argmap.db import connect
from argmap.events import Actor

ATTACK = "Phones ring in the middle of tests"


@pytest.fixture
def world(tmp_path):
    """Olga's map: a claim with a reason and an objection; Olga hides the objection later."""
    path = fresh_database(tmp_path)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "DATABASE": path, "SEED": False, "EXPORTS": "x"}
    )
    db = connect(path)
    olga = person(db, "Olga")
    m = members.create_map(db, olga, "Phones")
    sam = person(db, "Sam", m)
    actor = Actor("Olga", members.of_user(db, m, olga["id"])["id"])

    def add(text: str, kind: str, parent: int | None = None) -> int:
        return nodes.add_node(db, m, {"kind": kind, "text": text, "parent_id": parent}, actor)["id"]

    claim = add("Schools should ban phones in lessons", "claim")
    w = {"app": app, "db": db, "m": m, "olga": olga, "sam": sam, "actor": actor, "claim": claim}
    w["reason"] = add("Notifications interrupt lessons", "support", claim)
    w["attack"] = add(ATTACK, "counter", claim)
    w["add"] = add
    yield w
    db.conn.close()


def client_for(w: dict, who: str):
    """A test client logged in as Olga (the owner) or Sam (a student)."""
    client = w["app"].test_client()
    log_in(client, w[who])
    return client


def groups(page: str) -> dict[str, list[str]]:
    """The plain page's node ids by the label of the section they are listed in."""
    found = {}
    for mark in ("in", "out", "undecided"):
        section = re.search(rf'<section[^>]*id="standing-{mark}".*?</section>', page, re.S)
        found[mark] = [int(i) for i in re.findall(r'id="standing-node-(\d+)"', section.group(0))]
    return found


def test_the_plain_page_lists_each_node_under_its_label_with_the_reason(world):
    page = client_for(world, "olga").get(f"/maps/{world['m']}/standing")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert groups(text) == {
        "in": [world["reason"], world["attack"]],
        "out": [world["claim"]],
        "undecided": [],
    }
    assert html.escape(f"out: attacked by “{ATTACK}”, which stands unanswered") in text
    assert "Out (1)" in text and "In (2)" in text and "Undecided (0)" in text
    assert f'href="/maps/{world["m"]}"' in text  # back to the map


def test_a_hidden_attacker_leaves_the_claim_standing_for_students_only(world):
    moderation.set_hidden(world["db"], world["m"], world["attack"], True, world["actor"])
    m, claim = world["m"], str(world["claim"])
    teacher, student = client_for(world, "olga"), client_for(world, "sam")

    theirs = student.get(f"/api/maps/{m}/acceptability").get_json()
    assert theirs["labels"] == {claim: "in", str(world["reason"]): "in"}
    assert theirs["why"][claim] == "in: nothing attacks it"
    assert teacher.get(f"/api/maps/{m}/acceptability").get_json()["labels"][claim] == "out"

    page = student.get(f"/maps/{m}/standing").get_data(as_text=True)
    assert groups(page) == {"in": [world["claim"], world["reason"]], "out": [], "undecided": []}
    assert ATTACK not in page
    assert ATTACK in teacher.get(f"/maps/{m}/standing").get_data(as_text=True)


def test_similar_never_suggests_a_hidden_node_to_a_student(world):
    moderation.set_hidden(world["db"], world["m"], world["attack"], True, world["actor"])
    url = f"/api/maps/{world['m']}/similar?text=phones+ring+during+tests"
    student = client_for(world, "sam").get(url).get_json()["results"]
    teacher = client_for(world, "olga").get(url).get_json()["results"]
    assert [n["id"] for n in student] == []
    assert [n["id"] for n in teacher] == [world["attack"]]


def test_the_map_page_offers_the_switch_the_list_and_the_scripts(world):
    page = client_for(world, "sam").get(f"/maps/{world['m']}").get_data(as_text=True)
    assert 'id="standing-toggle"' in page
    assert re.search(r'<label class="standing-switch" id="standing-switch" hidden>', page)
    assert f'href="/maps/{world["m"]}/standing" id="standing-link"' in page
    assert "/static/standing.js" in page and "/static/standing.css" in page
    assert 'id="legend-standing" hidden' in page


@pytest.mark.parametrize(("typed", "shown"), PARAMS)
def test_hostile_text_on_the_plain_page_is_escaped(world, typed, shown):
    node = world["add"](typed, "counter", world["reason"])
    page = client_for(world, "olga").get(f"/maps/{world['m']}/standing").get_data(as_text=True)
    item = re.search(rf'<li id="standing-node-{node}".*?</li>', page, re.S).group(0)
    words = re.search(r"<a [^>]*>(.*?)</a>", item, re.S).group(1)
    assert html.unescape(words) == shown
    assert "<" not in words and ">" not in words
    assert world["reason"] in groups(page)["out"]


def test_the_plain_page_of_a_missing_map_is_a_404(world):
    answer = client_for(world, "olga").get("/maps/999999/standing")
    assert answer.status_code == 404
