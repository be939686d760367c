"""Where the shared corpus of real files is, and the mark of the tests that read it.

The corpus lives beside the repository (`../shared/corpus`, as in CI) or wherever
`ARGMAP_CORPUS` points. Without it, the tests marked `corpus` skip with one clear line.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "corpus"
CORPUS = Path(os.environ.get("ARGMAP_CORPUS") or DEFAULT)
SHOWN = os.environ.get("ARGMAP_CORPUS") or "../shared/corpus"
MISSING = f"corpus not found at {SHOWN}; set ARGMAP_CORPUS"


def present() -> bool:
    """Whether the corpus folder is there."""
    return CORPUS.is_dir()
