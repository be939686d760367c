"""Kialo plain-text export: every corpus file, round trips, quirks and broken files."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import corpus
import pytest
from hostile import HOSTILE

from argmap.errors import FormatError
from argmap.formats import kialo
from argmap.formats.model import build
from argmap.model import Edge, MapData, Node

CORPUS = corpus.CORPUS / "kialo"
FILES = sorted(CORPUS.glob("*.txt"))
NUMBERED = re.compile(r"^((?:\d+\.)+) (.*)$")
SEE = re.compile(r"^(Pro|Con): -> See ((?:\d+\.)+)$")
STANCE = {"Pro": "support", "Con": "counter"}
EXTRA = [
    "\\N \\l \\G \\n \\( \\[ \\X",
    "[x](y) and ![img](z)",
    "1.2. Pro: inside text",
    "-> See 1.1.",
    "Con: starts like a stance",
    "(parens) [brackets] \\(escaped\\) \\[too\\]",
    "line one\n1.2. Pro: line two\n\nline four\n3. not a thesis",
    "Discussion Title: fake",
]
TEXTS = [shown for _name, _typed, shown in HOSTILE] + EXTRA


def lines_of(path: Path) -> list[str]:
    """A corpus file's lines, without line ends."""
    return path.read_text(encoding="utf-8").splitlines()


def relations(data: MapData) -> set[tuple[str, str, str]]:
    """Every relation as (source text, target text, relation)."""
    text = {node.key: node.text for node in data.nodes}
    return {(text[e.source], text[e.target], e.relation) for e in data.edges()}


def kialo_file(*claims: str) -> str:
    """A Kialo export with this title line and these numbered lines."""
    return "\n".join(["Discussion Title: T", "", *claims]) + "\n"


def map_of(*texts: str) -> MapData:
    """A claim with one Pro, one Con of the Pro, and a link from the Con to the claim."""
    nodes = [Node(f"n{i}", "claim", text) for i, text in enumerate(texts)]
    edges = [Edge("n1", "n0", "support")]
    if len(nodes) > 2:
        edges += [Edge("n2", "n1", "counter"), Edge("n2", "n0", "support")]
    return build("Hostile", nodes, edges)


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem[:40])
def test_corpus_every_numbered_line_is_a_node_with_its_stance(path):
    claims = [m for m in map(NUMBERED.match, lines_of(path)[2:]) if m]
    plain = [m for m in claims if not SEE.match(m.group(2))]
    expected = [STANCE.get(m.group(2)[:3], "claim") for m in plain]
    data = kialo.read(path.read_text(encoding="utf-8"))
    assert [node.kind for node in data.nodes] == expected
    assert [node.key + "." for node in data.nodes] == [m.group(1) for m in plain]
    assert len(claims) == len(lines_of(path)) - 2


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem[:40])
def test_corpus_every_see_line_is_a_link(path):
    expected = set()
    for found in filter(None, map(NUMBERED.match, lines_of(path)[2:])):
        see = SEE.match(found.group(2))
        if see:
            parent = found.group(1)[:-1].rsplit(".", 1)[0]
            expected.add((see.group(2)[:-1], parent, STANCE[see.group(1)]))
    data = kialo.read(path.read_text(encoding="utf-8"))
    assert {(li.source, li.target, li.relation) for li in data.links} == expected
    assert len(data.links) == len(expected) > 0


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem[:40])
def test_corpus_texts_are_unescaped_and_keep_their_links(path):
    data = kialo.read(path.read_text(encoding="utf-8"))
    bodies = [m.group(2) for m in map(NUMBERED.match, lines_of(path)[2:]) if m]
    bodies = [re.sub(r"^(Pro|Con): ", "", b) for b in bodies if not SEE.match(b)]
    assert [n.text for n in data.nodes] == [re.sub(r"\\(.)", r"\1", b).strip() for b in bodies]
    for node, body in zip(data.nodes, bodies, strict=True):
        assert bool(node.source) == ("](" in body)


@pytest.mark.corpus
def test_corpus_sources_are_the_link_urls():
    data = kialo.read((CORPUS / "should-hate-speech-be-illegal-6148.txt").read_text("utf-8"))
    assert data.node("1.1.6").source == "http://www.kialo.com"
    assert "[Kialo](http://www.kialo.com)" in data.node("1.1.6").text
    name = "should-hate-speech-be-legally-protected-10134.txt"
    sources = " ".join(n.source for n in kialo.read((CORPUS / name).read_text("utf-8")).nodes)
    assert 'https://hudoc.echr.coe.int/eng#{"itemid":["003-5110487-6300958"]}' in sources
    assert "http://Magyar%20Tartalomszolgaltatok%20Egyesulete%20and%20Index.hu" in sources


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem[:40])
def test_corpus_round_trip(path):
    data = kialo.read(path.read_text(encoding="utf-8"))
    again = kialo.read(kialo.write(data))
    assert again.title == data.title
    assert [(n.text, n.kind, n.source) for n in again.nodes] == [
        (n.text, n.kind, n.source) for n in data.nodes
    ]
    assert relations(again) == relations(data)


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem[:40])
def test_corpus_claim_lines_are_written_as_kialo_wrote_them(path):
    def bodies(lines: list[str]) -> Counter:
        found = filter(None, map(NUMBERED.match, lines[2:]))
        return Counter(m.group(2) for m in found if not SEE.match(m.group(2)))

    written = kialo.write(kialo.read(path.read_text(encoding="utf-8")))
    assert bodies(written.splitlines()) == bodies(lines_of(path))
    assert written.splitlines()[0] == lines_of(path)[0]


def test_multi_line_claims_continue_until_the_next_number():
    data = kialo.read(kialo_file("1. Thesis", "1.1. Pro: First line", "second line", "", "fourth"))
    assert data.node("1.1").text == "First line\nsecond line\n\nfourth"


def test_escapes_are_undone():
    data = kialo.read(kialo_file(r"1. A \(b\) \[c\] \\ \X"))
    assert data.nodes[0].text == r"A (b) [c] \ X"


def test_see_may_point_forward():
    data = kialo.read(kialo_file("1. T", "1.1. Pro: A", "1.1.1. Con: -> See 1.2.", "1.2. Con: B"))
    assert [(li.source, li.target, li.relation) for li in data.links] == [("1.2", "1.1", "counter")]
    assert [n.key for n in data.nodes] == ["1", "1.1", "1.2"]


def test_several_theses_are_several_claims():
    data = kialo.read(kialo_file("1. First", "1.1. Pro: A", "2. Second", "2.1. Con: -> See 1.1."))
    assert [(n.text, n.kind, n.parent) for n in data.nodes] == [
        ("First", "claim", None),
        ("A", "support", "1"),
        ("Second", "claim", None),
    ]
    assert [(li.source, li.target, li.relation) for li in data.links] == [("1.1", "2", "counter")]


def test_crlf_and_byte_order_mark_are_accepted():
    data = kialo.read("\ufeffDiscussion Title: T\r\n\r\n1. A\r\n1.1. Con: B\r\n")
    assert [(n.text, n.kind) for n in data.nodes] == [("A", "claim"), ("B", "counter")]


def test_a_tab_after_the_number_is_whitespace():
    data = kialo.read(kialo_file("1.\tThesis", "1.1.\tPro:\tA", "1.2.\t Con: B", "1.1.1.\tCon: C"))
    assert [(n.key, n.text, n.kind, n.parent) for n in data.nodes] == [
        ("1", "Thesis", "claim", None),
        ("1.1", "A", "support", "1"),
        ("1.2", "B", "counter", "1"),
        ("1.1.1", "C", "counter", "1.1"),
    ]


def test_a_see_repeating_a_parent_edge_is_kept_once():
    data = kialo.read(kialo_file("1. T", "1.1. Pro: A", "1.2. Pro: -> See 1.1."))
    assert data.links == []


@pytest.mark.parametrize("text", TEXTS)
def test_hostile_text_round_trips(text):
    data = map_of(text, text, text)
    again = kialo.read(kialo.write(data))
    assert [(n.text, n.kind) for n in again.nodes] == [(text, "claim"), (text, "support")] + [
        (text, "counter")
    ]
    assert [(li.source, li.target, li.relation) for li in again.links] == [
        ("1.1.1", "1", "support")
    ]


@pytest.mark.parametrize("text", TEXTS)
def test_hostile_title_round_trips(text):
    data = map_of("A", "B")
    data.title = " ".join(text.split())
    assert kialo.read(kialo.write(data)).title == data.title


def test_source_links_stay_links_and_other_brackets_are_escaped():
    data = map_of("See [the report](http://x.org/a_(b)) and [x](y)", "B")
    data.nodes[0].source = "http://x.org/a_(b)"
    written = kialo.write(data)
    assert r"1. See [the report](http://x.org/a_\(b\)) and \[x\]\(y\)" in written.splitlines()
    assert kialo.read(written).nodes[0].source == "http://x.org/a_(b)"


def test_writer_numbers_depth_first_and_writes_links_after_children():
    nodes = [Node("c", "claim", "C"), Node("p", "claim", "P"), Node("q", "claim", "Q")]
    nodes += [Node("r", "claim", "R")]
    edges = [Edge("p", "c", "support"), Edge("q", "p", "counter"), Edge("r", "c", "counter")]
    edges += [Edge("q", "c", "counter"), Edge("r", "q", "contradiction")]
    assert kialo.write(build("Title", nodes, edges)).splitlines() == [
        "Discussion Title: Title",
        "",
        "1. C",
        "1.1. Pro: P",
        "1.1.1. Con: Q",
        "1.2. Con: R",
        "1.3. Con: -> See 1.1.1.",
    ]


def test_writer_refuses_a_map_deeper_than_kialo_allows():
    nodes = [Node(str(i), "claim", f"n{i}") for i in range(202)]
    data = build("Deep", nodes, [Edge(str(i + 1), str(i), "support") for i in range(201)])
    with pytest.raises(FormatError, match="deeper"):
        kialo.write(data)


def deep_file(levels: int) -> str:
    """A chain of claims `levels` deep."""
    return kialo_file(
        *[".".join(["1"] * n) + ". " + ("Pro: x" if n > 1 else "x") for n in range(1, levels + 1)]
    )


def test_nesting_is_bounded():
    assert len(kialo.read(deep_file(200)).nodes) == 200
    with pytest.raises(FormatError) as err:
        kialo.read(deep_file(201))
    assert err.value.where == "line 203"


def test_size_is_bounded():
    with pytest.raises(FormatError, match="larger than 5 MB"):
        kialo.read(kialo_file("1. " + "x" * 100, *["1.1. Pro: " + "y" * 999] * 5300))


BROKEN = [
    ("1. A\n", "line 1", "Discussion Title"),
    ("Discussion Title:  \n\n1. A\n", "line 1", "empty"),
    ("Discussion Title: T\n\n", "line 2", "no numbered claim"),
    (kialo_file("Some text", "1. A"), "line 3", "numbered line"),
    (kialo_file("1. A", "1.2.1. Pro: B"), "line 4", "parent 1.2."),
    (kialo_file("1. A", "1.1. Pro: B", "1.1. Con: C"), "line 5", "used twice"),
    (kialo_file("1. A", "1.1. Pro: -> See 1.9."), "line 4", "names no claim"),
    (kialo_file("1. A", "1.1. Pro: -> See 1.2.", "1.2. Pro: -> See 1."), "line 4", "no claim"),
    (kialo_file("1. Con: A"), "line 3", "thesis"),
    (kialo_file("1. A", "1.1. B"), "line 4", "'Pro:' or 'Con:'"),
    (kialo_file("1. A", "1.1. Pro:   "), "line 4", "empty"),
    (kialo_file("1.", "1.1. Pro: B"), "line 3", "empty"),
    (kialo_file("1. A", "1.1. Pro: " + "x" * 1001), "line 4", "longer than 1000"),
    (kialo_file("1. A", "1.1. Pro: B", "1.1.1. Pro: -> See 1."), "line 5", "cycle"),
    (kialo_file("1. A", "1.1. Pro: -> See 1."), "line 4", "cycle"),
]


@pytest.mark.parametrize(("text", "where", "message"), BROKEN)
def test_broken_files_name_the_line(text, where, message):
    with pytest.raises(FormatError) as err:
        kialo.read(text)
    assert err.value.where == where
    assert message in err.value.message
