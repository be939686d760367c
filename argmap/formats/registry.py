"""The formats argmap reads and writes, told apart by their content."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import collector
from ..errors import FormatError, WriteError
from ..model import KINDS, MapData
from . import aif, argdown, argmapjson, kialo, markdown
from .model import check_size


@dataclass(frozen=True)
class Format:
    """A file format: its name, file extension, media type, reader and writer."""

    key: str
    label: str
    extension: str
    mimetype: str
    read: Callable[[str], MapData] | None
    write: Callable[[MapData], str]


FORMATS = {
    "kialo": Format("kialo", "Kialo plain text", "txt", "text/plain", kialo.read, kialo.write),
    "argdown": Format("argdown", "Argdown", "argdown", "text/plain", argdown.read, argdown.write),
    "aif": Format("aif", "AIF JSON (AIFdb)", "aif.json", "application/json", aif.read, aif.write),
    "json": Format(
        "json",
        "argmap JSON (lossless)",
        "argmap.json",
        "application/json",
        argmapjson.read,
        argmapjson.write,
    ),
    "md": Format("md", "Markdown outline", "md", "text/markdown", None, markdown.write),
}
READABLE = [key for key, f in FORMATS.items() if f.read is not None]
KIALO_LINE = re.compile(r"^\s*\d+(\.\d+)*\.\s+((Pro|Con):\s)?", re.MULTILINE)


def is_json(text: str) -> bool:
    """Whether the text parses as JSON."""
    try:
        argmapjson.load_json(text)
    except FormatError:
        return False
    return True


def detect_json(text: str) -> str | None:
    """argmap or AIF, by the top-level keys of a JSON document (a syntax error names its line)."""
    doc = argmapjson.load_json(text)
    if isinstance(doc, dict) and ("argmap" in doc or doc.get("format") == "argmap"):
        return "json"
    if isinstance(doc, dict) and ({"nodes", "edges"} <= doc.keys() or "AIF" in doc):
        return "aif"
    return None


def detect(text: str) -> str:
    """The format of a file, told from its content."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("[") and is_json(head):
        raise FormatError("this is a JSON list, but argmap and AIF files are JSON objects")
    if head.startswith("{"):
        found = detect_json(head)
        if found:
            return found
        raise FormatError(
            "this looks like JSON but is neither an argmap file nor AIF (nodes and edges)"
        )
    if head.startswith("Discussion Title:") or KIALO_LINE.match(head):
        return "kialo"
    return "argdown"


def read(text: str, fmt: str | None = None) -> tuple[str, MapData]:
    """Read a file's text in the given format (or the detected one)."""
    check_size(text)
    fmt = fmt or detect(text)
    if fmt not in READABLE:
        raise FormatError(f"argmap cannot read {fmt!r}: choose one of {', '.join(READABLE)}")
    with collector.paused(keeps=True):
        return fmt, FORMATS[fmt].read(text.replace("\r\n", "\n"))


def write(data: MapData, fmt: str) -> str:
    """A portable map written in a format, or WriteError saying what else to choose."""
    try:
        return FORMATS[fmt].write(data)
    except FormatError as error:
        raise WriteError(
            f"This map cannot be written as {FORMATS[fmt].label}: {error.message}."
            " Export it as argmap JSON or Argdown instead."
        ) from None


def counts(data: MapData) -> dict[str, int]:
    """What a map holds, for a preview before anything is written."""
    kinds = {kind: sum(n.kind == kind for n in data.nodes) for kind in KINDS}
    groups = {(e.target, e.relation, e.group) for e in data.edges() if e.group is not None}
    return {
        "nodes": len(data.nodes),
        **kinds,
        "links": len(data.links),
        "groups": len(groups),
        "undercuts": sum(e.undercut for e in data.edges()),
        "quotes": sum(bool(n.quote) for n in data.nodes),
    }
