"""What each change did to its map, as a patch a page applies to its copy of the map.

A patch is made from the event's own data (the fields before and after, stored in the change's
transaction), never from the map as it is now, so pages that apply the patches in revision
order end with the map as the database holds it. An event a page cannot apply this way gives
None: the page loads the whole map again.

A patch holds any of: "nodes" (nodes added or changed, whole), "deleted" (node ids),
"links" (links added, whole), "unlinked" (link ids removed), "map" (title, description),
"votes" (node id -> {"count", "mean"} after a vote) and, on the voter's own stream only,
"mine" (node id -> their vote, or None when taken back; see views/live.py),
"comments" (comments added or changed, whole), "uncommented" (comment ids removed).
"""

from __future__ import annotations

from collections.abc import Callable


def moved_after(child: dict, before: dict, choice: str) -> dict:
    """A child of a deleted node as the deletion left it (see deletion.move_children)."""
    version = child["version"] + 1
    if choice == "reattach" and before["parent_id"] is not None:
        return {**child, "parent_id": before["parent_id"], "undercut": False, "version": version}
    return {
        **child,
        "parent_id": None,
        "kind": "claim",
        "group": None,
        "undercut": False,
        "version": version,
    }


def node_written(data: dict) -> dict | None:
    """A node added or edited: its new fields."""
    return {"nodes": [data["after"]]} if data.get("after") else None


def node_deleted(data: dict) -> dict | None:
    """A deleted node with the nodes below it, their links, and the children moved away."""
    if "deleted" not in data:
        return None
    before, choice = data["before"], data.get("choice")
    made = {
        "deleted": [n["id"] for n in data["deleted"]],
        "unlinked": [li["id"] for li in data.get("links", [])],
        "nodes": [moved_after(child, before, choice) for child in data.get("moved", [])],
    }
    if data.get("comments"):  # the deleted nodes' comments went with them
        made["uncommented"] = [c["id"] for c in data["comments"]]
    return made


def node_restored(data: dict) -> dict | None:
    """Deleted nodes back, with their links and the children moved back under them."""
    if "restored" not in data or (data.get("moved_back") and "returned" not in data):
        return None  # older events do not say how the moved children came back
    made = {"nodes": data["restored"] + data.get("returned", []), "links": data.get("links", [])}
    return made | ({"comments": data["comments"]} if data.get("comments") else {})


def link_added(data: dict) -> dict | None:
    """A new link."""
    return {"links": [data["after"]]} if data.get("after") else None


def link_deleted(data: dict) -> dict | None:
    """A removed link."""
    return {"unlinked": [data["before"]["id"]]} if data.get("before") else None


def voted(event_node: int | None, data: dict) -> dict | None:
    """A node's vote count and mean after a vote was cast, changed or taken back."""
    if event_node is None or "count" not in data:
        return None
    return {"votes": {event_node: {"count": data["count"], "mean": data["mean"]}}}


def comment_written(data: dict) -> dict | None:
    """A comment added, edited, resolved, reopened or brought back: its new fields."""
    return {"comments": [data["after"]]} if data.get("after") else None


def comment_deleted(data: dict) -> dict | None:
    """A deleted comment."""
    return {"uncommented": [data["before"]["id"]]} if data.get("before") else None


def map_updated(data: dict) -> dict | None:
    """A new title or description."""
    return {"map": data["after"]} if data.get("after") else None


BY_ACTION: dict[str, Callable[[dict], dict | None]] = {
    "node.add": node_written,
    "node.update": node_written,
    "node.delete": node_deleted,
    "node.restore": node_restored,
    "link.add": link_added,
    "link.delete": link_deleted,
    "map.update": map_updated,
    "comment.add": comment_written,
    "comment.edit": comment_written,
    "comment.resolve": comment_written,
    "comment.reopen": comment_written,
    "comment.restore": comment_written,
    "comment.delete": comment_deleted,
    # Moderation: owners' copies mark the node; students' streams send removals instead
    # (moderation.student_change). A new role changes nothing in the map's copy.
    "node.hide": node_written,
    "node.unhide": node_written,
    "map.lock": map_updated,
    "map.unlock": map_updated,
    "map.moderation": map_updated,
    "member.role": lambda _data: {},
}


def patch(action: str, data: dict, node_id: int | None = None) -> dict | None:
    """The patch of one event, or None when a page must load the map again (e.g. an import)."""
    if action in ("vote.set", "vote.clear"):
        return voted(node_id, data)
    made = BY_ACTION.get(action)
    return made(data) if made else None
