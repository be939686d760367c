"""A teacher and four students in two teams, each in a browser of their own, on one live map."""

from __future__ import annotations

import pytest
from conftest import join_by_code
from livehelp import PASSWORD, on_file, owned_map
from playwright.sync_api import expect

from argmap import authors, members, nodes, teams

pytestmark = [pytest.mark.browser, pytest.mark.server]
STUDENTS = (("Ana Realname", "For"), ("Ben Realname", "For"))
STUDENTS += (("Cleo Realname", "Against"), ("Dan Realname", "Against"))


def make_class(server) -> dict:
    """Olga's anonymous map with a claim, teams For and Against on it, students picking teams."""

    def setup(db):
        olga, map_id = owned_map(db, title="Homework debate", public=False)
        claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Homework should go"})
        made = {
            name: teams.create(db, map_id, {"name": name, "claim_id": claim["id"], "side": side})
            for name, side in (("For", "for"), ("Against", "against"))
        }
        teams.set_options(db, map_id, {"anonymous": True, "team_pick": True})
        code = members.new_code(db, map_id, "editor")["code"]
        return {"map": map_id, "claim": claim["id"], "code": code, "olga": olga, "teams": made}

    return on_file(server.database, setup)


def open_map(page, server, room, node: int | None = None):
    """Open the map page (with a node selected) and wait for its live stream."""
    page.goto(f"{server.url}/maps/{room['map']}" + (f"?node={node}" if node else ""))
    expect(page.locator("#live")).to_have_attribute("data-state", "open")
    page.evaluate("window.stayed = true")
    return page


def join(page, server, room, name: str, team: str):
    """A student joins with the code, picking their team on the way in."""
    join_by_code(page, server.url, room["code"], name, team)
    expect(page.locator("#live")).to_have_attribute("data-state", "open")
    page.evaluate("window.stayed = true")


def member_ids(server, room) -> dict[str, int]:
    """Each student's member id on the map, by name."""

    def find(db):
        return {m["name"]: m["id"] for m in members.listing(db, room["map"])}

    return on_file(server.database, find)


def add_under(page, parent: int, text: str, kind: str) -> None:
    """Add a support or counter under a node through the map page's form."""
    page.goto(page.url.split("?")[0] + f"?node={parent}")
    page.check(f"#add-under input[name=kind][value={kind}]")
    page.fill("#add-under textarea[name=text]", text)
    page.click("#add-under button[type=submit]")
    expect(page.locator("#outline")).to_contain_text(text)


def outline_item(page, text: str):
    """The outline item whose own link has this text."""
    return page.locator(f"xpath=//div[@id='outline']//li[a[normalize-space(.)='{text}']]")


def test_a_class_debates_in_two_teams_with_anonymous_names_live(shared, new_page):
    server = shared
    room = make_class(server)
    teacher = new_page()
    teacher.goto(f"{server.url}/login")
    teacher.fill("input[name=email]", room["olga"]["email"])
    teacher.fill("input[name=password]", PASSWORD)
    teacher.click("#login button[type=submit]")
    open_map(teacher, server, room)

    pages = {}
    for name, team in STUDENTS:
        pages[name] = new_page()
        join(pages[name], server, room, name, team)
    ids = member_ids(server, room)
    animal = {name: authors.pseudonym(ids[name]) for name, _ in STUDENTS}
    ana, ben, cleo, dan = (pages[name] for name, _ in STUDENTS)
    for name, team in STUDENTS:
        expect(pages[name].locator("#team-brief-link")).to_have_text(f"{team}'s brief")
        expect(pages[name].locator("#shown-as")).to_contain_text(animal[name])

    # Presence: students see animal names only, the teacher sees real names.
    expect(ben.locator("#presence-list")).to_contain_text(animal["Ana Realname"])
    expect(teacher.locator("#presence-list")).to_contain_text("Dan Realname")
    assert "Realname" not in ben.locator("#presence-list").inner_text().replace("Ben Realname", "")

    # Ana writes a reason for her side; everyone sees it live, under the name they may see.
    add_under(ana, room["claim"], "Children need evenings to rest", "support")
    for page, shown in ((ben, animal["Ana Realname"]), (dan, animal["Ana Realname"])):
        item = outline_item(page, "Children need evenings to rest")
        expect(item.locator(":scope > .author")).to_have_text(f"by {shown}")
        assert page.evaluate("window.stayed === true")
    item = outline_item(teacher, "Children need evenings to rest").locator(":scope > .author")
    expect(item).to_have_text("by Ana Realname")
    assert "Ana Realname" not in ben.locator("#outline").inner_text()
    expect(ben.locator("#live-notice")).to_contain_text(animal["Ana Realname"])

    # Cleo objects to it, Dan gives Against a reason of its own.
    reason = on_file(
        server.database,
        lambda db: [n for n in nodes.children(db, room["claim"])][0]["id"],
    )
    add_under(cleo, reason, "Rest is not what homework takes", "counter")
    add_under(dan, room["claim"], "Practice builds skill", "counter")
    expect(outline_item(ben, "Practice builds skill").locator(":scope > .author")).to_have_text(
        f"by {animal['Dan Realname']}"
    )

    # The teams' briefs hold the right nodes, for each side.
    ben.click("#team-brief-link")
    expect(ben.locator("#our-case")).to_contain_text("Children need evenings to rest")
    expect(ben.locator("#to-answer")).to_contain_text("Rest is not what homework takes")
    expect(ben.locator("#to-attack")).to_contain_text("Practice builds skill")
    expect(ben.locator("#our-case .author").first).to_have_text(f"by {animal['Ana Realname']}")
    assert "Realname" not in ben.locator("#team-brief").inner_text().replace("Ben Realname", "")
    dan.click("#team-brief-link")
    expect(dan.locator("#our-case")).to_contain_text("Practice builds skill")
    expect(dan.locator("#to-attack")).to_contain_text("Children need evenings to rest")
    expect(dan.locator("#to-answer")).not_to_contain_text("Rest is not what homework takes")

    # Speaker notes: For writes its own; Against cannot see them; the teacher can.
    ben.fill("#notes textarea[name=notes]", "Ben opens, Ana answers the objection")
    ben.click("#notes button[type=submit]")
    expect(ben.locator(".flash")).to_have_text("Saved the notes.")
    for_brief = f"{server.url}/maps/{room['map']}/teams/{room['teams']['For']['id']}/brief"
    cleo.goto(for_brief)
    expect(cleo.locator("#our-case")).to_contain_text("Children need evenings to rest")
    expect(cleo.locator("#notes")).to_have_count(0)
    assert "Ben opens" not in cleo.content()
    teacher.goto(for_brief)
    expect(teacher.locator("#notes textarea")).to_have_value("Ben opens, Ana answers the objection")
    expect(teacher.locator("#team-members")).to_have_text("Team: Ana Realname, Ben Realname")

    # On a phone the brief reads without sideways scrolling.
    ben.set_viewport_size({"width": 390, "height": 844})
    ben.reload()
    wide = ben.evaluate("document.scrollingElement.scrollWidth")
    assert wide <= 390, wide
    expect(ben.locator("#our-case")).to_be_visible()
