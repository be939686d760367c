"""Import and export pages: bring a map in from a file, take it out in any format."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import members, portable, printing, render
from ..db import get_db
from ..errors import ArgmapError, FormatError
from ..formats import registry
from ..labels import counted
from ..maps import get_map
from ..model import MAX_BYTES, MapData
from ..web import access
from ..web.downloads import attachment

bp = Blueprint("exchange", __name__)


def submitted_text() -> str:
    """The uploaded file's text, else the pasted text."""
    upload = request.files.get("file")
    if upload and upload.filename:
        raw = upload.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise FormatError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormatError("the file is not UTF-8 text") from None
    return request.form.get("text", "")


def parse(text: str) -> tuple[str, MapData]:
    """Read the submitted text in the chosen or detected format, with the title override."""
    if not text.strip():
        raise FormatError("Choose a file or paste the text of a map.")
    fmt, data = registry.read(text, request.form.get("format") or None)
    title = request.form.get("title", "").strip()
    if title:
        data.title = title
    return fmt, data


@bp.get("/import")
@access.account_required
def start():
    """The import form: upload or paste, format detected unless chosen."""
    return render_template("import.html", form={}, error=None)


@bp.post("/import")
@access.account_required
def preview_or_import():
    """Preview what a file holds; import it only when the preview is confirmed."""
    form = dict(request.form)
    try:
        text = submitted_text()
        form["text"] = text
        fmt, data = parse(text)
        if request.form.get("confirm") == "1":
            data.listed = request.form.get("listed") == "1"  # the person's choice, not the file's
        else:
            portable.validate(data)  # a confirmed import is checked once, as it is written
            return render_template(
                "import.html",
                form=form,
                error=None,
                preview={"format": fmt, "data": data, "counts": registry.counts(data)},
            )
        map_id = members.create_map(get_db(), access.current_person().user, data=data)
    except ArgmapError as error:
        return render_template("import.html", form=form, error=error), 400
    title = get_map(get_db(), map_id)["title"]
    counts = f"{counted(len(data.nodes), 'node')}, {counted(len(data.links), 'link')}"
    flash(f"Imported “{title}”: {counts}.")
    return redirect(url_for("pages.show", map_id=map_id))


@bp.get("/maps/<int:map_id>/export/<fmt>")
def export(map_id: int, fmt: str):
    """Download the map in one of the formats (argmap JSON keeps the history too)."""
    if fmt not in registry.FORMATS:
        abort(404, f"No export format {fmt!r}: choose one of {', '.join(registry.FORMATS)}.")
    db = get_db()
    found = get_map(db, map_id)
    data = portable.to_data(db, map_id, history=fmt == "json", role=g.get("role"))
    chosen = registry.FORMATS[fmt]
    body = registry.write(data, fmt)
    response = Response(body, mimetype=chosen.mimetype)
    response.headers["Content-Disposition"] = attachment(found["title"], chosen.extension)
    return response


def print_page(map_id: int, error: ArgmapError | None = None):
    """The print form, with a wrong choice's message."""
    return render_template(
        "print.html",
        graph=get_map(get_db(), map_id),
        layouts=printing.LAYOUTS,
        choice=printing.PrintChoice(),
        error=error,
    ), (400 if error else 200)


@bp.get("/maps/<int:map_id>/print")
def print_form(map_id: int):
    """Choose how to take the diagram away: PDF on A4 or A3, one page or tiled; PNG; SVG."""
    return print_page(map_id)


@bp.get("/maps/<int:map_id>/drawing")
def drawing(map_id: int):
    """The diagram with the map's title, date and legend, as chosen on the print form."""
    db = get_db()
    args = request.args
    try:
        choice = printing.PrintChoice.of(args.get("format"), args.get("paper"), args.get("layout"))
    except ArgmapError as error:
        return print_page(map_id, error)
    limits = render.Limits.from_config(current_app.config)
    drawn = printing.export(db, map_id, choice, limits, access.hides())
    response = Response(drawn.body, mimetype=render.FORMATS[choice.fmt])
    response.headers["Content-Disposition"] = attachment(drawn.title, choice.fmt)
    response.headers["X-Argmap-Pages"] = str(drawn.pages)
    return response
