"""In headless Chromium (issue 10): the front page for a newcomer, the brief on paper, history
times in the reader's time zone, the import preview, one person's presence, the favicon."""

from __future__ import annotations

import io
import re
import time
from datetime import datetime, timedelta

import pytest
from conftest import PASSWORD, create_account, log_in_form
from playwright.sync_api import expect
from pypdf import PdfReader

from argmap.db import connect

pytestmark = [pytest.mark.browser, pytest.mark.server]


def seed_id(server) -> int:
    """The seed map's id in the server's database."""
    db = connect(server.database)
    try:
        return db.execute("SELECT id FROM maps WHERE origin LIKE 'seed:%'").fetchone()[0]
    finally:
        db.conn.close()


def log_in(server, page, email="owner@localhost", name="Owner") -> None:
    """Log in through the page (the account is made when it does not exist yet)."""
    db = connect(server.database)
    try:
        known = db.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone()
    finally:
        db.conn.close()
    if known:
        from argmap import accounts

        db = connect(server.database)
        try:
            accounts.set_password(db, email, PASSWORD)
        finally:
            db.conn.close()
    else:
        create_account(server.database, email, name)
    log_in_form(page, server.url, email)


def luminance(rgb: str) -> float:
    """The relative luminance of a CSS rgb()/rgba() colour."""
    parts = [float(x) / 255 for x in re.findall(r"[\d.]+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_a_newcomer_finds_the_seed_map_on_the_front_page(seeded_server, page):
    page.goto(seeded_server.url + "/")
    listed = page.locator("#listed-maps li").first
    expect(listed).to_contain_text("Russia's response to the NATO allies' proposals")
    expect(listed).to_contain_text(re.compile(r"\d+ nodes"))
    expect(listed.locator(".one-line")).to_be_visible()
    height = listed.locator(".one-line").evaluate("e => e.getBoundingClientRect().height")
    line = listed.locator(".one-line").evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert height <= line + 1  # one line, however long the description
    listed.locator("a").click()
    expect(page.locator("#map-title")).to_have_text(
        "Russia's response to the NATO allies' proposals"
    )
    icon = page.evaluate("fetch('/static/favicon.svg').then(r => r.status)")
    assert icon == 200


def test_the_brief_prints_from_page_one_and_reads_in_black_and_white(seeded_server, page):
    map_id = seed_id(seeded_server)
    page.goto(f"{seeded_server.url}/maps/{map_id}/brief")
    first_claim = page.locator(".brief h2").first.inner_text()
    page.emulate_media(media="print")
    # Printed without backgrounds, every badge must stand on white paper by itself.
    badges = page.locator(".badge").evaluate_all(
        "all => all.map(b => [b.textContent, getComputedStyle(b).color,"
        " getComputedStyle(b).borderTopStyle])"
    )
    assert {text for text, _, _ in badges} >= {"Claim", "Pro", "Con"}
    for text, colour, border in badges:
        contrast = 1.05 / (luminance(colour) + 0.05)
        assert contrast >= 4.5, (text, colour)
        assert border != "none", text
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    first = pdf.pages[0].extract_text()
    assert "Brief:" in first
    words = first_claim.split()
    assert " ".join(words[1:5]) in " ".join(first.split())  # the first claim starts on page 1
    texts = [len(p.extract_text()) for p in pdf.pages]
    assert min(texts) > 0  # no blank page
    assert texts[0] >= max(texts) / 2, texts  # page 1 is not left nearly empty either


def test_history_times_show_in_the_readers_time_zone(seeded_server, browser):
    map_id = seed_id(seeded_server)
    context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{seeded_server.url}/maps/{map_id}/history")
        stamp = page.locator("time.local").first
        expect(stamp).not_to_contain_text("UTC")
        utc = stamp.get_attribute("datetime")
        when = datetime.fromisoformat(utc) + timedelta(hours=9)
        expect(stamp).to_have_text(when.strftime("%Y-%m-%d %H:%M") + " GMT+9")
        assert stamp.get_attribute("title") == utc[:19].replace("T", " ") + " UTC"
    finally:
        context.close()


def test_the_import_preview_shows_no_stray_box(server, page):
    log_in(server, page, "teacher@school.example", "Ms Teach")
    page.goto(server.url + "/import")
    page.fill("textarea[name=text]", "Homework helps\n  + Practice\n  - Stress\n")
    page.click("button:text('Preview')")
    expect(page.locator("#preview")).to_contain_text("Preview")
    assert page.locator("textarea:visible").count() == 0
    page.locator("#preview button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text(re.compile(r"Imported “.+”: 3 nodes, 0 links\."))


def test_one_person_with_one_tab_is_shown_once(seeded_server, page):
    map_id = seed_id(seeded_server)
    log_in(seeded_server, page)
    page.goto(f"{seeded_server.url}/maps/{map_id}")
    expect(page.locator("#my-role")).to_have_text("· you own this map")
    for _ in range(2):  # reloads and a click on a node: each time a new page of the same tab
        page.reload()
    page.locator("#outline a").first.click()
    expect(page.locator("#presence-list")).to_contain_text("Owner")
    time.sleep(3)  # let any left-over stream of an earlier page show itself
    expect(page.locator("#presence-list")).not_to_contain_text("×")
