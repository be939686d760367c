"""Screenshots of the README's "Preparing a debate with a class" walk-through, in docs/.

Starts `argmap serve` on a new database in a temporary folder, prepares a class as a teacher
would (a claim, teams For and Against, anonymous names, a join code), lets four students join
in their own headless Chromium contexts and write, and saves what the teacher and a student
see. Run it from the repository: `.venv/bin/python scripts/classroom_screenshots.py`.
Needs Debian's Chromium (/usr/bin/chromium) and the `playwright` package (the test extras).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from argmap import accounts, members, nodes, teams
from argmap.db import connect
from testbed import ROOT, Server, chromium

DOCS = ROOT / "docs"
PASSWORD = "correct horse battery staple"
STUDENTS = (("Ana", "For"), ("Ben", "For"), ("Cleo", "Against"), ("Dan", "Against"))


def prepare(database: str) -> dict:
    """The teacher's account and map: a claim, two teams on it, anonymous names, a code."""
    db = connect(database)
    try:
        user_id = accounts.create_user(db, "olga@school.example", "Ms Olga", PASSWORD)
        olga = accounts.get_user(db, user_id)
        map_id = members.create_map(db, olga, "Should homework be banned?")
        claim = nodes.add_node(db, map_id, {"kind": "claim", "text": "Homework should be banned"})
        for name, side in (("For", "for"), ("Against", "against")):
            teams.create(db, map_id, {"name": name, "claim_id": claim["id"], "side": side})
        teams.set_options(db, map_id, {"anonymous": True, "team_pick": True})
        code = members.new_code(db, map_id, "editor")
        return {"map": map_id, "claim": claim["id"], "code": code}
    finally:
        db.conn.close()


def write(page, url: str, room: dict, parent: int, kind: str, text: str) -> None:
    """Add a node under another through the map page's form."""
    page.goto(f"{url}/maps/{room['map']}?node={parent}")
    page.check(f"#add-under input[name=kind][value={kind}]")
    page.fill("#add-under textarea[name=text]", text)
    page.click("#add-under button[type=submit]")


def new_node(page) -> int:
    """The id of the node the page has just selected (after adding it)."""
    return int(page.url.split("node=")[1].split("#")[0])


def shoot(browser, url: str, room: dict) -> None:
    """Walk through the class and save the screenshots."""
    desk = {"viewport": {"width": 1280, "height": 800}}
    teacher = browser.new_context(**desk).new_page()
    teacher.goto(f"{url}/login")
    teacher.fill("input[name=email]", "olga@school.example")
    teacher.fill("input[name=password]", PASSWORD)
    teacher.click("#login button[type=submit]")
    teacher.goto(f"{url}/maps/{room['map']}/teams")
    teacher.screenshot(path=DOCS / "class-teams.png", full_page=True)
    teacher.goto(f"{url}/maps/{room['map']}/codes/{room['code']['id']}")
    teacher.screenshot(path=DOCS / "class-join-screen.png")
    pages = {}
    for name, team in STUDENTS:
        page = browser.new_context(**desk).new_page()
        page.goto(f"{url}/join/{room['code']['code']}")
        page.fill("input[name=name]", name)
        page.select_option("#join-team", label=team)
        if name == "Ana":
            page.screenshot(path=DOCS / "class-join-form.png")
        page.click("#join button[type=submit]")
        pages[name] = page
    write(pages["Ana"], url, room, room["claim"], "support", "Children need evenings to rest")
    rest = new_node(pages["Ana"])
    write(pages["Ben"], url, room, rest, "support", "Sleep researchers link homework to less sleep")
    write(pages["Cleo"], url, room, rest, "counter", "Most homework takes under an hour")
    write(pages["Dan"], url, room, room["claim"], "counter", "Practice at home builds skill")
    ben = pages["Ben"]
    ben.goto(f"{url}/maps/{room['map']}?node={rest}")
    ben.screenshot(path=DOCS / "class-student-map.png")
    teacher.goto(f"{url}/maps/{room['map']}?node={rest}")
    teacher.screenshot(path=DOCS / "class-teacher-map.png")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    cookies = ben.context.cookies()
    phone.add_cookies(cookies)
    brief = phone.new_page()
    brief.goto(f"{url}/maps/{room['map']}")
    brief.click("#team-brief-link")
    brief.fill("#notes textarea[name=notes]", "Ana opens with the evenings. Ben answers Cleo.")
    brief.click("#notes button[type=submit]")
    brief.screenshot(path=DOCS / "class-team-brief-phone.png", full_page=True)


def main() -> None:
    """Start a server, take the screenshots, stop the server."""
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        # as a school would set it: join links and codes show this address
        env = {"ARGMAP_PUBLIC_URL": "https://argmap.school.example"}
        server = Server(Path(folder), env=env)
        try:
            room = prepare(server.database)
            with chromium() as browser:
                shoot(browser, server.url, room)
        finally:
            server.stop(20)
    print(f"Saved the screenshots in {DOCS}")


if __name__ == "__main__":
    main()
