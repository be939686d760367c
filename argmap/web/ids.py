"""Ids as SQLite stores them: URL parts and query-string numbers bounded to its integer range."""

from __future__ import annotations

import re

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, Map
from werkzeug.routing import ValidationError as NoSuchNumber

from ..errors import ValidationError
from ..model import MAX_ID

DIGITS = re.compile(r"[0-9]{1,19}")


class IdConverter(IntegerConverter):
    """Flask's `int` URL converter limited to 1 .. 2**63-1: another number finds no page (404)."""

    regex = r"[0-9]+"  # ASCII digits only: werkzeug's \d+ also takes other scripts' digits

    def __init__(self, url_map: Map, min: int = 1, max: int = MAX_ID, **options: object) -> None:
        super().__init__(url_map, min=min, max=max, **options)

    def to_python(self, value: str) -> int:
        """The id; 404 at once for any other number (werkzeug would try other methods: 405)."""
        try:
            return super().to_python(value)
        except NoSuchNumber:
            message = f"There is nothing numbered {value[:40]} here: ids go from 1 to {MAX_ID}."
            raise NotFound(message) from None


def query_number(value: str | None, name: str, what: str = "a whole number") -> int | None:
    """A number sent in a query string or header (blank means none), or ValidationError."""
    if value is None or value == "":
        return None
    if not DIGITS.fullmatch(value) or int(value) > MAX_ID:
        raise ValidationError(
            f"{name} must be {what} from 0 to {MAX_ID}, not {value[:40]!r}.", name
        )
    return int(value)
