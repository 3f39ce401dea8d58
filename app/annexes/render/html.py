"""The accessible HTML annex: one self-contained file (inline CSS, no scripts, no requests)."""

from __future__ import annotations

from app.annexes.record import AnnexRecord
from app.annexes.render.marks import FILLS, INK
from app.annexes.render.view import AnnexView, build_view
from app.core.templating import environment

TEMPLATE = "annex/annex.html.j2"

ENV = environment()


def html_from_view(view: AnnexView) -> str:
    """Render an already built view (the bundle shares one view between formats)."""
    template = ENV.get_template(TEMPLATE)
    return template.render(v=view, t=view.t, r=view.record, fills=FILLS, ink=INK)


def render_html(record: AnnexRecord, lang: str | None = None) -> str:
    """The annex as one accessible, self-contained HTML document."""
    return html_from_view(build_view(record, lang))
