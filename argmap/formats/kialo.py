"""Kialo plain-text export (.txt): read it into a portable map and write one back.

A file is `Discussion Title: ...`, a blank line, then one numbered line per
claim: `1. thesis` (several theses `1.`, `2.` become several claims) and
`1.2.3. Pro: text` / `1.2.3. Con: text` below it, the parent being the number
one level up. A text may run over several lines; a continuation line is any
line that does not start with a number like `1.2.` (followed by a space,
a tab or the line end: a tab after the number is whitespace too). Kialo backslash-escapes
`( ) [ ]`; any `\\X` is undone on read. Markdown links `[label](url)` stay in
the text and their urls also go into the node's `source`, space-separated
(a space inside a url is written `%20` there). `-> See 1.4.2.` in place of a
text is a link from the claim numbered 1.4.2 to the parent of that line; a
reference that repeats an existing relation is read once. A byte order mark
and CRLF line ends are accepted. The writer escapes `\\ ( ) [ ]` except in
links to the node's own sources, and escapes what would read as a stance,
a reference or a numbered line.

Kialo cannot hold, so the writer drops: the description, quotes, a source
that is not a Markdown link inside the text, co-premise groups, the undercut
flag (an undercut is written as a plain Pro or Con of its parent),
contradiction links, tags and history. The writer numbers every claim's tree
depth first, children before `-> See` lines, and refuses a map deeper than
200 levels (FormatError), as the reader does.
"""

from __future__ import annotations

import re

from ..errors import FormatError
from ..model import MAX_DEPTH, Link, MapData, Node, topological
from .model import check_size

MAX_TEXT = 1000
TITLE = "Discussion Title:"
STANCES = {"Pro": "support", "Con": "counter"}
LABELS = {"support": "Pro", "counter": "Con"}

_NUMBERED = re.compile(r"((?:\d+\.)+)(?:[ \t]|$)")
_STANCE = re.compile(r"(Pro|Con):(?:\s|$)")
_SEE = re.compile(r"-> See ((?:\d+\.)+)")
_RAW_LINK = re.compile(r"\\.|\[((?:\\.|[^\\\[\]\n])*)\]\(((?:\\.|[^\\()\n])*)\)", re.S)
_TEXT_LINK = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(((?:[^()\n]|\([^()\n]*\))*)\)")
_ESCAPED = re.compile(r"\\(.)", re.S)
_SPECIAL = re.compile(r"([\\()\[\]])")


def read(text: str) -> MapData:
    """Read a Kialo plain-text export; raise FormatError naming the line."""
    check_size(text)
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    title = _title(lines[0])
    nodes: dict[str, Node] = {}
    refs: dict[str, tuple[int, str, str, str]] = {}
    for lineno, number, raw in _entries(lines):
        _claim(lineno, number, raw, nodes, refs)
    data = MapData(title=title, nodes=list(nodes.values()))
    data.links = _links(list(refs.values()), nodes)
    _check_cycles(data, list(refs.values()))
    return data


def _title(line: str) -> str:
    """The discussion title from line 1."""
    if not line.startswith(TITLE):
        raise FormatError(f"expected {TITLE!r} at the start of the file", "line 1")
    title = _unescape(line[len(TITLE) :].strip())
    if not title:
        raise FormatError("the discussion title is empty", "line 1")
    return title


def _entries(lines: list[str]) -> list[tuple[int, str, str]]:
    """Each numbered line with its continuation lines: (line number, number, raw text)."""
    entries: list[tuple[int, str, list[str]]] = []
    for lineno, line in enumerate(lines[1:], start=2):
        found = _NUMBERED.match(line)
        if found:
            entries.append((lineno, found.group(1), [line[found.end() :]]))
        elif entries:
            entries[-1][2].append(line)
        elif line.strip():
            raise FormatError("expected a numbered line such as '1. thesis'", f"line {lineno}")
    if not entries:
        raise FormatError("the file holds no numbered claim", "line 2")
    return [(lineno, number, "\n".join(raw).strip()) for lineno, number, raw in entries]


def _claim(lineno: int, number: str, raw: str, nodes: dict, refs: dict) -> None:
    """Add the node, or the `-> See` reference, of one numbered line."""
    where = f"line {lineno}"
    key, parent = _place(number, nodes, refs, where)
    stance = _STANCE.match(raw)
    if parent is None and stance:
        raise FormatError(f"a thesis cannot be a {stance.group(1)}", where)
    if parent is not None and not stance:
        raise FormatError(f"{number} needs 'Pro:' or 'Con:' after the number", where)
    kind = STANCES[stance.group(1)] if stance else "claim"
    body = raw[stance.end() :].strip() if stance else raw
    see = _SEE.fullmatch(body)
    if see and parent is not None:
        refs[key] = (lineno, see.group(1)[:-1], parent, kind)
    else:
        nodes[key] = Node(key, kind, _statement(body, where), source=_sources(body), parent=parent)


def _place(number: str, nodes: dict, refs: dict, where: str) -> tuple[str, str | None]:
    """The key of a numbered line and its parent's key, checked against the lines before."""
    parts = number[:-1].split(".")
    key, parent = ".".join(parts), ".".join(parts[:-1]) or None
    if len(parts) > MAX_DEPTH:
        raise FormatError(f"claims nest deeper than {MAX_DEPTH} levels", where)
    if key in nodes or key in refs:
        raise FormatError(f"the number {number} is used twice", where)
    if parent is not None and parent not in nodes:
        raise FormatError(f"{number} comes before its parent {parent}. or has none", where)
    return key, parent


def _statement(body: str, where: str) -> str:
    """The unescaped text, checked to be 1..MAX_TEXT characters after trim."""
    text = _unescape(body).strip()
    if not text:
        raise FormatError("the statement is empty", where)
    if len(text) > MAX_TEXT:
        raise FormatError(f"the statement is longer than {MAX_TEXT} characters", where)
    return text


def _sources(body: str) -> str:
    """The urls of the Markdown links in a raw text, space-separated, each once."""
    if "[" not in body:
        return ""
    urls: list[str] = []
    for found in _RAW_LINK.finditer(body):
        if found.group(2) is not None:
            url = _unescape(found.group(2)).strip().replace(" ", "%20")
            if url and url not in urls:
                urls.append(url)
    return " ".join(urls)


def _unescape(text: str) -> str:
    """Undo Kialo's backslash escapes: `\\X` becomes `X`."""
    return _ESCAPED.sub(r"\1", text) if "\\" in text else text


def _links(refs: list, nodes: dict[str, Node]) -> list[Link]:
    """The links of the `-> See` lines; a repeat of an existing relation is kept once."""
    seen = {(n.key, n.parent) for n in nodes.values()}
    links = []
    for lineno, target, parent, kind in refs:
        if target not in nodes:
            raise FormatError(f"'-> See {target}.' names no claim", f"line {lineno}")
        if (target, parent) not in seen:
            seen.add((target, parent))
            links.append(Link(target, parent, kind))
    return links


def _check_cycles(data: MapData, refs: list) -> None:
    """Raise FormatError naming a `-> See` line when parents and links form a cycle."""
    if not data.links:
        return  # a parent always comes before its children: only links can close a cycle
    edges = [(n.key, n.parent) for n in data.nodes if n.parent] + [
        (li.source, li.target) for li in data.links
    ]
    left = _cyclic(edges)
    if not left:
        return
    for lineno, target, parent, _kind in refs:
        if target in left and parent in left:
            raise FormatError(f"'-> See {target}.' closes a cycle", f"line {lineno}")
    raise FormatError("the references close a cycle")


def _cyclic(edges: list[tuple[str, str]]) -> set[str]:
    """The nodes on a cycle (or between two), by Kahn's algorithm run both ways."""
    left = topological(edges)[1]
    inner = [(b, a) for a, b in edges if a in left and b in left]
    return topological(inner)[1]


def write(data: MapData) -> str:
    """Write a map as a Kialo plain-text export."""
    title = " ".join(data.title.split()) or "Untitled"
    children: dict[str | None, list[Node]] = {}
    for node in data.nodes:
        children.setdefault(node.parent, []).append(node)
    numbers = _numbers(children)
    entries = [(numbers[n.key], _body(n)) for n in data.nodes if n.key in numbers]
    entries += _references(data.links, numbers, children)
    entries.sort(key=lambda entry: [int(part) for part in entry[0][:-1].split(".")])
    lines = [f"{TITLE} {_escape(title, '')}", ""]
    lines += [f"{number} {body}" for number, body in entries]
    return "\n".join(lines) + "\n"


def _numbers(children: dict[str | None, list[Node]]) -> dict[str, str]:
    """Each reachable node's Kialo number, such as `1.2.3.`."""
    numbers: dict[str, str] = {}
    todo = [(f"{i}.", node) for i, node in enumerate(children.get(None, []), 1)]
    while todo:
        number, node = todo.pop()
        if number.count(".") > MAX_DEPTH:
            raise FormatError(f"the map nests deeper than the {MAX_DEPTH} levels Kialo holds")
        if node.key not in numbers:
            numbers[node.key] = number
            kids = children.get(node.key, [])
            todo += [(f"{number}{i}.", kid) for i, kid in enumerate(kids, 1)]
    return numbers


def _body(node: Node) -> str:
    """What follows the number on a node's line: stance and escaped text."""
    text = _escape(node.text, node.source)
    if node.parent is None:
        return text
    return f"{LABELS.get(node.kind, 'Pro')}: {text}"


def _references(links: list[Link], numbers: dict[str, str], children: dict) -> list:
    """A `-> See` entry per support or counter link, numbered after the target's children."""
    used = {key: len(kids) for key, kids in children.items()}
    entries = []
    for link in links:
        if link.relation in LABELS and link.source in numbers and link.target in numbers:
            used[link.target] = used.get(link.target, 0) + 1
            number = f"{numbers[link.target]}{used[link.target]}."
            entries.append((number, f"{LABELS[link.relation]}: -> See {numbers[link.source]}"))
    return entries


def _escape(text: str, source: str) -> str:
    """Escape a text as Kialo does, keeping links to the node's sources as links."""
    urls = set(source.split())
    out, pos = [], 0
    for found in _TEXT_LINK.finditer(text):
        if found.group(2).strip().replace(" ", "%20") in urls:
            label, url = _backslash(found.group(1)), _backslash(found.group(2))
            out += [_backslash(text[pos : found.start()]), f"[{label}]({url})"]
            pos = found.end()
    out.append(_backslash(text[pos:]))
    return _guard_lines("".join(out))


def _backslash(text: str) -> str:
    """Put a backslash before each backslash, parenthesis and square bracket."""
    return _SPECIAL.sub(r"\\\1", text)


def _guard_lines(text: str) -> str:
    """Escape what would otherwise read as a stance, a reference or a new numbered line."""
    if _STANCE.match(text):
        text = text[:3] + "\\" + text[3:]
    if text.startswith("->"):
        text = "\\" + text
    lines = text.split("\n")
    return "\n".join([lines[0]] + ["\\" + li if _NUMBERED.match(li) else li for li in lines[1:]])
