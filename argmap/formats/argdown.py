"""Read and write Argdown (https://argdown.org), the argument-map language.

Reading follows Argdown 1.7.5 itself (argdown_lexer, argdown_parser, argdown_model):

- Every Argdown statement becomes a node with key "s:Title" and every argument
  a node "a:Title". Untitled statements and arguments get Argdown's own titles
  ("Untitled 1", "Untitled 2", ...) in Argdown's order, so keys match what
  `argdown json` reports. A node's text is the text of its last definition
  (a reference such as `[Title]` alone does not define a text); a statement or
  argument without any text gets its title. Bold, italic and links keep only
  their text, shortcodes such as `:heart:` become their symbol, line breaks
  inside a paragraph become one space, and the text is stripped.
- Tags (`#tag`, `#(tag with spaces)`) go into Node.tags and are removed from
  the text. Headings are not turned into tags.
- Relations: support (`+`, `<+`, `+>`) and entails give "support"; attack
  (`-`, `<-`, `->`) and contrary give "counter"; undercut (`_`, `<_`, `_>`)
  gives "counter" with undercut=True aimed at the argument whose inference is
  undercut; contradiction (`><`) gives one "contradiction" link per pair.
  `A` with an indented `<+ B` below means B supports A; `+> B` means A
  supports B. As in Argdown, a relation that starts at an argument with a
  premise-conclusion structure (PCS) starts at its conclusion instead; with
  `model: mode: strict` in the front matter, statement-to-statement support
  is "entails" and attack "contrary"; an attack from a statement on an
  argument is dropped when the statement already attacks one of its premises.
- A PCS `(1) ... ---- (2) ...` belongs to the argument right above it (after
  an empty line), else to a new "Untitled N" argument. Every premise and
  intermediate conclusion supports the argument (as one group of linked
  premises when there are two or more) and the argument supports the last
  conclusion. Undercuts below an inference line aim at that argument.
- A relation written again with another `{"argmap_group": N}` (argmap writes
  one line per group when a premise stands in two linked groups for one
  conclusion) keeps each group; Argdown itself holds one relation per pair.
- Parents: model.build() takes each node's first support or counter edge, in
  the order the relations close in the file (a PCS closes at its conclusion).
  A relation of a node to itself is dropped (Argdown makes one when an
  argument with a PCS supports its own conclusion). argmap maps cannot hold
  cycles, so a relation that would close one with the relations before it is
  left out (read_parts() still returns every relation; see argmap.formats.acyclic).
- The map title is the front matter's `title`, else the first heading, else
  "Argdown import"; the description is the front matter's `description`.
- A statement or argument that is only referred to (`[Title]`, `<Title>`) and
  never defined with a text is imported with its title as text, and a warning
  names the line of its first reference (the first 20 are named one by one).
- Line ends CRLF and CR are read as LF (Argdown itself rejects CR alone).
- Comments, front matter and {...} data blocks are skipped; a one-line data
  block must be valid YAML (as Argdown checks it). `@include(file)` is
  replaced by the file when read() is given an `include` function that
  returns it (each file once, as Argdown does), and left out otherwise.
- Deliberate differences from Argdown: an undercut below a plain statement
  aims at that statement (Argdown sends it to the last inference line seen
  anywhere before it); the front matter's YAML is not checked; data such as
  `isCanonical` is ignored.

Writing gives Argdown that both this reader and Argdown read back:

- Node number i (1-based, in map order) is `[si]` or `<ai>`. Arguments are
  the PCS arguments (below) and, unless a node is in a contradiction or in a
  PCS, undercut targets and support/counter nodes without children; all
  other nodes (claims, nodes with children) are statements.
- Each claim starts a tree: children are indented below their parent with
  `<+` (support), `<-` (counter) or `<_` (undercut). Deeper than 40 levels a
  child is written as a reference and its subtree continues as a new block.
  An undercut of a statement is written below the undercutting node as
  `_> [si]` (Argdown would aim `<_` below a statement at an earlier PCS).
- A support node whose children form one group of linked premises (and that
  has no other outgoing relation) is an argument with a PCS: its premises,
  `----`, then its parent as the conclusion. Other groups keep their group
  number in a data block on the child: `{"argmap_group": 3}`.
- Links (relations besides the parent) follow at the end, below a reference to
  their target (contradictions and undercuts of statements: their source), so
  that every node's parent relation comes first and build() picks it again.
  A premise in two linked groups for one conclusion gets one relation line
  per group, each with its `argmap_group`; this reader keeps both.
- Text is escaped with backslashes where Argdown would read it differently
  (`\\[`, `\\#`, `\\*`, ...). A text that cannot survive that way (line breaks,
  spaces at either end, tabs after punctuation) is written as
  visible text plus its exact value in a data block: `{"argmap_text": "..."}`;
  tags that `#(...)` cannot hold go to `"argmap_tags"`, and a node's quote and
  source to `"argmap_quote"` / `"argmap_source"`. The map title is the first
  heading, its description in the heading's data block.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable

from ..errors import FormatError
from ..model import MAX_BYTES, Edge, MapData, Node
from .acyclic import without_cycles
from .argdown_model import Document, Entity, Relation, apply_model_rules
from .argdown_parser import parse
from .argdown_writer import write
from .model import build, check_size

DEFAULT_TITLE = "Argdown import"
MAX_LISTED = 20  # undefined statements named one by one in the warnings
RELATION_MAP = {
    "support": ("support", False),
    "entails": ("support", False),
    "attack": ("counter", False),
    "contrary": ("counter", False),
    "undercut": ("counter", True),
    "contradictory": ("contradiction", False),
}
_INCLUDE = re.compile(r"@include\(([^)\n]{1,500})\)")

__all__ = ["read", "read_parts", "without_cycles", "write", "RELATION_MAP"]


def read(text: str, include: Callable[[str], str] | None = None) -> MapData:
    """Read an Argdown document into a portable map; `include` returns @include'd files."""
    doc, settings, expanded = _document(text, include)
    edges = _edges(doc)
    kept = without_cycles(edges)
    title, description = _title(doc, settings)
    data = build(title, [_node(e) for e in doc.entities.values()], kept, description)
    if len(kept) < len(edges):
        left_out = {id(e) for e in edges} - {id(e) for e in kept}
        data.warnings += [
            f"Left out the relation from {e.source[2:]!r} to {e.target[2:]!r}: it would close"
            " a cycle, and an argmap map has none."
            for e in edges
            if id(e) in left_out
        ]
    data.warnings += _undefined(doc, expanded)
    if include is None:
        data.warnings += [
            f"Left out @include({name}): import the included file on its own."
            for name in dict.fromkeys(_INCLUDE.findall(text))
        ]
    return data


def _undefined(doc: Document, text: str) -> list[str]:
    """A warning, with its line, for each statement or argument referred to but never defined."""
    found = [  # an entity whose last member defines it is defined
        entity
        for entity in doc.entities.values()
        if entity.members and entity.members[-1].reference and entity.undefined()
    ]
    line_starts = [m.end() for m in re.finditer("\n", text)] if found else []
    warnings = []
    for entity in found[:MAX_LISTED]:
        line = 1 + bisect.bisect_right(line_starts, entity.members[0].offset)
        name = f"[{entity.title}]" if entity.kind == "statement" else f"<{entity.title}>"
        warnings.append(
            f"line {line}: {name} is only referred to, never defined with a text;"
            " it is imported with its title as its text."
        )
    if len(found) > MAX_LISTED:
        warnings.append(
            f"{len(found) - MAX_LISTED} more statements or arguments are only referred to,"
            " never defined with a text."
        )
    return warnings


def read_parts(
    text: str, include: Callable[[str], str] | None = None
) -> tuple[str, str, list[Node], list[Edge]]:
    """Title, description, nodes and edges of an Argdown document, before build()."""
    doc, settings, _ = _document(text, include)
    nodes = [_node(entity) for entity in doc.entities.values()]
    return *_title(doc, settings), nodes, _edges(doc)


def _document(
    text: str, include: Callable[[str], str] | None
) -> tuple[Document, dict[str, str], str]:
    """The parsed document with Argdown's model rules applied, its settings, the text read."""
    check_size(text)
    text = re.sub(r"\r\n?", "\n", _expand_includes(text, include, []))
    try:
        doc = parse(text)
    except RecursionError:
        raise FormatError("the file is nested too deeply") from None
    settings = _front_matter(doc.front_matter)
    apply_model_rules(doc, settings.get("model.mode") == "strict")
    return doc, settings, text


def _expand_includes(text: str, include: Callable[[str], str] | None, seen: list[str]) -> str:
    """Replace each @include(file) by the file, each file once, as Argdown does."""
    out, at = [], 0
    for found in _INCLUDE.finditer(text):
        name = found.group(1)
        out.append(text[at : found.start()])
        if include is not None and name not in seen:
            seen.append(name)
            out.append(_expand_includes(_included(text, found, include), include, seen))
        at = found.end()
    expanded = "".join(out) + text[at:]
    if len(expanded) > MAX_BYTES:
        raise FormatError("the file with its includes is larger than 5 MB")
    return expanded


def _included(text: str, found: re.Match, include: Callable[[str], str]) -> str:
    """The text of an @include'd file, or a FormatError at the line that names it."""
    try:
        return include(found.group(1))
    except OSError:
        line = 1 + len(re.findall(r"\r\n|\r|\n", text[: found.start()]))
        message = f"cannot read the included file {found.group(1)!r}"
        raise FormatError(message, f"line {line}") from None


def _front_matter(image: str) -> dict[str, str]:
    """The front matter's `key: value` pairs, nested keys as "parent.key"."""
    body = re.sub(r"={3,}\s*$", "", re.sub(r"^\s*={3,}", "", image))
    out: dict[str, str] = {}
    parent = last = ""
    for line in body.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        nested = line[:1] in " \t"
        pair = re.match(r"\s*([^\s:#'\"][^:#]*?|'[^']*'|\"[^\"]*\")\s*:(?:\s+(.*)|\s*)$", line)
        if pair and (not nested or parent):
            key = _unquote(pair.group(1))
            last = f"{parent}.{key}" if nested else key
            out[last] = _unquote((pair.group(2) or "").strip())
            parent = parent if nested else (key if not out[last] else "")
        elif nested and out.get(last):
            out[last] += " " + line.strip()
    return out


def _unquote(value: str) -> str:
    """A YAML scalar without its quotes."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return json.loads(value)
        except ValueError:
            return value[1:-1]
    return value


def _node(entity: Entity) -> Node:
    """The portable node for an Argdown statement or argument."""
    key = f"{entity.kind[0]}:{entity.title}"
    if len(entity.members) == 1:  # the commonest: defined once, without data
        member = entity.members[0]
        if not member.reference and not member.data:
            text = member.text.strip() or entity.title
            return Node(key, "claim", text, tags=list(member.tags))
    member = entity.canonical()
    data = member.data if member else {}
    return Node(
        key=key,
        kind="claim",
        text=entity.text(member),
        quote=str(data.get("argmap_quote", "")),
        source=str(data.get("argmap_source", "")),
        tags=entity.tags(),
    )


def _edges(doc: Document) -> list[Edge]:
    """Relations and PCS edges in the order they close in the file, without repeats."""
    steps = [(r.seq, r) for r in doc.relations]
    steps += [(e.seq, e) for e in doc.entities.values() if e.kind == "argument" and e.pcs]
    if len(steps) > len(doc.relations):  # relations come in seq order: PCS edges among them
        steps.sort(key=lambda pair: pair[0])
    groups: dict[object, int] = {}
    edges: list[Edge] = []
    seen: set[tuple] = set()  # each (source, target, relation, undercut) kept
    kept: set[tuple] = set()  # and each with its group
    for _, step in steps:
        if type(step) is Relation and step.group is None and not step.also:
            found = [_plain_edge(step)]  # the commonest: one edge, without a group
        else:
            found = _step_edges(step, groups)
        for number, edge in enumerate(found):
            key = (edge.source, edge.target, edge.relation, edge.undercut)
            further = number > 0 and isinstance(step, Relation)  # the same line, another group
            if edge.source == edge.target or (key in seen and not further):
                continue
            if (key, edge.group) not in kept:
                seen.add(key)
                kept.add((key, edge.group))
                edges.append(edge)
    return edges


def _plain_edge(step: Relation) -> Edge:
    """The edge of a relation without a group."""
    relation, undercut = RELATION_MAP[step.type]
    source, target = step.source, step.target
    return Edge(
        f"{source.kind[0]}:{source.title}",
        f"{target.kind[0]}:{target.title}",
        relation,
        None,
        undercut,
    )


def _step_edges(step: Relation | Entity, groups: dict[object, int]) -> list[Edge]:
    """The edges of one relation, or of one argument's premise-conclusion structure."""
    if isinstance(step, Entity):
        arg = f"a:{step.title}"
        premises = list(dict.fromkeys(f"s:{s.title}" for s, _ in step.pcs[:-1]))
        group = _group(groups, id(step)) if len(premises) > 1 else None
        edges = [Edge(p, arg, "support", group) for p in premises]
        return edges + [Edge(arg, f"s:{step.pcs[-1][0].title}", "support")]
    relation, undercut = RELATION_MAP[step.type]
    source = f"{step.source.kind[0]}:{step.source.title}"
    target = f"{step.target.kind[0]}:{step.target.title}"
    numbers = [
        _group(groups, ("data", g)) if g is not None else None for g in (step.group, *step.also)
    ]
    return [Edge(source, target, relation, number, undercut) for number in numbers]


def _group(groups: dict[object, int], key: object) -> int:
    """A map-wide group number for a PCS or for a group number found in a data block."""
    if key not in groups:
        groups[key] = len(groups) + 1
    return groups[key]


def _title(doc: Document, settings: dict[str, str]) -> tuple[str, str]:
    """The map title and description, from the front matter or the first heading."""
    description = settings.get("description", "")
    if settings.get("title"):
        return settings["title"], description
    if doc.headings:
        first = doc.headings[0]
        description = str(first.data.get("argmap_description", description))
        return str(first.data.get("argmap_text", first.text.strip())), description
    return DEFAULT_TITLE, description
