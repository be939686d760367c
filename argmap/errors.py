"""The errors the domain raises; views turn them into pages or JSON."""

from __future__ import annotations


class ArgmapError(Exception):
    """A request that cannot be carried out; nothing was written."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(ArgmapError):
    """Input that breaks a rule of the model; `field` names what to fix."""


class NotFound(ArgmapError):
    """A map or node that does not exist (or is not in this map)."""

    status = 404


class Forbidden(ArgmapError):
    """A change the person's role does not allow."""

    status = 403


class Conflict(ArgmapError):
    """An edit against an older version; `current` is the node as it stands."""

    status = 409

    def __init__(self, message: str, current: dict | None = None, field: str | None = "version"):
        super().__init__(message, field)
        self.current = current
