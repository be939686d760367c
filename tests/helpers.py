"""Helpers for the core tests: fresh database files fast, cheap password hashes, the CLI."""

from __future__ import annotations

import atexit
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from click.testing import CliRunner, Result
from werkzeug.security import generate_password_hash

from argmap.db import connect, migrate
from testbed import ROOT

PASSWORD = "correct horse battery staple"  # every test account's (it passes zxcvbn)


@cache
def migrated_template() -> Path:
    """A database file migrated once per test session (migrating takes ~70 ms)."""
    folder = Path(tempfile.mkdtemp(prefix="argmap-template-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.sqlite"
    db = connect(str(path))
    migrate(db)
    db.conn.close()
    return path


def fresh_database(folder: Path) -> str:
    """A new, fully migrated and empty database file in the folder."""
    target = folder / "argmap.sqlite"
    shutil.copyfile(migrated_template(), target)
    return str(target)


def fresh_app_config(folder: Path) -> dict:
    """The test config of the conftest `app` fixture, on a copied fresh database."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE": fresh_database(folder),
        "EXPORTS": str(folder / "exports"),
        "SEED": False,
        "SIGNUP": True,
    }


def quick_hash(password: str) -> str:
    """A real but cheap password hash: the default costs 0.1 s, too slow for every test."""
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


def session_entry(app, user: dict) -> list:
    """What the session cookie holds for a new log-in session of the account in the app."""
    from argmap import accounts

    db = connect(app.config["DATABASE"])
    try:
        return [user["id"], accounts.start_session(db, user["id"])]
    finally:
        db.conn.close()


def run_cli(where, *args: str, stdin: str = "") -> Result:
    """Run an argmap command in this process (click's runner) on the app's database, or on a
    database file; a crash (anything but the command's own exit) is raised, traceback and all."""
    from argmap.cli import main  # here: most tests never need the command line

    database = where if isinstance(where, str | Path) else where.config["DATABASE"]
    env = {"ARGMAP_DATABASE": str(database), "ARGMAP_SECRET_KEY": "test", "ARGMAP_SEED": "0"}
    result = CliRunner().invoke(main, list(args), input=stdin, env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def run_argmap(*args: str, database: str, exports: Path) -> subprocess.CompletedProcess:
    """Run `argmap ARGS` as its own process on the given database and exports folder."""
    env = {
        **os.environ,
        "ARGMAP_DATABASE": database,
        "ARGMAP_EXPORTS": str(exports),
        "ARGMAP_SECRET_KEY": "test",
        "ARGMAP_SEED": "0",
    }
    return subprocess.run(
        [sys.executable, "-m", "argmap.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


EMAIL = "ana@example.org"


class Session:
    """One browser's cookies and form token on a real server, over plain HTTP connections."""

    def __init__(self, server, forwarded_for: str = ""):
        self.port, self.forwarded_for, self.cookies = server.port, forwarded_for, {}
        self.open_form()

    def open_form(self) -> None:
        """Open the log-in page, as a browser would before sending it, for its form token."""
        page = self.send("GET", "/login")[1]
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def headers(self) -> dict:
        """The cookie, and the address a proxy would say it forwards for."""
        found = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.forwarded_for:
            found["X-Forwarded-For"] = self.forwarded_for
        return found

    def send(self, method: str, path: str, form: dict | None = None, sent=None) -> tuple:
        """The status and text of the answer; `sent` is set once the request is on its way."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = self.headers()
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            if sent is not None:
                sent()
            response = conn.getresponse()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";")[0]
            return response.status, response.read().decode()
        finally:
            conn.close()

    def log_in(self, password: str, email: str = EMAIL, sent=None) -> int:
        """Send the log-in form; the answer's status."""
        return self.send("POST", "/login", {"email": email, "password": password}, sent)[0]
