"""In headless Chromium: a teacher and four students, each in a browser context of their own,
see which claims stand (marks over the diagram and in the outline, with reasons), live, and
get "is this the same as ...?" hints while typing a new node."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import create_account
from conftest import join_by_code as join
from conftest import log_in_form as log_in
from playwright.sync_api import expect

from argmap import members, moderation, nodes
from argmap.db import connect
from argmap.events import Actor

pytestmark = [pytest.mark.browser, pytest.mark.server]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
HIDDEN = "The teacher's own objection, hidden from the class"
HOSTILE = 'Notifications <b>interrupt</b> every lesson <img src=x onerror="window.owned=1">'
STUDENTS = ("Ana", "Ben", "Cy", "Dee")


def prepare(database: str) -> dict:
    """The teacher's map: claim A (a hidden objection under it), claim B with a reason, claim
    C whose reason has hostile text; a join code for the class."""
    teacher = create_account(database, "teacher@school.example", "Ms Teach")
    db = connect(database)
    try:
        m = members.create_map(db, teacher, "Phones at school")
        actor = Actor("Ms Teach", members.of_user(db, m, teacher["id"])["id"])

        def add(text: str, kind: str, parent: int | None = None) -> int:
            fields = {"kind": kind, "text": text, "parent_id": parent}
            return nodes.add_node(db, m, fields, actor)["id"]

        w = {"m": m, "a": add("Homework should be optional", "claim")}
        w["hidden"] = add(HIDDEN, "counter", w["a"])
        moderation.set_hidden(db, m, w["hidden"], True, actor)
        w["b"] = add("Schools should ban phones in lessons", "claim")
        w["reason"] = add("Phones distract pupils from the lesson", "support", w["b"])
        w["c"] = add("Lessons need full attention", "claim")
        w["hostile"] = add(HOSTILE, "support", w["c"])
        w["code"] = members.new_code(db, m, "editor")["code"]
    finally:
        db.conn.close()
    return w


def marks(page, node: int) -> dict:
    """What the page shows for a node: the diagram's mark, the outline's mark and reason."""
    return page.evaluate(
        """(id) => {
          const text = (el) => el ? el.textContent : null;
          return {
            diagram: text(document.querySelector(`g.standing-mark[data-node='${id}'] text`)),
            outline: text(document.querySelector(`#o-${id} > .standing-mark`)),
            why: text(document.querySelector(`#o-${id} > .standing-why`)),
          };
        }""",
        node,
    )


def wait_for_mark(page, node: int, wanted: str, seconds: float = 10) -> float:
    """Wait until the diagram and the outline both show the mark; the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        shown = marks(page, node)
        if shown["diagram"] == wanted and shown["outline"] == wanted:
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"node {node} shows {marks(page, node)}, never {wanted!r}")


def switch_on(page, url: str, m: int) -> None:
    """Open the map and turn on "Show which claims stand"."""
    page.goto(f"{url}/maps/{m}")
    page.check("#standing-toggle")


def node_count(database: str) -> int:
    """How many nodes the database holds."""
    db = connect(database)
    try:
        return db.execute("SELECT count(*) FROM nodes").fetchone()[0]
    finally:
        db.conn.close()


def links_of(database: str) -> list[tuple]:
    """Every link in the database as (from, to, relation)."""
    db = connect(database)
    try:
        found = db.execute("SELECT from_id, to_id, relation FROM links ORDER BY id").fetchall()
        return [tuple(r) for r in found]
    finally:
        db.conn.close()


def test_a_class_sees_which_claims_stand_live(server, new_page):
    w = prepare(server.database)
    url, m = server.url, w["m"]
    teacher = new_page()
    students = [new_page() for _ in STUDENTS]
    log_in(teacher, url, "teacher@school.example")
    for page, name in zip(students, STUDENTS, strict=True):
        join(page, url, w["code"], name)
    everyone = [teacher, *students]

    # Off by default: no marks, no legend line, until the switch is turned on.
    teacher.goto(f"{url}/maps/{m}")
    expect(teacher.locator("#standing-toggle")).not_to_be_checked()
    assert marks(teacher, w["b"]) == {"diagram": None, "outline": None, "why": None}
    expect(teacher.locator("#legend-standing")).to_be_hidden()
    for page in everyone:
        switch_on(page, url, m)
        wait_for_mark(page, w["b"], "✓ in")
    expect(teacher.locator("#legend-standing")).to_be_visible()
    assert marks(teacher, w["b"])["why"] == "In: nothing attacks it"
    expect(teacher.locator("#standing-status")).to_contain_text("out")

    # The hidden objection makes claim A out for the teacher only.
    wait_for_mark(teacher, w["a"], "✗ out")
    assert marks(teacher, w["a"])["why"].startswith(f"Out: attacked by “{HIDDEN[:20]}")
    for page in students:
        wait_for_mark(page, w["a"], "✓ in")
        assert HIDDEN not in page.inner_text("body")

    # The reason shows on hover, on focus and on a tap that does not select the node.
    mark = teacher.locator(f"g.standing-mark[data-node='{w['a']}']")
    assert teacher.locator("g.standing-layer").get_attribute("aria-hidden") == "true"
    mark.hover()
    tip = teacher.locator("#standing-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Out attacked by")
    teacher.mouse.move(2, 2)
    expect(tip).to_be_hidden()
    teacher.focus(f"#node-{w['b']}")
    expect(tip).to_have_text("✓ In nothing attacks it")
    described = teacher.locator(f"#node-{w['b']}").get_attribute("aria-describedby")
    assert f"standing-why-{w['b']}" in described.split()
    teacher.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    mark.click()
    expect(tip).to_contain_text("Out attacked by")
    assert teacher.evaluate("document.getElementById('diagram').dataset.selected") is None

    # Ana objects to claim B: every page's mark on B turns from in to out, live.
    ana = students[0]
    ana.goto(f"{url}/maps/{m}?node={w['b']}")
    expect(ana.locator("#standing-toggle")).to_be_checked()  # remembered for this map
    ana.check("#add-under input[name=kind][value=counter]")
    ana.fill("#add-under textarea[name=text]", "Pupils need phones to reach their parents")
    ana.click("button:text('Add under the selected node')")
    took = [wait_for_mark(page, w["b"], "✗ out") for page in everyone]
    print(f"\nmark on B turned out after {max(took):.2f} s at most (a busy machine)")
    assert "Pupils need phones" in marks(teacher, w["b"])["why"]

    # After a new drawing in the other direction the marks are laid again.
    ben = students[1]
    ben.click("#direction-toggle")
    expect(ben.locator("#diagram g.graph.dir-bt")).to_have_count(1)
    wait_for_mark(ben, w["b"], "✗ out")
    # Folding the claim hides its reason's mark with it.
    reason = ben.locator(f"g.standing-mark[data-node='{w['reason']}']")
    expect(reason).to_be_visible()
    ben.click(f"#o-{w['b']} > button.fold")
    expect(reason).to_be_hidden()

    # Turned off: every mark goes; the page remembers that too.
    cy = students[2]
    cy.uncheck("#standing-toggle")
    assert marks(cy, w["b"]) == {"diagram": None, "outline": None, "why": None}
    cy.reload()
    expect(cy.locator("#standing-toggle")).not_to_be_checked()


def test_the_same_as_hint_links_instead_of_adding(server, new_page):
    w = prepare(server.database)
    url, m = server.url, w["m"]
    dee = new_page()
    join(dee, url, w["code"], "Dee")
    dee.goto(f"{url}/maps/{m}")
    before = node_count(server.database)

    # A pro for claim C, typed in place, that says what the reason under claim B says.
    dee.click(f"#o-{w['c']} > a")
    dee.click("#outline-actions button[data-act=support]")
    field = dee.locator(".inline-support textarea[name=text]")
    field.press_sequentially("phones distract pupils", delay=30)
    hints = dee.locator(".inline-support .similar-item")
    expect(hints.first).to_contain_text("Phones distract pupils from the lesson")
    expect(dee.locator(".inline-support .similar-say")).to_have_attribute("aria-live", "polite")
    item = dee.locator(f".inline-support .similar-item[data-node='{w['reason']}']")
    expect(item.locator("a.similar-open")).to_have_attribute(
        "href", f"/maps/{m}?node={w['reason']}#node-{w['reason']}"
    )
    item.locator("button:text('Link to this instead')").click()
    expect(dee.locator(".inline-support .similar-message")).to_contain_text("nothing new")
    assert (w["reason"], w["c"], "support") in links_of(server.database)
    assert node_count(server.database) == before
    expect(field).to_have_value("phones distract pupils")  # kept, should they change their mind

    # The hostile text of a similar node shows as text, in the plain add form too.
    dee.goto(f"{url}/maps/{m}?node={w['b']}")
    dee.check("#add-under input[name=kind][value=counter]")
    dee.locator("#add-under textarea[name=text]").press_sequentially(
        "notifications interrupt", delay=30
    )
    words = dee.locator("#add-under .similar-words")
    expect(words.first).to_contain_text("<b>interrupt</b>")
    assert dee.locator("#add-under .similar-item img, #add-under .similar-item b").count() == 0
    assert dee.evaluate("window.owned") is None
    # Fewer than three characters: no hints.
    dee.fill("#add-under textarea[name=text]", "no")
    dee.locator("#add-under textarea[name=text]").dispatch_event("input")
    expect(dee.locator("#add-under .similar-item")).to_have_count(0)
    assert node_count(server.database) == before


def test_a_phone_shows_the_switch_the_marks_and_the_hints(server, browser):
    w = prepare(server.database)
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        join(page, server.url, w["code"], "Ana")
        switch_on(page, server.url, w["m"])
        wait_for_mark(page, w["b"], "✓ in")
        box = page.locator("#standing-switch").bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= 390
        page.locator(f"g.standing-mark[data-node='{w['b']}']").tap()
        expect(page.locator("#standing-tip")).to_be_visible()
        tip = page.locator("#standing-tip").bounding_box()
        assert tip["x"] >= 0 and tip["x"] + tip["width"] <= 390

        page.goto(f"{server.url}/maps/{w['m']}?node={w['c']}")
        page.locator("#add-under textarea[name=text]").press_sequentially(
            "phones distract pupils", delay=30
        )
        button = page.locator("#add-under button:text('Link to this instead')").first
        expect(button).to_be_visible()
        size = button.bounding_box()
        assert size["height"] >= 44 and size["x"] + size["width"] <= 390
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"the page scrolls sideways ({wide} px)"
    finally:
        context.close()


def test_axe_finds_nothing_serious_with_the_marks_and_hints_shown(server, browser):
    assert AXE.exists(), "axe-core is missing: run `make static/vendor/.installed` (npm ci)"
    w = prepare(server.database)
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, server.url, "teacher@school.example")
        page.goto(f"{server.url}/maps/{w['m']}?node={w['c']}")
        page.check("#standing-toggle")
        wait_for_mark(page, w["b"], "✓ in")
        page.locator("#add-under textarea[name=text]").press_sequentially(
            "phones distract pupils", delay=30
        )
        expect(page.locator("#add-under .similar-item").first).to_be_visible()
        page.focus(f"#node-{w['b']}")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(
            """async () => (await axe.run(document)).violations
              .filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .map((v) => v.id + ': ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')))"""
        )
        assert found == []
        page.goto(f"{server.url}/maps/{w['m']}/standing")
        page.add_script_tag(path=str(AXE))
        assert re.search("Which claims stand", page.inner_text("h1"))
    finally:
        context.close()
