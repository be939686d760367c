#!/usr/bin/env python3
"""Retake the screenshots in docs/: the seed map's page and its brief, on a desktop (1366x900)
and a phone (390x844), in headless Chromium against a fresh `argmap serve` with the seed map.

Run from the repository: .venv/bin/python scripts/screenshots.py  (or: make screenshots)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from argmap import accounts
from argmap.db import connect
from argmap.owner import OWNER_EMAIL
from testbed import ROOT, Server, chromium

DOCS = ROOT / "docs"
PASSWORD = "screenshots are retaken here"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
# name -> the page on the seed map (the map with a node selected, the brief).
SHOTS = {"map": "/maps/1?node=3", "brief": "/maps/1/brief"}


def take(url: str) -> list[Path]:
    """Log in as the seed map's owner and take every shot at every size."""
    taken = []
    with chromium() as browser:
        for size, (width, height) in SIZES.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, device_scale_factor=1
            )
            page = context.new_page()
            page.goto(url + "/login")
            page.fill("input[name=email]", OWNER_EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.click("button:text('Log in')")
            page.wait_for_url(url + "/")
            for name, path in SHOTS.items():
                page.goto(url + path)
                page.wait_for_load_state("load")  # not "networkidle": the live stream stays open
                page.evaluate("window.scrollTo(0, 0)")
                target = DOCS / f"{name}-{size}.png"
                page.screenshot(path=str(target))
                taken.append(target)
            context.close()
    return taken


def main() -> None:
    """Start a server, set the owner's password, take the shots, stop the server."""
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder), seed=True)
        try:
            db = connect(server.database)
            accounts.set_password(db, OWNER_EMAIL, PASSWORD)
            db.conn.close()
            for target in take(server.url):
                print(target.relative_to(ROOT))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
