"""In headless Chromium, on a desktop and a phone: the diagram as a canvas to move through.

Pan by dragging, zoom by wheel, buttons and keys, fit and 1:1; the view kept across another
person's edit and a reload; folds in the diagram and the outline; one branch alone; the
overview; the legend; rebuttals told apart; the reader's direction.
"""

from __future__ import annotations

import re

import pytest
from conftest import Server, browser_contexts
from livehelp import on_file
from playwright.sync_api import expect
from test_browser_live import join, log_in, make_room

from argmap import nodes

pytestmark = [pytest.mark.browser, pytest.mark.server]

SCREENS = {"desktop": (1366, 900), "phone": (390, 844)}
VIEW = """(() => { const c = argmapDiagram.centre();
  return {x: c.x, y: c.y, scale: argmapDiagram.scale()}; })()"""


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One running server with the seed map for this module's tests.

    Its output is read as it comes: the access log of this many page loads would fill the
    pipe (64 KB, about 500 requests) and the server would stop, blocked on writing it.
    """
    running = Server(tmp_path_factory.mktemp("browser-canvas"), seed=True)
    yield running
    running.stop()


@pytest.fixture(params=sorted(SCREENS))
def screen(request, browser):
    """open(): a page in a fresh browser context of the screen's size (desktop, phone)."""
    width, height = SCREENS[request.param]
    with browser_contexts(browser) as open_page:

        def opener():
            viewport = {"width": width, "height": height}
            return open_page(viewport=viewport, has_touch=request.param == "phone")

        opener.name = request.param
        yield opener


def open_seed(page, server, query: str = ""):
    """The seed map's page, its canvas ready."""
    page.goto(f"{server.url}/maps/1{query}")
    expect(page.locator("#diagram.canvas")).to_have_count(1)
    expect(page.locator("#canvas-tools")).to_be_visible()
    return page


def view(page) -> dict:
    """The canvas's view: the drawing's point in the middle of the box, and the scale."""
    return page.evaluate(VIEW)


def box_middle(page) -> tuple[float, float]:
    """The middle of the canvas box on the screen."""
    r = page.locator("#canvas-view").bounding_box()
    return r["x"] + r["width"] / 2, r["y"] + r["height"] / 2


def node_at_screen(page, node: str) -> dict:
    """Where a node's box shows in the canvas box (lines above it may come and go)."""
    shown = page.locator(f"#diagram g#{node}").bounding_box()
    frame = page.locator("#canvas-view").bounding_box()
    return {**shown, "x": shown["x"] - frame["x"], "y": shown["y"] - frame["y"]}


def shown_nodes(page) -> int:
    """How many nodes the drawing shows (not folded away)."""
    return page.locator("#diagram g.node[id^='node-']:not(.hid)").count()


def test_dragging_pans_and_a_drag_selects_nothing(shared, screen):
    page = open_seed(screen(), shared)
    before = view(page)
    x, y = box_middle(page)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 120, y - 60, steps=6)
    page.mouse.up()
    after = view(page)
    assert after["scale"] == before["scale"]
    assert after["x"] - before["x"] == pytest.approx(120 / before["scale"], abs=2)
    assert after["y"] - before["y"] == pytest.approx(60 / before["scale"], abs=2)
    assert "node=" not in page.url  # the drag ended on whatever it ended on: nothing selected
    area = page.locator(".canvas-area").bounding_box()  # the canvas never widens the page
    assert area["x"] + area["width"] <= SCREENS[screen.name][0]


def test_wheel_buttons_and_keys_zoom_fit_and_actual_size(shared, screen):
    page = open_seed(screen(), shared)
    start = view(page)["scale"]
    page.click("#zoom-in")
    assert view(page)["scale"] == pytest.approx(start * 1.25)
    page.click("#zoom-out")
    page.click("#zoom-out")
    assert view(page)["scale"] == pytest.approx(start * 0.8)
    page.focus("#canvas-view")
    page.keyboard.press("+")
    assert view(page)["scale"] == pytest.approx(start)
    page.keyboard.press("-")
    assert view(page)["scale"] == pytest.approx(start * 0.8)
    page.keyboard.press("1")
    assert view(page)["scale"] == 1
    x, y = box_middle(page)
    page.mouse.move(x, y)
    page.mouse.wheel(0, 300)
    assert view(page)["scale"] < 1
    page.keyboard.press("0")  # fit: the whole drawing inside the box
    drawing = page.locator("#diagram .svg-wrap svg").bounding_box()
    frame = page.locator("#canvas-view").bounding_box()
    assert drawing["x"] >= frame["x"] - 1 and drawing["y"] >= frame["y"] - 1
    assert drawing["x"] + drawing["width"] <= frame["x"] + frame["width"] + 1
    assert drawing["y"] + drawing["height"] <= frame["y"] + frame["height"] + 1
    assert max(drawing["width"] / frame["width"], drawing["height"] / frame["height"]) > 0.9
    page.click("#zoom-one")
    assert view(page)["scale"] == 1


def test_buttons_are_big_enough_to_touch_on_a_phone(shared, new_page):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    open_seed(page, shared)
    for button in page.locator("#canvas-tools button:visible").all():
        size = button.bounding_box()
        assert size["width"] >= 44 and size["height"] >= 44
    frame = page.locator("#canvas-view").bounding_box()
    assert frame["width"] <= 390 and 250 <= frame["height"] <= 844


def test_the_view_is_kept_after_another_persons_edit_and_after_a_reload(shared, screen):
    room = make_room(shared, ["Homework helps", "Homework hurts"])
    olga = log_in(screen(), shared, room)
    olga.evaluate("argmapDiagram.look({x: 60, y: 40}, 1.7)")
    node = "node-" + str(olga.evaluate("argmapDiagram.remember().anchor.id"))  # the middle one
    where = node_at_screen(olga, node)
    ben = join(screen(), shared, room, "Ben")
    ben.fill("form[data-form=claim] textarea[name=text]", "Recess matters")
    ben.click("form[data-form=claim] button[type=submit]")
    expect(olga.locator("#diagram g.node[id^='node-']")).to_have_count(3)
    now = node_at_screen(olga, node)
    assert (now["x"], now["y"]) == pytest.approx((where["x"], where["y"]), abs=2)
    assert view(olga)["scale"] == 1.7
    kept = view(olga)
    olga.wait_for_timeout(300)  # the view is written to localStorage after 200 ms
    olga.reload()
    expect(olga.locator("#diagram.canvas")).to_have_count(1)
    assert view(olga) == pytest.approx(kept, abs=0.5)
    assert ben.evaluate("argmapDiagram.scale()") != 1.7  # kept per browser, not shared


def test_fold_in_the_diagram_and_the_outline_with_a_count(shared, screen):
    page = open_seed(screen(), shared)
    total = shown_nodes(page)
    thesis = page.locator("#outline > ul.outline > li").first
    thesis_id = thesis.get_attribute("data-node")
    toggle = page.locator(f"#diagram g.fold-toggle[data-node='{thesis_id}']")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.evaluate("argmapDiagram.look({x: 0, y: 0}, 1)")
    toggle.dispatch_event("click")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    under = page.locator(f"#o-{thesis_id} li").count()
    assert under > 10
    assert shown_nodes(page) == total - under
    expect(toggle.locator("text")).to_have_text(f"+{under}")
    expect(page.locator(f"#o-{thesis_id} > .fold-badge")).to_have_text(f"{under} folded")
    expect(page.locator(f"#o-{thesis_id} > ul")).to_be_hidden()
    expect(page.locator("#canvas-status")).to_have_text("1 branch folded.")
    assert "node=" not in page.url  # folding does not select
    page.click(f"#o-{thesis_id} > button.fold")  # unfold in the outline
    expect(page.locator(f"#o-{thesis_id} > ul")).to_be_visible()
    expect(page.locator(f"#o-{thesis_id} > .fold-badge")).to_have_count(0)
    assert shown_nodes(page) == total
    branch = page.locator(f"#o-{thesis_id} > ul > li:has(ul)").first.get_attribute("data-node")
    page.click(f"#o-{branch} > button.fold")  # fold in the outline: the diagram follows
    expect(page.locator(f"#diagram g.fold-toggle[data-node='{branch}']")).to_have_class(
        re.compile(r"\bfolded\b")
    )
    hidden = page.locator(f"#o-{branch} li").count()
    assert shown_nodes(page) == total - hidden
    page.reload()  # folds are kept in this browser
    expect(page.locator(f"#o-{branch} > .fold-badge")).to_have_text(f"{hidden} folded")
    assert shown_nodes(page) == total - hidden
    page.click("#unfold-all")
    assert shown_nodes(page) == total


def test_one_branch_alone_then_the_whole_map(shared, screen):
    page = screen()
    open_seed(page, shared)
    thesis = page.locator("#outline > ul.outline > li").first
    branch = thesis.locator(":scope > ul > li:has(ul)").first.get_attribute("data-node")
    open_seed(page, shared, f"?node={branch}")
    expect(page.locator("#branch-alone")).to_be_enabled()
    page.click("#branch-alone")
    expect(page.locator("#branch-alone")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#canvas-status")).to_have_text("Showing one branch.")
    alone = 1 + page.locator(f"#o-{branch} li").count()
    assert shown_nodes(page) == alone
    shown = page.locator(f"#diagram g#node-{branch}").bounding_box()
    frame = page.locator("#canvas-view").bounding_box()
    assert frame["x"] <= shown["x"] and shown["x"] + shown["width"] <= frame["x"] + frame["width"]
    assert page.locator(f"#diagram g#node-{thesis.get_attribute('data-node')}.hid").count() == 1
    page.click("#whole-map")
    assert shown_nodes(page) > alone
    expect(page.locator("#whole-map")).to_be_hidden()


def test_dragging_the_overview_moves_the_view(shared, screen):
    page = open_seed(screen(), shared)
    before = view(page)
    sketch = page.locator(".minimap canvas")
    expect(sketch).to_be_visible()
    sketch.scroll_into_view_if_needed()
    box = sketch.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 5, box["y"] + box["height"] - 5, steps=5)
    page.mouse.up()
    after = view(page)
    size = page.evaluate(
        "(() => { const w = document.querySelector('#diagram .svg-wrap');"
        " return [w.offsetWidth, w.offsetHeight]; })()"
    )
    assert after["scale"] == before["scale"]
    assert after["x"] == pytest.approx(size[0] * (1 - 5 / box["width"]), rel=0.05)
    assert after["y"] == pytest.approx(size[1] * (1 - 5 / box["height"]), rel=0.05)
    assert "node=" not in page.url


def test_the_legend_stands_beside_the_diagram_with_every_entry(shared, screen):
    page = open_seed(screen(), shared)
    legend = page.locator("#legend")
    expect(legend).to_be_visible()
    texts = legend.locator(".legend-text").all_inner_texts()
    assert texts == [
        "Claim",
        "Pro (supports)",
        "Con (objects)",
        "Rebuttal (a con of a con)",
        "supports",
        "objects to",
        "Linked premises (count only together)",
        "Undercut (objects to the inference)",
        "also supports",
        "also objects to",
        "contradicts",
    ]
    frame = page.locator("#canvas-view").bounding_box()
    place = legend.bounding_box()
    if screen.name == "desktop":  # beside the diagram, level with it
        assert place["x"] >= frame["x"] + frame["width"] and place["y"] < frame["y"] + 100
    else:  # a phone: right under it, as wide as the screen allows
        assert place["y"] >= frame["y"] + frame["height"] and place["width"] <= 390
    # drawn with the diagram's own colours and lines
    swatch = {
        key: legend.locator(f"li[data-key={key}] svg :is(rect, line)").first.get_attribute("stroke")
        for key in ("claim", "support", "counter", "rebuttal", "contradiction")
    }
    drawn = {
        kind: page.locator(f"#diagram g.node.{kind} polygon, #diagram g.node.{kind} path")
        .first.get_attribute("stroke")
        .upper()
        for kind in ("kind-claim", "kind-support", "role-rebuttal")
    }
    assert swatch["claim"].upper() == drawn["kind-claim"]
    assert swatch["support"].upper() == drawn["kind-support"]
    assert swatch["rebuttal"].upper() == drawn["role-rebuttal"]
    legend.locator("summary").click()  # it folds away and back
    expect(legend.locator(".legend-list")).to_be_hidden()
    legend.locator("summary").click()
    expect(legend.locator(".legend-list")).to_be_visible()


def test_a_rebuttal_looks_unlike_a_counter_in_the_drawing(shared, new_page):
    page = open_seed(new_page(), shared)
    rebuttal = page.locator("#diagram g.node.role-rebuttal").first
    counter = page.locator("#diagram g.node.kind-counter:not(.role-rebuttal)").first
    look = "g => [g.querySelector('polygon, path').getAttribute('stroke'),"
    look += " g.querySelectorAll('polyline').length]"
    assert rebuttal.evaluate(look) == ["#cc79a7", 4]
    assert counter.evaluate(look) == ["#d55e00", 0]
    rebuttal_id = rebuttal.get_attribute("id").removeprefix("node-")
    expect(page.locator(f"#o-{rebuttal_id} > .badge")).to_have_text("Rebuttal")


def test_bottom_up_is_the_readers_choice_kept_per_map(shared, screen):
    page = open_seed(screen(), shared)
    wide = page.evaluate("document.querySelector('#diagram svg').getAttribute('width')")
    page.click("#direction-toggle")
    expect(page.locator("#direction-toggle")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#diagram g.graph.dir-bt")).to_have_count(1)
    assert page.evaluate("document.querySelector('#diagram svg').getAttribute('width')") != wide
    page.wait_for_timeout(300)
    page.reload()
    expect(page.locator("#diagram g.graph.dir-bt")).to_have_count(1)
    expect(page.locator("#direction-toggle")).to_have_attribute("aria-pressed", "true")
    page.click("#direction-toggle")
    expect(page.locator("#diagram g.graph.dir-rl")).to_have_count(1)


TOGGLES_ON_EDGES = """(bottomUp) => {
  const off = [];
  for (const t of document.querySelectorAll('#diagram g.fold-toggle')) {
    const node = document.querySelector('#diagram g#node-' + t.dataset.node);
    const a = t.querySelector('rect').getBoundingClientRect();
    const b = node.querySelector('polygon, path, ellipse').getBoundingClientRect();
    const x = a.left + a.width / 2, y = a.top + a.height / 2;
    const onEdge = bottomUp
      ? Math.abs(y - b.top) < 2 && Math.abs(x - (b.left + b.width / 2)) < 2
      : Math.abs(x - b.right) < 2 && Math.abs(y - (b.top + b.height / 2)) < 2;
    if (!onEdge) off.push(t.dataset.node);
  }
  return [document.querySelectorAll('#diagram g.fold-toggle').length, off];
}"""


def test_each_fold_toggle_sits_on_its_nodes_edge_either_way_up(shared, new_page):
    page = open_seed(new_page(), shared)
    count, off = page.evaluate(TOGGLES_ON_EDGES, False)
    assert count > 5 and off == []  # on the right edge, half way down
    page.click("#direction-toggle")
    expect(page.locator("#diagram g.graph.dir-bt")).to_have_count(1)
    count, off = page.evaluate(TOGGLES_ON_EDGES, True)
    assert count > 5 and off == []  # on the top edge, half way across
    page.click("#direction-toggle")
    expect(page.locator("#diagram g.graph.dir-rl")).to_have_count(1)


def test_a_new_drawing_after_an_edit_keeps_the_chosen_direction(shared, new_page):
    room = make_room(shared, ["Uniforms help"])
    olga = log_in(new_page(), shared, room)
    olga.click("#direction-toggle")
    expect(olga.locator("#diagram g.graph.dir-bt")).to_have_count(1)

    def add(db):
        fields = {"kind": "support", "text": "Less teasing", "parent_id": room["ids"][0]}
        return nodes.add_node(db, room["map"], fields, "Ben")["id"]

    added = on_file(shared.database, add)
    expect(olga.locator(f"#diagram g#node-{added}")).to_have_count(1)
    expect(olga.locator("#diagram g.graph.dir-bt")).to_have_count(1)


def test_a_selected_node_is_never_folded_away(shared, new_page):
    page = open_seed(new_page(), shared)
    thesis = page.locator("#outline > ul.outline > li").first.get_attribute("data-node")
    deep = page.locator(f"#o-{thesis} > ul > li > ul > li").first.get_attribute("data-node")
    page.click(f"#o-{thesis} > button.fold")
    expect(page.locator(f"#diagram g#node-{deep}.hid")).to_have_count(1)
    page.wait_for_timeout(300)
    open_seed(page, shared, f"?node={deep}")
    expect(page.locator(f"#diagram g#node-{deep}:not(.hid)")).to_have_count(1)
    expect(page.locator(f"#o-{thesis} > button.fold")).to_have_attribute("aria-expanded", "true")
    shown = node_at_screen(page, f"node-{deep}")
    frame = page.locator("#canvas-view").bounding_box()
    assert 0 <= shown["x"] and shown["x"] + shown["width"] <= frame["width"]
    assert 0 <= shown["y"] and shown["y"] + shown["height"] <= frame["height"]


def big_room(server) -> tuple[dict, list[int]]:
    """A map of 300 nodes of wrapping text: a drawing too big to inline, fetched by URL."""
    room = make_room(server, ["Phones in class"])

    def grow(db):
        ids = room["ids"][:]
        for number in range(299):
            text = f"Reason {number}: " + "words that wrap in the diagram " * 3
            fields = {"kind": "support", "parent_id": ids[number // 3], "text": text}
            ids.append(nodes.add_node(db, room["map"], fields, "Olga")["id"])
        return ids

    return room, on_file(server.database, grow)


def test_a_big_maps_drawing_opens_on_the_selected_node(shared, screen):
    room, ids = big_room(shared)
    deep = ids[-1]
    page = join(screen(), shared, room, "Ben", deep)
    expect(page.locator("#diagram .svg-wrap[data-src]")).to_have_count(1)
    expect(page.locator(f"#diagram g#node-{deep}")).to_have_count(1)
    page.wait_for_timeout(300)  # panzoom applies a view at the next frame
    shown = node_at_screen(page, f"node-{deep}")
    frame = page.locator("#canvas-view").bounding_box()
    assert 0 <= shown["x"] and shown["x"] + shown["width"] <= frame["width"], (shown, frame)
    assert 0 <= shown["y"] and shown["y"] + shown["height"] <= frame["height"], (shown, frame)
    assert view(page)["scale"] >= 0.45  # readable, not the whole map shrunk to a sliver


SHOWN_TEXT = """(id) => Array.from(document.querySelectorAll('#diagram g#node-' + id + ' text'))
  .filter((t) => getComputedStyle(t).display !== 'none' && t.getBBox().width > 0).length"""
ALL_SHOWN_TEXT = """() => Array.from(document.querySelectorAll('#diagram g.node text'))
  .filter((t) => getComputedStyle(t).display !== 'none').length"""


def test_a_big_drawing_lays_out_the_text_near_the_view_only(shared, new_page):
    room, ids = big_room(shared)
    root, deep = ids[0], ids[-1]
    page = join(new_page(), shared, room, "Ben", deep)
    expect(page.locator(f"#diagram g#node-{deep}")).to_have_count(1)
    page.wait_for_timeout(300)
    assert page.evaluate(SHOWN_TEXT, deep) >= 3  # the selected node reads whole
    assert page.evaluate(SHOWN_TEXT, root) == 0  # the far end of the map waits
    total = page.locator("#diagram g.node text").count()
    assert 0 < page.evaluate(ALL_SHOWN_TEXT) < total / 4
    far = page.locator(f"#diagram g#node-{root}")
    assert "Phones in class" in far.get_attribute("aria-label")  # still named for everyone
    page.evaluate(
        """(id) => { const r = document.querySelector('#diagram g#node-' + id)
          .getBoundingClientRect(); const s = argmapDiagram.scale(), c = argmapDiagram.centre();
          const v = document.querySelector('#canvas-view').getBoundingClientRect();
          argmapDiagram.look({ x: c.x + (r.left + r.width / 2 - v.left - v.width / 2) / s,
            y: c.y + (r.top + r.height / 2 - v.top - v.height / 2) / s }, 1); }""",
        root,
    )
    page.wait_for_timeout(300)  # the text follows the view at the next frame
    assert page.evaluate(SHOWN_TEXT, root) >= 1
    assert page.evaluate(SHOWN_TEXT, deep) == 0
    page.click("#zoom-fit")  # the whole map is too small to read: no text laid out at all
    page.wait_for_timeout(300)
    assert view(page)["scale"] < 0.3
    assert page.evaluate(ALL_SHOWN_TEXT) == 0
    page.emulate_media(media="print")  # a printout shows every node's text
    assert page.evaluate(ALL_SHOWN_TEXT) == total


def test_a_long_outline_lays_out_the_items_near_the_view_and_reads_whole(shared, screen):
    room, ids = big_room(shared)
    page = join(screen(), shared, room, "Ben", ids[0])
    expect(page.locator("#outline > ul.outline.long")).to_have_count(1)
    last = page.locator(f"#o-{ids[-1]}")
    assert last.evaluate("(li) => getComputedStyle(li).contentVisibility") == "auto"
    last.locator(":scope > a").scroll_into_view_if_needed()
    expect(last.locator(":scope > a")).to_be_visible()
    expect(last.locator(":scope > a")).to_have_text(re.compile(r"^Reason 298: words that wrap"))
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"]  # never wider than the screen
    for _ in range(100):  # the page's copy of the map (static/mapdata.js) is loaded
        if page.evaluate("!!(window.argmapLive && argmapLive.state.at)"):
            break
        page.wait_for_timeout(100)
    drawn = "argmapModel.outline(argmapLive.state.at, null).className"
    assert page.evaluate(drawn) == "outline long"  # redrawn in the page: the same outline
