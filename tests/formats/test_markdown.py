"""Markdown outline: structure, labels, quotes, links, groups, undercuts and escaping."""

from __future__ import annotations

import re

import corpus
import pytest
from hostile import HOSTILE

from argmap.formats import aif, kialo, markdown
from argmap.formats.model import build
from argmap.model import Edge, MapData, Node

CORPUS = corpus.CORPUS
SPECIAL = set("\\`*_[]<>#|~&")
EXTRA = [
    "\\N \\l \\G",
    "[x](y) and ![img](z)",
    "1.2. Pro: inside text",
    "*stars* **bold** _under_ `code` ~~strike~~",
    "# not a heading",
    "line one\n- not a list\n1. not a list\n\n> not a quote\n===\n+ nor this",
    "| a | b |\n|---|---|",
]
TEXTS = [shown for _name, _typed, shown in HOSTILE] + EXTRA


def unescape(text: str) -> str:
    """What a Markdown renderer shows for our escaped text: hard breaks and escapes undone."""
    text = re.sub(r"\\\n *", "\n", text)
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def unescaped_specials(text: str) -> list[str]:
    """Markdown-significant characters that are not backslash-escaped."""
    found, escaped = [], False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in SPECIAL:
            found.append(char)
    return found


def sample() -> MapData:
    """A claim with a Pro, a Con, a rebuttal, a group, an undercut, a quote and links."""
    nodes = [Node(k, "claim", t) for k, t in [("c", "Claim"), ("p", "Pro one"), ("q", "Pro two")]]
    nodes += [Node("k", "claim", "A con", quote="It said so", source="http://a.example")]
    nodes += [Node("r", "claim", "A rebuttal"), Node("u", "claim", "Undercutter")]
    edges = [Edge("p", "c", "support", 3), Edge("q", "c", "support", 3), Edge("k", "c", "counter")]
    edges += [Edge("r", "k", "counter"), Edge("u", "p", "counter", None, True)]
    edges += [Edge("r", "p", "support"), Edge("u", "k", "contradiction")]
    return build("My map", nodes, edges, description="What this is about.")


def test_outline_of_a_small_map():
    assert markdown.write(sample()).splitlines() == [
        "# My map",
        "",
        "What this is about.",
        "",
        "- **Claim:** Claim",
        "  - **Pro:** Pro one *(together with: Pro two)*",
        "    - **Con:** Undercutter *(objects to the inference from “Pro one” to “Claim”)*",
        "      - *Contradicts:* A con",
        "  - **Pro:** Pro two *(together with: Pro one)*",
        "  - **Con:** A con",
        "    > “It said so” — http://a.example",
        "    - **Rebuttal:** A rebuttal",
        "      - *Also supports:* Pro one",
    ]


def test_source_without_quote_and_no_description():
    data = build("T", [Node("a", "claim", "A", source="http://s.example")], [])
    assert markdown.write(data) == "# T\n\n- **Claim:** A\n  > Source: http://s.example\n"


def test_several_claims_are_several_trees():
    data = build("T", [Node("a", "claim", "A"), Node("b", "claim", "B")], [])
    assert markdown.write(data).splitlines()[2:] == ["- **Claim:** A", "- **Claim:** B"]


@pytest.mark.parametrize("text", TEXTS)
def test_hostile_text_shows_as_typed(text):
    data = build(text, [Node("a", "claim", text), Node("b", "claim", text)], [])
    data.nodes[1].parent, data.nodes[1].kind = "a", "counter"
    written = markdown.write(data)
    title, body = written.split("\n", 1)
    assert unescape(title.removeprefix("# ")) == " ".join(text.split())
    bullet = body.split("  - **Con:** ", 1)[1]
    assert unescape(bullet.rstrip("\n")) == text
    assert unescaped_specials(bullet) == []
    for line in bullet.splitlines()[1:]:
        assert re.match(r" *(\\|[^-+=>#*\d]|\d+[^.)\d]|$)", line)


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["kialo", "aif"])
def test_every_corpus_node_is_one_bullet(name):
    if name == "kialo":
        maps = [kialo.read(p.read_text("utf-8")) for p in sorted(CORPUS.glob("kialo/*.txt"))]
    else:
        maps = [aif.read(p.read_text("utf-8")) for p in sorted(CORPUS.glob("aif/*.json"))[:50]]
    for data in maps:
        written = markdown.write(data)
        bullets = re.findall(r"^ *- \*\*(?:Claim|Pro|Con|Rebuttal):\*\* ", written, re.M)
        assert len(bullets) == len(data.nodes)
        links = re.findall(
            r"^ *- \*(?:Also supports|Also objects to|Contradicts):\* ", written, re.M
        )
        assert len(links) == len(data.links)
