"""The rulebook: each rule of the model once, a pure function over the rows it is given.

Edits (nodes, links), imports (portable, formats) and undo/restore all call these; each
raises ValidationError naming the field to fix, with the same words wherever it is broken.
"""

from __future__ import annotations

from .errors import Forbidden, ValidationError
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


# Moderation: what a student (a member who is not an owner) may change. Pure, like the rest.
LOCKED = (
    "This map is locked by its owner: you can read it but not change it until an owner unlocks it."
)


def lock_rule(locked: bool, student: bool) -> None:
    """Nobody but an owner changes a locked map."""
    if locked and student:
        raise Forbidden(LOCKED, "map_id")


def own_rule(mode: str, student: bool, author: int | None, me: int | None, what: str) -> None:
    """With "own" moderation, a student edits and deletes only the nodes they wrote."""
    if mode == "own" and student and (author is None or author != me):
        raise Forbidden(
            f"You can only {what} your own nodes on this map: its owners set it so."
            " Add a counter or a support under this node instead.",
            "node_id",
        )


def subtree_rule(mode: str, student: bool, others: int) -> None:
    """A student deletes no node with other people's nodes under it (with "own" moderation)."""
    if mode == "own" and student and others:
        raise Forbidden(
            f"{others} node{'s' if others != 1 else ''} by other people"
            f" {'are' if others != 1 else 'is'} under this node, so you cannot delete it:"
            " ask an owner of the map.",
            "node_id",
        )


def undo_scope_rule(mode: str, student: bool, by: int | None, me: int | None) -> None:
    """With "own" moderation, a student undoes only their own changes."""
    if mode == "own" and student and (by is None or by != me):
        raise Forbidden(
            "You can only undo your own changes on this map: its owners set it so.", "event_id"
        )


def owner_action_rule(student: bool) -> None:
    """Locking, hiding, moderation and owner changes are undone by owners only."""
    if student:
        raise Forbidden("Only an owner of this map can undo this change.", "event_id")


# Comments: a thread per node about its wording and evidence (argmap/comments.py).
COMMENT_MAX = 2000  # characters of one comment


def comment_edit_rule(author: int | None, me: int | None) -> None:
    """Only a comment's author edits it (owners may delete it, not put words in it)."""
    if author is None or author != me:
        raise Forbidden("Only its author can edit a comment.", "comment_id")


def comment_delete_rule(author: int | None, me: int | None, owner: bool) -> None:
    """A comment is deleted by its author or by an owner of the map."""
    if not owner and (author is None or author != me):
        raise Forbidden(
            "Only its author or an owner of the map can delete a comment.", "comment_id"
        )


def comment_resolve_rule(node_author: int | None, me: int | None, owner: bool) -> None:
    """Comments are resolved and reopened by the node's author or an owner of the map."""
    if not owner and (node_author is None or node_author != me):
        raise Forbidden(
            "Only the node's author or an owner of the map can resolve or reopen its comments.",
            "comment_id",
        )
