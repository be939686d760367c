"""One place that turns errors into an HTML page or JSON, by what the client asked for."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import ArgmapError, Conflict, RenderError, TooManyAttempts


def wants_json() -> bool:
    """Whether the client is the JSON API (or asked for JSON)."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def answer(message: str, status: int, field: str | None = None, extra: dict | None = None):
    """The error as JSON {"error", "field"} or as a page."""
    if wants_json():
        return jsonify({"error": message, "field": field, **(extra or {})}), status
    return render_template("error.html", message=message, status=status), status


def with_retry(response: Response, error: ArgmapError) -> Response:
    """Tell a rate-limited client when it may try again."""
    if isinstance(error, TooManyAttempts):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def refused(template: str, error: ArgmapError, **context) -> Response:
    """A form shown again with what the person typed and the error, under the error's status."""
    page = render_template(template, error=error, **context)
    return with_retry(make_response(page, error.status), error)


def handle_domain(error: ArgmapError) -> Response:
    """Any of argmap's errors that no form shows itself: a page or JSON with its status."""
    extra = {"current": error.current} if isinstance(error, Conflict) else None
    message = error.message
    if isinstance(error, RenderError):
        message = f"The diagram could not be drawn: {message}"
    return with_retry(make_response(answer(message, error.status, error.field, extra)), error)


def handle_http(error: HTTPException):
    """Werkzeug's HTTP errors (404, 405, 413 ...) in the same two forms."""
    if error.code == 413:
        limit = (current_app.config["MAX_CONTENT_LENGTH"] or 0) // (1024 * 1024)
        return answer(f"What you sent is larger than {limit} MB: send a smaller file.", 413)
    return answer(error.description or error.name, error.code or 500)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(ArgmapError, handle_domain)
    app.register_error_handler(HTTPException, handle_http)
