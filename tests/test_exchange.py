"""The import page (preview, then import), the export menu and `argmap import` / `export`."""

from __future__ import annotations

import io
import json
import subprocess
from urllib.parse import quote

import pytest
from conftest import create_account
from corpus import CORPUS
from helpers import run_argmap
from markupsafe import escape

from argmap import nodes
from argmap.db import connect, rows
from argmap.errors import ValidationError
from argmap.formats import registry

KIALO = CORPUS / "kialo" / "should-hate-speech-be-illegal-6148.txt"
AIF = CORPUS / "aif" / "nodeset10.json"
ARGDOWN = CORPUS / "argdown" / "veggie_debate.argdown"
SMALL_KIALO = (
    "Discussion Title: Pets\n\n1. Cats are best.\n1.1. Pro: They purr.\n"
    "1.2. Con: They scratch <b>.\n"
)


def counts(app) -> tuple[int, int, int]:
    """Maps, nodes and links in the app's database."""
    db = connect(app.config["DATABASE"])
    try:
        return tuple(
            db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("maps", "nodes", "links")
        )
    finally:
        db.conn.close()


def post_import(client, **form):
    """Send the import form with the session's CSRF token."""
    return client.post("/import", data={"csrf_token": "test-csrf-token", **form})


def test_import_page_needs_an_account(client):
    response = client.get("/import")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_preview_shows_counts_and_writes_nothing(app, client, owner):
    before = counts(app)
    response = post_import(client, text=SMALL_KIALO)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Read as <strong>Kialo plain text</strong>" in html
    assert 'data-count="nodes">3<' in html
    assert 'data-count="support">1<' in html and 'data-count="counter">1<' in html
    assert "They scratch &lt;b&gt;." in html
    assert counts(app) == before


def test_confirmed_import_writes_the_map_owned_by_the_importer(app, client, owner):
    response = post_import(client, text=SMALL_KIALO, confirm="1", format="kialo", title="My pets")
    assert response.status_code == 302
    db = connect(app.config["DATABASE"])
    found = rows(db, "SELECT id, title, owner_id FROM maps")
    assert [(m["title"], m["owner_id"]) for m in found] == [("My pets", owner["id"])]
    texts = [r["text"] for r in rows(db, "SELECT text FROM nodes ORDER BY id")]
    assert texts == ["Cats are best.", "They purr.", "They scratch <b>."]
    assert response.headers["Location"].endswith(f"/maps/{found[0]['id']}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported “My pets”: 3 nodes, 0 links." in page


@pytest.mark.corpus
@pytest.mark.parametrize(
    "path, label",
    [
        (KIALO, "Kialo plain text"),
        (AIF, "AIF JSON (AIFdb)"),
        (ARGDOWN, "Argdown"),
    ],
)
def test_uploaded_files_are_told_apart_by_content(client, owner, path, label):
    upload = (io.BytesIO(path.read_bytes()), path.name)
    response = client.post(
        "/import",
        data={"csrf_token": "test-csrf-token", "file": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert f"Read as <strong>{label}</strong>" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("Discussion Title: X\n\n1. A\n1.1.1. Pro: skipped a level\n", "line 4", ""),
        (
            '{"argmap": 1, "title": "t", "nodes": [{"id": 1, "kind": "claim"}]}',
            "$.nodes[0]",
            "text",
        ),
        ('{"nodes": [', "line 1", "not valid JSON"),
        ('{"something": "else"}', "", "neither an argmap file nor AIF"),
        ("", "", "Choose a file or paste the text of a map."),
    ],
)
def test_a_broken_file_names_where_and_keeps_the_text(app, client, owner, text, where, message):
    before = counts(app)
    response = post_import(client, text=text, confirm="1")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Could not read this file" in html
    assert where in html and message in html
    assert escape(text) in html
    assert counts(app) == before


def test_an_import_breaking_a_rule_of_the_model_writes_nothing(app, client, owner):
    nodes = [
        {"id": "a", "kind": "claim", "text": "fine"},
        {"id": "b", "kind": "claim", "text": "b" * 1001},
    ]
    too_long = json.dumps({"argmap": 1, "title": "t", "nodes": nodes})
    before = counts(app)
    for confirm in ("", "1"):
        response = post_import(client, text=too_long, confirm=confirm)
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "node 2 (b)" in html and "shorten it to 1000 at most" in html
    assert counts(app) == before


def test_a_cycle_is_refused(app, client, owner):
    doc = {
        "argmap": 1,
        "title": "loop",
        "nodes": [
            {"id": "a", "kind": "support", "text": "A", "parent_id": "b"},
            {"id": "b", "kind": "support", "text": "B", "parent_id": "a"},
        ],
    }
    response = post_import(client, text=json.dumps(doc), confirm="1")
    assert response.status_code == 400
    assert "cycle" in response.get_data(as_text=True)
    assert counts(app)[0] == 0


@pytest.mark.parametrize(
    "fmt, extension, marker",
    [
        ("json", "argmap.json", '"format": "argmap",\n  "version": 2'),
        ("kialo", "txt", "Discussion Title: "),
        ("argdown", "argdown", "[s1]: "),
        ("aif", "aif.json", '"nodes"'),
        ("md", "md", "# "),
    ],
)
def test_export_menu_downloads_each_format(seeded_app, fmt, extension, marker):
    client = seeded_app.test_client()
    response = client.get(f"/maps/1/export/{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="Russia-s-response-to-the-NATO-allies-proposals.{extension}";'
        f" filename*=UTF-8''Russia%27s%20response%20to%20the%20NATO%20allies%27%20proposals"
        f".{quote(extension)}"
    )
    body = response.get_data(as_text=True)
    assert marker in body
    if fmt != "md":
        _, data = registry.read(body, fmt)
        assert len(data.nodes) == 43


def test_export_of_an_unknown_format_is_404(seeded_app):
    response = seeded_app.test_client().get("/maps/1/export/docx")
    assert response.status_code == 404
    assert "choose one of" in response.get_data(as_text=True)


def run_cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """`argmap ...` as a real subprocess on the test database."""
    return run_argmap(*args, database=str(tmp_path / "cli.sqlite"), exports=tmp_path / "exports")


@pytest.mark.corpus
def test_cli_import_then_export_all_formats(tmp_path):
    run_cli(tmp_path, "seed")
    create_account(str(tmp_path / "cli.sqlite"), "t@example.org", "Teacher")
    done = run_cli(tmp_path, "import", str(KIALO), "--owner", "t@example.org")
    assert done.returncode == 0, done.stderr
    assert "as Kialo plain text: map 2 owned by t@example.org, 105 nodes, 1 links." in done.stdout
    done = run_cli(tmp_path, "export", "--all", "--format", "argdown")
    assert done.returncode == 0, done.stderr
    assert "Wrote 2 maps" in done.stdout
    assert "Exporting argdown" in done.stderr  # the progress bar
    written = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert written == ["map-1.argdown", "map-2.argdown"]
    _, data = registry.read((tmp_path / "exports" / "map-2.argdown").read_text(), "argdown")
    assert len(data.nodes) == 105


def test_cli_import_of_a_broken_file_names_the_line_and_writes_nothing(tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text("Discussion Title: X\n\n1. A\n1.1. Maybe: B\n")
    done = run_cli(tmp_path, "import", str(broken))
    assert done.returncode == 1
    assert "line 4" in done.stderr
    db = connect(str(tmp_path / "cli.sqlite"))
    assert db.execute("SELECT COUNT(*) FROM maps").fetchone()[0] == 0


def test_cli_export_needs_a_map_or_all(tmp_path):
    done = run_cli(tmp_path, "export", "--format", "kialo")
    assert done.returncode == 2
    assert "Give a MAP_ID or --all" in done.stderr


@pytest.mark.corpus
def test_preview_says_what_cannot_be_kept(app, client, owner):
    response = post_import(client, text=ARGDOWN.read_text())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="import-warnings"' in html
    assert "Left out the relation from &#39;Fleisch-OK&#39; to &#39;Strikt-Veggie&#39;" in html


def test_preview_names_the_line_of_an_undefined_argdown_statement(app, client, owner):
    text = (
        "# Homework\n\n[Thesis]: Homework helps.\n  <+ [Practice]: It is practice.\n  <- [Tired]\n"
    )
    response = post_import(client, text=text)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="import-warnings"' in html
    assert "line 5: [Tired] is only referred to, never defined with a text" in html
    assert "Practice" not in html.split('id="import-warnings"')[1].split("</ul>")[0]
    assert counts(app) == (0, 0, 0)


def test_what_the_model_cannot_hold_is_adjusted_and_said(app, client, owner):
    doc = {
        "argmap": 1,
        "title": "odd",
        "nodes": [
            {"id": "a", "kind": "claim", "text": "A", "group": 2},
            {"id": "b", "kind": "counter", "text": "B", "parent_id": "a", "undercut": True},
            {"id": "c", "kind": "support", "text": "C", "parent_id": "b"},
        ],
        "links": [
            {"from_id": "c", "to_id": "a", "relation": "support"},
            {"from_id": "c", "to_id": "a", "relation": "support"},
        ],
    }
    html = post_import(client, text=json.dumps(doc)).get_data(as_text=True)
    assert "a: group and undercut left out. A claim has no inference to group or undercut." in html
    assert "b: kept as a plain objection" in html
    assert "The support relation from c to a repeats one between the same two nodes" in html
    assert post_import(client, text=json.dumps(doc), confirm="1").status_code == 302
    db = connect(app.config["DATABASE"])
    assert [(r["grp"], r["undercut"]) for r in rows(db, "SELECT * FROM nodes ORDER BY id")] == [
        (None, 0),
        (None, 0),
        (None, 0),
    ]
    assert len(rows(db, "SELECT * FROM links")) == 1


def test_a_node_linked_to_itself_is_refused(app, client, owner):
    doc = {
        "argmap": 1,
        "title": "self",
        "nodes": [{"id": "a", "kind": "claim", "text": "A"}],
        "links": [{"from_id": "a", "to_id": "a", "relation": "support"}],
    }
    response = post_import(client, text=json.dumps(doc), confirm="1")
    assert response.status_code == 400
    assert "link 1" in response.get_data(as_text=True)
    assert counts(app) == (0, 0, 0)


def test_posting_an_import_without_an_account_is_refused(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = "test-csrf-token"
    response = post_import(client, text=SMALL_KIALO, confirm="1")
    assert response.status_code == 401
    assert counts(app) == (0, 0, 0)


def chain(depth: int) -> str:
    """argmap JSON of a claim with a chain of supports `depth` levels below it."""
    nodes = [{"id": "0", "kind": "claim", "text": "root"}] + [
        {"id": str(i), "kind": "support", "text": f"level {i}", "parent_id": str(i - 1)}
        for i in range(1, depth + 1)
    ]
    return json.dumps({"argmap": 1, "title": "deep", "nodes": nodes})


def test_nesting_deeper_than_200_levels_is_refused(app, client, owner):
    response = post_import(client, text=chain(201), confirm="1")
    assert response.status_code == 400
    assert "nested more than 200 levels deep" in response.get_data(as_text=True)
    assert counts(app) == (0, 0, 0)
    assert post_import(client, text=chain(200), confirm="1").status_code == 302
    map_id = counts(app)[0]
    assert client.get(f"/maps/{map_id}").status_code == 200
    assert client.get(f"/maps/{map_id}/brief").status_code == 200


def aif_chain(depth: int) -> str:
    """AIF JSON: I-nodes 0..depth first, then an RA from each I-node to the one before."""
    nodes = [{"nodeID": f"i{k}", "type": "I", "text": f"level {k}"} for k in range(depth + 1)]
    nodes += [{"nodeID": f"ra{k}", "type": "RA", "text": "RA"} for k in range(1, depth + 1)]
    edges = []
    for k in range(1, depth + 1):
        edges.append({"edgeID": f"p{k}", "fromID": f"i{k}", "toID": f"ra{k}"})
        edges.append({"edgeID": f"c{k}", "fromID": f"ra{k}", "toID": f"i{k - 1}"})
    return json.dumps({"nodes": nodes, "edges": edges})


def test_aif_nested_too_deep_names_the_json_path(app, client, owner):
    for confirm in ("", "1"):
        response = post_import(client, text=aif_chain(201), confirm=confirm)
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "(nodes[201]): the I-node &#39;i201&#39; is nested more than 200 levels deep" in html
        assert "node 202" not in html
    assert counts(app) == (0, 0, 0)
    assert post_import(client, text=aif_chain(200), confirm="1").status_code == 302


@pytest.mark.parametrize(
    "doc, where, message",
    [
        ({"title": "t" * 201}, "title", "shorten it to 200"),
        ({"title": "\udfff"}, "title", "not valid Unicode"),
        (
            {"links": [{"from_id": "b", "to_id": "a", "relation": "support", "group": 2**70}]},
            "link 1",
            "group",
        ),
        (
            {"nodes": [{"id": "a", "kind": "claim", "text": "A", "tags": [{"x": 2}]}]},
            "$.nodes[0].tags",
            "tags must be a list of strings",
        ),
    ],
)
def test_preview_checks_every_field_before_anything_is_written(
    app, client, owner, doc, where, message
):
    base = {
        "argmap": 1,
        "title": "ok",
        "nodes": [
            {"id": "a", "kind": "claim", "text": "A"},
            {"id": "b", "kind": "support", "text": "B", "parent_id": "a"},
        ],
    }
    response = post_import(client, text=json.dumps({**base, **doc}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert where in html and message in html
    assert counts(app) == (0, 0, 0)


def test_a_link_against_an_existing_relation_is_left_out_and_said(app, client, owner):
    doc = {
        "argmap": 1,
        "title": "pairs",
        "nodes": [
            {"id": "a", "kind": "claim", "text": "A"},
            {"id": "b", "kind": "claim", "text": "B"},
        ],
        "links": [
            {"from_id": "a", "to_id": "b", "relation": "contradiction"},
            {"from_id": "b", "to_id": "a", "relation": "support"},
        ],
    }
    html = post_import(client, text=json.dumps(doc)).get_data(as_text=True)
    assert "The support relation from b to a repeats one between the same two nodes" in html


def test_a_json_list_is_not_taken_for_argdown(client, owner):
    response = post_import(client, text="[1, 2]")
    assert response.status_code == 400
    assert "argmap and AIF files are JSON objects" in response.get_data(as_text=True)


def test_a_map_too_deep_for_kialo_says_so_on_export(app, client, owner, db):
    post_import(client, text=chain(200), confirm="1")
    response = client.get("/maps/1/export/kialo")
    assert response.status_code == 422
    assert "Export it as argmap JSON or Argdown instead" in response.get_data(as_text=True)
    assert client.get("/maps/1/export/argdown").status_code == 200


def test_nodes_cannot_be_nested_past_200_levels_by_hand(app, client, owner, db):
    post_import(client, text=chain(200), confirm="1")
    deepest = db.execute("SELECT MAX(id) FROM nodes").fetchone()[0]
    with pytest.raises(ValidationError, match="more than 200 levels") as refused:
        nodes.add_node(db, 1, {"kind": "support", "text": "one more", "parent_id": deepest})
    assert refused.value.field == "parent_id"
    assert nodes.add_node(db, 1, {"kind": "support", "text": "ok", "parent_id": deepest - 1})
