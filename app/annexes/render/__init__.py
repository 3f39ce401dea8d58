"""Annex renderers: PDF/A-2b (ReportLab), accessible HTML (Jinja2), export bundle."""

from app.annexes.render.bundle import render_bundle
from app.annexes.render.html import render_html
from app.annexes.render.pdf import render_pdf

__all__ = ["render_bundle", "render_html", "render_pdf"]
