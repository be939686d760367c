"""Account commands: `argmap create-user` and `argmap reset-password` (errors: see Commands)."""

from __future__ import annotations

import sys

import click

from .. import accounts, create_app
from ..db import connect


def read_password(from_stdin: bool) -> str:
    """The password from the first line of standard input, or asked for twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def open_db():
    """A connection to the configured database (the schema brought up to date)."""
    app = create_app({"SEED": False})
    return connect(app.config["DATABASE"])


@click.command("create-user")
@click.argument("email")
@click.option("--name", help="Display name (default: the part of the email before the @).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, name: str | None, password_stdin: bool) -> None:
    """Create an account that can log in, create maps and invite others."""
    db = open_db()
    accounts.create_user(db, email, name or email.split("@")[0], read_password(password_stdin))
    click.echo(f"Created the account {email.strip()}.")


@click.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def reset_password(email: str, password_stdin: bool) -> None:
    """Give an account a new password; its sessions end and its API tokens are revoked."""
    db = open_db()
    revoked = accounts.set_password(db, email, read_password(password_stdin))
    tokens = f"{revoked} API token{'s' if revoked != 1 else ''}"
    click.echo(f"New password set for {email.strip()}; its sessions ended, {tokens} revoked.")


def add_account_commands(group: click.Group) -> None:
    """Register the account commands on the `argmap` command."""
    group.add_command(create_user)
    group.add_command(reset_password)
