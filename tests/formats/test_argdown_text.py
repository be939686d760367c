"""A statement's text and tags, built in one pass over its tokens, as Argdown joins them."""

from __future__ import annotations

import pytest

from argmap.errors import FormatError
from argmap.formats import argdown
from argmap.model import levels


@pytest.mark.parametrize(
    "text, nodes",
    [
        ("[s]: *a\nb* c", [("s:s", "a b c", [])]),
        ("[s]: **a _b_\n** c\nd", [("s:s", "a b c d", [])]),
        ("[s]: *a\n*", [("s:s", "a", [])]),
        ("[s]: x #a #b #a #(c d) y\n#b", [("s:s", "x y", ["a", "b", "c d"])]),
        ("[s]: a #x #y\n\n[s] #y #z", [("s:s", "a", ["x", "y", "z"])]),
        ("[s]: a *b* #t :heart: \\* .A. c\n*d*", [("s:s", "a b ❤ * ∀ c d", ["t"])]),
        (
            "[s]: \n  <+ x *y* #t\n  <- **z**\n",
            [("s:s", "s", []), ("s:Untitled 1", "x y", ["t"]), ("s:Untitled 2", "z", [])],
        ),
    ],
)
def test_text_and_tags_are_joined_as_argdown_joins_them(text, nodes):
    data = argdown.read(text)
    assert [(n.key, n.text, n.tags) for n in data.nodes] == nodes


@pytest.mark.parametrize(
    "text, message",
    [
        ("[s]: [l](u\nv) b", "line 1: a link must stay on one line"),
        ("[s]: *a [l](u\nv) b*", "line 1: a link must stay on one line"),
        ("[s]: *a [l](u\nv) b* *c", "line 2: bold or italic text that starts with * is not"),
        ("[s]: [l](u\nv) *b", "line 2: bold or italic text that starts with * is not"),
    ],
)
def test_an_open_range_is_reported_before_a_broken_link(text, message):
    with pytest.raises(FormatError) as error:
        argdown.read(text)
    assert str(error.value).startswith(message)


def test_many_distinct_tags_are_each_kept_once_in_order():
    tags = [f"t{i}" for i in range(20_000)]
    text = "[s]: x " + " ".join(f"#{t}" for t in tags + tags[::-1]) + "\n\n[s] #new #t5"
    (node,) = argdown.read(text).nodes
    assert node.text == "x"
    assert node.tags == [*tags, "new"]


def test_many_references_with_tags_keep_each_tag_once():
    text = "[s]: x\n\n" + "\n\n".join(f"[s] #t{i % 500}" for i in range(5_000))
    (node,) = argdown.read(text).nodes
    assert node.tags == [f"t{i}" for i in range(500)]


@pytest.mark.parametrize(
    "parent, found",
    [
        ({"a": None, "b": "a", "c": "b"}, {"a": 0, "b": 1, "c": 2}),
        ({"c": "b", "b": "a", "a": None}, {"c": 2, "b": 1, "a": 0}),
        ({"b": "a", "x": None, "a": None, "c": "b"}, {"b": 1, "x": 0, "a": 0, "c": 2}),
        ({"a": "a"}, None),
        ({"a": None, "b": "c", "c": "b"}, None),
    ],
)
def test_levels_place_parents_listed_before_or_after_their_children(parent, found):
    assert levels(parent) == found
