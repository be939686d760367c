"""Comments in real browsers: a teacher and four students, each in a browser context of their
own, comment on one node and see each other's comments, and the teacher resolving one, live."""

from __future__ import annotations

import time

import pytest
from conftest import join_by_code, log_in_form
from livehelp import on_file, owned_map
from playwright.sync_api import expect

from argmap import members, nodes

pytestmark = [pytest.mark.browser, pytest.mark.server]
STUDENTS = ("Ana", "Ben", "Cleo", "Dan")
HOSTILE = "<img src=x onerror=alert(1)>"
LIVE = 5_000  # ms a page may take to show another's comment (a loaded 2-core machine)


def make_room(server) -> dict:
    """Olga's map with a claim and a reason under it, and a join code for editors."""

    def setup(db):
        olga, map_id = owned_map(db, title="Phones in class", public=False)
        claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Ban phones in class"})
        reason = {"kind": "support", "text": "They distract", "parent_id": claim["id"]}
        support = nodes.add_node(db, map_id, reason)
        code = members.new_code(db, map_id, "editor")["code"]
        room = {"map": map_id, "claim": claim["id"], "support": support["id"], "code": code}
        return {**room, "olga": olga}

    return on_file(server.database, setup)


def open_map(page, server, room, node: int) -> None:
    """Open the map page with a node selected; wait for its stream and its copy of the map."""
    page.goto(f"{server.url}/maps/{room['map']}?node={node}")
    expect(page.locator("#live")).to_have_attribute("data-state", "open")
    for _ in range(100):
        if page.evaluate("!!(window.argmapLive && window.argmapLive.state.at)"):
            return
        time.sleep(0.1)
    raise AssertionError("the page's copy of the map never loaded")


def comment_on(page, text: str) -> None:
    """Write a comment in the selected node's thread and send it."""
    page.fill("#comments form[data-form=comment] textarea[name=body]", text)
    page.click("#comments form[data-form=comment] button[type=submit]")


def bodies(page) -> list[str]:
    """The comment texts the page shows, in order."""
    return page.locator("#comments .comment-body").all_inner_texts()


def test_a_class_comments_and_the_teacher_resolves_live(shared, browser):
    server = shared
    room = make_room(server)
    contexts, pages = [], {}
    try:
        teacher_context = browser.new_context(viewport={"width": 1366, "height": 900})
        contexts.append(teacher_context)
        teacher = teacher_context.new_page()
        alerts: list[str] = []
        teacher.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
        log_in_form(teacher, server.url, room["olga"]["email"])
        open_map(teacher, server, room, room["support"])
        for name in STUDENTS:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            contexts.append(context)
            page = context.new_page()
            page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
            join_by_code(page, server.url, room["code"], name)
            open_map(page, server, room, room["support"])
            page.evaluate("window.stayed = true")
            pages[name] = page
        everyone = [teacher, *pages.values()]

        # Each student comments; every page shows every comment without reloading.
        said = {
            "Ana": "Which study says they distract?",
            "Ben": "“Distract” from what: lessons or homework?",
            "Cleo": HOSTILE,
            "Dan": "Typo: they → phones",
        }
        waits = []
        for name in STUDENTS:
            start = time.monotonic()
            comment_on(pages[name], said[name])
            for page in everyone:
                expect(page.locator("#comments .comment-body").last).to_have_text(
                    said[name], timeout=LIVE
                )
            waits.append(time.monotonic() - start)
        for page in everyone:
            assert bodies(page) == [said[n] for n in STUDENTS]
            assert page.locator("#comments img").count() == 0  # the hostile text stayed text
            mark = page.locator(f"#o-{room['support']} > .comment-count")
            expect(mark).to_contain_text("4")
            expect(mark).to_contain_text("4 open")
            layer = page.locator(f"#diagram g.comment-mark[data-node='{room['support']}'] text")
            expect(layer).to_have_text("💬4")
        assert all(p.evaluate("window.stayed === true") for p in pages.values())
        assert (
            pages["Ana"].locator("#comments form[data-form=comment] textarea").input_value() == ""
        )

        # A student cannot resolve (the node is not theirs); the teacher can, and all see it.
        ana_comment = teacher.locator("#comments li.comment").first
        assert pages["Ben"].locator("#comments button[data-do=resolve]").count() == 0
        ana_comment.locator("button[data-do=resolve]").click()
        for page in everyone:
            first = page.locator("#comments li.comment").first
            expect(first).to_have_class("comment resolved", timeout=LIVE)
            expect(first.locator(".comment-state")).to_have_text("Resolved by Olga")
            expect(page.locator(f"#o-{room['support']} > .comment-count")).to_contain_text("3 open")

        # Ana edits her own comment (only hers has an Edit); the others see the new words.
        ana = pages["Ana"]
        assert ana.locator("#comments details.comment-edit").count() == 1
        ana.locator("#comments details.comment-edit summary").click()
        ana.fill("#comments details.comment-edit textarea", "Which study, please?")
        ana.click("#comments details.comment-edit button[type=submit]")
        for page in everyone:
            expect(page.locator("#comments .comment-body").first).to_have_text(
                "Which study, please?", timeout=LIVE
            )

        # An over-long comment is refused with the rule's words, and the text stays typed.
        long = "x" * 2001
        comment_on(pages["Ben"], long)
        expect(pages["Ben"].locator("#comments .comment-error .error")).to_contain_text(
            "shorten it to 2000 at most"
        )
        typed = pages["Ben"].locator("#comments form[data-form=comment] textarea")
        assert typed.input_value() == long
        assert alerts == []
        print(f"comment to every page: {[round(w, 2) for w in waits]} s (machine under load)")

        # On a 390 px phone: no sideways scroll, and the thread's targets are 44 px.
        dan = pages["Dan"]
        dan.set_viewport_size({"width": 390, "height": 844})
        assert dan.evaluate("document.documentElement.scrollWidth") <= 390
        small = dan.evaluate(
            """() => Array.from(document.querySelectorAll(
                '#comments button, #comments summary, #comments textarea'))
              .filter((el) => el.checkVisibility())
              .map((el) => el.getBoundingClientRect())
              .filter((b) => b.height < 44 || b.width < 44).length"""
        )
        assert small == 0
    finally:
        for context in contexts:
            context.close()


def test_a_comment_sent_while_the_server_is_out_of_reach_says_so_and_keeps_the_text(
    shared, new_page
):
    room = make_room(shared)
    page = new_page()
    join_by_code(page, shared.url, room["code"], "Ana")
    open_map(page, shared, room, room["support"])
    page.route("**/api/maps/*/nodes/*/comments", lambda route: route.abort())
    comment_on(page, "Lost in the post?")
    expect(page.locator("#comments .comment-error")).to_have_text(
        "The server could not be reached: try again."
    )
    area = page.locator("#comments form[data-form=comment] textarea[name=body]")
    expect(area).to_have_value("Lost in the post?")
    assert bodies(page) == []
