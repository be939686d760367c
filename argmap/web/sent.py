"""What a JSON request sent: its object, or a 400 that says what to send."""

from __future__ import annotations

from flask import request

from ..errors import ValidationError


def parsed() -> object:
    """The request's JSON (None when it is not JSON); a body nested too deeply is a 400."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise ValidationError(
            "The JSON body is nested too deeply: send a JSON object of plain fields.", "body"
        ) from None


def json_object(example: str = "", field: str = "body") -> dict:
    """The request's JSON object, or a 400 naming `field` with an example of what to send."""
    data = parsed()
    if not isinstance(data, dict):
        shown = f" such as {example}" if example else ""
        raise ValidationError(
            f"Send a JSON object{shown} with Content-Type: application/json.", field
        )
    return data
