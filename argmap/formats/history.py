"""The change history an argmap JSON file carries: checked on read, ids remapped on import.

An event is `{"id", "revision", "action", "node_id", "actor", "created_at", "data"}`
as the history page shows it. Its data holds node and link records (`before`,
`after`, and the lists `deleted`, `restored`, `moved`, `returned`, `shown`, `links`,
`comments`),
node ids in `moved_back` and `gone` (nodes hidden from students), link ids in
`unlinked`, the `choice` made for a deletion's children, `undo_of` (the id
of the change an undo undid), `imported` (a change that came with a file) and `unseen`
(a node deleted while hidden from students).
A record's `id` is a link id in link changes and in `links`, else a node id;
`parent_id`, `from_id` and `to_id` are node ids. Records hold plain values
only (text, numbers, true/false, null, lists of text), so a file cannot hand
the history page or undo anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .model import FormatError

# A comment change's records (and a node deletion's `comments`) hold comment ids and member
# ids of the database that wrote them: an import keeps the words and the node, not those ids.
COMMENT_ACTIONS = (
    "comment.add",
    "comment.edit",
    "comment.delete",
    "comment.resolve",
    "comment.reopen",
    "comment.restore",
)
ACTIONS = (
    "map.create",
    "map.update",
    "map.import",
    "node.add",
    "node.update",
    "node.delete",
    "node.restore",
    "link.add",
    "link.delete",
    "map.moderation",
    "map.lock",
    "map.unlock",
    "node.hide",
    "node.unhide",
    *COMMENT_ACTIONS,
)
LINK_ACTIONS = ("link.add", "link.delete")
RECORDS = ("before", "after")
NODE_LISTS = ("deleted", "restored", "moved", "returned", "shown")
ID_LISTS = ("moved_back", "gone", "unlinked")  # node ids, except unlinked: link ids
NODE_FIELDS = ("parent_id", "from_id", "to_id", "node_id")
COMMENT_IDS = ("id", "member_id", "resolved_by")  # left out on import (see COMMENT_ACTIONS)
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[0-9.:+\-Z]*")


def read_events(raw: object, where: str = "$.events") -> list[dict]:
    """A file's list of changes, each checked; a FormatError names the JSON path."""
    if not isinstance(raw, list):
        raise FormatError("the history must be a list of changes", where)
    return [read_event(event, f"{where}[{i}]") for i, event in enumerate(raw)]


def read_event(raw: object, where: str) -> dict:
    """One change, with only the fields argmap knows."""
    if not isinstance(raw, dict):
        raise FormatError("a change must be an object", where)
    if raw.get("action") not in ACTIONS:
        raise FormatError(f"unknown action {raw.get('action')!r}", f"{where}.action")
    actor = raw.get("actor") or ""
    if not isinstance(actor, str):
        raise FormatError("the actor must be text", f"{where}.actor")
    stamp = raw.get("created_at")
    if not isinstance(stamp, str) or not STAMP.fullmatch(stamp):
        raise FormatError("expected a time such as 2026-01-31T09:15:00Z", f"{where}.created_at")
    return {
        "id": _number(raw.get("id"), f"{where}.id"),
        "revision": _number(raw.get("revision"), f"{where}.revision"),
        "action": raw["action"],
        "node_id": _ref(raw.get("node_id"), f"{where}.node_id"),
        "actor": actor,
        "created_at": stamp,
        "data": _data(raw.get("data", {}), f"{where}.data"),
    }


def _number(value: object, where: str) -> int | None:
    """An optional whole number."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise FormatError("expected a whole number", where)
    return value


def _ref(value: object, where: str) -> int | str | None:
    """An optional node or link id: a number or text."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | str)):
        raise FormatError("an id must be a number or text", where)
    return value


def _data(data: object, where: str) -> dict:
    """A change's data: records, lists of records, ids, the choice, undo_of and imported."""
    if not isinstance(data, dict):
        raise FormatError("a change's data must be an object", where)
    out: dict = {}
    for key, value in data.items():
        path = f"{where}.{key}"
        if key in RECORDS:
            out[key] = _record(value, path)
        elif key in (*NODE_LISTS, "links", "comments", *ID_LISTS):
            if not isinstance(value, list):
                raise FormatError("expected a list", path)
            check = _ref if key in ID_LISTS else _record
            out[key] = [check(item, f"{path}[{i}]") for i, item in enumerate(value)]
        elif key == "choice" and (value is None or isinstance(value, str)):
            out[key] = value
        elif key == "undo_of":
            out[key] = _number(value, path)
        elif key in ("imported", "unseen") and isinstance(value, bool):
            out[key] = value
        elif key == "votes":  # the tallies a node shown again brought to students' pages
            continue  # votes are not history: an imported map starts without them
        else:
            raise FormatError(f"unknown field {key!r}, or the wrong type", path)
    return out


def _record(value: object, where: str) -> dict:
    """A node, link or map record: plain values and lists of text only."""
    if not isinstance(value, dict):
        raise FormatError("expected an object", where)
    for key, item in value.items():
        plain = item is None or isinstance(item, str | int | float | bool)
        texts = isinstance(item, list) and all(isinstance(text, str) for text in item)
        if not (plain or texts):
            raise FormatError("expected text, a number, true/false or null", f"{where}.{key}")
        if key in ("id", *NODE_FIELDS):
            _ref(item, f"{where}.{key}")
    return value


Renumber = Callable[[object], int]


def remap(event: dict, node: Renumber, link: Renumber, change: Callable[[int], int | None]) -> dict:
    """The change with every node, link and change id passed through these functions.

    An `undo_of` that `change` does not know (not in the file) is left out.
    """
    own = link if event["action"] in LINK_ACTIONS else node
    data: dict = {}
    for key, value in event["data"].items():
        if key in RECORDS and event["action"] in COMMENT_ACTIONS:
            data[key] = _remap_comment(value, node)
        elif key == "comments":
            data[key] = [_remap_comment(item, node) for item in value]
        elif key in RECORDS:
            data[key] = _remap_record(value, node, own)
        elif key in (*NODE_LISTS, "links"):
            data[key] = [
                _remap_record(item, node, link if key == "links" else node) for item in value
            ]
        elif key in ID_LISTS:
            renumber = link if key == "unlinked" else node
            data[key] = [renumber(item) for item in value if item is not None]
        elif key != "undo_of":
            data[key] = value
        elif change(value) is not None:
            data[key] = change(value)
    node_id = None if event.get("node_id") is None else node(event["node_id"])
    return {**event, "node_id": node_id, "data": data}


def _remap_record(record: dict, node: Renumber, own: Renumber) -> dict:
    """A record with its own id and the node ids it names remapped."""
    out = dict(record)
    if out.get("id") is not None:
        out["id"] = own(out["id"])
    for name in NODE_FIELDS:
        if out.get(name) is not None:
            out[name] = node(out[name])
    return out


def _remap_comment(record: dict, node: Renumber) -> dict:
    """A comment record with its node remapped and this database's other ids left out."""
    out = {**record, **{name: None for name in COMMENT_IDS if name in record}}
    if out.get("node_id") is not None:
        out["node_id"] = node(out["node_id"])
    return out
