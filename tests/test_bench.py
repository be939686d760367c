"""`python -m bench`: the render table for small maps, and the synthetic maps it measures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from argmap.db import connect, rows
from argmap.formats.model import check
from bench.synthetic import generate, write_map

ROOT = Path(__file__).resolve().parent.parent
DURATION = re.compile(r"^\d+(\.\d+)? m?s$")


def bench(*args: str) -> subprocess.CompletedProcess:
    """Run `python -m bench` from the project folder, as `make bench` does."""
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def table_rows(output: str) -> dict[str, list[str]]:
    """The table's data lines, keyed by their first cell (cells are split on 2+ spaces)."""
    found = {}
    for line in output.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) >= 3:
            found[cells[0]] = cells
    return found


@pytest.fixture(scope="module")
def small_run() -> subprocess.CompletedProcess:
    """One bench run of the render section on maps of 10 and 100 nodes."""
    return bench("--only", "render", "--sizes", "10,100", "--repeat", "1")


def test_render_section_prints_a_row_of_figures_per_size(small_run):
    assert small_run.returncode == 0, small_run.stderr
    found = table_rows(small_run.stdout)
    for size, links in (("10", "2"), ("100", "15")):
        nodes, link_count, view, svg_kib, cold, spent, cached, get, raw, cpu, share = found[size]
        assert (nodes, link_count, view) == (size, links, "whole, dot")
        assert int(svg_kib) > 0 and float(share) > 0
        own, graphviz = spent.split(" + ")  # a cold render's CPU: argmap's own, Graphviz's
        for figure in (cold, own, graphviz, cached, get, raw, cpu):
            assert DURATION.match(figure), figure


def test_render_section_prints_targets_with_marks(small_run):
    found = table_rows(small_run.stdout)
    assert found["cached diagram < 20 ms at any size (direct and GET)"][2] in ("pass", "FAIL")
    assert found["cold 100-node map < 100 ms"][2] in ("pass", "FAIL")
    assert found["cold 2,000-node map < 3 s"][1:] == ["-", "not measured"]
    assert found["no size hangs (every cold render drawn within the time limit)"][2] == "pass"
    assert found["cold 500-node map within 1.2x Graphviz alone"][1:] == ["-", "not measured"]
    assert found["5,000-node map drawn whole < 1.5 s"][1:] == ["-", "not measured"]
    assert "Settings: fast_at=" in small_run.stdout


def test_progress_goes_to_stderr_and_tables_to_stdout(small_run):
    assert "%|" not in small_run.stdout and "%|" in small_run.stderr
    assert "render 100 nodes" in small_run.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sizes", "ten"], "sizes must be whole numbers like 10,100: 'ten'"),
        (["--sizes", "0,10"], "give one or more sizes of 1 or more: '0,10'"),
        (["--only", "nothing"], "invalid choice: 'nothing'"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(args, message):
    done = bench(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_synthetic_map_is_deterministic_tree_with_cross_links():
    data = generate(400)
    assert generate(400) == data
    assert generate(400, seed=2) != data
    check(data)
    assert [n.kind for n in data.nodes].count("claim") == 1
    assert len(data.links) == 60
    assert all(int(li.source) > int(li.target) for li in data.links)
    assert all(20 <= len(n.text) <= 300 for n in data.nodes)


def test_synthetic_map_is_written_to_a_fresh_sqlite_file(tmp_path):
    map_id = write_map(tmp_path / "bench.sqlite", 50)
    db = connect(str(tmp_path / "bench.sqlite"))
    nodes = rows(db, "SELECT kind, parent_id FROM nodes WHERE map_id = ?", (map_id,))
    links = rows(db, "SELECT relation FROM links WHERE map_id = ?", (map_id,))
    db.conn.close()
    assert len(nodes) == 50 and len(links) == 8
    assert sum(n["parent_id"] is None for n in nodes) == 1


def test_readers_section_times_argdown_and_awkward_shapes():
    done = bench("--only", "readers", "--sizes", "200", "--repeat", "1")
    assert done.returncode == 0, done.stderr
    found = table_rows(done.stdout)
    [line, written] = [line for line in done.stdout.splitlines() if "tree of 200 relations" in line]
    assert re.split(r"\s{2,}", written.strip())[1] == "201"  # imported: nodes in the database
    assert DURATION.match(re.split(r"\s{2,}", written.strip())[2])
    fmt, name, kib, nodes, relations, read, checked, result = re.split(r"\s{2,}", line.strip())
    assert (fmt, nodes, relations, result) == ("argdown", "201", "200", "read")
    assert DURATION.match(read) and DURATION.match(checked)
    assert "one chain of 200" in done.stdout and "chain of 200, 1 cycle " in done.stdout
    assert "nested more than 200 levels" not in done.stdout
    assert found["Argdown, 20,000 relations read < 1 s"][1:] == ["-", "not measured"]
    assert found["every file up to 5 MB read and checked < 10 s"][1:] == ["-", "not measured"]


@pytest.mark.server
def test_live_and_streams_sections_run_quickly_and_print_their_tables():
    done = bench("--only", "live", "--quick", "--live-seconds", "2")
    assert done.returncode == 0, done.stderr
    found = table_rows(done.stdout)
    nodes, edits, p50, p95, slowest, target, per_edit, cpu, lost = found["100"]
    assert int(edits) > 0 and lost == "0 pass"
    assert all(DURATION.match(figure) for figure in (p50, p95, slowest))
    assert float(per_edit) > 0 and int(cpu) > 0  # the server's CPU per edit, in ms
    streams = table_rows(bench("--only", "streams", "--quick").stdout)
    count, hello, writes, _, got_all, threads, _, _ = streams["100"]
    assert (hello, writes, got_all) == ("100 pass", "40/40", "100 pass")
    assert threads.endswith("pass")
