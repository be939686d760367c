"""A Markdown outline of a map, for reading and printing (there is no reader).

`# title`, the description, then a nested bullet list from each claim:
`- **Claim:**`, `- **Pro:**`, `- **Con:**` (a Con of a Con is a `**Rebuttal:**`),
the quote and source as a blockquote under the statement, links as
"also supports / also objects to / contradicts" items, co-premises as
"(together with: ...)" and undercuts as "objects to the inference from ... to
...". User text is backslash-escaped so that it renders exactly as typed; a
line break in it is written as a hard line break. Tags and history are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Edge, Link, MapData, Node

LABELS = {"claim": "Claim", "support": "Pro", "counter": "Con"}
LINKS = {"support": "Also supports", "counter": "Also objects to", "contradiction": "Contradicts"}
VERBS = {"support": "supports", "counter": "objects to", "contradiction": "contradicts"}

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
_LINE_START = re.compile(r"^(\s*\d*)([-+=.)])")


@dataclass
class _Outline:
    """A map with the look-ups the outline needs."""

    data: MapData
    nodes: dict[str, Node] = field(default_factory=dict)
    links: dict[str, list[Link]] = field(default_factory=dict)
    partners: dict[tuple, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.nodes = {node.key: node for node in self.data.nodes}
        for link in self.data.links:
            self.links.setdefault(link.source, []).append(link)
        for edge in self.data.edges():
            if edge.group is not None:
                self.partners.setdefault((edge.target, edge.group), []).append(edge.source)


def write(data: MapData) -> str:
    """Write a map as a Markdown outline."""
    outline = _Outline(data)
    lines = [f"# {_mention(data.title) or 'Untitled'}", ""]
    if data.description.strip():
        lines += [_escape(data.description.strip(), ""), ""]
    for node, depth in _walk(data):
        lines += _node_lines(outline, node, "  " * depth)
    return "\n".join(lines).rstrip("\n") + "\n"


def _walk(data: MapData) -> list[tuple[Node, int]]:
    """Every node reachable from a claim with its depth, depth first, in map order."""
    children: dict[str | None, list[Node]] = {}
    for node in data.nodes:
        children.setdefault(node.parent, []).append(node)
    out, seen = [], set()
    todo = [(node, 0) for node in reversed(children.get(None, []))]
    while todo:
        node, depth = todo.pop()
        if node.key not in seen:
            seen.add(node.key)
            out.append((node, depth))
            todo += [(kid, depth + 1) for kid in reversed(children.get(node.key, []))]
    return out


def _node_lines(outline: _Outline, node: Node, indent: str) -> list[str]:
    """The bullet of one node, its quote, and its links."""
    inner = indent + "  "
    notes = ""
    if node.parent in outline.nodes:
        edge = Edge(node.key, node.parent, node.kind, node.group, node.undercut)
        notes = _notes(outline, edge)
    label = _label(outline, node)
    lines = [f"{indent}- **{label}:** {_escape(node.text, inner)}{notes}"]
    if node.quote.strip() or node.source.strip():
        lines.append(f"{inner}> {_quote(node, inner + '> ')}")
    for link in outline.links.get(node.key, []):
        if link.target in outline.nodes:
            edge = Edge(link.source, link.target, link.relation, link.group, link.undercut)
            target = _escape(outline.nodes[link.target].text, inner + "  ")
            name = LINKS.get(link.relation, "Also relates to")
            lines.append(f"{inner}- *{name}:* {target}{_notes(outline, edge)}")
    return lines


def _label(outline: _Outline, node: Node) -> str:
    """Claim, Pro, Con, or Rebuttal for a Con of a Con."""
    parent = outline.nodes.get(node.parent or "")
    if node.kind == "counter" and parent is not None and parent.kind == "counter":
        return "Rebuttal"
    return LABELS.get(node.kind, "Pro")


def _notes(outline: _Outline, edge: Edge) -> str:
    """The co-premise and undercut remarks on a relation, or ''."""
    notes = ""
    others = [
        _mention(outline.nodes[key].text)
        for key in outline.partners.get((edge.target, edge.group), [])
        if key != edge.source
    ]
    if others:
        notes += f" *(together with: {'; '.join(others)})*"
    if edge.undercut:
        verb = VERBS.get(edge.relation, "objects to")
        notes += f" *({verb} the inference {_inference(outline, edge.target)})*"
    return notes


def _inference(outline: _Outline, key: str) -> str:
    """`from “X” to “Y”` for the inference from a node to its parent."""
    node = outline.nodes[key]
    text = f"from “{_mention(node.text)}”"
    if node.parent in outline.nodes:
        text += f" to “{_mention(outline.nodes[node.parent].text)}”"
    return text


def _quote(node: Node, indent: str) -> str:
    """The quote and the source of a node, for a blockquote line."""
    source = _escape(node.source.strip(), indent)
    if not node.quote.strip():
        return f"Source: {source}"
    quote = f"“{_escape(node.quote.strip(), indent)}”"
    return f"{quote} — {source}" if source else quote


def _mention(text: str) -> str:
    """A title or another node's text, escaped, on one line."""
    return _escape(" ".join(text.split()), "")


def _escape(text: str, indent: str) -> str:
    """Backslash-escape Markdown in user text; line breaks become hard breaks."""
    lines = [_SPECIAL.sub(r"\\\1", line) for line in text.split("\n")]
    lines = [_LINE_START.sub(r"\1\\\2", line) for line in lines]
    return f"\\\n{indent}".join(lines)
