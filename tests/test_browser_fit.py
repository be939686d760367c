"""In headless Chromium: a wide diagram fits the page's width on request, and stays so."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.server]

WIDTHS = """() => {
  const wrap = document.querySelector('#diagram .svg-wrap');
  return [wrap.querySelector('svg').getBoundingClientRect().width, wrap.clientWidth];
}"""


def test_fit_to_width_shrinks_the_seed_diagram_and_is_remembered(seeded_server, page):
    page.goto(seeded_server.url + "/maps/1")
    svg_width, frame = page.evaluate(WIDTHS)
    assert svg_width > frame  # the seed map is wider than the page
    page.click("#fit-toggle")
    expect(page.locator("#fit-toggle")).to_have_attribute("aria-pressed", "true")
    svg_width, frame = page.evaluate(WIDTHS)
    assert svg_width <= frame
    page.reload()
    expect(page.locator("#fit-toggle")).to_have_attribute("aria-pressed", "true")
    page.click("#fit-toggle")
    svg_width, frame = page.evaluate(WIDTHS)
    assert svg_width > frame
