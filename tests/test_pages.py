"""The HTML pages: list of maps, the map page and its forms, errors that keep what was typed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hostile import PARAMS
from markupsafe import escape

from argmap import links, maps, members, nodes
from argmap.errors import ValidationError

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def tree(db, owner):
    """The owner's map with claim C, its support S (with counter R) and counter K."""
    m = members.create_map(db, owner, "Tree")
    c = nodes.add_node(db, m, {"kind": "claim", "text": "C"})["id"]
    s = nodes.add_node(db, m, {"kind": "support", "text": "S", "parent_id": c})["id"]
    r = nodes.add_node(db, m, {"kind": "counter", "text": "R", "parent_id": s})["id"]
    k = nodes.add_node(db, m, {"kind": "counter", "text": "K", "parent_id": c})["id"]
    return {"map": m, "C": c, "S": s, "R": r, "K": k}


class Outline(HTMLParser):
    """The outline's nesting as [(node id, role, [children])]."""

    def __init__(self):
        super().__init__()
        self.stack: list[list] = [[]]
        self.badge = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li" and attrs.get("id", "").startswith("o-"):
            item = [int(attrs["data-node"]), None, []]
            self.stack[-1].append(item)
            self.stack.append(item[2])
        self.badge = tag == "span" and "badge" in (attrs.get("class") or "")

    def handle_data(self, data):
        if self.badge and len(self.stack) > 1:
            parent = self.stack[-2][-1]
            parent[1] = parent[1] or data
            self.badge = False

    def handle_endtag(self, tag):
        if tag == "li" and len(self.stack) > 1:
            self.stack.pop()


def outline_of(html: str) -> list:
    """Parse the outline of a map page."""
    parser = Outline()
    parser.feed(html[html.index('<div id="outline">') :])
    return [tuple_tree(item) for item in parser.stack[0]]


def tuple_tree(item: list) -> tuple:
    """An outline item as (id, role, (children...))."""
    return (item[0], item[1], tuple(tuple_tree(c) for c in item[2]))


def section(html: str, section_id: str) -> str:
    """The HTML of one <section> of the page."""
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def state(db) -> tuple:
    """Every row of the tables a form may change."""
    return tuple(
        [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
        for table in ("maps", "nodes", "links", "events")
    )


def revision(db, map_id: int) -> int:
    """The map's revision."""
    return maps.get_map(db, map_id)["revision"]


# The list of maps


def test_index_lists_maps_with_counts(client, tree):
    html = client.get("/").get_data(as_text=True)
    row = html[html.index(f'id="map-{tree["map"]}"') :]
    assert f'href="/maps/{tree["map"]}">Tree</a>' in row
    assert re.search(r">4</td><td[^>]*>5</td>", row)


def test_create_map_redirects_to_it_with_a_confirmation(client, csrf, db, owner):
    response = client.post("/maps", data={"title": "My map", "csrf_token": csrf})
    [found] = maps.list_maps(db)
    assert (response.status_code, response.location) == (302, f"/maps/{found['id']}")
    html = client.get(response.location).get_data(as_text=True)
    assert "Map created. Add its first claim." in html
    assert '<h1 id="map-title">My map</h1>' in html


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "Give the map a title."), ("   ", "Give the map a title."), ("t" * 201, "shorten it")],
    ids=["empty", "blank", "too-long"],
)
def test_bad_map_form_shows_the_form_again_with_what_was_typed(
    client, csrf, db, owner, title, message
):
    before = state(db)
    response = client.post(
        "/maps", data={"title": title, "description": "Kept <b>", "csrf_token": csrf}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    form = section(html, "create")
    assert message in form and 'aria-invalid="true"' in form
    assert f'value="{title}"' in form and ">Kept &lt;b&gt;</textarea>" in form
    assert state(db) == before


def test_rename_map(client, csrf, db, tree):
    data = {"title": "Renamed", "description": "Now described", "csrf_token": csrf}
    response = client.post(f"/maps/{tree['map']}", data=data)
    assert response.location == f"/maps/{tree['map']}"
    assert maps.get_map(db, tree["map"])["description"] == "Now described"
    assert "Map saved." in client.get(response.location).get_data(as_text=True)


def test_bad_rename_keeps_the_typed_values(client, csrf, db, tree):
    before = state(db)
    data = {"title": " ", "description": "typed", "csrf_token": csrf}
    response = client.post(f"/maps/{tree['map']}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<details class="settings" open>' in html
    assert "Give the map a title." in html and ">typed</textarea>" in html
    assert state(db) == before


def test_delete_map_asks_first_then_deletes(client, csrf, db, tree):
    confirm = client.get(f"/maps/{tree['map']}/delete").get_data(as_text=True)
    assert "Delete “Tree”?" in confirm and "its 4 nodes, 0 links" in confirm
    assert maps.list_maps(db) != []
    response = client.post(f"/maps/{tree['map']}/delete", data={"csrf_token": csrf})
    assert response.location == "/"
    assert maps.list_maps(db) == []
    assert "Deleted the map “Tree”." in client.get("/").get_data(as_text=True)


# The map page


def test_map_page_shows_outline_nested_and_diagram(client, tree):
    html = client.get(f"/maps/{tree['map']}").get_data(as_text=True)
    assert outline_of(html) == [
        (
            tree["C"],
            "Claim",
            (
                (tree["S"], "Pro", ((tree["R"], "Con", ()),)),
                (tree["K"], "Con", ()),
            ),
        ),
    ]
    for name in ("C", "S", "R", "K"):
        assert f'<g id="node&#45;{tree[name]}" class="node kind&#45;' in html


def test_rebuttal_is_named_in_the_outline(client, db, tree):
    nodes.add_node(db, tree["map"], {"kind": "counter", "text": "Reb", "parent_id": tree["K"]})
    html = client.get(f"/maps/{tree['map']}").get_data(as_text=True)
    assert outline_of(html)[0][2][1][2][0][1] == "Rebuttal"


def test_selected_node_shows_its_forms_filled(client, tree):
    html = client.get(f"/maps/{tree['map']}?node={tree['S']}").get_data(as_text=True)
    edit = section(html, "edit")
    assert ">S</textarea>" in edit
    assert f'<option value="{tree["C"]}" selected>' in edit
    assert '<option value="support" selected>' in edit
    assert f'<input type="hidden" name="parent_id" value="{tree["S"]}">' in section(
        html, "add-under"
    )


def test_missing_map_is_an_html_404(client, owner):
    response = client.get("/maps/999")
    assert response.status_code == 404
    assert "There is no map 999." in response.get_data(as_text=True)


@pytest.mark.parametrize(("typed", "shown"), PARAMS)
def test_hostile_text_shows_escaped_on_the_page(client, db, owner, typed, shown):
    m = members.create_map(db, owner, "Hostile")
    node = nodes.add_node(db, m, {"kind": "claim", "text": typed})
    html = client.get(f"/maps/{m}?node={node['id']}").get_data(as_text=True)
    outline = html[html.index(f'id="o-{node["id"]}"') :]
    assert f'#node-{node["id"]}">{escape(shown)}</a>' in outline
    assert f">{escape(shown)}</textarea>" in section(html, "edit")
    assert "<script>alert" not in html and "<b>bold" not in html


# Adding, editing and deleting nodes through the forms


def test_add_claim_redirects_to_the_new_node_with_a_confirmation(client, csrf, db, tree):
    data = {"form": "claim", "kind": "claim", "text": "A new claim", "csrf_token": csrf}
    response = client.post(f"/maps/{tree['map']}/nodes", data=data)
    new = maps.load(db, tree["map"])["nodes"][-1]
    assert (new["text"], new["kind"], new["parent_id"]) == ("A new claim", "claim", None)
    assert response.location == f"/maps/{tree['map']}?node={new['id']}#node-{new['id']}"
    html = client.get(response.location).get_data(as_text=True)
    assert "Added claim “A new claim”." in html
    assert ">A new claim</textarea>" in section(html, "edit")


def test_add_under_a_node(client, csrf, db, tree):
    data = {
        "form": "add",
        "kind": "counter",
        "text": "Objection",
        "quote": "said so",
        "source": "a paper",
        "parent_id": tree["R"],
        "csrf_token": csrf,
    }
    response = client.post(f"/maps/{tree['map']}/nodes", data=data)
    new = maps.load(db, tree["map"])["nodes"][-1]
    assert (new["kind"], new["parent_id"], new["quote"], new["source"]) == (
        "counter",
        tree["R"],
        "said so",
        "a paper",
    )
    assert response.location == f"/maps/{tree['map']}?node={new['id']}#node-{new['id']}"


BAD_ADDS = [
    ("claim", {"kind": "claim", "text": ""}, "Write the node&#39;s text"),
    ("claim", {"kind": "claim", "text": "x" * 1001}, "shorten it to 1000"),
    ("claim", {"kind": "claim", "text": "ok", "quote": "q" * 2001}, "The quote is 2001"),
    ("add", {"kind": "support", "text": "  ", "parent_id": "S"}, "cannot be empty"),
    ("add", {"kind": "opinion", "text": "typed text", "parent_id": "S"}, "Unknown kind"),
    (
        "add",
        {"kind": "counter", "text": "typed text", "parent_id": "S", "source": "s" * 2001},
        "The source is 2001",
    ),
    (
        "add",
        {"kind": "counter", "text": "typed text", "parent_id": "999"},
        "The node you were adding to was deleted meanwhile",
    ),
    ("add", {"kind": "counter", "text": "typed text", "parent_id": str(10**20)}, "parent_id must"),
]


@pytest.mark.parametrize(
    ("form", "fields", "message"),
    BAD_ADDS,
    ids=[
        "empty",
        "text-1001",
        "quote-2001",
        "blank",
        "kind",
        "source-2001",
        "missing-parent",
        "huge-parent",
    ],
)
def test_bad_add_shows_the_form_again_with_a_message(client, csrf, db, tree, form, fields, message):
    fields = {
        **fields,
        "parent_id": str(tree.get(fields.get("parent_id"), fields.get("parent_id"))),
    }
    before = state(db)
    data = {**fields, "form": form, "csrf_token": csrf}
    response = client.post(f"/maps/{tree['map']}/nodes", data=data)
    html = response.get_data(as_text=True)
    shown_in = {"claim": "add-claim", "add": "add-under"}[form]
    if fields["parent_id"] in (
        "999",
        str(10**20),
    ):  # no such node: the text moves to the claim form
        shown_in = "add-claim"
    assert response.status_code == (409 if fields["parent_id"] == "999" else 400)
    assert message in section(html, shown_in)
    if form == "add":
        assert f">{fields['text']}</textarea>" in section(html, shown_in)
    assert state(db) == before


def test_edit_text_kind_and_parent(client, csrf, db, tree):
    data = {
        "kind": "counter",
        "parent_id": tree["K"],
        "text": "R moved",
        "version": "1",
        "csrf_token": csrf,
    }
    response = client.post(f"/maps/{tree['map']}/nodes/{tree['R']}", data=data)
    assert response.location == f"/maps/{tree['map']}?node={tree['R']}#node-{tree['R']}"
    node = nodes.get_node(db, tree["map"], tree["R"])
    assert (node["text"], node["kind"], node["parent_id"], node["version"]) == (
        "R moved",
        "counter",
        tree["K"],
        2,
    )
    assert "Saved “R moved”." in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize(
    ("node", "fields", "message"),
    [
        ("S", {"kind": "support", "parent_id": "C", "text": ""}, "cannot be empty"),
        ("C", {"kind": "support", "parent_id": "R", "text": "typed"}, "would form a cycle"),
        ("S", {"kind": "claim", "parent_id": "C", "text": "typed"}, "A claim stands on its own"),
        ("S", {"kind": "support", "parent_id": "", "text": "typed"}, "needs a parent"),
        ("S", {"kind": "support", "parent_id": "S", "text": "typed"}, "would form a cycle"),
    ],
    ids=["empty-text", "cycle", "claim-with-parent", "support-without-parent", "own-parent"],
)
def test_bad_edit_shows_the_form_again(client, csrf, db, tree, node, fields, message):
    fields = {**fields, "parent_id": str(tree.get(fields["parent_id"], fields["parent_id"]))}
    before = state(db)
    data = {**fields, "version": "1", "csrf_token": csrf}
    response = client.post(f"/maps/{tree['map']}/nodes/{tree[node]}", data=data)
    edit = section(response.get_data(as_text=True), "edit")
    assert response.status_code == 400
    assert message in edit and 'aria-invalid="true"' in edit
    assert f">{fields['text']}</textarea>" in edit
    assert state(db) == before


def test_stale_edit_shows_both_texts(client, csrf, db, tree):
    nodes.update_node(db, tree["map"], tree["K"], {"text": "Theirs"})
    before = state(db)
    data = {
        "kind": "counter",
        "parent_id": tree["K"] and tree["C"],
        "text": "Mine",
        "version": "1",
        "csrf_token": csrf,
    }
    response = client.post(f"/maps/{tree['map']}/nodes/{tree['K']}", data=data)
    edit = section(response.get_data(as_text=True), "edit")
    assert response.status_code == 409
    assert '<span class="their-text">Theirs</span>' in edit
    assert '<span class="your-text">Mine</span>' in edit
    assert '<input type="hidden" name="version" value="2">' in edit
    assert state(db) == before


def test_link_form(client, csrf, db, tree):
    data = {"from_id": tree["K"], "to_id": tree["R"], "relation": "support", "csrf_token": csrf}
    response = client.post(f"/maps/{tree['map']}/links", data=data)
    assert response.location == f"/maps/{tree['map']}?node={tree['K']}#node-{tree['K']}"
    assert [(li["from_id"], li["to_id"]) for li in maps.load(db, tree["map"])["links"]] == [
        (tree["K"], tree["R"])
    ]
    html = client.get(response.location).get_data(as_text=True)
    assert "Linked." in html and "also supports" in html


@pytest.mark.parametrize(
    ("to", "message"),
    [("K", "cannot be linked to itself"), ("C", "already this node"), ("", "Choose the node")],
)
def test_bad_link_shows_the_form_again(client, csrf, db, tree, to, message):
    before = state(db)
    data = {
        "from_id": tree["K"],
        "to_id": tree.get(to, to),
        "relation": "counter",
        "csrf_token": csrf,
    }
    response = client.post(f"/maps/{tree['map']}/links", data=data)
    assert response.status_code == 400
    assert message in section(response.get_data(as_text=True), "links")
    assert state(db) == before


def test_remove_link(client, csrf, db, tree):
    link = links.add_link(
        db, tree["map"], {"from_id": tree["K"], "to_id": tree["R"], "relation": "counter"}
    )
    response = client.post(
        f"/maps/{tree['map']}/links/{link['id']}/delete", data={"csrf_token": csrf}
    )
    assert response.location == f"/maps/{tree['map']}?node={tree['K']}#node-{tree['K']}"
    assert maps.load(db, tree["map"])["links"] == []


def test_delete_node_asks_what_becomes_of_its_children(client, tree):
    html = client.get(f"/maps/{tree['map']}/nodes/{tree['S']}/delete").get_data(as_text=True)
    assert "1 node is about it" in html and "counter: R" in html
    for choice in ("reattach", "detach", "delete"):
        assert f'name="children" value="{choice}"' in html


def test_delete_node_without_a_choice_is_refused(client, csrf, db, tree):
    before = state(db)
    response = client.post(
        f"/maps/{tree['map']}/nodes/{tree['S']}/delete", data={"version": "1", "csrf_token": csrf}
    )
    assert response.status_code == 400
    assert "1 node is about this node: choose what becomes of it" in response.get_data(as_text=True)
    assert state(db) == before


def test_delete_node_with_reattach(client, csrf, db, tree):
    data = {"children": "reattach", "version": "1", "csrf_token": csrf}
    response = client.post(f"/maps/{tree['map']}/nodes/{tree['S']}/delete", data=data)
    assert response.location == f"/maps/{tree['map']}?node={tree['C']}#node-{tree['C']}"
    kept = [(n["text"], n["parent_id"]) for n in maps.load(db, tree["map"])["nodes"]]
    assert kept == [("C", None), ("R", tree["C"]), ("K", tree["C"])]
    assert "Deleted “S”." in client.get(response.location).get_data(as_text=True)


def test_delete_a_claim_and_everything_below(client, csrf, db, tree):
    data = {"children": "delete", "csrf_token": csrf}
    response = client.post(f"/maps/{tree['map']}/nodes/{tree['C']}/delete", data=data)
    assert response.location == f"/maps/{tree['map']}"
    assert maps.load(db, tree["map"])["nodes"] == []
    assert "Deleted “C” and 3 below it." in client.get(response.location).get_data(as_text=True)


# CSRF: a form without the page's token is refused and changes nothing


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/maps", {"title": "Forged"}),
        ("/maps/{map}", {"title": "Forged"}),
        ("/maps/{map}/delete", {}),
        ("/maps/{map}/nodes", {"kind": "claim", "text": "Forged"}),
        ("/maps/{map}/nodes/{S}", {"kind": "support", "parent_id": "{C}", "text": "Forged"}),
        ("/maps/{map}/nodes/{K}/delete", {}),
        ("/maps/{map}/links", {"from_id": "{K}", "to_id": "{R}", "relation": "support"}),
    ],
    ids=["create", "rename", "delete-map", "add-node", "edit-node", "delete-node", "link"],
)
@pytest.mark.parametrize("token", [None, "wrong"])
def test_forms_without_the_token_are_refused(client, csrf, db, tree, url, data, token):
    before = state(db)
    data = {k: v.format(**tree) for k, v in data.items()}
    if token:
        data["csrf_token"] = token
    response = client.post(url.format(**tree), data=data)
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert state(db) == before


# Numbers SQLite cannot hold and text that is not valid Unicode

BIG = 10**20


@pytest.mark.parametrize(
    "url",
    [
        f"/maps/{BIG}",
        "/maps/0",
        f"/maps/{2**63}",
        f"/maps/{BIG}/history",
        f"/maps/{BIG}/brief",
        "/maps/{map}/nodes/" + str(BIG) + "/delete",
        f"/maps/{BIG}/diagram.svg",
    ],
)
def test_ids_out_of_sqlites_range_are_an_html_404(client, tree, url):
    response = client.get(url.format(**tree))
    assert (response.status_code, response.mimetype) == (404, "text/html")
    assert "ids go from 1 to 9223372036854775807" in response.get_data(as_text=True)


def test_a_form_sent_to_an_id_out_of_range_is_404_and_writes_nothing(client, csrf, db, tree):
    before = state(db)
    for url in (f"/maps/{BIG}", f"/maps/{tree['map']}/nodes/{BIG}"):
        data = {"kind": "claim", "text": "x", "title": "x", "version": "1", "csrf_token": csrf}
        assert client.post(url, data=data).status_code == 404
    assert state(db) == before


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("?node={big}", "node"),
        ("?node=abc", "node"),
        ("/diagram.svg?node={big}", "node"),
        ("/history?before={big}", "before"),
        ("/history?before=-3", "before"),
    ],
)
def test_query_string_ids_out_of_range_are_a_clear_400(client, tree, path, name):
    response = client.get(f"/maps/{tree['map']}" + path.format(big=BIG))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"{name} must be" in page and "from 0 to 9223372036854775807" in page


def test_a_parent_id_out_of_range_in_the_form_keeps_the_text_and_writes_nothing(
    client, csrf, db, tree
):
    before = state(db)
    data = {
        "form": "add",
        "kind": "support",
        "text": "My careful reason",
        "parent_id": str(BIG),
        "csrf_token": csrf,
    }
    response = client.post(f"/maps/{tree['map']}/nodes", data=data)
    assert 400 <= response.status_code < 500
    assert ">My careful reason</textarea>" in response.get_data(as_text=True)
    assert state(db) == before


def test_form_text_with_broken_utf8_is_stored_as_valid_unicode(client, csrf, db, tree):
    body = f"form=claim&kind=claim&csrf_token={csrf}&text=half%ED%A0%80emoji%FF".encode()
    response = client.post(
        f"/maps/{tree['map']}/nodes", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    # Werkzeug keeps bytes that are not UTF-8 percent-encoded: no lone surrogate gets through.
    assert maps.load(db, tree["map"])["nodes"][-1]["text"] == "half%ED%A0%80emoji%FF"
    assert client.get(response.location).status_code == 200


def test_a_title_that_is_not_valid_unicode_is_refused_before_the_database(db, owner):
    before = state(db)
    with pytest.raises(ValidationError) as refused:
        members.create_map(db, owner, "half \ud83c of an emoji")
    assert refused.value.field == "title"
    assert "not valid Unicode" in refused.value.message
    assert state(db) == before
