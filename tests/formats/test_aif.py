"""AIF JSON: all 661 AraucariaDB files, round trips, undercuts, OVA and broken files."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import corpus as corpus_files
import pytest
from hostile import HOSTILE

from argmap.errors import FormatError
from argmap.formats import aif
from argmap.formats.model import build
from argmap.model import Edge, MapData, Node

CORPUS = corpus_files.CORPUS / "aif"
FILES = sorted(CORPUS.glob("*.json"))
SCHEMES = {"RA": "support", "CA": "counter"}
EXTRA = [
    "\\N \\l \\G \\n \\u0041",
    "[x](y)",
    "1.2. Pro: inside text",
    '{"nodes": [], "edges": []}',
    "line one\n1.2. Pro: line two\n\nline four",
]
TEXTS = [shown for _name, _typed, shown in HOSTILE] + EXTRA


def relations(data: MapData) -> Counter:
    """Every relation as (source text, target text, relation), counted."""
    text = {node.key: node.text for node in data.nodes}
    return Counter((text[e.source], text[e.target], e.relation) for e in data.edges())


def groups(data: MapData) -> list[list[str]]:
    """The co-premise groups as sorted lists of their texts."""
    text = {node.key: node.text for node in data.nodes}
    found = defaultdict(list)
    for edge in data.edges():
        if edge.group is not None:
            found[edge.group].append(text[edge.source])
    return sorted(sorted(texts) for texts in found.values())


def expected_structure(raw: dict) -> tuple[Counter, list[list[str]]]:
    """Relations (by nodeID) and co-premise groups, straight from the JSON.

    A single-premise RA or CA that repeats an earlier one exactly is counted once.
    """
    types = {n["nodeID"]: n["type"] for n in raw["nodes"]}
    ins, outs = defaultdict(list), defaultdict(list)
    for edge in raw["edges"]:
        outs[edge["fromID"]].append(edge["toID"])
        ins[edge["toID"]].append(edge["fromID"])
    found, sets, singles = Counter(), [], set()
    for key, kind in types.items():
        if kind in SCHEMES:
            premises = [p for p in ins[key] if types[p] == "I"]
            pairs = {(p, c, SCHEMES[kind]) for p in premises for c in outs[key]}
            if len(premises) == 1 and pairs <= singles:
                continue
            if len(premises) == 1:
                singles |= pairs
            else:
                sets.append(sorted(premises))
            found.update(pairs)
    return found, sorted(sets)


def aif_text(nodes: list, edges: list[tuple], **extra) -> str:
    """AIF JSON from (id, type, text) nodes and (from, to) edges."""
    return json.dumps(
        {
            "nodes": [{"nodeID": k, "type": t, "text": x} for k, t, x in nodes],
            "edges": [{"edgeID": str(i), "fromID": a, "toID": b} for i, (a, b) in enumerate(edges)],
            **extra,
        }
    )


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    """Every corpus file's text, read once."""
    return {path.name: path.read_text(encoding="utf-8") for path in FILES}


@pytest.mark.corpus
def test_corpus_has_all_661_files(corpus):
    assert len(corpus) == 661


@pytest.mark.corpus
@pytest.mark.parametrize("name", [path.name for path in FILES])
def test_corpus_structure_matches_the_json(corpus, name):
    raw = json.loads(corpus[name])
    data = aif.read(corpus[name])
    inodes = [n for n in raw["nodes"] if n["type"] == "I"]
    assert [(n.key, n.text) for n in data.nodes] == [(n["nodeID"], n["text"]) for n in inodes]
    found, premise_sets = expected_structure(raw)
    assert Counter((e.source, e.target, e.relation) for e in data.edges()) == found
    by_group = defaultdict(list)
    for edge in data.edges():
        if edge.group is not None:
            by_group[edge.group].append(edge.source)
    assert sorted(sorted(keys) for keys in by_group.values()) == premise_sets
    assert all(node.kind == "claim" or node.parent for node in data.nodes)


@pytest.mark.corpus
@pytest.mark.parametrize("name", [path.name for path in FILES])
def test_corpus_round_trip(corpus, name):
    data = aif.read(corpus[name])
    again = aif.read(aif.write(data))
    assert [(n.text, n.kind) for n in again.nodes] == [(n.text, n.kind) for n in data.nodes]
    assert relations(again) == relations(data)
    assert groups(again) == groups(data)
    parent = {n.key: n.parent for n in data.nodes}
    assert [parent[n.key] for n in data.nodes] == [
        p and data.nodes[int(p) - 1].key for p in (n.parent for n in again.nodes)
    ]


def test_ova_files_are_read_and_their_layout_ignored():
    inner = json.loads(
        aif_text([("1", "I", "A"), ("2", "I", "B"), ("3", "RA", "RA")], [("2", "3"), ("3", "1")])
    )
    text = json.dumps({"AIF": inner, "OVA": {"nodes": [{"nodeID": "1", "x": 10, "y": 20}]}})
    data = aif.read(text)
    assert [(n.text, n.kind, n.parent) for n in data.nodes] == [
        ("A", "claim", None),
        ("B", "support", "1"),
    ]


def test_locutions_and_dialogue_nodes_are_ignored():
    nodes = [("1", "I", "A"), ("2", "I", "B"), ("3", "CA", "CA"), ("4", "L", "Bob says 'B'")]
    nodes += [("5", "YA", "Asserting"), ("6", "TA", "Default Transition"), ("7", "MA", "Rephrase")]
    edges = [("2", "3"), ("3", "1"), ("4", "5"), ("5", "2"), ("6", "5"), ("1", "7"), ("7", "2")]
    data = aif.read(aif_text(nodes, edges))
    assert [(n.key, n.kind, n.parent) for n in data.nodes] == [
        ("1", "claim", None),
        ("2", "counter", "1"),
    ]
    assert data.links == []


def test_an_undercut_targets_the_first_premise_of_the_inference():
    nodes = [("c", "I", "C"), ("p", "I", "P"), ("q", "I", "Q"), ("u", "I", "U"), ("v", "I", "V")]
    nodes += [("ra", "RA", "RA"), ("ca", "CA", "CA")]
    edges = [("p", "ra"), ("q", "ra"), ("ra", "c"), ("u", "ca"), ("v", "ca"), ("ca", "ra")]
    data = aif.read(aif_text(nodes, edges))
    assert [(e.source, e.target, e.relation, e.undercut) for e in data.edges()] == [
        ("p", "c", "support", False),
        ("q", "c", "support", False),
        ("u", "p", "counter", True),
        ("v", "p", "counter", True),
    ]
    assert data.node("u").group == data.node("v").group != data.node("p").group
    again = aif.read(aif.write(data))
    assert [(e.relation, e.undercut, e.group is not None) for e in again.edges()] == [
        (e.relation, e.undercut, e.group is not None) for e in data.edges()
    ]


def test_a_repeated_single_premise_relation_is_read_once():
    nodes = [("1", "I", "A"), ("2", "I", "B"), ("3", "RA", "RA"), ("4", "RA", "RA")]
    edges = [("2", "3"), ("3", "1"), ("2", "4"), ("4", "1"), ("2", "4")]
    data = aif.read(aif_text(nodes, edges))
    assert [(e.source, e.target, e.relation) for e in data.edges()] == [("2", "1", "support")]


def test_a_premise_in_several_groups_for_one_conclusion_keeps_each_group():
    nodes = [("c", "I", "C"), ("p", "I", "P"), ("q", "I", "Q"), ("r", "I", "R")]
    nodes += [("g", "RA", "RA"), ("h", "RA", "RA")]
    edges = [("p", "g"), ("q", "g"), ("g", "c"), ("p", "h"), ("r", "h"), ("h", "c")]
    data = aif.read(aif_text(nodes, edges))
    assert [(e.source, e.target, e.group) for e in data.edges()] == [
        ("p", "c", 1),
        ("q", "c", 1),
        ("r", "c", 2),
        ("p", "c", 2),
    ]


def test_a_conflict_named_contradiction_is_a_contradiction_link():
    nodes = [("1", "I", "A"), ("2", "I", "B"), ("3", "CA", "Contradiction")]
    data = aif.read(aif_text(nodes, [("2", "3"), ("3", "1")]))
    assert [(li.source, li.target, li.relation) for li in data.links] == [
        ("2", "1", "contradiction")
    ]
    assert [n.kind for n in data.nodes] == ["claim", "claim"]
    assert aif.read(aif.write(data)).links == data.links


def test_integer_node_ids_are_accepted():
    nodes = [{"nodeID": 1, "type": "I", "text": "A"}, {"nodeID": 2, "type": "I", "text": "B"}]
    nodes.append({"nodeID": 3, "type": "RA", "text": "RA"})
    edges = [{"fromID": 2, "toID": 3}, {"fromID": 3, "toID": 1}]
    assert aif.read(json.dumps({"nodes": nodes, "edges": edges})).node("2").parent == "1"


def test_writer_makes_one_scheme_per_group_and_undercuts_point_at_schemes():
    nodes = [Node(k, "claim", k.upper()) for k in ("c", "p", "q", "u")]
    edges = [Edge("p", "c", "support", 7), Edge("q", "c", "support", 7)]
    edges.append(Edge("u", "p", "counter", None, True))
    out = json.loads(aif.write(build("T", nodes, edges)))
    kinds = {n["nodeID"]: n["type"] for n in out["nodes"]}
    assert sorted(kinds.values()) == ["CA", "I", "I", "I", "I", "RA"]
    pairs = {(kinds[e["fromID"]], kinds[e["toID"]]) for e in out["edges"]}
    assert pairs == {("I", "RA"), ("RA", "I"), ("I", "CA"), ("CA", "RA")}
    assert len(out["edges"]) == 5


def test_writer_puts_each_parent_scheme_before_the_node_s_other_schemes():
    nodes = [Node(k, "claim", k.upper()) for k in ("a", "x", "q", "p")]
    edges = [Edge("q", "a", "support", 1), Edge("p", "x", "counter"), Edge("p", "a", "support", 1)]
    data = build("T", nodes, edges)
    again = aif.read(aif.write(data))
    assert [(n.text, n.kind) for n in again.nodes] == [(n.text, n.kind) for n in data.nodes]
    assert again.nodes[3].parent == again.nodes[1].key


@pytest.mark.parametrize("text", TEXTS)
def test_hostile_text_round_trips(text):
    data = build(
        "T", [Node("a", "claim", text), Node("b", "claim", text)], [Edge("b", "a", "counter")]
    )
    again = aif.read(aif.write(data))
    assert [(n.text, n.kind) for n in again.nodes] == [(text, "claim"), (text, "counter")]


A, B, RA = ("1", "I", "A"), ("2", "I", "B"), ("3", "RA", "RA")
BROKEN = [
    ("{nodes: []}", "line 1", "not valid JSON"),
    ('{"nodes": [],\n "edges": [}', "line 2", "not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "", "nested too deeply"),
    ("[]", "", "JSON object"),
    ('{"edges": []}', "nodes", "missing"),
    ('{"AIF": {"nodes": []}}', "AIF.edges", "missing"),
    ('{"nodes": [1], "edges": []}', "nodes[0]", "object"),
    ('{"nodes": [{"type": "I", "text": "A"}], "edges": []}', "nodes[0].nodeID", "missing"),
    ('{"nodes": [{"nodeID": true, "type": "I", "text": "A"}], "edges": []}', "nodes[0].nodeID", ""),
    ('{"nodes": [{"nodeID": "1", "text": "A"}], "edges": []}', "nodes[0].type", "missing"),
    (aif_text([A, ("1", "I", "B")], []), "nodes[1].nodeID", "used twice"),
    (aif_text([A, B, ("3", "I", " ")], []), "nodes[2].text", "empty"),
    (aif_text([A, ("2", "I", "x" * 1001)], []), "nodes[1].text", "longer than 1000"),
    ('{"nodes": [{"nodeID": "1", "type": "I"}], "edges": []}', "nodes[0].text", "missing"),
    (aif_text([A, B, RA], [("2", "3")]), "nodes[2]", "no conclusion"),
    (aif_text([A, B, RA], [("3", "1")]), "nodes[2]", "no premise"),
    (aif_text([A, B, RA], [("2", "3"), ("3", "9")]), "edges[1].toID", "names no node '9'"),
    ('{"nodes": [], "edges": [{"toID": "1"}]}', "edges[0].fromID", "missing"),
    ('{"nodes": [], "edges": [[]]}', "edges[0]", "object"),
    ('{"nodes": [{"nodeID": ' + "9" * 5000 + "}]}", "", "not valid JSON"),
    (aif_text([A, B], [("1", "2")]), "edges[0]", "I-node to an I-node"),
    (
        aif_text([A, B, RA, ("4", "RA", "RA")], [("1", "3"), ("3", "2"), ("2", "4"), ("4", "1")]),
        "nodes[0]",
        "cycle",
    ),
    (aif_text([A, RA], [("1", "3"), ("3", "1")]), "nodes[0]", "cycle"),
    (aif_text([A, ("2", "CA", "CA"), RA], [("1", "2"), ("2", "3")]), "nodes[2]", "no premise"),
]


@pytest.mark.parametrize(("text", "where", "message"), BROKEN)
def test_broken_files_name_the_json_path(text, where, message):
    with pytest.raises(FormatError) as err:
        aif.read(text)
    assert err.value.where == where
    assert message in err.value.message


def test_size_is_bounded():
    text = aif_text([("1", "I", "x" * 1000)] * 5300, [])
    with pytest.raises(FormatError, match="larger than 5 MB"):
        aif.read(text)
