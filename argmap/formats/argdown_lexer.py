"""Argdown's tokenizer, ported from @argdown/core 1.7.5 (lexer.js) to plain Python.

The rules and their order are Argdown's own, so that a file splits into the
same tokens: the first rule that matches at a position wins, several rules
only match at the start of a line, indentation becomes INDENT / DEDENT
tokens, and comments and spaces are skipped. Rules that scan ahead for a
closing mark remember what they found, so a hostile file cannot make the
tokenizer quadratic. For speed (a 5 MB file has over a million tokens), the
rules that could start with each character are tried from a table, runs of
plain regular expressions and of relation symbols as one expression each, and
the commonest lines, "[Title]: plain text." and "  <+ [Title]: plain text." with
their line ends, are split in one match each. Within a line
(default mode), every rule that may come there is one regular expression whose
matches the loop takes one after another (`_scan`); it stops wherever a rule
with a function of its own, a line end or a mark closing another range than the
innermost could match, and the rule-by-rule loop takes that token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

from ..errors import FormatError
from ..model import MAX_DEPTH
from .argdown_syntax import (
    AFTER_LINE,
    BRACKETS,
    DEFAULT_MODE,
    DEFINITION_LINE,
    EOL,
    FREESTYLE_FIRST,
    INFERENCE_MODE,
    LINE_START_ONLY,
    LINE_START_RULES,
    MAX_EMPHASIS,
    MODE_SWITCH,
    RANGE_RULES,
    RANGES,
    SIMPLE,
    SKIPPED,
    TRAIL_MANY,
    TRAIL_ONE,
    WS_SET,
    may_start,
    start_chars,
)

TAG_WORD = SIMPLE["TagWord"].pattern + "[ \t]?"


class Token(NamedTuple):
    """One token: its Argdown name, the text it covers and where it starts."""

    kind: str
    image: str
    offset: int


def tokenize(text: str) -> list[Token]:
    """Split Argdown text into tokens as Argdown's lexer does."""
    return _Lexer(text).run()


def line_of(text: str, offset: int) -> int:
    """The 1-based line number of an offset, counting CRLF, CR and LF line ends."""
    head = text[:offset]
    return 1 + len(re.findall(r"\r\n|\r|\n", head))


class Step(NamedTuple):
    """One step of a plan: a joined regular expression and its rules' names, or one rule."""

    pattern: re.Pattern | None
    names: tuple[str, ...] | str
    rule: Callable | tuple[Callable | None, ...] | None  # its function, or actions by group


class _Lexer:
    """The state of one tokenizer run: position, tokens, indentation and open ranges."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.tokens: list[Token] = []
        self.indents = [0]
        self.ranges: list[str] = []
        self.inference = False
        self.found: dict[str, tuple[int, int]] = {}
        self.closers: dict[int, tuple[int, int]] = {}
        self.barrier = (1, 0)
        self.absent = {c for c in "\n\r\u2028\u2029" if c not in text}
        self.plans: dict[tuple[bool, str, bool], list[Step]] = {}

    def run(self) -> list[Token]:
        """Tokenize the whole text, then close the last paragraph's indentation.

        The loop is the hot path (a 5 MB file has over a million tokens): the rules
        that could start with the character here come from a table (`_plan`) for the
        mode, the innermost open bold or italic range and whether a line starts here,
        and runs of rules that are regular expressions in it are tried as one.
        """
        text, tokens, size = self.text, self.tokens, len(self.text)
        append, new = tokens.append, tuple.__new__
        pos, line_start = 0, True  # line_start: no token yet, or the last one ended a line
        tables = self._tables()
        while pos < size:
            if not line_start and not self.inference and text[pos] not in SCAN_STOPS:
                moved = self._scan(pos)
                if moved > pos:
                    pos, tables = moved, self._tables()
                    line_start = tokens[-1].kind == "Newline"
                    if pos >= size:
                        break
            self.pos = pos
            name, end = "", -1
            for pattern, names, rule in tables[line_start].get(text[pos]) or self._plan(
                tables, line_start, text[pos]
            ):
                if pattern is not None:
                    found = pattern.match(text, pos)
                    if found:  # none of these rules matches empty text
                        name, end = names[found.lastindex], found.end()
                        if rule is not None and rule[found.lastindex] is not None:
                            rule[found.lastindex](found)
                        break
                else:
                    end = rule()
                    if end > pos:
                        name = names
                        break
            else:
                raise self.error("a backslash must be followed by the character it escapes")
            if not name:  # a shortcut that added its tokens itself
                line_start = tokens[-1].kind in AFTER_LINE
            elif name not in SKIPPED:
                append(new(Token, (name, text[pos:end], pos)))
                line_start = name in AFTER_LINE
                if name in MODE_SWITCH:
                    self.inference = name == "InferenceStart"
                    tables = self._tables()
                elif name in RANGE_RULES:
                    tables = self._tables()
            pos = end
        self.pos = pos
        if tokens and tokens[-1].kind == "Emptyline":
            tokens.pop()
        self._dedent_all()
        return tokens

    def _scan(self, pos: int) -> int:
        """Take the tokens within a line from pos, in default mode; returns where it stopped.

        One match per token from MID_LINE (Argdown's rules in order, as one expression):
        a line of a million tiny tokens took 2.8 s of CPU rule by rule, and 1.3 s here.
        """
        text, ranges, groups = self.text, self.ranges, MID_LINE.groups
        append, new = self.tokens.append, tuple.__new__
        for found in iter(MID_LINE.pattern.scanner(text, pos).match, None):
            name, code, kind = groups[found.lastindex]
            if code is not _TOKEN:
                if code is _STOP:
                    break
                if code is _SKIP:
                    pos = found.end()
                    continue
                if code is _OPEN:
                    if len(ranges) >= MAX_EMPHASIS:
                        break  # the rule-by-rule loop says so
                    ranges.append(kind)
                elif code is _LINE:
                    pass
                elif ranges and ranges[-1] == kind:
                    ranges.pop()
                else:
                    break  # only the innermost range's mark closes it
            end = found.end()
            append(new(Token, (name, text[pos:end], pos)))
            pos = end
            if code is _LINE:
                break
        return pos

    def _tables(self) -> tuple[dict[str, list[Step]], dict[str, list[Step]]]:
        """The plans of the current mode and innermost range: (mid-line, at a line start)."""
        key = (self.inference, self.ranges[-1] if self.ranges else "")
        if key not in self.plans:
            self.plans[key] = ({}, {})
        return self.plans[key]

    def _plan(self, tables: tuple[dict, dict], line_start: bool, char: str) -> list[Step]:
        """The rules of a mode that could start with a character, in order, as steps.

        A step is a rule with a function of its own, or a run of rules that are regular
        expressions joined into one (the first alternative that matches wins, as the
        first rule that matches does). Bold and italic ends other than the innermost
        open range's cannot match, so they are left out.
        """
        inference = self.inference
        closes = (self.ranges[-1] if self.ranges else "") + "End"
        names = [
            n
            for n in (INFERENCE_MODE if inference else DEFAULT_MODE)
            if (line_start or n not in LINE_START_ONLY)
            and may_start(n, char)
            and (n == closes or not (n in RANGE_RULES and n.endswith("End")))
        ]
        steps: list[Step] = []
        if char == "[" and not inference:
            steps.append(Step(None, "", self._statement_line))
            steps.append(Step(None, "", self._definition_line))
        if line_start and char in RELATION_LINE_FIRST and not inference:
            steps.append(Step(None, "", self._relation_line))
        run: list[tuple[str, str, Callable | None]] = []
        for name in names:
            part = self._regex(name)
            if part is None:
                if run:
                    steps.append(self._joined(run))
                    run = []
                steps.append(Step(None, name, self._rule(name)))
            else:
                run.append(part)
            if name == "Tag":  # "#(tag)" scans ahead, remembering what it found
                if run:
                    steps.append(self._joined(run))
                    run = []
                steps.append(Step(None, name, self._TagInParentheses))
        if run:
            steps.append(self._joined(run))
        tables[line_start][char] = steps
        return steps

    def _regex(self, name: str) -> tuple[str, str, Callable | None] | None:
        """A rule as a regular expression, its name and what to do when it matches, if it is one.

        Relation symbols keep their indentation as a group of their own; bold and
        italic marks open or close their range.
        """
        if name in LINE_START_RULES:
            return f"({LINE_START_RULES[name].pattern})", name, self._relation_found
        if name in RANGE_RULES:
            kind, edge = RANGE_RULES[name]
            pattern = RANGES[kind][edge == "End"].pattern
            action = self._range_closed if edge == "End" else partial(self._range_opened, kind)
            return f"({pattern})", name, action
        if name == "Tag":
            return f"({TAG_WORD})", name, None
        if name in BRACKETS or hasattr(self, "_" + name) or SIMPLE[name].groups:
            return None
        return f"({SIMPLE[name].pattern})", name, None

    def _joined(self, run: list[tuple[str, str, Callable | None]]) -> Step:
        """One step for a run of rules that are regular expressions: names and actions by group."""
        names: list[str] = [""]
        actions: list[Callable | None] = [None]
        for _, name, action in run:
            names.append(name)
            actions.append(action)
            if name in LINE_START_RULES:  # the indentation group
                names.append("")
                actions.append(None)
        joined = re.compile("|".join(pattern for pattern, _, _ in run))
        todo = tuple(actions) if any(actions) else None
        return Step(joined, tuple(names), todo)

    def _relation_found(self, found: re.Match) -> None:
        """A relation symbol matched: its indentation opens or closes levels."""
        self._indent_to(len(found.group(found.lastindex + 1)))

    def _range_opened(self, kind: str, found: re.Match) -> None:
        """A bold or italic mark opened a range of its kind."""
        if len(self.ranges) >= MAX_EMPHASIS:
            raise self.error(f"bold and italic marks are nested deeper than {MAX_EMPHASIS} levels")
        self.ranges.append(kind)

    def _range_closed(self, found: re.Match) -> None:
        """A bold or italic mark closed the innermost range (only its own end is tried)."""
        self.ranges.pop()

    def _definition_line(self) -> int:
        """ "[Title]: plain text" in one match: its StatementDefinition and Freestyle tokens."""
        found = DEFINITION_LINE.match(self.text, self.pos)
        if not found:
            return -1
        title, text = found.group(1, 2)
        self.tokens.append(tuple.__new__(Token, ("StatementDefinition", title, self.pos)))
        if text:
            self.tokens.append(tuple.__new__(Token, ("Freestyle", text, found.start(2))))
        return found.end()

    def _relation_line(self) -> int:
        """A whole line "  <+ [Title]: plain text." in one match: the tokens its rules give.

        The commonest line of a map (one per relation): its relation symbol (opening or
        closing indentation levels), then what _statement_line takes.
        """
        pos = self.pos
        found = RELATION_LINE.match(self.text, pos)
        if not found:
            return -1
        indent, symbol = found.group(1, 2)
        if len(indent) != self.indents[-1]:
            self._indent_to(len(indent))
        self.tokens.append(tuple.__new__(Token, (RELATION_SYMBOLS[symbol], indent + symbol, pos)))
        return self._line_taken(found, 3)

    def _statement_line(self) -> int:
        """A whole line "[Title]: plain text." in one match: the tokens its rules give."""
        found = STATEMENT_LINE.match(self.text, self.pos)
        return self._line_taken(found, 1) if found else -1

    def _line_taken(self, found: re.Match, first: int) -> int:
        """The tokens of a line's definition, Freestyle run, final mark and line end.

        `found` holds them as groups from `first` on; the line end is a Newline, or an
        Emptyline when empty lines follow (closing every indentation level unless the
        text ends there), where no other rule could match first.
        """
        title, words, mark, ending = found.group(first, first + 1, first + 2, first + 3)
        append, new = self.tokens.append, tuple.__new__
        append(new(Token, (DEFINITIONS[title[0]], title, found.start(first))))
        end = found.start(first + 1)
        append(new(Token, ("Freestyle", words, end)))
        end += len(words)
        if mark:
            append(new(Token, ("UnusedControlChar", mark, end)))
            end += len(mark)
        if ending.count("\n") == 1:
            append(new(Token, ("Newline", ending, end)))
            return found.end()
        self.pos = end
        if found.end() < len(self.text) and len(self.indents) > 1:
            self._dedent_all()
        append(new(Token, ("Emptyline", ending, end)))
        return found.end()

    def _rule(self, name: str) -> Callable[[], int]:
        """A function that returns where the named rule's match ends here, or -1."""
        if hasattr(self, "_" + name):
            return getattr(self, "_" + name)
        return partial(self._bracket, name)

    def error(self, message: str, offset: int | None = None) -> FormatError:
        """A FormatError naming the line of the offset (default: the current position)."""
        where = self.pos if offset is None else offset
        return FormatError(message, f"line {line_of(self.text, where)}")

    def _at_line_start(self) -> bool:
        """Whether no token yet, or the last token ended a line (Argdown's test)."""
        return not self.tokens or self.tokens[-1].kind in AFTER_LINE

    def _emit(self, kind: str) -> None:
        """Add an INDENT or DEDENT token at the current position."""
        self.tokens.append(tuple.__new__(Token, (kind, "", self.pos)))

    def _indent_to(self, width: int) -> None:
        """Open or close indentation levels for a line indented by `width` characters."""
        if width > self.indents[-1]:
            if len(self.indents) > MAX_DEPTH:
                raise self.error(f"indentation is nested deeper than {MAX_DEPTH} levels")
            self.indents.append(width)
            self._emit("Indent")
        while len(self.indents) > 1 and width < self.indents[-1]:
            self.indents.pop()
            self._emit("Dedent")

    def _dedent_all(self) -> None:
        """Close every open indentation level."""
        while len(self.indents) > 1:
            self.indents.pop()
            self._emit("Dedent")

    def _find(self, needle: str, start: int) -> int:
        """text.find(needle, start), remembering answers so that rescans stay short."""
        text = self.text
        if needle not in self.found:
            self.found[needle] = (start, text.find(needle, start))
        since, hit = self.found[needle]
        if start < since:
            early = text.find(needle, start, since + len(needle) - 1)
            hit = early if early >= 0 else hit
        elif hit != -1 and start > hit:
            hit = text.find(needle, start)
        self.found[needle] = (start, hit)
        return hit

    def _first(self, needles: str, start: int) -> int:
        """The first position at or after start of any of the single characters."""
        hits = [self._find(c, start) for c in needles if c not in self.absent]
        hits = [h for h in hits if h >= 0]
        return min(hits) if hits else len(self.text)

    def _list_item(self, rule: re.Pattern) -> int:
        """A list item at the start of a line; Argdown counts one more than its indentation."""
        found = rule.match(self.text, self.pos) if self._at_line_start() else None
        if not found:
            return -1
        self._indent_to(len(found.group(1)) + 1)
        return found.end()

    def _OrderedListItem(self) -> int:  # noqa: N802
        """A numbered list item such as "1. " at the start of a line."""
        return self._list_item(SIMPLE["OrderedListItem"])

    def _UnorderedListItem(self) -> int:  # noqa: N802
        """A list item "* " at the start of a line."""
        return self._list_item(SIMPLE["UnorderedListItem"])

    def _paragraph_rule(self, name: str) -> int:
        """A rule that only matches at a line start and closes all indentation."""
        found = SIMPLE[name].match(self.text, self.pos) if self._at_line_start() else None
        if not found:
            return -1
        self._dedent_all()
        return found.end()

    def _InferenceStart(self) -> int:  # noqa: N802
        """The "--" that opens an inference line, right after a line break."""
        if self.tokens and self.tokens[-1].kind != "Newline":
            return -1
        return self._paragraph_rule("InferenceStart")

    def _StatementNumber(self) -> int:  # noqa: N802
        """A statement number such as "(1)" at the start of a line."""
        return self._paragraph_rule("StatementNumber")

    def _HeadingStart(self) -> int:  # noqa: N802
        """The "# " of a heading at the start of a line."""
        if not self._at_line_start():
            return -1
        found = SIMPLE["HeadingStart"].match(self.text, self.pos)
        return found.end() if found else -1

    def _Emptyline(self) -> int:  # noqa: N802
        """One or more blank lines; they close all indentation unless the text ends."""
        if self.tokens and self.tokens[-1].kind == "Emptyline":
            return -1
        found = SIMPLE["Emptyline"].match(self.text, self.pos)
        if not found:
            return -1
        end = found.end()
        if end < len(self.text) and len(self.indents) > 1:
            self._dedent_all()
        return end

    def _bracket(self, name: str) -> int:
        """A title in brackets or angle brackets: the first closing mark on its line."""
        opening, closing, first, line_from, no_dash, trail = BRACKETS[name]
        text, pos = self.text, self.pos
        if not text.startswith(opening, pos) or pos + first > len(text):
            return -1
        if no_dash and text[pos + 1] == "-":
            return -1
        hit = self._find(closing, pos + first)
        if hit < 0 or self._first(EOL, pos + line_from) < hit:
            return -1
        end = hit + len(closing)
        return end + 1 if trail and text.startswith((" ", "\t"), end) else end

    def _TagInParentheses(self) -> int:  # noqa: N802
        """A tag "#(any words)", with one following space ("#word" is a regular expression)."""
        text, pos = self.text, self.pos
        if not text.startswith("#(", pos):
            return -1
        close = self._find(")", pos + 2)
        end = close + 1 if close > pos + 2 else -1
        return end + 1 if end > 0 and text.startswith((" ", "\t"), end) else end

    def _Comment(self) -> int:  # noqa: N802
        """A comment with, after a line break, the line breaks that follow it."""
        text, pos = self.text, self.pos
        if text.startswith("<!--", pos):
            end = self._closed("-->", pos + 4)
        elif text.startswith("/*", pos):
            end = self._closed("*/", pos + 2)
        elif text.startswith("//", pos):
            end = self._first("\n\r", pos + 2)
            end = -1 if end >= len(text) or self._first("\u2028\u2029", pos) < end else end
        else:
            return -1
        if end < 0:
            return -1
        last = self.tokens[-1].kind if self.tokens else ""
        trail = {"Emptyline": TRAIL_MANY, "Newline": TRAIL_ONE}.get(last)
        return trail.match(text, end).end() if trail else end

    def _closed(self, closing: str, start: int) -> int:
        """The end of a block comment's closing mark, or -1 (U+2028/9 stop a comment)."""
        hit = self._find(closing, start)
        if hit < 0 or self._first("\u2028\u2029", start) < hit:
            return -1
        return hit + len(closing)

    def _FrontMatter(self) -> int:  # noqa: N802
        """A front matter block between runs of "==="."""
        text, pos = self.text, self.pos
        if not text.startswith("===", pos):
            return -1
        run = _run_end(text, pos, "=")
        hit = self._find("===", run)
        if hit >= 0:
            return _run_end(text, hit, "=")
        return run if run - pos >= 6 else -1

    def _Link(self) -> int:  # noqa: N802
        """A Markdown link "[text](url)", with one following space."""
        text, pos = self.text, self.pos
        if not text.startswith("[", pos) or text.startswith("[]", pos):
            return -1
        close = self._find("]", pos + 1)
        if close < 0 or not text.startswith("(", close + 1) or text.startswith("()", close + 1):
            return -1
        end = self._find(")", close + 2)
        if end < 0:
            return -1
        return end + 2 if text.startswith((" ", "\t"), end + 1) else end + 1

    def _Data(self) -> int:  # noqa: N802
        """A {...} data block, as Argdown's regular expression would match it."""
        text, pos = self.text, self.pos
        if not text.startswith("{", pos):
            return -1
        barrier = self._barrier(pos + 1)
        low, best = self.closers.get(barrier, (min(barrier + 1, len(text)), -1))
        if best < 0 and low > pos + 1:
            best, low = self._last_closer(pos + 1, low), pos + 1
            self.closers[barrier] = (low, best)
        return best + 1 if best > pos else -1

    def _barrier(self, start: int) -> int:
        """The first character from start that a data block may not contain."""
        since, found = self.barrier
        if since <= start <= found:
            return found
        stop = self._first("\r\u2028\u2029", start)
        hit = self._find("}", start)
        while 0 <= hit < stop and not self._is_barrier(hit):
            hit = self._find("}", hit + 1)
        found = hit if 0 <= hit < stop else stop
        self.barrier = (start, found)
        return found

    def _is_barrier(self, hit: int) -> bool:
        """Whether a '}' is followed by a space and then a character other than ',' or '}'."""
        text = self.text
        return hit + 2 < len(text) and text[hit + 1] in WS_SET and text[hit + 2] not in ",}"

    def _last_closer(self, low: int, high: int) -> int:
        """The last '}' in [low, high) that is not followed by ',' or '}'."""
        text = self.text
        hit = text.rfind("}", low, high)
        while hit >= 0:
            after = hit + 1
            while after < len(text) and text[after] in WS_SET:
                after += 1
            if after >= len(text) or text[after] not in ",}":
                return hit
            hit = text.rfind("}", low, hit)
        return -1


class Scanner(NamedTuple):
    """Rules as one regular expression and, by group: the rule's name, what its match does
    and the bold or italic range it opens or closes."""

    pattern: re.Pattern
    groups: tuple[tuple[str, str, str], ...]


_TOKEN, _SKIP, _OPEN, _CLOSE, _LINE, _STOP = "token", "skip", "open", "close", "line", "stop"
SCAN_STOPS = frozenset("\n\r[<{")  # where a scan would stop at once: no use starting one


def _mid_line() -> Scanner:
    """The default mode's rules that may come within a line, in Argdown's order, as one.

    A rule with a function of its own, and a line end, stops the scan where it could
    match; bold and italic marks open and close their ranges. Each alternative starts
    with its first character and ends with an empty group, by which the match tells
    which rule it is: the engine skips an alternative whose first character does not
    fit without entering it. Freestyle comes first where only it could start.
    """
    rest = SIMPLE["Freestyle"].pattern.removesuffix("+") + "*"
    parts = [f"{FREESTYLE_FIRST}{rest}()"]
    groups = [("", _STOP, ""), ("Freestyle", _TOKEN, "")]

    def add(pattern: str, name: str, code: str) -> None:
        parts.append(f"{pattern}()")
        groups.append((name, code, RANGE_RULES[name][0] if name in RANGE_RULES else ""))

    for name in DEFAULT_MODE:
        if name in LINE_START_ONLY:
            continue
        if name in RANGE_RULES:
            kind, edge = RANGE_RULES[name]
            add(RANGES[kind][edge == "End"].pattern, name, _CLOSE if edge == "End" else _OPEN)
        elif name == "Tag":
            add(TAG_WORD, name, _TOKEN)
            add(r"#\(", name, _STOP)  # "#(tag)": a function
        elif name == "Newline":  # the token, and the scan ends with its line
            add(f"(?:{SIMPLE[name].pattern})", name, _LINE)
        elif name in AFTER_LINE:
            add(f"(?:{SIMPLE[name].pattern})", name, _STOP)
        elif name in SIMPLE and not SIMPLE[name].groups and not hasattr(_Lexer, "_" + name):
            add(f"(?:{SIMPLE[name].pattern})", name, _SKIP if name in SKIPPED else _TOKEN)
        else:
            add(f"[{re.escape(start_chars(name))}]", name, _STOP)
    return Scanner(re.compile("|".join(parts)), tuple(groups))


MID_LINE = _mid_line()
RELATION_SYMBOLS = {
    "+>": "IncomingSupport",
    "->": "IncomingAttack",
    "<+": "OutgoingSupport",
    "+": "OutgoingSupport",
    "<-": "OutgoingAttack",
    "-": "OutgoingAttack",
}
DEFINITIONS = {"[": "StatementDefinition", "<": "ArgumentDefinition"}
RELATION_LINE_FIRST = " \t+-<"
# "[Title]: plain text." and its line ends, split as the rules split them (tests hold the
# two to the same tokens): a definition whose title holds no closing mark (nor "!" after
# "<": no comment), a Freestyle run that starts where only Freestyle could, an optional
# final mark, and the line ends up to the next line with text (an Emptyline if more than
# one). A relation line starts with its symbol and spaces (so it is no inference line).
_LINE_REST = (
    rf"[ \t]+({FREESTYLE_FIRST}[^\\@#*_\[\],.:;</>\-\r\n(){{}}]*)"
    r"([.:;,][ \t]?)?((?:[ \t]*\n)+)(?![ \t]*\r?\n)"
)
STATEMENT_LINE = re.compile(r"(\[[^\]\n\r\u2028\u2029]+\]:)" + _LINE_REST)
RELATION_LINE = re.compile(
    r"([ \t]*)(\+>|->|<\+|<-|\+|-)[ \t]+"
    r"(\[[^\]\n\r\u2028\u2029]+\]:|<[^<>!\n\r\u2028\u2029][^<>\n\r\u2028\u2029]*>:)" + _LINE_REST
)


def _run_end(text: str, start: int, char: str) -> int:
    """The end of the run of `char` that begins at start."""
    end = start
    while end < len(text) and text[end] == char:
        end += 1
    return end
