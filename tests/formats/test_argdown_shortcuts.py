"""The Argdown reader's shortcuts for its commonest lines give what the general path gives."""

from __future__ import annotations

import random

import corpus
from hostile import HOSTILE
from test_argdown_lexer import PIECES, relation_lines

from argmap.errors import FormatError
from argmap.formats import argdown_parser
from argmap.formats.argdown_parser import parse

TRICKY = [
    "[a]: x \\. y.\n  <+ [b]: \\#not a tag.\n",
    "[a]: x #tag.\n  <+ [b]: y #(two words).\n  - <c>: z [link](https://e.org).\n",
    "[a]: x // comment\n  <+ [b]: y. // comment\n  <- [c]: z /* c */\n",
    "[a]: naïve café 日本語.\n  <+ [ü]: x\u2028y.\n\t<- [b]: tab.\n",
    "[a]: x\n  <+ [b]: y\n    z.\n  <+ [c]: *bold*.\n  <+ [d]: x :heart:\n",
    "[a]: x.\n  <+ <b>: y:\n  <+ <c>: z;\n\n\n  <+ [d]: w,\n",
    '[a]: x\n  <+ [b]: y. {"argmap_group": 2}\n  <+ [b]: y. {"argmap_group": 3}\n',
]


def document_or_error(text: str) -> object:
    """What a parse holds (entities, members, relations), or the error's words and line."""
    try:
        doc = parse(text)
    except FormatError as error:
        return (error.message, error.where)
    entities = [
        (e.kind, e.title, [(m.title, m.text, m.tags, m.reference, m.data) for m in e.members])
        for e in doc.entities.values()
    ]
    relations = [
        (r.type, r.source.title, r.target.title, r.seq, r.group, r.also) for r in doc.relations
    ]
    return entities, relations, [(h.text, h.tags) for h in doc.headings]


def test_plain_content_in_one_step_reads_as_token_by_token(monkeypatch):
    rng = random.Random(5)
    texts = [p.read_text() for p in sorted((corpus.CORPUS / "argdown").glob("*.argdown"))]
    texts += TRICKY + [f"[a]: {h}\n  <+ [b]: {h}.\n  - [c]: x {h}\n" for _, h, _ in HOSTILE]
    texts += [relation_lines(rng) for _ in range(1_500)]
    texts += ["".join(rng.choices(PIECES, k=rng.randint(1, 60))) for _ in range(500)]
    read = [document_or_error(text) for text in texts]
    monkeypatch.setattr(argdown_parser._Parser, "plain_content", lambda self, member: False)
    assert read == [document_or_error(text) for text in texts]
