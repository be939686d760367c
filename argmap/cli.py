"""The `argmap` command: serve, seed, export."""

from __future__ import annotations

from pathlib import Path

import click

from . import create_app
from .db import connect
from .errors import ArgmapError


def open_db(app):
    """A connection to the app's database, for command-line work."""
    return connect(app.config["DATABASE"])


@click.group()
@click.version_option(package_name="argmap")
def main() -> None:
    """argmap: build argument maps together, drawn by Graphviz."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.option("--threads", default=64, show_default=True, type=int,
              help="Threads per worker (each open live stream holds one).")  # fmt: skip
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Start argmap under gunicorn (threaded workers)."""
    from .server import run

    app = create_app()
    click.echo(f"argmap on http://{host}:{port}/  database: {app.config['DATABASE']}")
    run(app, host, port, workers, threads)


@main.command()
def seed() -> None:
    """Load the seed map (once; seeding again changes nothing)."""
    from .seed import seed as load_seed

    app = create_app({"SEED": False})
    added = load_seed(open_db(app))
    click.echo(f"Seeded map {', '.join(map(str, added))}." if added else "Seed map already there.")


def default_path(app, map_id: int, fmt: str) -> Path:
    """exports/map-ID.EXT, the folder created if need be."""
    folder = Path(app.config["EXPORTS"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"map-{map_id}.{fmt}"


@main.command("export")
@click.argument("map_id", type=int)
@click.option("--format", "fmt", default="svg", show_default=True,
              type=click.Choice(["svg", "png", "pdf", "dot"]), help="What to write.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write (default: exports/map-ID.FORMAT).")  # fmt: skip
def export(map_id: int, fmt: str, output: Path | None) -> None:
    """Write a map's diagram to a file."""
    from . import render

    app = create_app({"SEED": False})
    db = open_db(app)
    try:
        drawn = render.diagram(db, map_id, fmt, limits=render.Limits.from_config(app.config))
    except (ArgmapError, render.RenderError) as error:
        raise click.ClickException(str(error)) from None
    path = output or default_path(app, map_id, fmt)
    path.write_bytes(drawn.body)
    note = f" (the {drawn.shown} nodes around node {drawn.focus})" if drawn.focused else ""
    click.echo(f"Wrote {path}{note}")


if __name__ == "__main__":
    main()
