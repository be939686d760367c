"""The teacher's overview of a map: each figure on a crafted map, who may read it, its page."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import HOSTILE
from livehelp import person

from argmap import members, nodes, overview
from argmap.db import connect

REAL = {
    "ana": "Ana Realname",
    "ben": "Ben Realname",
    "cleo": "Cleo Realname",
    "dan": "Dan Realname",
}


def call(client, ids: dict, who: str, method: str, path: str, body: object = None):
    """An API call by one of the people, with their token."""
    token = ids["people"][who]["token"]
    return client.open(
        path.format(m=ids["m"]),
        method=method,
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )


def add(client, ids: dict, who: str, key: str, text: str, kind: str, parent=None, **more) -> None:
    """Add a node as one of the people; remembers its id under `key`."""
    body = {"kind": kind, "text": text, "parent_id": ids.get(parent), **more}
    response = call(client, ids, who, "POST", "/api/maps/{m}/nodes", body)
    assert response.status_code == 201, response.get_json()
    ids[key] = response.get_json()["id"]


def link(client, ids: dict, source: str, target: str, relation: str) -> None:
    """The owner links two nodes."""
    body = {"from_id": ids[source], "to_id": ids[target], "relation": relation}
    assert call(client, ids, "olga", "POST", "/api/maps/{m}/links", body).status_code == 201


@pytest.fixture
def world(app, db, client):
    """Olga's map with four students in two teams (For: Ana, Ben; Against: Cleo, Dan).

    C   Homework should be banned (Olga)              reasons: S1; attacked by K2, K3, K4
      S1  Kids need rest (Ana)                          contradicts K2
        K1  Rest is not lost to homework (Cleo)         answered by R1
          R1  Surveys show two hours a night (Dan)      UNANSWERED
      K2  Practice builds skill (Cleo)                  answered: S1 contradicts it
      K3  Teachers need grades (Dan)                    answered: U3 undercuts it
        U3  Grades need no homework (Ana, undercut)     UNANSWERED
      K4  Homework costs family time (Ben)              answered: E counters it by a link
    D   Schools should set projects (Ben)             NO REASON
      K5  Projects favour the well-off (Cleo)           UNANSWERED, then hidden
    E   Weekends should be free (Dan)                 a reason by a support link from S1
    Ben also adds X and deletes it; Ana edits S1 twice.
    """
    olga = person(db, "Olga Teacher")
    m = members.create_map(db, olga, "Homework")
    ids = {"m": m, "people": {"olga": olga}, "member": {}}
    for key, name in REAL.items():
        ids["people"][key] = person(db, name, m, "editor")
        ids["member"][key] = members.of_user(db, m, ids["people"][key]["id"])["id"]
    add(client, ids, "olga", "C", "Homework should be banned", "claim")
    add(client, ids, "ana", "S1", "Kids need rest", "support", "C")
    add(client, ids, "cleo", "K1", "Rest is not lost to homework", "counter", "S1")
    add(client, ids, "dan", "R1", "Surveys show two hours a night", "counter", "K1")
    add(client, ids, "cleo", "K2", "Practice builds skill", "counter", "C")
    add(client, ids, "dan", "K3", "Teachers need grades", "counter", "C")
    add(client, ids, "ana", "U3", "Grades need no homework", "counter", "K3", undercut=True)
    add(client, ids, "ben", "K4", "Homework costs family time", "counter", "C")
    add(client, ids, "ben", "D", "Schools should set projects", "claim")
    add(client, ids, "cleo", "K5", "Projects favour the well-off", "counter", "D")
    add(client, ids, "dan", "E", "Weekends should be free", "claim")
    add(client, ids, "ben", "X", "A slip of the keyboard", "support", "D")
    assert (
        call(client, ids, "ben", "DELETE", f"/api/maps/{{m}}/nodes/{ids['X']}").status_code == 200
    )
    for text in ("Children need rest", "Children need rest and play"):
        edited = call(
            client, ids, "ana", "PATCH", f"/api/maps/{{m}}/nodes/{ids['S1']}", {"text": text}
        )
        assert edited.status_code == 200
    link(client, ids, "S1", "K2", "contradiction")
    link(client, ids, "E", "K4", "counter")
    link(client, ids, "S1", "E", "support")
    for name in ("For", "Against"):
        made = call(client, ids, "olga", "POST", "/api/maps/{m}/teams", {"name": name})
        ids[name] = made.get_json()["id"]
    for who, team in (("ana", "For"), ("ben", "For"), ("cleo", "Against"), ("dan", "Against")):
        path = f"/api/maps/{{m}}/members/{ids['member'][who]}/team"
        assert call(client, ids, "olga", "PUT", path, {"team_id": ids[team]}).status_code == 200
    return ids


def figures(client, ids: dict, who: str = "olga") -> dict:
    """The overview as JSON, read by an owner."""
    response = call(client, ids, who, "GET", "/api/maps/{m}/overview")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_counters_nobody_has_answered(client, world):
    found = figures(client, world)["unanswered"]
    assert [n["id"] for n in found] == [world["R1"], world["U3"], world["K5"]]
    r1 = found[0]
    assert r1["text"] == "Surveys show two hours a night" and r1["author"] == "Dan Realname"
    assert r1["against_id"] == world["K1"] and r1["against"] == "“Rest is not lost to homework”"
    assert found[1]["undercut"] is True and found[0]["undercut"] is False
    assert not any(n["hidden"] for n in found)


def test_an_answer_takes_a_counter_off_the_list(client, world):
    add(client, world, "ana", "A5", "Grants pay for materials", "counter", "K5")
    assert world["K5"] not in [n["id"] for n in figures(client, world)["unanswered"]]
    assert world["A5"] in [n["id"] for n in figures(client, world)["unanswered"]]


def test_an_undercut_is_answered_by_a_counter_under_it(client, world):
    add(client, world, "dan", "V", "Grades do need practice", "counter", "U3", undercut=True)
    found = [n["id"] for n in figures(client, world)["unanswered"]]
    assert world["U3"] not in found and world["V"] in found


def test_claims_without_a_single_reason(client, world):
    assert [n["id"] for n in figures(client, world)["unsupported"]] == [world["D"]]
    add(client, world, "ben", "P", "Projects teach planning", "support", "D")
    assert figures(client, world)["unsupported"] == []


def test_the_balance_under_each_claim(client, world):
    balance = {row["id"]: row for row in figures(client, world)["balance"]}
    assert list(balance) == [world["C"], world["D"], world["E"]]
    assert balance[world["C"]]["direct"] == {"supports": 1, "counters": 3}
    assert balance[world["C"]]["branch"] == {"supports": 1, "counters": 6, "nodes": 7}
    assert balance[world["D"]]["direct"] == {"supports": 0, "counters": 1}
    assert balance[world["D"]]["branch"] == {"supports": 0, "counters": 1, "nodes": 1}
    assert balance[world["E"]]["direct"] == {"supports": 1, "counters": 0}  # the link from S1
    assert balance[world["E"]]["branch"] == {"supports": 0, "counters": 0, "nodes": 0}
    assert balance[world["C"]]["text"] == "Homework should be banned"


def test_the_balance_carries_the_votes_on_each_claim_and_its_pros_and_cons(client, world):
    def vote(who: str, key: str, value: int) -> None:
        path = f"/api/maps/{{m}}/nodes/{world[key]}/vote"
        assert call(client, world, who, "PUT", path, {"value": value}).status_code == 200

    before = figures(client, world)
    untouched = {row["id"]: row for row in before["balance"]}
    none = {"count": 0, "mean": None}
    assert untouched[world["C"]]["votes"] == {"claim": none, "supports": none, "counters": none}
    vote("ana", "C", 4)
    vote("ben", "C", 3)
    vote("cleo", "S1", 1)
    vote("ana", "K2", 2)
    vote("dan", "K3", 4)
    vote("ben", "K3", 3)
    vote("ana", "R1", 0)  # under K1, not right under C
    found = figures(client, world)
    voted = {row["id"]: row for row in found["balance"]}[world["C"]]["votes"]
    assert voted["claim"] == {"count": 2, "mean": 3.5}
    assert voted["supports"] == {"count": 1, "mean": 1.0}
    assert voted["counters"] == {"count": 3, "mean": 3.0}  # (2 + 4 + 3) / 3
    assert all(not e["action"].startswith("vote.") for e in found["latest"])
    changes = {p["name"]: (p["changes"], p["last"]) for p in found["people"]}
    assert changes == {p["name"]: (p["changes"], p["last"]) for p in before["people"]}


def test_the_counts_of_the_map(client, world):
    counts = figures(client, world)["counts"]
    assert counts == {
        "nodes": 11,
        "claims": 3,
        "supports": 1,
        "counters": 7,
        "hidden": 0,
    }


def last_change(db, member_id: int) -> str:
    """The time of a member's last change, from the events table."""
    return db.execute(
        "SELECT MAX(created_at) FROM events WHERE member_id = ?", (member_id,)
    ).fetchone()[0]


def test_activity_per_person(client, db, world):
    people = {p["name"]: p for p in figures(client, world)["people"]}
    expected = {  # added, edits, deletions, changes
        "Ana Realname": (2, 2, 0, 4),
        "Ben Realname": (3, 0, 1, 4),
        "Cleo Realname": (3, 0, 0, 3),
        "Dan Realname": (3, 0, 0, 3),
    }
    for name, (added, edits, deletions, changes) in expected.items():
        p = people[name]
        assert (p["added"], p["edits"], p["deletions"], p["changes"]) == (
            added,
            edits,
            deletions,
            changes,
        ), name
        key = name.split()[0].lower()
        assert p["member_id"] == world["member"][key] and p["role"] == "editor"
        assert p["last"] == last_change(db, p["member_id"])
    assert people["Ana Realname"]["team"] == "For" and people["Dan Realname"]["team"] == "Against"
    olga = people["Olga Teacher"]
    assert olga["role"] == "owner" and olga["added"] == 1 and olga["team"] is None
    assert (
        olga["changes"]
        == db.execute(
            "SELECT COUNT(*) FROM events WHERE member_id = ?", (olga["member_id"],)
        ).fetchone()[0]
    )


def test_a_member_who_did_nothing_is_listed_with_nothing(client, db, world):
    quiet = person(db, "Quiet Student", world["m"], "editor")
    found = [p for p in figures(client, world)["people"] if p["name"] == "Quiet Student"]
    assert found and found[0]["changes"] == 0 and found[0]["last"] is None
    assert quiet["id"]


def test_a_member_who_left_keeps_their_figures(client, db, world):
    members.remove(db, world["m"], world["member"]["dan"])
    people = {p["name"]: p for p in figures(client, world)["people"]}
    assert people["Dan Realname"]["role"] is None and people["Dan Realname"]["added"] == 3


def test_activity_per_team(client, db, world):
    teams = {t["name"]: t for t in figures(client, world)["teams"]}
    assert list(teams) == ["For", "Against", "In no team"]
    assert (teams["For"]["added"], teams["For"]["edits"], teams["For"]["deletions"]) == (5, 2, 1)
    assert teams["For"]["changes"] == 8 and teams["For"]["members"] == 2
    assert (teams["Against"]["added"], teams["Against"]["changes"]) == (6, 6)
    latest = max(last_change(db, world["member"][k]) for k in ("cleo", "dan"))
    assert teams["Against"]["last"] == latest
    assert teams["In no team"]["added"] == 1  # Olga's claim
    assert teams["In no team"]["members"] == 1


def test_a_map_without_teams_has_no_team_rows(client, world):
    for name in ("For", "Against"):
        call(client, world, "olga", "DELETE", f"/api/maps/{{m}}/teams/{world[name]}")
    assert figures(client, world)["teams"] == []


def test_the_latest_changes_in_the_history_words(client, db, world):
    latest = figures(client, world)["latest"]
    newest = db.execute("SELECT id FROM events ORDER BY id DESC LIMIT 20").fetchall()
    assert [c["id"] for c in latest] == [r[0] for r in newest]
    assert len(latest) == overview.LATEST
    assert latest[0]["words"] == "moved Dan Realname to another team"
    words = {c["action"]: c for c in reversed(latest)}
    assert words["link.add"]["words"].startswith("linked node ")
    history = client.get(
        f"/maps/{world['m']}/history",
        headers={"Authorization": f"Bearer {world['people']['olga']['token']}"},
    ).get_data(as_text=True)
    for change in latest:  # the history page says the same, in the same words
        assert f'id="change-{change["id"]}"' in history
        assert change["words"].replace("'", "&#39;") in history
    assert all(c["actor"] for c in latest)


def test_a_deleted_node_is_in_the_latest_changes_without_a_link(client, world):
    call(client, world, "cleo", "DELETE", f"/api/maps/{{m}}/nodes/{world['K5']}")
    change = figures(client, world)["latest"][0]
    assert (
        change["words"] == "deleted a counter" and change["old"] == "Projects favour the well-off"
    )
    assert change["node_id"] == world["K5"] and change["present"] is False


def test_hidden_nodes_are_included_and_marked(client, world):
    hide = call(
        client, world, "olga", "POST", f"/api/maps/{{m}}/nodes/{world['D']}/hide", {"hidden": True}
    )
    assert hide.status_code == 200
    found = figures(client, world)
    assert found["counts"]["hidden"] == 2
    k5 = [n for n in found["unanswered"] if n["id"] == world["K5"]][0]
    assert k5["hidden"] is True
    assert [n["hidden"] for n in found["unsupported"]] == [True]
    assert found["latest"][0]["words"] == "hid a node from students"
    assert found["latest"][0]["hidden"] is True


def test_the_owner_sees_real_names_in_an_anonymous_map(client, world):
    turned = call(client, world, "olga", "PATCH", "/api/maps/{m}/classroom", {"anonymous": True})
    assert turned.status_code == 200
    found = figures(client, world)
    names = {p["name"] for p in found["people"]}
    assert set(REAL.values()) <= names
    assert found["unanswered"][0]["author"] == "Dan Realname"
    assert "Dan Realname" in {c["actor"] for c in found["latest"]} | {"Dan Realname"}


def test_a_co_owner_reads_the_overview(client, db, world):
    cora = person(db, "Cora Teacher", world["m"], "editor")
    member = members.of_user(db, world["m"], cora["id"])
    members.set_role(db, world["m"], member["id"], "owner")
    world["people"]["cora"] = cora
    assert figures(client, world, "cora")["map"]["title"] == "Homework"
    assert call(client, world, "cora", "GET", "/maps/{m}/overview").status_code == 200


@pytest.mark.parametrize("path", ["/maps/{m}/overview", "/api/maps/{m}/overview"])
def test_a_student_is_refused_with_a_message(client, world, path):
    response = call(client, world, "ana", "GET", path)
    assert response.status_code == 403
    assert "Only the owner of this map can do this." in response.get_data(as_text=True)
    assert "Surveys show" not in response.get_data(as_text=True)


def test_the_page_links_and_its_parts(client, world):
    headers = {"Authorization": f"Bearer {world['people']['olga']['token']}"}
    page = client.get(f"/maps/{world['m']}/overview", headers=headers)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for part in (
        "ov-unanswered",
        "ov-unsupported",
        "ov-balance",
        "ov-people",
        "ov-teams",
        "ov-latest",
    ):
        assert f'id="{part}"' in html
    assert '/static/overview.js"' in html and '/static/overview.css"' in html
    assert f'href="/api/maps/{world["m"]}/overview"' in html  # the JSON, for pages without scripts
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    overview_link = f'href="/maps/{world["m"]}/overview" id="overview-link"'
    assert overview_link in client.get(f"/maps/{world['m']}", headers=headers).get_data(
        as_text=True
    )
    teams_page = client.get(f"/maps/{world['m']}/teams", headers=headers).get_data(as_text=True)
    assert overview_link in teams_page
    student = {"Authorization": f"Bearer {world['people']['ana']['token']}"}
    assert "overview-link" not in client.get(f"/maps/{world['m']}", headers=student).get_data(
        as_text=True
    )


@pytest.mark.parametrize(("name", "typed", "shown"), HOSTILE[:12], ids=[h[0] for h in HOSTILE[:12]])
def test_hostile_text_comes_back_exact_in_json_and_never_in_the_page(
    client, db, world, name, typed, shown
):
    add(client, world, "ana", "H", typed, "counter", "S1")
    found = figures(client, world)
    assert [n["text"] for n in found["unanswered"] if n["id"] == world["H"]] == [shown]
    headers = {"Authorization": f"Bearer {world['people']['olga']['token']}"}
    html = client.get(f"/maps/{world['m']}/overview", headers=headers).get_data(as_text=True)
    assert "<script>alert" not in html and "<b>bold" not in html


def queries(path: str, map_id: int) -> list[str]:
    """The SQL statements one overview of the map runs."""
    db = connect(path)
    seen = []
    db.conn.set_trace_callback(seen.append)
    try:
        overview.overview(db, map_id)
    finally:
        db.conn.close()
    return seen


def test_a_few_queries_whatever_the_size_of_the_map(app, db, world):
    small = queries(app.config["DATABASE"], world["m"])
    made = [world["C"]]
    for number in range(300):  # 300 more nodes, a tree three wide: the same queries
        fields = {"kind": ("support", "counter")[number % 2], "text": f"n{number}"}
        made.append(
            nodes.add_node(db, world["m"], {**fields, "parent_id": made[number // 3]})["id"]
        )
    assert len(queries(app.config["DATABASE"], world["m"])) == len(small) <= 12
    assert sum("FROM members" in q for q in small) == 1  # read once, for names and people


def test_the_bench_section_prints_a_row_per_size():
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "overview", "--sizes", "60,200", "--repeat", "1"],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line.split() for line in done.stdout.splitlines() if line.strip()}
    assert lines["60"][1] == "68" and lines["200"][1] == "222"  # an add each, a tenth edited
    assert "The teacher's overview" in done.stdout
