"""The one family of errors argmap raises; web/errorpages.py and the CLI each translate it once."""

from __future__ import annotations

import math


class ArgmapError(Exception):
    """A request that cannot be carried out; nothing was written.

    `status` is the HTTP status it answers with, `field` the input to fix (or None), and
    `where` where in the input the problem is (the field, or a place in a file).
    """

    status = 400

    def __init__(self, message: str, field: str | None = None, where: str | None = None):
        self.message = message
        self.field = field
        self.where = where if where is not None else (field or "")
        super().__init__(message)


class ValidationError(ArgmapError):
    """Input that breaks a rule of the model; `field` names what to fix."""


class NotFound(ArgmapError):
    """A map or node that does not exist (or is not in this map)."""

    status = 404


class Forbidden(ArgmapError):
    """A change the person's role does not allow."""

    status = 403


class Unauthorized(ArgmapError):
    """A request that needs an account (or a valid API token) and came without one."""

    status = 401


class CsrfError(ArgmapError):
    """A change sent without the page's token (an old page, or another site)."""


class Conflict(ArgmapError):
    """An edit against an older version; `current` is the node as it stands."""

    status = 409

    def __init__(self, message: str, current: dict | None = None, field: str | None = "version"):
        super().__init__(message, field)
        self.current = current


class TooManyAttempts(ArgmapError):
    """Too many failed attempts from one place or at one account; `retry_after` in seconds."""

    status = 429

    def __init__(self, retry_after: int, field: str | None = None):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            f"Too many attempts: wait {minutes} minute{'s' if minutes != 1 else ''} and try again.",
            field,
        )
        self.retry_after = retry_after


class FormatError(ArgmapError):
    """A file that cannot be read or written; `where` names the line or JSON path."""

    def __init__(self, message: str, where: str = "", field: str | None = None):
        super().__init__(message, field, where)
        self.args = (f"{where}: {message}" if where else message,)


class WriteError(FormatError):
    """A map that a format cannot hold (a format's limits, not the person's input)."""

    status = 422


class RenderError(ArgmapError):
    """Graphviz failed; the message carries its error output."""

    status = 503


class RenderTimeout(RenderError):
    """Graphviz took longer than the time limit and was stopped."""
