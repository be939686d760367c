"""The JSON API described for machines: OpenAPI 3.0 at /api/openapi.json."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..members import ROLES
from ..model import (
    DESCRIPTION_MAX,
    KINDS,
    LINK_RELATIONS,
    MAX_ID,
    QUOTE_MAX,
    SOURCE_MAX,
    TAG_MAX,
    TAGS_MAX,
    TEXT_MAX,
    TITLE_MAX,
)
from ..moderation import MODES
from ..nodes import CHILD_CHOICES
from ..rules import COMMENT_MAX
from ..search import SIMILAR_TEXT_MAX
from ..standing import LABELS

bp = Blueprint("openapi", __name__, url_prefix="/api")

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
VOTE_VALUE = {"type": "integer", "minimum": 0, "maximum": 4}
NULLABLE_ID = {**ID, "nullable": True}
REASONS = {
    400: "Bad input: the message says what to fix and `field` names it; nothing was written.",
    401: "An API token that is not valid, or a change sent without one.",
    403: "The caller's role on this map does not allow this.",
    404: "No such map, node, link or change (or a private map the caller cannot read).",
    409: "The node changed since `version` (`current` is the node as it stands).",
    413: "The request body is larger than the server accepts.",
}


def ref(name: str) -> dict:
    """A reference to one of the named schemas."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required: tuple = (), **more: object) -> dict:
    """A JSON object schema."""
    return {"type": "object", "properties": properties, "required": list(required), **more}


def json_content(schema: dict) -> dict:
    """A JSON body of this schema."""
    return {"content": {"application/json": {"schema": schema}}}


def answers(status: int, schema: dict, *errors: int) -> dict:
    """The success answer and the error answers an operation may give."""
    found = {str(status): {"description": "Done.", **json_content(schema)}}
    for code in (400, 401, *errors):
        found[str(code)] = {"description": REASONS[code], **json_content(ref("Error"))}
    return found


def operation(summary: str, responses: dict, body: dict | None = None, **more: object) -> dict:
    """One operation, sent with the caller's API token."""
    found = {"summary": summary, "responses": responses, **more}
    if body is not None:
        found["requestBody"] = {"required": True, **json_content(body)}
    return found


def path_ids(*names: str) -> list[dict]:
    """The ids in an operation's path."""
    return [{"name": n, "in": "path", "required": True, "schema": ID} for n in names]


NODE = obj(
    {
        "id": ID,
        "kind": {"type": "string", "enum": list(KINDS)},
        "text": {"type": "string"},
        "quote": {"type": "string"},
        "source": {"type": "string"},
        "parent_id": NULLABLE_ID,
        "group": NULLABLE_ID,
        "undercut": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "version": ID,
        "author_member": {**NULLABLE_ID, "description": "The member who wrote it, if known."},
        "author_name": {"type": "string", "description": "Their name when they wrote it."},
        "hidden": {"type": "boolean", "description": "Hidden from students by an owner."},
        "author": {
            "type": "string",
            "description": "Who wrote it, as the caller may see it (an animal name for a"
            " student's node, to students, in an anonymous map); empty when nobody on the map did.",
        },
    },
    ("id", "kind", "text", "quote", "source", "parent_id", "group", "undercut", "tags", "version"),
)
MODERATION = obj(
    {
        "moderation": {
            "type": "string",
            "enum": list(MODES),
            "description": "own: students edit and delete only their own nodes; everyone: all.",
        },
        "locked": {"type": "boolean", "description": "Read-only for all but the owners."},
    },
    ("moderation", "locked"),
)
MEMBER = obj(
    {
        "id": ID,
        "name": {"type": "string"},
        "role": {"type": "string", "enum": list(ROLES)},
        "user_id": NULLABLE_ID,
        "created_at": {"type": "string"},
    },
    ("id", "name", "role", "user_id", "created_at"),
)
NODE_FIELDS = {
    "kind": {"type": "string", "enum": list(KINDS)},
    "text": {"type": "string", "minLength": 1, "maxLength": TEXT_MAX},
    "quote": {"type": "string", "maxLength": QUOTE_MAX, "nullable": True},
    "source": {"type": "string", "maxLength": SOURCE_MAX, "nullable": True},
    "parent_id": NULLABLE_ID,
    "group": NULLABLE_ID,
    "undercut": {"type": "boolean"},
    "tags": {
        "description": "A list of tags, or one string of tags separated by commas.",
        "oneOf": [
            {
                "type": "array",
                "maxItems": TAGS_MAX,
                "items": {"type": "string", "maxLength": TAG_MAX},
            },
            {"type": "string"},
        ],
    },
}
LINK = obj(
    {
        "id": ID,
        "from_id": ID,
        "to_id": ID,
        "relation": {"type": "string", "enum": list(LINK_RELATIONS)},
        "group": NULLABLE_ID,
        "undercut": {"type": "boolean"},
    },
    ("id", "from_id", "to_id", "relation", "group", "undercut"),
)
MAP_FIELDS = {
    "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
    "description": {"type": "string", "maxLength": DESCRIPTION_MAX, "nullable": True},
}
SCHEMAS = {
    "Error": obj(
        {
            "error": {"type": "string"},
            "field": {"type": "string", "nullable": True},
            "current": {**ref("Node"), "nullable": True},
        },
        ("error", "field"),
    ),
    "Node": NODE,
    "Link": LINK,
    "Map": obj(
        {
            "id": ID,
            "title": {"type": "string"},
            "description": {"type": "string"},
            "revision": {"type": "integer", "minimum": 0},
            "moderation": {"type": "string", "enum": list(MODES)},
            "locked": {"type": "boolean"},
            "nodes": {"type": "array", "items": ref("Node")},
            "links": {"type": "array", "items": ref("Link")},
            "votes": {
                "type": "object",
                "description": "Each voted node's votes, by node id (the whole map's GET only).",
                "additionalProperties": ref("VoteSummary"),
            },
            "my_votes": {
                "type": "object",
                "description": "The caller's own votes, by node id (the whole map's GET only).",
                "additionalProperties": VOTE_VALUE,
            },
        },
        ("id", "title", "description", "revision", "nodes", "links"),
    ),
    "VoteSummary": obj(
        {
            "count": {"type": "integer", "minimum": 0},
            "mean": {"type": "number", "minimum": 0, "maximum": 4, "nullable": True},
        },
        ("count", "mean"),
    ),
    "Vote": obj(
        {
            "node_id": ID,
            "count": {"type": "integer", "minimum": 0},
            "mean": {"type": "number", "minimum": 0, "maximum": 4, "nullable": True},
            "mine": {**VOTE_VALUE, "nullable": True},
        },
        ("node_id", "count", "mean", "mine"),
    ),
    "Event": obj(
        {
            "id": ID,
            "revision": {"type": "integer"},
            "action": {"type": "string"},
            "node_id": NULLABLE_ID,
            "actor": {"type": "string"},
            "data": {"type": "object"},
        },
        ("id", "revision", "action", "data"),
    ),
}
VERSION = {**ID, "description": "The node's version as the caller saw it: refuses stale edits."}
CHILDREN = {
    "type": "string",
    "enum": list(CHILD_CHOICES),
    "nullable": True,
    "description": "What becomes of the nodes about it: needed when there are any.",
}
DELETE_NODE = obj({"children": CHILDREN, "version": VERSION})
MAP_SUMMARY = obj(
    {
        "id": ID,
        "title": {"type": "string"},
        "revision": {"type": "integer"},
        "role": {"type": "string", "enum": list(ROLES), "nullable": True},
    },
    ("id", "title", "revision", "role"),
)
SHARING = obj({"public": {"type": "boolean"}, "listed": {"type": "boolean"}}, ("public", "listed"))


SEARCH_HIT = obj(
    {
        "id": ID,
        "kind": {"type": "string", "enum": list(KINDS)},
        "text": {"type": "string"},
        "parent_id": NULLABLE_ID,
    },
    ("id", "kind", "text", "parent_id"),
)
SIMILAR_HIT = obj(
    {
        **SEARCH_HIT["properties"],
        "shared": {"type": "integer", "minimum": 1},
        "of": {"type": "integer", "minimum": 1},
    },
    ("id", "kind", "text", "parent_id", "shared", "of"),
)


def paths() -> dict:
    """Every /api/ route with its methods."""
    m, node, link, event = "map_id", "node_id", "link_id", "event_id"
    return {
        "/api/openapi.json": {
            "get": {
                "summary": "This description.",
                "security": [],
                "responses": {
                    "200": {"description": "OpenAPI 3.0", **json_content({"type": "object"})}
                },
            }
        },
        "/api/maps": {
            "get": operation(
                "The caller's maps with their revision and the caller's role.",
                answers(200, obj({"maps": {"type": "array", "items": MAP_SUMMARY}}, ("maps",))),
            ),
            "post": operation(
                "Create a map; the caller owns it.",
                answers(201, ref("Map"), 413),
                obj(MAP_FIELDS, ("title",)),
            ),
        },
        "/api/maps/{map_id}": {
            "parameters": path_ids(m),
            "get": operation(
                "The whole map: fields, nodes and links.", answers(200, ref("Map"), 404)
            ),
            "patch": operation(
                "Rename a map or change its description.",
                answers(200, ref("Map"), 403, 404, 413),
                obj(MAP_FIELDS),
            ),
            "delete": operation(
                "Delete a map and everything in it (its first owner only, not co-owners).",
                answers(200, obj({"deleted": ID}, ("deleted",)), 403, 404),
            ),
        },
        "/api/maps/{map_id}/sharing": {
            "parameters": path_ids(m),
            "patch": operation(
                "Who can read the map (its owner only): `public` makes it readable by anyone"
                " with its link, `listed` lists it on the front page (and makes it public);"
                " a private map is never listed. A field not sent stays as it is.",
                answers(200, SHARING, 403, 404, 413),
                obj({"public": {"type": "boolean"}, "listed": {"type": "boolean"}}),
            ),
        },
        "/api/maps/{map_id}/nodes": {
            "parameters": path_ids(m),
            "post": operation(
                "Add a node.",
                answers(201, ref("Node"), 403, 404, 413),
                obj(NODE_FIELDS, ("kind", "text")),
            ),
        },
        "/api/maps/{map_id}/nodes/{node_id}": {
            "parameters": path_ids(m, node),
            "patch": operation(
                "Change some of a node's fields; send `version` to refuse stale edits.",
                answers(200, ref("Node"), 403, 404, 409, 413),
                obj({**NODE_FIELDS, "version": VERSION}, additionalProperties=False),
            ),
            "delete": {
                **operation(
                    "Delete a node; `children` says what becomes of the nodes about it.",
                    answers(
                        200,
                        obj(
                            {"deleted": {"type": "array", "items": ID}, "children": CHILDREN},
                            ("deleted", "children"),
                        ),
                        403,
                        404,
                        409,
                        413,
                    ),
                ),
                "parameters": [
                    {"name": "children", "in": "query", "schema": CHILDREN},
                    {"name": "version", "in": "query", "schema": VERSION},
                ],
                "requestBody": {"required": False, **json_content(DELETE_NODE)},
            },
        },
        "/api/maps/{map_id}/nodes/{node_id}/vote": {
            "parameters": path_ids(m, node),
            "put": operation(
                "Cast or change the caller's vote on a node's strength, 0 (none) to 4 (very"
                " strong): owners and editors. Not in the history; undo does not touch it.",
                answers(200, ref("Vote"), 403, 404, 413),
                obj({"value": VOTE_VALUE}, ("value",), additionalProperties=False),
            ),
            "delete": operation(
                "Take back the caller's vote on a node (nothing changes when there was none).",
                answers(200, ref("Vote"), 403, 404),
            ),
        },
        "/api/maps/{map_id}/votes": {
            "parameters": path_ids(m),
            "get": operation(
                "Each voted node's count and mean, and the caller's own votes, by node id.",
                answers(
                    200,
                    obj(
                        {
                            "revision": {"type": "integer"},
                            "votes": {
                                "type": "object",
                                "additionalProperties": ref("VoteSummary"),
                            },
                            "mine": {"type": "object", "additionalProperties": VOTE_VALUE},
                        },
                        ("revision", "votes", "mine"),
                    ),
                    404,
                ),
            ),
        },
        "/api/maps/{map_id}/links": {
            "parameters": path_ids(m),
            "post": operation(
                "Link two nodes.",
                answers(201, ref("Link"), 403, 404, 413),
                obj(
                    {
                        "from_id": ID,
                        "to_id": ID,
                        "relation": {"type": "string", "enum": list(LINK_RELATIONS)},
                        "group": NULLABLE_ID,
                        "undercut": {"type": "boolean"},
                    },
                    ("from_id", "to_id", "relation"),
                ),
            ),
        },
        "/api/maps/{map_id}/links/{link_id}": {
            "parameters": path_ids(m, link),
            "delete": operation(
                "Remove a link.", answers(200, obj({"deleted": ID}, ("deleted",)), 403, 404)
            ),
        },
        "/api/maps/{map_id}/events": {
            "parameters": path_ids(m),
            "get": operation(
                "The map's changes after `after` (an event id), oldest first, at most 500.",
                answers(
                    200,
                    obj(
                        {
                            "events": {"type": "array", "items": ref("Event")},
                            "last": {"type": "integer", "minimum": 0},
                        },
                        ("events", "last"),
                    ),
                    404,
                ),
                parameters=[
                    {
                        "name": "after",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                    }
                ],
            ),
        },
        "/api/maps/{map_id}/search": {
            "parameters": path_ids(m),
            "get": operation(
                "The map's nodes whose words start with the words sent, best match first.",
                answers(
                    200,
                    obj(
                        {
                            "query": {"type": "string"},
                            "results": {"type": "array", "items": SEARCH_HIT},
                        },
                        ("query", "results"),
                    ),
                    404,
                ),
                parameters=[
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 50},
                    },
                ],
            ),
        },
        "/api/maps/{map_id}/acceptability": {
            "parameters": path_ids(m),
            "get": operation(
                "Which claims stand: each node in, out or undecided, and why in one line"
                " (a student's: on the nodes students may see).",
                answers(
                    200,
                    obj(
                        {
                            "revision": {"type": "integer"},
                            "labels": {
                                "type": "object",
                                "additionalProperties": {"type": "string", "enum": list(LABELS)},
                            },
                            "why": {"type": "object", "additionalProperties": {"type": "string"}},
                        },
                        ("revision", "labels", "why"),
                    ),
                    404,
                ),
            ),
        },
        "/api/maps/{map_id}/similar": {
            "parameters": path_ids(m),
            "get": operation(
                "Up to five nodes whose text shares most of the words of `text`"
                " (never a node hidden from the reader).",
                answers(
                    200,
                    obj(
                        {
                            "text": {"type": "string"},
                            "results": {"type": "array", "items": SIMILAR_HIT},
                        },
                        ("text", "results"),
                    ),
                    404,
                ),
                parameters=[
                    {
                        "name": "text",
                        "in": "query",
                        "schema": {"type": "string", "maxLength": SIMILAR_TEXT_MAX},
                    }
                ],
            ),
        },
        "/api/maps/{map_id}/moderation": {
            "parameters": path_ids(m),
            "patch": operation(
                "Set who edits what and lock or unlock the map (owners only); a field not sent"
                " stays as it is.",
                answers(200, MODERATION, 400, 403, 404),
                obj(
                    {
                        "moderation": {"type": "string", "enum": list(MODES)},
                        "locked": {"type": "boolean"},
                    }
                ),
            ),
        },
        "/api/maps/{map_id}/nodes/{node_id}/hide": {
            "parameters": path_ids(m, node),
            "post": operation(
                "Hide a node and everything below it from students, or show it again (owners"
                " only). Students never see hidden nodes, in any answer.",
                answers(200, ref("Node"), 400, 403, 404),
                obj({"hidden": {"type": "boolean"}}, ("hidden",)),
            ),
        },
        "/api/maps/{map_id}/members": {
            "parameters": path_ids(m),
            "get": operation(
                "The map's members with their roles (owners only).",
                answers(
                    200,
                    obj({"members": {"type": "array", "items": MEMBER}}, ("members",)),
                    403,
                    404,
                ),
            ),
        },
        "/api/maps/{map_id}/members/{member_id}": {
            "parameters": path_ids(m, "member_id"),
            "patch": operation(
                "Give a member another role (owners only). `owner` makes a co-owner: every"
                " right but deleting the map and removing its first owner; it needs an account.",
                answers(200, MEMBER, 400, 403, 404),
                obj({"role": {"type": "string", "enum": list(ROLES)}}, ("role",)),
            ),
        },
        "/api/maps/{map_id}/events/{event_id}/undo": {
            "parameters": path_ids(m, event),
            "post": operation(
                "Undo one change; the undo is a new change by the caller.",
                answers(
                    201,
                    obj(
                        {
                            "undone": ID,
                            "event": ID,
                            "revision": {"type": "integer"},
                            "message": {"type": "string"},
                        },
                        ("undone", "event", "revision", "message"),
                    ),
                    403,
                    404,
                    409,
                ),
            ),
        },
    }


TEAM_FIELDS = {
    "name": {"type": "string", "minLength": 1, "maxLength": 60},
    "claim_id": {**NULLABLE_ID, "description": "The claim the team argues for or against."},
    "side": {"type": "string", "enum": ["for", "against"], "nullable": True},
}
TEAM = obj(
    {
        "id": ID,
        **TEAM_FIELDS,
        "notes_version": {"type": "integer", "minimum": 0},
        "members": {
            "type": "array",
            "items": obj({"id": ID, "name": {"type": "string"}}, ("id", "name")),
        },
        "notes": {
            "type": "string",
            "description": "The team's speaker notes: sent only to its members and the owners.",
        },
    },
    ("id", "name", "claim_id", "side"),
)
CLASS_SETTINGS = obj({"anonymous": {"type": "boolean"}, "team_pick": {"type": "boolean"}})
IDS = {"type": "array", "items": ID}


def class_paths() -> dict:
    """The routes of a class: teams, their briefs and notes, anonymous names."""
    m, team = "map_id", "team_id"
    return {
        "/api/maps/{map_id}/teams": {
            "parameters": path_ids(m),
            "get": operation(
                "The map's teams with their sides and members, and the class settings.",
                answers(
                    200,
                    obj(
                        {"teams": {"type": "array", "items": TEAM}, **CLASS_SETTINGS["properties"]},
                        ("teams", "anonymous", "team_pick"),
                    ),
                    404,
                ),
            ),
            "post": operation(
                "Make a team, with its side of a claim (owners only).",
                answers(201, TEAM, 403, 404, 413),
                obj(TEAM_FIELDS, ("name",)),
            ),
        },
        "/api/maps/{map_id}/teams/{team_id}": {
            "parameters": path_ids(m, team),
            "patch": operation(
                "Rename a team or change its side (owners only).",
                answers(200, TEAM, 403, 404, 413),
                obj(TEAM_FIELDS),
            ),
            "delete": operation(
                "Delete a team; its members stay on the map with their nodes (owners only).",
                answers(200, obj({"deleted": ID}, ("deleted",)), 403, 404),
            ),
        },
        "/api/maps/{map_id}/teams/{team_id}/brief": {
            "parameters": path_ids(m, team),
            "get": operation(
                "A team's brief as node ids: its case, the objections it must answer (with"
                " their rebuttals), the other side's case to attack.",
                answers(
                    200,
                    obj(
                        {
                            "team": TEAM,
                            "claim_id": NULLABLE_ID,
                            "case": IDS,
                            "answer": IDS,
                            "attack": IDS,
                        },
                        ("team", "claim_id", "case", "answer", "attack"),
                    ),
                    404,
                ),
            ),
        },
        "/api/maps/{map_id}/teams/{team_id}/notes": {
            "parameters": path_ids(m, team),
            "put": operation(
                "Save a team's speaker notes (its members and the owners); `version` is the"
                " notes_version read: 409 when someone saved since.",
                answers(
                    200,
                    obj({"notes": {"type": "string"}, "version": {"type": "integer"}}),
                    403,
                    404,
                    409,
                    413,
                ),
                obj(
                    {
                        "notes": {"type": "string", "maxLength": 20000},
                        "version": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                    },
                    ("notes",),
                ),
            ),
        },
        "/api/maps/{map_id}/members/{member_id}/team": {
            "parameters": path_ids(m, "member_id"),
            "put": operation(
                "Put a member in a team, or in none with null (owners only).",
                answers(200, obj({"member_id": ID, "team_id": NULLABLE_ID}), 403, 404, 413),
                obj({"team_id": NULLABLE_ID}, ("team_id",)),
            ),
        },
        "/api/maps/{map_id}/classroom": {
            "parameters": path_ids(m),
            "patch": operation(
                "Switch anonymous names or students picking their team (owners only).",
                answers(200, CLASS_SETTINGS, 403, 404, 413),
                CLASS_SETTINGS,
            ),
        },
    }


COMMENT = obj(
    {
        "id": ID,
        "node_id": ID,
        "member_id": {**NULLABLE_ID, "description": "The member who wrote it, if known."},
        "author": {
            "type": "string",
            "description": "Who wrote it, as the caller may see it (an animal name for a"
            " student's comment, to students, in an anonymous map).",
        },
        "body": {"type": "string"},
        "created_at": {"type": "string"},
        "edited_at": {"type": "string", "nullable": True},
        "resolved": {"type": "boolean"},
        "resolved_at": {"type": "string", "nullable": True},
        "resolved_by": {"type": "string", "description": "Who resolved it; empty when open."},
    },
    ("id", "node_id", "author", "body", "created_at", "resolved"),
)
COMMENT_BODY = obj(
    {"body": {"type": "string", "minLength": 1, "maxLength": COMMENT_MAX}}, ("body",)
)


def comment_paths() -> dict:
    """A node's comments: read by its readers, written by its editors."""
    m = "map_id"
    resolving = "(the node's author, or an owner)"
    return {
        "/api/maps/{map_id}/nodes/{node_id}/comments": {
            "parameters": path_ids(m, "node_id"),
            "get": operation(
                "A node's comments, oldest first.",
                answers(
                    200,
                    obj(
                        {"node_id": ID, "comments": {"type": "array", "items": COMMENT}},
                        ("node_id", "comments"),
                    ),
                    404,
                ),
            ),
            "post": operation(
                "Comment on a node (about its wording or evidence).",
                answers(201, COMMENT, 403, 404, 413),
                COMMENT_BODY,
            ),
        },
        "/api/maps/{map_id}/comments/{comment_id}": {
            "parameters": path_ids(m, "comment_id"),
            "patch": operation(
                "Change a comment's text (its author only).",
                answers(200, COMMENT, 403, 404, 413),
                COMMENT_BODY,
            ),
            "delete": operation(
                "Delete a comment (its author, or an owner).",
                answers(200, obj({"deleted": ID, "node_id": ID}), 403, 404),
            ),
        },
        "/api/maps/{map_id}/comments/{comment_id}/resolve": {
            "parameters": path_ids(m, "comment_id"),
            "post": operation(
                f"Mark a comment resolved {resolving}.", answers(200, COMMENT, 403, 404)
            ),
        },
        "/api/maps/{map_id}/comments/{comment_id}/reopen": {
            "parameters": path_ids(m, "comment_id"),
            "post": operation(
                f"Open a comment again {resolving}.", answers(200, COMMENT, 403, 404)
            ),
        },
    }


INT = {"type": "integer", "minimum": 0}
TEXT = {"type": "string"}
MAYBE_TEXT = {"type": "string", "nullable": True}
LISTED_NODE = {
    "id": ID,
    "kind": {"type": "string", "enum": list(KINDS)},
    "text": TEXT,
    "author": {**TEXT, "description": "Who wrote it (real names: the caller is an owner)."},
    "hidden": {"type": "boolean", "description": "Hidden from students, with its branch."},
}
ACTIVITY = {
    "added": INT,
    "edits": INT,
    "deletions": INT,
    "changes": {**INT, "description": "Every change, those three and all others."},
    "last": {**MAYBE_TEXT, "description": "The time of the last change (ISO 8601, UTC)."},
}
OVERVIEW = obj(
    {
        "map": obj({"id": ID, "title": TEXT, "revision": INT}, ("id", "title", "revision")),
        "counts": obj({k: INT for k in ("nodes", "claims", "supports", "counters", "hidden")}),
        "unanswered": {
            "type": "array",
            "description": "Counters that nothing attacks and nothing undercuts.",
            "items": obj(
                {
                    **LISTED_NODE,
                    "undercut": {"type": "boolean"},
                    "against_id": ID,
                    "against": {**TEXT, "description": "The start of its parent's text."},
                }
            ),
        },
        "unsupported": {
            "type": "array",
            "description": "Claims with no support under them and no support link to them.",
            "items": obj(LISTED_NODE),
        },
        "balance": {
            "type": "array",
            "description": "Each claim: reasons and attacks on it (direct), and the supports"
            " and counters of its whole branch; the votes on it and on the pros and cons under it.",
            "items": obj(
                {
                    **LISTED_NODE,
                    "direct": obj({"supports": INT, "counters": INT}),
                    "branch": obj({"supports": INT, "counters": INT, "nodes": INT}),
                    "votes": obj(
                        {k: ref("VoteSummary") for k in ("claim", "supports", "counters")},
                        ("claim", "supports", "counters"),
                    ),
                }
            ),
        },
        "people": {
            "type": "array",
            "items": obj(
                {
                    "member_id": NULLABLE_ID,
                    "name": TEXT,
                    "role": {"type": "string", "enum": list(ROLES), "nullable": True},
                    "team_id": NULLABLE_ID,
                    "team": MAYBE_TEXT,
                    **ACTIVITY,
                }
            ),
        },
        "teams": {
            "type": "array",
            "description": "Each team's members' activity, then those in no team (empty when"
            " the map has no teams).",
            "items": obj(
                {
                    "id": NULLABLE_ID,
                    "name": TEXT,
                    "side": MAYBE_TEXT,
                    "claim_id": NULLABLE_ID,
                    "members": INT,
                    **ACTIVITY,
                }
            ),
        },
        "latest": {
            "type": "array",
            "description": "The newest changes, newest first, in the history's words.",
            "items": obj(
                {
                    "id": ID,
                    "revision": INT,
                    "action": TEXT,
                    "actor": TEXT,
                    "words": TEXT,
                    "old": MAYBE_TEXT,
                    "new": MAYBE_TEXT,
                    "node_id": NULLABLE_ID,
                    "created_at": TEXT,
                    "present": {"type": "boolean", "description": "The node is still there."},
                    "hidden": {"type": "boolean"},
                }
            ),
        },
    },
    ("map", "counts", "unanswered", "unsupported", "balance", "people", "teams", "latest"),
)


def overview_paths() -> dict:
    """The teacher's overview of a map."""
    return {
        "/api/maps/{map_id}/overview": {
            "parameters": path_ids("map_id"),
            "get": operation(
                "Owners: the overview of the map (what is left unanswered, the balance of pro"
                " and con under each claim, activity per person and team, the latest changes).",
                answers(200, OVERVIEW, 403, 404),
            ),
        },
    }


def description() -> dict:
    """The whole OpenAPI description of argmap's JSON API."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "argmap API",
            "version": "1",
            "description": "Argument maps as JSON: the same rules and messages as the pages."
            " Send an API token from your account page as `Authorization: Bearer ...`.",
        },
        "paths": {**paths(), **class_paths(), **comment_paths(), **overview_paths()},
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
    }


@bp.get("/openapi.json")
def show():
    """This API's OpenAPI description."""
    return jsonify(description())
