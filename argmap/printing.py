"""Diagrams to take away: the map's title, date and legend drawn in, PDFs on A4 or A3 paper.

A PDF comes either as one page with the drawing scaled to fit, or tiled at its natural size
over as many pages as it needs, each overlapping its neighbours by OVERLAP so the pages can
be taped together. Graphviz's own `page` attribute tiles only PostScript (its PDF stays one
page the size of the drawing: measured with Graphviz 2.43), so the pages are composed here
from Graphviz's one-page PDF.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from sqlite_utils import Database

from . import dot, moderation, render
from .db import snapshot
from .errors import ValidationError
from .maps import get_map

MM = 72 / 25.4  # PDF points per millimetre
PAPERS = {"a4": (210 * MM, 297 * MM), "a3": (297 * MM, 420 * MM)}  # portrait width, height
LAYOUTS = {
    "fit": "One page, the drawing scaled to fit",
    "tiles": "Natural size, tiled over several pages that overlap by 1 cm",
}
FORMATS = ("pdf", "png", "svg")
MARGIN = 10 * MM
OVERLAP = 10 * MM


@dataclass(frozen=True)
class PrintChoice:
    """What the person asked for: format, paper and layout (paper and layout for PDF only)."""

    fmt: str = "pdf"
    paper: str = "a4"
    layout: str = "fit"

    @classmethod
    def of(cls, fmt: object, paper: object, layout: object) -> PrintChoice:
        """A checked choice; an unknown value is a ValidationError naming its field."""
        fmt, paper, layout = fmt or "pdf", paper or "a4", layout or "fit"
        if fmt not in FORMATS:
            raise ValidationError("Choose the format pdf, png or svg.", "format")
        if paper not in PAPERS:
            raise ValidationError("Choose the paper a4 or a3.", "paper")
        if layout not in LAYOUTS:
            raise ValidationError("Choose the layout fit (one page) or tiles.", "layout")
        return cls(fmt, paper, layout)


@dataclass
class Export:
    """A drawing to download: its bytes, format, the map's title, and the pages it takes."""

    body: bytes
    fmt: str
    title: str
    pages: int = 1


def part_to_draw(
    db: Database, map_id: int, limits: render.Limits, hide: bool = False
) -> tuple[dict, str]:
    """The map (or, when too big to draw whole, the part around its first claim) and a note.

    With `hide` (a student prints it), without the nodes hidden from students.
    """
    with snapshot(db):
        graph = render.drawn_graph(db, map_id)
        hidden = moderation.hidden_ids(db, map_id) if hide else set()
    graph = moderation.without_hidden(graph, hidden)
    total = len(graph["nodes"])
    if total < limits.focus_at:
        return graph, f"{total} node{'s' if total != 1 else ''}"
    centre = render.centre_of(db, map_id, None, hidden)
    part = render.neighbourhood(graph, centre, limits.focus_radius, limits.focus_max)
    return part, f"the {len(part['nodes'])} nodes around node {centre} of {total}"


def drawing(
    db: Database, map_id: int, fmt: str, limits: render.Limits, hide: bool = False
) -> Export:
    """The map drawn by Graphviz with its title, the date and revision, and the legend."""
    found = get_map(db, map_id)
    graph, note = part_to_draw(db, map_id, limits, hide)
    text, program = render.source(graph, limits)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    subtitle = f"Drawn {stamp} · revision {found['revision']} · {note}"
    text = dot.with_title(text, found["title"], subtitle)
    with render.slot(db, map_id, limits):
        body = render.run(text, fmt, limits, program=program)
    return Export(body, fmt, found["title"])


def export(
    db: Database, map_id: int, choice: PrintChoice, limits: render.Limits, hide: bool = False
) -> Export:
    """The drawing as chosen: SVG or PNG at natural size, PDF on paper scaled or tiled."""
    drawn = drawing(db, map_id, choice.fmt, limits, hide)
    if choice.fmt == "pdf":
        drawn.body, drawn.pages = on_paper(drawn.body, choice.paper, choice.layout)
    return drawn


def on_paper(pdf: bytes, paper: str, layout: str) -> tuple[bytes, int]:
    """Graphviz's one-page PDF placed on sheets of paper; returns the PDF and its pages."""
    source = PdfReader(io.BytesIO(pdf)).pages[0]
    size = (float(source.mediabox.width), float(source.mediabox.height))
    writer = PdfWriter()
    if layout == "fit":
        fit_page(writer, source, size, sheet(PAPERS[paper], size[0] > size[1]))
    else:
        sheets = [sheet(PAPERS[paper], wide) for wide in (False, True)]
        best = min(sheets, key=lambda s: len(tiles(size, s)))
        for left, top in tiles(size, best):
            tile_page(writer, source, size, best, (left, top))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def sheet(paper: tuple[float, float], landscape: bool) -> tuple[float, float]:
    """The sheet's width and height, turned for landscape."""
    width, height = paper
    return (height, width) if landscape else (width, height)


def fit_page(writer: PdfWriter, source: PageObject, size: tuple, paper: tuple) -> None:
    """One sheet with the drawing centred, scaled down to fit inside the margins (never up)."""
    room = (paper[0] - 2 * MARGIN, paper[1] - 2 * MARGIN)
    scale = min(1.0, room[0] / size[0], room[1] / size[1])
    x = (paper[0] - size[0] * scale) / 2
    y = (paper[1] - size[1] * scale) / 2
    page = writer.add_blank_page(*paper)
    page.merge_transformed_page(source, Transformation().scale(scale).translate(x, y))


def tiles(size: tuple, paper: tuple) -> list[tuple[float, float]]:
    """Where each sheet's window starts on the drawing (from its top left), row by row."""
    room = (paper[0] - 2 * MARGIN, paper[1] - 2 * MARGIN)
    step = (room[0] - OVERLAP, room[1] - OVERLAP)
    columns = max(1, math.ceil((size[0] - OVERLAP) / step[0]))
    rows = max(1, math.ceil((size[1] - OVERLAP) / step[1]))
    return [(c * step[0], r * step[1]) for r in range(rows) for c in range(columns)]


def tile_page(writer: PdfWriter, source: PageObject, size: tuple, paper: tuple, at: tuple) -> None:
    """One sheet showing the window of the drawing at `at` (left, top), clipped to the margins."""
    room = (paper[0] - 2 * MARGIN, paper[1] - 2 * MARGIN)
    left, top = at
    bottom = size[1] - top - room[1]  # the window's lower edge in the drawing's coordinates
    source.cropbox.lower_left = (left, bottom)  # pypdf clips a merged page to its crop box
    source.cropbox.upper_right = (left + room[0], bottom + room[1])
    page = writer.add_blank_page(*paper)
    page.merge_transformed_page(source, Transformation().translate(MARGIN - left, MARGIN - bottom))
