"""The Argdown tokenizer's shortcuts split text exactly as its rules one by one would."""

from __future__ import annotations

import random
import re

import corpus
import pytest

from argmap.errors import FormatError
from argmap.formats import argdown_lexer
from argmap.formats.argdown_lexer import Token, tokenize
from argmap.formats.argdown_syntax import (
    DEFAULT_MODE,
    FREESTYLE_FIRST,
    INFERENCE_MODE,
    LINE_START_ONLY,
    RANGE_RULES,
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
@pytest.mark.parametrize("innermost", ["", "AsteriskBold", "UnderscoreItalic"])
def test_each_plan_tries_the_rules_in_argdowns_order(inference, line_start, innermost):
    lexer = argdown_lexer._Lexer("")
    lexer.inference, lexer.ranges = inference, [innermost] if innermost else []
    tables = lexer._tables()
    for char in CHARS[:0x250]:
        names = INFERENCE_MODE if inference else DEFAULT_MODE
        wanted = [
            n
            for n in names
            if (line_start or n not in LINE_START_ONLY)
            and may_start(n, char)
            and (n == innermost + "End" or not (n in RANGE_RULES and n.endswith("End")))
        ]
        steps = lexer._plan(tables, line_start, char)
        tried = [n for s in steps for n in ([s.names] if s.pattern is None else s.names) if n]
        tried = [n for i, n in enumerate(tried) if not i or n != tried[i - 1]]  # two Tag steps
        assert tried == wanted, char


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


PIECES = [*"ab  \t\n*_#()[]{}<>@,.:;-+/\\'=!?é\u2028"] + [
    "**",
    "__",
    "#(x y)",
    "[a]: ",
    "<b>: ",
    "\n  <+ ",
    "\n\n",
    ":heart:",
    ".x.",
    "[l](u)",
    "@[a]",
    "<!-- c -->",
    "// c\n",
    '{"a": 1}',
    "===\n",
    "\n(1) ",
    "\n----\n",
    "\n--\nr\n--\n",
    "1. ",
    "* ",
]


def tokens_or_error(text: str) -> object:
    """The tokens of a text, or the error's words and line."""
    try:
        return tokenize(text)
    except FormatError as error:
        return (error.message, error.where)


def test_the_scan_within_a_line_splits_as_the_rules_one_by_one(monkeypatch):
    rng = random.Random(7)
    texts = [p.read_text() for p in sorted((corpus.CORPUS / "argdown").glob("*.argdown"))]
    texts += ["".join(rng.choices(PIECES, k=rng.randint(1, 60))) for _ in range(1_500)]
    scanned = [tokens_or_error(text) for text in texts]
    monkeypatch.setattr(argdown_lexer._Lexer, "_scan", lambda self, pos: pos)
    assert scanned == [tokens_or_error(text) for text in texts]


LINE_PARTS = [
    ["", " ", "  ", "\t", "    ", " '", "\t "],
    ["+", "-", "", "<+", "<-", "+>", "->", "><", "_", "<_", "--", "+ +", "*", "1.", "#"],
    [" ", "  ", "\t", ""],
    ["[a]:", "<b>:", "[a b]:", "<a b>:", "[a]b]:", "<a>b>:", "<!--x>:", "[é]:", "<ü>:"]
    + ["[a\u2028]:", "[a]", "<b>", "[]:", "<>:", "[l](u)", "@[a]", "[a]: [b]:", "<a>: <b>:"],
    [" ", "  ", "\t", ""],
    ["x y", "x", "=x", "x\\.y", "#tag", "x #t", "x #(t t)", "[l](u) x", "x // c", "x /* c */"]
    + ["x <!-- c -->", "@[a] x", "café naïve", "x\ty", ".x.", "*b*", "x *b*", "__b__", "x_y"]
    + ['x {"a": 1}', "x :heart:", "x\u2028y", "日本語", "x (1)", "x - y", "x + y", "x?!"],
    ["", ".", ". ", ".\t", ".  ", ":", ": ", ",", ";", "..", ":heart:", "!", ".x."],
    ["\n", "\n\n", " \n", "\t\n", "\n \n", "\n\r\n", "", "\r\n", "\r", "\n  ", "\n--\n"]
    + ["\n\n\n", "\n\t\n \n", "\n\n\r", "\n\n\r\n", "\n\n//c\n", "\n<!--c-->\n"],
]
NEXT_LINES = ["", "[s]: t\n", "  <+ [c]: d\n", "    <- <e>: f.\n", "\n", "  <+ [c]\n"]


def relation_lines(rng: random.Random) -> str:
    """A few lines built from the parts of a relation line, each part often as it should be."""
    lines = ["[root]: Root.\n"]
    for _ in range(rng.randint(1, 6)):
        parts = [rng.choice(part[:2] if rng.random() < 0.5 else part) for part in LINE_PARTS]
        lines.append("".join(parts) + rng.choice(NEXT_LINES))
    return "".join(lines)


def test_a_whole_line_in_one_match_splits_as_the_rules_one_by_one(monkeypatch):
    rng = random.Random(11)
    texts = [p.read_text() for p in sorted((corpus.CORPUS / "argdown").glob("*.argdown"))]
    texts += [relation_lines(rng) for _ in range(3_000)]
    texts += ["".join(rng.choices(PIECES, k=rng.randint(1, 60))) for _ in range(1_000)]
    matched = [tokens_or_error(text) for text in texts]
    monkeypatch.setattr(argdown_lexer._Lexer, "_relation_line", lambda self: -1)
    monkeypatch.setattr(argdown_lexer._Lexer, "_statement_line", lambda self: -1)
    assert matched == [tokens_or_error(text) for text in texts]


def test_common_lines_take_the_shortcut(monkeypatch):
    text = "[a]: A\n  <+ [b]: B c.\n    - <d>: D\n\n[e]: E:\n  +> [f]: F\n"
    taken = []
    for name in ("_relation_line", "_statement_line"):
        shortcut = getattr(argdown_lexer._Lexer, name)
        monkeypatch.setattr(
            argdown_lexer._Lexer,
            name,
            lambda self, shortcut=shortcut: taken.append(shortcut(self)) or taken[-1],
        )
    kinds = [t.kind for t in tokenize(text)]
    assert taken == [7, 22, 36, 44, 56]  # where each of the five lines ends
    assert kinds == [
        *("StatementDefinition", "Freestyle", "Newline"),
        *("Indent", "OutgoingSupport", "StatementDefinition", "Freestyle"),
        *("UnusedControlChar", "Newline"),
        *("Indent", "OutgoingAttack", "ArgumentDefinition", "Freestyle"),
        *("Dedent", "Dedent", "Emptyline"),
        *("StatementDefinition", "Freestyle", "UnusedControlChar", "Newline"),
        *("Indent", "IncomingSupport", "StatementDefinition", "Freestyle", "Newline"),
        "Dedent",
    ]
