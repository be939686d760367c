"""Several people in headless Chromium: each sees the others' changes without reloading."""

from __future__ import annotations

import pytest
from conftest import join_by_code, log_in_form
from livehelp import on_file, owned_map
from playwright.sync_api import expect

from argmap import comments, maps, members, moderation, nodes, votes
from argmap.events import Actor

pytestmark = [pytest.mark.browser, pytest.mark.server]


def make_room(server, claims: list[str]) -> dict:
    """Olga's map with these claims and an editor join code; editors change every node."""

    def setup(db):
        olga, map_id = owned_map(db, title="Class debate")
        moderation.set_mode(db, map_id, "everyone")
        ids = [
            nodes.add_node(db, map_id, {"kind": "claim", "text": t}, "Olga")["id"] for t in claims
        ]
        code = members.new_code(db, map_id, "editor")["code"]
        return {"map": map_id, "code": code, "olga": olga, "ids": ids}

    return on_file(server.database, setup)


def log_in(page, server, room, node: int | None = None):
    """Olga logs in through the form and opens her map."""
    log_in_form(page, server.url, room["olga"]["email"])
    return open_map(page, server, room, node)


def join(page, server, room, name: str, node: int | None = None):
    """Someone joins the map with its code under a name, then opens it."""
    join_by_code(page, server.url, room["code"], name)
    return open_map(page, server, room, node, landed=node is None)


def open_map(page, server, room, node: int | None = None, landed: bool = False):
    """Open the map page (with a node selected) and wait for its live stream."""
    if not landed:
        page.goto(f"{server.url}/maps/{room['map']}" + (f"?node={node}" if node else ""))
    expect(page.locator("#live")).to_have_attribute("data-state", "open")
    page.evaluate("window.stayed = true")
    return page


def stayed(page) -> bool:
    """Whether the page is still the one opened (it was never reloaded)."""
    return page.evaluate("window.stayed === true")


def outline_texts(page) -> list[str]:
    """The node texts of the outline, in order."""
    return page.locator("#outline li > a").all_inner_texts()


def stored_texts(server, map_id: int) -> list[str]:
    """The node texts in the database."""
    return on_file(server.database, lambda db: [n["text"] for n in maps.load(db, map_id)["nodes"]])


def test_adds_edits_and_deletes_reach_everyone_without_reloading(shared, new_page):
    room = make_room(shared, ["Homework helps"])
    olga = log_in(new_page(), shared, room)
    ben = join(new_page(), shared, room, "Ben")
    ana = join(new_page(), shared, room, "Ana")
    for page, me in ((olga, "Olga"), (ben, "Ben")):
        expected = [n + (" (you)" if n == me else "") for n in ("Ana", "Ben", "Olga")]
        expect(page.locator("#presence-list .person")).to_have_text(expected)
    ana.fill("form[data-form=claim] textarea[name=text]", "Recess <b>matters</b>")
    ana.click("form[data-form=claim] button[type=submit]")
    [added] = [n for n in stored_ids(shared, room) if n not in room["ids"]]
    for page in (olga, ben):
        expect(page.locator("#outline")).to_contain_text("Recess <b>matters</b>")
        expect(page.locator(f"#diagram g#node-{added}")).to_contain_text("Recess <b>matters</b>")
        expect(page.locator("#live-notice")).to_have_text("Ana added a claim.")
    open_map(ana, shared, room, added)
    ana.fill("form[data-form=edit] textarea[name=text]", "Recess matters most")
    ana.click("form[data-form=edit] button[type=submit]")
    for page in (olga, ben):
        expect(page.locator(f"#o-{added} > a")).to_have_text("Recess matters most")
        expect(page.locator("#live-notice")).to_have_text("Ana edited a claim.")
    open_map(ben, shared, room, added)
    ana.goto(f"{shared.url}/maps/{room['map']}/nodes/{added}/delete")
    ana.click("button.danger")
    expect(ben.locator("#live-alert")).to_have_text(
        "This node was deleted by Ana — your forms still have your text;"
        " saving the edit will keep it for you to add again."
    )
    for page in (olga, ben):
        expect(page.locator(f"#o-{added}")).to_have_count(0)
        expect(page.locator(f"#diagram g#node-{added}")).to_have_count(0)
        expect(page.locator("#live-notice")).to_have_text("Ana deleted a claim.")
        assert outline_texts(page) == ["Homework helps"] and stayed(page)
    assert stored_texts(shared, room["map"]) == ["Homework helps"]


def test_votes_and_comments_leave_the_drawing_without_fetching_it_again(shared, new_page):
    room = make_room(shared, ["Homework helps"])
    olga = log_in(new_page(), shared, room)
    fetched: list[str] = []
    olga.on("request", lambda r: fetched.append(r.url) if "/diagram" in r.url else None)
    thesis = room["ids"][0]

    def record(action: str) -> int:
        def write_it(db) -> int:
            found = db.execute("SELECT id, name FROM members WHERE map_id = ?", (room["map"],))
            member_id, name = found.fetchone()
            who = Actor(name, member_id)
            if action == "vote":
                votes.set_vote(db, room["map"], thesis, 3, who)
            else:
                comments.add(db, room["map"], thesis, "Which study says so?", who)
            return maps.get_map(db, room["map"])["revision"]

        return on_file(shared.database, write_it)

    for action in ("vote", "comment"):
        revision = record(action)
        expect(olga.locator("#revision")).to_have_attribute("data-revision", str(revision))
    olga.wait_for_timeout(700)
    assert olga.evaluate("window.argmapLive.state.drawn") == revision
    assert fetched == [] and stayed(olga)
    expect(olga.locator(f"#diagram g#node-{thesis}")).to_contain_text("Homework helps")
    edit = {"text": "Less"}
    on_file(shared.database, lambda db: nodes.update_node(db, room["map"], thesis, edit))
    expect(olga.locator(f"#diagram g#node-{thesis}")).to_contain_text("Less")
    assert len(fetched) == 1 and "/diagram.svg" in fetched[0]


# Headless Chromium shows every page; a tab out of sight is what the browser then says.
HIDE = """(hidden) => {
  Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
  Object.defineProperty(document, 'visibilityState',
    { value: hidden ? 'hidden' : 'visible', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def test_a_tab_out_of_sight_patches_its_outline_and_fetches_the_drawing_when_shown(
    shared, new_page
):
    room = make_room(shared, ["Homework helps"])
    olga = log_in(new_page(), shared, room)
    fetched: list[str] = []
    olga.on("request", lambda r: fetched.append(r.url) if "/diagram" in r.url else None)
    olga.evaluate(HIDE, True)
    thesis = room["ids"][0]
    for text in ("More practice", "Less free time"):
        fields = {"kind": "support", "text": text, "parent_id": thesis}
        on_file(shared.database, lambda db, f=fields: nodes.add_node(db, room["map"], f, "Ben"))
        expect(olga.locator("#outline li > a", has_text=text)).to_have_count(1)
    olga.wait_for_timeout(700)
    assert fetched == []  # two edits, no drawing fetched or laid out out of sight
    expect(olga.locator("#diagram g.node", has_text="Less free time")).to_have_count(0)
    olga.evaluate(HIDE, False)
    expect(olga.locator("#diagram g.node", has_text="Less free time")).to_have_count(1)
    expect(olga.locator("#diagram g.node", has_text="More practice")).to_have_count(1)
    assert len(fetched) == 1 and stayed(olga)  # the newest drawing only


def stored_ids(server, room) -> list[int]:
    """The ids of the map's nodes in the database."""
    return on_file(
        server.database, lambda db: [n["id"] for n in maps.load(db, room["map"])["nodes"]]
    )


def reasons_in_a_row(server, room, parent: int, count: int) -> None:
    """A chain of reasons under a node: a drawing wider than the page (thesis on the left)."""

    def add(db):
        above = parent
        for n in range(count):
            fields = {"kind": "support", "text": f"Because of reason {n}", "parent_id": above}
            above = nodes.add_node(db, room["map"], fields, "Olga")["id"]

    on_file(server.database, add)


# The page's scroll and the diagram's view (middle point and scale, static/canvas.js).
VIEW = """(() => { const c = argmapDiagram.centre();
  return [window.scrollY, Math.round(c.x), Math.round(c.y), argmapDiagram.scale()]; })()"""


def test_a_half_typed_form_survives_and_saving_shows_both_texts(shared, new_page):
    room = make_room(shared, ["School should start later"] + [f"Point {n}" for n in range(24)])
    target = room["ids"][0]
    reasons_in_a_row(shared, room, target, 12)
    ben = join(new_page(), shared, room, "Ben", target)
    ana = join(new_page(), shared, room, "Ana", target)
    ben.fill("form[data-form=edit] textarea[name=text]", "Later, but not for exams")
    ben.fill("form[data-form=claim] textarea[name=text]", "A draft of mine")
    ben.evaluate("window.scrollTo(0, 120); argmapDiagram.look({x: 150, y: 90}, 0.8)")
    where = ben.evaluate(VIEW)
    assert where[0] > 0 and where[1:] == [150, 90, 0.8]
    ana.fill("form[data-form=edit] textarea[name=text]", "School should start at ten")
    ana.click("form[data-form=edit] button[type=submit]")
    expect(ben.locator("#live-alert")).to_have_text(
        "This node was changed by Ana — your form still has your text;"
        " saving will show both versions."
    )
    expect(ben.locator("#selected .node-text")).to_have_text("School should start at ten")
    expect(ben.locator(f"#o-{target} > a")).to_have_text("School should start at ten")
    assert ben.input_value("form[data-form=edit] textarea[name=text]") == "Later, but not for exams"
    assert ben.input_value("form[data-form=claim] textarea[name=text]") == "A draft of mine"
    now = ben.evaluate(VIEW)
    assert (now[0], now[3]) == (where[0], where[3])  # page scroll and zoom kept
    assert ben.locator(f"#diagram g#node-{target}.selected").count() == 1 and stayed(ben)
    ben.click("form[data-form=edit] button[type=submit]")
    expect(ben.locator(".conflict .their-text")).to_have_text("School should start at ten")
    expect(ben.locator(".conflict .your-text")).to_have_text("Later, but not for exams")
    assert ben.input_value("form[data-form=edit] textarea[name=text]") == "Later, but not for exams"
    ben.fill("form[data-form=edit] textarea[name=text]", "Start at ten, not for exams")
    ben.click("form[data-form=edit] button[type=submit]")
    expect(ben.locator(".flash")).to_contain_text("Saved")
    assert stored_texts(shared, room["map"])[0] == "Start at ten, not for exams"


def restart(server) -> None:
    """Stop the server, then start it again on the same port and database file."""
    server.stop()
    server.start()


def test_a_dropped_stream_resumes_without_losing_a_change(server, new_page):
    room = make_room(server, ["Uniforms help"])
    ben = join(new_page(), server, room, "Ben")

    def change(work):
        return on_file(server.database, work)

    first = change(
        lambda db: nodes.add_node(
            db, room["map"], {"kind": "claim", "text": "Before"}, Actor("Ana")
        )
    )
    expect(ben.locator(f"#o-{first['id']}")).to_be_visible()
    server.stop()
    expect(ben.locator("#live")).to_have_attribute("data-state", "reconnecting")
    missed = [
        change(
            lambda db, n=n: nodes.add_node(
                db, room["map"], {"kind": "claim", "text": f"While away {n}"}, Actor("Ana")
            )["id"]
        )
        for n in range(3)
    ]
    change(
        lambda db: nodes.update_node(
            db, room["map"], first["id"], {"text": "Edited away"}, Actor("Ana")
        )
    )
    restart(server)
    expect(ben.locator("#live")).to_have_attribute("data-state", "open", timeout=15_000)
    expect(ben.locator(f"#o-{first['id']} > a")).to_have_text("Edited away")
    assert outline_texts(ben) == ["Uniforms help", "Edited away"] + [
        f"While away {n}" for n in range(3)
    ]
    assert [int(ben.locator("#revision").get_attribute("data-revision"))] == on_file(
        server.database, lambda db: [maps.get_map(db, room["map"])["revision"]]
    )
    for number in missed:  # the drawing of the newest revision follows the outline
        expect(ben.locator(f"#diagram g#node-{number}")).to_have_count(1)
    assert stayed(ben)
