"""Undo any single change of a map; the undo is itself a change, by whoever undid it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlite_utils import Database

from . import comments, deletion, events, links, maps, members, moderation, nodes
from .db import row, rows, write
from .errors import Conflict, NotFound, ValidationError
from .events import Actor
from .records import node_dict
from .undelete import in_map, quote, undo_delete

REFUSED = {
    "map.create": "Creating the map cannot be undone: delete the map instead.",
    "map.import": "An import cannot be undone: delete the map instead.",
    "vote.set": "A vote is not undone: change your vote or take it back on the node instead.",
    "vote.clear": "A vote is not undone: vote again on the node instead.",
}
# Events after the one undone that removed a node (or a link) it added.
NODE_REMOVED = (
    "action = 'node.delete' AND EXISTS (SELECT 1 FROM json_each(data, '$.deleted')"
    " WHERE json_extract(value, '$.id') = :id)"
)
LINK_REMOVED = (
    "(action = 'link.delete' AND json_extract(data, '$.before.id') = :id)"
    " OR (action = 'node.delete' AND EXISTS (SELECT 1 FROM json_each(data, '$.links')"
    " WHERE json_extract(value, '$.id') = :id))"
)


def get_event(db: Database, map_id: int, event_id: int) -> dict:
    """The event with its data, or NotFound when it is not one of this map's."""
    found = rows(db, "SELECT * FROM events WHERE id = ? AND map_id = ?", (event_id, map_id))
    if not found:
        raise NotFound(f"There is no change #{event_id} in this map.", "event_id")
    return events.decoded(found)[0]


def undone_by(db: Database, map_id: int, event_id: int) -> dict | None:
    """The event that undid this one, if any."""
    return row(
        db,
        "SELECT id, actor FROM events WHERE map_id = ? AND json_extract(data, '$.undo_of') = ?"
        " ORDER BY id LIMIT 1",
        (map_id, event_id),
    )


def since_words(found: dict | None) -> str:
    """A later change as words for a message: "since, by Ben in change #7"."""
    if found is None:
        return "since"
    return f"since, by {found['actor'] or 'someone'} in change #{found['id']}"


def later_change(db: Database, map_id: int, node_id: int, event_id: int) -> str:
    """Who last changed a node after an event, as words for a message."""
    return since_words(
        row(
            db,
            "SELECT id, actor FROM events WHERE map_id = ? AND node_id = ? AND id > ?"
            " AND action LIKE 'node.%' ORDER BY id DESC LIMIT 1",  # not votes nor comments
            (map_id, node_id, event_id),
        )
    )


def removed_since(db: Database, map_id: int, event_id: int, removed: str, item: int) -> dict | None:
    """The first change after an event that removed the node or link (NODE_/LINK_REMOVED)."""
    return row(
        db,
        f"SELECT id, actor FROM events WHERE map_id = :map AND id > :event AND ({removed})"
        " ORDER BY id LIMIT 1",
        {"map": map_id, "event": event_id, "id": item},
    )


def current_node(db: Database, map_id: int, node: dict, what: str) -> dict:
    """The node as it stands now, or Conflict saying it is gone."""
    found = in_map(db, map_id, node["id"])
    if found is None:
        raise Conflict(f"{quote(node['text'])} was deleted since; {what}", None, "event_id")
    return node_dict(found)


def added_node(db: Database, map_id: int, event: dict) -> dict:
    """The node an add created, or Conflict when it was deleted since (even if brought back)."""
    added = event["data"]["after"]
    gone = removed_since(db, map_id, event["id"], NODE_REMOVED, added["id"])
    found = in_map(db, map_id, added["id"])
    if gone is None and found is not None:
        return node_dict(found)
    what = (
        "and brought back: delete it by hand if it should go."
        if found is not None
        else "there is nothing to undo."
    )
    words = f"{quote(added['text'])} was deleted {since_words(gone)}; {what}"
    raise Conflict(words, None, "event_id")


def undo_add(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Remove an added node; nodes added about it since move up to its parent."""
    node = added_node(db, map_id, event)
    kids = nodes.children(db, node["id"])
    deletion.delete_node(db, map_id, node["id"], "reattach" if kids else None, None, actor)
    message = f"Removed {quote(node['text'])}."
    if kids:
        where = "up to its parent" if node["parent_id"] else "out as claims of their own"
        message += (
            f" {len(kids)} node{'s' if len(kids) != 1 else ''} added about it since moved {where}."
        )
    return message


def undo_update(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Put back the fields an edit changed, unless they were changed again since."""
    before, after = event["data"]["before"], event["data"]["after"]
    current = current_node(db, map_id, after, "restore it first.")
    touched = [f for f in nodes.EDITABLE if before[f] != after[f]]
    clashes = [f for f in touched if current[f] != after[f]]
    if clashes:
        raise Conflict(
            f"{quote(current['text'])} was changed again "
            f"{later_change(db, map_id, current['id'], event['id'])} ({', '.join(clashes)}):"
            " undo that change first, or edit the node by hand.",
            current,
        )
    changes = {f: before[f] for f in touched}
    nodes.update_node(db, map_id, current["id"], {**changes, "version": current["version"]}, actor)
    return f"Restored {quote(before['text'])} as it was before the edit."


def undo_restore(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Delete restored nodes again, as the original deletion did."""
    data = event["data"]
    root = current_node(db, map_id, data["after"], "there is nothing to undo.")
    kids = nodes.children(db, root["id"])
    choice = data.get("choice") if kids else None
    if kids and choice in (None, "delete"):
        restored = {n["id"] for n in data["restored"]}
        extra = [n for n in nodes.subtree(db, root["id"]) if n["id"] not in restored]
        choice = "reattach" if choice is None else choice
        if extra and choice == "delete":
            raise Conflict(
                f"{len(extra)} node{'s were' if len(extra) != 1 else ' was'} added under"
                f" {quote(root['text'])} since it came back: delete it by hand to choose what"
                " becomes of them.",
                root,
                "event_id",
            )
    done = deletion.delete_node(db, map_id, root["id"], choice, None, actor)
    return f"Deleted {quote(root['text'])} again" + (
        f" with {len(done['deleted']) - 1} nodes below it." if len(done["deleted"]) > 1 else "."
    )


def undo_link_add(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Remove an added link, unless it was removed since (even if brought back)."""
    link = event["data"]["after"]
    gone = removed_since(db, map_id, event["id"], LINK_REMOVED, link["id"])
    found = row(db, "SELECT id FROM links WHERE id = ? AND map_id = ?", (link["id"], map_id))
    if gone is not None or found is None:
        what = (
            "and brought back: remove it by hand if it should go."
            if found is not None
            else "there is nothing to undo."
        )
        raise Conflict(f"That link was removed {since_words(gone)}; {what}", None, "event_id")
    links.delete_link(db, map_id, link["id"], actor)
    return "Removed the link."


def undo_link_delete(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Link the two nodes again as they were."""
    link = event["data"]["before"]
    fields = {k: link[k] for k in ("from_id", "to_id", "relation", "group", "undercut")}
    links.add_link(db, map_id, fields, actor)
    return "Linked the two nodes again."


def undo_map_update(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Put back the map's title and description, unless they were changed again since."""
    before, after = event["data"]["before"], event["data"]["after"]
    current = maps.get_map(db, map_id)
    touched = [f for f in ("title", "description") if before[f] != after[f]]
    clashes = [f for f in touched if current[f] != after[f]]
    if clashes:
        raise Conflict(
            f"The map's {' and '.join(clashes)} changed again since: undo that change first.",
            None,
            clashes[0],
        )
    maps.patch_map(db, map_id, {f: before[f] for f in touched}, actor)
    return f"Restored the map's {' and '.join(touched) or 'title'}."


def undo_hide(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Show a hidden node to students again (or hide one shown again)."""
    node = current_node(db, map_id, event["data"]["after"], "there is nothing to undo.")
    hide = event["action"] == "node.unhide"
    moderation.set_hidden(db, map_id, node["id"], hide, actor)
    done = "Hid {} from students." if hide else "Showed {} to students again."
    return done.format(quote(node["text"]))


def undo_lock(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Unlock a map that was locked, or lock it again."""
    locked = event["data"]["before"]["locked"]
    moderation.set_locked(db, map_id, locked, actor)
    return "Locked the map again." if locked else "Unlocked the map."


def undo_moderation(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Put back the map's moderation as it was."""
    mode = event["data"]["before"]["moderation"]
    moderation.set_mode(db, map_id, mode, actor)
    return f"Moderation is back to: {moderation.MODE_LABELS[mode].lower()}."


def undo_role(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Give a member back the role they had."""
    data = event["data"]
    found = members.set_role(db, map_id, data["member"], data["before"], actor)
    return f"{found['name']} is {found['role']} again."


def current_comment(db: Database, map_id: int, comment: dict) -> dict:
    """The comment as it stands now, or Conflict saying it was deleted since."""
    found = row(db, "SELECT * FROM comments WHERE id = ? AND map_id = ?", (comment["id"], map_id))
    if found is None:
        gone = "That comment was deleted since: there is nothing to undo."
        raise Conflict(gone, None, "event_id")
    return found


def undo_comment_add(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Remove an added (or brought back) comment: the same rule as deleting it."""
    found = current_comment(db, map_id, event["data"]["after"])
    comments.delete(db, map_id, found["id"], actor)
    return "Removed the comment."


def undo_comment_edit(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Put back a comment's text, unless it was edited again since (its author only)."""
    before, after = event["data"]["before"], event["data"]["after"]
    found = current_comment(db, map_id, after)
    if found["body"] != after["body"]:
        raise Conflict(
            "That comment was edited again since: undo that change first.", None, "event_id"
        )
    comments.edit(db, map_id, found["id"], before["body"], actor)
    return "Restored the comment as it was before the edit."


def undo_comment_delete(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Bring a deleted comment back (its author, or an owner), if its node is still here."""
    comments.restore(db, map_id, event["data"]["before"], actor)
    return "Brought the comment back."


def undo_comment_resolve(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Reopen a resolved comment, or resolve a reopened one (the same rule as doing it)."""
    found = current_comment(db, map_id, event["data"]["after"])
    reopen = event["action"] == "comment.resolve"
    comments.set_resolved(db, map_id, found["id"], not reopen, actor)
    return "Reopened the comment." if reopen else "Resolved the comment again."


UNDOS: dict[str, Callable[[Database, int, dict, str], str]] = {
    "node.hide": undo_hide,
    "node.unhide": undo_hide,
    "map.lock": undo_lock,
    "map.unlock": undo_lock,
    "map.moderation": undo_moderation,
    "member.role": undo_role,
    "node.add": undo_add,
    "node.update": undo_update,
    "node.delete": undo_delete,
    "node.restore": undo_restore,
    "link.add": undo_link_add,
    "link.delete": undo_link_delete,
    "map.update": undo_map_update,
    "comment.add": undo_comment_add,
    "comment.restore": undo_comment_add,
    "comment.edit": undo_comment_edit,
    "comment.delete": undo_comment_delete,
    "comment.resolve": undo_comment_resolve,
    "comment.reopen": undo_comment_resolve,
}


def check_undoable(db: Database, map_id: int, event: dict) -> None:
    """Refuse a change of a kind that cannot be undone, or one undone already."""
    action = event["action"]
    if event["data"].get("imported"):
        raise ValidationError(
            f"Change #{event['id']} came with the imported file, from before the import:"
            " it cannot be undone here. Change the map by hand instead.",
            "event_id",
        )
    if action not in UNDOS:
        message = REFUSED.get(action, f"A change of this kind ({action}) cannot be undone.")
        raise ValidationError(message, "event_id")
    done = undone_by(db, map_id, event["id"])
    if done is not None:
        raise Conflict(
            f"Change #{event['id']} was already undone in change #{done['id']};"
            " undo that change to bring it back.",
            None,
            "event_id",
        )


def carry_out(db: Database, map_id: int, event: dict, actor: Actor | str) -> str:
    """Run the undo of the event; a rule or constraint it would break becomes a Conflict."""
    try:
        return UNDOS[event["action"]](db, map_id, event, actor)
    except ValidationError as error:
        raise Conflict(
            f"This change cannot be undone as the map stands now: {error.message}",
            None,
            error.field,
        ) from None
    except sqlite3.IntegrityError:
        raise Conflict(
            f"Change #{event['id']} cannot be undone as the map stands now: putting it back"
            " would break the map's structure.",
            None,
            "event_id",
        ) from None


def undo(db: Database, map_id: int, event_id: int, actor: Actor | str = "") -> dict:
    """Undo one change of a map as a new change; returns what was done."""
    with write(db):
        maps.get_map(db, map_id)
        event = get_event(db, map_id, event_id)
        moderation.check_undo(db, map_id, event, Actor.of(actor))
        check_undoable(db, map_id, event)
        start = events.latest_id(db, map_id)
        message = carry_out(db, map_id, event, actor)
        new_id = mark(db, map_id, event_id, start)
        revision = maps.get_map(db, map_id)["revision"]
    return {"undone": event_id, "event": new_id, "revision": revision, "message": message}


def mark(db: Database, map_id: int, event_id: int, start: int) -> int:
    """Note on the undo's own event which change it undid; returns that event's id."""
    newest = events.latest_id(db, map_id)
    if newest == start:
        raise Conflict(
            f"Undoing change #{event_id} would change nothing: there is nothing to undo.",
            None,
            "event_id",
        )
    db.execute(
        "UPDATE events SET data = json_set(data, '$.undo_of', ?) WHERE id = ?", (event_id, newest)
    )
    return newest
