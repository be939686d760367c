"""In headless Chromium, several people at once: joining by code, and a viewer who cannot
change anything."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD, create_account
from playwright.sync_api import expect

from argmap.db import connect

pytestmark = [pytest.mark.browser, pytest.mark.server]

FORGE = """async ([url, json]) => {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const options = {method: "POST", headers: {"X-CSRF-Token": token}};
  if (json) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify({kind: "claim", text: "Forged"});
  } else {
    options.body = new FormData();
    for (const [k, v] of [["csrf_token", token], ["form", "claim"], ["kind", "claim"],
                          ["text", "Forged"]]) options.body.append(k, v);
  }
  const response = await fetch(url, options);
  return [response.status, await response.text()];
}"""


def teacher_creates_a_map(page, url: str) -> int:
    """Log in as the teacher, create a map with one claim; returns the map's id."""
    page.goto(url + "/login")
    page.fill("input[name=email]", "teacher@school.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:text('Log in')")
    expect(page.locator(".who")).to_have_text("Ms Teach")
    page.fill("#create input[name=title]", "Class debate")
    page.click("button:text('Create map')")
    page.fill("#add-claim textarea[name=text]", "Homework helps")
    page.click("button:text('Add claim')")
    expect(page.locator("#outline")).to_contain_text("Homework helps")
    return int(re.search(r"/maps/(\d+)", page.url).group(1))


def node_texts(database: str) -> list[str]:
    """Every node's text in the server's database."""
    db = connect(database)
    try:
        return [r[0] for r in db.execute("SELECT text FROM nodes ORDER BY id")]
    finally:
        db.conn.close()


def test_a_student_joins_by_code_then_as_viewer_cannot_change_anything(server, new_page):
    create_account(server.database, "teacher@school.example", "Ms Teach")
    teacher = new_page()
    map_id = teacher_creates_a_map(teacher, server.url)

    teacher.click("#members-link")
    teacher.select_option("#new-code select[name=role]", "editor")
    teacher.click("button:text('Create a join code')")
    code = teacher.inner_text("#code")
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{8}", code)
    size = teacher.eval_on_selector("#code", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 48  # readable from the back of a classroom
    link = teacher.get_attribute(".join-link", "href")

    student = new_page()
    student.goto(server.url + link)
    student.fill("input[name=name]", "Sam 🙂")
    student.click("button:text('Join')")
    expect(student.locator("#map-title")).to_have_text("Class debate")
    expect(student.locator("#my-role")).to_contain_text("you are Sam 🙂, an editor")
    student.fill("#add-claim textarea[name=text]", "Sam's claim")
    student.click("button:text('Add claim')")
    expect(student.locator("#outline")).to_contain_text("Sam's claim")

    teacher.goto(f"{server.url}/maps/{map_id}/members")
    row = teacher.locator("tr", has_text="Sam 🙂")
    row.locator("select[name=role]").select_option("viewer")
    row.locator("button:text('Change')").click()
    expect(teacher.locator(".flash")).to_contain_text("Sam 🙂 is now viewer.")

    student.goto(f"{server.url}/maps/{map_id}")
    expect(student.locator("#my-role")).to_contain_text("you are Sam 🙂, a viewer")
    student.click("#outline a:text('Homework helps')")
    expect(student.locator("#selected")).to_contain_text("Homework helps")
    for control in ("#add-claim", "#edit", "#add-under", "#links", ".settings", "#members-link"):
        expect(student.locator(control)).to_have_count(0)
    expect(student.locator("main form[method=post]")).to_have_count(0)

    for url, json in ((f"/maps/{map_id}/nodes", False), (f"/api/maps/{map_id}/nodes", True)):
        status, text = student.evaluate(FORGE, [url, json])
        assert status == 403
        assert "You are a viewer of this map" in text
    assert node_texts(server.database) == ["Homework helps", "Sam's claim"]


def test_a_stranger_cannot_find_a_private_map(server, new_page):
    create_account(server.database, "teacher@school.example", "Ms Teach")
    map_id = teacher_creates_a_map(new_page(), server.url)
    stranger = new_page()
    response = stranger.goto(f"{server.url}/maps/{map_id}")
    assert response.status == 404
    expect(stranger.locator("h1")).to_have_text("Not found")
    expect(stranger.locator("main")).not_to_contain_text("Class debate")
    status, _ = stranger.evaluate(FORGE, [f"/maps/{map_id}/nodes", False])
    assert status == 404
    assert node_texts(server.database) == ["Homework helps"]
