"""The tidy tree layout for big maps: columns by depth, no overlaps, parents centred."""

from __future__ import annotations

import random

import pytest

from argmap.layout import COLUMN_GAP, MIN_HEIGHT, MIN_WIDTH, box_size, char_width, tidy


def random_forest(count: int, seed: int) -> dict[int, int | None]:
    """A forest in drawing order: mostly deep chains and bushes, a few extra roots."""
    rng = random.Random(seed)
    parents: dict[int, int | None] = {1: None}
    for node in range(2, count + 1):
        if rng.random() < 0.03:
            parents[node] = None
        else:
            parents[node] = rng.randint(max(1, node - rng.choice((2, 40))), node - 1)
    return parents


def random_sizes(parents: dict, seed: int) -> dict[int, tuple[float, float]]:
    """Boxes of one to eight lines of 1 to 32 characters."""
    rng = random.Random(seed)
    return {n: box_size(["m" * rng.randint(1, 32)] * rng.randint(1, 8)) for n in parents}


def depth_of(parents: dict, node: int) -> int:
    """How many parent steps lead from the node to its root."""
    level = 0
    while parents[node] is not None:
        node, level = parents[node], level + 1
    return level


@pytest.mark.parametrize("seed", range(12))
def test_no_two_boxes_of_a_column_overlap(seed):
    parents = random_forest(400, seed)
    boxes = tidy(parents, random_sizes(parents, seed))
    columns: dict[float, list] = {}
    for box in boxes.values():
        columns.setdefault(box.x, []).append(box)
    for column in columns.values():
        column.sort(key=lambda b: b.y)
        for upper, lower in zip(column, column[1:], strict=False):
            assert upper.y + upper.height / 2 <= lower.y - lower.height / 2 + 1e-6


@pytest.mark.parametrize("seed", range(12))
def test_parents_stand_centred_on_their_children_and_keep_their_order(seed):
    parents = random_forest(400, seed)
    boxes = tidy(parents, random_sizes(parents, seed))
    children: dict[int, list[int]] = {}
    for node, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(node)
    for parent, kids in children.items():
        assert boxes[parent].y == pytest.approx((boxes[kids[0]].y + boxes[kids[-1]].y) / 2)
        ys = [boxes[k].y for k in kids]
        assert ys == sorted(ys)


def test_each_depth_is_a_column_left_to_right_with_room_between():
    parents = random_forest(300, 5)
    sizes = random_sizes(parents, 5)
    boxes = tidy(parents, sizes)
    by_depth: dict[int, set[float]] = {}
    for node, box in boxes.items():
        by_depth.setdefault(depth_of(parents, node), set()).add(box.x)
    assert all(len(xs) == 1 for xs in by_depth.values())
    lefts = [by_depth[d].pop() for d in sorted(by_depth)]
    assert lefts == sorted(lefts)
    for node, parent in parents.items():
        if parent is not None:
            gap = (boxes[node].x - boxes[node].width / 2) - (boxes[parent].x + sizes[parent][0] / 2)
            assert gap >= COLUMN_GAP - 1e-6


def test_a_deep_chain_and_a_wide_bush_are_placed_without_recursion():
    chain = {1: None, **{n: n - 1 for n in range(2, 5001)}}
    bush = {1: None, **dict.fromkeys(range(2, 5001), 1)}
    for parents in (chain, bush):
        boxes = tidy(parents, {n: (MIN_WIDTH, MIN_HEIGHT) for n in parents})
        assert len(boxes) == 5000


def test_the_same_forest_gives_the_same_layout():
    parents = random_forest(200, 3)
    sizes = random_sizes(parents, 3)
    assert tidy(parents, sizes) == tidy(dict(parents), dict(sizes))


def test_box_sizes_follow_graphviz_for_dejavu_sans_11pt():
    # Graphviz's own sizes for these labels (neato -n2 -Tplain), in points: widths as its
    # text shaper measures them, heights as it spaces lines without it (argmap.plaintext).
    assert box_size(["a" * 10]) == pytest.approx((86.0, 36.0), abs=1.0)
    assert box_size(["a" * 30]) == pytest.approx((221.0, 36.0), abs=1.0)
    assert box_size(["a" * 10] * 4)[1] == pytest.approx(64.8, abs=0.5)
    assert box_size([""]) == (MIN_WIDTH, MIN_HEIGHT)
    assert char_width("漢") > char_width("a") > char_width("i")


def test_a_line_is_as_wide_as_its_characters_whatever_they_are():
    from argmap.layout import WIDTHS, line_width

    every = "".join(chr(c) for c in range(256)) + "–—…“”漢字😀\u0301"
    for line in ("", "Homework helps.", every, every[::-1] * 3, "naïve café Ä", "a\tb\x7f"):
        assert abs(line_width(line) - sum(WIDTHS[c] for c in line)) < 1e-9, line


@pytest.mark.parametrize("length", [1, 4366, 4367, 4368, 4369, 20_000])
def test_a_long_line_of_the_widest_characters_is_measured_exactly(length):
    from argmap.layout import ADLER_EXACT, WIDTHS, line_width

    assert ADLER_EXACT == 4368  # 65520 // 15: the widest character below U+0100 is 15 steps
    for line in ("W" * length, "@" * length, ("Wi" * length)[:length]):
        assert abs(line_width(line) - sum(WIDTHS[c] for c in line)) < 1e-6 * length, line[:8]
