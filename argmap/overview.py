"""The teacher's overview of a map: what is left unanswered, the balance, who did what, lately.

Read by a map's owners, so it shows hidden nodes (marked) and real names. Built from a few
queries whatever the map's size (the map, the hidden ids, the people, one grouped pass over
the events, the latest events); everything else is counted in Python in one pass or two.
Attacks are the ones `standing` defines: the overview never decides on its own what attacks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlite_utils import Database

from . import authors, events, maps, moderation, standing, teams, votes, wording
from .db import rows
from .model import MapData, Node, from_graph
from .records import vote_tally

LATEST = 20  # changes in the "latest changes" list
ACTIVITY = (  # the counts of a person's or a team's activity, and the events they count
    ("added", "node.add"),
    ("edits", "node.update"),
    ("deletions", "node.delete"),
)


@dataclass
class Seen:
    """The map as the overview reads it: its data, the hidden ids, and the people's names."""

    data: MapData
    hidden: set[int]
    names: authors.Names
    members: list[dict]  # the map's members (id, name, role), in the order they joined
    author: dict[str, str]  # node key -> who wrote it (real names: the reader is an owner)
    nodes: dict[str, Node]  # node key -> node


def read(db: Database, map_id: int) -> tuple[dict, Seen]:
    """The loaded map and what the overview needs to read it."""
    graph = maps.load(db, map_id)
    members = authors.members_of(db, map_id)
    names = authors.names_for(db, map_id, "owner", members)
    author = {
        str(n["id"]): names.shown(
            n["author_member"], names.real.get(n["author_member"]) or n["author_name"] or ""
        )
        for n in graph["nodes"]
    }
    data = from_graph(graph)
    by_key = {n.key: n for n in data.nodes}
    hidden = moderation.hidden_ids(db, map_id)
    return graph, Seen(data, hidden, names, members, author, by_key)


def item(seen: Seen, key: str) -> dict:
    """A node as the overview lists it: id, kind, text, author, hidden or not."""
    node = seen.nodes[key]
    return {
        "id": int(key),
        "kind": node.kind,
        "text": node.text,
        "author": seen.author.get(key, ""),
        "hidden": int(key) in seen.hidden,
    }


def unanswered(seen: Seen, attacks: list[standing.Attack]) -> list[dict]:
    """Counters nobody has answered: nothing attacks them, nothing undercuts their attack.

    A counter under an undercut answers it too, though an undercut attacks nothing itself.
    """
    answered = {a.target for a in attacks} | {a.attacker for a in attacks if a.undercuts}
    answered |= {n.parent for n in seen.data.nodes if n.kind == "counter"}
    texts = {n.key: n.text for n in seen.data.nodes}
    found = []
    for node in seen.data.nodes:
        if node.kind == "counter" and node.key not in answered:
            against = {
                "against_id": int(node.parent),
                "against": standing.quoted(texts, node.parent),
            }
            found.append({**item(seen, node.key), "undercut": node.undercut, **against})
    return found


def unsupported(seen: Seen) -> list[dict]:
    """Claims without a single reason: no support under them, no support link to them."""
    reasons = {n.parent for n in seen.data.nodes if n.kind == "support"}
    reasons |= {li.target for li in seen.data.links if li.relation == "support"}
    claims = [n.key for n in seen.data.nodes if n.kind == "claim"]
    return [item(seen, key) for key in claims if key not in reasons]


def branch_counts(data: MapData) -> dict[str, dict[str, int]]:
    """For each node, the supports and counters in its whole branch below it (parent edges)."""
    counts = {n.key: {"supports": 0, "counters": 0, "nodes": 0} for n in data.nodes}
    children = defaultdict(list)
    for node in data.nodes:
        if node.parent is not None:
            children[node.parent].append(node)
    order, todo = [], [n.key for n in data.nodes if n.parent is None]
    while todo:  # parents before children; then add each child's counts to its parent
        key = todo.pop()
        order.append(key)
        todo += [c.key for c in children[key]]
    for key in reversed(order):
        for child in children[key]:
            mine, below = counts[key], counts[child.key]
            mine["nodes"] += below["nodes"] + 1
            mine["supports"] += below["supports"] + (child.kind == "support")
            mine["counters"] += below["counters"] + (child.kind == "counter")
    return counts


def direct_counts(data: MapData, attacks: list[standing.Attack]) -> dict[str, dict[str, int]]:
    """For each node, the reasons for it (support children and links) and the attacks on it."""
    counts = {n.key: {"supports": 0, "counters": 0} for n in data.nodes}
    for node in data.nodes:
        if node.parent is not None and node.kind == "support":
            counts[node.parent]["supports"] += 1
    for link in data.links:
        if link.relation == "support":
            counts[link.target]["supports"] += 1
    for attack in attacks:
        counts[attack.target]["counters"] += 1
    return counts


def claim_figures(seen: Seen, key: str, direct: dict, branch: dict, voted: dict) -> dict:
    """One claim's row of the balance: its counts and its votes."""
    return {**item(seen, key), "direct": direct, "branch": branch, "votes": voted}


def pooled(summaries: list[dict]) -> dict:
    """Several nodes' votes as one: all their votes counted, and the mean of them all."""
    count = sum(s["count"] for s in summaries)
    total = sum(s["count"] * s["mean"] for s in summaries if s["count"])
    return vote_tally(count, total / count if count else None)


def vote_figures(seen: Seen, tally: dict) -> dict[str, dict]:
    """Each claim's own votes, and those of the supports and counters right under it."""
    under: dict[str, dict[str, list]] = defaultdict(lambda: {"support": [], "counter": []})
    for node in seen.data.nodes:
        if node.parent is not None and node.kind in ("support", "counter"):
            under[node.parent][node.kind].append(tally.get(int(node.key), vote_tally(0, None)))
    return {
        n.key: {
            "claim": tally.get(int(n.key), vote_tally(0, None)),
            "supports": pooled(under[n.key]["support"]),
            "counters": pooled(under[n.key]["counter"]),
        }
        for n in seen.data.nodes
        if n.kind == "claim"
    }


def balance(seen: Seen, attacks: list[standing.Attack], tally: dict) -> list[dict]:
    """The balance of pro and con under each claim, directly and in its whole branch."""
    direct, branch = direct_counts(seen.data, attacks), branch_counts(seen.data)
    voted = vote_figures(seen, tally)
    return [
        claim_figures(seen, n.key, direct[n.key], branch[n.key], voted[n.key])
        for n in seen.data.nodes
        if n.kind == "claim"
    ]


def activity_rows(db: Database, map_id: int) -> list[dict]:
    """Each person's changes of the map: counted by member, or by name for changes with none."""
    sums = ", ".join(f"SUM(action = '{action}') AS {name}" for name, action in ACTIVITY)
    return rows(
        db,
        f"SELECT member_id, actor, {sums}, COUNT(*) AS changes, MAX(created_at) AS last"
        f" FROM events WHERE map_id = ? AND {events.NOT_VOTES}"
        " GROUP BY member_id, CASE WHEN member_id IS NULL THEN actor END",
        (map_id,),
    )


def zero() -> dict:
    """No activity yet."""
    return {**{name: 0 for name, _ in ACTIVITY}, "changes": 0, "last": None}


def add_up(total: dict, more: dict) -> None:
    """Add one person's activity to a team's."""
    for name in [*(n for n, _ in ACTIVITY), "changes"]:
        total[name] += more[name]
    if more["last"] and (total["last"] is None or more["last"] > total["last"]):
        total["last"] = more["last"]


def people(seen: Seen, found: list[dict], listed_teams: list[dict]) -> list[dict]:
    """Every member (those who did nothing too) and everyone else who changed the map."""
    team_names = {t["id"]: t["name"] for t in listed_teams}
    member_team = {m: t["id"] for t in listed_teams for m in t["members"]}
    done = {(r["member_id"], r["actor"] if r["member_id"] is None else None): r for r in found}
    shown = []
    for member in seen.members:
        figures = done.pop((member["id"], None), None) or zero()
        team = member_team.get(member["id"])
        shown.append(person(member["id"], seen.names.member(member["id"]), member["role"], figures))
        shown[-1].update(team_id=team, team=team_names.get(team))
    for (member_id, _), figures in done.items():  # a member who left, or no member at all
        name = seen.names.shown(member_id, figures["actor"]) or "Unnamed (a script or a file)"
        shown.append({**person(member_id, name, None, figures), "team_id": None, "team": None})
    return shown


def person(member_id: int | None, name: str, role: str | None, figures: dict) -> dict:
    """A person's row of activity."""
    counts = {k: figures[k] for k in zero()}
    return {"member_id": member_id, "name": name, "role": role, **counts}


def team_rows(listed_teams: list[dict], shown: list[dict]) -> list[dict]:
    """Each team's activity, its members' summed, then everyone in no team (if there are teams)."""
    found = []
    for team in listed_teams:
        total = {"id": team["id"], "name": team["name"], "side": team["side"], **zero()}
        total.update(claim_id=team["claim_id"], members=len(team["members"]))
        for p in shown:
            if p["team_id"] == team["id"]:
                add_up(total, p)
        found.append(total)
    rest = {"id": None, "name": "In no team", "side": None, "claim_id": None, **zero()}
    rest["members"] = sum(1 for p in shown if p["team_id"] is None and p["member_id"] is not None)
    for p in shown:
        if p["team_id"] is None:
            add_up(rest, p)
    return [*found, rest] if found else []


def latest(db: Database, map_id: int, seen: Seen) -> list[dict]:
    """The newest changes in the history's words, each marked if it is about a hidden node."""
    found = events.decoded(
        rows(
            db,
            f"SELECT * FROM events WHERE map_id = ? AND {events.NOT_VOTES}"
            " ORDER BY id DESC LIMIT ?",
            (map_id, LATEST),
        )
    )
    present = {int(n.key) for n in seen.data.nodes}
    shown = []
    for event in wording.described(found, seen.names):
        keep = ("id", "revision", "action", "actor", "words", "old", "new", "node_id", "created_at")
        change = {k: event[k] for k in keep}
        change["present"] = event["node_id"] in present
        change["hidden"] = moderation.about_hidden(event, seen.hidden)
        shown.append(change)
    return shown


def overview(db: Database, map_id: int) -> dict:
    """The whole overview of a map, as its owners see it."""
    graph, seen = read(db, map_id)
    attacks = standing.attacks_of(seen.data)
    listed_teams = teams.listing(db, map_id)
    shown = people(seen, activity_rows(db, map_id), listed_teams)
    kinds = [n.kind for n in seen.data.nodes]
    return {
        "map": {"id": graph["id"], "title": graph["title"], "revision": graph["revision"]},
        "counts": {
            "nodes": len(kinds),
            **{f"{kind}s": kinds.count(kind) for kind in ("claim", "support", "counter")},
            "hidden": len(seen.hidden),
        },
        "unanswered": unanswered(seen, attacks),
        "unsupported": unsupported(seen),
        "balance": balance(seen, attacks, votes.summaries(db, map_id)),
        "people": shown,
        "teams": team_rows(listed_teams, shown),
        "latest": latest(db, map_id, seen),
    }
