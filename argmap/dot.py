"""DOT source for a map, written directly: labels escaped so user text never changes the picture.

Written as text rather than through the `graphviz` package's quoting (bench: 2,000 nodes
0.7 s -> 0.03 s). Only integer ids reach node names, ids and classes; user text reaches
only labels, escaped by the recipe measured in ../shared/NOTES.md: control characters
dropped, `&` as `&amp;`, backslashes doubled, quotes escaped, lines ended with `\\l`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .clean import short
from .labels import KIND_LABELS
from .layout import Box, box_size, tidy
from .model import Edge

WRAP = 32
PART = 250  # statements per part of the DOT text (see build)
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
LINE = re.compile(rf"\S.{{0,{WRAP - 1}}}(?=\s|$)|\S{{{WRAP}}}")
DIRECTIONS = {"rl": "RL", "bt": "BT"}  # the thesis on the left (default), or at the bottom
# newrank: Graphviz 2.43's classic ranking spends seconds after network simplex on big maps;
# the global ranking gives the same levels, every relation still upward (bench: 5,000 nodes
# 5.9 -> 3.7 s CPU, 2,500 nodes 1.3 -> 0.8 s).
FAST_SETTINGS = {"nslimit": "0.2", "mclimit": "0.1", "splines": "line", "newrank": "true"}
TIDY_SETTINGS = {"splines": "false", "outputorder": "edgesfirst"}

# Okabe-Ito colour-blind-safe palette; kinds also differ by shape and line style.
STYLE = {
    "claim": {
        "shape": "box",
        "style": "filled,bold",
        "penwidth": "2",
        "color": "#0072B2",
        "fillcolor": "#DCEBF7",
    },
    "support": {
        "shape": "box",
        "style": "filled,rounded",
        "penwidth": "1.5",
        "color": "#009E73",
        "fillcolor": "#DDF2EA",
    },
    "counter": {
        "shape": "box",
        "style": "filled,rounded,dashed",
        "penwidth": "1.5",
        "color": "#D55E00",
        "fillcolor": "#FBE3D4",
    },
    # A counter of a counter, as the outline names it and in its badge's colour (reddish
    # purple): cut corners and a thicker dashed line, so the shape tells it apart as well.
    "rebuttal": {
        "shape": "box",
        "style": "filled,diagonals,dashed",
        "penwidth": "2",
        "color": "#CC79A7",
        "fillcolor": "#F7E4EF",
    },
}
EDGE_STYLE = {
    "support": {"color": "#009E73", "style": "solid", "arrowhead": "normal"},
    "counter": {"color": "#D55E00", "style": "dashed", "arrowhead": "tee"},
    "contradiction": {
        "color": "#CC79A7",
        "style": "dotted",
        "arrowhead": "tee",
        "arrowtail": "tee",
        "dir": "both",
        "constraint": "false",
    },
}
JUNCTION = {"shape": "point", "width": "0.09", "color": "#555555"}
# A further link (also supports, also objects to) starts at an open circle: a node's parent
# edge has none, so the diagram tells a second relation from the node's own.
LINK_MARK = {"dir": "both", "arrowtail": "odot"}


def attrs(values: dict[str, str]) -> str:
    """A DOT attribute list from code-made values (never user text)."""
    return " ".join(f'{name}="{value}"' for name, value in values.items())


NODE_ATTRS = {kind: attrs(style) for kind, style in STYLE.items()}
EDGE_ATTRS = {relation: attrs(style) for relation, style in EDGE_STYLE.items()}
LINK_ATTRS = {
    relation: attrs(style if relation == "contradiction" else {**style, **LINK_MARK})
    for relation, style in EDGE_STYLE.items()
}
# Most nodes are supports, most lines support lines: their look is the graph's default, so
# their statements name only what is their own (bench: 2,000 nodes' DOT 957 -> 765 KB; Graphviz
# parses it faster). A junction sets back what it does not have of that default.
USUAL = "support"
JUNCTION_RESET = 'tooltip="" style="" penwidth="" fillcolor=""'
INTO_JUNCTION = {
    relation: attrs({"arrowhead": "none", "color": style["color"], "style": style["style"]})
    for relation, style in EDGE_STYLE.items()
}


def wrap(text: str) -> list[str]:
    """The lines a label shows: control characters dropped, each paragraph wrapped at WRAP."""
    text = CONTROL.sub("", text.replace("\r\n", "\n"))
    if "\n" not in text:  # one paragraph, as most texts are
        return LINE.findall(text) or [""]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += LINE.findall(paragraph) or [""]
    return lines


def label(lines: list[str]) -> str:
    """A quoted DOT label that shows the lines exactly, left-aligned."""
    # Escaped once for the whole label: no line holds a newline (wrap splits on them).
    text = "\n".join(lines).replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\n", "\\l") + '\\l"'


def shaped(text: str) -> tuple[str, tuple[float, float]]:
    """A node text's quoted DOT label and its box size."""
    lines = wrap(text)
    return label(lines), box_size(lines)


def shape_of(node: dict) -> tuple[str, tuple[float, float]]:
    """A node's quoted DOT label and box size: as kept with it (argmap.shapes), else made."""
    kept = node.get("label")
    if kept is None:
        return shaped(node["text"])
    return kept, (node["width"], node["height"])


def junction_of(edge: Edge, undercut: set[str]) -> str | None:
    """The junction an edge runs through: its premise group's or its undercut inference's."""
    if edge.relation == "contradiction":
        return None
    if edge.group is not None:
        return f"g{edge.target}_{edge.relation}_{edge.group}"
    return f"u{edge.source}_{edge.target}" if edge.source in undercut else None


def drawn_edges(graph: dict) -> list[Edge]:
    """The relations between nodes that the graph holds (a focused part holds only some).

    As model.MapData.edges() gives them (parent edges, then links), made straight from the
    rows: a drawing needs no whole model (bench: 2,000 nodes 12 -> 3 ms).
    """
    known = {n["id"] for n in graph["nodes"]}
    out = [
        Edge(str(n["id"]), str(n["parent_id"]), n["kind"], n["group"], n["undercut"])
        for n in graph["nodes"]
        if n["parent_id"] in known
    ]
    out += [
        Edge(str(li["from_id"]), str(li["to_id"]), li["relation"], li["group"], li["undercut"])
        for li in graph["links"]
        if li["from_id"] in known and li["to_id"] in known
    ]
    return out


def header(settings: dict[str, str], direction: str) -> list[str]:
    """The graph's opening lines: layout, fonts and default styles."""
    graph = {"rankdir": DIRECTIONS[direction], "nodesep": "0.3", "ranksep": "0.45"}
    graph["class"] = f"dir-{direction}"  # the page tells which way a drawing it holds goes
    graph.update(fontname="DejaVu Sans", bgcolor="white", **settings)
    return [
        f"graph [{attrs(graph)}];",
        'node [fontname="DejaVu Sans" fontsize="11" margin="0.12,0.08"'
        f' tooltip="{USUAL}" {NODE_ATTRS[USUAL]}];',
        f'edge [penwidth="1.4" arrowsize="0.8" {EDGE_ATTRS[USUAL]}];',
    ]


def opening() -> str:
    """The first line of the DOT text."""
    return "digraph argmap {\n"


def batch(statements: list[str]) -> str:
    """Statements as lines of the graph's body."""
    return "".join(f"\t{statement}\n" for statement in statements)


def parts(statements: Iterable[str]) -> Iterator[str]:
    """The DOT text in parts of PART statements: the opening, the statements, the closing."""
    yield opening()
    kept: list[str] = []
    for statement in statements:
        kept.append(statement)
        if len(kept) == PART:
            yield batch(kept)
            kept = []
    yield batch(kept) + "}\n"


def rebuttals(graph: dict) -> set[int]:
    """The counters whose parent is a counter (the outline's rebuttals)."""
    kinds = {n["id"]: n["kind"] for n in graph["nodes"]}
    return {
        n["id"]
        for n in graph["nodes"]
        if n["kind"] == "counter" and kinds.get(n["parent_id"]) == "counter"
    }


def node_line(node: dict, quoted: str, place: str = "", rebuttal: bool = False) -> str:
    """One node statement: integer id and class, the quoted label, the kind's style."""
    number, kind = node["id"], node["kind"]
    look, role = ("rebuttal", " role-rebuttal") if rebuttal else (kind, "")
    own = "" if look == USUAL else f' tooltip="{look}" {NODE_ATTRS[look]}'
    return f'n{number} [label={quoted} id="node-{number}" class="kind-{kind}{role}"{own}{place}];'


def build(
    graph: dict, fast: bool = False, direction: str = "rl", sized: bool = False
) -> Iterator[str]:
    """The DOT source of a map (or of a part of it, for a focused view), laid out by `dot`.

    With `sized`, each box has the size argmap measured (argmap.layout), so that Graphviz
    can draw it without its text shaper (argmap.plaintext). It comes in parts, each made
    when asked for: Graphviz reads the first while the rest are being made.
    """
    return parts(statements(graph, fast, direction, sized))


def statements(graph: dict, fast: bool, direction: str, sized: bool = False) -> Iterator[str]:
    """The statements of a drawing laid out by `dot`, one by one."""
    yield from header(FAST_SETTINGS if fast else {}, direction)
    answers = rebuttals(graph)
    for n in graph["nodes"]:
        quoted_label, size = shape_of(n)
        yield node_line(n, quoted_label, box_attrs(size) if sized else "", n["id"] in answers)
    yield from edge_lines(drawn_edges(graph), {}, further_links(graph))


def box_attrs(size: tuple[float, float]) -> str:
    """A node's own box size, in inches, drawn as given (fixedsize)."""
    return f' fixedsize="true" width="{size[0] / 72:.3f}" height="{size[1] / 72:.3f}"'


def further_links(graph: dict) -> set[tuple[str, str]]:
    """The (source, target) pairs of the map's links, as opposed to parent edges."""
    return {(str(li["from_id"]), str(li["to_id"])) for li in graph["links"]}


def legend() -> dict[str, dict[str, str]]:
    """The node and line styles the diagram draws with, for the page's legend."""
    edges = {f"edge-{name}": style for name, style in EDGE_STYLE.items()}
    return {**STYLE, **edges, "junction": JUNCTION}


def build_tidy(graph: dict) -> Iterator[str]:
    """The DOT source of a big map with every node placed by the tidy layout (`neato -n2`).

    It comes in parts, as build's does: Graphviz starts while the labels are measured.
    """
    return parts(tidy_statements(graph))


def tidy_statements(graph: dict) -> Iterator[str]:
    """The statements of a tidy tree's drawing, one by one.

    Each node's statement (its label, id, class and look) comes as soon as its label is
    wrapped and measured, then the relations, then each node's and junction's place once the
    tree is laid out: Graphviz reads the labels and relations while the rest is worked out.
    """
    yield from header(TIDY_SETTINGS, "rl")
    answers = rebuttals(graph)
    sizes: dict[str, tuple[float, float]] = {}
    for node in graph["nodes"]:
        quoted_label, sizes[str(node["id"])] = shape_of(node)
        yield node_line(node, quoted_label, ' fixedsize="true"', node["id"] in answers)
    edges = drawn_edges(graph)
    yield from edge_lines(edges, {}, further_links(graph))
    parents = {
        str(n["id"]): None if n["parent_id"] is None else str(n["parent_id"])
        for n in graph["nodes"]
    }
    boxes = tidy(parents, sizes)
    bottom = max((box.y + box.height / 2 for box in boxes.values()), default=0.0)
    for key, box in boxes.items():
        yield (
            f'n{key} [pos="{box.x:.1f},{bottom - box.y:.1f}!" width="{box.width / 72:.3f}"'
            f' height="{box.height / 72:.3f}"];'
        )
    for junction, place in junction_places(edges, boxes, bottom).items():
        yield f"{junction} [{place.lstrip()}];"


def junction_places(edges: list[Edge], boxes: dict[str, Box], bottom: float) -> dict[str, str]:
    """Where each junction stands in a tidy layout: between its target and its members."""
    members: dict[str, list[Box]] = {}
    undercut = {e.target for e in edges if e.undercut}
    for edge in edges:
        name = junction_of(edge, undercut)
        if name is not None:
            members.setdefault(name, [boxes[edge.target]]).append(boxes[edge.source])
    places = {}
    for name, (target, *sources) in members.items():
        x = (target.x + target.width / 2 + min(s.x - s.width / 2 for s in sources)) / 2
        y = sum(s.y for s in sources) / len(sources)
        places[name] = f' pos="{x:.1f},{bottom - y:.1f}!"'
    return places


def edge_lines(
    edges: list[Edge], places: dict[str, str], links: set[tuple[str, str]] = frozenset()
) -> list[str]:
    """Relations; grouped premises and undercut inferences meet at junctions."""
    undercut = {e.target for e in edges if e.undercut}
    out: list[str] = []
    junctions: set[str] = set()
    for edge in edges:
        if edge.undercut:
            continue
        junction = junction_of(edge, undercut)
        if junction is None:
            out.append(f"n{edge.source} -> n{edge.target}{edge_look(edge, links)};")
            continue
        if junction not in junctions:
            junctions.add(junction)
            place = places.get(junction, "")
            out.append(f'{junction} [label="" {attrs(JUNCTION)} {JUNCTION_RESET}{place}];')
            out.append(f"{junction} -> n{edge.target}{edge_look(edge)};")
        out.append(f"n{edge.source} -> {junction} [{INTO_JUNCTION[edge.relation]}];")
    out += undercut_lines(edges, junctions)
    return out


def edge_look(edge: Edge, links: set[tuple[str, str]] = frozenset()) -> str:
    """An edge statement's attributes: none for a parent edge of the usual look."""
    if (edge.source, edge.target) in links:
        return f" [{LINK_ATTRS[edge.relation]}]"
    return "" if edge.relation == USUAL else f" [{EDGE_ATTRS[edge.relation]}]"


def undercut_lines(edges: list[Edge], junctions: set[str]) -> Iterable[str]:
    """Each undercut at the inference it attacks; with none shown, at its target node."""
    first_inference: dict[str, Edge] = {}
    for e in edges:
        if not e.undercut and e.relation != "contradiction":
            first_inference.setdefault(e.source, e)
    for edge in edges:
        if not edge.undercut:
            continue
        first = first_inference.get(edge.target)
        junction = None if first is None else junction_of(first, {first.source})
        end = junction if junction in junctions else f"n{edge.target}"
        yield f"n{edge.source} -> {end} [{EDGE_ATTRS['counter']}];"


# The key of an exported drawing: what each kind and relation looks like, named as pages do.
LEGEND_RELATIONS = {"support": "→ also supports", "counter": "⊣ also objects to"}
LEGEND_RELATIONS["contradiction"] = "⊣⊢ contradicts"


def html_text(text: str) -> str:
    """User text for an HTML-like label: control characters and line breaks dropped, escaped.

    Graphviz 2.43 still expands `\\N`, `\\G`... in an HTML-like label (after decoding entities),
    so backslashes are doubled as in a plain label.
    """
    text = CONTROL.sub("", text.replace("\n", " ").replace("\r", " ")).replace("\\", "\\\\")
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def legend_rows() -> list[str]:
    """The key in two rows: each node kind (its box), then each relation (its colour and mark)."""
    kinds = []
    for kind, style in STYLE.items():
        name = KIND_LABELS[kind].legend if kind in KIND_LABELS else kind.title()
        shape = ",".join(s for s in ("dashed", "rounded") if s in style["style"])
        kinds.append(
            f'<TD BGCOLOR="{style["fillcolor"]}" COLOR="{style["color"]}" BORDER="2"'
            + (f' STYLE="{shape}"' if shape else "")
            + f">{html_text(name)}</TD>"
        )
    marks = {
        key: (style["color"], LEGEND_RELATIONS.get(key, key)) for key, style in EDGE_STYLE.items()
    }
    marks["junction"] = (JUNCTION["color"], "● linked premises")
    relations = [
        f'<TD><FONT COLOR="{colour}">{html_text(name)}</FONT></TD>'
        for colour, name in marks.values()
    ]
    return [
        f'<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="3"><TR>{"".join(row)}</TR></TABLE>'
        for row in (kinds, relations)
    ]


def export_label(title: str, subtitle: str) -> str:
    """A graph label over an exported drawing: the map's title, a line of facts, the legend."""
    rows = [
        f'<FONT POINT-SIZE="20"><B>{html_text(short(title, 120))}</B></FONT>',
        f'<FONT POINT-SIZE="11" COLOR="#444444">{html_text(subtitle)}</FONT>',
        *legend_rows(),
    ]
    cells = "".join(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{row}</TD></TR>' for row in rows)
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">{cells}</TABLE>>'


def with_title(source: str, title: str, subtitle: str) -> str:
    """DOT source with the export's title, facts and legend drawn above the map."""
    line = f'graph [label={export_label(title, subtitle)} labelloc="t" labeljust="l"];'
    end = source.rstrip().rfind("}")
    return source[:end] + "\t" + line + "\n}\n"
