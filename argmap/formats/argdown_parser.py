"""Argdown's grammar and model builder, ported from @argdown/core 1.7.5 to plain Python.

The parser follows parser.js rule by rule and does what ModelPlugin.js does
while it walks the tree: statements with the same title form one equivalence
class, untitled statements and arguments are numbered "Untitled N" in the
same order, relations are recorded with Argdown's direction and duplicates
dropped, and a premise-conclusion structure belongs to the argument right
above it (else to a new untitled argument). Any syntax error raises
FormatError with the line, where Argdown would report a parser error.
"""

from __future__ import annotations

import json
import re

from ..errors import FormatError
from .argdown_lexer import Token, line_of, tokenize
from .argdown_model import Document, Entity, Member, Relation
from .argdown_syntax import (
    ARGUMENT_FIRST,
    CONTENT_FIRST,
    INLINE,
    LINK,
    OPENERS,
    OUTGOING,
    RELATION_TYPES,
    RELATIONS,
    SHORTCODES,
    STATEMENT_FIRST,
    TEXT_TOKENS,
    TOKEN_NAMES,
    flow_yaml_problem,
    tag_of,
)


def parse(text: str) -> Document:
    """Parse Argdown text into its statements, arguments and relations."""
    return _Parser(text).document()


class _Parser:
    """A recursive-descent parser over the token list that builds the Document as it goes."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.kinds = [token.kind for token in self.tokens] + ["EOF", "EOF"]
        self.at = 0
        self.doc = Document()
        self.untitled = 0
        self.seq = 0
        self.seen: dict[tuple[str, int, int], Relation] = {}

    def peek(self, ahead: int = 0) -> str:
        """The kind of a coming token, or EOF."""
        try:
            return self.kinds[self.at + ahead]
        except IndexError:
            return "EOF"

    def take(self, kind: str | None = None, what: str = "") -> Token:
        """Consume the next token, which must be of `kind` when one is given."""
        if kind is not None and self.kinds[self.at] != kind:
            raise self.error(f"expected {what or TOKEN_NAMES.get(kind, kind)}")
        self.at += 1
        return self.tokens[self.at - 1]

    def error(self, message: str) -> FormatError:
        """A FormatError at the next token, saying what was found there."""
        if self.at < len(self.tokens):
            token = self.tokens[self.at]
            image = token.image.strip() or token.image
            found = TOKEN_NAMES.get(token.kind) or repr(image[:40] + ("…" if image[40:] else ""))
            offset = token.offset
        else:
            real = [t for t in self.tokens if t.kind not in ("Indent", "Dedent")]
            found, offset = TOKEN_NAMES["EOF"], real[-1].offset if real else 0
        return FormatError(f"{message}, found {found}", f"line {line_of(self.text, offset)}")

    def document(self) -> Document:
        """argdown: an optional front matter, then paragraphs separated by empty lines."""
        for kind in ("Newline", "Emptyline"):
            if self.peek() == kind:
                self.take()
        if self.peek() == "FrontMatter":
            self.doc.front_matter = self.take().image
            if self.peek() == "Newline":
                self.take()
            self.take("Emptyline", "an empty line after the front matter")
        previous = self.paragraph(None)
        kinds = self.kinds
        while kinds[self.at] == "Emptyline":
            self.at += 1
            previous = self.paragraph(previous)
        if self.peek() != "EOF":
            raise self.error("expected an empty line before a new paragraph")
        return self.doc

    def paragraph(self, previous: Entity | None) -> Entity | None:
        """One paragraph; returns the argument it defines, for a following PCS."""
        kind = self.kinds[self.at]
        if kind == "StatementDefinition":
            self.statement()
        elif kind == "HeadingStart":
            self.heading()
        elif kind == "StatementNumber":
            self.pcs(previous)
        elif kind in ARGUMENT_FIRST:
            return self.argument()
        elif kind in STATEMENT_FIRST:
            self.statement()
        elif kind == "Indent" and self.peek(1) in ("OrderedListItem", "UnorderedListItem"):
            self.list_items()
        elif kind in RELATIONS or kind == "Indent":
            raise self.error(
                "a relation must stand indented right below a statement or argument,"
                " without an empty line between"
            )
        else:
            raise self.error("expected a statement, argument, heading or list")
        return None

    def heading(self) -> None:
        """heading: '#' text, with an optional data block."""
        self.take()
        member = Member()
        self.content(member)
        self.optional_data(member)
        self.doc.headings.append(member)

    def list_items(self) -> None:
        """orderedList / unorderedList: indented items that are statements or arguments."""
        self.take("Indent")
        item = self.peek()
        while self.peek() == item:
            self.take()
            self.member()
        self.take("Dedent", "the end of the list (lists cannot be nested)")

    def member(self) -> Entity:
        """A statement or an argument, whichever comes next."""
        return self.argument() if self.peek() in ARGUMENT_FIRST else self.statement()

    def statement(self) -> Entity:
        """statement: text, '[Title]: text' or '[Title]', then data and relations."""
        member = Member()
        kind = self.kinds[self.at]
        if kind == "StatementDefinition":
            member.title = self.tokens[self.at].image[1:-2]
            self.at += 1
            self.content(member)
        elif kind == "StatementReference":
            token = self.take()
            member.title, member.reference, member.offset = (
                _bracketed(token.image),
                True,
                token.offset,
            )
            self.reference_tail(member)
        elif kind in CONTENT_FIRST:
            self.content(member)
        else:
            raise self.error("expected a statement")
        return self.finish("statement", member)

    def argument(self) -> Entity:
        """argument: '<Title>: text' or '<Title>', then data and relations."""
        member = Member()
        if self.kinds[self.at] == "ArgumentDefinition":
            member.title = self.tokens[self.at].image[1:-2]
            self.at += 1
            self.content(member)
        else:
            token = self.take("ArgumentReference")
            member.title, member.reference, member.offset = (
                _bracketed(token.image),
                True,
                token.offset,
            )
            self.reference_tail(member)
        return self.finish("argument", member)

    def finish(self, kind: str, member: Member) -> Entity:
        """After a statement's or argument's text: its data, its relations, then the entity."""
        kinds = self.kinds
        if kinds[self.at] == "Data":
            self.optional_data(member)
        if kinds[self.at] == "Indent" and kinds[self.at + 1] in RELATIONS:  # relations below
            member.title = member.title or self.new_title()
            self.relations(self.entity(kind, member.title))
        member.title = member.title or self.new_title()
        return self.add_member(kind, member)

    def reference_tail(self, member: Member) -> None:
        """After '[Title]' or '<Title>': tags, then an optional line break."""
        tags = []
        while self.peek() == "Tag":
            tags.append(self.take().image)
        member.tags = _tags(tags)
        if self.peek() == "Newline":
            self.take()

    def optional_data(self, member: Member) -> None:
        """An optional {...} data block and line break after a text."""
        if self.peek() == "Data":
            member.data = self.data(self.take())
            if self.peek() == "Newline":
                self.take()

    def data(self, token: Token) -> dict:
        """Check a data block as YAML would; return the argmap keys it holds."""
        problem = flow_yaml_problem(token.image)
        if problem:
            line = line_of(self.text, token.offset)
            raise FormatError(f"the data block is not valid YAML: {problem}", f"line {line}")
        try:
            data = json.loads(token.image)
        except ValueError:
            return {}
        return {k: v for k, v in data.items() if k.startswith("argmap_")}

    def relations(self, parent: Entity) -> None:
        """relations: an indented block of relation lines below their parent."""
        self.take("Indent")
        kinds = self.kinds
        while kinds[self.at] in RELATIONS:
            self.relation(parent)
        self.take("Dedent", "a relation (+, -, <+, +>, ...) or a less indented line")

    def relation(self, parent: Entity) -> None:
        """One relation line: its symbol, then a statement or an argument."""
        symbol = self.kinds[self.at]
        self.at += 1
        if self.kinds[self.at] not in ARGUMENT_FIRST:
            child = self.statement()
        elif symbol == "Contradiction":
            raise self.error("a contradiction (><) can only relate two statements")
        else:
            child = self.argument()
        source, target = (child, parent) if symbol in OUTGOING else (parent, child)
        group = child.members[-1].data.get("argmap_group")
        self.relate(RELATION_TYPES[symbol], source, target, group)

    def pcs(self, previous: Entity | None) -> None:
        """pcs: numbered statements with inference lines; the last is the conclusion."""
        argument = previous or self.entity("argument", self.new_title())
        if argument.pcs:
            raise self.error(f"argument <{argument.title}> already has premises and a conclusion")
        argument.pcs = [(self.pcs_statement(), "premise")]
        while True:
            while self.peek() == "StatementNumber":
                argument.pcs.append((self.pcs_statement(), "premise"))
            self.take("InferenceStart", "a numbered statement or an inference line (----)")
            self.inference(argument)
            argument.pcs.append((self.pcs_statement(), "conclusion"))
            if self.peek() not in ("StatementNumber", "InferenceStart"):
                break
        self.seq += 1
        argument.seq = self.seq

    def pcs_statement(self) -> Entity:
        """pcsStatement: '(N)' and a statement."""
        self.take("StatementNumber", "a numbered statement such as (1)")
        return self.statement()

    def inference(self, argument: Entity) -> None:
        """inference: '--' rules and data '--', a line break, then undercut relations."""
        if self.peek() in TEXT_TOKENS or (self.peek() == "Newline" and self.peek(1) in TEXT_TOKENS):
            if self.peek() == "Newline":
                self.take()
            self.inference_rules()
        if self.peek() == "Newline":
            self.take()
        self.optional_data(Member())
        self.take("InferenceEnd", "two hyphens (--) that end the inference line")
        self.take("Newline", "a line break after the inference line")
        if self.peek() == "Indent" and self.peek(1) == "OutgoingUndercut":
            self.take()
            while self.peek() == "OutgoingUndercut":
                self.take()
                self.relate("undercut", self.member(), argument, None)
            self.take("Dedent", "an undercut (<_) or a less indented line")

    def inference_rules(self) -> None:
        """inferenceRules: texts separated by commas."""
        self.inference_text()
        while self.peek() == "ListDelimiter":
            self.take()
            self.inference_text()

    def inference_text(self) -> None:
        """freestyleText inside an inference line."""
        if self.peek() not in TEXT_TOKENS:
            raise self.error("expected the name of an inference rule")
        while self.peek() in TEXT_TOKENS:
            self.take()

    def content(self, member: Member) -> None:
        """statementContent: text, links, tags, mentions, bold and italic, line breaks.

        One pass over the tokens (a 5 MB file can hold millions): the text is built as
        it goes, as Argdown joins it (a closed bold or italic range adds the space after
        its closing mark; a line break adds one space unless it ends its range or the
        text so far ends with one); a broken link is reported once the ranges are known
        to be closed, as the parse would fail there first.
        """
        kinds, tokens, at = self.kinds, self.tokens, self.at
        if kinds[at] == "Freestyle" and self.plain_content(member):
            return
        parts: list[str] = []
        closers: list[str] = []  # the closing mark each open range waits for
        opened: list[int] = []  # where each open range started
        tags: list[str] = []
        broken: FormatError | None = None
        start = at
        while True:
            kind = kinds[at]
            if kind in OPENERS:
                closers.append(OPENERS[kind])
                opened.append(at)
            elif closers and kind == closers[-1]:
                closers.pop()
                opened.pop()
                if tokens[at].image.endswith(" "):
                    parts.append(" ")
            elif kind == "Newline":
                follows = kinds[at + 1]
                last = follows == closers[-1] if closers else follows not in CONTENT_FIRST
                if not last and not (parts and parts[-1].endswith(" ")):
                    parts.append(" ")
            elif kind == "Tag":
                tags.append(tokens[at].image)
            elif kind in INLINE:
                try:
                    parts.append(self.token_text(tokens[at]))
                except FormatError as error:
                    broken = broken or error
            else:
                break
            at += 1
        self.at = at
        if opened:
            token = tokens[opened[-1]]
            message = (
                f"bold or italic text that starts with {token.image} is not closed:"
                " close or escape it"
            )
            raise FormatError(message, f"line {line_of(self.text, token.offset)}")
        if at == start:
            raise self.error("expected text")
        if broken is not None:
            raise broken
        member.text, member.tags = "".join(parts), _tags(tags)

    def plain_content(self, member: Member) -> bool:
        """The commonest content in one step: plain text, a final mark, a line break, no more.

        Returns False, taking nothing, for any other content (content() reads it token by
        token; a test holds the two to the same results).
        """
        kinds, tokens, at = self.kinds, self.tokens, self.at
        end, text = at + 1, tokens[at].image
        if kinds[end] == "UnusedControlChar":
            text += tokens[end].image
            end += 1
        if kinds[end] == "Newline":
            end += 1
        if kinds[end] in CONTENT_FIRST:  # more text follows: spaces and marks to work out
            return False
        self.at, member.text = end, text
        return True

    def token_text(self, token: Token) -> str:
        """The text one token contributes."""
        if token.kind == "EscapedChar":
            return token.image[1:]
        if token.kind == "SpecialChar" and token.image.strip() in SHORTCODES:
            return SHORTCODES[token.image.strip()] + (" " if token.image.endswith(" ") else "")
        if token.kind == "Link":
            found = LINK.search(token.image)
            if not found:
                line = line_of(self.text, token.offset)
                raise FormatError("a link must stay on one line", f"line {line}")
            return found.group(1) + (" " if token.image.endswith(" ") else "")
        return token.image

    def new_title(self) -> str:
        """Argdown's next title for an untitled statement or argument."""
        self.untitled += 1
        return f"Untitled {self.untitled}"

    def entity(self, kind: str, title: str) -> Entity:
        """The statement or argument with this title, created on first use."""
        key = (kind, title)
        found = self.doc.entities.get(key)
        if found is None:
            found = self.doc.entities[key] = Entity(kind, title)
        return found

    def add_member(self, kind: str, member: Member) -> Entity:
        """Record a finished statement or argument occurrence."""
        key = (kind, member.title or "")
        entity = self.doc.entities.get(key)
        if entity is None:
            entity = self.doc.entities[key] = Entity(kind, key[1])
        entity.members.append(member)
        return entity

    def relate(self, rtype: str, source: Entity, target: Entity, group: object) -> None:
        """Record a relation unless the same one (or a contradiction's mirror) exists.

        A repeat with another argmap group adds that group to the relation: argmap
        writes one line per group when a premise is in two groups for one conclusion.
        """
        key = (rtype, id(source), id(target))
        if group is not None and (not isinstance(group, int) or isinstance(group, bool)):
            group = None
        known = self.seen.get(key)
        if known is not None:
            if group != known.group and group not in known.also:
                known.also.append(group)
            return
        if rtype == "contradictory" and (rtype, id(target), id(source)) in self.seen:
            return
        self.seq += 1
        self.seen[key] = Relation(rtype, source, target, self.seq, group)
        self.doc.relations.append(self.seen[key])


def _bracketed(image: str) -> str | None:
    """The title inside '[...]' or '<...>', or None if it spans lines."""
    title = image[1:-1]
    return None if re.search(r"[\n\r\u2028\u2029]", title) else title


def _tags(images: list[str]) -> list[str]:
    """The tags of '#tag' and '#(tag)' tokens, each once, in order."""
    if not images:
        return []
    return [tag for tag in dict.fromkeys(map(tag_of, dict.fromkeys(images))) if tag]
