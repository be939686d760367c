"""Security headers on every response: a strict CSP, no framing, no sniffing, a referrer policy."""

from __future__ import annotations

from flask import Flask, Response

# No inline scripts or styles anywhere: scripts and styles come from static files only.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def no_store(response: Response) -> Response:
    """Keep a page that shows a secret, a code or members' names out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def secure(response: Response) -> Response:
    """Add the security headers a view did not set itself."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response, error pages and static files included."""
    app.after_request(secure)
