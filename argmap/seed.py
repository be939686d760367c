"""The seed map that ships with argmap, loaded from seeds/ (data, not code)."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from .db import row
from .formats import argmapjson
from .portable import import_map

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = ("nato-response.argmap.json",)


def seed(db: Database, seeds: Path = SEEDS) -> list[int]:
    """Load each seed map not loaded before; returns the ids of new maps."""
    added = []
    for name in SEED_FILES:
        origin = f"seed:{name}"
        if row(db, "SELECT id FROM maps WHERE origin = ?", (origin,)):
            continue
        data = argmapjson.read((seeds / name).read_text(encoding="utf-8"))
        added.append(import_map(db, data, actor="argmap", origin=origin))
    return added
