"""Issue 10: the front page lists maps for everyone, exports are named and printable, small
faults fixed (plurals, full stops, the role line, the joined student's menu, the favicon)."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from html import unescape
from urllib.parse import quote

import pytest
from helpers import session_entry
from hostile import PARAMS
from pypdf import PdfReader

from argmap import members, nodes, portable
from argmap.clean import said
from argmap.formats import argmapjson
from argmap.labels import counted
from argmap.printing import MM
from argmap.web.downloads import attachment, file_stem

TOKEN = "test-csrf-token"


def sharing(db, map_id: int) -> tuple[int, int]:
    """The map's (public, listed) as stored."""
    found = db.execute("SELECT public, listed FROM maps WHERE id = ?", (map_id,)).fetchone()
    return found["public"], found["listed"]


def front(app) -> str:
    """The front page as someone without an account or a join sees it."""
    return app.test_client().get("/").get_data(as_text=True)


def small_map(db, owner, title="Uniforms", description="Should schools require them?") -> int:
    """A map of a claim with one pro."""
    map_id = members.create_map(db, owner, title, description)
    claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Schools should"})
    nodes.add_node(
        db, map_id, {"kind": "support", "text": "Less bullying", "parent_id": claim["id"]}
    )
    return map_id


# --- 1. The front page: the seed map and the maps their owners list ---------------------------


def test_the_seed_map_is_listed_for_everyone_with_its_node_count(seeded_app):
    html = front(seeded_app)
    assert "Russia&#39;s response to the NATO allies&#39; proposals" in html
    listed = re.search(r'<li id="listed-(\d+)">(.*?)</li>', html, re.S)
    count = re.search(r'class="hint">(\d+) nodes<', listed.group(2))
    assert int(count.group(1)) > 20
    assert 'class="one-line"' in listed.group(2)


def test_a_new_map_is_not_listed_and_its_owner_lists_it_on_the_members_page(app, client, owner, db):
    map_id = small_map(db, owner, "Uniforms <b>", "First line\nsecond line")
    assert sharing(db, map_id) == (0, 0)
    assert "Uniforms" not in front(app)
    page = client.get(f"/maps/{map_id}/members").get_data(as_text=True)
    assert "List it on the front page" in page and "readable by anyone with its link" in page
    done = client.post(f"/maps/{map_id}/listed", data={"listed": "1", "csrf_token": TOKEN})
    assert done.status_code == 302
    assert sharing(db, map_id) == (1, 1)  # listing made it readable by link, too
    html = front(app)
    item = re.search(rf'<li id="listed-{map_id}">(.*?)</li>', html, re.S).group(1)
    assert "Uniforms &lt;b&gt;" in item and "2 nodes" in item
    assert 'second line">First line</div>' in item  # one line shown, the whole as its title
    # the owner sees it among their own maps, marked, and not twice
    mine = client.get("/").get_data(as_text=True)
    assert mine.count(f'/maps/{map_id}"') == 1 and ">listed</span>" in mine
    assert app.test_client().get(f"/maps/{map_id}").status_code == 200


def test_making_a_listed_map_private_takes_it_off_the_front_page(app, client, owner, db):
    map_id = small_map(db, owner)
    client.post(f"/maps/{map_id}/listed", data={"listed": "1", "csrf_token": TOKEN})
    client.post(f"/maps/{map_id}/public", data={"public": "0", "csrf_token": TOKEN})
    assert sharing(db, map_id) == (0, 0)
    assert "Uniforms" not in front(app)
    assert app.test_client().get(f"/maps/{map_id}").status_code == 404


def test_taking_a_map_off_the_list_keeps_it_readable_by_link(app, client, owner, db):
    map_id = small_map(db, owner)
    client.post(f"/maps/{map_id}/listed", data={"listed": "1", "csrf_token": TOKEN})
    client.post(f"/maps/{map_id}/listed", data={"listed": "0", "csrf_token": TOKEN})
    assert sharing(db, map_id) == (1, 0)
    assert "Uniforms" not in front(app)
    assert app.test_client().get(f"/maps/{map_id}").status_code == 200


def api(app, token: str):
    """A client that sends the API token."""
    client = app.test_client()
    return lambda body: client.patch(
        f"/api/maps/{body.pop('map')}/sharing",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_api_lists_and_unlists_a_map(app, api_token, owner, db):
    map_id = small_map(db, owner)
    send = api(app, api_token)
    done = send({"map": map_id, "listed": True})
    assert done.status_code == 200 and done.get_json() == {"public": True, "listed": True}
    assert sharing(db, map_id) == (1, 1)
    done = send({"map": map_id, "public": False})
    assert done.get_json() == {"public": False, "listed": False}
    assert sharing(db, map_id) == (0, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"public": False, "listed": True}, "listed"), ({"listed": "yes"}, "listed")],
)
def test_the_api_refuses_a_contradiction_or_a_non_boolean(app, api_token, owner, db, body, field):
    map_id = small_map(db, owner)
    refused = api(app, api_token)({"map": map_id, **body})
    assert refused.status_code == 400 and refused.get_json()["field"] == field
    assert sharing(db, map_id) == (0, 0)


def test_argmap_json_keeps_the_listing(app, client, owner, db):
    map_id = small_map(db, owner)
    client.post(f"/maps/{map_id}/listed", data={"listed": "1", "csrf_token": TOKEN})
    text = client.get(f"/maps/{map_id}/export/json").get_data(as_text=True)
    assert json.loads(text)["listed"] is True
    copy = portable.import_map(db, argmapjson.read(text))
    assert sharing(db, copy) == (1, 1)
    unlisted = portable.import_map(
        db, argmapjson.read(text.replace('"listed": true', '"listed": false'))
    )
    assert sharing(db, unlisted) == (0, 0)


def test_an_import_lists_the_map_only_when_the_person_leaves_it_ticked(app, client, owner, db):
    map_id = small_map(db, owner)
    client.post(f"/maps/{map_id}/listed", data={"listed": "1", "csrf_token": TOKEN})
    text = client.get(f"/maps/{map_id}/export/json").get_data(as_text=True)
    preview = client.post("/import", data={"text": text, "csrf_token": TOKEN}).get_data(
        as_text=True
    )
    assert 'name="listed" value="1" checked' in preview and "as the file asks" in preview
    form = {"text": text, "confirm": "1", "format": "json", "csrf_token": TOKEN}
    client.post("/import", data=form)
    newest = db.execute("SELECT public, listed FROM maps ORDER BY id DESC LIMIT 1").fetchone()
    assert tuple(newest) == (0, 0)
    client.post("/import", data={**form, "listed": "1"})
    newest = db.execute("SELECT public, listed FROM maps ORDER BY id DESC LIMIT 1").fetchone()
    assert tuple(newest) == (1, 1)


def test_serve_names_the_seed_map_on_its_console_line(seeded_app):
    from argmap.cli.server import console_line

    line = console_line(seeded_app, "0.0.0.0", 5000)
    assert "argmap on http://localhost:5000/" in line
    assert re.search(r"The seed map: http://localhost:5000/maps/\d+$", line)


# --- 7. Export file names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "stem", "fallback"),
    [
        ("School uniforms", "School uniforms", "School-uniforms"),
        ('Why? "Because" / a: b*c <d>|e\\f', "Why Because a b c d e f", "Why-Because-a-b-c-d-e-f"),
        ("Schöne Grüße — 日本語", "Schöne Grüße — 日本語", "Schone-Grue"),
        ("../../etc/passwd", "etc passwd", "etc-passwd"),
        ("...", "map", "map"),
        ("CON", "map", "map"),
        ("line\nbreak\ttab\x00nul", "line break tab nul", "line-break-tab-nul"),
    ],
)
def test_export_names_are_the_title_made_safe(title, stem, fallback):
    assert file_stem(title) == stem
    header = attachment(title, "txt")
    assert f'filename="{fallback}.txt"' in header
    assert f"filename*=UTF-8''{quote(stem + '.txt', safe='')}" in header


def test_downloads_are_named_after_the_map(client, owner, db):
    map_id = small_map(db, owner, "Schöne Karte: ja/nein?")
    for path, extension in (
        (f"/maps/{map_id}/export/md", "md"),
        (f"/maps/{map_id}/export/json", "argmap.json"),
        (f"/maps/{map_id}/drawing?format=svg", "svg"),
    ):
        got = client.get(path)
        disposition = got.headers["Content-Disposition"]
        assert "map-" not in disposition
        encoded = quote(f"Schöne Karte ja nein.{extension}", safe="")
        assert disposition.endswith(f"filename*=UTF-8''{encoded}"), disposition
        assert 'filename="Schone-Karte-ja-nein.' in disposition


# --- 7. Printable diagrams ----------------------------------------------------------------


def sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's MediaBox width and height, in points."""
    return [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]


def wide_map(db, owner, title="Wide map") -> int:
    """A map with 40 long reasons under one claim: bigger than one sheet at natural size."""
    map_id = members.create_map(db, owner, title)
    claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Thesis"})["id"]
    for i in range(40):
        text = f"Reason number {i}, long enough to make its box wide in the drawing"
        kind = "support" if i % 2 else "counter"
        nodes.add_node(db, map_id, {"kind": kind, "text": text, "parent_id": claim})
    return map_id


A4 = (round(210 * MM), round(297 * MM))
A3 = (round(297 * MM), round(420 * MM))


@pytest.mark.parametrize(("paper", "size"), [("a4", A4), ("a3", A3)])
def test_a_pdf_fits_on_one_sheet_of_the_chosen_paper(client, owner, db, paper, size):
    map_id = wide_map(db, owner)
    got = client.get(f"/maps/{map_id}/drawing?format=pdf&paper={paper}&layout=fit")
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    pages = sizes(got.data)
    assert len(pages) == 1 and sorted(pages[0]) == sorted(size)


@pytest.mark.parametrize(("paper", "size"), [("a4", A4), ("a3", A3)])
def test_a_tiled_pdf_takes_several_sheets_of_the_chosen_paper(client, owner, db, paper, size):
    map_id = wide_map(db, owner)
    got = client.get(f"/maps/{map_id}/drawing?format=pdf&paper={paper}&layout=tiles")
    pages = sizes(got.data)
    assert len(pages) > 1 and int(got.headers["X-Argmap-Pages"]) == len(pages)
    assert all(sorted(p) == sorted(size) for p in pages)
    whole = client.get(f"/maps/{map_id}/drawing?format=pdf&paper={paper}&layout=fit")
    assert len(sizes(whole.data)) == 1


def test_a_small_map_tiles_onto_one_sheet(client, owner, db):
    map_id = small_map(db, owner)
    got = client.get(f"/maps/{map_id}/drawing?format=pdf&paper=a4&layout=tiles")
    assert sizes(got.data) in ([A4], [A4[::-1]])


def test_every_drawing_carries_the_title_date_and_legend(client, owner, db):
    title = 'Uniforms <script>alert(1)</script> & "quotes" ]]>'
    map_id = small_map(db, owner, title)
    svg = client.get(f"/maps/{map_id}/drawing?format=svg").get_data(as_text=True)
    texts = [unescape(t).replace("\xa0", " ") for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
    assert title in texts
    assert any(
        re.match(r"Drawn \d{4}-\d\d-\d\d \d\d:\d\d UTC · revision \d+ · 2 nodes", t) for t in texts
    )
    for legend in ("Claim", "Pro (supports)", "Con (objects)", "→ also supports", "⊣⊢ contradicts"):
        assert legend in texts
    assert "<script" not in svg
    png = client.get(f"/maps/{map_id}/drawing?format=png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    pdf = PdfReader(io.BytesIO(client.get(f"/maps/{map_id}/drawing?format=pdf").data))
    assert "Uniforms" in pdf.pages[0].extract_text()


@pytest.mark.parametrize(
    ("query", "field"),
    [("format=gif", "format"), ("paper=letter", "paper"), ("layout=poster", "layout")],
)
def test_a_wrong_print_choice_shows_the_form_again(client, owner, db, query, field):
    map_id = small_map(db, owner)
    got = client.get(f"/maps/{map_id}/drawing?{query}")
    assert got.status_code == 400
    html = got.get_data(as_text=True)
    assert f'data-field="{field}"' in html and 'id="print-form"' in html


def test_the_print_form_offers_paper_and_layout(client, owner, db):
    map_id = small_map(db, owner)
    page = client.get(f"/maps/{map_id}").get_data(as_text=True)
    assert f'href="/maps/{map_id}/print"' in page
    form = client.get(f"/maps/{map_id}/print").get_data(as_text=True)
    for value in ('name="paper" value="a4" checked', 'name="paper" value="a3"'):
        assert value in form
    assert 'name="layout" value="fit" checked' in form and 'name="layout" value="tiles"' in form


# --- 9. Small faults ------------------------------------------------------------------------


def test_counts_say_one_node_and_one_link():
    assert counted(1, "node") == "1 node" and counted(2, "node") == "2 nodes"
    assert counted(0, "link") == "0 links" and counted(1, "link") == "1 link"


def test_the_map_page_says_1_node(client, owner, db):
    map_id = members.create_map(db, owner, "One")
    nodes.add_node(db, map_id, {"kind": "claim", "text": "Alone"})
    page = client.get(f"/maps/{map_id}").get_data(as_text=True)
    assert "· 1 node</span>" in page and "1 nodes" not in page
    confirm = client.get(f"/maps/{map_id}/delete").get_data(as_text=True)
    assert "its 1 node, 0 links and" in confirm


def test_an_import_of_one_node_and_one_link_says_so(client, owner, db):
    text = json.dumps(
        {
            "format": "argmap",
            "version": 2,
            "title": "Tiny",
            "nodes": [
                {"id": "a", "kind": "claim", "text": "A"},
                {"id": "b", "kind": "claim", "text": "B"},
            ],
            "links": [{"id": "l", "from_id": "a", "to_id": "b", "relation": "contradiction"}],
        }
    )
    preview = client.post("/import", data={"text": text, "csrf_token": TOKEN})
    html = preview.get_data(as_text=True)
    assert "Import 2 nodes</button>" in html
    done = client.post(
        "/import", data={"text": text, "confirm": "1", "format": "json", "csrf_token": TOKEN}
    )
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Imported “Tiny”: 2 nodes, 1 link." in shown


def test_the_import_preview_holds_the_file_in_no_visible_box(client, owner, db):
    text = "Thesis\n  + a reason\n  - an objection\n"
    html = client.post("/import", data={"text": text, "csrf_token": TOKEN}).get_data(as_text=True)
    assert 'id="preview"' in html and "<textarea" not in html
    hidden = re.search(r'<input type="hidden" name="text" value="([^"]*)">', html, re.S)
    assert unescape(hidden.group(1)) == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("It rains.", "Added support “It rains.”"),
        ("Does it rain?", "Added support “Does it rain?”"),
        ("It rains", "Added support “It rains”."),
    ],
)
def test_a_quoted_text_ends_the_sentence_with_one_full_stop(client, owner, db, text, shown):
    map_id = members.create_map(db, owner, "Weather")
    claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Take an umbrella"})
    form = {"form": "child", "kind": "support", "text": text, "parent_id": claim["id"]}
    added = client.post(f"/maps/{map_id}/nodes", data={**form, "csrf_token": TOKEN})
    page = client.get(added.headers["Location"]).get_data(as_text=True)
    assert shown + "</p>" in page and "”.." not in page and ".”." not in page


def test_said_never_doubles_the_full_stop():
    assert said("Done.") == "“Done.”" and said("Done") == "“Done”."
    assert said("x" * 100).endswith("…”")


def test_the_owner_is_told_they_own_the_map(client, owner, db, make_user):
    map_id = members.create_map(db, owner, "Mine")
    page = client.get(f"/maps/{map_id}").get_data(as_text=True)
    assert "you own this map (as Olga Owner)" in page and ", owner<" not in page


def test_the_seed_owner_is_not_called_owner_twice(seeded_app, seed_owner):
    client = seeded_app.test_client()
    with client.session_transaction() as session:
        session["user"] = session_entry(seeded_app, seed_owner)
    map_id = seeded_app.test_client().get("/").get_data(as_text=True)
    map_id = re.search(r'id="listed-(\d+)"', map_id).group(1)
    page = client.get(f"/maps/{map_id}").get_data(as_text=True)
    assert "you own this map</span>" in page and "Owner, owner" not in page


def test_a_student_who_joined_sees_their_name_not_log_in(app, client, owner, db):
    map_id = small_map(db, owner)
    code = members.new_code(db, map_id, "editor")
    student = app.test_client()
    with student.session_transaction() as session:
        session["csrf_token"] = TOKEN
    student.post(f"/join/{code['code']}", data={"name": "Sam", "csrf_token": TOKEN})
    page = student.get(f"/maps/{map_id}").get_data(as_text=True)
    nav = re.split(r"<nav[^>]*>", page)[1].split("</nav>")[0]
    assert ">Sam</span>" in nav and "Log in" not in nav and "Sign up" not in nav
    assert "Leave</button>" in nav
    home = re.split(r"<nav[^>]*>", student.get("/").get_data(as_text=True))[1].split("</nav>")[0]
    assert "Joined 1 map" in home and "Log in" not in home
    stranger = app.test_client().get("/").get_data(as_text=True)
    assert "Log in</a>" in stranger


def test_there_is_a_favicon(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert b"<svg" in icon.data
    old = client.get("/favicon.ico")
    assert old.status_code == 301 and old.headers["Location"].endswith("/static/favicon.svg")


def test_history_times_carry_utc_for_the_browser_to_show_locally(client, owner, db):
    map_id = small_map(db, owner)
    html = client.get(f"/maps/{map_id}/history").get_data(as_text=True)
    stamps = re.findall(r'<time datetime="([^"]+)" class="local" title="([^"]+)">', html)
    assert stamps and all(title.endswith(" UTC") for _, title in stamps)
    assert '<script src="/static/localtime.js" defer></script>' in html


def test_an_upgrade_lists_a_readable_seed_map_but_not_a_private_one(tmp_path):
    from argmap.db import connect, migrations, now

    db = connect(str(tmp_path / "old.sqlite"))
    migrations.apply(db, stop_before="m010_listed")
    for origin, public in (("seed:a.json", 1), ("seed:b.json", 0), (None, 1)):
        db.execute(
            "INSERT INTO maps (title, origin, public, created_at, updated_at)"
            " VALUES ('M', ?, ?, ?, ?)",
            (origin, public, now(), now()),
        )
    migrations.apply(db)
    found = db.execute("SELECT origin, public, listed FROM maps ORDER BY id").fetchall()
    assert [tuple(r) for r in found] == [("seed:a.json", 1, 1), ("seed:b.json", 0, 0), (None, 1, 0)]
    with pytest.raises(sqlite3.IntegrityError):  # a listed map cannot be private
        db.execute("UPDATE maps SET public = 0 WHERE origin = 'seed:a.json'")
    db.conn.close()


def test_a_diagram_download_is_named_after_the_map_and_revision(client, owner, db):
    map_id = small_map(db, owner, "Uniforms")
    got = client.get(f"/maps/{map_id}/diagram.dot?download=1")
    assert got.headers["Content-Disposition"].endswith("filename*=UTF-8''Uniforms%20r3.dot")


@pytest.mark.parametrize("limits", [{"tidy_at": 3}, {"focus_at": 10, "focus_max": 5}])
def test_big_maps_drawn_by_neato_or_in_part_carry_the_title_too(db, owner, limits):
    from argmap import printing, render

    map_id = wide_map(db, owner, "Big one")
    drawn = printing.drawing(db, map_id, "svg", render.Limits(**limits))
    svg = drawn.body.decode()
    texts = [unescape(t).replace("\xa0", " ") for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
    assert "Big one" in texts and "Con (objects)" in texts
    note = "41 nodes" if "tidy_at" in limits else "the 5 nodes around node"
    assert any(note in t for t in texts)


@pytest.mark.parametrize(("typed", "shown"), PARAMS)
def test_a_hostile_title_is_drawn_exactly_in_the_export(db, owner, typed, shown):
    from xml.etree import ElementTree

    from argmap import printing, render
    from argmap.clean import short
    from argmap.maps import get_map

    map_id = members.create_map(db, owner, typed)
    title = get_map(db, map_id)["title"]
    svg = printing.drawing(db, map_id, "svg", render.Limits()).body
    root = ElementTree.fromstring(svg)  # valid XML whatever the title
    elements = list(root.iter())
    texts = [" ".join((e.text or "").replace("\xa0", " ").split()) for e in elements]
    assert " ".join(short(title, 120).split()) in texts
    assert not any(e.tag.endswith("script") for e in elements)
    assert not any(key.startswith("on") for e in elements for key in e.attrib)
