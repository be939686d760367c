"""Finding nodes by their words: SQLite full-text search over each map's node texts and quotes.

One search serves every picker (a parent, a link target) and the plain results page that
works without JavaScript. Typed words match as prefixes ("notif" finds "notifications"),
accents aside; results come best first (bm25), a node's own id ("#12" or "12") first of all.
"""

from __future__ import annotations

import json
import re

from sqlite_utils import Database

from .db import row, rows

WORD = re.compile(r"\w+")
LIMIT = 20
QUERY_MAX = 200


def match_expression(query: str) -> str | None:
    """The FTS5 query for what a person typed: every word, each as a prefix; None if no word."""
    words = WORD.findall(query[:QUERY_MAX])[:12]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def by_number(db: Database, map_id: int, query: str) -> dict | None:
    """The node a query names by its id ("12" or "#12"), if it is in this map."""
    number = query.strip().removeprefix("#")
    if not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return row(
        db,
        "SELECT id, kind, text, parent_id FROM nodes WHERE id = ? AND map_id = ?",
        (int(number), map_id),
    )


def search(
    db: Database, map_id: int, query: str, limit: int = LIMIT, hidden: set[int] | None = None
) -> list[dict]:
    """The map's nodes whose words start with the typed words, best match first.

    `hidden`: nodes the reader may not see (a student's search), never among the results.
    """
    hidden = hidden or set()
    named = by_number(db, map_id, query)
    named = None if named is not None and named["id"] in hidden else named
    expression = match_expression(query)
    found = []
    if expression is not None:
        found = rows(
            db,
            "SELECT n.id, n.kind, n.text, n.parent_id FROM nodes_fts f"
            " JOIN nodes n ON n.id = f.rowid"
            " WHERE nodes_fts MATCH ? AND n.map_id = ?"
            " AND n.id NOT IN (SELECT value FROM json_each(?))"
            " ORDER BY bm25(nodes_fts, 10.0, 1.0), n.id LIMIT ?",
            (expression, map_id, json.dumps(sorted(hidden)), limit),
        )
    if named is not None:
        found = [named, *(n for n in found if n["id"] != named["id"])][:limit]
    return found


SIMILAR = 5
SIMILAR_TEXT_MAX = 1000  # a node text's limit
CANDIDATES = 50  # best full-text matches re-ranked by the words they share
STOPWORDS = frozenset(
    "a an and are as at be but by for from has have if in into is it its no not of on or so"
    " that the their there these this those to was were which will with would".split()
)


def content_words(text: str) -> list[str]:
    """The distinct words of a text that carry meaning, lower-cased, in order."""
    seen: dict[str, None] = {}
    for word in WORD.findall(text[:SIMILAR_TEXT_MAX].lower()):
        if len(word) > 1 and word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)[:30]


def similar(
    db: Database, map_id: int, text: str, limit: int = SIMILAR, hidden: set[int] | None = None
) -> list[dict]:
    """Nodes whose text shares most of the typed text's words ("is this the same as ...?").

    Full-text search finds the candidates (any typed word, as a prefix); each is scored by the
    share of the typed words it contains, and only those sharing at least half are kept.
    `hidden`: nodes the reader may not see (a student typing), never among the results.
    """
    words = content_words(text)
    if not words:
        return []
    expression = " OR ".join(f'"{word}"*' for word in words)
    found = rows(
        db,
        "SELECT n.id, n.kind, n.text, n.parent_id FROM nodes_fts f"
        " JOIN nodes n ON n.id = f.rowid"
        " WHERE nodes_fts MATCH ? AND n.map_id = ?"
        " AND n.id NOT IN (SELECT value FROM json_each(?))"
        " ORDER BY bm25(nodes_fts, 10.0, 1.0), n.id LIMIT ?",
        (expression, map_id, json.dumps(sorted(hidden or ())), CANDIDATES),
    )
    for node in found:
        theirs = WORD.findall(node["text"].lower())
        node["shared"] = sum(any(t.startswith(w) for t in theirs) for w in words)
        node["of"] = len(words)
    kept = [n for n in found if 2 * n["shared"] >= n["of"]]
    kept.sort(key=lambda n: -n["shared"])  # stable: bm25 order among equals
    return kept[:limit]
