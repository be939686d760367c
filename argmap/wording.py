"""A change of a map in words: what the history page, the overview and their readers show."""

from __future__ import annotations

from . import authors, labels, moderation, undo

FIELD_WORDS = {
    "kind": "kind",
    "text": "text",
    "quote": "quote",
    "source": "source",
    "parent_id": "parent",
    "group": "premise group",
    "undercut": "undercut",
    "tags": "tags",
}


def edited_fields(data: dict) -> list[str]:
    """The fields of a node that an edit changed, in words."""
    before, after = data.get("before") or {}, data.get("after") or {}
    return [FIELD_WORDS[f] for f in FIELD_WORDS if before.get(f) != after.get(f)]


def node_words(action: str, data: dict) -> dict:
    """What a node change did, with the old and new text where there is one."""
    before, after = data.get("before") or {}, data.get("after") or {}
    kind = (after or before).get("kind", "node")
    if action == "node.add":
        return {"words": f"added a {kind}", "new": after.get("text")}
    if action == "node.update":
        fields = edited_fields(data)
        what = f"edited a {kind}" + (f" ({', '.join(fields)})" if fields else " (no change)")
        texts = {"old": before.get("text"), "new": after.get("text")}
        return {"words": what, **(texts if "text" in fields else {"new": after.get("text")})}
    if action == "node.delete":
        count = len(data.get("deleted", [])) - 1
        below = f" and {count} node{'s' if count != 1 else ''} below it" if count > 0 else ""
        return {"words": f"deleted a {kind}{below}", "old": before.get("text")}
    count = len(data.get("restored", [])) - 1
    below = f" with {count} node{'s' if count != 1 else ''} below it" if count > 0 else ""
    return {"words": f"restored a {kind}{below}", "new": after.get("text")}


def moderation_words(action: str, data: dict) -> dict:
    """What an owner's moderation change did, in words."""
    after = data.get("after") or {}
    if action in ("node.hide", "node.unhide"):
        done = "hid a node from students" if action == "node.hide" else "showed a node again"
        return {"words": done, "new": after.get("text")}
    if action == "map.moderation":
        mode = moderation.MODE_LABELS.get(after.get("moderation"), "?")
        return {"words": f"set the moderation: {mode.lower()}"}
    if action == "member.role":
        return {"words": f"made {data.get('name')} {data.get('after')} (was {data.get('before')})"}
    return {"words": "locked the map" if action == "map.lock" else "unlocked the map"}


MODERATION_ACTIONS = (*moderation.OWNER_ACTIONS, "member.role")


def class_words(action: str, data: dict) -> str:
    """What a change to the class (teams, settings) did, in words."""
    team = data.get("after") or data.get("before") or {}
    if action == "team.create":
        return f"made the team {team.get('name')}"
    if action == "team.update":
        return f"changed the team {team.get('name')}"
    if action == "team.delete":
        return f"deleted the team {team.get('name')}"
    if action == "team.assign":
        return f"moved {data.get('member_name', 'a member')} to another team"
    if action == "team.notes":
        return "saved a team's speaker notes"
    after = data.get("after") or {}
    said = "on" if after.get("anonymous") else "off"
    picks = "pick their teams" if after.get("team_pick") else "are put in teams by the owners"
    return f"changed the class settings: anonymous names {said}, students {picks}"


COMMENT_WORDS = {
    "comment.add": "commented on node {node}",
    "comment.edit": "edited a comment on node {node}",
    "comment.delete": "deleted a comment on node {node}",
    "comment.resolve": "resolved a comment on node {node}",
    "comment.reopen": "reopened a comment on node {node}",
    "comment.restore": "brought back a comment on node {node}",
}


def comment_words(action: str, data: dict) -> dict:
    """What a change to a node's comments did, with the comment's old and new text."""
    before, after = data.get("before") or {}, data.get("after") or {}
    comment = after or before
    said = {"words": COMMENT_WORDS[action].format(node=comment.get("node_id"))}
    if action == "comment.edit":
        return {**said, "old": before.get("body"), "new": after.get("body")}
    if action == "comment.delete":
        return {**said, "old": before.get("body")}
    return {**said, "new": comment.get("body")}


def describe(event: dict) -> dict:
    """An event in words: what was done, and the old and new text."""
    action, data = event["action"], event["data"]
    if action in MODERATION_ACTIONS:
        said = moderation_words(action, data)
    elif action.startswith("node."):
        said = node_words(action, data)
    elif action in COMMENT_WORDS:
        said = comment_words(action, data)
    elif action in ("link.add", "link.delete"):
        link = data.get("after") or data.get("before") or {}
        verb = "linked" if action == "link.add" else "removed the link:"
        relation = labels.relation_verb(link.get("relation"))
        said = {"words": f"{verb} node {link.get('from_id')} {relation} node {link.get('to_id')}"}
    elif action == "map.update":
        before, after = data.get("before") or {}, data.get("after") or {}
        field = "title" if before.get("title") != after.get("title") else "description"
        said = {
            "words": f"changed the map's {field}",
            "old": before.get(field),
            "new": after.get(field),
        }
    elif action == "map.create":
        said = {"words": "created the map", "new": (data.get("after") or {}).get("title")}
    elif action == "map.import":
        after = data.get("after") or {}
        said = {
            "words": f"imported {after.get('nodes', 0)} nodes and {after.get('links', 0)} links"
        }
    elif action.startswith("team.") or action == "map.classroom":
        said = {"words": class_words(action, data)}
    else:
        said = {"words": action}
    if data.get("undo_of"):
        said["words"] = f"undid change #{data['undo_of']}: {said['words']}"
    undoable = action in undo.UNDOS and not data.get("imported")
    return {**event, "old": None, "new": None, **said, "undoable": undoable}


def described(found: list[dict], names: authors.Names) -> list[dict]:
    """Events in words, with people's names as this reader sees them."""
    for event in found:
        if event["action"] == "team.assign":
            event["data"]["member_name"] = names.member(event["data"]["member_id"])
    return [describe(names.event(e)) for e in found]
