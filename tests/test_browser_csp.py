"""In headless Chromium: every page keeps the CSP (nothing inline is refused) and still works."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from conftest import Server, create_account, log_in_form
from playwright.sync_api import expect

from argmap import accounts, members, nodes
from argmap.db import connect

pytestmark = [pytest.mark.browser, pytest.mark.server]

# Runs before any page script: records what the CSP refused, and stands in for the print dialog.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
window.print = () => { window.__printed = (window.__printed || 0) + 1; };
"""


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """A real server with an owner's map (a claim, a pro, a con), a join code and an API token."""
    running = Server(tmp_path_factory.mktemp("csp"))
    owner = create_account(running.database, "owner@example.org", "Olga Owner")
    db = connect(running.database)
    try:
        m = members.create_map(db, owner, "Streets", "Cars in the city centre")
        claim = nodes.add_node(db, m, {"kind": "claim", "text": "Ban cars"})["id"]
        nodes.add_node(db, m, {"kind": "support", "text": "Clean air", "parent_id": claim})
        nodes.add_node(db, m, {"kind": "counter", "text": "Shops suffer", "parent_id": claim})
        code = members.new_code(db, m, "editor")
        public = members.create_map(db, owner, "Open debate")
        members.set_public(db, public, True)
        token = accounts.create_token(db, owner["id"], "csp")
    finally:
        db.conn.close()
    yield {
        "server": running,
        "map": m,
        "claim": claim,
        "code": code,
        "token": token,
        "public": public,
    }
    running.stop()


@pytest.fixture
def watched(page):
    """The page with CSP violations and console errors recorded."""
    page.add_init_script(WATCH)
    page.console = []
    page.on("console", lambda message: page.console.append(message.text))
    return page


def log_in(page, url: str) -> None:
    """Log in as the map's owner through the log-in form."""
    log_in_form(page, url, "owner@example.org")


def assert_no_violation(page) -> None:
    """Nothing on the page was refused by the CSP, and the console says nothing about it."""
    assert page.evaluate("window.__violations") == [], page.url
    refused = [text for text in page.console if "Content Security Policy" in text]
    assert refused == [], page.url


def test_every_page_keeps_the_policy_and_still_works(classroom, watched):
    url, m = classroom["server"].url, classroom["map"]
    page = watched
    log_in(page, url)
    assert_no_violation(page)
    expect(page.locator("body")).to_contain_text("Streets")

    page.goto(f"{url}/maps/{m}")
    expect(page.locator("#diagram g.node")).to_have_count(3)
    fill = page.eval_on_selector("#diagram g.kind-claim polygon", "p => getComputedStyle(p).fill")
    assert fill == "rgb(220, 235, 247)"  # Graphviz's fill= presentation attribute still applies
    page.click("#zoom-fit")  # the canvas: panzoom sets the transform through the CSSOM
    transform = page.eval_on_selector("#diagram .svg-wrap", "w => getComputedStyle(w).transform")
    assert transform.startswith("matrix(")
    page.click("#diagram g.kind-claim text")
    page.wait_for_url(re.compile(rf"node={classroom['claim']}"))
    assert_no_violation(page)

    page.goto(f"{url}/maps/{m}/brief")
    page.click("button.print")
    assert page.evaluate("window.__printed") == 1
    assert_no_violation(page)

    page.goto(f"{url}/maps/{m}/codes/{classroom['code']['id']}")
    expect(page.locator("#code")).to_have_text(classroom["code"]["code"])
    size = page.eval_on_selector("#code", "c => parseFloat(getComputedStyle(c).fontSize)")
    assert size >= 48  # the join screen's big code comes from the stylesheet
    assert_no_violation(page)

    for path in (f"/maps/{m}/members", f"/maps/{m}/history", "/import", "/account"):
        page.goto(url + path)
        assert_no_violation(page)


def test_a_live_update_swaps_in_the_diagram_within_the_policy(classroom, watched):
    url, m = classroom["server"].url, classroom["map"]
    page = watched
    log_in(page, url)
    page.goto(f"{url}/maps/{m}")
    count = page.locator("#diagram g.node").count()
    node = {"kind": "support", "text": "Quieter streets", "parent_id": classroom["claim"]}
    request = urllib.request.Request(
        f"{url}/api/maps/{m}/nodes",
        data=json.dumps(node).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {classroom['token']}",
            "Content-Type": "application/json",
        },
    )
    urllib.request.urlopen(request, timeout=10).close()
    expect(page.locator("#diagram g.node")).to_have_count(count + 1)
    expect(page.locator("#diagram")).to_contain_text("Quieter")
    assert_no_violation(page)


def test_the_browser_refuses_inline_script(classroom, watched):
    url, m = classroom["server"].url, classroom["map"]
    page = watched
    log_in(page, url)
    page.goto(f"{url}/maps/{m}")
    ran = page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = 1"; document.body.append(s);
                   return window.__ran || 0; }"""
    )
    assert ran == 0
    assert page.evaluate("window.__violations")[0].startswith("script-src")


def test_another_site_cannot_frame_a_page(classroom, page):
    url = classroom["server"].url
    framer = page  # a page of another origin (about:blank) framing a public map
    framer.set_content(f'<iframe src="{url}/maps/{classroom["public"]}"></iframe>')
    framer.wait_for_timeout(1000)
    (framed,) = [frame for frame in framer.frames if frame != framer.main_frame]
    assert framed.url.startswith("chrome-error:") and "Open debate" not in framed.content()
