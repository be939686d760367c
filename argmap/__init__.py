"""argmap: build argument maps together in the browser, drawn by Graphviz."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from . import settings

ROOT = Path(__file__).resolve().parent.parent


def from_environment(app: Flask) -> None:
    """Apply ARGMAP_* environment variables over the other settings."""
    for name, value in os.environ.items():
        if name.startswith("ARGMAP_"):
            key = name.removeprefix("ARGMAP_")
            app.config[key] = settings.parse(key, value)


def secret_key(app: Flask) -> str:
    """The configured secret, else one generated once and kept in the instance folder."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def instance_folder() -> str | None:
    """The instance folder named by ARGMAP_INSTANCE (made absolute), else Flask's default."""
    folder = os.environ.get("ARGMAP_INSTANCE", "").strip()
    return os.path.abspath(folder) if folder else None


def create_app(test_config: dict | None = None, prepare: bool = True) -> Flask:
    """Create the argmap application: defaults, instance config.py, ARGMAP_*, test config.

    With prepare=False the database file is left untouched (not created, not upgraded).
    """
    app = Flask(
        __name__,
        instance_path=instance_folder(),
        instance_relative_config=True,
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(settings.defaults())
    app.config.from_pyfile("config.py", silent=True)
    from_environment(app)
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["DATABASE"] = app.config["DATABASE"] or str(
        Path(app.instance_path) / "argmap.sqlite"
    )
    app.config["EXPORTS"] = app.config["EXPORTS"] or str(ROOT / "exports")
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or secret_key(app)
    register(app)
    if prepare:
        prepare_database(app)
    return app


def register(app: Flask) -> None:
    """Attach the database, the blueprints and the error handlers."""
    from . import db, labels
    from .formats import registry
    from .views import (
        api,
        auth,
        brief,
        classroom,
        comments,
        files,
        history,
        live,
        maps,
        members,
        openapi,
        overview,
        search,
        standing,
        votes,
    )
    from .web import access, compress, csrf, errorpages, headers, ids, lean, proxies

    app.url_map.converters["int"] = ids.IdConverter  # before any route is added
    db.init_app(app)
    lean.init_app(app)  # inside the proxies' reading of the address: it needs none
    proxies.init_app(app)
    csrf.init_app(app)
    access.init_app(app)
    views = [auth, members, maps, api, openapi, brief, classroom, live, history, files, search]
    for view in [*views, standing, votes, comments, overview]:
        app.register_blueprint(view.bp)
    errorpages.init_app(app)
    app.jinja_env.globals["labels"] = labels.for_templates(registry.FORMATS)
    app.jinja_env.filters["counted"] = labels.counted
    headers.init_app(app)
    compress.init_app(app)


def prepare_database(app: Flask) -> None:
    """Create or upgrade the schema; seed a fresh database when seeding is on."""
    from .db import connect, migrate
    from .owner import adopt_orphans
    from .seed import seed

    db = connect(app.config["DATABASE"])
    try:
        fresh = migrate(db)
        if fresh and app.config["SEED"]:
            seed(db)
        announce_owner(app, adopt_orphans(db))
    finally:
        db.conn.close()


def announce_owner(app: Flask, password: str | None) -> None:
    """Print a new owner account's password once (never in tests), and log that it was made."""
    from .owner import OWNER_EMAIL, banner

    if password is None or app.testing:
        return
    print(banner(password), flush=True)
    app.logger.warning("Created the owner account %s; its password was printed once.", OWNER_EMAIL)
