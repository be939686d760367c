"""Each node's label as drawn, kept with the node: wrapped, escaped and measured once.

A page's drawing needs every node's quoted DOT label and the size of its box (argmap.dot,
argmap.layout). They depend on the node's text alone, so they are made when the text is
written (records.node_values) and stored in the node's row (`label`, `box_width`,
`box_height`). A drawing reads them with the rows: the first drawing of a map after a start
wraps and measures nothing (bench: making a 2,000-node DOT while Graphviz reads it 81 -> 50
ms; cold render / Graphviz alone 1.11-1.13 -> 1.01-1.07). A row without them (written by
other code) is shaped from its text.

The digest of the code that makes them is kept in the database (`meta`): when that code
changes, every node is shaped again when the schema is brought up to date (db.migrate).
"""

from __future__ import annotations

import logging

from sqlite_utils import Database

from . import dot

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


def recipe() -> str:
    """A digest of the code that wraps, escapes and measures labels (the modules holding it)."""
    return dot.code_digest().hex()


def kept_recipe(db: Database) -> str | None:
    """The digest of the code that shaped the stored labels (None: never shaped)."""
    found = db.execute("SELECT value FROM meta WHERE key = ?", (DIGEST_KEY,)).fetchone()
    return None if found is None else found[0]


def refresh(db: Database) -> int:
    """Shape every node again when the code that shapes labels changed; how many were."""
    from .db import write  # db.migrate calls this module

    current = recipe()
    if kept_recipe(db) == current:
        return 0
    with write(db):
        if kept_recipe(db) == current:  # another process did it meanwhile
            return 0
        texts = db.execute("SELECT id, text FROM nodes").fetchall()
        if texts:
            log.warning("Shaping the labels of %d nodes (the drawing code changed).", len(texts))
        db.conn.executemany(
            "UPDATE nodes SET label = ?, box_width = ?, box_height = ? WHERE id = ?",
            ((*shaped_row(text), node_id) for node_id, text in texts),
        )
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (DIGEST_KEY, current),
        )
    return len(texts)
