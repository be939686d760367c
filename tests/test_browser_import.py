"""In headless Chromium: import a file through the page, check the preview, then import it."""

from __future__ import annotations

import pytest
from conftest import create_account, log_in_form
from corpus import CORPUS
from playwright.sync_api import expect

from argmap.db import connect

pytestmark = [pytest.mark.browser, pytest.mark.server]

KIALO = CORPUS / "kialo" / "should-hate-speech-be-illegal-6148.txt"


def map_count(database: str) -> int:
    """How many maps the server's database holds."""
    db = connect(database)
    try:
        return db.execute("SELECT COUNT(*) FROM maps").fetchone()[0]
    finally:
        db.conn.close()


def log_in_as_teacher(server, page) -> None:
    """Make a teacher's account on the server and log in through the page."""
    create_account(server.database, "teacher@school.example", "Ms Teach")
    log_in_form(page, server.url, "teacher@school.example")


@pytest.mark.corpus
def test_import_page_previews_then_imports_an_uploaded_file(server, page):
    log_in_as_teacher(server, page)
    page.click("#import-link")
    page.set_input_files("input[name=file]", str(KIALO))
    page.fill("#import-form input[name=title]", "Hate speech <debate>")
    page.click("button:text('Preview')")

    preview = page.locator("#preview")
    expect(preview).to_contain_text("Read as Kialo plain text")
    expect(preview.locator('[data-count="nodes"]')).to_have_text("105")
    expect(preview.locator('[data-count="links"]')).to_have_text("1")
    expect(preview.locator("h2")).to_have_text("Preview: “Hate speech <debate>”")
    assert map_count(server.database) == 0

    preview.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Imported “Hate speech <debate>”: 105 nodes")
    expect(page.locator("#map-title")).to_have_text("Hate speech <debate>")
    expect(page.locator("#diagram g.node").first).to_be_visible()
    assert page.locator("#outline li").count() == 105
    assert map_count(server.database) == 1


def test_a_pasted_broken_file_shows_the_line_and_keeps_the_text(server, page):
    log_in_as_teacher(server, page)
    page.goto(server.url + "/import")
    broken = "Discussion Title: X\n\n1. A thesis\n1.1. Perhaps: not a stance\n"
    page.fill("#import-form textarea[name=text]", broken)
    page.click("button:text('Preview')")
    expect(page.locator(".error")).to_contain_text("line 4")
    expect(page.locator("#import-form textarea[name=text]")).to_have_value(broken)
    assert map_count(server.database) == 0
