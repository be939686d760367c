"""The suite itself: unit tests run without Playwright, which only the browser tests import."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def top_level_imports(path: Path) -> set[str]:
    """The modules a file imports at its top level (not inside functions)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_only_browser_test_files_import_playwright_at_the_top():
    importing = {
        path.relative_to(TESTS).as_posix()
        for path in TESTS.rglob("*.py")
        if "playwright" in top_level_imports(path)
    }
    assert importing and all(name.startswith("test_browser_") for name in importing)


def test_the_shared_testbed_needs_neither_pytest_nor_playwright_to_import():
    # bench/ and scripts/ start servers through it, where pytest may not be installed.
    assert top_level_imports(TESTS.parent / "testbed.py") & {"pytest", "playwright"} == set()
