"""The teacher's overview, live: a teacher and four students in two teams, five browsers."""

from __future__ import annotations

import time

import pytest
from conftest import join_by_code, log_in_form
from livehelp import on_file, owned_map
from playwright.sync_api import expect

from argmap import members, nodes, teams

pytestmark = [pytest.mark.browser, pytest.mark.server]
STUDENTS = (("Ana Realname", "For"), ("Ben Realname", "For"))
STUDENTS += (("Cleo Realname", "Against"), ("Dan Realname", "Against"))
LIVE = 3_000  # ms: the teacher's figures follow a student's change within a couple of seconds
HOSTILE = '<img src=x onerror="window.hacked=1">Phones <b>distract</b>'


def make_class(server) -> dict:
    """Olga's anonymous map: a claim, teams For and Against on it, students picking teams."""

    def setup(db):
        olga, map_id = owned_map(db, title="Homework debate", public=False)
        claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Homework should go"})
        for name, side in (("For", "for"), ("Against", "against")):
            teams.create(db, map_id, {"name": name, "claim_id": claim["id"], "side": side})
        teams.set_options(db, map_id, {"anonymous": True, "team_pick": True})
        code = members.new_code(db, map_id, "editor")["code"]
        return {"map": map_id, "claim": claim["id"], "code": code, "olga": olga}

    return on_file(server.database, setup)


def log_in(page, server, room) -> None:
    """The teacher logs in."""
    log_in_form(page, server.url, room["olga"]["email"])


def join(page, server, room, name: str, team: str) -> None:
    """A student joins with the code, picking their team on the way in."""
    join_by_code(page, server.url, room["code"], name, team)
    expect(page.locator("#live")).to_have_attribute("data-state", "open")


def add_under(page, parent: int, text: str, kind: str) -> int:
    """Add a support or counter under a node through the map page's form; returns its id."""
    page.goto(page.url.split("?")[0] + f"?node={parent}")
    page.check(f"#add-under input[name=kind][value={kind}]")
    page.fill("#add-under textarea[name=text]", text)
    page.click("#add-under button[type=submit]")
    expect(page.locator("#outline")).to_contain_text(text)
    return int(page.url.split("node=")[1].split("&")[0].split("#")[0])


def row_of(page, section: str, name: str):
    """The row of a person's or a team's table whose first cell is this name."""
    return page.locator(f"#{section} tbody tr").filter(
        has=page.locator("td:first-child", has_text=name)
    )


def cells(row) -> list[str]:
    """A table row's cells as the teacher reads them."""
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def test_the_teachers_overview_follows_four_students_live(shared, new_page):
    server = shared
    room = make_class(server)
    teacher = new_page()
    log_in(teacher, server, room)
    teacher.goto(f"{server.url}/maps/{room['map']}")
    teacher.click("#overview-link")
    expect(teacher.locator("h1")).to_have_text("Overview of “Homework debate”")
    unsupported = teacher.locator("#ov-unsupported [data-list] li")
    expect(unsupported).to_have_count(1)
    expect(unsupported.first).to_contain_text("Homework should go")
    expect(teacher.locator("#ov-unanswered [data-empty]")).to_be_visible()

    pages = {}
    for name, team in STUDENTS:
        pages[name] = new_page()
        join(pages[name], server, room, name, team)
    ana, ben, cleo, dan = (pages[name] for name, _ in STUDENTS)
    # Joining is a change of the map: the new members appear, with nothing written yet.
    for name, team in STUDENTS:
        expect(row_of(teacher, "ov-people", name)).to_have_count(1, timeout=LIVE)
        row = row_of(teacher, "ov-people", name)
        expect(row.locator("td").nth(1)).to_have_text(team)
    teacher.evaluate("window.stayed = true")

    # Ana gives the claim a reason: it leaves "claims without a reason", the balance moves.
    started = time.monotonic()
    reason = add_under(ana, room["claim"], "Children need evenings to rest", "support")
    expect(teacher.locator("#ov-unsupported [data-empty]")).to_be_visible(timeout=LIVE)
    seconds = time.monotonic() - started
    balance = teacher.locator(f"#ov-balance tr[data-node='{room['claim']}']")
    expect(balance).to_contain_text("1 pro · 0 con")
    expect(row_of(teacher, "ov-people", "Ana Realname").locator("td").nth(2)).to_have_text("1")

    # Cleo objects; the objection is unanswered until Dan answers it.
    objection = add_under(cleo, reason, "Rest is not what homework takes", "counter")
    unanswered = teacher.locator("#ov-unanswered [data-list] li")
    expect(unanswered).to_have_count(1, timeout=LIVE)
    expect(unanswered.first).to_contain_text("Rest is not what homework takes")
    expect(unanswered.first).to_contain_text("against “Children need evenings to rest”")
    expect(unanswered.first.locator(".author")).to_have_text("by Cleo Realname")
    add_under(dan, objection, "Surveys show two hours a night", "counter")
    expect(unanswered).to_have_count(1, timeout=LIVE)
    expect(unanswered.first).to_contain_text("Surveys show two hours a night")

    # Ben's text is hostile: the teacher reads it as text, nothing of it runs.
    add_under(ben, room["claim"], HOSTILE, "counter")
    expect(balance).to_contain_text("1 pro · 1 con", timeout=LIVE)
    expect(teacher.locator("#ov-latest [data-list] li").first).to_contain_text(HOSTILE)
    assert teacher.evaluate("window.hacked === undefined")
    assert teacher.locator("#ov-latest img").count() == 0

    # Per person and per team, with real names though the map is anonymous.
    expect(teacher.locator("#ov-people")).to_contain_text("Dan Realname")
    # members, added, edits, deletions, all changes (each also picked a team when joining)
    assert cells(row_of(teacher, "ov-teams", "For"))[1:6] == ["2", "2", "0", "0", "4"]
    assert cells(row_of(teacher, "ov-teams", "Against"))[1:6] == ["2", "2", "0", "0", "4"]
    first = teacher.locator("#ov-latest [data-list] li").first
    expect(first.locator(".who")).to_have_text("Ben Realname")
    expect(first.locator(".words")).to_have_text("added a counter")
    assert teacher.evaluate("window.stayed === true")  # redrawn in place, never reloaded
    assert seconds < 10, seconds

    # Each item leads to its node on the map page.
    unanswered.first.locator("a.ov-node").click()
    expect(teacher.locator("#outline")).to_contain_text("Surveys show two hours a night")
    assert f"node={unanswered_id(server, room)}" in teacher.url

    # A student may not read the overview: a 403 page that says why.
    answer = ana.goto(f"{server.url}/maps/{room['map']}/overview")
    assert answer.status == 403
    expect(ana.locator("main")).to_contain_text("Only the owner of this map can do this.")


def unanswered_id(server, room) -> int:
    """The id of Dan's answer (the one unanswered counter)."""

    def find(db):
        found = db.execute(
            "SELECT id FROM nodes WHERE map_id = ? AND text LIKE 'Surveys%'", (room["map"],)
        )
        return found.fetchone()[0]

    return on_file(server.database, find)


def test_the_overview_prints_without_navigation_and_fits_a_phone(shared, new_page):
    server = shared
    room = make_class(server)
    on_file(
        server.database,
        lambda db: nodes.add_node(
            db,
            room["map"],
            {"kind": "counter", "text": "Too long " * 40, "parent_id": room["claim"]},
        ),
    )
    teacher = new_page()
    log_in(teacher, server, room)
    teacher.goto(f"{server.url}/maps/{room['map']}/overview")
    expect(teacher.locator("#ov-unanswered [data-list] li")).to_have_count(1)
    teacher.emulate_media(media="print")
    expect(teacher.locator("header.top")).to_be_hidden()
    expect(teacher.locator("#overview-print")).to_be_hidden()
    expect(teacher.locator("#ov-live")).to_be_hidden()
    expect(teacher.locator("#ov-revision")).to_be_visible()
    for part in ("ov-unanswered", "ov-balance", "ov-people", "ov-latest"):
        expect(teacher.locator(f"#{part}")).to_be_visible()
    colour = teacher.evaluate("getComputedStyle(document.body).color")
    assert colour == "rgb(0, 0, 0)"
    teacher.emulate_media(media="screen")
    expect(teacher.locator("header.top")).to_be_visible()

    teacher.set_viewport_size({"width": 390, "height": 844})
    teacher.reload()
    expect(teacher.locator("#ov-unanswered [data-list] li")).to_have_count(1)
    wide = teacher.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, wide
    box = teacher.locator("#ov-people").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
