"""Backup commands: `argmap backup PATH` (while argmap runs) and `argmap restore PATH`."""

from __future__ import annotations

from pathlib import Path

import click
from tqdm import tqdm

from .. import backup, create_app


def database() -> str:
    """The configured database's path (the file is not opened or upgraded)."""
    return create_app({"SEED": False}, prepare=False).config["DATABASE"]


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the database, even while people write, into PATH (a new file, or a folder)."""
    source = database()
    bars: list[tqdm] = []  # made at the first step, so a refused backup shows no bar

    def progress(done: int, total: int) -> None:
        if not bars:
            # On a terminal only: a nightly cron job mails nothing but errors.
            bars.append(tqdm(desc="Backing up", unit="page", total=total, disable=None))
        bars[0].update(done - bars[0].n)

    try:
        written = backup.backup(source, path, progress)
    except OSError as error:  # argmap's own errors are shown by the command group
        raise click.ClickException(str(error)) from None
    finally:
        for bar in bars:
            bar.close()
    size = written.stat().st_size / 1024**2
    click.echo(f"Backed up {source} to {written} ({size:.1f} MB, checked).")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
def restore_command(path: Path) -> None:
    """Replace the database with the backup in PATH (checked first; stop argmap before)."""
    target = database()
    try:
        kept = backup.restore(target, path)
    except OSError as error:  # argmap's own errors are shown by the command group
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {path} into {target}.")
    if kept is not None:
        click.echo(f"The database it replaced is kept as {kept}.")


def add_backup_commands(group: click.Group) -> None:
    """Register the backup commands on the `argmap` command."""
    group.add_command(backup_command)
    group.add_command(restore_command)
