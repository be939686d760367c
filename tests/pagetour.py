"""Every kind of page, as the seed map's owner and as a guest: the tour the phone and
accessibility browser tests take (pages are driven, Playwright is imported by the tests)."""

from __future__ import annotations

from conftest import PASSWORD, log_in_form

from argmap import accounts
from argmap.db import connect
from argmap.owner import OWNER_EMAIL

# The seed map, one of its nodes (a reason two levels down), and a map that does not exist.
MAP = "/maps/1"
NODE = 3


def owner_password(database: str) -> None:
    """Give the seed map's owner (made on first start) a known password."""
    db = connect(database)
    try:
        accounts.set_password(db, OWNER_EMAIL, PASSWORD)
    finally:
        db.conn.close()


def log_in_owner(page, url: str) -> None:
    """Log in as the seed map's owner through the log-in form."""
    log_in_form(page, url, OWNER_EMAIL)


def open_join_code(page, url: str) -> tuple[str, str]:
    """Create a join code for the seed map on its members page; returns (code, screen path)."""
    page.goto(url + MAP + "/members")
    page.click("#new-code button")
    page.wait_for_url("**/codes/*")
    screen = page.url.removeprefix(url)
    return page.locator("#code").text_content(), screen


def owner_pages(screen: str) -> dict[str, str]:
    """What the owner sees: name -> path."""
    return {
        "list": "/",
        "map": MAP,
        "map, node selected": f"{MAP}?node={NODE}",
        "brief": f"{MAP}/brief",
        "import": "/import",
        "members": f"{MAP}/members",
        "join screen": screen,
        "history": f"{MAP}/history",
        "overview": f"{MAP}/overview",
        "search": f"{MAP}/search?q=NATO",
        "delete map": f"{MAP}/delete",
        "delete node": f"{MAP}/nodes/{NODE}/delete",
        "account": "/account",
        "no such map": "/maps/999",
        "no such page": "/no-such-page",
    }


def guest_pages(code: str) -> dict[str, str]:
    """What someone not logged in sees: name -> path."""
    return {
        "list (guest)": "/",
        "map (guest)": f"{MAP}?node={NODE}",
        "brief (guest)": f"{MAP}/brief",
        "join": "/join",
        "join with a code": f"/join/{code}",
        "join, unknown code": "/join?code=NOPE1234",
        "log in": "/login",
        "sign up": "/signup",
    }
