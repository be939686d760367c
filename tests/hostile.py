"""Hostile texts a person might type, and what argmap must store and show for each.

Each row is (name, typed, shown): `shown` is the text as stored and as every view must
show it (trimmed, line breaks as \\n, tabs as spaces, control characters dropped).
"""

from __future__ import annotations

import pytest

HOSTILE = [
    ("double quotes", 'He said "no" and "yes"', 'He said "no" and "yes"'),
    ("single quotes", "it's 'quoted'", "it's 'quoted'"),
    ("backslash", "C:\\temp\\new", "C:\\temp\\new"),
    ("trailing backslash", "ends with a backslash\\", "ends with a backslash\\"),
    ("odd backslashes", "three \\\\\\", "three \\\\\\"),
    ("escape sequences", "\\N \\G \\l \\n \\r \\E \\T \\H", "\\N \\G \\l \\n \\r \\E \\T \\H"),
    ("bold tag", "<b>bold</b> & <i>italic</i>", "<b>bold</b> & <i>italic</i>"),
    ("html-like label", "<<x>>", "<<x>>"),
    ("dot injection", '"; a -> b; "', '"; a -> b; "'),
    (
        "dot brackets",
        'x" [shape=circle URL="javascript:1"]',
        'x" [shape=circle URL="javascript:1"]',
    ),
    ("script", "<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("svg onload", '<svg onload="alert(1)">', '<svg onload="alert(1)">'),
    ("entities", "&lt; &amp; &#65; &nbsp;", "&lt; &amp; &#65; &nbsp;"),
    ("cdata end", "a ]]> b", "a ]]> b"),
    ("braces and bars", "{x} [y] |z| <p>", "{x} [y] |z| <p>"),
    (
        "control characters",
        "bell\x07 nul\x00 esc\x1b del\x7f c1\x85 end",
        "bell nul esc del c1 end",
    ),
    ("tab", "left\tright", "left right"),
    ("crlf", "first line\r\nsecond line\rthird", "first line\nsecond line\nthird"),
    ("rtl", "שלום עולם مرحبا", "שלום עולם مرحبا"),
    ("rtl override", "abc\u202edef", "abc\u202edef"),
    ("emoji", "emoji 🎉👍🏽 👩‍👩‍👧", "emoji 🎉👍🏽 👩‍👩‍👧"),
    ("cjk", "中文字符と日本語", "中文字符と日本語"),
    ("padded", "   padded text   ", "padded text"),
    ("long word", "x" * 80, "x" * 80),
    (
        "long wrapped",
        "A rather long sentence that must wrap over several lines in the diagram, "
        'with "quotes", \\backslashes\\ and <tags> spread across it.',
        "A rather long sentence that must wrap over several lines in the diagram, "
        'with "quotes", \\backslashes\\ and <tags> spread across it.',
    ),
]

PARAMS = [pytest.param(typed, shown, id=name) for name, typed, shown in HOSTILE]


def squeeze(text: str) -> str:
    """Text without any whitespace, for comparing wrapped lines."""
    return "".join(text.replace("\xa0", " ").split())
