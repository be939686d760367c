"""One Graphviz run: the drawing gzipped as it is written, the time and memory limits."""

from __future__ import annotations

import fcntl
import gc
import gzip
import http.client
import os
import subprocess
import sys
import time

import pytest
from conftest import Server
from livehelp import on_file, owned_map

from argmap import dot, graphviz_process, nodes, render
from argmap.errors import RenderError, RenderTimeout

MEMORY = 2 * 1024**3


def chain(count: int) -> str:
    """DOT for a chain of `count` labelled nodes (about 150 bytes of SVG each)."""
    lines = [f'n{i} [label="Reason {i}" id="node-{i}"];' for i in range(count)]
    lines += [f"n{i + 1} -> n{i};" for i in range(count - 1)]
    return "digraph argmap {\n" + "\n".join(lines) + "\n}\n"


def test_a_drawing_gzipped_as_written_is_the_drawing_graphviz_writes(tmp_path):
    source = chain(400)  # an SVG of several hundred KB: many reads of the pipe
    (tmp_path / "map.dot").write_text(source)
    alone = subprocess.run(["dot", "-Tsvg", str(tmp_path / "map.dot")], capture_output=True)
    done = graphviz_process.run(["dot", "-Tsvg"], source, MEMORY, 20, gzipped=True)
    assert done.returncode == 0 and done.output[:2] == b"\x1f\x8b"
    assert gzip.decompress(done.output) == alone.stdout
    assert done.size == len(alone.stdout) > 200_000
    plain = graphviz_process.run(["dot", "-Tsvg"], source, MEMORY, 20)
    assert plain.output == alone.stdout and plain.size == len(plain.output)


def test_a_stored_drawing_is_gzipped_and_reads_back_as_drawn():
    limits = render.Limits()
    packed = render.run(chain(30), "svg", limits, packed=True)
    plain = render.run(chain(30), "svg", limits)
    assert packed[:2] == b"\x1f\x8b" and render.unpack(packed) == plain
    assert plain.startswith(b"<?xml") and b'id="node&#45;29"' in plain
    png = render.run(chain(3), "png", limits, packed=True)  # pictures are stored as they are
    assert png.startswith(b"\x89PNG")
    dot_text = render.run(chain(3), "dot", limits, packed=True)
    assert render.unpack(dot_text) == chain(3).encode()


def running(marker: str) -> list[str]:
    """The processes running now whose command line holds `marker`."""
    found = subprocess.run(["pgrep", "-f", "--", marker], capture_output=True, text=True)
    return found.stdout.split()


def test_a_run_over_its_time_is_stopped_and_leaves_no_process():
    marker = f"-Gcomment=timeout-probe-{os.getpid()}"
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match="longer than 0.2 s"):
        graphviz_process.run(["dot", "-Tsvg", marker], heavy(), MEMORY, 0.2)
    assert time.monotonic() - started < 2
    assert running(marker) == []


def heavy() -> str:
    """DOT that `dot` takes many seconds to lay out (a chain crossed by random edges)."""
    edges = [f"n{i} -> n{i + 1};" for i in range(1500)]
    edges += [f"n{(i * 7919) % 1500} -> n{(i * 104729) % 1500};" for i in range(3000)]
    return "digraph g {\n" + "\n".join(edges) + "\n}\n"


def in_parts(source: str, size: int, made: list[float], pause: float = 0.0):
    """The source in parts of `size` characters, noting when each is made."""
    for start in range(0, len(source), size):
        time.sleep(pause)
        made.append(time.monotonic())
        yield source[start : start + size]


def test_a_source_in_parts_is_read_while_it_is_made_and_drawn_as_the_whole(tmp_path):
    marker = f"-Gcomment=parts-probe-{os.getpid()}"
    source, seen = chain(400), []

    def parts():
        for number, part in enumerate(in_parts(source, 4000, [])):
            if number == 3:
                seen.append(running(marker))  # Graphviz already runs, reading the first parts
            yield part

    done = graphviz_process.run(["dot", "-Tsvg", marker], parts(), MEMORY, 20)
    whole = graphviz_process.run(["dot", "-Tsvg", marker], source, MEMORY, 20)
    assert done.returncode == 0 and done.output == whole.output and done.size > 200_000
    assert len(seen) == 1 and seen[0] != [] and running(marker) == []


def test_the_end_part_ends_the_input_before_the_rest_of_the_parts_is_run(tmp_path):
    """What the caller does after the DOT (naming the drawing) runs while Graphviz draws,
    not before Graphviz has read to the end of its input."""
    ended = tmp_path / "ended"
    seen: list[bool] = []

    def parts():
        yield "digraph { a -> b }\n"
        yield ""  # nothing to write yet: not the end
        yield graphviz_process.END
        deadline = time.monotonic() + 5
        while not ended.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(ended.exists())

    command = ["sh", "-c", f"cat > /dev/null && touch {ended} && echo drawn"]
    done = graphviz_process.run(command, parts(), MEMORY, 20)
    assert (done.returncode, done.output, seen) == (0, b"drawn\n", [True])


def test_a_part_that_cannot_be_made_stops_graphviz_and_leaves_no_process():
    marker = f"-Gcomment=broken-probe-{os.getpid()}"

    def parts():
        yield "digraph g {\n a -> b;\n"
        raise ValueError("no more parts")

    with pytest.raises(ValueError, match="no more parts"):
        graphviz_process.run(["dot", "-Tsvg", marker], parts(), MEMORY, 20)
    assert running(marker) == []


def test_graphviz_that_stops_reading_ends_the_feed_with_its_message():
    made: list[float] = []
    bad = "digraph g {\n a -> ;\n" + "x" * 50 * 4000
    started = time.monotonic()
    done = graphviz_process.run(["dot", "-Tsvg"], in_parts(bad, 4000, made, 0.02), MEMORY, 20)
    assert done.returncode != 0 and b"syntax error" in done.stderr and done.size == 0
    assert len(made) < 50 and time.monotonic() - started < 1.0  # the rest was never made
    with pytest.raises(RenderError, match="syntax error"):
        render.run(in_parts(bad, 4000, []), "svg", render.Limits())


def test_the_time_spent_making_the_parts_is_not_graphvizs():
    made: list[float] = []
    parts = in_parts(chain(20), 100, made, 0.05)  # about a second to make, 0.3 s allowed
    done = graphviz_process.run(["dot", "-Tsvg"], parts, MEMORY, 0.3)
    assert done.returncode == 0 and b"Reason 19" in done.output
    assert made[-1] - made[0] > 0.3
    with pytest.raises(RenderTimeout, match="longer than 0.2 s"):
        graphviz_process.run(["dot", "-Tsvg"], in_parts(heavy(), 20_000, []), MEMORY, 0.2)


def test_graphviz_runs_under_the_memory_limit():
    assert graphviz_process.run(["dot", "-Tsvg"], chain(5), MEMORY, 20).returncode == 0
    done = graphviz_process.run(["dot", "-Tsvg"], chain(5), 2 * 1024**2, 20)
    assert done.returncode != 0 and done.size == 0
    with pytest.raises(RenderError, match="Graphviz failed"):
        render.run(chain(5), "svg", render.Limits(memory=2 * 1024**2))


def test_the_limit_the_environment_and_the_exit_code_reach_argmap():
    done = graphviz_process.run(["sh", "-c", "ulimit -v"], "", 64 * 1024**2, 20)
    assert done.output.split() == [b"65536"]  # kB: the limit reached the program
    # CPU seconds past the time limit: a Graphviz left behind by an ended server stops too.
    assert graphviz_process.run(["sh", "-c", "ulimit -t"], "", MEMORY, 20).output == b"21\n"
    env = {**os.environ, "GVBINDIR": "/plugins/without/pango"}  # as argmap.plaintext sets it
    done = graphviz_process.run(["sh", "-c", 'echo "$GVBINDIR"'], "", MEMORY, 20, env)
    assert done.output == b"/plugins/without/pango\n"
    assert graphviz_process.run(["sh", "-c", "echo x; exit 3"], "", MEMORY, 20).returncode == 3
    killed = graphviz_process.run(["sh", "-c", "echo x; kill -9 $$"], "", MEMORY, 20)
    assert (killed.returncode, killed.output) == (-9, b"x\n")
    assert "stopped by signal 9" in render.failure(killed, render.Limits())


def test_a_run_out_of_cpu_time_is_a_timeout_even_while_its_parts_are_still_made():
    # Making parts is not Graphviz's time, but its CPU is capped a second past the limit.
    spin = ["sh", "-c", "while :; do :; done"]
    with pytest.raises(RenderTimeout, match="longer than 0.5 s"):
        graphviz_process.run(spin, in_parts("x" * 40, 4, [], 0.5), MEMORY, 0.5)
    assert graphviz_process.run(["sh", "-c", "ulimit -c"], "", MEMORY, 20).output == b"0\n"


UNDER_GEVENT = """
from gevent import monkey; monkey.patch_all()
import subprocess, sys
from argmap import graphviz_process
assert subprocess.Popen(["true"]).wait() == 0  # gevent's reaper of child processes now runs
codes = [graphviz_process.run(["sh", "-c", "sleep 0.05; exit 3"], "", 2**31, 20).returncode
         for _ in range(5)]
drawn = graphviz_process.run(["dot", "-Tsvg"], "digraph { a -> b }", 2**31, 20)
print(codes, drawn.returncode, drawn.output.count(b'class="node"'))
"""


def test_under_gevent_the_exit_code_comes_through_though_gevent_reaps_children():
    # gevent's reaper collects any child process that ends: the code still comes through.
    done = subprocess.run(
        [sys.executable, "-c", UNDER_GEVENT], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "[3, 3, 3, 3, 3] 0 2"


def reasons(db, map_id: int, count: int) -> None:
    """A claim and `count` reasons below it."""
    claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Uniforms help"})["id"]
    for i in range(count):
        nodes.add_node(db, map_id, {"kind": "support", "text": f"Reason {i}", "parent_id": claim})


@pytest.mark.server
@pytest.mark.parametrize("tidy_at", [1500, 5], ids=["dot", "tidy tree"])
def test_the_server_draws_under_gevent_and_sends_the_drawing_as_stored(tmp_path, tidy_at):
    server = Server(tmp_path, env={"ARGMAP_RENDER_TIDY_AT": str(tidy_at)})
    try:
        _, map_id = on_file(server.database, owned_map)
        on_file(server.database, lambda db: reasons(db, map_id, 300))  # DOT in several parts
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", f"/maps/{map_id}/diagram.svg", headers={"Accept-Encoding": "gzip"})
        answer = conn.getresponse()
        body = answer.read()
        conn.close()
        assert (answer.status, answer.getheader("Content-Encoding")) == (200, "gzip")
        drawn = gzip.decompress(body)
        assert drawn.count(b'class="node') == 301 and b"Reason 299" in drawn
        query = "SELECT body FROM renders WHERE status = 'ok'"
        stored = on_file(server.database, lambda db: db.execute(query).fetchone()[0])
        assert bytes(stored) == body  # gzipped once, as Graphviz wrote it, and sent as stored
    finally:
        server.stop()


@pytest.mark.parametrize("was_on", [True, False])
def test_making_dot_pauses_the_cycle_collector_and_leaves_it_as_it_was(was_on):
    graph = {"nodes": [{"id": 1, "kind": "claim", "text": "Uniforms", "parent_id": None}]}
    graph["nodes"][0].update(group=None, undercut=0)
    seen = []
    real = dot.build

    def build(*args, **kwargs):  # the parts are made as they are read: seen as each is made
        for part in real(*args, **kwargs):
            seen.append(gc.isenabled())
            yield part

    (gc.enable if was_on else gc.disable)()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(dot, "build", build)
            text, program = render.source({**graph, "links": []}, render.Limits())
        assert seen and not any(seen)
        assert (gc.isenabled(), program) == (was_on, "dot")
        assert 'id="node-1"' in text
    finally:
        gc.enable()


def test_a_big_read_leaves_the_collector_no_pass_over_all_it_kept():
    """After reading a big file the collector does not at once pass over the whole map read
    (what a paused block kept goes to the oldest generation), yet a cycle made in such a
    block is still collected."""
    from argmap import collector
    from argmap.formats import registry
    from bench.readers import argdown_tree

    text = argdown_tree(5000)
    passes: list[str] = []

    def seen(phase, info):
        passes.append(f"{phase} {info['generation']}")

    gc.collect()
    gc.callbacks.append(seen)
    try:
        _, data = registry.read(text)
    finally:
        gc.callbacks.remove(seen)
    assert len(data.nodes) == 5001 and passes == []
    with collector.paused(keeps=True):
        kept = [[] for _ in range(collector.SETTLE_FROM)]
        ring: list = []
        ring.append(ring)
    del kept, ring
    assert gc.collect() >= 1


def test_graphviz_reads_and_writes_through_pipes_of_a_megabyte(tmp_path):
    with open(tmp_path / "errors", "w+b") as errors:
        process = graphviz_process.start(["sleep", "0.5"], MEMORY, None, errors.fileno())
        try:
            sizes = [fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ) for fd in (process.feed, process.out)]
        finally:
            os.close(process.feed)
            process.end()
    assert sizes == [graphviz_process.PIPE_SIZE] * 2 and graphviz_process.PIPE_SIZE == 1 << 20
