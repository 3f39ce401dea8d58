"""Annex renderers: PDF/A-2b (ReportLab), accessible HTML (Jinja2), export bundle.

The renderers are loaded by name on first use (a module `__getattr__` over `RENDERERS`),
so a caller that needs only the PDF, such as a cold `ennakko annex render`, never imports
Jinja2 and the HTML templates, and one that needs only the HTML never imports ReportLab.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.annexes.render.bundle import record_json, render_bundle
    from app.annexes.render.html import render_html
    from app.annexes.render.pdf import render_pdf

# name → the module that defines it, imported when the name is first asked for
RENDERERS: dict[str, str] = {
    "record_json": "app.annexes.render.bundle",
    "render_bundle": "app.annexes.render.bundle",
    "render_html": "app.annexes.render.html",
    "render_pdf": "app.annexes.render.pdf",
}

__all__ = ["record_json", "render_bundle", "render_html", "render_pdf"]


def __getattr__(name: str) -> Any:
    module = RENDERERS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
