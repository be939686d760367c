"""The map page stays light: outline cached per revision, no list of every node, search pickers."""

from __future__ import annotations

import html
import re

import pytest

from argmap import maps, members, nodes, outline, render
from argmap.web import mappage

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def room(db, owner):
    """The owner's map: a claim with 30 pros, and a second claim."""
    m = members.create_map(db, owner, "Light")
    claim = nodes.add_node(db, m, {"kind": "claim", "text": "Homework helps"})["id"]
    pros = [
        nodes.add_node(db, m, {"kind": "support", "text": f"Reason {n}", "parent_id": claim})["id"]
        for n in range(30)
    ]
    other = nodes.add_node(db, m, {"kind": "claim", "text": "Notifications distract pupils"})["id"]
    return {"map": m, "claim": claim, "pros": pros, "other": other}


def get(client, path: str) -> str:
    """A page's HTML, which must answer 200."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_page_inlines_no_list_of_every_node(client, room):
    page = get(client, f"/maps/{room['map']}?node={room['pros'][3]}")
    assert 'name="to_id"' not in page
    parent = re.search(r'<select name="parent_id"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="(\d*)"', parent) == ["", str(room["claim"])]
    assert page.count("<option") < 15
    words = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    assert words.count("Reason 7") == 1  # once, in the outline (and once drawn)


def test_the_outline_is_drawn_once_per_revision(client, db, room, monkeypatch):
    drawn, looked = [], []
    tree, diagram = outline.tree, render.diagram
    monkeypatch.setattr(outline, "tree", lambda graph: drawn.append(1) or tree(graph))
    monkeypatch.setattr(
        render, "diagram", lambda *args, **kw: looked.append(args[2:4]) or diagram(*args, **kw)
    )
    first = get(client, f"/maps/{room['map']}")
    chosen = get(client, f"/maps/{room['map']}?node={room['pros'][0]}")
    get(client, f"/maps/{room['map']}?node={room['pros'][0]}")
    assert len(drawn) == 1
    assert looked == [("svg", None), ("svg", room["pros"][0])]  # once per revision and view
    assert f'<li id="o-{room["pros"][0]}" aria-current="true" class="selected kind-support"' in (
        chosen
    )
    assert 'aria-current="true"' not in first
    nodes.add_node(db, room["map"], {"kind": "counter", "text": "Too much", "parent_id": 1})
    again = get(client, f"/maps/{room['map']}")
    assert len(drawn) == 2 and len(looked) == 3 and "Too much" in again
    assert (
        "url_for" not in again and f'href="/maps/{room["map"]}?node={room["other"]}#node-' in again
    )


def test_a_big_drawing_is_loaded_by_url_not_inlined(client, room, monkeypatch):
    monkeypatch.setattr(mappage, "INLINE_SVG_MAX", 100)
    page = get(client, f"/maps/{room['map']}")
    assert 'class="graph"' not in page  # no drawing inlined (the legend's swatches are SVG)
    source = html.unescape(re.search(r'<div class="svg-wrap" data-src="([^"]+)"', page).group(1))
    assert f'<noscript><img src="{source.replace("&", "&amp;")}"' in page
    drawing = client.get(source)
    assert drawing.status_code == 200 and drawing.mimetype == "image/svg+xml"
    assert "Homework helps" in drawing.get_data(as_text=True)


def test_linking_without_javascript_is_a_search_by_text(client, db, room, csrf):
    source = room["pros"][0]
    page = get(client, f"/maps/{room['map']}?node={source}")
    form = re.search(
        r'<form method="get" action="([^"]+)" data-form="link"(.*?)</form>', page, re.S
    )
    assert form.group(1) == f"/maps/{room['map']}/search"
    fields = dict(re.findall(r'name="(\w+)" value="(\w+)"', form.group(2)))
    assert fields == {"for": "link", "node": str(source)}
    assert 'name="q"' in form.group(2) and 'name="relation"' in form.group(2)
    found = get(
        client, f"/maps/{room['map']}/search?for=link&node={source}&relation=counter&q=notif"
    )
    assert found.count("Link to this node") == 1
    sent = client.post(
        f"/maps/{room['map']}/links",
        data={"from_id": source, "to_id": room["other"], "relation": "counter", "csrf_token": csrf},
    )
    assert sent.status_code == 302
    assert [
        (li["from_id"], li["to_id"], li["relation"]) for li in maps.load(db, room["map"])["links"]
    ] == [(source, room["other"], "counter")]


def test_moving_a_node_without_javascript_is_a_search_by_text(client, db, room, csrf):
    moved = room["pros"][5]
    page = get(client, f"/maps/{room['map']}?node={moved}")
    href = html.unescape(re.search(r'<a href="([^"]+)" id="move-link">', page).group(1))
    assert href.startswith(f"/maps/{room['map']}/search?") and "for=parent" in href
    found = get(client, href + "&q=notifications")
    assert found.count("Put it under this node") == 1
    version = nodes.get_node(db, room["map"], moved)["version"]
    sent = client.post(
        f"/maps/{room['map']}/nodes/{moved}",
        data={
            "parent_id": room["other"],
            "version": version,
            "kind": "support",
            "csrf_token": csrf,
        },
    )
    assert sent.status_code == 302
    assert nodes.get_node(db, room["map"], moved)["parent_id"] == room["other"]


def test_over_long_text_in_a_form_is_refused_with_the_message_not_cut(client, db, room, csrf):
    page = get(client, f"/maps/{room['map']}")
    assert re.search(r'<textarea name="text"[^>]*data-max="1000"', page)
    assert not re.search(r'<textarea name="text"[^>]*maxlength', page)
    typed = "y" * 5000
    sent = client.post(
        f"/maps/{room['map']}/nodes",
        data={"form": "claim", "kind": "claim", "text": typed, "csrf_token": csrf},
    )
    answer = sent.get_data(as_text=True)
    assert sent.status_code == 400
    assert "shorten it to 1000 at most" in answer
    assert f">{typed}</textarea>" in answer
    assert len(maps.load(db, room["map"])["nodes"]) == 32
