"""Checks on the seed map that ships with argmap, read as plain data."""

import json
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MAP_FILE = SEEDS / "nato-response.argmap.json"
ARTICLE_FILE = SEEDS / "russia-responds-to-nato-ally-proposals.txt"
ARTICLE_TITLE = "Russia Responds to Alleged NATO Ally Proposals"
KINDS = {"claim", "support", "counter"}
RELATIONS = {"support", "counter"}
DEBRIS = ("Leave a Comment", "close")


@pytest.fixture(scope="module")
def seed():
    """The parsed seed map."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def article():
    """The article text the map is built from."""
    return ARTICLE_FILE.read_text(encoding="utf-8")


def by_id(seed):
    """The map's nodes keyed by id."""
    return {node["id"]: node for node in seed["nodes"]}


def tagged(seed, tag, kind):
    """Nodes of this kind that carry this tag."""
    return [n for n in seed["nodes"] if tag in n["tags"] and n["kind"] == kind]


def edges(seed):
    """Every directed relation: parent edges, then links."""
    out = [(n["id"], n["parent_id"]) for n in seed["nodes"] if n["parent_id"] is not None]
    return out + [(link["from_id"], link["to_id"]) for link in seed["links"]]


def has_cycle(nodes, pairs):
    """Whether the directed graph of these node ids and pairs holds a cycle."""
    succ = {key: [] for key in nodes}
    for source, target in pairs:
        succ[source].append(target)
    state = dict.fromkeys(nodes, 0)

    def visit(key):
        """Depth-first search; True when a back edge is found."""
        state[key] = 1
        for nxt in succ[key]:
            if state[nxt] == 1 or (state[nxt] == 0 and visit(nxt)):
                return True
        state[key] = 2
        return False

    return any(state[key] == 0 and visit(key) for key in nodes)


def test_header(seed):
    """The file declares format version 1 and has a title and description."""
    assert seed["argmap"] == 1
    assert seed["title"].strip()
    assert ARTICLE_TITLE in seed["description"]
    assert seed["events"] == []


def test_ids_unique(seed):
    """No two nodes share an id."""
    ids = [n["id"] for n in seed["nodes"]]
    assert len(ids) == len(set(ids))


def test_size(seed):
    """The map is a rich one of roughly 30 to 45 nodes."""
    assert 30 <= len(seed["nodes"]) <= 45


def test_quotes_verbatim(seed, article):
    """Every quote is non-empty, at most 2000 characters, and in the article."""
    for node in seed["nodes"]:
        quote = node["quote"]
        assert quote.strip(), node["id"]
        assert len(quote) <= 2000, node["id"]
        assert quote in article, node["id"]


def test_quotes_not_debris(seed):
    """No quote is taken from the web-page debris at the article's end."""
    for node in seed["nodes"]:
        assert node["quote"].strip() not in DEBRIS, node["id"]
        assert "Leave a Comment" not in node["quote"], node["id"]


def test_quotes_distinct(seed):
    """Each node rests on its own passage."""
    quotes = [n["quote"] for n in seed["nodes"]]
    assert len(quotes) == len(set(quotes))


def test_sources_name_article(seed):
    """Every node's source names the article and its file."""
    for node in seed["nodes"]:
        assert ARTICLE_TITLE in node["source"], node["id"]
        assert ARTICLE_FILE.name in node["source"], node["id"]


def test_text_lengths(seed):
    """Every node's text is 1 to 1000 characters after trimming."""
    for node in seed["nodes"]:
        assert 1 <= len(node["text"].strip()) <= 1000, node["id"]


def test_kinds_and_tags(seed):
    """Kinds are valid and tags are short lowercase labels."""
    for node in seed["nodes"]:
        assert node["kind"] in KINDS, node["id"]
        assert all(t and t == t.lower() and len(t) <= 20 for t in node["tags"]), node["id"]


def test_parents(seed):
    """Claims have no parent; supports and counters have an existing parent."""
    nodes = by_id(seed)
    for node in seed["nodes"]:
        if node["kind"] == "claim":
            assert node["parent_id"] is None, node["id"]
        else:
            assert node["parent_id"] in nodes, node["id"]
            assert node["parent_id"] != node["id"], node["id"]


def test_links(seed):
    """Links join existing, distinct nodes with a valid relation."""
    nodes = by_id(seed)
    for link in seed["links"]:
        assert link["from_id"] in nodes and link["to_id"] in nodes, link
        assert link["from_id"] != link["to_id"], link
        assert link["relation"] in RELATIONS, link


def test_motives(seed):
    """At least five supports are tagged motive."""
    assert len(tagged(seed, "motive", "support")) >= 5


def test_risks(seed):
    """At least four counters are tagged risk."""
    assert len(tagged(seed, "risk", "counter")) >= 4


def test_proposals_and_responses(seed):
    """Both the allies' proposals and Russia's responses are present."""
    tags = [t for n in seed["nodes"] for t in n["tags"]]
    assert tags.count("proposal") >= 4
    assert tags.count("response") >= 5


def test_rebuttal(seed):
    """At least one counter objects to another counter."""
    nodes = by_id(seed)
    rebuttals = [
        n
        for n in seed["nodes"]
        if n["kind"] == "counter" and nodes[n["parent_id"]]["kind"] == "counter"
    ]
    assert rebuttals


def test_no_cycle(seed):
    """Parent edges and links together form no cycle."""
    assert not has_cycle(list(by_id(seed)), edges(seed))


def test_cycle_check_can_fail():
    """The cycle check itself detects a cycle."""
    assert has_cycle(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])
    assert not has_cycle(["a", "b", "c"], [("a", "b"), ("b", "c"), ("a", "c")])
