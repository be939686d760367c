"""Which claims stand and "is this the same as ...?" over the JSON API."""

from __future__ import annotations

import pytest

from argmap import links, members, nodes, search, votes
from argmap.events import Actor

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def debate(db, owner):
    """Phones at school: a claim, an objection to it, a rebuttal, a reason and a rival claim."""
    m = members.create_map(db, owner, "Phones")

    def add(text: str, kind: str, parent: int | None = None, **more) -> int:
        fields = {"kind": kind, "text": text, "parent_id": parent, **more}
        return nodes.add_node(db, m, fields)["id"]

    claim = add("Schools should ban phones in lessons", "claim")
    ids = {"map": m, "claim": claim}
    ids["reason"] = add("Notifications interrupt lessons", "support", claim)
    ids["objection"] = add("Parents need to reach their children", "counter", claim)
    ids["rebuttal"] = add("The school office takes urgent calls", "counter", ids["objection"])
    ids["rival"] = add("Phones help pupils learn", "claim")
    return ids


def test_labels_and_reasons_follow_the_objections(client, db, debate):
    answer = client.get(f"/api/maps/{debate['map']}/acceptability").get_json()
    labels = {int(k): v for k, v in answer["labels"].items()}
    assert labels == {
        debate["claim"]: "in",
        debate["reason"]: "in",
        debate["objection"]: "out",
        debate["rebuttal"]: "in",
        debate["rival"]: "in",
    }
    why = answer["why"]
    assert why[str(debate["objection"])] == (
        "out: attacked by “The school office takes urgent calls”, which stands unanswered"
    )
    assert why[str(debate["claim"])] == (
        "in: its only attacker “Parents need to reach their children” is out"
    )
    assert answer["revision"] == client.get(f"/api/maps/{debate['map']}").get_json()["revision"]


def test_a_contradiction_link_leaves_both_claims_undecided(client, db, debate, owner):
    links.add_link(
        db,
        debate["map"],
        {"from_id": debate["rival"], "to_id": debate["claim"], "relation": "contradiction"},
    )
    answer = client.get(f"/api/maps/{debate['map']}/acceptability").get_json()
    assert answer["labels"][str(debate["claim"])] == "undecided"
    assert answer["labels"][str(debate["rival"])] == "undecided"
    assert answer["why"][str(debate["claim"])].startswith(
        "undecided: attacked by “Phones help pupils learn”, which is itself undecided"
    )


def test_a_stranger_gets_no_labels_of_a_private_map(db, debate, app):
    stranger = app.test_client()
    assert stranger.get(f"/api/maps/{debate['map']}/acceptability").status_code in (401, 403, 404)


def test_typed_text_finds_nodes_sharing_most_of_its_words(client, debate):
    answer = client.get(
        f"/api/maps/{debate['map']}/similar", query_string={"text": "notifications interrupt"}
    ).get_json()
    assert [hit["id"] for hit in answer["results"]] == [debate["reason"]]
    assert answer["results"][0]["shared"] == 2 and answer["results"][0]["of"] == 2


def test_similar_ranks_by_shared_words_and_ignores_small_words(client, debate):
    answer = client.get(
        f"/api/maps/{debate['map']}/similar",
        query_string={"text": "the phones should be banned in the lessons of schools"},
    ).get_json()
    assert answer["results"][0]["id"] == debate["claim"]
    assert all(2 * hit["shared"] >= hit["of"] for hit in answer["results"])
    nothing = client.get(f"/api/maps/{debate['map']}/similar?text=of+the+and").get_json()
    assert nothing["results"] == []


def test_similar_refuses_text_longer_than_a_node_may_be(client, debate):
    too_long = "word " * (search.SIMILAR_TEXT_MAX // 5 + 1)
    answer = client.get(f"/api/maps/{debate['map']}/similar", query_string={"text": too_long})
    assert answer.status_code == 400 and answer.get_json()["field"] == "text"


def test_similar_treats_typed_quotes_and_operators_as_words(client, debate):
    for text in ('"', 'NEAR(phones "', "phones OR *", "-lessons", "^"):
        answer = client.get(f"/api/maps/{debate['map']}/similar", query_string={"text": text})
        assert answer.status_code == 200, text


def test_labels_kept_for_a_vote_follow_the_next_objection(client, db, debate, owner):
    m = debate["map"]
    first = client.get(f"/api/maps/{m}/acceptability").get_json()
    voter = members.of_user(db, m, owner["id"])
    votes.set_vote(db, m, debate["claim"], 3, Actor(voter["name"], voter["id"]))
    voted = client.get(f"/api/maps/{m}/acceptability").get_json()
    assert voted["revision"] == first["revision"] + 1
    assert (voted["labels"], voted["why"]) == (first["labels"], first["why"])
    nodes.add_node(
        db, m, {"kind": "counter", "text": "Calls can wait", "parent_id": debate["rebuttal"]}
    )
    answer = client.get(f"/api/maps/{m}/acceptability").get_json()
    assert answer["revision"] == first["revision"] + 2
    assert answer["labels"][str(debate["rebuttal"])] == "out"
    assert answer["labels"][str(debate["claim"])] == "out"
