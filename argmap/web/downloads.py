"""Names of downloaded files: after the map's title, safe on every system (RFC 6266)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|]+')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10))}
RESERVED |= {f"LPT{i}" for i in range(10)}
MAX_NAME = 80


def file_stem(title: str) -> str:
    """A title as a file name without its extension: unsafe characters gone, at most 80 long.

    Letters of every script stay (é, ü, 日本); slashes, quotes, control characters and the
    characters Windows refuses go; a name Windows reserves (CON, NUL...) or nothing left
    gives "map".
    """
    text = UNSAFE.sub(" ", unicodedata.normalize("NFC", title))
    text = re.sub(r"\s+", " ", text).strip(" .")[:MAX_NAME].strip(" .")
    if not text or text.upper() in RESERVED:
        return "map"
    return text


def ascii_stem(stem: str) -> str:
    """The name for old clients that read only `filename`: ASCII letters, digits and dashes."""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-.")
    return plain or "map"


def attachment(title: str, extension: str) -> str:
    """A Content-Disposition header that saves the file under the map's title."""
    stem = file_stem(title)
    name = f"{stem}.{extension}"
    fallback = f"{ascii_stem(stem)}.{extension}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
