"""The annual report's files: accessible HTML (annual_html.py), PDF/A-2b (annual_pdf.py) and
XLSX (annual_xlsx.py). Same report → same bytes; each file's sha256 is given with the report,
as an annex's is.

The PDF module (ReportLab) and the HTML one (Jinja2) are loaded on first use through
app.core.lazy."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from app.core import lazy
from app.reports.annual_xlsx import render_xlsx
from app.reports.exports import MEDIA_TYPES, ExportFormat
from app.reports.schemas import AnnualFile, AnnualReport

FORMATS = ("pdf", "html", "xlsx")


def file_name(report: AnnualReport, fmt: str) -> str:
    return f"annual-report-{report.year}-{report.language}.{fmt}"


def render(report: AnnualReport, fmt: str) -> bytes:
    if fmt == "html":
        html: Callable[[AnnualReport], str] = lazy.load("app.reports.annual_html").render_html
        return html(report).encode("utf-8")
    if fmt == "pdf":
        render_pdf: Callable[[AnnualReport], bytes] = lazy.load("app.reports.annual_pdf").render_pdf
        return render_pdf(report)
    return render_xlsx(report)


def files(report: AnnualReport) -> list[AnnualFile]:
    """Each format's name, media type, size and sha256 (what a case system can verify)."""
    found = []
    for fmt in FORMATS:
        content = render(report, fmt)
        found.append(
            AnnualFile(
                format=fmt,
                media_type=media_type(fmt),
                file_name=file_name(report, fmt),
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
            )
        )
    return found


def media_type(fmt: str) -> str:
    if fmt == "html":
        return "text/html; charset=utf-8"
    if fmt == "pdf":
        return "application/pdf"
    return MEDIA_TYPES[ExportFormat.xlsx]
