"""Changes travel as changes: pages patch their copy of the map; tabs share one stream."""

from __future__ import annotations

import time

import pytest
from conftest import Server
from livehelp import on_file
from playwright.sync_api import expect
from test_browser_live import join, make_room, open_map, outline_texts, stayed

from argmap import authors, deletion, events, links, maps, nodes
from argmap import undo as undoing
from argmap.db import write
from argmap.events import Actor

pytestmark = [pytest.mark.browser, pytest.mark.server]
ANA = Actor("Ana")


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One running server for this module's tests; each test makes its own map on it."""
    running = Server(tmp_path_factory.mktemp("browser-patches"))
    yield running
    running.stop()


class Traffic:
    """What a page (or a whole browser context) asked the server for, with the bytes received."""

    def __init__(self, target):
        self.urls: list[str] = []
        self.sizes: list[tuple[str, int, str]] = []
        target.on("request", lambda request: self.urls.append(request.url))
        target.on("requestfinished", self.finished)

    def finished(self, request) -> None:
        response = request.response()
        encoding = response.headers.get("content-encoding", "") if response else ""
        self.sizes.append((request.url, request.sizes()["responseBodySize"], encoding))

    def count(self, part: str) -> int:
        return sum(part in url for url in self.urls)


def stored_revision(server, map_id: int) -> int:
    return on_file(server.database, lambda db: maps.get_map(db, map_id)["revision"])


def caught_up(page, revision: int) -> None:
    """Wait until the page shows this revision in its outline and its drawing."""
    expect(page.locator("#revision")).to_have_attribute("data-revision", str(revision))
    # Polled with evaluate: wait_for_function evaluates text, which the page's CSP forbids.
    deadline = time.monotonic() + 10
    while page.evaluate("window.argmapLive.state.drawn") < revision:
        assert time.monotonic() < deadline, f"the drawing of revision {revision} never came"
        page.wait_for_timeout(50)


def test_every_kind_of_change_is_patched_in_and_matches_a_fresh_page(shared, new_page):
    room = make_room(shared, ["Homework helps", "Uniforms help"])
    claim, other = room["ids"]
    ben = join(new_page(), shared, room, "Ben", claim)
    traffic = Traffic(ben)
    first = stored_revision(shared, room["map"])

    def change(work):
        return on_file(shared.database, work)

    def add(text, parent, kind="support", **more):
        fields = {"kind": kind, "text": text, "parent_id": parent, **more}
        return change(lambda db: nodes.add_node(db, room["map"], fields, ANA)["id"])

    why = add("Practice <b>counts</b>", claim)
    spaced, tired = add("Spaced", why, group=1), add("Tired", claim, "counter")
    add("Retrieval", why, group=1)
    linked = {"from_id": spaced, "to_id": other, "relation": "counter"}
    link = change(lambda db: links.add_link(db, room["map"], linked, ANA))
    change(lambda db: nodes.update_node(db, room["map"], tired, {"text": "Pupils are tired"}, ANA))
    change(lambda db: maps.update_map(db, room["map"], "Homework, again", "Year 9", ANA))
    change(lambda db: deletion.delete_node(db, room["map"], why, "reattach", None, ANA))
    newest = change(lambda db: db.execute("SELECT MAX(id) FROM events").fetchone()[0])
    change(lambda db: undoing.undo(db, room["map"], newest, "Olga"))
    change(lambda db: links.delete_link(db, room["map"], link["id"], ANA))
    last = stored_revision(shared, room["map"])
    caught_up(ben, last)
    expect(ben.locator("#map-title")).to_have_text("Homework, again")
    fresh = join(new_page(), shared, room, "Cara", claim)
    assert ben.locator("#outline").inner_html() != ""
    assert ben.locator("#outline").inner_text() == fresh.locator("#outline").inner_text()
    for part in ("#links", "#selected"):
        assert ben.locator(part).inner_text() == fresh.locator(part).inner_text()
    model = ben.evaluate("window.argmapLive.state.at.model")
    remembered = model.pop("authors")  # who wrote each node, deleted ones too
    assert (model.pop("votes"), model.pop("my_votes")) == ({}, {})  # nobody voted here
    assert model == on_file(shared.database, lambda db: authors.load(db, room["map"], "editor"))
    assert remembered[str(why)] == "Ana"
    for node in (claim, other, spaced, tired):
        expect(ben.locator(f"#diagram g#node-{node}")).to_have_count(1)
    assert traffic.count("/fragments") == 0 and traffic.count("/api/maps/") == 0
    assert 1 <= traffic.count("/diagram.svg") <= last - first and stayed(ben)


def test_a_change_the_page_cannot_patch_makes_it_load_the_map_once(shared, new_page):
    room = make_room(shared, ["Homework helps"])
    ben = join(new_page(), shared, room, "Ben")
    traffic = Traffic(ben)

    def bulk(db):  # a change without a patch, as an import into the map would be
        with write(db):
            for text in ("Brought in one", "Brought in two"):
                fields = nodes.clean_fields({"kind": "claim", "text": text})
                nodes.insert(db, room["map"], fields)
            events.record(db, room["map"], "map.import", data={"after": {"nodes": 2}})

    on_file(shared.database, bulk)
    caught_up(ben, stored_revision(shared, room["map"]))
    assert outline_texts(ben) == ["Homework helps", "Brought in one", "Brought in two"]
    expect(ben.locator("#live-notice")).to_have_text("Someone changed the map.")
    assert traffic.count("/api/maps/") == 1 and stayed(ben)


def test_a_change_to_a_big_map_costs_a_page_a_few_kilobytes(shared, new_page):
    room = make_room(shared, ["Phones in class"])

    def grow(db):
        ids = room["ids"][:]
        for number in range(299):
            text = f"Reason {number}: " + "words that wrap in the diagram " * 3
            kind = "support" if number % 3 else "counter"
            fields = {"kind": kind, "parent_id": ids[number // 4], "text": text}
            ids.append(nodes.add_node(db, room["map"], fields, ANA)["id"])
        return ids

    ids = on_file(shared.database, grow)
    ben = join(new_page(), shared, room, "Ben")
    caught_up(ben, stored_revision(shared, room["map"]))  # its first drawing is not an edit's
    traffic = Traffic(ben)
    for number in range(5):
        on_file(
            shared.database,
            lambda db, n=number: nodes.update_node(
                db, room["map"], ids[n + 10], {"text": f"Edited {n}"}, ANA
            ),
        )
        caught_up(ben, stored_revision(shared, room["map"]))
        expect(ben.locator(f"#o-{ids[number + 10]} > a")).to_have_text(f"Edited {number}")
    received = sum(size for _, size, _ in traffic.sizes)
    drawings = [(size, encoding) for url, size, encoding in traffic.sizes if "/diagram.svg" in url]
    assert drawings and all(encoding == "gzip" for _, encoding in drawings)
    assert traffic.count("/api/maps/") == 0 and traffic.count("/fragments") == 0
    assert len(drawings) <= 5  # at most one drawing per edit
    assert received / 5 < 100_000, traffic.sizes  # /fragments: about 600 KB at 300 nodes


def claim(server, room, text: str) -> int:
    """Ana adds a claim; returns its id."""
    fields = {"kind": "claim", "text": text}
    return on_file(server.database, lambda db: nodes.add_node(db, room["map"], fields, ANA)["id"])


NO_LOCKS = "Object.defineProperty(Navigator.prototype, 'locks', {get: () => undefined})"


def leaders(pages) -> int:
    """How many of the pages hold the shared stream."""
    return sum(page.evaluate("window.argmapLive.state.leader") for page in pages)


@pytest.mark.parametrize("locks", [True, False], ids=["web-locks", "plain-http-election"])
def test_ten_tabs_of_one_browser_share_one_stream_and_all_update(shared, browser, locks):
    room = make_room(shared, ["Longer breaks"])
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    context.set_default_timeout(15_000)
    if not locks:  # as on a school network over plain http: no secure context, no Web Locks
        context.add_init_script(NO_LOCKS)
    try:
        traffic = Traffic(context)
        pages = [context.new_page() for _ in range(10)]
        for page in pages:
            open_map(page, shared, room)
        assert traffic.count("/events") == 1 and traffic.count("/api/maps/") == 10
        added = claim(shared, room, "Seen in every tab")
        for page in pages:
            expect(page.locator(f"#o-{added} > a")).to_have_text("Seen in every tab")
            expect(page.locator(f"#diagram g#node-{added}")).to_have_count(1)
        pages[0].close()  # the tab holding the stream: another one takes it over
        again = claim(shared, room, "After the first tab closed")
        for page in pages[1:]:
            expect(page.locator(f"#o-{again} > a")).to_have_text("After the first tab closed")
        for _ in range(50):  # without Web Locks, several tabs may claim it; one stays
            if leaders(pages[1:]) == 1:
                break
            pages[1].wait_for_timeout(200)
        assert leaders(pages[1:]) == 1 and all(stayed(page) for page in pages[1:])
        if locks:
            assert traffic.count("/events") == 2
    finally:
        context.close()
