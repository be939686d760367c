"""Round trips through the database: every corpus file and the seed map, in every format."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from corpus import CORPUS

from argmap.db import connect, migrate
from argmap.formats import registry
from argmap.model import MapData
from argmap.portable import import_map, to_data

GOLDEN = CORPUS / "argdown" / "golden"
SEED = ROOT / "seeds" / "nato-response.argmap.json"


def corpus_files() -> list[Path]:
    """Every readable corpus file: Kialo, AIF, and the Argdown files Argdown itself accepts."""
    argdown = [
        p
        for p in sorted((CORPUS / "argdown").glob("*.argdown"))
        if (GOLDEN / f"{p.stem}.json").exists()
    ]
    return (
        sorted((CORPUS / "kialo").glob("*.txt")) + argdown + sorted((CORPUS / "aif").glob("*.json"))
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """One migrated database file for the whole module."""
    conn = connect(str(tmp_path_factory.mktemp("roundtrip") / "argmap.sqlite"))
    migrate(conn)
    yield conn
    conn.conn.close()


def nodes_of(data: MapData) -> list[tuple[str, str]]:
    """The nodes as (text, kind), sorted."""
    return sorted((n.text, n.kind) for n in data.nodes)


def relations_of(data: MapData, detail: bool) -> list[tuple]:
    """The relations as (source text, target text, relation[, undercut]), sorted."""
    text = {n.key: n.text for n in data.nodes}
    found = []
    for edge in data.edges():
        pair = (edge.source, edge.target)
        if edge.relation == "contradiction":
            pair = tuple(sorted(pair, key=lambda key: text[key]))
        found.append(
            (text[pair[0]], text[pair[1]], edge.relation) + ((edge.undercut,) if detail else ())
        )
    return sorted(set(found))


def expressible(data: MapData, fmt: str) -> bool:
    """Whether a format can say everything this map says (Kialo has no groups or undercuts)."""
    if fmt != "kialo":
        return True
    edges = data.edges()
    return not any(
        e.group is not None or e.undercut or e.relation == "contradiction" for e in edges
    )


def round_trip(db, data: MapData) -> None:
    """Import, export to each format that can express the map, read again: the same map."""
    stored = to_data(db, import_map(db, data))
    assert nodes_of(stored) == nodes_of(data)
    assert relations_of(stored, True) == relations_of(data, True)
    for fmt in ("kialo", "argdown", "aif", "json"):
        if not expressible(stored, fmt):
            continue
        _, again = registry.read(registry.write(stored, fmt), fmt)
        assert nodes_of(again) == nodes_of(stored), fmt
        assert relations_of(again, fmt != "kialo") == relations_of(stored, fmt != "kialo"), fmt


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file_round_trips_through_the_database(db, path):
    _, data = registry.read(path.read_text(encoding="utf-8"))
    round_trip(db, data)


def test_seed_map_round_trips_through_the_database(db):
    _, data = registry.read(SEED.read_text(encoding="utf-8"))
    round_trip(db, data)


def exact(data: MapData) -> dict:
    """Everything a map holds, with node keys replaced by their position."""
    position = {n.key: i for i, n in enumerate(data.nodes)}
    return {
        "title": data.title,
        "description": data.description,
        "nodes": [
            (n.kind, n.text, n.quote, n.source, position.get(n.parent), n.group, n.undercut, n.tags)
            for n in data.nodes
        ],
        "links": [
            (position[li.source], position[li.target], li.relation, li.group, li.undercut)
            for li in data.links
        ],
    }


def test_argmap_json_round_trips_exactly_with_history(db):
    _, seed = registry.read(SEED.read_text(encoding="utf-8"))
    map_id = import_map(db, seed)
    first = to_data(db, map_id, history=True)
    text = registry.write(first, "json")
    _, again = registry.read(text, "json")
    assert exact(again) == exact(first)
    assert again.events == first.events
    assert [e["action"] for e in again.events] == ["map.create", "map.import"]
    second = to_data(db, import_map(db, again))
    assert exact(second) == exact(first)
