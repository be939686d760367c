"""The pages take format, kind, relation and standing labels from the code, never from their
own copy (the map page's scripts included)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from livehelp import log_in, owned_map

from argmap import labels, links, nodes, render, standing
from argmap.formats import registry
from argmap.model import KINDS, LINK_RELATIONS

TEMPLATES = Path(labels.__file__).parent / "templates"
SCRIPTS = Path(labels.__file__).parent.parent / "static"


@pytest.fixture
def page(app, db):
    """The map page of Olga's map with a claim, a support and a link, the claim selected."""
    olga, map_id = owned_map(db, title="Labels")
    claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "A"})["id"]
    other = nodes.add_node(db, map_id, {"kind": "claim", "text": "B"})["id"]
    pro = nodes.add_node(db, map_id, {"kind": "support", "text": "P", "parent_id": claim})["id"]
    links.add_link(db, map_id, {"from_id": pro, "to_id": other, "relation": "contradiction"})
    client = app.test_client()
    log_in(client, olga)
    response = client.get(f"/maps/{map_id}?node={claim}")
    assert response.status_code == 200
    return {"map": map_id, "html": html.unescape(response.get_data(as_text=True)), "client": client}


def every_label() -> list[str]:
    """Every label in the code's tables, as a page shows it."""
    kinds = [
        text
        for kind in labels.KIND_LABELS.values()
        for text in (kind.plural, kind.legend, f"{kind.name} ({kind.meaning})")
    ]
    formats = [f.label for f in registry.FORMATS.values()]
    stands = [text for s in labels.STANDING_LABELS.values() for text in (s.meaning, s.legend)]
    return sorted(
        {
            *kinds,
            *formats,
            *stands,
            *labels.RELATION_LABELS.values(),
            *labels.DIAGRAM_LABELS.values(),
            *labels.COUNT_LABELS.values(),
        }
    )


def test_the_tables_name_every_kind_relation_and_diagram_format():
    assert tuple(labels.KIND_LABELS) == KINDS
    assert tuple(labels.RELATION_LABELS) == LINK_RELATIONS
    assert list(labels.DIAGRAM_LABELS) == list(render.FORMATS)
    assert set(labels.COUNT_LABELS) == set(registry.counts(registry.read("[A]: a\n")[1]))


def test_the_standing_table_names_every_label():
    assert tuple(labels.STANDING_LABELS) == standing.LABELS


def test_the_map_page_gives_its_script_and_legend_the_standing_labels(page):
    found = re.search(r"id=\"standing-bar\" data-labels='([^']+)'", page["html"]).group(1)
    marks = json.loads(found)
    assert {k: (m["sign"], m["word"], m["name"]) for k, m in marks.items()} == {
        k: (s.sign, s.word, s.name) for k, s in labels.STANDING_LABELS.items()
    }
    entry = re.search(r'<li data-key="standing".*?</li>', page["html"], re.S).group(0)
    samples = re.findall(r'<span class="standing-pill standing-(\w+)">([^<]+)</span>', entry)
    assert samples == [(k, s.short) for k, s in labels.STANDING_LABELS.items()]
    said = "; ".join(f"{s.sign} {s.word}, {s.legend}" for s in labels.STANDING_LABELS.values())
    assert f"Which claims stand: {said}." in entry


def test_the_standing_page_heads_each_group_with_its_label(page):
    shown = page["client"].get(f"/maps/{page['map']}/standing").get_data(as_text=True)
    heads = re.findall(
        r'<span class="standing-mark standing-(\w+)" aria-hidden="true">([^<]+)</span> (\w+)'
        r' \(\d+\): <span class="hint">([^<]+)</span>',
        html.unescape(shown),
    )
    assert sorted(heads) == sorted(
        (k, s.sign, s.name, s.meaning) for k, s in labels.STANDING_LABELS.items()
    )


def test_the_pages_scripts_badge_each_kind_as_the_server_does():
    said = re.search(r"const KIND_LABELS = (\{[^}]*\});", (SCRIPTS / "common.js").read_text())
    table = json.loads(re.sub(r"(\w+):", r'"\1":', said.group(1)))
    assert table == {kind: label.side for kind, label in labels.KIND_LABELS.items()}
    for script in SCRIPTS.glob("*.js"):  # said once, in common.js
        text = script.read_text(encoding="utf-8")
        assert script.name == "common.js" or '"Pro"' not in text, script.name


@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.js")))
def test_no_script_names_the_standing_labels_itself(script):
    text = (SCRIPTS / script).read_text(encoding="utf-8")
    for s in labels.STANDING_LABELS.values():
        assert f'"{s.name}"' not in text and f'"{s.sign}"' not in text, s.name


def test_export_menu_lists_every_format_with_its_registry_label(page):
    menu = page["html"].split('id="export-menu"')[1].split("</details>")[0]
    found = dict(re.findall(r'href="/maps/\d+/export/(\w+)" download>([^<]+)</a>', menu))
    assert found == {key: f.label for key, f in registry.FORMATS.items()}
    drawn = dict(  # with the title, date and legend (a DOT file has no place for them)
        re.findall(r'href="/maps/\d+/drawing\?format=(\w+)" download>([^<]+)</a>', menu)
        + re.findall(r'href="/maps/\d+/diagram\.(dot)\?download=1" download>([^<]+)</a>', menu)
    )
    assert drawn == labels.DIAGRAM_LABELS


def test_kind_and_relation_menus_and_the_legend_use_the_tables(page):
    menu = re.search(r'<select name="kind"[^>]*>(.*?)</select>', page["html"], re.S).group(1)
    kinds = dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', menu))

    assert kinds == {k: f"{v.name} ({v.meaning})" for k, v in labels.KIND_LABELS.items()}
    relations = re.search(r'<select name="relation">(.*?)</select>', page["html"], re.S).group(1)
    assert dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', relations)) == (
        labels.RELATION_LABELS
    )
    legend = re.search(r'<details class="legend-box"(.*?)</details>', page["html"], re.S).group(1)
    entries = re.findall(
        r'<li data-key="([\w-]+)">.*?<span class="legend-text">([^<]+)<', legend, re.S
    )
    assert entries == [(k, v.legend) for k, v in labels.KIND_LABELS.items()] + list(
        labels.LEGEND_LABELS.items()
    )
    assert "a support (pro)" in page["html"] and "a counter (con)" in page["html"]


def test_outline_says_the_relation_label_of_a_link(page):
    assert f'<div class="also">{labels.RELATION_LABELS["contradiction"]}:' in page["html"]


def test_import_page_offers_every_readable_format_with_its_registry_label(app, client, owner):
    page = html.unescape(client.get("/import").get_data(as_text=True))
    offered = dict(re.findall(r'<option value="(\w*)"[^>]*>([^<]+)</option>', page))
    readable = {key: f.label for key, f in registry.FORMATS.items() if f.read is not None}
    assert offered == {"": "Tell from the content", **readable}
    hint = re.search(r'<p class="hint">([^<]*)The format is told', page).group(1)
    assert all(label in hint for label in readable.values())


def test_import_preview_counts_and_format_use_the_tables(client, owner):
    text = "Discussion Title: T\n\n1. A\n1.1. Pro: B\n1.2. Con: C\n"
    page = client.post("/import", data={"csrf_token": "test-csrf-token", "text": text})
    shown = html.unescape(page.get_data(as_text=True))
    assert f"Read as <strong>{registry.FORMATS['kialo'].label}</strong>" in shown
    rows = re.findall(r'<th scope="row">([^<]+)</th><td data-count="(\w+)">', shown)
    assert {key: label for label, key in rows} == labels.COUNT_LABELS


@pytest.mark.parametrize("label", every_label())
def test_no_template_writes_a_label_of_its_own(label):
    pattern = re.compile(rf"(?<![\w-]){re.escape(label)}(?![\w-])")
    found = [
        path.relative_to(TEMPLATES).as_posix()
        for path in sorted(TEMPLATES.rglob("*.html"))
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
