"""The `argmap` command: serve, seed, import, export, settings."""

from __future__ import annotations

from pathlib import Path

import click
from tqdm import tqdm

from .. import create_app
from ..db import connect
from ..errors import ArgmapError
from .accounts import add_account_commands
from .backup import add_backup_commands


def open_db(app):
    """A connection to the app's database, for command-line work."""
    return connect(app.config["DATABASE"])


class Commands(click.Group):
    """The argmap commands: the one place argmap's errors become a message and exit code 1."""

    def invoke(self, ctx: click.Context):
        """Run the command; an ArgmapError is shown as one line, without a traceback."""
        try:
            return super().invoke(ctx)
        except ArgmapError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=Commands)
@click.version_option(package_name="argmap")
def main() -> None:
    """argmap: build argument maps together, drawn by Graphviz."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.option(
    "--threads",
    default=16,
    show_default=True,
    type=int,
    help="Threads per worker for blocking calls (streams hold none).",
)
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Start argmap under gunicorn (gevent workers: open live streams hold no thread)."""
    from .server import console_line, patch, run

    patch()  # before the app's modules make their locks: they become gevent's
    from ..backup import hold_serving

    app = create_app()
    serving = hold_serving(app.config["DATABASE"])  # `argmap restore` refuses while held
    click.echo(console_line(app, host, port))
    run(app, host, port, workers, threads)
    serving.close()


@main.command()
def seed() -> None:
    """Load the seed map (once; seeding again changes nothing)."""
    from ..owner import adopt_orphans, banner
    from ..seed import seed as load_seed

    app = create_app({"SEED": False})
    db = open_db(app)
    added = load_seed(db)
    click.echo(f"Seeded map {', '.join(map(str, added))}." if added else "Seed map already there.")
    password = adopt_orphans(db)
    if password:
        click.echo(banner(password))


DIAGRAMS = ("svg", "png", "pdf", "dot")
MAP_FORMATS = ("kialo", "argdown", "aif", "json", "md")


def default_path(app, map_id: int, fmt: str) -> Path:
    """exports/map-ID.EXT, the folder created if need be."""
    from ..formats.registry import FORMATS

    folder = Path(app.config["EXPORTS"])
    folder.mkdir(parents=True, exist_ok=True)
    extension = FORMATS[fmt].extension if fmt in FORMATS else fmt
    return folder / f"map-{map_id}.{extension}"


def export_one(app, db, map_id: int, fmt: str, output: Path | None) -> tuple[Path, str]:
    """Write one map in one format; returns the path and a note for the user."""
    from .. import portable, render
    from ..formats import registry

    path = output or default_path(app, map_id, fmt)
    if fmt in DIAGRAMS:
        drawn = render.diagram(db, map_id, fmt, limits=render.Limits.from_config(app.config))
        path.write_bytes(drawn.body)
        return (
            path,
            f" (the {drawn.shown} nodes around node {drawn.focus})" if drawn.focused else "",
        )
    data = portable.to_data(db, map_id, history=fmt == "json")
    path.write_text(registry.write(data, fmt), encoding="utf-8")
    return path, ""


@main.command("export")
@click.argument("map_id", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Export every map.")
@click.option(
    "--format",
    "fmt",
    default="svg",
    show_default=True,
    type=click.Choice(DIAGRAMS + MAP_FORMATS),
    help="What to write.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write (default: exports/map-ID.EXT).",
)
def export(map_id: int | None, every: bool, fmt: str, output: Path | None) -> None:
    """Write a map (or --all maps) as a diagram or in a map format."""
    from ..maps import get_map, list_maps

    if (map_id is None) == (not every):
        raise click.UsageError("Give a MAP_ID or --all (not both).")
    if every and output:
        raise click.UsageError("--output names one file; with --all, files go to exports/.")
    app = create_app({"SEED": False})
    db = open_db(app)
    ids = [m["id"] for m in list_maps(db)] if every else [get_map(db, map_id)["id"]]
    if not every:
        path, note = export_one(app, db, ids[0], fmt, output)
        click.echo(f"Wrote {path}{note}")
        return
    for one in tqdm(sorted(ids), desc=f"Exporting {fmt}", unit="map"):
        export_one(app, db, one, fmt, None)
    click.echo(f"Wrote {len(ids)} maps into {app.config['EXPORTS']}")


def owner_for(db, email: str | None) -> tuple[dict, str | None]:
    """The account to own an imported map: the one named, else the install's first."""
    from .. import accounts, owner

    if email is None:
        return owner.first_account(db)
    user = accounts.find_user(db, email)
    if user is None:
        raise click.ClickException(f"There is no account {email}: see argmap create-user.")
    return user, None


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["kialo", "argdown", "aif", "json"]),
    help="The file's format (default: told from the content).",
)
@click.option("--title", help="A title for the map instead of the file's own.")
@click.option("--owner", "email", help="The account to own the map (default: the first one).")
def import_(file: Path, fmt: str | None, title: str | None, email: str | None) -> None:
    """Read a map from a file into a new map (all or nothing)."""
    from .. import members, owner
    from ..db import write
    from ..formats import registry

    db = open_db(create_app({"SEED": False}))
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text.") from None
    fmt, data = registry.read(text, fmt)
    data.title = title or data.title
    with write(db):
        user, password = owner_for(db, email)
        map_id = members.create_map(db, user, data=data)
    if password:
        click.echo(owner.banner(password))
    for warning in data.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(
        f"Imported {file} as {registry.FORMATS[fmt].label}: map {map_id} owned by "
        f"{user['email']}, {len(data.nodes)} nodes, {len(data.links)} links."
    )


@main.command("settings")
def settings_() -> None:
    """Print every setting with its default, type and meaning (the README's table)."""
    from .. import settings

    click.echo(settings.markdown_table())


add_account_commands(main)
add_backup_commands(main)

if __name__ == "__main__":
    main()
