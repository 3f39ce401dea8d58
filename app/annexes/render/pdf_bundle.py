"""The export bundle: the PDF/A and the HTML annex of one shared view, zipped with the record.

Apart from app.annexes.render.pdf so that rendering a PDF alone never imports Jinja2."""

from __future__ import annotations

from app.annexes.record import AnnexRecord
from app.annexes.render.bundle import bundle_of
from app.annexes.render.html import html_from_view
from app.annexes.render.pdf import layout
from app.annexes.render.view import build_view


def render_bundle(record: AnnexRecord, lang: str | None = None) -> bytes:
    """A deterministic zip of the PDF/A, HTML and JSON annex plus a sha256 manifest."""
    view = build_view(record, lang)
    pdf, _ = layout(view)
    return bundle_of(record, pdf=pdf, html=html_from_view(view).encode("utf-8"))
