"""Argdown's model, from @argdown/core 1.7.5 (model.js, ModelPlugin.js): what a file holds.

Statements (Argdown's equivalence classes) and arguments with all their
members, relations in the order they close, and the rules ModelPlugin applies
once the whole file is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False, slots=True)
class Member:
    """One occurrence of a statement or argument: its title, text, tags and data."""

    title: str | None = None
    text: str = ""
    tags: list[str] = field(default_factory=list)
    reference: bool = False
    data: dict = field(default_factory=dict)
    offset: int = -1  # where a reference starts in the text, for messages


@dataclass(eq=False, slots=True)
class Entity:
    """A statement (Argdown's equivalence class) or an argument, with all its members."""

    kind: str
    title: str
    members: list[Member] = field(default_factory=list)
    pcs: list[tuple[Entity, str]] = field(default_factory=list)
    seq: int = 0

    def canonical(self) -> Member | None:
        """Argdown's canonical member: the last one that is not a mere reference."""
        for member in reversed(self.members):
            if not member.reference or "argmap_text" in member.data:
                return member
        return None

    def undefined(self) -> bool:
        """Whether the file only refers to it (`[Title]`) and never gives it a text."""
        return bool(self.members) and self.canonical() is None

    def text(self, member: Member | None = None) -> str:
        """The canonical text (exact from a data block), else the title (member: canonical())."""
        member = member or self.canonical()
        if member and "argmap_text" in member.data:
            return str(member.data["argmap_text"])
        return (member.text.strip() if member else "") or self.title

    def tags(self) -> list[str]:
        """All members' tags in order, or the exact list from a data block."""
        if len(self.members) == 1 and not self.members[0].data:
            return list(self.members[0].tags)
        tags = list(dict.fromkeys(tag for member in self.members for tag in member.tags))
        for member in self.members:
            tags = [str(tag) for tag in member.data.get("argmap_tags", tags)]
        return tags


@dataclass(eq=False, slots=True)
class Relation:
    """A relation as Argdown records it; seq orders relations and premise-conclusion blocks."""

    type: str
    source: Entity
    target: Entity
    seq: int
    group: int | None = None
    also: list[int | None] = field(default_factory=list)  # further argmap groups, in order


@dataclass
class Document:
    """What a file holds: entities by (kind, title), relations, headings and front matter."""

    entities: dict[tuple[str, str], Entity] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    headings: list[Member] = field(default_factory=list)
    front_matter: str = ""


def apply_model_rules(doc: Document, strict: bool) -> None:
    """Apply Argdown's model rules to the relations (ModelPlugin.run)."""
    moved = False
    for relation in doc.relations:
        source = relation.source
        if source.kind == "argument" and source.pcs:
            relation.source = source.pcs[-1][0]
            moved = True
    if moved:  # the parser recorded each relation once: only a moved one can repeat
        doc.relations = _unique(doc.relations)
    if strict:
        doc.relations = _strict(doc.relations)
    if not any(_may_be_redundant(r) for r in doc.relations):
        return
    touching: dict[int, list] = {}
    for relation in doc.relations:
        for end in {id(relation.source), id(relation.target)}:
            touching.setdefault(end, []).append(relation)
    doc.relations = [r for r in doc.relations if not _redundant(r, touching)]


def _unique(relations: list[Relation]) -> list[Relation]:
    """Relations without repeats of the same type, source and target."""
    seen, out = set(), []
    for relation in relations:
        key = (relation.type, id(relation.source), id(relation.target))
        if key not in seen:
            seen.add(key)
            out.append(relation)
    return out


def _strict(relations: list[Relation]) -> list[Relation]:
    """Strict mode: statement-to-statement support entails, attack is (one) contrary."""
    out, contraries = [], set()
    for relation in relations:
        ends = (relation.source.kind, relation.target.kind)
        if ends == ("statement", "statement") and relation.type in ("support", "attack"):
            if relation.type == "support":
                relation.type = "entails"
            else:
                pair = frozenset((id(relation.source), id(relation.target)))
                if pair in contraries:
                    continue
                contraries.add(pair)
                relation.type = "contrary"
        out.append(relation)
    return out


def _may_be_redundant(relation: Relation) -> bool:
    """Whether a relation is an attack from a statement on an argument with premises."""
    return (
        relation.type == "attack"
        and relation.source.kind == "statement"
        and bool(relation.target.pcs)
    )


def _redundant(relation: Relation, touching: dict[int, list]) -> bool:
    """An attack from a statement on an argument that already hits one of its premises."""
    argument, statement = relation.target, relation.source
    if not _may_be_redundant(relation):
        return False
    premises = {id(s) for s, role in argument.pcs if role == "premise"}
    for other in touching[id(statement)]:
        if other.type not in ("attack", "contradictory", "contrary"):
            continue
        far = other.target if other.source is statement else other.source
        hits = other.type != "attack" or other.source is statement
        if hits and far.kind == "statement" and id(far) in premises:
            return True
    return False
