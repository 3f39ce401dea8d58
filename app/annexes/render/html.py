"""The accessible HTML annex: one self-contained file (inline CSS, no scripts, no requests)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.annexes.record import AnnexRecord
from app.annexes.render.marks import FILLS, INK
from app.annexes.render.view import AnnexView, build_view
from app.core.text import display

TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "frontend" / "templates"
TEMPLATE = "annex/annex.html.j2"

ENV = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
    finalize=display,  # user text with bidi controls is isolated (app.core.text)
)


def html_from_view(view: AnnexView) -> str:
    """Render an already built view (the bundle shares one view between formats)."""
    template = ENV.get_template(TEMPLATE)
    return template.render(v=view, t=view.t, r=view.record, fills=FILLS, ink=INK)


def render_html(record: AnnexRecord, lang: str | None = None) -> str:
    """The annex as one accessible, self-contained HTML document."""
    return html_from_view(build_view(record, lang))
