"""A class on a map: who wrote what (real or animal names), teams, team briefs, notes, QR code."""

from __future__ import annotations

import json
import re

import pytest
import segno
from livehelp import CSRF, EventReader, call, log_in, on_file, person

from argmap import authors, members, teams
from argmap.db import connect

REAL = {
    "ana": "Ana Realname",
    "ben": "Ben Realname",
    "cleo": "Cleo Realname",
    "dan": "Dan Realname",
}


def debate(db) -> dict:
    """Olga's map "Homework" with four students in two teams, each writing nodes by API.

    C  Homework should be banned (Olga)
      S1   Kids need rest (Ana)                        For's case
        S1a  Sleep studies agree (Ben)                 its own reason
        K1   Rest is not lost to homework (Cleo)       an objection For must answer
          R1   Surveys show two hours a night (Dan)    a rebuttal already written
      K2   Practice builds skill (Cleo)                Against's case
        K2a  Maths needs drill (Dan)
        R2   Drill can happen in class (Ana)
    """
    olga = person(db, "Olga Teacher")
    m = members.create_map(db, olga, "Homework")
    people = {"olga": olga}
    for key, name in REAL.items():
        people[key] = person(db, name, m, "editor")
    ids = {"m": m, "people": people}
    ids["member"] = {
        key: members.of_user(db, m, p["id"])["id"] for key, p in people.items() if key != "olga"
    }
    return ids


def add(client, ids: dict, who: str, key: str, text: str, kind: str, parent: str | None = None):
    """Add a node as one of the people (their API token); remembers its id under `key`."""
    body = {"kind": kind, "text": text, "parent_id": ids.get(parent)}
    token = ids["people"][who]["token"]
    response = client.post(
        f"/api/maps/{ids['m']}/nodes", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.get_json()
    ids[key] = response.get_json()["id"]


def as_(client, ids: dict, who: str, method: str, path: str, body: object = None):
    """An API call by one of the people."""
    token = ids["people"][who]["token"]
    return client.open(
        path.format(m=ids["m"]),
        method=method,
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def world(app, db, client):
    """The debate, with its nodes written and two teams (For: Ana, Ben; Against: Cleo, Dan)."""
    ids = debate(db)
    add(client, ids, "olga", "C", "Homework should be banned", "claim")
    add(client, ids, "ana", "S1", "Kids need rest", "support", "C")
    add(client, ids, "ben", "S1a", "Sleep studies agree", "support", "S1")
    add(client, ids, "cleo", "K1", "Rest is not lost to homework", "counter", "S1")
    add(client, ids, "dan", "R1", "Surveys show two hours a night", "counter", "K1")
    add(client, ids, "cleo", "K2", "Practice builds skill", "counter", "C")
    add(client, ids, "dan", "K2a", "Maths needs drill", "support", "K2")
    add(client, ids, "ana", "R2", "Drill can happen in class", "counter", "K2")
    for name, side in (("For", "for"), ("Against", "against")):
        made = as_(client, ids, "olga", "POST", "/api/maps/{m}/teams", {"name": name})
        assert made.status_code == 201
        ids[name] = made.get_json()["id"]
        changed = as_(
            client,
            ids,
            "olga",
            "PATCH",
            f"/api/maps/{{m}}/teams/{ids[name]}",
            {"claim_id": ids["C"], "side": side},
        )
        assert changed.get_json()["side"] == side
    for who, team in (("ana", "For"), ("ben", "For"), ("cleo", "Against"), ("dan", "Against")):
        path = f"/api/maps/{{m}}/members/{ids['member'][who]}/team"
        assert as_(client, ids, "olga", "PUT", path, {"team_id": ids[team]}).status_code == 200
    return ids


def anonymous(client, ids: dict, on: bool = True) -> None:
    """The owner switches anonymous names on (or off)."""
    response = as_(client, ids, "olga", "PATCH", "/api/maps/{m}/classroom", {"anonymous": on})
    assert response.get_json()["anonymous"] is on


def animal(ids: dict, who: str) -> str:
    """The animal name a student goes by on the map."""
    return authors.pseudonym(ids["member"][who])


# --- Team briefs --------------------------------------------------------------------------


def test_each_team_brief_holds_its_case_the_objections_to_answer_and_the_case_to_attack(
    client, world
):
    ids = world
    brief = as_(client, ids, "ana", "GET", f"/api/maps/{{m}}/teams/{ids['For']}/brief").get_json()
    assert brief["claim_id"] == ids["C"]
    assert brief["case"] == [ids["S1"], ids["S1a"]]
    assert brief["answer"] == [ids["K1"], ids["R1"]]
    assert brief["attack"] == [ids["K2"], ids["K2a"]]
    other = as_(client, ids, "dan", "GET", f"/api/maps/{{m}}/teams/{ids['Against']}/brief")
    assert other.get_json()["case"] == [ids["K2"], ids["K2a"]]
    assert other.get_json()["answer"] == [ids["R2"]]
    assert other.get_json()["attack"] == [ids["S1"], ids["S1a"]]

    page = as_(client, ids, "ana", "GET", f"/maps/{{m}}/teams/{ids['For']}/brief")
    html = page.get_data(as_text=True)

    def part(name: str) -> str:
        return re.search(rf'<section class="team-part" id="{name}">(.*?)</section>', html, re.S)[1]

    def shown(section: str) -> list[int]:
        return [int(n) for n in re.findall(r'data-node="(\d+)"', section)]

    assert shown(part("our-case")) == [ids["S1"], ids["S1a"]]
    assert shown(part("to-answer")) == [ids["K1"], ids["R1"]]
    assert "Rebuttals" in part("to-answer")
    assert shown(part("to-attack")) == [ids["K2"], ids["K2a"]]
    assert "Team: Ana Realname, Ben Realname" in html
    assert "by Ben Realname" in part("our-case")


def test_a_team_without_a_side_or_whose_claim_was_deleted_says_so(client, world):
    ids = world
    made = as_(client, ids, "olga", "POST", "/api/maps/{m}/teams", {"name": "Jury"}).get_json()
    page = as_(client, ids, "olga", "GET", f"/maps/{{m}}/teams/{made['id']}/brief")
    assert "This team has no side of a claim yet" in page.get_data(as_text=True)
    assert as_(client, ids, "olga", "DELETE", f"/api/maps/{{m}}/nodes/{ids['C']}?children=delete")
    page = as_(client, ids, "ana", "GET", f"/maps/{{m}}/teams/{ids['For']}/brief")
    assert "(its claim was deleted)" in page.get_data(as_text=True)
    renamed = as_(
        client, ids, "olga", "PATCH", f"/api/maps/{{m}}/teams/{ids['For']}", {"name": "Pro"}
    )
    assert renamed.status_code == 200 and renamed.get_json()["claim_id"] == ids["C"]


# --- Speaker notes -------------------------------------------------------------------------


def test_notes_are_seen_and_saved_only_by_the_team_and_the_owners(client, db, world):
    ids = world
    path = f"/api/maps/{{m}}/teams/{ids['For']}/notes"
    saved = as_(client, ids, "ana", "PUT", path, {"notes": "Ana opens; Ben closes", "version": 0})
    assert saved.status_code == 200 and saved.get_json()["version"] == 1
    listed = {
        t["name"]: t for t in as_(client, ids, "ben", "GET", "/api/maps/{m}/teams").json["teams"]
    }
    assert listed["For"]["notes"] == "Ana opens; Ben closes"
    theirs = {
        t["name"]: t for t in as_(client, ids, "cleo", "GET", "/api/maps/{m}/teams").json["teams"]
    }
    assert "notes" not in theirs["For"]
    assert "notes" in theirs["Against"]
    owner = {
        t["name"]: t for t in as_(client, ids, "olga", "GET", "/api/maps/{m}/teams").json["teams"]
    }
    assert owner["For"]["notes"] == "Ana opens; Ben closes"

    page = as_(client, ids, "cleo", "GET", f"/maps/{{m}}/teams/{ids['For']}/brief")
    assert page.status_code == 200 and "Ana opens" not in page.get_data(as_text=True)
    refused = as_(client, ids, "cleo", "PUT", path, {"notes": "sabotage", "version": 1})
    assert refused.status_code == 403
    assert "Only the team's members and the map's owners" in refused.get_json()["error"]
    stale = as_(client, ids, "ben", "PUT", path, {"notes": "Ben's plan", "version": 0})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["notes"] == "Ana opens; Ben closes"
    assert teams.get_team(db, ids["m"], ids["For"])["notes"] == "Ana opens; Ben closes"
    events = as_(client, ids, "dan", "GET", "/api/maps/{m}/events").get_data(as_text=True)
    assert "team.notes" in events and "Ana opens" not in events  # the text stays private


def test_notes_form_keeps_both_texts_on_a_conflict(client, db, world):
    ids = world
    teams.set_notes(db, ids["m"], ids["For"], "First plan", 0)
    csrf = log_in(client, ids["people"]["ben"])
    form = {"notes": "Ben's own plan", "version": "0", "csrf_token": csrf}
    response = client.post(f"/maps/{ids['m']}/teams/{ids['For']}/notes", data=form)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "First plan" in html and "Ben&#39;s own plan" in html
    assert 'name="version" value="1"' in html


# --- Teams: making, changing, assigning ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"name": ""}, "name", "Give the team a name"),
        ({"name": "x" * 61}, "name", "at most 60"),
        ({"name": "For"}, "name", "There is a team called For already"),
        ({"name": "Jury", "side": "for"}, "claim_id", "Choose the claim"),
        ({"name": "Jury", "claim_id": 999999}, "side", "Choose the team's side"),
        ({"name": "Jury", "claim_id": 999999, "side": "for"}, "claim_id", "no claim 999999"),
        ({"name": "Jury", "claim_id": "@S1", "side": "for"}, "claim_id", "no claim"),
        ({"name": "Jury", "claim_id": "@C", "side": "sideways"}, "side", "for or against"),
        ({"name": 7}, "name", "must be text"),
        ({"name": "Jury", "claim_id": "@C", "side": [None]}, "side", "for or against"),
    ],
)
def test_bad_teams_are_refused_with_the_field_and_nothing_written(
    client, db, world, body, field, words
):
    ids = world
    body = {k: ids[v[1:]] if str(v).startswith("@") else v for k, v in body.items()}
    before = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    response = as_(client, ids, "olga", "POST", "/api/maps/{m}/teams", body)
    assert response.status_code == 400
    assert response.get_json()["field"] == field and words in response.get_json()["error"]
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before
    assert [t["name"] for t in teams.listing(db, ids["m"])] == ["For", "Against"]


def test_teams_page_makes_renames_assigns_and_deletes_with_history(client, db, world, csrf):
    ids = world
    log_in(client, ids["people"]["olga"])
    page = client.get(f"/maps/{ids['m']}/teams").get_data(as_text=True)
    assert "Ana Realname" in page and "Team of Dan Realname" in page
    bad = client.post(f"/maps/{ids['m']}/teams", data={"name": "  ", "csrf_token": CSRF})
    assert bad.status_code == 400 and "Give the team a name" in bad.get_data(as_text=True)
    made = client.post(f"/maps/{ids['m']}/teams", data={"name": "Jury", "csrf_token": CSRF})
    assert made.status_code == 302
    jury = [t for t in teams.listing(db, ids["m"]) if t["name"] == "Jury"][0]
    form = {"member_id": ids["member"]["ben"], "team_id": jury["id"], "csrf_token": CSRF}
    assert client.post(f"/maps/{ids['m']}/teams/assign", data=form).status_code == 302
    assert teams.team_of(db, ids["m"], ids["member"]["ben"])["name"] == "Jury"
    renamed = {"name": "Judges", "csrf_token": CSRF}
    assert client.post(f"/maps/{ids['m']}/teams/{jury['id']}", data=renamed).status_code == 302
    gone = client.post(f"/maps/{ids['m']}/teams/{jury['id']}/delete", data={"csrf_token": CSRF})
    assert gone.status_code == 302
    assert teams.team_of(db, ids["m"], ids["member"]["ben"]) is None
    assert members.of_user(db, ids["m"], ids["people"]["ben"]["id"]) is not None
    history = client.get(f"/maps/{ids['m']}/history").get_data(as_text=True)
    for words in (
        "made the team Jury",
        "moved Ben Realname to another team",
        "changed the team Judges",
        "deleted the team Judges",
    ):
        assert words in history


def test_a_member_who_leaves_a_team_keeps_their_nodes(client, db, world):
    ids = world
    path = f"/api/maps/{{m}}/members/{ids['member']['ana']}/team"
    assert as_(client, ids, "olga", "PUT", path, {"team_id": None}).get_json()["team_id"] is None
    graph = as_(client, ids, "olga", "GET", "/api/maps/{m}").get_json()
    mine = {n["id"]: n["author"] for n in graph["nodes"] if n["author"] == "Ana Realname"}
    assert set(mine) == {ids["S1"], ids["R2"]}
    brief = as_(client, ids, "ben", "GET", f"/api/maps/{{m}}/teams/{ids['For']}/brief").json
    assert brief["case"] == [ids["S1"], ids["S1a"]]
    assert brief["team"]["members"] == [{"id": ids["member"]["ben"], "name": "Ben Realname"}]


def test_only_members_pick_their_team_and_only_when_the_owners_let_them(client, db, world):
    ids = world
    csrf = log_in(client, ids["people"]["dan"])
    refused = client.post(
        f"/maps/{ids['m']}/my-team", data={"team_id": ids["For"], "csrf_token": csrf}
    )
    assert refused.status_code == 403 and "assign the teams" in refused.get_data(as_text=True)
    teams.set_options(db, ids["m"], {"team_pick": True})
    page = client.get(f"/maps/{ids['m']}").get_data(as_text=True)
    assert "Change team" in page and "Against's brief" in page
    done = client.post(
        f"/maps/{ids['m']}/my-team", data={"team_id": ids["For"], "csrf_token": csrf}
    )
    assert done.status_code == 302
    assert teams.team_of(db, ids["m"], ids["member"]["dan"])["name"] == "For"


def test_joining_with_a_code_picks_a_team_when_allowed(client, db, world):
    ids = world
    code = members.new_code(db, ids["m"], "editor")
    with client.session_transaction() as session:
        session["csrf_token"] = CSRF
    form = {"name": "Eve Realname", "team_id": str(ids["Against"]), "csrf_token": CSRF}
    refused = client.post(f"/join/{code['code']}", data=form)
    assert refused.status_code == 400
    assert "The owners of this map assign the teams." in refused.get_data(as_text=True)
    assert members.listing(db, ids["m"])[-1]["name"] != "Eve Realname"
    teams.set_options(db, ids["m"], {"team_pick": True, "anonymous": True})
    page = client.get(f"/join/{code['code']}").get_data(as_text=True)
    assert 'id="join-team"' in page and ">Against</option>" in page
    assert "other students see you under an animal name" in page
    bad = client.post(f"/join/{code['code']}", data={**form, "team_id": "999999"})
    assert bad.status_code == 400 and "pick one of the teams listed" in bad.get_data(as_text=True)
    assert "Eve Realname" in bad.get_data(as_text=True)
    assert client.post(f"/join/{code['code']}", data=form).status_code == 302
    eve = [p for p in members.listing(db, ids["m"]) if p["name"] == "Eve Realname"][0]
    assert teams.team_of(db, ids["m"], eve["id"])["name"] == "Against"


# --- Authorship and anonymous names ----------------------------------------------------------


def test_every_node_shows_its_author_and_students_see_animal_names_when_anonymous(
    client, db, world
):
    ids = world
    owner = as_(client, ids, "olga", "GET", "/api/maps/{m}").get_json()
    by_id = {n["id"]: n["author"] for n in owner["nodes"]}
    assert by_id[ids["C"]] == "Olga Teacher" and by_id[ids["S1"]] == "Ana Realname"
    student = as_(client, ids, "ben", "GET", "/api/maps/{m}").get_json()
    assert {n["id"]: n["author"] for n in student["nodes"]} == by_id  # not anonymous yet

    anonymous(client, ids)
    student = as_(client, ids, "ben", "GET", "/api/maps/{m}").get_json()
    seen = {n["id"]: n["author"] for n in student["nodes"]}
    assert seen[ids["C"]] == "Olga Teacher"  # owners keep their names
    assert seen[ids["S1"]] == animal(ids, "ana") and seen[ids["S1a"]] == animal(ids, "ben")
    assert len({animal(ids, k) for k in REAL}) == 4
    owner = as_(client, ids, "olga", "GET", "/api/maps/{m}").get_json()
    assert {n["id"]: n["author"] for n in owner["nodes"]} == by_id

    for who, shows, hides in (
        ("ben", animal(ids, "ana"), "Realname"),
        ("olga", "Ana Realname", None),
    ):
        pages = [
            f"/maps/{{m}}?node={ids['S1']}",
            "/maps/{m}/brief",
            f"/maps/{{m}}/teams/{ids['For']}/brief",
            "/maps/{m}/history",
            "/api/maps/{m}/events",
            "/maps/{m}/export/json",
            "/api/maps/{m}/teams",
        ]
        for path in pages:
            text = as_(client, ids, who, "GET", path).get_data(as_text=True)
            if hides:
                own = text.replace("Ben Realname", "")  # a page may greet Ben by his own name
                assert hides not in own, (who, path)
            if "teams" not in path or "brief" in path:
                assert shows in text, (who, path)
    page = as_(client, ids, "ben", "GET", f"/maps/{{m}}?node={ids['S1']}").get_data(as_text=True)
    assert f'by <span class="author">{animal(ids, "ana")}</span>' in page
    assert f"other students see you as {animal(ids, 'ben')}" in page
    history = as_(client, ids, "ben", "GET", "/maps/{m}/history?actor=Ana+Realname")
    assert "Ana Realname" not in history.get_data(as_text=True)


def test_the_argmap_json_export_keeps_authors_teams_and_settings_and_imports_them(
    client, db, world
):
    ids = world
    teams.set_notes(db, ids["m"], ids["For"], "Ana opens", 0)
    anonymous(client, ids)
    exported = as_(client, ids, "olga", "GET", "/maps/{m}/export/json").get_data(as_text=True)
    doc = json.loads(exported)
    authors_of = {n["text"]: n.get("author") for n in doc["nodes"]}
    assert authors_of["Kids need rest"] == "Ana Realname"
    assert doc["settings"] == {"anonymous": True, "team_pick": False}
    assert [(t["name"], t["side"], t["notes"]) for t in doc["teams"]] == [
        ("For", "for", "Ana opens"),
        ("Against", "against", ""),
    ]
    by_student = json.loads(as_(client, ids, "cleo", "GET", "/maps/{m}/export/json").data)
    assert "notes" not in by_student["teams"][0]
    assert {n.get("author") for n in by_student["nodes"]} >= {animal(ids, "ana")}

    csrf = log_in(client, ids["people"]["olga"])
    form = {"text": exported, "format": "json", "confirm": "1", "csrf_token": csrf}
    assert client.post("/import", data=form).status_code == 302
    new = db.execute("SELECT MAX(id) FROM maps").fetchone()[0]
    copied = teams.listing(db, new)
    claim = db.execute(
        "SELECT id FROM nodes WHERE map_id = ? AND kind = 'claim'", (new,)
    ).fetchone()
    assert [(t["name"], t["claim_id"], t["side"], t["notes"]) for t in copied] == [
        ("For", claim[0], "for", "Ana opens"),
        ("Against", claim[0], "against", ""),
    ]
    assert teams.options(db, new) == {"anonymous": True, "team_pick": False}
    graph = client.get(f"/api/maps/{new}", headers={"X-CSRF-Token": csrf}).get_json()
    assert {n["text"]: n["author"] for n in graph["nodes"]}["Kids need rest"] == "Ana Realname"


def test_a_file_whose_team_names_an_unknown_claim_is_refused(client, db, world):
    ids = world
    doc = json.loads(as_(client, ids, "olga", "GET", "/maps/{m}/export/json").data)
    doc["teams"][0]["claim_id"] = "nope"
    csrf = log_in(client, ids["people"]["olga"])
    form = {"text": json.dumps(doc), "format": "json", "csrf_token": csrf}
    response = client.post("/import", data=form)
    assert response.status_code == 400
    assert "unknown claim" in response.get_data(as_text=True)


# --- The join screen's QR code ---------------------------------------------------------------


def dark_cells(path: str) -> set[tuple[int, int]]:
    """The dark modules an SVG path of segno's draws (M/m moves, h runs)."""
    cells, x, y = set(), 0.0, 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            cells |= {(int(x) + i, int(y)) for i in range(int(float(a)))}
            x += float(a)
    return cells


def test_the_join_screen_shows_a_qr_code_of_the_join_link(client, db, world):
    ids = world
    code = members.new_code(db, ids["m"], "editor")
    csrf = log_in(client, ids["people"]["olga"])
    page = client.get(f"/maps/{ids['m']}/codes/{code['id']}", headers={"X-CSRF-Token": csrf})
    html = page.get_data(as_text=True)
    svg = re.search(r'<div id="qr">(<svg.*?</svg>)</div>', html, re.S)[1]
    assert "<script" not in svg and "style=" not in svg
    link = f"http://localhost/join/{code['code']}"
    assert link in html
    matrix = segno.make(link, error="m", micro=False).matrix
    expected = {
        (x + 4, y + 4) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    }
    assert dark_cells(re.search(r' d="([^"]+)"', svg)[1]) == expected
    assert f'<code class="join-code" id="code">{code["code"]}</code>' in html


# --- Live: the stream tells each reader the names they may see -------------------------------


def test_the_stream_tells_students_animal_names_and_owners_real_ones(server):
    ids = on_file(server.database, debate)
    base = server.url
    auth = {k: {"Authorization": f"Bearer {p['token']}"} for k, p in ids["people"].items()}
    status, _ = call(
        base,
        "PATCH",
        f"/api/maps/{ids['m']}/classroom",
        {"anonymous": True},
        ids["people"]["olga"]["token"],
    )
    assert status == 200
    student = EventReader(base, f"/maps/{ids['m']}/events?tab=ben-tab-1", auth["ben"])
    owner = EventReader(base, f"/maps/{ids['m']}/events?tab=olga-tab-1", auth["olga"])
    try:
        hello = student.wait_for(lambda e: e["event"] == "hello")[-1]
        assert hello["data"]["name"] == animal(ids, "ben")
        student.wait_for(lambda e: e["event"] == "presence")
        owner.wait_for(lambda e: e["event"] == "hello")
        here = owner.wait_for(lambda e: e["event"] == "presence")[-1]["data"]["people"]
        assert "Ben Realname" in [p["name"] for p in here]  # the owner sees real names
        status, node = call(
            base,
            "POST",
            f"/api/maps/{ids['m']}/nodes",
            {"kind": "claim", "text": "Ana's claim"},
            ids["people"]["ana"]["token"],
        )
        assert status == 201
        told = student.changes(1)[0]["data"]
        assert told["actor"] == animal(ids, "ana")
        assert told["patch"]["authors"] == {str(node["id"]): animal(ids, "ana")}
        assert "Realname" not in json.dumps(told)
        real = owner.changes(1)[0]["data"]
        assert real["actor"] == "Ana Realname"
        assert real["patch"]["authors"] == {str(node["id"]): "Ana Realname"}
        for who, name in (("ben", animal(ids, "ben")), ("olga", "Ben Realname")):
            status, listed = call(
                base, "GET", f"/maps/{ids['m']}/presence", None, ids["people"][who]["token"]
            )
            assert name in [p["name"] for p in listed["people"]], who
    finally:
        student.close()
        owner.close()
    db = connect(server.database)
    try:
        assert teams.options(db, ids["m"])["anonymous"] is True
    finally:
        db.conn.close()
