"""A QR code of a link, drawn as inline SVG by segno (no script, no style: fits the CSP)."""

from __future__ import annotations

import segno
from markupsafe import Markup


def matrix(link: str) -> segno.QRCode:
    """The QR code of a link (medium error correction: readable from the back of a room)."""
    return segno.make(link, error="m", micro=False)


def svg(link: str, label: str) -> Markup:
    """The QR code as an <svg> element to put in a page, with an accessible name."""
    drawn = matrix(link).svg_inline(scale=1, border=4, omitsize=True, svgclass="qr", title=label)
    return Markup(drawn)
