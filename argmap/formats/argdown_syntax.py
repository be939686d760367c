"""Argdown's syntax tables, from @argdown/core 1.7.5 (lexer.js, ModelPlugin.js, shortcodes.js).

The token rules in Argdown's order, the characters each can start with,
shortcodes, tag and link patterns, and a check of one-line {...} data blocks
as YAML (Argdown loads them with js-yaml and rejects the file if that fails).
"""

from __future__ import annotations

import re

MAX_EMPHASIS = 50

_WS = "\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
EOL = "\n\r\u2028\u2029"
_END_LOOK = r"(?:[ \t]|(?=[\n\r)}_.,!?;:\-*]|\Z))"
TRAIL_MANY = re.compile(r"(?:[ \t]*\r\n|\n|\r)*")
TRAIL_ONE = re.compile(r"(?:[ \t]*(?:\r\n|\n|\r)(?![ \t]*(?:\r\n|\n|\r)))?")
LINE_START_RULES = {
    "IncomingSupport": re.compile(r"([' \t]*)\+>"),
    "IncomingAttack": re.compile(r"([' \t]*)->"),
    "OutgoingSupport": re.compile(r"([' \t]*)<?\+"),
    "OutgoingAttack": re.compile(r"([' \t]*)<?-"),
    "Contradiction": re.compile(r"([' \t]*)><"),
    "IncomingUndercut": re.compile(r"([' \t]*)_>"),
    "OutgoingUndercut": re.compile(rf"([' \t]*)(?:<_|_(?=[{_WS}]))"),
}
RELATIONS = tuple(LINE_START_RULES)
RANGES = {
    "AsteriskBold": (re.compile(rf"\*\*(?![{_WS}])"), re.compile(r"\*\*" + _END_LOOK)),
    "UnderscoreBold": (re.compile(rf"__(?![{_WS}])"), re.compile(r"__" + _END_LOOK)),
    "AsteriskItalic": (re.compile(rf"\*(?![{_WS}])"), re.compile(r"\*" + _END_LOOK)),
    "UnderscoreItalic": (re.compile(rf"_(?![{_WS}])"), re.compile(r"_" + _END_LOOK)),
}
SIMPLE = {
    "EscapedChar": re.compile(rf"\\[^{EOL}] *"),
    "SpecialChar": re.compile(rf"\.[^{_WS}]+?\.[ \t]?|:[^{_WS}]+?:[ \t]?"),
    "Emptyline": re.compile(r"(?:[ \t]*(?:\r\n|\n)){2,}"),
    "Newline": re.compile(r"[ \t]*(?:\r\n|\n|\r)"),
    "InferenceStart": re.compile(r"[' \t]*--"),
    "InferenceEnd": re.compile(r"-{2,}"),
    "HeadingStart": re.compile(r"#+ "),
    "StatementNumber": re.compile(r"[' \t]*\([0-9]+\)"),
    "OrderedListItem": re.compile(rf"([' \t]*)[0-9]+\.(?=[{_WS}])"),
    "UnorderedListItem": re.compile(rf"([' \t]*)\*(?=[{_WS}])"),
    "TagWord": re.compile(r"#[a-zA-z0-9\-\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef]+"),
    "ListDelimiter": re.compile(r","),
    "Spaces": re.compile(r"[ \t]+"),
    "Freestyle": re.compile(r"[^\\@#*_\[\],.:;</>\-\r\n(){}]+"),
    "UnusedControlChar": re.compile(r"[@#*_\[\],.:;</>\-(){}][ \t]?"),
}
SPECIAL_CHAR = SIMPLE["SpecialChar"]
# The commonest line, "[Title]: plain text", as the rules would split it: a statement
# definition whose title holds no "]" (so no Link matches first), spaces (skipped) when
# text follows on the line, then a Freestyle run starting with a character that no
# earlier rule could start with (tests/formats/test_argdown_lexer.py checks these sets).
FREESTYLE_FIRST = r"[^\\@#*_\[\],.:;</>\-\r\n(){}= \t]"
DEFINITION_LINE = re.compile(
    r"(\[[^\]\n\r\u2028\u2029]+\]:)(?:[ \t]+(?=[^ \t\r\n]))?"
    rf"({FREESTYLE_FIRST}[^\\@#*_\[\],.:;</>\-\r\n(){{}}]*)?"
)
DEFAULT_MODE = (
    "Comment FrontMatter Data EscapedChar SpecialChar Emptyline Newline InferenceStart "
    + " ".join(RELATIONS)
    + " HeadingStart StatementNumber OrderedListItem UnorderedListItem AsteriskBoldEnd "
    "UnderscoreBoldEnd AsteriskItalicEnd UnderscoreItalicEnd AsteriskBoldStart "
    "UnderscoreBoldStart AsteriskItalicStart UnderscoreItalicStart Link Tag "
    "StatementDefinition StatementReference StatementMention ArgumentDefinition "
    "ArgumentReference ArgumentMention Spaces Freestyle UnusedControlChar"
).split()
INFERENCE_MODE = (
    "Comment Newline EscapedChar SpecialChar InferenceEnd Data ListDelimiter Spaces "
    "Freestyle UnusedControlChar"
).split()
SKIPPED = {"Comment", "Spaces"}
MODE_SWITCH = {"InferenceStart", "InferenceEnd"}
AFTER_LINE = {"Emptyline", "Newline"}
LINE_START_ONLY = set(RELATIONS) | {
    "InferenceStart",
    "HeadingStart",
    "StatementNumber",
    "OrderedListItem",
    "UnorderedListItem",
}
# opening, closing mark, first place the mark may start, first place a line end
# ends the match, whether "-" may not follow the opening, optional trailing space
BRACKETS = {
    "StatementDefinition": ("[", "]:", 2, 1, False, False),
    "StatementReference": ("[", "]", 2, 2, True, False),
    "StatementMention": ("@[", "]", 3, 2, False, True),
    "ArgumentDefinition": ("<", ">:", 2, 1, False, False),
    "ArgumentReference": ("<", ">", 2, 2, True, False),
    "ArgumentMention": ("@<", ">", 3, 2, False, True),
}
RANGE_RULES = {kind + edge: (kind, edge) for kind in RANGES for edge in ("Start", "End")}
_RELATION_STARTS = {
    "IncomingSupport": "+",
    "IncomingAttack": "-",
    "OutgoingSupport": "<+",
    "OutgoingAttack": "<-",
    "Contradiction": ">",
    "IncomingUndercut": "_",
    "OutgoingUndercut": "<_",
}


WS_SET = set("\t\n\x0b\x0c\r \xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {
    chr(c) for c in range(0x2000, 0x200B)
}
_STARTS = {
    "Comment": "</",
    "FrontMatter": "=",
    "Data": "{",
    "EscapedChar": "\\",
    "SpecialChar": ".:",
    "Emptyline": " \t\r\n",
    "Newline": " \t\r\n",
    "InferenceStart": "' \t-",
    "HeadingStart": "#",
    "StatementNumber": "' \t(",
    "OrderedListItem": "' \t0123456789",
    "UnorderedListItem": "' \t*",
    "Link": "[",
    "Tag": "#",
    "InferenceEnd": "-",
    "ListDelimiter": ",",
    "Spaces": " \t",
}


def start_chars(name: str) -> str:
    """The characters a rule with a function of its own (not a relation) can start with."""
    return _STARTS[name] if name in _STARTS else BRACKETS[name][0][0]


def may_start(name: str, char: str) -> bool:
    """Whether the named rule could match text that starts with this character."""
    if name in _STARTS:
        return char in _STARTS[name]
    if name in _RELATION_STARTS:
        return char in "' \t" + _RELATION_STARTS[name]
    if name in BRACKETS:
        return char == BRACKETS[name][0][0]
    if name in RANGE_RULES:
        return char == ("*" if name.startswith("Asterisk") else "_")
    return SIMPLE[name].match(char) is not None


_CODE_NAMES = (
    "A E O P -> <-> ~ ^ v v_ <> [] happy smile smiley laugh lol rofl joy heart ? question love "
    "wink shush meh eye-roll sad disappointed scream +1 up -1 down think star y agree n disagree"
).split()
_CODES = (
    "∀ ∃ 𝗢 𝗣 → ↔ ¬ ∧ ∨ ⊻ ◇ ◻ 😀 ☺️ ☺ 😆 😆 🤣 😂 ❤ ❓ ❓ 😍 😉 "
    "🤫 😐 🙄 😢 😞 😱 👍 👍 👎 👎 🤔 ⭐ ✔ ✔ ❌ ❌"
).split()
SHORTCODES = {
    mark + name + mark: code
    for name, code in zip(_CODE_NAMES, _CODES, strict=True)
    for mark in ".:"
} | {".smile.": "☺"}
_DOT = r"[^\n\r\u2028\u2029]"
LINK = re.compile(rf"\[({_DOT}+)\]\(({_DOT}+)\)")
_TAG = re.compile(r"#(?:\(([^)]+)\)|([a-zA-z0-9\-\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef]+))")

TEXT_TOKENS = {"Freestyle", "UnusedControlChar", "EscapedChar", "SpecialChar"}
INLINE = TEXT_TOKENS | {"Link", "Tag", "ArgumentMention", "StatementMention", "Newline"}
OPENERS = {
    "AsteriskBoldStart": "AsteriskBoldEnd",
    "UnderscoreBoldStart": "UnderscoreBoldEnd",
    "AsteriskItalicStart": "AsteriskItalicEnd",
    "UnderscoreItalicStart": "UnderscoreItalicEnd",
}
CONTENT_FIRST = INLINE | set(OPENERS)
STATEMENT_FIRST = CONTENT_FIRST | {"StatementDefinition", "StatementReference"}
ARGUMENT_FIRST = {"ArgumentDefinition", "ArgumentReference"}
OUTGOING = {"OutgoingSupport", "OutgoingAttack", "OutgoingUndercut"}
RELATION_TYPES = {
    "IncomingSupport": "support",
    "OutgoingSupport": "support",
    "IncomingAttack": "attack",
    "OutgoingAttack": "attack",
    "Contradiction": "contradictory",
    "IncomingUndercut": "undercut",
    "OutgoingUndercut": "undercut",
}
TOKEN_NAMES = {
    "Newline": "a line break",
    "Emptyline": "an empty line",
    "Indent": "a more indented line",
    "Dedent": "a less indented line",
    "EOF": "the end of the file",
}


def tag_of(image: str) -> str:
    """The tag of a '#tag' or '#(tag)' token."""
    found = _TAG.match(image)
    return (found.group(1) or found.group(2)) if found else ""


def flow_yaml_problem(image: str) -> str:
    """What makes a one-line {...} data block invalid YAML, or '' if nothing does."""
    if re.match(r"\{[ \t]*(\n|\r)", image):
        return ""
    try:
        end = _skip(image, _flow_node(image, 0))
    except (ValueError, IndexError) as exc:
        return str(exc) or "the data block ends too early"
    return "" if end == len(image) else f"unexpected {image[end]!r} after the data"


def _skip(text: str, at: int) -> int:
    """Skip spaces, line breaks and # comments."""
    while at < len(text):
        if text[at] == "#" and (at == 0 or text[at - 1] in " \t\n\r"):
            at = text.find("\n", at) % (len(text) + 1)
        elif text[at] in " \t\n\r":
            at += 1
        else:
            break
    return at


def _flow_node(text: str, at: int, depth: int = 0) -> int:
    """Parse one flow YAML node at `at`; return where it ends."""
    at = _skip(text, at)
    char = text[at]
    if char in "{[" and depth > 50:
        raise ValueError("collections are nested too deeply")
    if char in "{[":
        return _flow_collection(text, at, "}" if char == "{" else "]", depth + 1)
    if char in "\"'":
        return _quoted(text, at)
    if char in ",]}":
        raise ValueError(f"unexpected {char!r}")
    end = at
    while end < len(text) and text[end] not in ",[]{}":
        if text[end] == ":" and (end + 1 >= len(text) or text[end + 1] in " \t\n\r,[]{}"):
            break
        end += 1
    return end


def _flow_collection(text: str, at: int, close: str, depth: int) -> int:
    """Parse a {...} or [...] collection whose opening bracket is at `at`."""
    at = _skip(text, at + 1)
    while text[at] != close:
        at = _skip(text, at) if text[at] == ":" else _skip(text, _flow_node(text, at, depth))
        if text[at] == ":":
            at = _skip(text, at + 1)
            if text[at] not in ",]}":
                at = _skip(text, _flow_node(text, at, depth))
        if text[at] == ",":
            at = _skip(text, at + 1)
        elif text[at] != close:
            raise ValueError(f"missed comma between flow collection entries at {text[at]!r}")
    return at + 1


def _quoted(text: str, at: int) -> int:
    """Skip a single- or double-quoted YAML scalar."""
    quote, at = text[at], at + 1
    while True:
        if text[at] == "\\" and quote == '"':
            at += 2
        elif text[at] == quote and quote == "'" and text[at + 1 : at + 2] == "'":
            at += 2
        elif text[at] == quote:
            return at + 1
        else:
            at += 1
