"""In headless Chromium: axe-core (pinned in package.json) finds no serious or critical
violation on any kind of page, at desktop and phone sizes; the skip link takes a keyboard
user past the menu to the page's content."""

from __future__ import annotations

from pathlib import Path

import pytest
from pagetour import MAP, guest_pages, log_in_owner, open_join_code, owner_pages, owner_password

pytestmark = [pytest.mark.browser, pytest.mark.server]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}

RUN_AXE = """async () => {
  const result = await axe.run(document);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' '))}`);
}"""


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


@pytest.fixture
def people(seeded_server, browser):
    """(owner page, guest page, owner's pages, guest's pages); CSP bypassed to inject axe."""
    assert AXE.exists(), "axe-core is missing: run `make static/vendor/.installed` (npm ci)"
    owner_password(seeded_server.database)
    contexts = [browser.new_context(bypass_csp=True) for _ in range(2)]
    owner, guest = (context.new_page() for context in contexts)
    for page in (owner, guest):
        page.set_default_timeout(10_000)
    log_in_owner(owner, seeded_server.url)
    code, screen = open_join_code(owner, seeded_server.url)
    yield owner, guest, owner_pages(screen), guest_pages(code)
    for context in contexts:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_axe_finds_no_serious_violation(seeded_server, people, size):
    owner, guest, mine, theirs = people
    width, height = SIZES[size]
    found = {}
    for page, pages in ((owner, mine), (guest, theirs)):
        page.set_viewport_size({"width": width, "height": height})
        for name, path in pages.items():
            page.goto(seeded_server.url + path)
            if violations := serious_violations(page):
                found[name] = violations
    # The open export menu too.
    owner.goto(seeded_server.url + MAP)
    owner.click("#export-menu summary")
    if violations := serious_violations(owner):
        found["map, export menu open"] = violations
    assert found == {}


@pytest.mark.parametrize("size", SIZES)
def test_the_skip_link_leads_past_the_menu_to_the_content(seeded_server, page, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(seeded_server.url + MAP)
    skip = page.locator(".skip-link")
    assert skip.evaluate("(a) => a.getBoundingClientRect().bottom") <= 0  # out of sight
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0 and box["height"] >= 44  # in sight when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.closest('main') !== null, document.activeElement.tagName]"
    )
    assert focused[0], f"Tab after the skip link went to {focused[1]} outside the content"


def test_the_compact_menu_on_a_phone_is_still_a_navigation_landmark(seeded_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(seeded_server.url + MAP)
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    landmarks = {
        (node["role"]["value"], node.get("name", {}).get("value", ""))
        for node in tree["nodes"]
        if node.get("role", {}).get("value") in ("banner", "navigation", "main")
    }
    assert landmarks == {("banner", ""), ("navigation", "Site"), ("main", "")}
