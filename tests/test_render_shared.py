"""Rendering shared across requests and processes: one Graphviz run per view, bounded runs."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from argmap import dot, drawahead, events, links, maps, nodes, render
from argmap.db import connect, write

ROOT = Path(__file__).resolve().parent.parent
WRAPPER = """#!/bin/sh
[ "$1" = "-c" ] && exec {real} "$@"  # Graphviz writing its plugin list: not a drawing
echo "start $$ $(date +%s.%N) $0" >> {log}
sleep {delay}
{real} "$@"
code=$?
echo "end $$ $(date +%s.%N) $0" >> {log}
exit $code
"""


@pytest.fixture
def runs(tmp_path, monkeypatch):
    """Count Graphviz runs: `dot` and `neato` on PATH log each start and end, then run."""
    folder, log = tmp_path / "bin", tmp_path / "graphviz.log"
    folder.mkdir()

    def install(delay: float = 0.0) -> None:
        for program in ("dot", "neato"):
            path = folder / program
            text = WRAPPER.format(log=log, delay=delay, real=f"/usr/bin/{program}")
            path.write_text(text)
            path.chmod(0o755)

    install()
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")

    class Runs:
        slow = staticmethod(install)

        @staticmethod
        def lines() -> list[list[str]]:
            return [line.split() for line in log.read_text().splitlines()] if log.exists() else []

        def count(self) -> int:
            return sum(1 for line in self.lines() if line[0] == "start")

        def most_at_once(self) -> int:
            level = most = 0
            for kind, *_ in sorted(self.lines(), key=lambda line: float(line[2])):
                level += 1 if kind == "start" else -1
                most = max(most, level)
            return most

    return Runs()


def tree(db, title: str, size: int) -> tuple[int, list[int]]:
    """A map of one claim and `size - 1` reasons in a tree."""
    m = maps.create_map(db, title)
    ids = [nodes.add_node(db, m, {"kind": "claim", "text": f"{title} thesis"})["id"]]
    for i in range(1, size):
        parent = ids[(i - 1) // 3]
        node = nodes.add_node(
            db, m, {"kind": "support", "text": f"Reason {i}", "parent_id": parent}
        )
        ids.append(node["id"])
    return m, ids


def path_of(db) -> str:
    """The database file behind a connection."""
    return db.execute("PRAGMA database_list").fetchone()[2]


def in_threads(count: int, work) -> list:
    """Run work(index) in `count` threads at once; their results in order."""
    results: list = [None] * count
    barrier = threading.Barrier(count)

    def one(index: int) -> None:
        barrier.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_pages_asking_at_once_share_one_graphviz_run(db, runs):
    m, _ = tree(db, "Shared", 12)
    runs.slow(0.3)

    def ask(_index: int) -> bytes:
        own = connect(path_of(db))
        try:
            return render.diagram(own, m, "svg").body
        finally:
            own.conn.close()

    bodies = in_threads(6, ask)
    assert runs.count() == 1
    assert len(set(bodies)) == 1 and b"Shared thesis" in bodies[0]


def test_processes_asking_at_once_share_one_graphviz_run(db, runs):
    m, _ = tree(db, "Across", 12)
    runs.slow(0.5)
    code = (
        "import sys; from argmap import render; from argmap.db import connect;"
        f"print(len(render.diagram(connect({path_of(db)!r}), {m}, 'svg').body))"
    )
    started = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=ROOT)
        for _ in range(4)
    ]
    sizes = {int(p.communicate(timeout=60)[0]) for p in started}
    assert runs.count() == 1 and len(sizes) == 1


def test_graphviz_runs_are_bounded_and_one_map_takes_one_slot(db, runs):
    runs.slow(0.3)
    first, ids = tree(db, "Slow", 12)
    second, _ = tree(db, "Other", 5)
    limits = render.Limits(focus_at=1, slots=2)

    def ask(index: int) -> None:
        own = connect(path_of(db))
        try:
            if index < 4:  # four views of one map
                render.diagram(own, first, "svg", ids[index], limits)
            else:
                render.diagram(own, second, "svg", None, render.Limits(slots=2))
        finally:
            own.conn.close()

    in_threads(5, ask)
    assert runs.count() == 5
    assert runs.most_at_once() == 2  # the map's four views took turns in one slot


def test_a_change_to_undrawn_fields_runs_no_graphviz(db, runs):
    m, ids = tree(db, "Quotes", 4)
    first = render.diagram(db, m, "svg")
    nodes.update_node(db, m, ids[1], {"quote": "A passage", "source": "https://example.org"})
    again = render.diagram(db, m, "svg")
    assert runs.count() == 1
    assert again.body == first.body and again.revision == maps.get_map(db, m)["revision"]
    nodes.update_node(db, m, ids[1], {"text": "Reason one, reworded"})
    assert b"reworded" in render.diagram(db, m, "svg").body and runs.count() == 2


def test_a_map_changing_faster_than_it_is_drawn_is_drawn_at_its_latest_revision(db, runs):
    m, ids = tree(db, "Busy", 6)
    render.diagram(db, m, "svg")
    runs.slow(0.6)
    drawing = threading.Thread(target=lambda: render.diagram(connect(path_of(db)), m, "svg"))
    nodes.update_node(db, m, ids[1], {"text": "First change"})
    drawing.start()
    while runs.count() < 2:
        pass
    for number in range(3):
        nodes.update_node(db, m, ids[2], {"text": f"Change {number}"})
        meanwhile = render.diagram(db, m, "svg", wait=False)
        assert meanwhile.updating and meanwhile.revision < meanwhile.current
    latest = render.diagram(db, m, "svg")
    drawing.join()
    assert b"Change 2" in latest.body and not latest.updating
    assert runs.count() == 3  # the first drawing, the one in progress, then only the latest


def test_a_timed_out_whole_map_shows_its_focused_view_at_once_afterwards(db, runs):
    m, ids = tree(db, "Slowly", 30)
    limits = render.Limits(timeout=0.001, focus_radius=1)
    first = render.diagram(db, m, "svg", ids[0], limits)
    before = runs.count()
    again = render.diagram(db, m, "svg", ids[0], render.Limits(focus_radius=1))
    assert first.focused and again.focused and again.body == first.body
    assert runs.count() == before  # no second try at the whole map, the focused view kept


def test_big_maps_are_drawn_whole_as_a_tidy_tree_thesis_on_the_left(db, runs):
    m, ids = tree(db, "Tidy", 40)
    links.add_link(db, m, {"from_id": ids[39], "to_id": ids[2], "relation": "counter"})
    drawn = render.diagram(db, m, "svg", None, render.Limits(tidy_at=30))
    assert (drawn.focused, drawn.shown) == (False, 40)
    assert [line[3].rsplit("/", 1)[1] for line in runs.lines() if line[0] == "start"] == ["neato"]
    text = drawn.body.decode()
    assert all(f'id="node&#45;{i}"' in text for i in ids)
    assert text.count('class="edge"') == 40  # 39 parent edges and the link
    source = render.diagram(db, m, "dot", None, render.Limits(tidy_at=30)).body.decode()
    x = {int(n): float(v) for n, v in re.findall(r'\bn(\d+) \[pos="([\d.]+),', source)}
    assert min(x, key=x.get) == ids[0] and len(x) == 40


def test_a_drawing_whose_claim_was_taken_over_stores_nothing(db):
    m, _ = tree(db, "Taken", 3)
    view, limits = render.View(), render.Limits()
    first = render.claim(db, m, "svg", view, limits)
    db.execute("UPDATE renders SET claimed_at = 0")  # the first claimant looks gone
    second = render.claim(db, m, "svg", view, limits)
    assert first and second and first != second
    late = render.Drawing(99, "ok", b"<svg>late</svg>", 1)
    render.keep(db, (m, "svg", view, first), late, "digest")
    render.release(db, (m, "svg", view, first))
    stored = db.execute("SELECT revision, status, claimer FROM renders WHERE map_id = ?", (m,))
    assert tuple(stored.fetchone()) == (-1, "none", second)


def test_votes_and_comments_neither_build_dot_nor_run_graphviz(db, runs, monkeypatch):
    m, ids = tree(db, "Votes", 4)
    first = render.diagram(db, m, "svg")
    built = []
    real_build = dot.build
    monkeypatch.setattr(dot, "build", lambda *a, **k: built.append(1) or real_build(*a, **k))
    monkeypatch.setattr(events, "UNDRAWN", (*events.UNDRAWN, "test.ping"))
    for action in ("vote.set", "comment.add", "test.ping"):
        with write(db):
            events.record(db, m, action, ids[1], {"after": {"value": 1}}, "Ana")
        revision = maps.get_map(db, m)["revision"]
        limits = render.Limits()
        assert render.claim(db, m, "svg", render.View(), limits) is None  # nothing to draw
        again = render.diagram(db, m, "svg")
        assert (again.revision, again.current, again.updating) == (revision, revision, False)
        assert again.body == first.body and again.shows == first.shows
    assert runs.count() == 1 and built == []
    kept = db.execute("SELECT revision FROM renders WHERE map_id = ?", (m,)).fetchall()
    assert [r[0] for r in kept] == [first.revision]  # stored once, still current
    nodes.update_node(db, m, ids[1], {"text": "Reason one, reworded"})
    redrawn = render.diagram(db, m, "svg")
    assert b"reworded" in redrawn.body and runs.count() == 2 and built == [1]
    assert redrawn.shows == maps.get_map(db, m)["revision"]


def test_the_drawn_revision_is_the_newest_drawn_change(db):
    m, ids = tree(db, "Marks", 2)
    drawn_at = maps.get_map(db, m)["revision"]
    assert events.drawn_revision(db, m, drawn_at) == drawn_at
    for action in ("vote.set", "comment.add", "map.lock", "map.unlock"):
        with write(db):
            events.record(db, m, action, None, {}, "Olga")
        assert not events.drawn(action)
    now = maps.get_map(db, m)["revision"]
    assert now == drawn_at + 4 and events.drawn_revision(db, m, now) == drawn_at
    assert events.drawn_revision(db, m, drawn_at - 1) == drawn_at - 1
    drawn = ("node.add", "link.add", "node.hide", "map.moderation", "member.role", "voted.x")
    for action in (*drawn, "map.import"):
        assert events.drawn(action), action
    plan = db.execute(
        "EXPLAIN QUERY PLAN " + events.drawn_revision_sql(events.UNDRAWN), (m, now, *events.UNDRAWN)
    ).fetchall()
    assert "events_map" in " ".join(str(tuple(p)) for p in plan)  # the index, newest first


def test_a_map_changing_while_drawn_ahead_is_drawn_once_more_at_its_newest_revision(db, runs):
    m, ids = tree(db, "Ahead", 6)
    ahead = drawahead.Drawer(path_of(db))
    ahead.want(m, drawahead.Want(), render.Limits())
    runs.slow(0.4)
    deadline = time.monotonic() + 20
    for n in range(5):  # four more changes while the first one's drawing is under way
        nodes.update_node(db, m, ids[1], {"text": f"Draft {n}"})
        assert ahead.changed(m) is True
        while runs.count() < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    while ahead.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not ahead.running
    assert runs.count() == 2 and runs.most_at_once() == 1  # the first change, then the newest
    newest = maps.get_map(db, m)["revision"]
    kept = render.kept_drawing(db, m, "svg", render.View())
    assert kept.revision == newest and "Draft 4" in render.unpack(kept.data).decode()
    assert drawahead.Drawer(path_of(db)).changed(m) is False  # nobody asked for this map


def test_a_stopping_worker_gives_up_the_drawings_it_was_making(db):
    m, _ = tree(db, "Stopping", 3)
    view, limits = render.View(), render.Limits()
    token = render.claim(db, m, "svg", view, limits)
    assert token and render.claim(db, m, "svg", view, limits) is None  # drawn by us: wait
    render.release_held()  # the worker's shutdown hook (argmap.cli.server.stop_streams)
    assert render.stored(db, m, "svg", view)["claimer"] is None
    assert render.diagram(db, m, "svg").revision == maps.get_map(db, m)["revision"]


def test_a_claim_left_by_a_process_that_died_is_drawn_over_at_once(db):
    m, ids = tree(db, "Orphan", 3)
    render.diagram(db, m, "svg")
    nodes.update_node(db, m, ids[1], {"text": "After the crash"})
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process id nobody has any more
    db.execute(
        "UPDATE renders SET pending = 1, claimed_at = ?, claimer = ? WHERE map_id = ?",
        (time.time(), f"{gone.pid}-0123456789abcdef", m),
    )
    drawn = render.diagram(db, m, "svg", wait=False)  # not the last drawing: drawn now
    assert drawn.revision == maps.get_map(db, m)["revision"] and not drawn.updating
    assert "After the crash" in drawn.body.decode().replace("\xa0", " ")


def test_a_drawing_is_named_by_every_drawn_field_and_how_it_is_laid_out():
    node = {"id": 1, "kind": "claim", "text": "A", "parent_id": None, "group": None}
    link = {"from_id": 2, "to_id": 1, "relation": "support", "group": None, "undercut": 0}
    graph = {
        "nodes": [{**node, "undercut": 0}, {**node, "id": 2, "kind": "support", "parent_id": 1}],
        "links": [link],
    }
    name = render.digest_of(graph, "dot dot rl")
    assert render.digest_of({**graph}, "dot dot rl") == name
    changed = [
        render.digest_of(graph, "dot dot bt"),
        render.digest_of(graph, "neato tidy"),
        *(
            render.digest_of(
                {**graph, "nodes": [{**graph["nodes"][0], key: value}, graph["nodes"][1]]},
                "dot dot rl",
            )
            for key, value in [
                ("text", "B"),
                ("kind", "support"),
                ("parent_id", 2),
                ("group", 1),
                ("undercut", 1),
                ("id", 3),
            ]
        ),
        *(
            render.digest_of({**graph, "links": [{**link, key: value}]}, "dot dot rl")
            for key, value in [("relation", "counter"), ("to_id", 2), ("group", 2), ("undercut", 1)]
        ),
        render.digest_of({**graph, "links": []}, "dot dot rl"),
    ]
    assert len({name, *changed}) == len(changed) + 1


def test_equal_rows_give_the_same_name_whoever_made_their_values():
    """Rows read twice are equal values in other objects (strings shared or not, interned or
    not): the name depends on the values alone."""
    text = "".join(["Same words, ", "read again"])

    def graph(kinds: list[str], texts: list[str]) -> dict:
        nodes = [
            {"id": number, "kind": kind, "text": said, "width": 1.5}
            for number, (kind, said) in enumerate(zip(kinds, texts, strict=True))
        ]
        return {"nodes": nodes, "links": []}

    shared = graph([sys.intern("claim")] * 2, [text, text])
    apart = graph(["".join(["cl", "aim"]) for _ in range(2)], [text[:6] + text[6:], text + ""])
    assert shared["nodes"][0]["text"] is not apart["nodes"][0]["text"]
    assert render.digest_of(shared, "neato tidy") == render.digest_of(apart, "neato tidy")
