"""The map page in headless Chromium: add nodes through the forms, select one in the diagram."""

from __future__ import annotations

import re

import pytest
from conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.server]

CLAIM = 'Cities should "ban" cars'
SUPPORT = "<script>window.hacked=1</script>"


@pytest.fixture(scope="module")
def core_server(tmp_path_factory):
    """One real argmap server for this module's tests (each signs up its own account)."""
    signup = {"ARGMAP_SIGNUP": "1", "ARGMAP_SIGNUP_LIMIT": "1000"}
    running = Server(tmp_path_factory.mktemp("core"), env=signup)
    yield running
    running.stop()


def visible_text(locator) -> str:
    """A locator's text as a reader sees it (Graphviz writes some spaces as no-break spaces)."""
    return locator.text_content().replace("\xa0", " ")


def start_map(page, url: str, email: str) -> int:
    """Sign up and log in through the pages, create a map through its form; returns its id."""
    page.goto(url + "/signup")
    page.fill("input[name=name]", "Ana")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("#signup button[type=submit]")
    page.wait_for_url(url + "/login")
    page.fill("#login input[name=email]", email)
    page.fill("#login input[name=password]", "correct horse battery")
    page.click("#login button[type=submit]")
    page.fill("#create input[name=title]", "Streets")
    page.click("#create button[type=submit]")
    page.wait_for_url(re.compile(r"/maps/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def add_claim(page, text: str) -> int:
    """Add a claim through the page's form; returns the new node's id from the address."""
    page.fill("#add-claim textarea[name=text]", text)
    page.click("#add-claim button[type=submit]")
    page.wait_for_url(re.compile(r"\?node=\d+#node-\d+$"))
    return int(re.search(r"node=(\d+)", page.url).group(1))


def test_nodes_added_through_the_forms_appear_in_diagram_and_outline(core_server, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    start_map(page, core_server.url, "ana@example.org")
    claim = add_claim(page, CLAIM)
    assert visible_text(page.locator(f"#diagram g.node#node-{claim} text")) == CLAIM
    assert page.locator(f"#o-{claim} > a").text_content() == CLAIM
    assert "Added claim" in page.locator(".flash").text_content()

    page.check("#add-under input[name=kind][value=support]")
    page.fill("#add-under textarea[name=text]", SUPPORT)
    page.click("#add-under button[type=submit]")
    page.wait_for_url(re.compile(r"\?node=\d+#node-\d+$"))
    support = int(re.search(r"node=(\d+)", page.url).group(1))
    assert visible_text(page.locator(f"#diagram g.node#node-{support} text")) == SUPPORT
    assert page.locator(f"#o-{claim} > ul > #o-{support} > a").text_content() == SUPPORT
    assert page.locator("#diagram g.edge").count() == 1
    assert page.evaluate("window.hacked") is None and dialogs == []


def test_clicking_a_diagram_node_selects_it_and_fills_the_edit_form(core_server, page):
    start_map(page, core_server.url, "bo@example.org")
    first = add_claim(page, "First claim")
    second = add_claim(page, "Second claim")
    assert page.locator("#edit textarea[name=text]").input_value() == "Second claim"
    page.click(f"#diagram g.node#node-{first}")  # selected in place: no page load
    assert page.locator("#actions-text").text_content() == "First claim"
    assert page.locator("#edit").is_hidden()
    page.click("#actions-more")  # all the node's fields: its page with the full forms
    page.wait_for_url(re.compile(rf"\?node={first}(#node-{first})?$"))
    assert page.locator("#edit textarea[name=text]").input_value() == "First claim"
    assert page.locator("#selected .node-text").text_content() == "First claim"
    assert page.locator(f"#diagram g.node#node-{first}").get_attribute("class").endswith("selected")
    assert "selected" not in page.locator(f"#diagram g.node#node-{second}").get_attribute("class")
