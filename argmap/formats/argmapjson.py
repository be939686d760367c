"""argmap JSON: the whole map (nodes, links, quotes, sources, history, votes), read back exactly.

Version 2 (`"format": "argmap", "version": 2`) gives each link and each change
its id, so that an import can remap every id the history names (see
argmap.formats.history). Version 1 files (`"argmap": 1`, no link or change
ids) still read: their history comes back, but an undo inside it no longer
says which change it undid.
"""

from __future__ import annotations

import json

from ..errors import FormatError
from ..model import KINDS, LINK_RELATIONS, Link, MapData, Node
from ..moderation import MODES, NEW_MAPS
from .history import read_events

VERSION = 2


def write(data: MapData) -> str:
    """The map as argmap JSON text."""
    doc = {
        "format": "argmap",
        "version": VERSION,
        "title": data.title,
        "description": data.description,
        "moderation": data.moderation or NEW_MAPS,
        "locked": data.locked,
        "listed": data.listed,
        "nodes": [
            {
                "id": n.key,
                "kind": n.kind,
                "text": n.text,
                "quote": n.quote,
                "source": n.source,
                "parent_id": n.parent,
                "group": n.group,
                "undercut": n.undercut,
                "tags": n.tags,
                "hidden": n.hidden,
                "author": n.author,
            }
            for n in data.nodes
        ],
        "links": [
            {
                "id": li.key,
                "from_id": li.source,
                "to_id": li.target,
                "relation": li.relation,
                "group": li.group,
                "undercut": li.undercut,
            }
            for li in data.links
        ],
        "events": data.events,
    }
    authors = data.classroom.get("authors", {})
    for node in doc["nodes"]:
        if authors.get(node["id"]):
            node["author"] = authors[node["id"]]
    for name in ("teams", "settings", "comments"):
        if name in data.classroom:
            doc[name] = data.classroom[name]
    if data.votes:
        doc["votes"] = data.votes
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def load_json(text: str) -> object:
    """Parse JSON text, naming the line of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"not valid JSON: {error.msg}", f"line {error.lineno}") from None
    except RecursionError:
        raise FormatError("the JSON is nested too deeply") from None
    except ValueError:  # e.g. an integer of more than 4,300 digits
        raise FormatError("not valid JSON: a number in it is too long") from None


def field(obj: dict, name: str, kind: type | tuple, where: str, default: object = ...) -> object:
    """A field of a JSON object, checked for its type."""
    if name not in obj:
        if default is ...:
            raise FormatError(f"the field {name!r} is missing", where)
        return default
    value = obj[name]
    if value is not None and not isinstance(value, kind):
        raise FormatError(f"{name!r} has the wrong type", f"{where}.{name}")
    return value


def key(value: object, where: str) -> str | None:
    """A node reference (string or integer) as a key."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FormatError("a node id must be a string or an integer", where)
    return str(value)


def one_of(obj: object, what: str, name: str, choices: tuple[str, ...], where: str) -> str:
    """The field `name` of a JSON object (a node or link), one of the choices."""
    if not isinstance(obj, dict):
        raise FormatError(f"a {what} must be an object", where)
    value = field(obj, name, str, where)
    if value not in choices:
        raise FormatError(f"unknown {name} {value!r}", f"{where}.{name}")
    return value


def read_node(obj: object, where: str) -> Node:
    """One node object."""
    kind = one_of(obj, "node", "kind", KINDS, where)
    tags = field(obj, "tags", list, where, []) or []
    if not all(isinstance(tag, str) for tag in tags):
        raise FormatError("tags must be a list of strings", f"{where}.tags")
    return Node(
        key=key(field(obj, "id", (str, int), where), f"{where}.id"),
        kind=kind,
        text=field(obj, "text", str, where),
        quote=field(obj, "quote", str, where, "") or "",
        source=field(obj, "source", str, where, "") or "",
        parent=key(field(obj, "parent_id", (str, int), where, None), f"{where}.parent_id"),
        group=field(obj, "group", int, where, None),
        undercut=bool(field(obj, "undercut", bool, where, False)),
        tags=tags,
        hidden=bool(field(obj, "hidden", bool, where, False)),
        author=field(obj, "author", str, where, "") or "",
    )


def read_link(obj: object, where: str) -> Link:
    """One link object."""
    relation = one_of(obj, "link", "relation", LINK_RELATIONS, where)
    return Link(
        key=key(field(obj, "id", (str, int), where, None), f"{where}.id"),
        source=key(field(obj, "from_id", (str, int), where), f"{where}.from_id"),
        target=key(field(obj, "to_id", (str, int), where), f"{where}.to_id"),
        relation=relation,
        group=field(obj, "group", int, where, None),
        undercut=bool(field(obj, "undercut", bool, where, False)),
    )


def read(text: str) -> MapData:
    """Read argmap JSON text into a portable map."""
    doc = load_json(text)
    version(doc)
    nodes = field(doc, "nodes", list, "$")
    links = field(doc, "links", list, "$", []) or []
    data = MapData(
        title=field(doc, "title", str, "$"),
        description=field(doc, "description", str, "$", "") or "",
        listed=bool(field(doc, "listed", bool, "$", False)),
        nodes=[read_node(n, f"$.nodes[{i}]") for i, n in enumerate(nodes)],
        links=[read_link(li, f"$.links[{i}]") for i, li in enumerate(links)],
        events=read_events(field(doc, "events", list, "$", []) or []),
        moderation=field(doc, "moderation", str, "$", None),
        locked=bool(field(doc, "locked", bool, "$", False)),
        classroom=read_classroom(doc),
        votes=read_votes(field(doc, "votes", list, "$", []) or []),
    )
    if data.moderation is not None and data.moderation not in MODES:
        raise FormatError(f"unknown moderation {data.moderation!r}", "$.moderation")
    check_keys(data)
    return data


def read_votes(found: list) -> list[dict]:
    """The file's votes: each a node's key, a voter's key and a value from 0 to 4."""
    read = []
    for i, obj in enumerate(found):
        where = f"$.votes[{i}]"
        if not isinstance(obj, dict):
            raise FormatError("a vote must be an object", where)
        value = field(obj, "value", int, where)
        if isinstance(value, bool) or not 0 <= value <= 4:
            raise FormatError("a vote's value must be a whole number from 0 to 4", where)
        node = key(field(obj, "node", (str, int), where), f"{where}.node")
        voter = key(field(obj, "voter", (str, int), where), f"{where}.voter")
        read.append({"node": node, "voter": voter, "value": value})
    return read


def read_team(obj: object, where: str) -> dict:
    """One team: its name, the claim it argues about (a node id) and side, its notes."""
    if not isinstance(obj, dict):
        raise FormatError("a team must be an object", where)
    side = field(obj, "side", str, where, None)
    if side not in (None, "for", "against"):
        raise FormatError(f"unknown side {side!r}: for or against", f"{where}.side")
    return {
        "name": field(obj, "name", str, where),
        "claim_id": key(field(obj, "claim_id", (str, int), where, None), f"{where}.claim_id"),
        "side": side,
        "notes": field(obj, "notes", str, where, "") or "",
    }


def read_comment(obj: object, where: str) -> dict:
    """One comment: the node it is about, who wrote it and when, its text, resolved or not."""
    if not isinstance(obj, dict):
        raise FormatError("a comment must be an object", where)
    return {
        "node_id": key(field(obj, "node_id", (str, int), where), f"{where}.node_id"),
        "author": field(obj, "author", str, where, "") or "",
        "body": field(obj, "body", str, where),
        "created_at": field(obj, "created_at", str, where, None),
        "edited_at": field(obj, "edited_at", str, where, None),
        "resolved_at": field(obj, "resolved_at", str, where, None),
        "resolved_by": field(obj, "resolved_by", str, where, None),
    }


def read_classroom(doc: dict) -> dict:
    """The class's teams and settings, when the file has them."""
    found: dict = {}
    teams = field(doc, "teams", list, "$", None)
    if teams is not None:
        found["teams"] = [read_team(t, f"$.teams[{i}]") for i, t in enumerate(teams)]
    comments = field(doc, "comments", list, "$", None)
    if comments is not None:
        found["comments"] = [read_comment(c, f"$.comments[{i}]") for i, c in enumerate(comments)]
    settings = field(doc, "settings", dict, "$", None)
    if settings is not None:
        found["settings"] = {
            name: bool(field(settings, name, bool, "$.settings", False))
            for name in ("anonymous", "team_pick")
        }
    return found


def version(doc: object) -> int:
    """The file's format version: 1 (`"argmap": 1`) or 2 (`"format": "argmap"`)."""
    if isinstance(doc, dict) and doc.get("format") == "argmap":
        if doc.get("version") != VERSION:
            raise FormatError(
                f"unsupported argmap file version {doc.get('version')!r}: this argmap reads"
                f" versions 1 and {VERSION}",
                "$.version",
            )
        return VERSION
    if not isinstance(doc, dict) or "argmap" not in doc:
        raise FormatError("not an argmap file: the top-level 'format' field is missing", "$")
    if doc["argmap"] != 1:
        raise FormatError(f"unsupported argmap file version {doc['argmap']!r}", "$.argmap")
    return 1


def check_keys(data: MapData) -> None:
    """Every id is unique and every reference names a node of the file."""
    seen: set[str] = set()
    for i, node in enumerate(data.nodes):
        if node.key in seen:
            raise FormatError(f"the id {node.key!r} is used twice", f"$.nodes[{i}].id")
        seen.add(node.key)
    for i, node in enumerate(data.nodes):
        if node.parent is not None and node.parent not in seen:
            raise FormatError(f"unknown parent {node.parent!r}", f"$.nodes[{i}].parent_id")
    links: set[str] = set()
    for i, link in enumerate(data.links):
        for end, name in ((link.source, "from_id"), (link.target, "to_id")):
            if end not in seen:
                raise FormatError(f"unknown node {end!r}", f"$.links[{i}].{name}")
        if link.key is not None and link.key in links:
            raise FormatError(f"the link id {link.key!r} is used twice", f"$.links[{i}].id")
        links.add(link.key)
    voted: set[tuple] = set()
    for i, vote in enumerate(data.votes):
        if vote["node"] not in seen:
            raise FormatError(f"unknown node {vote['node']!r}", f"$.votes[{i}].node")
        if (vote["node"], vote["voter"]) in voted:
            raise FormatError("a voter votes once per node", f"$.votes[{i}]")
        voted.add((vote["node"], vote["voter"]))
    for i, comment in enumerate(data.classroom.get("comments", [])):
        if comment["node_id"] not in seen:
            raise FormatError(f"unknown node {comment['node_id']!r}", f"$.comments[{i}].node_id")
    for i, team in enumerate(data.classroom.get("teams", [])):
        if team["claim_id"] is not None and team["claim_id"] not in seen:
            raise FormatError(f"unknown claim {team['claim_id']!r}", f"$.teams[{i}].claim_id")
