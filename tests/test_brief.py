"""The brief for each side: every claim's supports under 'for', counters under 'against'."""

from __future__ import annotations

import re
from html import unescape

from argmap import links, members, nodes


def section(html: str, css_class: str) -> list[str]:
    """The texts of the points in every column of that class, in page order."""
    ends = {"side-for": '<div class="side side-against">', "side-against": "</section>"}
    texts = []
    for chunk in html.split(f'<div class="side {css_class}">')[1:]:
        column = chunk.split(ends[css_class])[0]
        texts += [unescape(t) for t in re.findall(r'class="point">(.*?)</span>', column)]
    return texts


def test_brief_puts_each_side_in_its_column(client, owner, db):
    map_id = members.create_map(db, owner, "School uniforms")
    claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Schools should require uniforms"})
    pro = nodes.add_node(
        db,
        map_id,
        {
            "kind": "support",
            "text": "They reduce <b>bullying</b>",
            "parent_id": claim["id"],
            "quote": "Q & A",
        },
    )
    nodes.add_node(
        db,
        map_id,
        {"kind": "counter", "text": "They cost families money", "parent_id": claim["id"]},
    )
    nodes.add_node(
        db, map_id, {"kind": "counter", "text": "Evidence is mixed", "parent_id": pro["id"]}
    )
    html = client.get(f"/maps/{map_id}/brief").get_data(as_text=True)
    assert "Schools should require uniforms" in html
    assert section(html, "side-for") == ["They reduce <b>bullying</b>", "Evidence is mixed"]
    assert section(html, "side-against") == ["They cost families money"]
    assert "They reduce &lt;b&gt;bullying&lt;/b&gt;" in html
    assert "Q &amp; A" in html
    assert "Objections to answer" in html


def test_seed_brief_covers_both_claims(seeded_app):
    html = seeded_app.test_client().get("/maps/1/brief").get_data(as_text=True)
    assert html.count('<section class="brief"') == 2
    assert len(section(html, "side-for")) >= 5
    assert len(section(html, "side-against")) >= 4


def test_brief_of_missing_map_is_404(client):
    assert client.get("/maps/999/brief").status_code == 404


def test_sources_without_quotes_and_contradictions_both_ways(client, owner, db):
    map_id = members.create_map(db, owner, "Two claims")
    first = nodes.add_node(db, map_id, {"kind": "claim", "text": "Tea is best"})
    second = nodes.add_node(db, map_id, {"kind": "claim", "text": "Coffee is best"})
    nodes.add_node(
        db,
        map_id,
        {
            "kind": "support",
            "text": "It calms",
            "parent_id": first["id"],
            "source": "https://tea.example/study",
        },
    )
    links.add_link(
        db, map_id, {"from_id": second["id"], "to_id": first["id"], "relation": "contradiction"}
    )
    html = client.get(f"/maps/{map_id}/brief").get_data(as_text=True)
    assert "https://tea.example/study" in html
    tea, coffee = html.split('id="brief-')[1:3]
    assert "Coffee is best" in tea.split("The case against")[1]
    assert "Tea is best" in coffee.split("The case against")[1]
