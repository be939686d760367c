"""Settings: one module holds every default and meaning; the README's table agrees with it."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import run_cli

from argmap import render, settings
from argmap.views.live import Timing

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"<!-- settings: [^>]*-->\n(.*?)\n<!-- /settings -->", re.S)
ROW = re.compile(r"^\| `([A-Z_]+)` \| (.*?) \| (.*?) \| (.*) \|$")


def readme_table() -> str:
    """The settings table between the README's markers."""
    found = BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md has no <!-- settings --> ... <!-- /settings --> block"
    return found.group(1).strip()


def readme_rows() -> dict[str, tuple[str, str, str]]:
    """The README's rows: setting name -> (default, type, meaning)."""
    rows = {}
    for line in readme_table().splitlines()[2:]:
        match = ROW.match(line)
        assert match, f"not a settings row: {line}"
        name, *cells = match.groups()
        assert name not in rows, f"{name} is listed twice"
        rows[name] = tuple(cells)
    return rows


def test_readme_lists_every_setting_once_and_nothing_else():
    assert sorted(readme_rows()) == sorted(s.name for s in settings.SETTINGS)


def test_readme_gives_each_setting_its_default_type_and_meaning():
    rows = readme_rows()
    for s in settings.SETTINGS:
        default, kind, meaning = rows[s.name]
        assert default == settings.shown(s.default), s.name
        assert kind == settings.KIND_WORDS[s.kind], s.name
        assert meaning == s.meaning.replace("|", "\\|"), s.name


def test_readme_table_is_what_argmap_settings_prints(app):
    done = run_cli(app, "settings")
    assert done.exit_code == 0, done.output
    assert done.output.strip() == readme_table()


def test_defaults_are_shown_as_a_reader_would_write_them():
    assert [settings.shown(v) for v in (None, "", True, False, 5.0, 0.12, 300, "Lax")] == [
        "unset",
        "unset",
        "on",
        "off",
        "`5`",
        "`0.12`",
        "`300`",
        "`Lax`",
    ]


def test_an_app_without_settings_gets_the_modules_defaults(app):
    assert render.Limits.from_config(app.config) == render.Limits()
    assert Timing.from_config(app.config) == Timing()
    assert app.config["CSRF"] is True and app.config["PUBLIC_URL"] == ""
    for s in settings.SETTINGS:
        if s.name not in ("SECRET_KEY", "DATABASE", "EXPORTS", "SEED", "CSRF", "SIGNUP"):
            assert app.config[s.name] == s.default, s.name


def test_no_module_holds_a_default_of_its_own():
    """A setting read with config.get(NAME, default) would hide the module's default."""
    names = "|".join(settings.BY_NAME)
    pattern = re.compile(rf"config\.get\(\s*f?[\"']({names}|LIVE_|RENDER_)")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "argmap").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
