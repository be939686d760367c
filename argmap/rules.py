"""The rulebook: each rule of the model once, a pure function over the rows it is given.

Edits (nodes, links), imports (portable, formats) and undo/restore all call these; each
raises ValidationError naming the field to fix, with the same words wherever it is broken.
"""

from __future__ import annotations

from .errors import ValidationError
from .model import MAX_DEPTH


def parent_rule(kind: str, parent: object) -> None:
    """A claim has no parent; a support or counter needs one."""
    if kind == "claim" and parent is not None:
        raise ValidationError(
            "A claim stands on its own: choose support or counter to put it under a node.",
            "parent_id",
        )
    if kind != "claim" and parent is None:
        raise ValidationError(f"A {kind} needs a parent: choose the node it is about.", "parent_id")


def inference_rule(
    kind: str, parent: object, group: object, undercut: bool, parent_has_parent: bool
) -> None:
    """Only a node with an inference (a parent) groups; only a counter of a non-claim undercuts."""
    if parent is None:
        if undercut or group is not None:
            raise ValidationError("A claim has no inference to group or undercut.", "group")
        return
    if undercut and (kind != "counter" or not parent_has_parent):
        raise ValidationError(
            "Only a counter of a support or counter can object to the inference (undercut).",
            "undercut",
        )


def link_undercut_rule(relation: str, undercut: bool, target_has_parent: bool) -> None:
    """Only a counter link to a support or counter undercuts its inference."""
    if undercut and (relation != "counter" or not target_has_parent):
        raise ValidationError(
            "Only a counter link to a support or counter can undercut its inference.", "undercut"
        )


def self_rule(source: object, target: object, field: str = "to_id") -> None:
    """No node relates to itself."""
    if source == target:
        raise ValidationError("A node cannot be linked to itself.", field)


def parent_repeat_rule(is_parent: bool) -> None:
    """No link repeats a node's parent edge (same target, same group)."""
    if is_parent:
        raise ValidationError("That node is already this node's parent.", "to_id")


def repeat_rule(linked: bool) -> None:
    """Two nodes are linked once: one link either way (another group aside)."""
    if linked:
        raise ValidationError("These two nodes are already linked.", "to_id")


def cycle_rule(source: object, target: object, target_reaches_source: bool, field: str) -> None:
    """No relation (contradictions aside) from a node to one that already rests on it."""
    if source == target:
        raise ValidationError("A node cannot rest on itself: that would form a cycle.", field)
    if target_reaches_source:
        raise ValidationError(
            f"Node {target} already rests on node {source}: relating them would form a cycle.",
            field,
        )


def depth_rule(level: int) -> None:
    """No node more than MAX_DEPTH levels below its claim (pages could not show it)."""
    if level > MAX_DEPTH:
        raise ValidationError(
            f"Nodes would be nested more than {MAX_DEPTH} levels deep below their claim:"
            " put them under a node higher up.",
            "parent_id",
        )
