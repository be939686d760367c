"""One rulebook: a bad graph gets the same words from an edit, an import and an undo."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from argmap import deletion, events, links, members, nodes, portable, undelete, undo
from argmap.errors import FormatError
from argmap.model import MAX_DEPTH, Link, MapData, Node
from argmap.records import node_dict

pytestmark = pytest.mark.usefixtures("quick_passwords")
ROOT = Path(__file__).resolve().parent.parent / "argmap"
UNDONE = "This change cannot be undone as the map stands now: "


@pytest.fixture
def api(app, api_token):
    """A client with the owner's API token, as a script would be."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token}"
    return client


def add(db, m: int, kind: str, text: str, parent: int | None = None, **more) -> int:
    """Add a node through the domain; returns its id."""
    return nodes.add_node(db, m, {"kind": kind, "text": text, "parent_id": parent, **more})["id"]


def refused_edit(response, status: int = 400) -> str:
    """The message of an API call the rules refused (nothing else checked here)."""
    assert response.status_code == status, response.get_json()
    return response.get_json()["error"]


def refused_undo(api, m: int, event_id: int) -> str:
    """The rule's own words inside the message of an undo the rules refused."""
    message = refused_edit(api.post(f"/api/maps/{m}/events/{event_id}/undo"), 409)
    assert message.startswith(UNDONE)
    return message.removeprefix(UNDONE)


def refused_import(db, owner, data: MapData) -> str:
    """The message of an import of this map; nothing is written."""
    before = db.execute("SELECT COUNT(*) FROM maps").fetchone()[0]
    with pytest.raises(FormatError) as caught:
        members.create_map(db, owner, data=data)
    assert db.execute("SELECT COUNT(*) FROM maps").fetchone()[0] == before
    return caught.value.message


def last_event(db, m: int) -> int:
    """The id of the map's newest event."""
    return events.latest_id(db, m)


def test_a_cycle_is_refused_in_the_same_words(db, owner, api):
    m = members.create_map(db, owner, "Cycle")
    c = add(db, m, "claim", "C")
    s = add(db, m, "support", "S", c)
    t = add(db, m, "claim", "T")
    api.post(f"/api/maps/{m}/links", json={"from_id": c, "to_id": t, "relation": "support"})
    link = db.execute("SELECT id FROM links").fetchone()[0]
    api.delete(f"/api/maps/{m}/links/{link}")
    unlinked = last_event(db, m)
    nodes.update_node(db, m, t, {"kind": "support", "parent_id": s})
    edit = refused_edit(
        api.post(f"/api/maps/{m}/links", json={"from_id": c, "to_id": t, "relation": "support"})
    )
    assert edit == f"Node {t} already rests on node {c}: relating them would form a cycle."
    assert refused_undo(api, m, unlinked) == edit
    data = portable.to_data(db, m)
    data.links.append(Link(str(c), str(t), "support"))
    assert refused_import(db, owner, data) == edit


def test_a_claim_with_a_parent_is_refused_in_the_same_words(db, owner, api):
    m = members.create_map(db, owner, "Claim")
    c = add(db, m, "claim", "C")
    s = add(db, m, "support", "S", c)
    x = add(db, m, "support", "X", s)
    change = {"kind": "claim", "parent_id": c}
    edit = refused_edit(api.patch(f"/api/maps/{m}/nodes/{x}", json=change))
    assert edit.startswith("A claim stands on its own")
    # A change whose undo would put back a claim under C (as a history from elsewhere could hold).
    now = node_dict(nodes.get_node(db, m, x))
    before = {**now, "kind": "claim", "parent_id": c}
    events.record(db, m, "node.update", x, {"before": before, "after": now})
    assert refused_undo(api, m, last_event(db, m)) == edit
    data = portable.to_data(db, m)
    data.node(str(x)).kind = "claim"
    assert refused_import(db, owner, data) == edit


def test_an_undercut_of_a_claim_is_refused_in_the_same_words(db, owner, api):
    m = members.create_map(db, owner, "Undercut")
    c = add(db, m, "claim", "C")
    s = add(db, m, "support", "S", c)
    k = add(db, m, "counter", "K", s, undercut=True)
    nodes.update_node(db, m, k, {"undercut": False})
    plain = last_event(db, m)
    nodes.update_node(db, m, s, {"kind": "claim"})  # S is a claim now: K's target has no inference
    edit = refused_edit(api.patch(f"/api/maps/{m}/nodes/{k}", json={"undercut": True}))
    assert edit.startswith("Only a counter of a support or counter can object to the inference")
    assert refused_undo(api, m, plain) == edit
    data = portable.to_data(db, m)
    data.node(str(k)).undercut = True
    imported = members.create_map(db, owner, data=data)  # adjusted, and said
    assert data.warnings == [f"{k}: kept as a plain objection. {edit}"]
    assert (
        db.execute("SELECT MAX(undercut) FROM nodes WHERE map_id = ?", (imported,)).fetchone()[0]
        == 0
    )


def test_too_deep_nesting_is_refused_in_the_same_words(db, owner, api):
    chain = [Node("0", "claim", "level 0")]
    chain += [
        Node(str(i), "support", f"level {i}", parent=str(i - 1)) for i in range(1, MAX_DEPTH + 1)
    ]
    m = members.create_map(db, owner, data=MapData("Deep", nodes=chain))
    ids = [r[0] for r in db.execute("SELECT id FROM nodes WHERE map_id = ? ORDER BY id", (m,))]
    y = add(db, m, "support", "Y", ids[MAX_DEPTH - 1])  # at the deepest level allowed
    nodes.update_node(db, m, y, {"parent_id": ids[0]})
    moved_up = last_event(db, m)
    add(db, m, "support", "Z", y)
    edit = refused_edit(
        api.patch(f"/api/maps/{m}/nodes/{y}", json={"parent_id": ids[MAX_DEPTH - 1]})
    )
    assert edit.startswith(f"Nodes would be nested more than {MAX_DEPTH} levels deep")
    assert refused_undo(api, m, moved_up) == edit
    data = portable.to_data(db, m)
    data.node(str(y)).parent = str(ids[MAX_DEPTH - 1])
    assert refused_import(db, owner, data) == edit


def test_a_restore_too_deep_for_where_its_parent_moved_is_refused_in_the_same_words(db, owner, api):
    chain = [Node("0", "claim", "level 0")]
    chain += [Node(str(i), "support", f"level {i}", parent=str(i - 1)) for i in range(1, MAX_DEPTH)]
    m = members.create_map(db, owner, data=MapData("Deep", nodes=chain))
    deepest = db.execute("SELECT MAX(id) FROM nodes WHERE map_id = ?", (m,)).fetchone()[0]
    b = add(db, m, "claim", "B")
    y = add(db, m, "support", "Y", b)
    add(db, m, "support", "Z", y)
    deletion.delete_node(db, m, y, "delete", None)
    deleted = last_event(db, m)
    nodes.update_node(db, m, b, {"kind": "support", "parent_id": deepest})  # B at the deepest level
    restore = refused_undo(api, m, deleted)
    assert restore.startswith(f"Nodes would be nested more than {MAX_DEPTH} levels deep")
    edit = refused_edit(
        api.post(f"/api/maps/{m}/nodes", json={"kind": "support", "text": "Y", "parent_id": b})
    )
    assert restore == edit
    assert (
        db.execute("SELECT COUNT(*) FROM nodes WHERE map_id = ?", (m,)).fetchone()[0]
        == MAX_DEPTH + 1
    )


def test_a_self_link_is_refused_in_the_same_words(db, owner, api):
    m = members.create_map(db, owner, "Self")
    c = add(db, m, "claim", "C")
    s = add(db, m, "support", "S", c)
    link = {"from_id": s, "to_id": s, "relation": "counter", "group": None, "undercut": False}
    edit = refused_edit(api.post(f"/api/maps/{m}/links", json=link))
    assert edit == "A node cannot be linked to itself."
    # A removed link whose undo would link S to itself (as a history from elsewhere could hold).
    events.record(db, m, "link.delete", s, {"before": {"id": 99, **link}})
    assert refused_undo(api, m, last_event(db, m)) == edit
    data = portable.to_data(db, m)
    data.links.append(Link(str(s), str(s), "counter"))
    assert refused_import(db, owner, data) == edit


def test_a_restore_leaves_out_a_link_the_link_rules_now_refuse(db, owner):
    m = members.create_map(db, owner, "Restore")
    c = add(db, m, "claim", "C")
    s = add(db, m, "support", "S", c)
    d = add(db, m, "claim", "D")
    links.add_link(db, m, {"from_id": d, "to_id": s, "relation": "counter", "undercut": True})
    deletion.delete_node(db, m, d, None, None)
    deleted = last_event(db, m)
    nodes.update_node(db, m, s, {"kind": "claim"})  # S has no inference to undercut any more
    link = {"from_id": d, "to_id": s, "relation": "counter", "group": None, "undercut": True}
    assert undelete.can_link(db, m, link) is False  # D is not back yet
    done = undo.undo(db, m, deleted)
    assert "1 node or links changed since stayed as they are" in done["message"]
    assert db.execute("SELECT COUNT(*) FROM nodes WHERE id = ?", (d,)).fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 0


# The layers, read from the import statements of every module


def module_name(path: Path) -> str:
    """argmap/views/api.py -> argmap.views.api; a package's __init__ is the package."""
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every argmap module (or name in one) a module imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return {f for f in found if f == "argmap" or f.startswith("argmap.")}


GRAPH = {module_name(p): imported(p) for p in sorted(ROOT.rglob("*.py"))}


def layer(name: str) -> str:
    """views, web, cli, or domain (the rest, formats included)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ("views", "web", "cli") else "domain"


def test_the_import_graph_was_read():
    assert "argmap.views.api" in GRAPH and "argmap.model" in GRAPH["argmap.rules"]
    assert "argmap.web.access" in GRAPH["argmap.views.api"]


def test_the_model_imports_nothing_of_argmap():
    assert GRAPH["argmap.model"] == set()


@pytest.mark.parametrize("name", [n for n in GRAPH if layer(n) == "domain" and n != "argmap"])
def test_no_domain_module_imports_a_view_or_the_web_layer(name):
    assert {i for i in GRAPH[name] if layer(i) in ("views", "web")} == set()


@pytest.mark.parametrize("name", [n for n in GRAPH if layer(n) == "views"])
def test_no_view_imports_another_view(name):
    others = {".".join(i.split(".")[:3]) for i in GRAPH[name] if layer(i) == "views"}
    assert others - {name} == set()


@pytest.mark.parametrize("name", [n for n in GRAPH if layer(n) == "web"])
def test_the_web_layer_imports_no_view(name):
    assert {i for i in GRAPH[name] if layer(i) == "views"} == set()
