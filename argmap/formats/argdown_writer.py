"""Write a portable map as Argdown; the scheme is described in argmap.formats.argdown."""

from __future__ import annotations

import json
import re
from collections import defaultdict, deque

from ..errors import FormatError
from ..model import Edge, Link, MapData, Node
from .argdown_model import Document
from .argdown_parser import parse
from .argdown_syntax import SHORTCODES, SPECIAL_CHAR

MAX_NEST = 40
EXPORT_TITLE = "Argdown export"
_SYMBOLS = {("support", False): "<+", ("counter", False): "<-", ("counter", True): "<_"}
_BRACKETS = re.compile(r"[\[\]<>{}]")
_NOT_IN_TAG = re.compile(r"[)\n\r\u2028\u2029]")
_ESCAPE = re.compile(r"[\\\[\]<>{}#@*_]|/(?=[/*])|={3,}|[,;/\-().:](?=  )")


def write(data: MapData) -> str:
    """Argdown text for a portable map that reads back to the same nodes and relations."""
    return _Writer(data).document()


def escape(text: str) -> str:
    """Backslash the characters that Argdown would not read as plain text."""
    text = _ESCAPE.sub(lambda found: "".join("\\" + c for c in found.group()), text)
    out, at = [], 0
    while at < len(text):
        char = text[at]
        special = SPECIAL_CHAR.match(text, at) if char in ".:" else None
        if char == "\\":
            out.append(text[at : at + 2])
            at += 2
        elif special and _changes(special, text):
            out.append("\\" + char)
            at += 1
        elif special:
            out.append(special.group())
            at = special.end()
        else:
            out.append(char)
            at += 1
    return "".join(out)


def _changes(special: re.Match, text: str) -> bool:
    """Whether a .word. or :word: would not read back as typed."""
    image = special.group()
    lost_space = image[-1] in " \t" and text[special.end() : special.end() + 1] in (" ", "\t")
    return "\\" in image or image.strip() in SHORTCODES or lost_space


def _data_block(data: dict) -> str:
    """A {...} data block as JSON (also YAML) with no brackets inside its strings."""
    if not data:
        return ""
    pairs = [f"{_literal(key)}: {_literal(value)}" for key, value in data.items()]
    return " {" + ", ".join(pairs) + "}"


def _literal(value: object) -> str:
    """A JSON literal; brackets in strings become \\u escapes so Argdown reads past them."""
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    if isinstance(value, str):
        return _BRACKETS.sub(lambda found: f"\\u{ord(found.group()):04x}", json.dumps(value))
    return json.dumps(value)


def _tags_fit(tags: list[str]) -> bool:
    """Whether #(...) tags can hold these tags exactly."""
    return len(set(tags)) == len(tags) and all(tag and not _NOT_IN_TAG.search(tag) for tag in tags)


class _Writer:
    """Decides how each node is written, then writes the blocks in an order that keeps parents."""

    def __init__(self, data: MapData):
        self.data = data
        self.nodes = {n.key: n for n in data.nodes}
        self.number = {n.key: i for i, n in enumerate(data.nodes, 1)}
        self.pcs: dict[str, list[Node]] = {}
        self.arguments: set[str] = set()
        self.done: set[str] = set()
        self.later: deque[Node] = deque()
        self.undercuts: set[str] = set()
        self._index()
        self._choose()

    def _index(self) -> None:
        """Children, edges by end, groups, link sources and contradiction ends."""
        self.children: dict[str, list[Node]] = defaultdict(list)
        self.grouped: dict[int, list[Node]] = defaultdict(list)
        for node in self.data.nodes:
            if node.parent in self.nodes:
                self.children[node.parent].append(node)
                if node.group is not None:
                    self.grouped[node.group].append(node)
        self.into: dict[str, list[Edge]] = defaultdict(list)
        self.touching: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.data.edges():
            self.into[edge.target].append(edge)
            self.touching[edge.source].append(edge)
            self.touching[edge.target].append(edge)
        links = self.data.links
        self.link_sources = {li.source for li in links}
        self.link_groups = {li.group for li in links if li.group is not None}
        self.contra = {
            e for li in links if li.relation == "contradiction" for e in (li.source, li.target)
        }

    def _choose(self) -> None:
        """Pick the nodes written as arguments with a PCS, then all argument nodes."""
        as_argument, as_statement = set(), set()
        for node in self.data.nodes:
            premises = self._premises(node)
            if (
                premises
                and node.key not in as_statement
                and node.parent not in as_argument
                and not any(p.key in as_argument for p in premises)
            ):
                self.pcs[node.key] = premises
                as_argument.add(node.key)
                as_statement.update([p.key for p in premises] + [node.parent])
        undercut = {e.target for e in self.data.edges() if e.undercut}
        for node in self.data.nodes:
            free = node.key not in as_statement and node.key not in self.contra
            leaf = node.kind != "claim" and not self.children[node.key]
            if node.key in as_argument or free and (node.key in undercut or leaf):
                self.arguments.add(node.key)

    def _premises(self, node: Node) -> list[Node] | None:
        """The linked premises of a support node that can be written as a PCS, or None."""
        if node.kind != "support" or node.group is not None or node.key in self.contra:
            return None
        if node.parent not in self.nodes or node.key in self.link_sources:
            return None
        groups = {c.group for c in self.children[node.key] if c.group is not None}
        if len(groups) != 1 or groups & self.link_groups:
            return None
        members = self.grouped[groups.pop()]
        fits = all(m.parent == node.key and m.kind == "support" and not m.undercut for m in members)
        if not fits or len(members) < 2 or any(m.key == node.parent for m in members):
            return None
        return None if self._attack_dropped(node, members) else members

    def _attack_dropped(self, node: Node, premises: list[Node]) -> bool:
        """Whether Argdown would drop an attack on this argument as one on its premises."""
        keys = {p.key for p in premises}
        for attack in self.into[node.key]:
            if attack.relation != "counter" or attack.undercut:
                continue
            for other in self.touching[attack.source]:
                far = other.target if other.source == attack.source else other.source
                hits = other.relation == "contradiction" or (
                    other.relation == "counter" and other.source == attack.source
                )
                if hits and far in keys:
                    return True
        return False

    def ref(self, key: str) -> str:
        """The Argdown title of a node: [sN] or <aN>."""
        number = self.number[key]
        return f"<a{number}>" if key in self.arguments else f"[s{number}]"

    def document(self) -> str:
        """All blocks: title heading, trees from each claim, PCS blocks, the rest, links."""
        blocks = [self.heading()]
        blocks += ["\n".join(self.tree(n, 0, "")) for n in self.data.nodes if n.parent is None]
        blocks += [self.pcs_block(self.nodes[key]) for key in self.pcs]
        blocks += self.drain()
        stray = []  # only in a map whose parents form a cycle
        for node in self.data.nodes:
            if node.key not in self.done:
                stray.append(node)
                self.later.append(node)
                blocks += self.drain()
        blocks += self.link_blocks(stray)
        return "\n\n".join(blocks) + "\n"

    def drain(self) -> list[str]:
        """Blocks for the nodes put off until later, and for those they put off."""
        blocks = []
        while self.later:
            blocks.append("\n".join(self.tree(self.later.popleft(), 0, "")))
        return blocks

    def heading(self) -> str:
        """The map title as the first heading, the description in its data block."""
        title, description = self.data.title, self.data.description
        data = {"argmap_description": description} if description else {}
        exact = data | {"argmap_text": title}
        tries = [(title, data), (" ".join(title.split()), exact), (EXPORT_TITLE, exact)]
        for visible, block in tries:
            line = "# " + escape(visible) + _data_block(block)
            if visible and _heading_reads(line, title, description):
                return line
        raise FormatError("the map title cannot be written as Argdown")

    def tree(self, node: Node, depth: int, symbol: str) -> list[str]:
        """A node's definition with its children indented below it."""
        self.done.add(node.key)
        group = {"argmap_group": node.group} if node.group is not None else {}
        head = "  " * depth + (symbol + " " if symbol else "")
        lines = [head + self.definition(node, group if symbol else {})]
        if node.key in self.undercuts:
            lines.append(f"  _> {self.ref(node.parent)}" + _data_block(group))
        return lines + self.nested(node, depth)

    def nested(self, node: Node, depth: int) -> list[str]:
        """The relation lines of a node's children (not PCS premises, not PCS arguments)."""
        lines = []
        premises = {p.key for p in self.pcs.get(node.key, [])}
        for child in self.children[node.key]:
            if child.key in self.pcs or child.key in premises or child.key in self.done:
                continue
            symbol = _SYMBOLS[(child.kind, child.undercut)]
            if child.undercut and node.key not in self.arguments:
                self.undercuts.add(child.key)
                self.later.append(child)
            elif depth + 1 > MAX_NEST:
                self.done.add(child.key)
                group = {"argmap_group": child.group} if child.group is not None else {}
                lines.append(
                    "  " * (depth + 1) + f"{symbol} {self.ref(child.key)}" + _data_block(group)
                )
                self.later.append(child)
            else:
                lines += self.tree(child, depth + 1, symbol)
        return lines

    def pcs_block(self, node: Node) -> str:
        """An argument, an empty line, its premises, '----' and its parent as conclusion."""
        self.done.add(node.key)
        lines = [self.definition(node, {})] + self.nested(node, 0) + [""]
        premises = self.pcs[node.key]
        for number, premise in enumerate(premises, 1):
            self.done.add(premise.key)
            lines.append(f"({number}) " + self.definition(premise, {}))
            lines += self.nested(premise, 0)
        lines += ["----", f"({len(premises) + 1}) {self.ref(node.parent)}"]
        return "\n".join(lines)

    def link_blocks(self, stray: list[Node]) -> list[str]:
        """Relations besides the parents, below their target (undercut statements: source)."""
        edges = [Link(n.key, n.parent, n.kind, n.group, n.undercut) for n in stray if n.parent]
        by_parent: dict[str, list[str]] = defaultdict(list)
        for edge in edges + self.data.links:
            if edge.source not in self.nodes or edge.target not in self.nodes:
                continue
            if edge.relation == "contradiction":
                by_parent[edge.source].append(f"  >< {self.ref(edge.target)}")
                continue
            group = _data_block({"argmap_group": edge.group} if edge.group is not None else {})
            if edge.undercut and edge.target not in self.arguments:
                by_parent[edge.source].append(f"  _> {self.ref(edge.target)}{group}")
                continue
            symbol = _SYMBOLS[(edge.relation, edge.undercut)]
            by_parent[edge.target].append(f"  {symbol} {self.ref(edge.source)}{group}")
        return ["\n".join([self.ref(key)] + lines) for key, lines in by_parent.items()]

    def definition(self, node: Node, extra: dict) -> str:
        """'[sN]: text #(tag) {data}' that reads back to exactly this node."""
        data = {
            k: v for k, v in (("argmap_quote", node.quote), ("argmap_source", node.source)) if v
        }
        data |= extra
        tags = "".join(f" #({tag})" for tag in node.tags) if _tags_fit(node.tags) else ""
        if not tags and node.tags:
            data["argmap_tags"] = list(node.tags)
        ref = self.ref(node.key)
        exact = data | {"argmap_text": node.text}
        tries = [
            f"{ref}: {escape(node.text)}{tags}{_data_block(data)}",
            f"{ref}: {escape(' '.join(node.text.split()))}{tags}{_data_block(exact)}",
            f"{ref}{tags}{_data_block(exact)}",
        ]
        for line in tries:
            if _reads_as(line, node):
                return line
        return f"{ref}{_data_block(exact | {'argmap_tags': list(node.tags)})}"


def _parsed(line: str) -> Document | None:
    """The line read as Argdown, or None when it does not read."""
    try:
        return parse(line)
    except FormatError:
        return None


def _reads_as(line: str, node: Node) -> bool:
    """Whether one definition line reads back as this node's text, tags, quote and source."""
    doc = _parsed(line)
    if doc is None or len(doc.entities) != 1 or doc.relations:
        return False
    entity = next(iter(doc.entities.values()))
    data = entity.members[-1].data
    return (
        entity.text() == node.text
        and entity.tags() == node.tags
        and data.get("argmap_quote", "") == node.quote
        and data.get("argmap_source", "") == node.source
    )


def _heading_reads(line: str, title: str, description: str) -> bool:
    """Whether a heading line reads back as this title and description."""
    doc = _parsed(line)
    if doc is None or len(doc.headings) != 1 or doc.entities:
        return False
    heading = doc.headings[0]
    text = heading.data.get("argmap_text", heading.text.strip())
    return text == title and heading.data.get("argmap_description", "") == description
