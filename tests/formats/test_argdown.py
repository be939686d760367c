"""Argdown: every corpus file against Argdown's own parse, syntax, broken files, round trips."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import corpus
import pytest
from hostile import HOSTILE

from argmap.errors import FormatError
from argmap.formats import acyclic, aif, argdown
from argmap.formats.argdown import RELATION_MAP, read, read_parts, write
from argmap.formats.model import build
from argmap.model import Edge, Link, MapData, Node, find_cycle

CORPUS = corpus.CORPUS / "argdown"
GOLDEN = CORPUS / "golden"
FILES = sorted(CORPUS.glob("*.argdown"))
ACCEPTED = [p for p in FILES if (GOLDEN / f"{p.stem}.json").exists()]
FRAGMENTS = [p for p in FILES if p.name.startswith("_")]
AIF_FILES = sorted((CORPUS.parent / "aif").glob("*.json"))
KIND = {"equivalence-class": "s", "argument": "a"}
TAG = re.compile(r"#(?:\([^)]+\)|[a-zA-z0-9\-\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef]+)[ \t]?")
IDS = {"ids": lambda p: p.stem[:40]}


def source(path: Path) -> str:
    """A corpus file's text, line ends untouched."""
    return path.read_bytes().decode("utf-8")


def include(name: str) -> str:
    """An @include'd corpus file."""
    return source(CORPUS / name)


def golden(path: Path) -> dict:
    """What `argdown json` made of a corpus file."""
    return json.loads((GOLDEN / f"{path.stem}.json").read_text(encoding="utf-8"))


def golden_pcs(gold: dict) -> set[tuple]:
    """The edges argmap makes of each PCS in Argdown's output: premises, argument, conclusion."""
    edges = set()
    for title, argument in gold["arguments"].items():
        pcs = [s["title"] for s in argument.get("pcs") or []]
        premises = set(pcs[:-1])
        edges |= {(f"s:{p}", f"a:{title}", "support", len(premises) > 1) for p in premises}
        edges |= {(f"a:{title}", f"s:{pcs[-1]}", "support", False)} if pcs else set()
    return edges


def golden_relations(gold: dict) -> set[tuple]:
    """Argdown's relations as argmap relations; a relation of a node to itself is left out."""
    found = set()
    for r in gold["relations"]:
        ends = (f"{KIND[r['fromType']]}:{r['from']}", f"{KIND[r['toType']]}:{r['to']}")
        relation, undercut = RELATION_MAP[r["relationType"]]
        if ends[0] != ends[1]:
            found.add(_relation(*ends, relation, undercut))
    return found


def _relation(source: str, target: str, relation: str, undercut: bool) -> tuple:
    """A comparable relation: contradictions have no direction."""
    if relation == "contradiction":
        return (frozenset((source, target)), relation)
    return (source, target, relation, undercut)


def split_edges(edges: list[Edge], gold: dict) -> tuple[set[tuple], set[tuple]]:
    """Our edges as (PCS edges, other relations), told apart by Argdown's PCS."""
    pcs_pairs = {(s, t) for s, t, _, _ in golden_pcs(gold)}
    pcs, others = set(), set()
    for e in edges:
        if (e.source, e.target) in pcs_pairs and e.relation == "support" and not e.undercut:
            pcs.add((e.source, e.target, e.relation, e.group is not None))
        else:
            others.add(_relation(e.source, e.target, e.relation, e.undercut))
    return pcs, others


def canonical_text(title: str, entity: dict) -> str:
    """Argdown's text of a statement or argument, without its tags, else its title."""
    texts = [m.get("text") or "" for m in entity["members"] if not m.get("isReference")]
    return (TAG.sub("", texts[-1]).strip() if texts else "") or title


def shape(data: MapData, number) -> tuple:
    """Everything a round trip keeps, with node keys replaced by number(key)."""
    nodes = {number(n.key): (n.text, n.kind, tuple(n.tags), n.quote, n.source) for n in data.nodes}
    groups: dict[int, set] = {}
    for e in data.edges():
        if e.group is not None:
            groups.setdefault(e.group, set()).add((number(e.source), number(e.target)))
    relations = {
        (number(e.source), number(e.target), e.relation, e.undercut)
        + ((frozenset(groups[e.group]) if e.group is not None else None),)
        for e in data.edges()
    }
    return data.title, data.description, nodes, relations


def assert_round_trip(data: MapData) -> str:
    """write -> read gives the same title, nodes and relations; returns the Argdown."""
    position = {n.key: i for i, n in enumerate(data.nodes, 1)}
    text = write(data)
    again = read(text)
    assert shape(again, lambda key: int(key[3:])) == shape(data, position.get)
    return text


def keys_and_edges(text: str) -> tuple[set[str], set[tuple]]:
    """Node keys and relations (source, target, relation, undercut) of a small document."""
    _, _, nodes, edges = read_parts(text)
    return {n.key for n in nodes}, {(e.source, e.target, e.relation, e.undercut) for e in edges}


# Every corpus file that Argdown accepts, against Argdown's own output


@pytest.mark.corpus
@pytest.mark.parametrize("path", ACCEPTED, **IDS)
def test_corpus_statements_and_arguments_are_argdowns(path):
    gold = golden(path)
    _, _, nodes, _ = read_parts(source(path), include)
    expected = {f"s:{t}" for t in gold["statements"]} | {f"a:{t}" for t in gold["arguments"]}
    assert {n.key for n in nodes} == expected
    assert len(nodes) == len(expected)


@pytest.mark.corpus
@pytest.mark.parametrize("path", ACCEPTED, **IDS)
def test_corpus_relations_are_argdowns(path):
    gold = golden(path)
    _, others = split_edges(read_parts(source(path), include)[3], gold)
    assert others == golden_relations(gold)


@pytest.mark.corpus
@pytest.mark.parametrize("path", ACCEPTED, **IDS)
def test_corpus_premises_support_the_argument_and_it_supports_the_conclusion(path):
    gold = golden(path)
    pcs, _ = split_edges(read_parts(source(path), include)[3], gold)
    assert pcs == golden_pcs(gold)


@pytest.mark.corpus
@pytest.mark.parametrize("path", ACCEPTED, **IDS)
def test_corpus_texts_and_tags_are_argdowns(path):
    gold = golden(path)
    nodes = {n.key: n for n in read_parts(source(path), include)[2]}
    for kind, entities in (("s", gold["statements"]), ("a", gold["arguments"])):
        for title, entity in entities.items():
            node = nodes[f"{kind}:{title}"]
            assert (node.text, node.tags) == (canonical_text(title, entity), entity.get("tags", []))


@pytest.mark.corpus
@pytest.mark.parametrize("path", ACCEPTED + FRAGMENTS, **IDS)
def test_corpus_file_round_trips(path):
    data = read(source(path), include)
    assert len(data.nodes) > 0
    assert_round_trip(data)


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name, title, nodes, claims",
    [
        (
            "semmelweis_betz",
            "A Stylized Reconstruction of the Scientific Debate That led "
            "Ignaz Semmelweis to Understand Childbed Fever",
            43,
            7,
        ),
        ("intro", "Welcome to Argdown!", 17, 10),
        ("argdown-primer", "❤ Welcome to Argdown! ❤", 21, 11),
        ("lexer-windows-line-endings", "Argdown import", 5, 2),
    ],
)
def test_corpus_map_title_and_claims(name, title, nodes, claims):
    data = read(source(CORPUS / f"{name}.argdown"))
    assert (data.title, len(data.nodes)) == (title, nodes)
    assert sum(n.kind == "claim" for n in data.nodes) == claims


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name, left_out",
    [
        ("argdown-primer", ("a:Argument 1", "support", "s:Untitled 12")),
        ("veggie_debate", ("s:Fleisch-OK", "counter", "s:Strikt-Veggie")),
    ],
)
def test_corpus_cycles_lose_the_relation_that_closes_them(name, left_out):
    data = read(source(CORPUS / f"{name}.argdown"))
    _, _, _, edges = read_parts(source(CORPUS / f"{name}.argdown"))
    ours = {(e.source, e.relation, e.target) for e in data.edges()}
    assert {(e.source, e.relation, e.target) for e in edges} - ours == {left_out}


def naive_without_cycles(edges: list[Edge]) -> list[Edge]:
    """The rule by its definition: keep an edge unless its target already reaches its source."""
    reach: dict[str, set[str]] = {}
    kept = []
    for edge in edges:
        if edge.relation != "contradiction":
            seen, todo = set(), [edge.target]
            while todo and edge.source not in seen:
                key = todo.pop()
                if key not in seen:
                    seen.add(key)
                    todo.extend(reach.get(key, ()))
            if edge.source in seen:
                continue
            reach.setdefault(edge.source, set()).add(edge.target)
        kept.append(edge)
    return kept


def random_edges(rng: random.Random, nodes: int, count: int) -> list[Edge]:
    """Random relations between a few nodes: many cycles, some contradictions."""
    edges = []
    for _ in range(count):
        source, target = rng.sample(range(nodes), 2)
        relation = rng.choice(["support", "counter", "support", "contradiction"])
        edges.append(Edge(f"n{source}", f"n{target}", relation))
    return edges


@pytest.mark.parametrize("seed", range(40))
def test_relations_closing_a_cycle_are_left_out_as_by_the_definition(seed):
    rng = random.Random(seed)
    edges = random_edges(rng, rng.randint(2, 30), rng.randint(1, 120))
    assert argdown.without_cycles(edges) == naive_without_cycles(edges)


def test_cycles_beyond_the_search_budget_still_leave_no_cycle(monkeypatch):
    monkeypatch.setattr(acyclic, "SEARCH_BUDGET", 10)
    edges = random_edges(random.Random(7), 40, 400)
    kept = argdown.without_cycles(edges)
    assert kept and model_acyclic(kept)
    assert len(kept) <= len(naive_without_cycles(edges))


def model_acyclic(edges: list[Edge]) -> bool:
    """Whether the support and counter edges form no cycle."""
    nodes = [
        Node(key, "claim", key) for key in {e.source for e in edges} | {e.target for e in edges}
    ]
    data = MapData("t", nodes=nodes, links=[])
    data.links = [Link(e.source, e.target, e.relation) for e in edges]
    return find_cycle([n.key for n in nodes], data.edges()) is None


def test_a_long_chain_with_relations_back_to_its_start_reads_in_linear_time():
    lines = [f"[s{i}]: Text {i}\n  <+ [s{i + 1}]: Text {i + 1}\n" for i in range(20_000)]
    lines += [f"[s{i}]\n  <+ [s0]\n" for i in range(100, 20_000, 100)]
    data = read("\n".join(lines))
    assert len(data.nodes) == 20_001
    assert len(data.links) == 0 and len(data.warnings) == 199
    assert data.warnings[0] == (
        "Left out the relation from 's0' to 's100': it would close a cycle, and an argmap map"
        " has none."
    )


def test_twenty_thousand_relations_on_one_claim_all_read():
    text = "[c]: Claim\n" + "".join(f"  <+ [s{i}]: Reason {i}\n" for i in range(20_000))
    data = read(text)
    assert len(data.edges()) == 20_000
    assert {n.parent for n in data.nodes[1:]} == {"s:c"}


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name, line, message",
    [
        ("lexer-argument", 3, "data block is not valid YAML: missed comma"),
        ("lexer-definitions-references", 2, "expected an empty line before a new paragraph"),
        ("lexer-lists", 2, "lists cannot be nested"),
        ("lexer-relation-after-emptyline", 3, "without an empty line between"),
        ("lexer-relations", 1, "relation must stand indented right below a statement"),
        ("lexer-statements-by-number", 1, "found '('"),
    ],
)
def test_corpus_files_argdown_rejects_raise_a_format_error(name, line, message):
    assert not (GOLDEN / f"{name}.json").exists()
    with pytest.raises(FormatError) as caught:
        read(source(CORPUS / f"{name}.argdown"))
    assert caught.value.where == f"line {line}"
    assert message in caught.value.message


@pytest.mark.corpus
def test_every_corpus_file_without_golden_is_rejected_or_a_fragment():
    rejected = set()
    for path in sorted(set(FILES) - set(ACCEPTED) - set(FRAGMENTS)):
        with pytest.raises(FormatError):
            read(source(path))
        rejected.add(path.name)
    assert len(rejected) == 6


@pytest.mark.corpus
@pytest.mark.parametrize("path", FRAGMENTS, **IDS)
def test_include_fragments_read_with_or_without_the_included_file(path):
    alone = [n.text for n in read(source(path)).nodes]
    assert len(alone) == 2 and alone[0] == f"First line of {path.stem[1:]}"
    texts = [n.text for n in read(source(path), include).nodes]
    assert len(texts) == 6 and texts[0] == alone[0] and texts[-1] == alone[-1]


def test_an_unreadable_include_names_its_line():
    def missing(name: str) -> str:
        """No included file can be found."""
        raise FileNotFoundError(name)

    with pytest.raises(FormatError, match=r"^line 2: cannot read the included file 'x.argdown'"):
        read("[A]: a\n@include(x.argdown)\n", missing)


# Argdown's syntax, read


@pytest.mark.parametrize(
    "line, relation",
    [
        ("+ [B]: b", ("s:B", "s:A", "support", False)),
        ("<+ [B]: b", ("s:B", "s:A", "support", False)),
        ("- [B]: b", ("s:B", "s:A", "counter", False)),
        ("<- [B]: b", ("s:B", "s:A", "counter", False)),
        ("_ [B]: b", ("s:B", "s:A", "counter", True)),
        ("<_ [B]: b", ("s:B", "s:A", "counter", True)),
        ("+> [B]: b", ("s:A", "s:B", "support", False)),
        ("-> [B]: b", ("s:A", "s:B", "counter", False)),
        ("_> [B]: b", ("s:A", "s:B", "counter", True)),
        ("><  [B]: b", ("s:A", "s:B", "contradiction", False)),
        ("+ <B>: b", ("a:B", "s:A", "support", False)),
        ("-> <B>: b", ("s:A", "a:B", "counter", False)),
    ],
)
def test_each_relation_symbol_and_direction(line, relation):
    assert keys_and_edges(f"[A]: a\n  {line}\n")[1] == {relation}


def test_an_undercut_aims_at_the_argument():
    keys, edges = keys_and_edges("<A>: a\n  <_ <U>: u\n\n<B>: b\n  _> <A>")
    assert edges == {("a:U", "a:A", "counter", True), ("a:B", "a:A", "counter", True)}
    data = read("<A>: a\n  <_ <U>: u")
    assert (data.node("a:U").kind, data.node("a:U").undercut) == ("counter", True)


def test_nested_relations_follow_the_indentation():
    text = "A\n  + B\n  - C\n      <+ D\n        <- E\n          +> F\n    -> G\n\nH\n  - I\n"
    keys, edges = keys_and_edges(text)
    assert len(keys) == 9
    names = {f"s:Untitled {i}": c for i, c in enumerate("ABCDEFGHI", 1)}
    named = {(names[s], names[t], r) for s, t, r, _ in edges}
    assert named == {
        ("B", "A", "support"),
        ("C", "A", "counter"),
        ("D", "C", "support"),
        ("E", "D", "counter"),
        ("E", "F", "support"),
        ("A", "G", "counter"),
        ("I", "H", "counter"),
    }
    data = read(text)
    assert [n.text for n in data.nodes] == list("ABCDEFGHI")
    assert data.node("s:Untitled 4").parent == "s:Untitled 3"


def test_hard_wrapped_lines_join_with_a_space():
    data = read("[A]: first line\nsecond line\n  + [B]: third\n    fourth\n  - fifth\n  sixth\n")
    assert [n.text for n in data.nodes] == ["first line second line", "third fourth", "fifth sixth"]


def test_escapes_bold_italic_links_and_mentions_keep_their_text():
    data = read(r"[A]: \[x\] \#y \<w\> **bold** _it_ [link](http://a.b) @[B] \\ :heart:")
    assert data.nodes[0].text == "[x] #y <w> bold it link @[B] \\ ❤"


def test_tags_are_collected_and_left_out_of_the_text():
    data = read("[A]: some #one text #(two words)\n\n[A] #three\n  + <B>: b #(x)")
    assert (data.node("s:A").text, data.node("s:A").tags) == (
        "some text",
        ["one", "two words", "three"],
    )
    assert data.node("a:B").tags == ["x"]


def test_the_last_definition_gives_the_text_and_a_reference_gives_none():
    data = read("[A]: first\n\n[A]: second\n\n[A]\n\n<B>\n\n[C]")
    assert [(n.key, n.text) for n in data.nodes] == [("s:A", "second"), ("a:B", "B"), ("s:C", "C")]


def test_headings_give_the_title_and_front_matter_wins():
    assert read("# The map\n\n## Part\n\n[A]: a").title == "The map"
    text = "===\ntitle: From front matter\ndescription: 'About it'\n===\n\n# Heading\n\n[A]: a"
    data = read(text)
    assert (data.title, data.description) == ("From front matter", "About it")
    assert read("[A]: a").title == "Argdown import"


def test_comments_and_data_blocks_are_skipped():
    text = "<!-- c1 -->\n[A]: a /* c2 */ b // c3\n  + [B]: b {isCanonical: true}\n\n/* [C]: c */\n"
    assert [n.text for n in read(text).nodes] == ["a b", "b"]


def test_premise_conclusion_structure_with_an_inference_line():
    text = "<Arg>: why\n\n(1) [P]: p\n(2) q\n-- modus ponens {uses: [1, 2]} --\n(3) [C]: c\n"
    data = read(text)
    assert [n.key for n in data.nodes] == ["a:Arg", "s:P", "s:Untitled 1", "s:C"]
    edges = {(e.source, e.target, e.relation, e.group) for e in data.edges()}
    assert edges == {
        ("s:P", "a:Arg", "support", 1),
        ("s:Untitled 1", "a:Arg", "support", 1),
        ("a:Arg", "s:C", "support", None),
    }
    assert [n.kind for n in data.nodes] == ["support", "support", "support", "claim"]


def test_a_pcs_without_argument_gets_an_untitled_one_and_undercuts_its_inference():
    keys, edges = keys_and_edges("(1) a\n----\n  <_ [U]: u\n(2) b\n")
    assert keys == {"a:Untitled 1", "s:Untitled 2", "s:U", "s:Untitled 3"}
    assert ("s:U", "a:Untitled 1", "counter", True) in edges


def test_relations_of_a_reconstructed_argument_start_at_its_conclusion():
    text = "[T]: t\n  <- <A>: a\n\n<A>\n\n(1) p\n(2) q\n----\n(3) [C]: c\n"
    assert ("s:C", "s:T", "counter", False) in keys_and_edges(text)[1]


def test_strict_mode_entails_and_contrary():
    text = "===\nmodel:\n    mode: strict\n===\n\n[A]: a\n  + [B]: b\n  - [C]: c\n\n[A]\n  -> [C]"
    assert keys_and_edges(text)[1] == {
        ("s:B", "s:A", "support", False),
        ("s:C", "s:A", "counter", False),
    }


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends(newline):
    text = "# T\n\n[A]: a\nwrapped\n  + [B]: b\n\n(1) p\n----\n(2) [A]\n"
    data = read(text.replace("\n", newline))
    assert shape(data, str) == shape(read(text), str)
    assert data.node("s:A").text == "a wrapped"


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("[A]: a\n*italic\n", 2, "text that starts with * is not closed"),
        ("[A]: see [B] here\n", 1, "expected an empty line before a new paragraph, found '[B]'"),
        ("[A]: a\n\n  + [B]: b\n", 3, "without an empty line between"),
        ("(1) a\n(2) b\n", 2, "inference line (----)"),
        ("(1) a\n---\n(2) b\n", 3, "two hyphens (--)"),
        ("[A]: a {x: [1]; y}\n", 1, "not valid YAML"),
        ("[A]: a\\", 1, "backslash must be followed"),
        ("<A>\n\n(1) a\n----\n(2) b\n\n<A>\n\n(1) c\n----\n(2) d", 9, "already has premises"),
        ("[A]: a\n  >< <B>: b\n", 2, "contradiction (><) can only relate two statements"),
        ("", 1, "expected a statement, argument, heading or list"),
        ("// only a comment\n", 1, "expected a statement"),
        ("[A]: [a\nb](http://x)\n", 1, "a link must stay on one line"),
        ("# Title\n[A]: a\n", 2, "expected an empty line"),
    ],
)
def test_broken_files_name_the_line(text, line, message):
    with pytest.raises(FormatError) as caught:
        read(text)
    assert caught.value.where == f"line {line}"
    assert message in caught.value.message


def test_too_large_or_too_deep_is_refused():
    with pytest.raises(FormatError, match="larger than 5 MB"):
        read("[A]: " + "x" * argdown.MAX_BYTES)
    deep = "[A0]: a\n" + "".join("  " * i + f"+ [A{i}]: a\n" for i in range(1, 202))
    with pytest.raises(FormatError, match="^line 202: indentation is nested deeper than 200"):
        read(deep)
    ok = "[A0]: a\n" + "".join("  " * i + f"+ [A{i}]: a\n" for i in range(1, 201))
    assert len(read(ok).nodes) == 201


# Writing


HOSTILE_TEXTS = [shown for _name, _typed, shown in HOSTILE] + [
    "[x]",
    "#tag",
    "// c",
    "{a: 1}",
    "@[x]",
    "+ leading plus",
    "- leading minus",
    "(1) numbered",
    "1. listed",
    "* starred",
    "# heading",
    "-- inference --",
    "'+ quoted",
    "<<x>> and <b>",
    '"; a -> b; "',
    "\\N \\",
    "snake_case.attr_x.y",
    "e.g. :heart: .A.",
    "a,  b;  c",
    "===",
    "/* c */ <!-- d -->",
    "line one\nline two",
    "  padded  ",
    "",
    "x\u2028y",
    "tab\there",
    "[A]: not a title",
    "<a1>: nor this",
    "{",
    "}",
    "\\",
    "emoji 👩‍👩‍👧 rtl שלום",
]
PLAIN_TEXTS = [
    "[x]",
    "#tag",
    "// c",
    "{a: 1}",
    "@[x]",
    "+ leading plus",
    "<<x>> and <b>",
    '"; a -> b; "',
    "\\N \\",
    "snake_case.attr_x.y",
    "e.g. :heart: .A.",
    "a,  b;  c",
    "===",
    "/* c */ <!-- d -->",
    "[A]: not a title",
    "emoji 👩‍👩‍👧 rtl שלום",
]


def hostile_map(text: str) -> MapData:
    """A claim, a pro, a con of the pro that undercuts, a link and a contradiction, all `text`."""
    nodes = [Node(f"n{i}", "claim", text, tags=[text] if i == 1 else []) for i in range(5)]
    edges = [
        Edge("n1", "n0", "support"),
        Edge("n2", "n1", "counter", undercut=True),
        Edge("n3", "n0", "counter"),
        Edge("n3", "n1", "support"),
        Edge("n4", "n0", "contradiction"),
    ]
    return build(text, nodes, edges, description=text)


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_texts_round_trip_exactly(text):
    assert_round_trip(hostile_map(text))


@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_hostile_one_line_texts_are_escaped_so_argdown_reads_them_too(text):
    written = write(build("T", [Node("n0", "claim", text)], []))
    assert "argmap_text" not in written
    assert read(written).nodes[0].text == text


@pytest.mark.parametrize("path", AIF_FILES, ids=lambda p: p.stem)
def test_every_aif_corpus_map_keeps_its_relations_through_argdown(path):
    assert_round_trip(aif.read(path.read_text(encoding="utf-8")))


@pytest.mark.corpus
def test_a_premise_in_two_groups_for_one_conclusion_keeps_both():
    data = aif.read((CORPUS.parent / "aif" / "nodeset573.json").read_text(encoding="utf-8"))
    text = assert_round_trip(data)
    edges = read(text).edges()
    groups = [e.group for e in edges if (e.source, e.target) == ("a:a5", "s:s2")]
    assert len(groups) == len(set(groups)) == 2
    assert {e.source for e in edges if e.group == groups[1]} == {"a:a5", "a:a8"}


def test_written_argdown_uses_statements_arguments_and_relation_lines():
    written = assert_round_trip(hostile_map("x"))
    assert written.splitlines() == [
        '# x {"argmap_description": "x"}',
        "",
        "[s1]: x",
        "  <+ <a2>: x #(x)",
        "    <_ <a3>: x",
        "  <- <a4>: x",
        "",
        "[s5]: x",
        "",
        "<a2>",
        "  <+ <a4>",
        "",
        "[s5]",
        "  >< [s1]",
    ]


def test_linked_premises_become_an_argument_with_a_pcs():
    nodes = [Node(k, "claim", t) for k, t in [("c", "C"), ("r", "R"), ("p", "P"), ("q", "Q")]]
    edges = [Edge("r", "c", "support"), Edge("p", "r", "support", 7), Edge("q", "r", "support", 7)]
    written = assert_round_trip(build("T", nodes, edges))
    assert "<a2>: R\n\n(1) [s3]: P\n(2) [s4]: Q\n----\n(3) [s1]" in written


def test_other_groups_keep_their_number_in_a_data_block():
    nodes = [Node(k, "claim", k.upper()) for k in "cpq"]
    edges = [Edge("p", "c", "counter", 3), Edge("q", "c", "counter", 3)]
    written = assert_round_trip(build("T", nodes, edges))
    assert '  <- <a2>: P {"argmap_group": 3}' in written


def test_quote_source_and_odd_tags_survive_in_data():
    node = Node("n", "claim", "t", quote="q (p. 3)", source="http://x/[1]", tags=["a)b", "", "a"])
    assert_round_trip(build("T", [node], []))


def test_deep_chains_continue_in_new_blocks():
    nodes = [Node(f"n{i}", "claim", f"N{i}") for i in range(120)]
    edges = [Edge(f"n{i}", f"n{i - 1}", "support") for i in range(1, 120)]
    written = assert_round_trip(build("T", nodes, edges))
    assert max(len(line) - len(line.lstrip()) for line in written.splitlines()) == 2 * 41


def test_an_empty_map_writes_its_title():
    assert_round_trip(MapData(title="Empty"))
    assert_round_trip(MapData(title=""))
    assert_round_trip(MapData(title="two\nlines", description="d"))


def random_forest(rng: random.Random, nodes: int, back: int) -> list[Edge]:
    """Each node related to one earlier node (a forest), then `back` relations to later ones."""
    edges = [
        Edge(f"n{i}", f"n{rng.randrange(i)}", rng.choice(["support", "counter"]))
        for i in range(1, nodes)
    ]
    rng.shuffle(edges)
    edges += [Edge("n0", f"n{rng.randrange(1, nodes)}", "support") for _ in range(back)]
    edges.insert(rng.randrange(len(edges)), Edge("n1", "n0", "contradiction"))
    return edges


@pytest.mark.parametrize("seed", range(20))
def test_trees_keep_every_relation_and_a_relation_back_closes_a_cycle(seed):
    rng = random.Random(seed)
    edges = random_forest(rng, rng.randint(3, 60), seed % 2)
    kept = argdown.without_cycles(edges)
    assert kept == naive_without_cycles(edges)
    assert len(kept) == len(edges) - seed % 2
