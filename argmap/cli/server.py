"""Running argmap under gunicorn with gevent workers: an open live stream holds no thread.

Each worker serves its requests and streams as greenlets; its one watcher greenlet
(argmap.watch) fans new events out to the worker's streams, and a write waiting for SQLite's
write lock lets the worker's other requests go on (argmap.db.begin).
"""

from __future__ import annotations

import resource

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.ggevent import GeventWorker


class Server(BaseApplication):
    """gunicorn, configured in code, serving an already created app."""

    def __init__(self, app: Flask, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Pass the options to gunicorn."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """The WSGI app."""
        return self.application


def stop_streams(worker: object) -> None:
    """On a shutdown, end the worker's open live streams so it can exit, and give up the
    drawings it was making so that pages are not left waiting for them."""
    from ..render import release_held
    from ..views.live import stop

    stop(worker)
    release_held()


class Worker(GeventWorker):
    """gunicorn's gevent worker whose graceful stop (SIGTERM, systemd's) ends live streams.

    Without this a SIGTERM waits `graceful_timeout` for open streams, then cuts them.
    """

    def handle_exit(self, sig, frame) -> None:
        """End the open streams (each ends at once), then stop as gunicorn does."""
        stop_streams(self)
        super().handle_exit(sig, frame)


def console_line(app: Flask, host: str, port: int) -> str:
    """What `argmap serve` says as it starts: where argmap is, its database, the seed map."""
    from ..db import connect

    shown = "localhost" if host in ("0.0.0.0", "::", "") else host
    base = f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"
    db = connect(app.config["DATABASE"])
    try:
        seed = db.execute(
            "SELECT id FROM maps WHERE origin LIKE 'seed:%' AND public = 1 ORDER BY id LIMIT 1"
        ).fetchone()
    finally:
        db.conn.close()
    line = f"argmap on {base}/  database: {app.config['DATABASE']}"
    return line + (f"\nThe seed map: {base}/maps/{seed[0]}" if seed else "")


def patch() -> None:
    """Make blocking calls cooperative before the app is imported (its locks become gevent's)."""
    from gevent import monkey

    monkey.patch_all()


def more_files() -> None:
    """Raise the open-files limit to its maximum: each open stream is one socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def size_pool(threads: int):
    """gunicorn's post_worker_init hook: the worker's pool of threads for blocking calls."""

    def sized(_worker: object) -> None:
        from gevent import get_hub

        get_hub().threadpool.maxsize = threads

    return sized


def run(app: Flask, host: str, port: int, workers: int = 1, threads: int = 16) -> None:
    """Serve until interrupted."""
    more_files()
    Server(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "argmap.cli.server.Worker",
            "worker_connections": 10000,  # streams are capped per address (STREAMS_PER_ADDRESS)
            "timeout": 120,
            "graceful_timeout": 3,
            "keepalive": 5,
            "preload_app": True,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
            # No runtime control socket: argmap does not use one, and every instance on the
            # machine would otherwise share its default path.
            "control_socket_disable": True,
            "worker_int": stop_streams,
            "post_worker_init": size_pool(threads),
        },
    ).run()
