"""DOT source for a map: labels escaped so user text never changes the picture."""

from __future__ import annotations

import re
import textwrap

import graphviz

from .model import Edge, from_graph

WRAP = 32
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# newrank: Graphviz 2.43's classic ranking spends seconds after network simplex on big maps;
# the global ranking gives the same levels, every relation still upward (bench: 5,000 nodes
# 5.9 -> 3.7 s CPU, 2,500 nodes 1.3 -> 0.8 s).
FAST_SETTINGS = {"nslimit": "0.2", "mclimit": "0.1", "splines": "line", "newrank": "true"}

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


def label(text: str, width: int = WRAP) -> str:
    """A DOT label that shows the text exactly: wrapped, escaped, left-aligned."""
    text = CONTROL.sub("", text.replace("\r\n", "\n"))
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(paragraph, width, break_long_words=True) or [""]
    escaped = [graphviz.escape(line.replace("&", "&amp;")) for line in lines]
    return graphviz.nohtml("\\l".join(escaped) + "\\l")


def junction_of(edge: Edge) -> str | None:
    """The junction an edge runs through: its group's, or its undercut target's."""
    if edge.group is not None and edge.relation != "contradiction":
        return f"g{edge.target}_{edge.relation}_{edge.group}"
    return None


def build(graph: dict, fast: bool = False) -> graphviz.Digraph:
    """The Graphviz graph of a map (or of a part of it, for a focused view)."""
    dot = graphviz.Digraph("argmap", comment=None)
    dot.attr(
        rankdir="BT",
        nodesep="0.3",
        ranksep="0.45",
        fontname="DejaVu Sans",
        bgcolor="white",
        **(FAST_SETTINGS if fast else {}),
    )
    dot.attr("node", fontname="DejaVu Sans", fontsize="11", margin="0.12,0.08")
    dot.attr("edge", penwidth="1.4", arrowsize="0.8")
    for node in graph["nodes"]:
        dot.node(
            f"n{node['id']}",
            label(node["text"]),
            id=f"node-{node['id']}",
            **{"class": f"kind-{node['kind']}"},
            tooltip=node["kind"],
            **STYLE[node["kind"]],
        )
    add_edges(dot, graph)
    return dot


def add_edges(dot: graphviz.Digraph, graph: dict) -> None:
    """Draw relations; grouped premises and undercut inferences meet at junctions."""
    known = {str(n["id"]) for n in graph["nodes"]}
    edges = [e for e in from_graph(graph).edges() if e.source in known and e.target in known]
    undercut = {e.target for e in edges if e.undercut}
    junctions: set[str] = set()
    for edge in edges:
        if edge.undercut:
            continue
        style = EDGE_STYLE[edge.relation]
        junction = junction_of(edge)
        if junction is None and edge.source in undercut and edge.relation != "contradiction":
            junction = f"u{edge.source}_{edge.target}"
        if junction is None:
            dot.edge(f"n{edge.source}", f"n{edge.target}", **style)
            continue
        if junction not in junctions:
            junctions.add(junction)
            dot.node(junction, "", shape="point", width="0.09", color="#555555")
            dot.edge(junction, f"n{edge.target}", **style)
        dot.edge(
            f"n{edge.source}",
            junction,
            arrowhead="none",
            color=style["color"],
            style=style["style"],
        )
    add_undercuts(dot, edges, junctions)


def add_undercuts(dot: graphviz.Digraph, edges: list[Edge], junctions: set[str]) -> None:
    """Draw each undercut at the inference it attacks; with none shown, at its target node."""
    for edge in edges:
        if not edge.undercut:
            continue
        inferences = [
            e
            for e in edges
            if e.source == edge.target and not e.undercut and e.relation != "contradiction"
        ]
        junction = None
        if inferences:
            first = inferences[0]
            junction = junction_of(first) or f"u{first.source}_{first.target}"
        end = junction if junction in junctions else f"n{edge.target}"
        dot.edge(f"n{edge.source}", end, **EDGE_STYLE["counter"])
