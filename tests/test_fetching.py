"""What a live page fetches: the drawing once per revision (ETag, 304), gzip for text answers."""

from __future__ import annotations

import gzip

from livehelp import owned_map

from argmap import maps, nodes


def test_the_drawing_answers_304_until_the_map_changes(app, db):
    _, map_id = owned_map(db)
    nodes.add_node(db, map_id, {"kind": "claim", "text": "Homework <helps>"})
    client = app.test_client()
    first = client.get(f"/maps/{map_id}/diagram.svg")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('W/"')
    revision = maps.get_map(db, map_id)["revision"]
    assert first.headers["X-Argmap-Revision"] == str(revision)
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(f"/maps/{map_id}/diagram.svg", headers={"If-None-Match": tag})
    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", tag)
    other_view = client.get(f"/maps/{map_id}/diagram.svg?node=1", headers={"If-None-Match": tag})
    assert other_view.status_code == 200
    nodes.add_node(db, map_id, {"kind": "claim", "text": "Uniforms help"})
    changed = client.get(f"/maps/{map_id}/diagram.svg", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert b"Uniforms help" in changed.data and changed.headers["X-Argmap-Revision"] == str(
        revision + 1
    )


def test_text_answers_are_gzipped_for_clients_that_take_it(app, db):
    _, map_id = owned_map(db)
    for number in range(30):
        nodes.add_node(db, map_id, {"kind": "claim", "text": f"Claim number {number}"})
    client = app.test_client()
    for path in (f"/maps/{map_id}/diagram.svg", f"/api/maps/{map_id}", f"/maps/{map_id}"):
        plain = client.get(path)
        zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in plain.headers, path
        assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.vary
        assert gzip.decompress(zipped.data) == plain.data and len(zipped.data) < len(plain.data)
    tiny = client.get("/api/maps/999", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in tiny.headers  # small answers and errors go as they are


def gzipped_drawing(client, map_id: int) -> bytes:
    """The drawing as a browser that takes gzip gets it, unzipped."""
    answer = client.get(f"/maps/{map_id}/diagram.svg", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "gzip"
    return gzip.decompress(answer.data)


def test_a_kept_gzipped_drawing_is_this_databases_and_this_revisions(tmp_path, app, db):
    from helpers import fresh_app_config

    from argmap import create_app
    from argmap.db import connect

    _, map_id = owned_map(db)
    nodes.add_node(db, map_id, {"kind": "claim", "text": "Homework helps " * 8})
    client = app.test_client()
    assert gzipped_drawing(client, map_id) == gzipped_drawing(client, map_id)
    (tmp_path / "other").mkdir()
    other = create_app(fresh_app_config(tmp_path / "other"))
    other_db = connect(other.config["DATABASE"])
    _, other_map = owned_map(other_db)
    nodes.add_node(other_db, other_map, {"kind": "claim", "text": "Uniforms matter " * 8})
    assert other_map == map_id  # the same map id and revision in another database
    assert b"Uniforms matter" in gzipped_drawing(other.test_client(), other_map)
    nodes.add_node(db, map_id, {"kind": "claim", "text": "Recess matters"})
    assert b"Recess matters" in gzipped_drawing(client, map_id)


def test_after_a_vote_or_a_comment_the_drawing_a_page_has_stands(app, db):
    from argmap import events
    from argmap.db import write

    _, map_id = owned_map(db)
    node = nodes.add_node(db, map_id, {"kind": "claim", "text": "Homework <helps>"})
    client = app.test_client()
    first = client.get(f"/maps/{map_id}/diagram.svg", headers={"Accept-Encoding": "gzip"})
    tag = first.headers["ETag"]
    for action in ("vote.set", "comment.add"):
        with write(db):
            events.record(db, map_id, action, node["id"], {"after": {"value": 1}}, "Ana")
        revision = maps.get_map(db, map_id)["revision"]
        again = client.get(f"/maps/{map_id}/diagram.svg", headers={"If-None-Match": tag})
        assert (again.status_code, again.headers["ETag"]) == (304, tag)
        assert again.headers["X-Argmap-Revision"] == str(revision)  # the drawing of this one
        fresh = client.get(f"/maps/{map_id}/diagram.svg", headers={"Accept-Encoding": "gzip"})
        assert (fresh.status_code, fresh.headers["ETag"], fresh.data) == (200, tag, first.data)
        assert fresh.headers["X-Argmap-Revision"] == str(revision)
        plain = client.get(f"/maps/{map_id}/diagram.svg")
        assert plain.headers["X-Argmap-Revision"] == str(revision)
        assert b"Homework &lt;helps&gt;" in plain.data
    nodes.update_node(db, map_id, node["id"], {"text": "Homework hurts"})
    changed = client.get(f"/maps/{map_id}/diagram.svg", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and b"Homework hurts" in changed.data
