"""In headless Chromium: a teacher and four students, each in a browser context of their own,
vote on a claim's strength; every page shows the count and mean change live, in the outline
and over the diagram; and a phone-size page votes without scrolling sideways."""

from __future__ import annotations

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
LIVE_SECONDS = 3.0  # "within a couple of seconds", with room for a loaded 2-core machine


def prepare(database: str) -> dict:
    """The teacher's map: a claim with a reason under it, and a join code for editors."""
    teacher = create_account(database, "teacher@school.example", "Ms Teach")
    db = connect(database)
    try:
        m = members.create_map(db, teacher, "Homework debate")
        me = members.of_user(db, m, teacher["id"])
        actor = {"actor": Actor("Ms Teach", me["id"])}
        claim = nodes.add_node(db, m, {"kind": "claim", "text": "Homework helps"}, **actor)
        reason = nodes.add_node(
            db, m, {"kind": "support", "text": "Practice sticks", "parent_id": claim["id"]}, **actor
        )
        code = members.new_code(db, m, "editor")
    finally:
        db.conn.close()
    return {"m": m, "claim": claim["id"], "reason": reason["id"], "code": code["code"]}


def shows(page, selector: str, text: str, seconds: float = LIVE_SECONDS) -> float:
    """Wait until the element shows the text; returns how long that took (polled: CSP)."""
    start = time.monotonic()
    seen = None
    while time.monotonic() - start < seconds:
        found = page.locator(selector)
        seen = found.first.text_content() if found.count() else None
        if seen is not None and text in seen.replace("\xa0", " "):
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"{selector} never showed {text!r} (last: {seen!r})")


def vote(page, value: int | None) -> None:
    """Click a vote button (or "Take back") beside the selected outline item."""
    control = page.locator("#outline-votes")
    if value is None:
        control.locator("button:text('Take back')").click()
    else:
        control.locator(f"button[data-vote='{value}']").click()


def test_a_class_votes_and_everyone_sees_it_live(server, new_page):
    w = prepare(server.database)
    url, m, claim = server.url, w["m"], w["claim"]
    teacher = new_page()
    log_in(teacher, url, "teacher@school.example")
    students = [new_page() for _ in range(4)]
    for page, name in zip(students, ("Ann", "Ben", "Cas", "Dee"), strict=True):
        join(page, url, w["code"], name)
    everyone = [teacher, *students]
    for page in everyone:
        page.goto(f"{url}/maps/{m}?node={claim}")
        expect(page.locator("#outline-votes button[data-vote='0']")).to_be_visible()
        expect(page.locator("#live")).to_have_attribute("data-state", "open")

    mark = f"#o-{claim} > .vote-mark"
    badge = f"#diagram g.vote-badge[data-for='{claim}'] text"
    taken = []
    expected = [(4, "★ 4.0 · 1 vote"), (3, "★ 3.5 · 2 votes"), (1, "★ 2.7 · 3 votes")]
    for page, (value, text) in zip(students, expected, strict=False):
        vote(page, value)
        for other in everyone:
            taken.append(shows(other, mark, text))
            shows(other, badge, text.replace(" votes", "").replace(" vote", ""))
        expect(page.locator(f"#outline-votes button[data-vote='{value}']")).to_have_attribute(
            "aria-pressed", "true"
        )
    # The mark is text a screen reader reads, not colour alone.
    expect(teacher.locator(f"{mark} .sr-only")).to_have_text("Strength 2.7 of 4, from 3 votes")

    # Dee votes 0, Ann changes her 4 to 2, Ben takes his vote back: (2 + 1 + 0) / 3 = 1.0.
    vote(students[3], 0)
    vote(students[0], 2)
    vote(students[1], None)
    for page in everyone:
        taken.append(shows(page, mark, "★ 1.0 · 3 votes"))
        shows(page, badge, "★ 1.0 · 3")
    expect(students[1].locator("#outline-votes button[data-vote='3']")).to_have_attribute(
        "aria-pressed", "false"
    )
    # The teacher votes too, from the side panel's card.
    teacher.locator("#votes-form button[name=value][value='4']").click()
    for page in everyone:
        shows(page, mark, "★ 1.8 · 4 votes")
    expect(teacher.locator("#votes-mine")).to_have_text("Your vote: 4.")
    assert max(taken) < LIVE_SECONDS

    # Sorted strongest first: the voted claim's reason, unvoted, stays below; a reload agrees.
    students[2].goto(f"{url}/maps/{m}?sort=votes&node={w['reason']}")
    vote(students[2], 4)
    shows(students[2], f"#o-{w['reason']} > .vote-mark", "★ 4.0 · 1 vote")
    shows(teacher, f"#o-{w['reason']} > .vote-mark", "★ 4.0 · 1 vote")
    expect(students[2].locator("#vote-sort")).to_contain_text("strongest first")


def test_a_vote_answered_late_never_puts_an_older_count_back(server, new_page):
    """Ann's answer comes after Ben's newer vote reached her page: her page keeps the newer."""
    w = prepare(server.database)
    url, m, claim = server.url, w["m"], w["claim"]
    ann, ben = new_page(), new_page()
    for page, name in ((ann, "Ann"), (ben, "Ben")):
        join(page, url, w["code"], name)
        page.goto(f"{url}/maps/{m}?node={claim}")
        expect(page.locator("#live")).to_have_attribute("data-state", "open")
    held = []  # Ann's answer, taken from the server and kept back
    ann.route("**/nodes/*/vote", lambda route: held.append((route, route.fetch())))
    mark = f"#o-{claim} > .vote-mark"
    badge = f"#diagram g.vote-badge[data-for='{claim}'] text"
    vote(ann, 4)
    shows(ben, mark, "★ 4.0 · 1 vote")  # the server counted it; Ann has no answer yet
    vote(ben, 2)
    shows(ann, mark, "★ 3.0 · 2 votes")  # the stream brought Ben's vote to Ann's page
    shows(ann, badge, "★ 3.0 · 2")
    assert len(held) == 1
    route, answer = held[0]
    route.fulfill(response=answer)  # now her answer: 1 vote, 4.0
    expect(ann.locator("#outline-votes button[data-vote='4']")).to_have_attribute(
        "aria-pressed", "true"
    )
    time.sleep(0.5)  # whatever her page does with the late answer, it has done by now
    assert ann.locator(badge).text_content().replace("\xa0", " ") == "★ 3.0 · 2"
    shows(ann, mark, "★ 3.0 · 2 votes")


def test_voting_on_a_phone(server, new_page):
    w = prepare(server.database)
    url, m = server.url, w["m"]
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    join(page, url, w["code"], "Eve")
    page.goto(f"{url}/maps/{m}?node={w['reason']}")
    buttons = page.locator("#outline-votes button")
    expect(buttons.first).to_be_visible()
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        if box is None:  # "Take back" is hidden until there is a vote
            continue
        assert box["height"] >= 44 and box["width"] >= 44, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    vote(page, 3)
    shows(page, f"#o-{w['reason']} > .vote-mark", "★ 3.0 · 1 vote")
    expect(page.locator("#outline-votes button:text('Take back')")).to_be_visible()
    page.locator("#outline-votes button[data-vote='2']").focus()
    page.keyboard.press("Enter")  # keyboard: the buttons are real buttons
    shows(page, f"#o-{w['reason']} > .vote-mark", "★ 2.0 · 1 vote")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
