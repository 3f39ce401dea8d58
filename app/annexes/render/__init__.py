"""Annex renderers: PDF/A-2b (ReportLab), accessible HTML (Jinja2), export bundle.

Each renderer is loaded on first use through app.core.lazy: a worker that never renders an
annex never loads ReportLab or its fonts, and a command-line PDF render never loads Jinja2
(app.annexes.render.pdf imports no HTML; the bundle, which holds both, has its own module).
"""

from __future__ import annotations

from collections.abc import Callable

from app.annexes.record import AnnexRecord
from app.core import lazy

__all__ = ["render_bundle", "render_html", "render_pdf"]

_PDF = "app.annexes.render.pdf"
_HTML = "app.annexes.render.html"
_BUNDLE = "app.annexes.render.pdf_bundle"


def render_pdf(record: AnnexRecord, lang: str | None = None) -> bytes:
    """The annex as PDF/A-2b bytes; the same record always gives the same bytes."""
    render: Callable[[AnnexRecord, str | None], bytes] = lazy.load(_PDF).render_pdf
    return render(record, lang)


def render_html(record: AnnexRecord, lang: str | None = None) -> str:
    """The annex as one accessible, self-contained HTML document."""
    render: Callable[[AnnexRecord, str | None], str] = lazy.load(_HTML).render_html
    return render(record, lang)


def render_bundle(record: AnnexRecord, lang: str | None = None) -> bytes:
    """A deterministic zip of the PDF/A, HTML and JSON annex plus a sha256 manifest."""
    render: Callable[[AnnexRecord, str | None], bytes] = lazy.load(_BUNDLE).render_bundle
    return render(record, lang)
