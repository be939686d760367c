"""In headless Chromium: a teacher, a co-owner and two students, each in a browser context of
their own: moderation's refusals as students see them, the lock, and hiding, live."""

from __future__ import annotations

import re
import time

import pytest
from conftest import create_account
from conftest import join_by_code as join
from conftest import log_in_form as log_in
from playwright.sync_api import expect

from argmap import members, nodes
from argmap.db import connect
from argmap.events import Actor

pytestmark = [pytest.mark.browser, pytest.mark.server]
SECRET = "The teacher's model answer"


def prepare(database: str) -> dict:
    """The teacher's map (claim, and a counter to hide later), the co-owner, a join code."""
    teacher = create_account(database, "teacher@school.example", "Ms Teach")
    helper = create_account(database, "co@school.example", "Mr Co")
    db = connect(database)
    try:
        m = members.create_map(db, teacher, "Class debate")
        me = members.of_user(db, m, teacher["id"])
        actor = {"actor": Actor("Ms Teach", me["id"])}
        claim = nodes.add_node(db, m, {"kind": "claim", "text": "Homework helps"}, **actor)
        hidden = nodes.add_node(
            db, m, {"kind": "counter", "text": SECRET, "parent_id": claim["id"]}, **actor
        )
        code = members.new_code(db, m, "editor")
        co, _ = members.join(db, code, "Mr Co", helper)
        members.set_role(db, m, co["id"], "owner")
    finally:
        db.conn.close()
    return {"m": m, "claim": claim["id"], "hidden": hidden["id"], "code": code["code"]}


def add_under(page, url: str, m: int, parent: int, text: str, kind: str = "support") -> int:
    """Add a node under another through the page's form; returns its id."""
    page.goto(f"{url}/maps/{m}?node={parent}")
    page.check(f"#add-under input[name=kind][value={kind}]")
    page.fill("#add-under textarea[name=text]", text)
    page.click("button:text('Add under the selected node')")
    expect(page.locator("#outline")).to_contain_text(text)
    return int(re.search(r"node=(\d+)", page.url).group(1))


def outline_shows(
    page, text: str, wanted: bool, seconds: float = 15, where: str = "#outline"
) -> None:
    """Wait until the page's outline (or diagram) shows, or no longer shows, the text, live."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (text in page.inner_text(where)) == wanted:
            return
        time.sleep(0.1)
    raise AssertionError(f"{where} {'never showed' if wanted else 'still shows'} {text!r}")


def test_moderation_as_a_class_sees_it(server, new_page):
    w = prepare(server.database)
    url, m = server.url, w["m"]
    teacher, co, sam, tia = new_page(), new_page(), new_page(), new_page()
    log_in(teacher, url, "teacher@school.example")
    log_in(co, url, "co@school.example")
    join(sam, url, w["code"], "Sam")
    join(tia, url, w["code"], "Tia")

    sams = add_under(sam, url, m, w["claim"], "Sam's reason")
    add_under(tia, url, m, sams, "Tia's objection", "counter")

    # Tia edits Sam's node: refused, her text kept in the form.
    tia.goto(f"{url}/maps/{m}?node={sams}")
    tia.fill("#edit textarea[name=text]", "Tia rewrote this")
    tia.click("button:text('Save changes')")
    expect(tia.locator("#edit")).to_contain_text("You can only edit your own nodes on this map")
    expect(tia.locator("#edit textarea[name=text]")).to_have_value("Tia rewrote this")

    # Sam deletes his node with Tia's under it: refused, with the reason.
    sam.goto(f"{url}/maps/{m}/nodes/{sams}/delete")
    sam.check("input[name=children][value=delete]")
    sam.click("button:text('Delete')")
    expect(sam.locator("p.error")).to_have_text(
        "1 node by other people is under this node, so you cannot delete it:"
        " ask an owner of the map."
    )

    # The co-owner hides the teacher's counter: it leaves both students' open pages live.
    for page in (sam, tia):
        page.goto(f"{url}/maps/{m}")
        outline_shows(page, SECRET, True)
    co.goto(f"{url}/maps/{m}?node={w['hidden']}")
    co.click("button:text('Hide from students')")
    expect(co.locator("#hidden-indicator")).to_be_visible()
    for page in (sam, tia):
        outline_shows(page, SECRET, False)
        outline_shows(page, SECRET, False, where="#diagram")
    teacher.goto(f"{url}/maps/{m}")
    outline_shows(teacher, SECRET, True)

    # The teacher locks the map: Sam's open form is refused, and the page says it is locked.
    sam.fill("#add-claim textarea[name=text]", "Too late")
    teacher.click("#lock-toggle button")
    expect(teacher.locator("#lock-indicator")).to_have_text("Locked")
    sam.click("button:text('Add claim')")
    expect(sam.locator("main")).to_contain_text("This map is locked by its owner")
    sam.goto(f"{url}/maps/{m}")
    expect(sam.locator("#lock-indicator")).to_contain_text("only its owners can change")
    expect(sam.locator("#add-claim")).to_have_count(0)
    add_under(co, url, m, w["claim"], "Co-owner's note while locked")

    # Unhidden again: back on the students' pages, live.
    tia.goto(f"{url}/maps/{m}")
    co.goto(f"{url}/maps/{m}?node={w['hidden']}")
    co.click("button:text('Show to students')")
    outline_shows(tia, SECRET, True)
