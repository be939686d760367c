"""A tidy tree layout for maps too big for `dot`: columns by depth, parents centred on children.

`dot` spends seconds in network simplex on big maps (5,000 nodes with cross links: 2.1 s
with the fast settings); this layout is linear in the nodes (bench: 5,000 nodes in about
0.1 s) and Graphviz then only draws it (`neato -n2`). The thesis stands in the left column,
each level of reasons in the next column to the right, as in the `dot` drawing (rankdir=RL).
Node sizes come from a table of DejaVu Sans 11 pt character widths taken from Graphviz's own
output, so the boxes Graphviz draws match the room left for them (within a few points).
"""

from __future__ import annotations

from dataclasses import dataclass


class Widths(dict):
    """Character widths; a character not in the table gets its class's width on first use."""

    def __missing__(self, char: str) -> float:
        width = WIDE_WIDTH if ord(char) >= 0x1100 else DEFAULT_WIDTH
        self[char] = width
        return width


DEFAULT_WIDTH = 6.775  # digits, most lower-case letters and most other scripts' letters
WIDE_WIDTH = 11.0  # CJK and emoji take about a full em
# Advance widths in points of DejaVu Sans at 11 pt, as Graphviz measures them.
WIDTHS = Widths(
    {
        **dict.fromkeys(" ,-./:;\\|·‘’", 3.775),
        **dict.fromkeys("'IJijl", 3.025),
        **dict.fromkeys("!()[]frt", 4.525),
        **dict.fromkeys('"*_`–', 5.275),
        **dict.fromkeys("?Lcksz“”çF", 6.025),
        **dict.fromkeys("#+<=>^~Ow", 9.025),
        **dict.fromkeys("%m", 10.525),
        **dict.fromkeys("@W—…", 11.275),
        **dict.fromkeys("ABCKRVXZÄ", 7.525),
        **dict.fromkeys("DGHNUÜ", 8.275),
        "M": 9.775,
        "Q": 9.025,
        "Ö": 9.025,
    }
)
MARGIN_X, MARGIN_Y = 17.28, 12.0  # the node margin "0.12,0.08" as Graphviz applies it
# Lines 1.2 times the font size apart: Graphviz's own spacing when it draws a tidy tree
# without its text shaper (argmap.plaintext); boxes are drawn at these sizes (fixedsize).
LINE_HEIGHT = 13.2
MIN_WIDTH, MIN_HEIGHT = 54.0, 36.0
COLUMN_GAP = 60.0  # room between columns for the edges and their junctions
ROW_GAP = 10.0


@dataclass
class Box:
    """A node's place: the centre of its box and its size, in points, y growing downwards."""

    x: float
    y: float
    width: float
    height: float


def char_width(char: str) -> float:
    """The width Graphviz gives one character of DejaVu Sans 11 pt."""
    return WIDTHS[char]


def box_size(lines: list[str]) -> tuple[float, float]:
    """The width and height of a box holding these label lines."""
    widest = max((sum(map(WIDTHS.__getitem__, line)) for line in lines), default=0.0)
    width = max(MIN_WIDTH, widest + MARGIN_X)
    height = max(MIN_HEIGHT, LINE_HEIGHT * len(lines) + MARGIN_Y)
    return width, height


def tidy(parents: dict[str, str | None], sizes: dict[str, tuple[float, float]]) -> dict[str, Box]:
    """Place a forest: `parents` maps each node (in drawing order) to its parent or None.

    Each level is a column; within a column nodes keep their order and never overlap; a
    parent stands centred on its children, a subtree moving down as a whole when its column
    is already taken (lazy offsets keep this linear but for the depth of the moved subtree).
    """
    children: dict[str | None, list[str]] = {}
    for node, parent in parents.items():
        children.setdefault(parent if parent in parents else None, []).append(node)
    depth, order = _walk(children)
    free: list[float] = []  # the first free y of each column
    top: dict[str, float] = {}
    shift: dict[str, float] = {}  # moves a node's descendants down (applied at the end)
    low: dict[str, int] = {}  # how many levels a subtree reaches below its root
    for node in order:  # children before their parent
        level, height = depth[node], sizes[node][1]
        while len(free) <= level:
            free.append(0.0)
        kids = children.get(node, [])
        low[node] = max((low[k] + 1 for k in kids), default=0)
        if kids:
            first, last = kids[0], kids[-1]
            middle = (top[first] + sizes[first][1] / 2 + top[last] + sizes[last][1] / 2) / 2
            want = middle - height / 2
        else:
            want = free[level]
        move = max(0.0, free[level] - want)
        top[node] = want + move
        if move:
            shift[node] = move
            for below in range(level + 1, level + 1 + low[node]):
                free[below] += move
        free[level] = top[node] + height + ROW_GAP
    _push_down(children, top, shift)
    return _boxes(depth, top, sizes)


def _walk(children: dict[str | None, list[str]]) -> tuple[dict[str, int], list[str]]:
    """Each node's depth, and the nodes in post-order (children first), without recursion."""
    depth: dict[str, int] = {}
    order: list[str] = []
    stack = [(root, 0, False) for root in reversed(children.get(None, []))]
    while stack:
        node, level, done = stack.pop()
        if done:
            order.append(node)
            continue
        depth[node] = level
        stack.append((node, level, True))
        stack.extend((k, level + 1, False) for k in reversed(children.get(node, [])))
    return depth, order


def _push_down(children: dict, top: dict[str, float], shift: dict[str, float]) -> None:
    """Apply each moved subtree's offset to all its descendants, parents first."""
    stack = [(root, 0.0) for root in children.get(None, [])]
    while stack:
        node, carried = stack.pop()
        top[node] += carried
        passed = carried + shift.get(node, 0.0)
        stack.extend((k, passed) for k in children.get(node, []))


def _boxes(depth: dict[str, int], top: dict[str, float], sizes: dict) -> dict[str, Box]:
    """Boxes with x from the column of each depth (columns as wide as their widest node)."""
    widths: dict[int, float] = {}
    for node, level in depth.items():
        widths[level] = max(widths.get(level, 0.0), sizes[node][0])
    left, x = 0.0, {}
    for level in range(len(widths)):
        x[level] = left + widths[level] / 2
        left += widths[level] + COLUMN_GAP
    return {
        node: Box(x[level], top[node] + sizes[node][1] / 2, *sizes[node])
        for node, level in depth.items()
    }
