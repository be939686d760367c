"""The Argdown tokenizer's shortcuts split text exactly as its rules one by one would."""

from __future__ import annotations

import re

import pytest

from argmap.formats import argdown_lexer
from argmap.formats.argdown_lexer import Token, tokenize
from argmap.formats.argdown_syntax import (
    DEFAULT_MODE,
    FREESTYLE_FIRST,
    INFERENCE_MODE,
    LINE_START_ONLY,
    may_start,
)

CHARS = [chr(c) for c in [*range(0x3100), 0xFEFF, 0xFFEF] if not 0xD800 <= c < 0xE000]


def test_text_after_a_definition_starts_where_only_freestyle_could_start():
    first = re.compile(FREESTYLE_FIRST)
    for char in filter(first.match, CHARS):
        names = [n for n in DEFAULT_MODE if n not in LINE_START_ONLY and may_start(n, char)]
        assert names[0] == "Freestyle", (char, names)


@pytest.mark.parametrize("inference", [False, True])
@pytest.mark.parametrize("line_start", [False, True])
def test_each_plan_tries_the_rules_in_argdowns_order(inference, line_start):
    lexer = argdown_lexer._Lexer("")
    for char in CHARS[:0x250]:
        names = INFERENCE_MODE if inference else DEFAULT_MODE
        wanted = [
            n for n in names if (line_start or n not in LINE_START_ONLY) and may_start(n, char)
        ]
        steps = lexer._plan((inference, char, line_start))
        tried = [n for s in steps for n in ([s.names] if s.pattern is None else s.names)]
        assert [n for n in tried if n] == wanted, char


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("[a]: x y", [("StatementDefinition", "[a]:", 0), ("Freestyle", "x y", 5)]),
        ("[a]:   \n", [("StatementDefinition", "[a]:", 0)]),
        ("[a]: *b*", [("StatementDefinition", "[a]:", 0), ("AsteriskItalicStart", "*", 5)]),
        ("[a]b]: x", [("StatementDefinition", "[a]b]:", 0), ("Freestyle", "x", 7)]),
        ("[a](u) x", [("Link", "[a](u) ", 0), ("Freestyle", "x", 7)]),
        ("[a]: =x", [("StatementDefinition", "[a]:", 0), ("Freestyle", "=x", 5)]),
    ],
)
def test_definition_lines_split_as_argdown_splits_them(text, tokens):
    found = [t for t in tokenize(text) if t.kind not in ("Newline", "Emptyline")]
    assert found[: len(tokens)] == [Token(*t) for t in tokens]
