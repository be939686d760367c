"""Graphviz without its text shaper, for drawings whose boxes argmap sizes itself.

Graphviz measures every line of every label with pango (HarfBuzz shaping). A page's SVG has
every box sized by argmap (argmap.layout): the tidy tree's, which argmap also places
(`neato -n2`), and `dot`'s (fixedsize), so that measuring only repeats work: two thirds of
Graphviz's time for a tidy tree (bench: 2,000 nodes 0.45 -> 0.16 CPU-s), over half for `dot`
(100 nodes 61 -> 24 ms). Graphviz skips it when no text layout plugin is loaded: a folder
holding links to its core and layout plugins only, named by GVBINDIR, makes it use its
built-in estimate (lines 1.2 times the font size apart; argmap.layout sizes boxes for
that). SVG only: PNG and PDF need pango's renderer. Where Graphviz's plugins are not found,
drawings keep the shaper.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

PLUGINS = ("core", "dot_layout", "neato_layout")
PLACES = (
    "/usr/lib/*/graphviz",
    "/usr/lib64/graphviz",
    "/usr/lib/graphviz",
    "/usr/local/lib/graphviz",
)
LIBRARY = re.compile(r"libgvplugin_(\w+)\.so\.\d+")
FOLDER = "graphviz-plain"
MADE: dict[Path, dict[str, str] | None] = {}
LOCK = threading.Lock()


def plugins() -> list[Path]:
    """Graphviz's core and layout plugin libraries (not its text or bitmap ones), if found."""
    for pattern in PLACES:
        for folder in sorted(glob.glob(pattern)):
            found = [
                path
                for path in sorted(Path(folder).iterdir())
                if (match := LIBRARY.fullmatch(path.name)) and match[1] in PLUGINS
            ]
            if {LIBRARY.fullmatch(p.name)[1] for p in found} == set(PLUGINS):
                return found
    return []


def environment(beside: Path) -> dict[str, str] | None:
    """The environment that runs Graphviz without pango (its folder made once, in `beside`)."""
    with LOCK:
        if beside not in MADE:
            MADE[beside] = prepared(beside)
        return MADE[beside]


def prepared(beside: Path) -> dict[str, str] | None:
    """Make the plugin folder unless another process has; None where it cannot be made.

    The folder is named after the plugins it links to: a Graphviz upgrade gets a new one.
    """
    found = plugins()
    if not found:
        return None
    named = hashlib.sha256("\n".join(str(p.resolve()) for p in found).encode()).hexdigest()
    folder = beside / f"{FOLDER}-{named[:12]}"
    if not configured(folder) and not make(folder, found):
        return None
    return {**os.environ, "GVBINDIR": str(folder)}


def configured(folder: Path) -> bool:
    """Whether Graphviz has written its plugin configuration (config6a in 2.43) in `folder`."""
    return folder.is_dir() and any(path.stat().st_size > 0 for path in folder.glob("config*"))


def make(folder: Path, found: list[Path]) -> bool:
    """Link the plugins into a new folder, let Graphviz write its configuration, move it in."""
    draft = Path(tempfile.mkdtemp(prefix=f"{FOLDER}-", dir=folder.parent))
    try:
        for library in found:
            (draft / library.name).symlink_to(library)
        done = subprocess.run(
            ["dot", "-c"],
            env={**os.environ, "GVBINDIR": str(draft)},
            capture_output=True,
            timeout=30,
            check=False,
        )
        if done.returncode != 0 or not configured(draft):
            return False
        try:
            draft.rename(folder)  # another process may have made it first: theirs stands
        except OSError:
            pass
        return configured(folder)
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        if draft.exists():
            shutil.rmtree(draft, ignore_errors=True)
