"""In headless Chromium at phone widths (360, 390, 430 px): no page scrolls sideways, the map
page is a diagram box above the outline, the menu wraps between items, the brief is one column,
tables stack, and touch targets are at least 44 px. The desktop (1366 px) keeps its layout."""

from __future__ import annotations

import pytest
from conftest import browser_contexts
from livehelp import on_file
from pagetour import (
    MAP,
    guest_pages,
    log_in_owner,
    open_join_code,
    owner_pages,
    owner_password,
)

from argmap import members, nodes
from argmap.owner import OWNER_EMAIL

pytestmark = [pytest.mark.browser, pytest.mark.server]

# Buttons, fields and menu links a thumb has to hit (the diagram's own nodes excluded).
SMALL_TARGETS = """() => {
  const targets = document.querySelectorAll(
    'button, select, summary, input:not([type=hidden]):not([type=radio]):not([type=checkbox]),'
    + ' label.choice, nav a, .menu a, table a, .danger-link');
  const small = [];
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    if (!el.checkVisibility() || el.closest('svg')) continue;  // hidden, or a drawing
    if (box.height < 44 || box.width < 44)
      small.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}"`
                 + ` ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return small;
}"""

NAV_ITEMS = """() => Array.from(document.querySelectorAll('.top nav > *'))
  .filter((el) => el.checkVisibility())
  .map((el) => [el.textContent.trim().split('\\n')[0], el.getBoundingClientRect().height,
                el.getBoundingClientRect().right])"""

BOX = (
    "(selector) => { const b = document.querySelector(selector).getBoundingClientRect();"
    " return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, height: b.height}; }"
)


def page_width(page) -> int:
    """How wide the page is: more than the viewport means it scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def tour(seeded_server, browser):
    """The pages, and `people(width, touch=False)`: the seed map's owner (logged in) and a guest,
    each in a browser context of their own at that width."""
    owner_password(seeded_server.database)
    with browser_contexts(browser) as open_page:

        def person(width: int, touch: bool = False):
            return open_page(viewport={"width": width, "height": 844}, has_touch=touch)

        def people(width: int, touch: bool = False):
            owner = person(width, touch)
            log_in_owner(owner, seeded_server.url)
            return owner, person(width, touch)

        setup = person(1366)
        log_in_owner(setup, seeded_server.url)
        code, screen = open_join_code(setup, seeded_server.url)
        yield {
            "url": seeded_server.url,
            "owner": setup,
            "people": people,
            "owner_pages": owner_pages(screen),
            "guest_pages": guest_pages(code),
        }


def visit_all(tour, width: int, touch: bool = False):
    """Yield (name, page) for every page of the tour, at this width, owner's then guest's."""
    owner, guest = tour["people"](width, touch)
    for who, pages in ((owner, tour["owner_pages"]), (guest, tour["guest_pages"])):
        for name, path in pages.items():
            who.goto(tour["url"] + path)
            yield name, who


@pytest.mark.parametrize("width, touch", [(360, False), (390, False), (430, False), (768, True)])
def test_no_page_scrolls_sideways_and_touch_targets_are_44_px(tour, width, touch):
    """Phones by width; a tablet (768 px, a touch screen) by its coarse pointer."""
    wide, small = {}, {}
    for name, page in visit_all(tour, width, touch):
        if page_width(page) > width:
            wide[name] = page_width(page)
        if found := page.evaluate(SMALL_TARGETS):
            small[name] = found
    assert wide == {}, f"pages wider than {width} px"
    assert small == {}, "touch targets under 44 px"


def test_the_map_page_on_a_phone(tour):
    page = tour["owner"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(tour["url"] + MAP + "?node=3")
    # The diagram is a box of fixed height to pan and zoom in; the outline follows it.
    wrap = page.evaluate(BOX, "#canvas-view")
    outline = page.evaluate(BOX, "#outline-section")
    assert 200 <= wrap["height"] <= 0.6 * 844
    assert wrap["right"] <= 390
    assert outline["top"] >= wrap["bottom"]
    drawn = page.evaluate("document.querySelector('#diagram svg').getBoundingClientRect().width")
    assert drawn > 390  # the drawing is wider than the phone, and yet the page is not
    assert page_width(page) == 390
    # The menu wraps between items, never inside one: each is one line, all on screen.
    items = page.evaluate(NAV_ITEMS)
    assert [text for text, _, _ in items][:4] == [
        "Brief for each side",
        "Export",
        "History",
        "Members & sharing",
    ]
    for text, height, right in items:
        assert 44 <= height < 46, text
        assert right <= 390, text
    # The export menu opens across the screen, its links big enough to tap.
    page.click("#export-menu summary")
    menu = page.evaluate(BOX, "#export-menu ul")
    assert menu["left"] >= 0 and menu["right"] <= 390
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('#export-menu li a'), (a) => a.offsetHeight)"
    )
    assert len(heights) > 5 and min(heights) >= 44


def test_the_brief_and_the_tables_go_to_one_column_on_a_phone(tour):
    page = tour["owner"]
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(tour["url"] + MAP + "/brief")
    sides = page.evaluate(
        "Array.from(document.querySelector('.sides').children, (s) => s.getBoundingClientRect())"
        ".map((b) => [b.left, b.top, b.right])"
    )
    (for_left, for_top, _), (against_left, against_top, against_right) = sides
    assert for_left == against_left and against_top > for_top
    assert against_right <= 360
    # The members page's tables: rows stack, each cell saying which column it is.
    page.goto(tour["url"] + MAP + "/members")
    row = page.locator("#codes tbody tr").first
    label = row.locator("td[data-label=Role]").evaluate(
        "(td) => getComputedStyle(td, '::before').content"
    )
    assert label == '"Role: "'
    cells = row.locator("td").evaluate_all(
        "(tds) => tds.map((td) => td.getBoundingClientRect().left)"
    )
    assert len(set(round(x) for x in cells)) == 1  # one above the other
    assert page_width(page) == 360


def deep_map(database: str, depth: int) -> int:
    """A map of the seed map's owner: one branch `depth` levels deep, pros and cons in turn."""

    def build(db) -> int:
        owner = db.execute("SELECT * FROM users WHERE email = ?", (OWNER_EMAIL,)).fetchone()
        m = members.create_map(db, dict(owner), "Deep")
        above = nodes.add_node(db, m, {"kind": "claim", "text": "A claim at the top"})["id"]
        for level in range(depth):
            kind = "support" if level % 2 else "counter"
            text = f"Level {level + 1}: a reason of a few words"
            above = nodes.add_node(db, m, {"kind": kind, "text": text, "parent_id": above})["id"]
        return m

    return on_file(database, build)


def test_a_branch_fifteen_levels_deep_fits_a_phone(tour, seeded_server):
    m = deep_map(seeded_server.database, 15)
    page = tour["owner"]
    page.set_viewport_size({"width": 360, "height": 800})
    for path in (f"/maps/{m}", f"/maps/{m}/brief"):
        page.goto(tour["url"] + path)
        assert page_width(page) == 360, path
    deepest = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('.badge'),"
        " (b) => b.getBoundingClientRect().right))"
    )
    assert deepest <= 360


def test_the_desktop_keeps_its_columns(tour):
    page = tour["owner"]
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(tour["url"] + MAP + "?node=3")
    main = page.evaluate(BOX, ".map-main")
    panel = page.evaluate(BOX, "#panel")
    assert panel["left"] >= main["right"]  # the edit panel beside the diagram
    assert page.evaluate(BOX, "header.top")["height"] < 60  # the menu in one row
    assert all(right <= 1366 for _, _, right in page.evaluate(NAV_ITEMS))
    page.goto(tour["url"] + MAP + "/brief")
    lefts = page.evaluate(
        "Array.from(document.querySelector('.sides').children,"
        " (side) => side.getBoundingClientRect().left)"
    )
    assert lefts[1] > lefts[0]  # two columns
    page.goto(tour["url"] + "/")
    assert page.locator("table.maps thead").evaluate("(t) => getComputedStyle(t).display") == (
        "table-header-group"
    )
    assert page_width(page) == 1366
