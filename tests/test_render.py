"""The diagram: escaping, styles per kind, stable output, limits, cache, focus, downloads."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hostile import HOSTILE, squeeze

from argmap import dot, links, maps, members, moderation, nodes, render
from argmap.dot import WRAP
from argmap.model import from_graph

pytestmark = pytest.mark.usefixtures("quick_passwords")

SVG = "{http://www.w3.org/2000/svg}"


def svg_nodes(body: bytes) -> dict[str, list[str]]:
    """Each g.node's id with the lines of its text (no-break spaces as spaces)."""
    root = ET.fromstring(body)
    return {
        g.get("id"): ["".join(t.itertext()).replace("\xa0", " ") for t in g.iter(f"{SVG}text")]
        for g in root.iter(f"{SVG}g")
        if g.get("class", "").split()[0:1] == ["node"]
    }


def svg_groups(body: bytes, kind: str) -> list[ET.Element]:
    """The SVG groups of one class: "node" or "edge"."""
    root = ET.fromstring(body)
    return [g for g in root.iter(f"{SVG}g") if g.get("class", "").split()[0:1] == [kind]]


def fits(text: str) -> bool:
    """Whether no line of the text needs wrapping, so the SVG lines must match exactly."""
    return all(len(line) <= WRAP for line in text.split("\n"))


def assert_shows(lines: list[str], text: str) -> None:
    """The SVG lines show the text: exactly when unwrapped, else up to the wrapping spaces."""
    if fits(text):
        assert "\n".join(lines) == text
    else:
        assert squeeze("".join(lines)) == squeeze(text)
        assert all(len(line) <= WRAP for line in lines)


@pytest.fixture
def hostile_map(db):
    """A map with one claim per hostile text; returns (map id, {svg id: shown text})."""
    map_id = maps.create_map(db, "Hostile")
    shown = {}
    for _, typed, expected in HOSTILE:
        node = nodes.add_node(db, map_id, {"kind": "claim", "text": typed})
        shown[f"node-{node['id']}"] = expected
    return map_id, shown


@pytest.fixture
def small(db):
    """A map with every kind and relation: claim, support, counter, rebuttal, links."""
    m = maps.create_map(db, "Small")
    c = nodes.add_node(db, m, {"kind": "claim", "text": "Claim"})["id"]
    s = nodes.add_node(db, m, {"kind": "support", "text": "Pro", "parent_id": c})["id"]
    k = nodes.add_node(db, m, {"kind": "counter", "text": "Con", "parent_id": c})["id"]
    r = nodes.add_node(db, m, {"kind": "counter", "text": "Rebuttal", "parent_id": k})["id"]
    c2 = nodes.add_node(db, m, {"kind": "claim", "text": "Rival"})["id"]
    links.add_link(db, m, {"from_id": c2, "to_id": c, "relation": "contradiction"})
    return {"map": m, "claim": c, "support": s, "counter": k, "rebuttal": r, "rival": c2}


@pytest.fixture
def owning(client, db, owner):
    """A function that gives the owner the maps passed to it and returns their client."""

    def give(*map_ids: int):
        for map_id in map_ids:
            members.claim_map(db, map_id, owner)
        return client

    return give


def big_map(db, size: int) -> int:
    """A map of one claim and a tree of `size - 1` supports and counters below it."""
    m = maps.create_map(db, "Big")
    ids = [nodes.add_node(db, m, {"kind": "claim", "text": "Root claim"})["id"]]
    for i in range(1, size):
        kind = "support" if i % 3 else "counter"
        parent = ids[(i - 1) // 3]
        ids.append(
            nodes.add_node(db, m, {"kind": kind, "text": f"Reason {i}", "parent_id": parent})["id"]
        )
    return m


# Hostile text


def test_every_hostile_text_is_one_svg_node_with_its_text_exactly(db, hostile_map):
    map_id, shown = hostile_map
    body = render.diagram(db, map_id, "svg").body
    found = svg_nodes(body)
    assert sorted(found) == sorted(shown)
    for svg_id, text in shown.items():
        assert_shows(found[svg_id], text)
    assert svg_groups(body, "edge") == []


def test_hostile_text_adds_no_element_or_attribute(db, hostile_map):
    map_id, _ = hostile_map
    root = ET.fromstring(render.diagram(db, map_id, "svg").body)
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {"svg", "g", "title", "polygon", "path", "text", "a", "polyline"}
    for el in root.iter():
        for name, value in el.attrib.items():
            assert "javascript" not in value and "alert" not in value, (name, value)
            assert not name.startswith("on"), name


@pytest.mark.parametrize(("name", "typed", "shown"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_text_in_the_dot_download_is_one_quoted_label(db, name, typed, shown):
    map_id = maps.create_map(db, "One")
    node = nodes.add_node(db, map_id, {"kind": "claim", "text": typed})
    source = render.diagram(db, map_id, "dot").body.decode()
    statements = [line for line in source.splitlines() if re.match(r"\tn\d+ ", line)]
    assert len(statements) == 1 and statements[0].startswith(f'\tn{node["id"]} [label="')
    svg = render.run(source, "svg", render.Limits())
    assert_shows(svg_nodes(svg)[f"node-{node['id']}"], shown)


def test_long_text_wraps_into_several_lines(db):
    map_id = maps.create_map(db, "Long")
    text = " ".join(f"word{i}" for i in range(150))[:1000]
    node = nodes.add_node(db, map_id, {"kind": "claim", "text": text})
    lines = svg_nodes(render.diagram(db, map_id, "svg").body)[f"node-{node['id']}"]
    assert len(lines) > 20
    assert " ".join(lines) == text


def test_a_drawing_by_dot_has_the_boxes_argmap_measured_and_no_text_shaper(db):
    """A page's SVG gives `dot` each box's size, so Graphviz need not measure the text."""
    from argmap.layout import box_size

    map_id = maps.create_map(db, "Sized")
    text = "Homework helps pupils practise what they learnt in class, and more besides."
    node = nodes.add_node(db, map_id, {"kind": "claim", "text": text})
    drawn = render.diagram(db, map_id, "svg")
    assert (drawn.shown, len(drawn.body) > 0) == (1, True)
    (group,) = [g for g in svg_groups(drawn.body, "node") if g.get("id") == f"node-{node['id']}"]
    corners = [
        tuple(map(float, point.split(",")))
        for point in group.find(f".//{SVG}polygon").get("points").split()
    ]
    lines = dot.wrap(text)
    width, height = box_size(lines)
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    assert (max(xs) - min(xs), max(ys) - min(ys)) == pytest.approx((width, height), abs=0.5)
    tops = [float(t.get("y")) for t in group.iter(f"{SVG}text")]
    assert len(tops) == len(lines) > 1
    # Lines 1.2 font sizes apart: Graphviz's spacing without its text shaper (pango: 12 pt).
    gaps = [b - a for a, b in zip(tops, tops[1:], strict=False)]
    assert gaps == pytest.approx([13.2] * (len(lines) - 1))


# Styles per kind


def test_each_kind_has_its_own_shape_colour_and_line_style(db, small):
    body = render.diagram(db, small["map"], "svg").body
    outline = {}
    for g in svg_groups(body, "node"):
        shape = next(el for el in g.iter() if el.tag in (f"{SVG}polygon", f"{SVG}path"))
        outline[g.get("id")] = (
            g.get("class"),
            shape.tag.removeprefix(SVG),
            shape.get("stroke"),
            shape.get("stroke-dasharray"),
        )
    node = {k: f"node-{v}" for k, v in small.items()}
    assert outline == {
        node["claim"]: ("node kind-claim", "polygon", "#0072b2", None),
        node["support"]: ("node kind-support", "path", "#009e73", None),
        node["counter"]: ("node kind-counter", "path", "#d55e00", "5,2"),
        node["rebuttal"]: ("node kind-counter role-rebuttal", "polygon", "#cc79a7", "5,2"),
        node["rival"]: ("node kind-claim", "polygon", "#0072b2", None),
    }


def test_a_rebuttal_is_told_apart_from_a_counter_by_shape_not_colour_alone(db, small):
    groups = {
        g.get("id"): g for g in svg_groups(render.diagram(db, small["map"], "svg").body, "node")
    }
    corners = {
        name: len(list(groups[f"node-{small[name]}"].iter(f"{SVG}polyline")))
        for name in ("counter", "rebuttal")
    }
    assert corners == {"counter": 0, "rebuttal": 4}  # the rebuttal's cut corners


def test_a_further_link_starts_at_an_open_circle_a_parent_edge_does_not(db, small):
    links.add_link(
        db,
        small["map"],
        {"from_id": small["rebuttal"], "to_id": small["support"], "relation": "support"},
    )
    circles = {}
    for g in svg_groups(render.diagram(db, small["map"], "svg").body, "edge"):
        circles[g.find(f"{SVG}title").text] = len(list(g.iter(f"{SVG}ellipse")))
    n = {k: f"n{v}" for k, v in small.items()}
    assert circles[f"{n['rebuttal']}->{n['support']}"] == 1  # also supports
    assert circles[f"{n['rebuttal']}->{n['counter']}"] == 0  # its parent
    assert circles[f"{n['support']}->{n['claim']}"] == 0


def test_each_relation_has_its_own_line(db, small):
    body = render.diagram(db, small["map"], "svg").body
    lines = {}
    for g in svg_groups(body, "edge"):
        title = g.find(f"{SVG}title").text
        path = g.find(f"{SVG}path")
        lines[title] = (path.get("stroke"), path.get("stroke-dasharray"))
    n = {k: f"n{v}" for k, v in small.items()}
    assert lines == {
        f"{n['support']}->{n['claim']}": ("#009e73", None),
        f"{n['counter']}->{n['claim']}": ("#d55e00", "5,2"),
        f"{n['rebuttal']}->{n['counter']}": ("#d55e00", "5,2"),
        f"{n['rival']}->{n['claim']}": ("#cc79a7", "1,5"),
    }


# Stable output and the cache


@pytest.mark.parametrize("fmt", ["svg", "dot"])
def test_the_same_map_gives_byte_identical_output(db, small, fmt):
    first = render.diagram(db, small["map"], fmt).body
    db.execute("DELETE FROM renders")
    assert render.diagram(db, small["map"], fmt).body == first


@pytest.mark.parametrize("limits", [{}, {"tidy_at": 3}], ids=["dot", "tidy tree"])
def test_the_dot_download_is_the_dot_source_and_nothing_after_it(db, limits):
    """The drawing's DOT is made in parts that Graphviz reads as they come; none of what
    follows its end (the marker that closes Graphviz's input) may reach the download."""
    import subprocess

    m = big_map(db, 7)
    body = render.diagram(db, m, "dot", limits=render.Limits(**limits)).body
    assert body.startswith(b"digraph argmap {") and body.endswith(b"}\n")
    assert b"\x00" not in body and body.count(b"digraph") == 1
    read = subprocess.run(["dot", "-Tcanon"], input=body, capture_output=True, check=False)
    assert read.returncode == 0 and read.stderr == b""


def test_an_upgrade_forgets_stored_dot_downloads_and_keeps_the_drawings(tmp_path):
    from argmap.db import connect, migrations

    db = connect(str(tmp_path / "old.sqlite"))
    migrations.apply(db, stop_before="m016_dot_downloads")
    m = big_map(db, 4)
    svg = render.diagram(db, m, "svg").body
    render.diagram(db, m, "dot")
    marked = render.pack(b"digraph argmap {\n}\n\x00end of the DOT", "dot")
    db.execute("UPDATE renders SET body = ? WHERE fmt = 'dot'", (marked,))
    migrations.apply(db)
    assert [r[0] for r in db.execute("SELECT fmt FROM renders")] == ["svg"]
    assert render.diagram(db, m, "svg").body == svg
    assert render.diagram(db, m, "dot").body.endswith(b"}\n")
    db.conn.close()


def test_renders_are_cached_per_revision(db, small):
    m = small["map"]
    render.diagram(db, m, "svg")
    stored = db.execute("SELECT fmt, view, revision FROM renders WHERE map_id = ?", (m,))
    assert [tuple(r) for r in stored] == [("svg", "rl:0", maps.get_map(db, m)["revision"])]
    # A stored drawing is named by its revision and the digest of its DOT (kept in memory so).
    db.execute(
        "UPDATE renders SET body = ?, digest = 'another' WHERE map_id = ?",
        (b"<svg>from the cache</svg>", m),
    )
    assert render.diagram(db, m, "svg").body == b"<svg>from the cache</svg>"
    nodes.update_node(db, m, small["support"], {"text": "Pro, edited"})
    fresh = render.diagram(db, m, "svg").body
    assert svg_nodes(fresh)[f"node-{small['support']}"] == ["Pro, edited"]
    revision = db.execute("SELECT revision FROM renders WHERE map_id = ?", (m,)).fetchone()[0]
    assert revision == maps.get_map(db, m)["revision"]


def test_renders_of_older_revisions_do_not_pile_up(db, small):
    m = small["map"]
    focused = render.Limits(focus_at=1)
    for node in ("claim", "support", "counter"):
        render.diagram(db, m, "svg", small[node], focused)
    render.diagram(db, m, "png")
    assert db.execute("SELECT COUNT(*) FROM renders WHERE map_id = ?", (m,)).fetchone()[0] == 4
    nodes.update_node(db, m, small["support"], {"text": "Pro, edited"})
    render.diagram(db, m, "svg", small["claim"], focused)
    stored = db.execute("SELECT fmt, view, revision FROM renders WHERE map_id = ?", (m,))
    revision = maps.get_map(db, m)["revision"]
    assert [tuple(r) for r in stored] == [("svg", f"rl:{small['claim']}", revision)]


# Limits and the focused view


def test_a_map_above_focus_at_gives_a_focused_diagram(db):
    m = big_map(db, 40)
    limits = render.Limits(focus_at=30, focus_radius=1)
    graph = maps.load(db, m)
    centre = graph["nodes"][1]["id"]
    drawn = render.diagram(db, m, "svg", centre, limits)
    expected = {centre, graph["nodes"][0]["id"]} | {
        n["id"] for n in graph["nodes"] if n["parent_id"] == centre
    }
    assert (drawn.focused, drawn.focus, drawn.total, drawn.shown) == (True, centre, 40, 5)
    assert sorted(svg_nodes(drawn.body)) == sorted(f"node-{i}" for i in expected)


def test_a_map_below_focus_at_is_drawn_whole(db):
    m = big_map(db, 40)
    drawn = render.diagram(db, m, "svg", None, render.Limits(focus_at=41))
    assert (drawn.focused, drawn.shown, len(svg_nodes(drawn.body))) == (False, 40, 40)


def test_a_render_over_the_time_limit_gives_a_focused_diagram(db):
    m = big_map(db, 60)
    drawn = render.diagram(db, m, "svg", None, render.Limits(timeout=0.001, focus_radius=1))
    root = maps.load(db, m)["nodes"][0]["id"]
    assert (drawn.focused, drawn.focus, drawn.total, drawn.shown) == (True, root, 60, 4)
    assert len(svg_nodes(drawn.body)) == 4
    whole = db.execute("SELECT status FROM renders WHERE map_id = ? AND view = 'rl:0'", (m,))
    assert whole.fetchone()[0] == "timeout"


def test_graphviz_under_the_memory_limit_fails_with_a_message(db, small):
    with pytest.raises(render.RenderError, match="Graphviz failed"):
        render.diagram(db, small["map"], "svg", limits=render.Limits(memory=2 * 1024**2))
    stored = db.execute("SELECT status, message FROM renders").fetchall()
    assert [(s, m.startswith("Graphviz failed")) for s, m in stored] == [("failed", True)]


def test_a_failed_render_is_kept_for_its_revision_and_not_run_again(db, small):
    m = small["map"]
    with pytest.raises(render.RenderError, match="Graphviz failed"):
        render.diagram(db, m, "svg", limits=render.Limits(memory=2 * 1024**2))
    with pytest.raises(render.RenderError, match="Graphviz failed"):
        render.diagram(db, m, "svg")
    nodes.update_node(db, m, small["support"], {"text": "Pro, edited"})
    assert svg_nodes(render.diagram(db, m, "svg").body)[f"node-{small['support']}"]


# Through the web: the page, the diagram URL and downloads


def test_page_and_diagram_url_survive_a_tiny_time_limit(app, db, owning):
    app.config["RENDER_TIMEOUT"] = 0.001
    m = big_map(db, 30)
    client = owning(m)
    html = client.get(f"/maps/{m}").get_data(as_text=True)
    assert 'id="focus-note"' in html and "This map has 30 nodes" in html
    assert html.count('<li id="o-') == 30
    response = client.get(f"/maps/{m}/diagram.svg")
    assert response.status_code == 200
    assert len(svg_nodes(response.data)) < 30


def test_page_and_diagram_url_report_a_failed_render(app, db, small, owning):
    app.config["RENDER_MEMORY"] = 2 * 1024**2
    client = owning(small["map"])
    response = client.get(f"/maps/{small['map']}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The diagram could not be drawn: Graphviz failed" in html
    assert html.count('<li id="o-') == 5
    response = client.get(
        f"/maps/{small['map']}/diagram.svg", headers={"Accept": "application/json"}
    )
    assert response.status_code == 503
    assert response.get_json()["error"].startswith(
        "The diagram could not be drawn: Graphviz failed"
    )


def test_page_embeds_the_svg_inline_with_a_node_per_node(small, owning):
    html = owning(small["map"]).get(f"/maps/{small['map']}").get_data(as_text=True)
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    start = html.index("<svg")
    svg = html[start : html.index("</svg>", start) + 6]
    assert sorted(svg_nodes(svg.encode())) == sorted(
        f"node-{small[k]}" for k in ("claim", "support", "counter", "rebuttal", "rival")
    )


def test_svg_download_is_standalone_xml_with_real_text(small, owning):
    response = owning(small["map"]).get(f"/maps/{small['map']}/diagram.svg?download=1")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Small-r7.svg\"; filename*=UTF-8''Small%20r7.svg"
    )
    texts = sorted(line for lines in svg_nodes(response.data).values() for line in lines)
    assert texts == ["Claim", "Con", "Pro", "Rebuttal", "Rival"]


@pytest.mark.parametrize(
    ("fmt", "mimetype", "magic"),
    [
        ("png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("pdf", "application/pdf", b"%PDF-"),
        ("dot", "text/vnd.graphviz", b"digraph argmap {"),
        ("svg", "image/svg+xml", b"<?xml"),
    ],
)
def test_diagram_formats(small, owning, fmt, mimetype, magic):
    response = owning(small["map"]).get(f"/maps/{small['map']}/diagram.{fmt}")
    assert (response.status_code, response.mimetype) == (200, mimetype)
    assert response.data.startswith(magic)


def test_unknown_format_and_missing_map_are_404(small, owning):
    client = owning(small["map"])
    response = client.get(f"/maps/{small['map']}/diagram.gif")
    assert response.status_code == 404
    assert "choose svg, png, pdf or dot" in response.get_data(as_text=True)
    assert client.get("/maps/999/diagram.svg").status_code == 404


# Undercuts


@pytest.fixture
def undercuts(db):
    """An undercut of S's inference to C, and one whose target T became a claim since."""
    m = maps.create_map(db, "Undercuts")
    c = nodes.add_node(db, m, {"kind": "claim", "text": "C"})["id"]
    s = nodes.add_node(db, m, {"kind": "support", "text": "S", "parent_id": c})["id"]
    u = nodes.add_node(db, m, {"kind": "counter", "text": "U", "parent_id": s, "undercut": True})
    t = nodes.add_node(db, m, {"kind": "support", "text": "T", "parent_id": c})["id"]
    v = nodes.add_node(db, m, {"kind": "counter", "text": "V", "parent_id": t, "undercut": True})
    nodes.update_node(db, m, t, {"kind": "claim"})
    return {"map": m, "C": c, "S": s, "U": u["id"], "T": t, "V": v["id"]}


def test_an_undercut_points_at_the_inference_or_else_at_its_target(db, undercuts):
    body = render.diagram(db, undercuts["map"], "svg").body
    lines = {}
    for g in svg_groups(body, "edge"):
        path = g.find(f"{SVG}path")
        lines[g.find(f"{SVG}title").text] = (path.get("stroke"), path.get("stroke-dasharray"))
    n = {k: f"n{v}" for k, v in undercuts.items()}
    junction = f"u{undercuts['S']}_{undercuts['C']}"
    assert lines == {
        f"{n['S']}->{junction}": ("#009e73", None),
        f"{junction}->{n['C']}": ("#009e73", None),
        f"{n['U']}->{junction}": ("#d55e00", "5,2"),
        f"{n['V']}->{n['T']}": ("#d55e00", "5,2"),
    }


def test_the_outline_calls_an_undercut_without_an_inference_a_con(undercuts, owning):
    html = owning(undercuts["map"]).get(f"/maps/{undercuts['map']}").get_data(as_text=True)
    badge = r'<li id="o-(\d+)"[^>]*>\s*<span class="badge badge-\w+">(\w+)<'
    badges = dict(re.findall(badge, html))
    assert badges == {
        str(undercuts["C"]): "Claim",
        str(undercuts["S"]): "Pro",
        str(undercuts["U"]): "Undercut",
        str(undercuts["T"]): "Claim",
        str(undercuts["V"]): "Con",
    }


# Direction: a drawing per direction, chosen by the reader


def svg_size(body: bytes) -> tuple[float, float]:
    """The drawing's width and height in points."""
    root = ET.fromstring(body)
    return float(root.get("width").removesuffix("pt")), float(root.get("height").removesuffix("pt"))


def test_bottom_up_is_a_view_of_its_own_drawn_and_kept_beside_left_to_right(db, small, owning):
    client = owning(small["map"])
    across = client.get(f"/maps/{small['map']}/diagram.svg")
    upward = client.get(f"/maps/{small['map']}/diagram.svg?direction=bt")
    assert across.status_code == upward.status_code == 200
    (wide, low), (narrow, tall) = svg_size(across.data), svg_size(upward.data)
    assert wide > narrow and tall > low  # levels in columns, then in rows
    assert across.headers["ETag"] != upward.headers["ETag"]
    assert client.get(f"/maps/{small['map']}/diagram.svg?direction=rl").data == across.data
    kept = db.execute("SELECT view FROM renders WHERE map_id = ? AND fmt = 'svg'", (small["map"],))
    assert sorted(v for (v,) in kept) == ["bt:0", "rl:0"]
    again = client.get(
        f"/maps/{small['map']}/diagram.svg?direction=bt",
        headers={"If-None-Match": upward.headers["ETag"]},
    )
    assert again.status_code == 304


def test_the_map_page_draws_the_direction_asked_for(db, small, owning):
    client = owning(small["map"])
    page = client.get(f"/maps/{small['map']}?direction=bt").get_data(as_text=True)
    assert 'data-direction="bt"' in page
    inline = page[page.index("<svg") : page.index("</svg>") + 6].encode()
    stored = client.get(f"/maps/{small['map']}/diagram.svg?direction=bt").data
    assert svg_size(inline) == svg_size(stored)


@pytest.mark.parametrize("bad", ["tb", "LR", "rl;x", "<b>"])
def test_an_unknown_direction_is_refused_naming_the_choices(db, small, owning, bad):
    client = owning(small["map"])
    for url in (f"/maps/{small['map']}/diagram.svg", f"/maps/{small['map']}"):
        response = client.get(url, query_string={"direction": bad})
        assert response.status_code == 400
        assert "direction must be rl (thesis on the left) or bt" in response.get_data(as_text=True)
    assert db.execute("SELECT COUNT(*) FROM renders WHERE view LIKE 'tb%'").fetchone()[0] == 0


# The drawing's relations and the model's


def test_the_drawing_relates_the_nodes_as_the_model_does(db):
    """dot.drawn_edges, made straight from the rows, stays model.edges(): whole map, a student's
    map without its hidden nodes, and a focused part (there the edges within the part)."""
    m = maps.create_map(db, "Every link")

    def add(kind: str, text: str, parent: int | None = None, **more) -> int:
        fields = {"kind": kind, "text": text, "parent_id": parent, **more}
        return nodes.add_node(db, m, fields)["id"]

    c = add("claim", "Claim")
    s1, s2 = add("support", "S1", c, group=1), add("support", "S2", c, group=1)
    k = add("counter", "Con", c)
    r = add("counter", "Rebuttal", k)
    u = add("counter", "Undercut", s1, undercut=True)
    h = add("support", "Hidden", c)
    under = add("counter", "Under the hidden one", h)
    rival = add("claim", "Rival")
    for source, target, relation, more in [
        (rival, c, "contradiction", {}),
        (r, rival, "support", {}),
        (rival, k, "counter", {"group": 2}),
        (s2, rival, "counter", {"undercut": False}),
        (under, rival, "support", {}),
        (k, s1, "counter", {"undercut": True}),
    ]:
        links.add_link(db, m, {"from_id": source, "to_id": target, "relation": relation, **more})
    moderation.set_hidden(db, m, h, True)
    whole, seen = maps.load(db, m), maps.load(db, m, hide=True)
    part = render.neighbourhood(whole, u, 1, 100)
    everything = from_graph(whole).edges()
    assert dot.drawn_edges(whole) == everything
    kinds = {(e.relation, e.group is not None, e.undercut) for e in everything}
    assert kinds >= {
        ("support", True, False),
        ("counter", False, True),
        ("contradiction", False, False),
    }
    assert {int(n["id"]) for n in seen["nodes"]} == {c, s1, s2, k, r, u, rival}
    for graph in (seen, part):
        keys = {str(n["id"]) for n in graph["nodes"]}
        within = [e for e in from_graph(graph).edges() if {e.source, e.target} <= keys]
        assert dot.drawn_edges(graph) == within and len(within) < len(everything)
