#!/usr/bin/env python3
"""Retake the screenshots in docs/: the seed map's page and its brief, on a desktop (1366x900)
and a phone (390x844), in headless Chromium against a fresh `argmap serve` with the seed map.

Run from the repository: .venv/bin/python scripts/screenshots.py  (or: make screenshots)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from argmap import accounts
from argmap.db import connect
from argmap.owner import OWNER_EMAIL

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "screenshots are retaken here"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
# name -> the page on the seed map (the map with a node selected, the brief).
SHOTS = {"map": "/maps/1?node=3", "brief": "/maps/1/brief"}


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(database: Path) -> tuple[subprocess.Popen, str]:
    """`argmap serve` on a fresh database with the seed map; returns it and its address."""
    port = free_port()
    env = {
        **os.environ,
        "ARGMAP_DATABASE": str(database),
        "ARGMAP_SEED": "1",
        "ARGMAP_SECRET_KEY": "screenshots",
    }
    command = [sys.executable, "-m", "argmap.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/", timeout=1).close()
            return server, url
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("argmap serve did not start")


def take(url: str) -> list[Path]:
    """Log in as the seed map's owner and take every shot at every size."""
    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
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
        browser.close()
    return taken


def main() -> None:
    """Start a server, set the owner's password, take the shots, stop the server."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "screenshots.sqlite"
        server, url = start(database)
        try:
            db = connect(str(database))
            accounts.set_password(db, OWNER_EMAIL, PASSWORD)
            db.conn.close()
            for target in take(url):
                print(target.relative_to(ROOT))
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
