"""Each node's label as drawn, kept with the node: wrapped, escaped and measured once.

A page's drawing needs every node's quoted DOT label and the size of its box (argmap.dot,
argmap.layout). They depend on the node's text alone, so they are made when the text is
written (records.node_values) and stored in the node's row (`label`, `box_width`,
`box_height`). A drawing reads them with the rows: the first drawing of a map after a start
wraps and measures nothing (bench: making a 2,000-node DOT while Graphviz reads it 81 -> 50
ms; cold render / Graphviz alone 1.11-1.13 -> 1.01-1.07). A row without them (written by
other code) is shaped from its text.

A digest of how they are made (see recipe) is kept in the database (`meta`): when the way
changes, every node is shaped again when the schema is brought up to date (db.migrate). A
text changed by code that writes no label loses its label (a trigger, db.m015_shapes).
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache

from sqlite_utils import Database

from . import dot
from .db import write  # db.migrate imports this module when it runs, not before

log = logging.getLogger(__name__)
DIGEST_KEY = "shapes"
COLUMNS = ("label", "box_width", "box_height")


def shape_values(text: str) -> dict:
    """A text's label and box size as the nodes table stores them."""
    return dict(zip(COLUMNS, shaped_row(text), strict=True))


def shaped_row(text: str) -> tuple[str, float, float]:
    """A text's label, box width and box height, in the columns' order."""
    label, (width, height) = dot.shaped(text)
    return label, width, height


# Texts that show every rule a label is made by: each character up to U+02FF (its width;
# control characters dropped; `&`, backslash and quote escaped; line breaks), other scripts
# and wide characters, a word longer than a line, paragraphs, spaces, a long text.
PROBES = (
    "".join(map(chr, range(0x300))),
    "Ελληνικά кириллица עברית العربية हिन्दी 漢字かなカナ 한국어 😀👍🏽",
    "x" * 100,
    "a\n\nb\r\nc\rd",
    "  spaced   out  ",
    "word " * 200,
    "",
)
BATCH = 2_000  # nodes shaped again per write transaction: other writers wait briefly


@cache
def recipe() -> str:
    """A digest of how labels are made, from what the code makes of PROBES: a change to the
    wrapping, escaping or measuring changes it, a change of colours or layout does not."""
    made = repr([dot.shaped(text) for text in PROBES]).encode()
    return hashlib.sha256(made).hexdigest()


def kept_recipe(db: Database) -> str | None:
    """The recipe the stored labels were made by (None: never made)."""
    found = db.execute("SELECT value FROM meta WHERE key = ?", (DIGEST_KEY,)).fetchone()
    return None if found is None else found[0]


def refresh(db: Database) -> int:
    """Shape every node again when the way labels are made changed; how many were.

    Done in batches, each shaped outside the write lock and written in a short transaction;
    a node whose text changed meanwhile keeps the label its writer gave it.
    """
    current = recipe()
    if kept_recipe(db) == current:
        return 0
    total = db.execute("SELECT count(*) FROM nodes").fetchone()[0]
    if total:
        log.warning("Shaping the labels of %d nodes (the way they are made changed).", total)
    done, after = 0, 0
    while batch := db.execute(
        "SELECT id, text FROM nodes WHERE id > ? ORDER BY id LIMIT ?", (after, BATCH)
    ).fetchall():
        made = [(*shaped_row(text), node_id, text) for node_id, text in batch]
        with write(db):
            db.conn.executemany(
                "UPDATE nodes SET label = ?, box_width = ?, box_height = ?"
                " WHERE id = ? AND text = ?",
                made,
            )
        done, after = done + len(batch), batch[-1][0]
    with write(db):
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (DIGEST_KEY, current),
        )
    return done
