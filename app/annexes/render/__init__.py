"""Annex renderers: PDF/A-2b (ReportLab), accessible HTML (Jinja2), export bundle.

The PDF and the bundle (which holds the PDF) are made by app.annexes.render.pdf, loaded on
first use through app.core.lazy: a worker that never renders an annex never loads ReportLab or
its fonts. HTML needs only Jinja2 and is imported as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from app.annexes.record import AnnexRecord
from app.annexes.render.html import render_html
from app.core import lazy

__all__ = ["render_bundle", "render_html", "render_pdf"]

_PDF = "app.annexes.render.pdf"


def render_pdf(record: AnnexRecord, lang: str | None = None) -> bytes:
    """The annex as PDF/A-2b bytes; the same record always gives the same bytes."""
    render: Callable[[AnnexRecord, str | None], bytes] = lazy.load(_PDF).render_pdf
    return render(record, lang)


def render_bundle(record: AnnexRecord, lang: str | None = None) -> bytes:
    """A deterministic zip of the PDF/A, HTML and JSON annex plus a sha256 manifest."""
    render: Callable[[AnnexRecord, str | None], bytes] = lazy.load(_PDF).render_bundle
    return render(record, lang)
