"""The real parts that tests, benchmarks and screenshot scripts run against: a real argmap
server (`argmap serve` on a free port, on its own database file) and Debian's headless Chromium.

Not part of the argmap package (argmap never imports it). Playwright is imported only inside
`chromium()`, so code that starts servers without a browser does not need it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
# Headless, and no calls to the outside (updates, sync, QUIC probes).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SECRET = "test-secret"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Wait for the server to answer, or fail with its output (a server that hangs is killed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"server did not start in time: {log.read_text(errors='replace')}")


class Server:
    """`argmap serve` on a free port of 127.0.0.1 (its defaults unless flags say otherwise),
    on `database` (default: a new file in `folder`); it answers once made."""

    def __init__(
        self,
        folder: Path,
        *flags: str,
        database: Path | str | None = None,
        seed: bool = False,
        env: dict | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = str(database or folder / f"server-{self.port}.sqlite")
        self.flags = flags
        self.environ = {
            **os.environ,
            "ARGMAP_DATABASE": self.database,
            "ARGMAP_SECRET_KEY": SECRET,
            "ARGMAP_SEED": "1" if seed else "0",
            "ARGMAP_EXPORTS": str(folder / "exports"),
            **(env or {}),
        }
        # Its output goes to a file: a pipe nobody reads fills up and stops the server.
        self.log = folder / f"server-{self.port}.log"
        self.start()

    def start(self) -> None:
        """Start the server (again, on the same port, database and log); returns once it answers."""
        command = [sys.executable, "-m", "argmap.cli", "serve", "--port", str(self.port)]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [*command, *self.flags],
                env=self.environ,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        wait_until_up(self.url + "/", self.process, self.log)

    def stop(self, seconds: float = 10) -> None:
        """Stop the server the way an operator would (SIGINT), and reap it (killed if it hangs)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, headless, with no calls to the outside; closed on leaving."""
    from playwright.sync_api import sync_playwright  # here: only browser work needs Playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
