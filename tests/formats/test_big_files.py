"""Big files of awkward shapes: read whole and checked, each refused with the right words.

A reader or a check that went back to a scan per node would make these tests take
minutes (20,000 relations in a chain); the speed itself is measured in the bench.
"""

from __future__ import annotations

import itertools
import json
import random

import pytest
from hostile import HOSTILE

from argmap import portable
from argmap.errors import ArgmapError, FormatError
from argmap.formats import registry
from argmap.model import MAX_DEPTH, Node
from argmap.nodes import clean_fields

SIZE = 20_000


def argmap_json(parents: list[str | None]) -> str:
    """argmap JSON of nodes 0, 1, ... with these parents (None: a claim)."""
    nodes = [
        {"id": str(i), "kind": "support" if p else "claim", "text": f"N {i}", "parent_id": p}
        for i, p in enumerate(parents)
    ]
    return json.dumps({"argmap": 1, "title": "Big", "nodes": nodes})


def refusal(text: str) -> FormatError:
    """The error the import preview gives for a file (read, then the model's rules)."""
    with pytest.raises(FormatError) as caught:
        portable.validate(registry.read(text)[1])
    return caught.value


def test_argdown_star_of_twenty_thousand_is_read_and_checked():
    text = "[c]: Claim\n" + "".join(f"  <+ [s{i}]: Reason {i}\n" for i in range(SIZE))
    fmt, data = registry.read(text)
    fields = portable.validate(data)
    assert fmt == "argdown" and len(fields) == SIZE + 1
    assert fields[-1]["text"] == f"Reason {SIZE - 1}" and data.nodes[-1].parent == "s:c"


def test_argdown_chain_of_twenty_thousand_is_refused_at_its_first_node_too_deep():
    text = "\n".join(f"[s{i}]: Text {i}\n  <+ [s{i + 1}]: Text {i + 1}\n" for i in range(SIZE))
    error = refusal(text)
    assert error.where == f"node {MAX_DEPTH + 2} (s:s{MAX_DEPTH + 1})"
    assert error.message.startswith(f"Nodes would be nested more than {MAX_DEPTH} levels deep")


def test_argdown_tiny_tokens_over_a_long_line_are_read():
    fmt, data = registry.read("[s]: " + "a *b* #t " * SIZE)
    assert fmt == "argdown" and data.nodes[0].text.startswith("a b a b")
    assert data.nodes[0].tags == ["t"]


def test_argdown_many_paragraphs_of_one_letter_are_read():
    data = registry.read("".join(f"[{i}]: x\n\n" for i in range(SIZE)))[1]
    assert len(portable.validate(data)) == SIZE
    assert {n.kind for n in data.nodes} == {"claim"}


def test_argdown_syntax_error_after_twenty_thousand_lines_names_its_line():
    text = "[c]: Claim\n" + "".join(f"  <+ [s{i}]: Reason {i}\n" for i in range(SIZE))
    with pytest.raises(FormatError) as caught:
        registry.read(text + "\n\n  <+ [late]: orphan\n")
    assert caught.value.where == f"line {SIZE + 4}"
    assert "relation must stand indented right below a statement" in caught.value.message


def test_kialo_thesis_with_twenty_thousand_pros_is_read_and_checked():
    text = "Discussion Title: T\n\n1. T\n" + "".join(f"1.{i}. Pro: x {i}\n" for i in range(1, SIZE))
    fmt, data = registry.read(text)
    assert fmt == "kialo" and len(portable.validate(data)) == SIZE
    assert data.nodes[-1].parent == "1" and data.nodes[-1].text == f"x {SIZE - 1}"


def test_kialo_chain_deeper_than_the_model_is_refused_at_its_line():
    numbers = ["1."]
    for _ in range(MAX_DEPTH + 5):
        numbers.append(numbers[-1] + "1.")
    lines = [f"{numbers[0]} T"] + [f"{n} Pro: x" for n in numbers[1:]]
    with pytest.raises(FormatError) as caught:
        registry.read("Discussion Title: T\n\n" + "\n".join(lines))
    assert caught.value.where == f"line {MAX_DEPTH + 3}"
    assert caught.value.message == f"claims nest deeper than {MAX_DEPTH} levels"


def test_argmap_json_chain_of_twenty_thousand_is_refused_at_its_first_node_too_deep():
    error = refusal(argmap_json([None] + [str(i) for i in range(SIZE - 1)]))
    assert error.where == f"node {MAX_DEPTH + 2} ({MAX_DEPTH + 1})"
    assert "levels deep below their claim" in error.message


def test_argmap_json_chain_closed_into_a_cycle_is_refused_naming_a_relation():
    error = refusal(argmap_json([str(SIZE - 1)] + [str(i) for i in range(SIZE - 1)]))
    assert error.message.endswith("relating them would form a cycle.")
    assert error.where.startswith("the relation from ")


def test_argmap_json_claim_with_twenty_thousand_supports_is_read_and_checked():
    data = registry.read(argmap_json([None] + ["0"] * SIZE))[1]
    assert len(portable.validate(data)) == SIZE + 1


def test_aif_conclusion_with_thousands_of_arguments_is_read_and_checked():
    nodes = [{"nodeID": "c", "type": "I", "text": "C"}]
    edges = []
    for i in range(5_000):
        nodes += [{"nodeID": f"i{i}", "type": "I", "text": "x"}, {"nodeID": f"r{i}", "type": "RA"}]
        edges += [{"fromID": f"i{i}", "toID": f"r{i}"}, {"fromID": f"r{i}", "toID": "c"}]
    fmt, data = registry.read(json.dumps({"nodes": nodes, "edges": edges}))
    assert fmt == "aif" and len(portable.validate(data)) == len(data.nodes) > 5_000


TEXTS = [typed for _, typed, _ in HOSTILE] + ["", " ", "x", "a\nb", "é" * 1000, "é" * 1001]
ODD = [None, 0, 1, True, ["x"], "\ud800"]


def fields_either_way(node: Node) -> object:
    """What clean_fields makes of a node's fields: the fields, or the error's words."""
    names = ("kind", "text", "quote", "source", "group", "undercut", "tags")
    try:
        return clean_fields({name: getattr(node, name) for name in names})
    except ArgmapError as error:
        return (error.message, error.field)


def odd_nodes() -> list[Node]:
    """Nodes with every hostile text in every text field, and odd values in the others."""
    rng = random.Random(9)
    found = [Node("k", "claim", text) for text in TEXTS + ODD]
    for text, other in itertools.product(TEXTS, TEXTS + ODD):
        found.append(Node("k", "support", "t", quote=other, source=text, parent="p"))
        found.append(Node("k", "counter", "t", quote=text, source=other, parent="p"))
    for _ in range(3_000):
        tags = rng.choice([[], ["a"], ["a", "a"], ["a", ""], "a,b", None, [1], [["x"]]])
        tags = rng.choice([tags, [rng.choice(TEXTS) for _ in range(rng.randint(1, 22))]])
        found.append(
            Node(
                "k",
                rng.choice(["claim", "support", "Claim", None, 3]),
                rng.choice(TEXTS + ODD),
                group=rng.choice([None, 0, 1, 2**63, True, 2.0, "3"]),
                undercut=rng.choice([True, False, 1, "yes", None]),
                tags=tags,
            )
        )
    return found


def test_the_shortcut_past_clean_fields_gives_what_clean_fields_gives():
    taken = 0
    for node in odd_nodes():
        fast = portable.clean_already(node)
        if fast is not None:
            taken += 1
            assert fast == fields_either_way(node), node
    assert taken > 100
