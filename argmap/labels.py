"""What pages call node kinds, relations, diagram downloads and import counts: one table each.

Templates read these (and the format labels of `formats/registry.py`) through the `labels`
global, so a label is written once, here, beside the constants it names.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import KINDS


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
        "formats": {key: f.label for key, f in formats.items()},
        "readable": {key: f.label for key, f in formats.items() if f.read is not None},
    }
