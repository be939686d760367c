"""Running argmap under gunicorn with threaded workers (one thread per live stream)."""

from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker


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
    """On a quick shutdown (SIGINT), end the worker's open live streams so it can exit."""
    from ..views.live import stop

    stop(worker)


class Worker(ThreadWorker):
    """gunicorn's threaded worker whose graceful stop (SIGTERM, systemd's) ends live streams.

    Without this a SIGTERM waits `graceful_timeout` for open streams, then cuts them.
    """

    def handle_exit(self, sig, frame) -> None:
        """End the open streams (each ends within one poll), then stop as gunicorn does."""
        stop_streams(self)
        super().handle_exit(sig, frame)


def run(app: Flask, host: str, port: int, workers: int = 1, threads: int = 64) -> None:
    """Serve until interrupted."""
    Server(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "argmap.cli.server.Worker",
            "threads": threads,
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
        },
    ).run()
