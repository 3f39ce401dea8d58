"""The web UI's one Jinja2 environment: loaded with the first page a worker renders
(app.web.rendering takes it through app.core.lazy), so a worker that answers only the API
never imports Jinja2."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.core.text import display, verbatim
from app.web.rendering import TEMPLATE_DIR

ENV = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
    finalize=display,  # user text with bidi controls is isolated (app.core.text)
)
ENV.filters["verbatim"] = verbatim  # form control values go back exactly as stored
