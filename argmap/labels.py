"""What pages call node kinds, relations, diagram downloads, import counts and which claims
stand: one table each.

Templates read these (and the format labels of `formats/registry.py`) through the `labels`
global, so a label is written once, here, beside the constants it names; the map page's script
(static/standing.js) reads the standing marks from a data attribute of the page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .model import KINDS
from .standing import IN, OUT, UNDECIDED


@dataclass(frozen=True)
class Kind:
    """How the pages name one node kind."""

    name: str  # in forms: "Support"
    plural: str  # in counts: "Supports"
    side: str  # on badges and in the outline: "Pro"
    meaning: str  # in the kind menu: "a reason for its parent"
    legend: str  # in the diagram's key: "Pro (supports)"


KIND_LABELS = {
    "claim": Kind("Claim", "Claims", "Claim", "stands on its own", "Claim"),
    "support": Kind("Support", "Supports", "Pro", "a reason for its parent", "Pro (supports)"),
    "counter": Kind("Counter", "Counters", "Con", "an objection to its parent", "Con (objects)"),
}
RELATION_LABELS = {
    "support": "also supports",
    "counter": "also objects to",
    "contradiction": "contradicts",
}
# The diagram's legend, entry by entry (the nodes' own from KIND_LABELS): what each line means.
LEGEND_LABELS = {
    "rebuttal": "Rebuttal (a con of a con)",
    "edge-support": "supports",
    "edge-counter": "objects to",
    "group": "Linked premises (count only together)",
    "undercut": "Undercut (objects to the inference)",
    "link-support": "also supports",
    "link-counter": "also objects to",
    "contradiction": "contradicts",
}


@dataclass(frozen=True)
class Standing:
    """How the pages name one label of which claims stand (argmap/standing.py)."""

    sign: str  # on every mark, so that colour is not alone: "✓"
    word: str  # on the marks and in the counts: "in"
    name: str  # in headings, tips and reasons: "In"
    short: str  # in the legend's sample, where room is short: "✓ in", "?"
    meaning: str  # on the plain page: "it stands: nothing attacks it, or every attack on it fails"
    legend: str  # in the diagram's key: "every objection to it fails"


STANDING_LABELS = {
    IN: Standing(
        "✓",
        "in",
        "In",
        "✓ in",
        "it stands: nothing attacks it, or every attack on it fails",
        "every objection to it fails",
    ),
    OUT: Standing(
        "✗",
        "out",
        "Out",
        "✗ out",
        "it falls: an objection to it stands unanswered",
        "an objection to it stands unanswered",
    ),
    UNDECIDED: Standing(
        "?",
        "undecided",
        "Undecided",
        "?",
        "objections that go round in a cycle leave it open",
        "objections go round in a cycle",
    ),
}
DIAGRAM_LABELS = {
    "svg": "Diagram as SVG",
    "png": "Diagram as PNG",
    "pdf": "Diagram as PDF",
    "dot": "Graphviz DOT source",
}
COUNT_LABELS = {
    "nodes": "Nodes",
    **{kind: KIND_LABELS[kind].plural for kind in KINDS},
    "links": "Further links",
    "groups": "Linked premise groups",
    "undercuts": "Undercuts",
    "quotes": "Nodes with a quote",
}


def counted(count: int, word: str, plural: str | None = None) -> str:
    """A count with its word in the right number: "1 node", "2 nodes", "0 links"."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


def relation_verb(relation: object) -> str:
    """A relation as a verb between two nodes: "supports", "objects to", "contradicts"."""
    label = RELATION_LABELS.get(relation) if isinstance(relation, str) else None
    return label.removeprefix("also ") if label else "relates to"


def for_templates(formats: dict) -> dict:
    """Every label a template shows, with the formats' own labels from their registry."""
    return {
        "kinds": KIND_LABELS,
        "relations": RELATION_LABELS,
        "legend": LEGEND_LABELS,
        "diagrams": DIAGRAM_LABELS,
        "counts": COUNT_LABELS,
        "standing": STANDING_LABELS,
        "standing_marks": {key: asdict(label) for key, label in STANDING_LABELS.items()},
        "formats": {key: f.label for key, f in formats.items()},
        "readable": {key: f.label for key, f in formats.items() if f.read is not None},
    }
