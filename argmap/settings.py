"""Every setting argmap reads: its name, default, type and meaning, in one table.

Settings come from these defaults, then the instance folder's `config.py`, then
`ARGMAP_<NAME>` environment variables, then (in tests) the test config.
The README's settings table is printed by `argmap settings` and checked against this
one by a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One setting: its default, how environment text is read, and what it means."""

    name: str
    default: Any
    kind: type
    meaning: str


def _flag(text: str) -> bool:
    """A yes/no setting written as text in the environment."""
    return text.strip().lower() not in ("0", "false", "no", "off", "")


SETTINGS = (
    Setting(
        "INSTANCE",
        "",
        str,
        "Folder of the database, the secret key and config.py (read from the environment only:"
        " ARGMAP_INSTANCE). Unset: instance/ in the project folder.",
    ),
    Setting(
        "SECRET_KEY",
        None,
        str,
        "Signs sessions and CSRF tokens. Unset: one is generated once into instance/secret_key.",
    ),
    Setting("DATABASE", None, str, "Path of the SQLite file. Unset: instance/argmap.sqlite."),
    Setting("SEED", True, bool, "Load the seed map into a new, empty database."),
    Setting(
        "EXPORTS",
        "",
        str,
        "Folder where `argmap export` writes files. Unset: exports/ in the project folder.",
    ),
    Setting(
        "PUBLIC_URL",
        "",
        str,
        "The address students type, for join links and QR codes"
        " (e.g. http://192.168.1.20:5000); unset: the address of each request.",
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        8 * 1024 * 1024,
        int,
        "Largest request body in bytes (imports are limited to 5 MB of text).",
    ),
    Setting("SESSION_COOKIE_SAMESITE", "Lax", str, "SameSite attribute of the session cookie."),
    Setting(
        "CSRF", True, bool, "Check CSRF tokens on forms and session API calls (off in some tests)."
    ),
    Setting(
        "LOGIN_LIMIT",
        10,
        int,
        "Wrong passwords allowed per account and address within LIMIT_WINDOW.",
    ),
    Setting("JOIN_LIMIT", 30, int, "Wrong join codes allowed per address within LIMIT_WINDOW."),
    Setting("LIMIT_WINDOW", 300.0, float, "Length in seconds of the rate-limit window."),
    Setting(
        "RENDER_TIMEOUT",
        5.0,
        float,
        "Seconds a whole-map Graphviz run may take before the focused view is drawn instead.",
    ),
    Setting("RENDER_FOCUS_TIMEOUT", 10.0, float, "Seconds a focused Graphviz run may take."),
    Setting("RENDER_MEMORY", 2 * 1024**3, int, "Memory limit in bytes of one Graphviz run."),
    Setting(
        "RENDER_FAST_AT",
        300,
        int,
        "Maps with this many nodes or more are laid out with Graphviz's fast settings.",
    ),
    Setting(
        "RENDER_TIDY_AT",
        1500,
        int,
        "Maps with this many nodes or more are laid out as a tidy tree (fast) instead of by dot.",
    ),
    Setting(
        "RENDER_SLOTS",
        0,
        int,
        "Graphviz runs allowed at once on the machine (0: one per processor core).",
    ),
    Setting(
        "RENDER_FOCUS_AT",
        10000,
        int,
        "Maps with this many nodes or more are drawn around the selected node only.",
    ),
    Setting(
        "LIVE_POLL",
        0.05,
        float,
        "Seconds between looks for new events (one look per worker process for all its streams).",
    ),
    Setting(
        "LIVE_KEEPALIVE", 15.0, float, "Seconds between keep-alive comments on a quiet stream."
    ),
    Setting(
        "LIVE_LIFETIME",
        600.0,
        float,
        "Seconds a live stream stays open before the browser reconnects.",
    ),
    Setting("LIVE_PRESENCE", 1.0, float, "Seconds between checks of who has the map open."),
    Setting(
        "LIVE_HEARTBEAT",
        10.0,
        float,
        "Seconds between a stream's notes that its page is still open (presence).",
    ),
    Setting("LIVE_RETRY", 1.0, float, "Seconds a browser waits before reconnecting a stream."),
    Setting(
        "LOGIN_ACCOUNT_LIMIT",
        30,
        int,
        "Wrong passwords for one account from all addresses before it waits (5 minutes,"
        " then twice as long each time); browsers that logged in to it before are exempt.",
    ),
    Setting(
        "LOGIN_ADDRESS_LIMIT",
        50,
        int,
        "Wrong passwords from one address for any accounts within LIMIT_WINDOW.",
    ),
    Setting(
        "SIGNUP",
        False,
        bool,
        "Let anyone create an account at /signup. Off: accounts come from `argmap create-user`"
        " or the instance owner's page /accounts/new.",
    ),
    Setting("SIGNUP_LIMIT", 10, int, "Sign-ups allowed per address within LIMIT_WINDOW."),
    Setting(
        "TRUSTED_PROXIES",
        "0",
        str,
        "Reverse proxies in front of argmap whose X-Forwarded-For is believed: a number of"
        " proxies (1 for one nginx) or their addresses separated by commas; 0: none.",
    ),
    Setting(
        "STREAMS_PER_ADDRESS",
        20,
        int,
        "Live streams one address may hold open per worker process (more get 503 with"
        " Retry-After; a browser's tabs share one stream). 0: no limit.",
    ),
)

BY_NAME = {s.name: s for s in SETTINGS}


def defaults() -> dict:
    """Every setting's default, for `app.config.from_mapping`."""
    return {s.name: s.default for s in SETTINGS}


def parse(name: str, text: str) -> Any:
    """An environment variable's text as the setting's type (unknown names stay text)."""
    setting = BY_NAME.get(name)
    if setting is None or setting.kind is str:
        return text
    if setting.kind is bool:
        return _flag(text)
    return setting.kind(text)


def default(name: str) -> Any:
    """The default of one setting."""
    return BY_NAME[name].default


KIND_WORDS = {str: "text", bool: "on/off", int: "whole number", float: "number"}


def shown(value: Any) -> str:
    """A default as the README shows it: unset, on/off, or the value."""
    if value is None or value == "":
        return "unset"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def markdown_table() -> str:
    """Every setting as a Markdown table: name, default, type, meaning."""
    lines = ["| setting | default | type | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        meaning = s.meaning.replace("|", "\\|")
        lines.append(f"| `{s.name}` | {shown(s.default)} | {KIND_WORDS[s.kind]} | {meaning} |")
    return "\n".join(lines)
