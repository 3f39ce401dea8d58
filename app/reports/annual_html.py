"""The annual report as one accessible, self-contained HTML file: charts as inline SVG, each
with its table beside it."""

from __future__ import annotations

from app.core.i18n import format_day, format_number
from app.core.templating import environment
from app.reports import charts
from app.reports.annual import issued_on
from app.reports.annual_text import texts
from app.reports.schemas import AnnualReport

ENV = environment()


def render_html(report: AnnualReport) -> str:
    lang = report.language
    return ENV.get_template("reports/annual.html.j2").render(
        r=report,
        t=texts(lang),
        lang=lang,
        day=lambda value: format_day(value, lang),
        number=lambda value: format_number(value, lang),
        issued=issued_on(report.year),
        heat=charts.heatmap(report.burden, lang),
        bars=charts.coverage_bars(report.coverage_by_body),
    )
