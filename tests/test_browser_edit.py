"""Editing where you look, in headless Chromium at desktop and phone size: keys, fields in place."""

from __future__ import annotations

import time

import pytest
from conftest import Server, browser_contexts
from livehelp import on_file
from playwright.sync_api import expect
from test_browser_live import join, make_room, stayed

from argmap import maps, nodes

pytestmark = [pytest.mark.browser, pytest.mark.server]
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def shared(tmp_path):
    """A running server of the test's own: a module-wide one stopped answering after about
    fifteen tests' pages had come and gone (their streams linger until a keep-alive)."""
    running = Server(tmp_path)
    yield running
    running.stop()


@pytest.fixture(params=list(SIZES))
def size(request):
    """The screen the test runs on."""
    return request.param


@pytest.fixture
def person(browser, size):
    """Open pages as new people (a browser context each) at the test's screen size."""
    with browser_contexts(browser) as open_page:
        yield lambda: open_page(viewport=SIZES[size], has_touch=size == "phone")


def add(server, room, parent: int, kind: str, text: str) -> int:
    """A node added on the server, as another person would."""
    fields = {"kind": kind, "text": text, "parent_id": parent}
    return on_file(server.database, lambda db: nodes.add_node(db, room["map"], fields, "Olga"))[
        "id"
    ]


def stored(server, room) -> dict:
    """The map as the database holds it."""
    return on_file(server.database, lambda db: maps.load(db, room["map"]))


def by_text(graph: dict, text: str) -> dict:
    """The one node with this text."""
    found = [n for n in graph["nodes"] if n["text"] == text]
    assert len(found) == 1, found
    return found[0]


def item(page, node_id: int):
    """The outline item of a node."""
    return page.locator(f"#o-{node_id}")


def choose(page, node_id: int):
    """Select a node in the outline by clicking its text (no page load)."""
    page.locator(f"#o-{node_id} > a").click()
    expect(item(page, node_id)).to_be_focused()
    expect(item(page, node_id)).to_have_attribute("aria-selected", "true")


def test_a_pro_is_one_key_typing_and_enter_and_the_next_field_stays_open(shared, person, size):
    room = make_room(shared, ["Homework helps"])
    claim = room["ids"][0]
    page = join(person(), shared, room, "Ana")
    choose(page, claim)
    page.keyboard.press("p")
    field = page.locator("#outline .inline-support textarea")
    expect(field).to_be_focused()
    expect(page.locator("#keys")).to_contain_text("P pro")
    field.type("It builds habits")
    page.keyboard.press("Enter")
    first = page.locator(f"#o-{claim} li[data-node]")
    expect(first).to_have_count(1)
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    field.type("Practice makes perfect")
    page.keyboard.press("Enter")
    expect(page.locator(f"#o-{claim} li[data-node]")).to_have_count(2)
    graph = stored(shared, room)
    for text in ("It builds habits", "Practice makes perfect"):
        node = by_text(graph, text)
        assert (node["kind"], node["parent_id"]) == ("support", claim)
        expect(item(page, node["id"]).locator(":scope > a")).to_have_text(text)
    page.keyboard.press("Escape")
    expect(page.locator(".inline-edit")).to_have_count(0)
    expect(item(page, claim)).to_be_focused()
    assert stayed(page)


def test_a_con_by_its_button_in_the_outline(shared, person, size):
    room = make_room(shared, ["Uniforms help"])
    claim = room["ids"][0]
    page = join(person(), shared, room, "Ben")
    choose(page, claim)
    button = page.locator("#outline-actions button[data-act=counter]")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    button.click()
    page.locator("#outline .inline-counter textarea").fill("They cost a lot")
    page.keyboard.press("Enter")
    node = None
    for _ in range(50):
        found = [n for n in stored(shared, room)["nodes"] if n["text"] == "They cost a lot"]
        if found:
            node = found[0]
            break
        time.sleep(0.1)
    assert node and (node["kind"], node["parent_id"]) == ("counter", claim)
    expect(item(page, node["id"]).locator(".badge")).to_have_text("Con")
    editor = page.locator("#outline .inline-counter").bounding_box()
    assert editor["x"] >= 0 and editor["x"] + editor["width"] <= SIZES[size]["width"]
    assert stayed(page)


def test_edit_in_place_and_a_newer_version_shows_both_texts_and_keeps_yours(shared, person, size):
    room = make_room(shared, ["Phones distract"])
    claim = room["ids"][0]
    ana, ben = join(person(), shared, room, "Ana"), join(person(), shared, room, "Ben")
    choose(ana, claim)
    ana.keyboard.press("Enter")
    field = ana.locator("#outline .inline-edit textarea")
    expect(field).to_have_value("Phones distract")
    choose(ben, claim)
    ben.keyboard.press("Enter")
    ben.locator("#outline .inline-edit textarea").fill("Phones distract pupils")
    ben.keyboard.press("Enter")
    expect(ben.locator(".inline-edit")).to_have_count(0)
    expect(item(ben, claim).locator(":scope > a")).to_have_text("Phones distract pupils")
    expect(item(ana, claim).locator(":scope > a")).to_have_text("Phones distract pupils")
    field.fill("Phones distract everyone")
    field.press("Enter")
    conflict = ana.locator(".inline-edit .conflict")
    expect(conflict.locator(".theirs-text")).to_have_text("Phones distract pupils")
    expect(conflict.locator(".yours-text")).to_have_text("Phones distract everyone")
    expect(field).to_have_value("Phones distract everyone")
    assert by_text(stored(shared, room), "Phones distract pupils")["id"] == claim
    field.press("Enter")
    expect(ana.locator(".inline-edit")).to_have_count(0)
    assert by_text(stored(shared, room), "Phones distract everyone")["id"] == claim
    assert stayed(ana) and stayed(ben)


def test_link_to_a_node_found_by_typing(shared, person, size):
    room = make_room(shared, ["School should start later", "Sleep matters for teenagers"])
    first, second = room["ids"]
    page = join(person(), shared, room, "Cara")
    choose(page, first)
    page.keyboard.press("l")
    query = page.locator("#outline .inline-link input[type=search]")
    expect(query).to_be_focused()
    page.locator("#outline .inline-link select").select_option("support")
    query.focus()
    query.type("sleep teen")
    expect(page.locator(f"#outline .inline-link button[data-pick='{second}']")).to_be_visible()
    query.press("ArrowDown")
    expect(page.locator(f"button[data-pick='{second}']")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".inline-edit")).to_have_count(0)
    graph = stored(shared, room)
    assert [(li["from_id"], li["to_id"], li["relation"]) for li in graph["links"]] == [
        (first, second, "support")
    ]
    expect(item(page, first).locator(".also")).to_contain_text("Sleep matters for teenagers")


def test_delete_says_how_many_nodes_go_with_it(shared, person, size):
    room = make_room(shared, ["Exams are fair", "Grades help"])
    claim = room["ids"][0]
    pro = add(shared, room, claim, "support", "Same for all")
    add(shared, room, pro, "counter", "Not for the nervous")
    add(shared, room, claim, "counter", "Luck counts")
    page = join(person(), shared, room, "Dan")
    choose(page, claim)
    page.keyboard.press("Delete")
    form = page.locator("#outline .inline-delete")
    expect(form.locator(".inline-count")).to_have_text("3 nodes stand below it.")
    form.locator("button", has_text="Delete it and the 3 below").click()
    expect(item(page, claim)).to_have_count(0)
    graph = stored(shared, room)
    assert [n["text"] for n in graph["nodes"]] == ["Grades help"]
    expect(page.locator("#edit-status")).to_have_text("Deleted 4 nodes.")


def test_arrows_move_through_the_tree_and_esc_cancels(shared, person, size):
    room = make_room(shared, ["Homework helps", "Tests help"])
    claim, other = room["ids"]
    pro = add(shared, room, claim, "support", "Practice")
    page = join(person(), shared, room, "Eve")
    tree = page.locator("#outline > ul")
    expect(tree).to_have_attribute("role", "tree")
    expect(item(page, claim)).to_have_attribute("aria-expanded", "true")
    choose(page, claim)
    page.keyboard.press("ArrowDown")
    expect(item(page, pro)).to_be_focused()
    expect(item(page, pro)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(item(page, other)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    expect(item(page, claim)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(item(page, claim)).to_have_attribute("aria-expanded", "false")
    expect(item(page, pro)).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(item(page, other)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    expect(item(page, pro)).to_be_visible()
    page.keyboard.press("Enter")
    page.locator("#outline .inline-edit textarea").fill("Thrown away")
    page.keyboard.press("Escape")
    expect(page.locator(".inline-edit")).to_have_count(0)
    expect(item(page, claim)).to_be_focused()
    assert by_text(stored(shared, room), "Homework helps")["id"] == claim
    assert stayed(page)


def test_a_count_of_characters_and_over_long_text_refused_not_cut(shared, person, size):
    room = make_room(shared, ["Recess matters"])
    claim = room["ids"][0]
    page = join(person(), shared, room, "Fay")
    choose(page, claim)
    page.keyboard.press("c")
    field = page.locator("#outline .inline-counter textarea")
    long_text = "x" * 5000
    field.fill(long_text)
    count = page.locator("#outline .inline-counter .char-count")
    expect(count).to_have_text("5,000 / 1,000: 4,000 too many, shorten it to save")
    page.keyboard.press("Enter")
    expect(page.locator("#outline .inline-counter .inline-message")).to_contain_text(
        "shorten it to 1000 at most"
    )
    assert len(field.input_value()) == 5000
    assert len(stored(shared, room)["nodes"]) == 1
    page.keyboard.press("Escape")
    claim_text = page.locator("#add-claim textarea[name=text]")
    claim_text.fill(long_text)
    expect(page.locator("#add-claim textarea[name=text] + .char-count")).to_contain_text(
        "5,000 / 1,000"
    )
    page.locator("#add-claim button[type=submit]").click()
    expect(page.locator("#add-claim .error")).to_contain_text("shorten it to 1000 at most")
    assert len(page.locator("#add-claim textarea[name=text]").input_value()) == 5000
    assert len(stored(shared, room)["nodes"]) == 1


def test_select_in_the_diagram_and_add_right_there(shared, person, size):
    room = make_room(shared, ["Sport should be daily"])
    claim = room["ids"][0]
    page = join(person(), shared, room, "Gus")
    node = page.locator(f"#diagram g#node-{claim}")
    node.click()
    expect(item(page, claim)).to_have_attribute("aria-selected", "true")
    node.focus()
    page.keyboard.press("p")
    pop = page.locator("#diagram .edit-pop textarea")
    expect(pop).to_be_focused()
    pop.type("Healthier pupils")
    page.keyboard.press("Enter")
    expect(pop).to_have_value("")
    new = None
    for _ in range(50):
        found = [n for n in stored(shared, room)["nodes"] if n["text"] == "Healthier pupils"]
        if found:
            new = found[0]
            break
        time.sleep(0.1)
    assert new and new["parent_id"] == claim
    expect(page.locator(f"#diagram g#node-{new['id']}")).to_have_count(1)
    expect(item(page, new["id"])).to_have_count(1)
    assert stayed(page)


def test_a_reader_moves_through_the_tree_but_has_no_actions(shared, person, size):
    room = make_room(shared, ["Homework helps"])
    page = person()
    page.goto(f"{shared.url}/maps/{room['map']}")
    expect(page.locator("#outline > ul")).to_have_attribute("role", "tree")
    expect(page.locator("#actions")).to_have_count(0)
    page.locator(f"#o-{room['ids'][0]}").focus()
    page.keyboard.press("p")
    expect(page.locator(".inline-edit")).to_have_count(0)
