"""Cleaning what people send: text tidied, and each field of a map, node or link checked."""

from __future__ import annotations

import re

from .errors import ValidationError
from .model import (
    DESCRIPTION_MAX,
    KINDS,
    LINK_RELATIONS,
    MAX_ID,
    TAG_MAX,
    TAGS_MAX,
    TEXT_MAX,
    TITLE_MAX,
)

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def short(text: str, width: int = 60) -> str:
    """A text cut to fit a message."""
    return text if len(text) <= width else text[: width - 1] + "…"


def said(text: str, width: int = 60) -> str:
    """A text in quotes that ends a sentence: its own closing mark, else a full stop after.

    "Saved “It rains.”" rather than "Saved “It rains.”." (no doubled full stop).
    """
    cut = short(text.strip(), width)
    return f"“{cut}”" + ("" if cut.endswith((".", "!", "?", "…")) else ".")


def tidy(text: str, one_line: bool = False, field: str = "text") -> str:
    """Text as stored: trimmed, line breaks as \\n, tabs as spaces, control characters dropped."""
    if SURROGATE.search(text):
        raise ValidationError(
            f"The {field} text has characters that are not valid Unicode (half of an emoji?):"
            f" type or paste the {field} again.",
            field,
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if one_line:
        text = text.replace("\n", " ")
    return CONTROL.sub("", text).strip()


def too_long(what: str, value: str, limit: int, field: str) -> None:
    """Refuse a text longer than its limit, saying by how much."""
    if len(value) > limit:
        raise ValidationError(
            f"The {what} is {len(value)} characters long; shorten it to {limit} at most.", field
        )


def clean_title(title: object) -> str:
    """A trimmed title of 1 to 200 characters, or ValidationError."""
    title = tidy(title, one_line=True, field="title") if isinstance(title, str) else ""
    if not title:
        raise ValidationError("Give the map a title.", "title")
    too_long("title", title, TITLE_MAX, "title")
    return title


def clean_optional(value: object, field: str, limit: int = DESCRIPTION_MAX) -> str:
    """An optional text (description, quote, source) trimmed to its limit, or ValidationError."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"The {field} must be text.", field)
    value = tidy(value, one_line=field == "source", field=field)
    too_long(field, value, limit, field)
    return value


def clean_description(description: object) -> str:
    """A trimmed description of at most 2,000 characters, or ValidationError."""
    return clean_optional(description, "description", DESCRIPTION_MAX)


def clean_text(value: object, field: str = "text") -> str:
    """A node text tidied and trimmed to 1 to 1,000 characters, or ValidationError."""
    if value is not None and not isinstance(value, str):
        raise ValidationError("The node's text must be a string.", field)
    value = tidy(value or "", field=field)
    if not value:
        raise ValidationError("Write the node's text; it cannot be empty.", field)
    too_long("text", value, TEXT_MAX, field)
    return value


def clean_kind(value: object) -> str:
    """One of claim, support, counter, or ValidationError."""
    if value not in KINDS:
        raise ValidationError(f"Unknown kind {value!r}: choose claim, support or counter.", "kind")
    return value


def clean_relation(value: object) -> str:
    """support, counter or contradiction, or ValidationError."""
    if value not in LINK_RELATIONS:
        raise ValidationError(
            f"Unknown relation {value!r}: choose support, counter or contradiction.", "relation"
        )
    return value


def clean_id(value: object, field: str) -> int | None:
    """An optional positive integer id (blank means none), or ValidationError."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValidationError(f"{field} must be a whole number, not {value!r}.", field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{field} must be a whole number, not {value!r}.", field) from None
    if not 1 <= number <= MAX_ID:
        raise ValidationError(f"{field} must be a whole number from 1 to {MAX_ID}.", field)
    return number


def clean_tags(value: object) -> list[str]:
    """A list of short tags; a comma-separated string is split."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValidationError("Tags must be a list of words.", "tags")
    tags = [tag for t in value if (tag := tidy(t, one_line=True, field="tags"))]
    if len(tags) > TAGS_MAX or any(len(t) > TAG_MAX for t in tags):
        raise ValidationError(
            f"Use at most {TAGS_MAX} tags of at most {TAG_MAX} characters each.", "tags"
        )
    return list(dict.fromkeys(tags))


def clean_bool(value: object) -> bool:
    """A checkbox or JSON boolean."""
    return value in (True, 1, "1", "true", "on", "yes")
