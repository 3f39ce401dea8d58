"""The one Jinja2 set-up, shared by the web pages, the annex HTML and the annual report HTML:
the templates under frontend/templates, autoescaped, strict about undefined names, never
reloaded, and user text with bidi controls isolated on output (app.core.text.display).

Only modules loaded through app.core.lazy import this one (Jinja2 is some 2 MB that a worker
answering only the API never needs)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.core.text import display, verbatim

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "frontend" / "templates"


def environment() -> Environment:
    """A Jinja2 environment over TEMPLATE_DIR (one per user: each keeps its own caches)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=display,  # user text with bidi controls is isolated (app.core.text)
    )
    env.filters["verbatim"] = verbatim  # form control values go back exactly as stored
    return env
