"""The annual report's files: accessible HTML (one self-contained file, charts as inline SVG
with their tables), PDF/A-2b by the annex renderer's standards (ReportLab with embedded
fonts, pikepdf finishing, no clock in the bytes) and XLSX. Same report → same bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time
from io import BytesIO
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from app.annexes.render.pdfa import DocumentInfo, make_pdfa
from app.annexes.render.theme import BOTTOM, MARGIN, REGULAR, TOP, base_table_style, styles
from app.core.i18n import format_day, format_number, translate
from app.core.text import display
from app.reports import charts
from app.reports.annual import issued_on
from app.reports.exports import MEDIA_TYPES, ExportFormat, to_xlsx
from app.reports.exports import Table as SheetTable
from app.reports.schemas import AnnualFile, AnnualReport

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "frontend" / "templates"
ENV = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
    finalize=display,
)
HEAT = ["#f3f5f8", "#fde7e7", "#f4a6a1", "#c8453c", "#7f1d17"]
SEGMENT_FILLS = {
    "full": "#003479",
    "light": "#4a7fc1",
    "not_needed": "#b9c8de",
    "never_screened": "#ffffff",
}
FORMATS = ("pdf", "html", "xlsx")


def _t(lang: str) -> Callable[..., str]:
    def t(key: str, **params: object) -> str:
        return translate(lang, f"reports.{key}", **params)

    return t


def file_name(report: AnnualReport, fmt: str) -> str:
    return f"annual-report-{report.year}-{report.language}.{fmt}"


def render(report: AnnualReport, fmt: str) -> bytes:
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
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


def render_html(report: AnnualReport) -> str:
    lang = report.language
    return ENV.get_template("reports/annual.html.j2").render(
        r=report,
        t=_t(lang),
        lang=lang,
        day=lambda value: format_day(value, lang),
        number=lambda value: format_number(value, lang),
        issued=issued_on(report.year),
        heat=charts.heatmap(report.burden, lang),
        bars=charts.coverage_bars(report.coverage_by_body),
    )


# ---------------------------------------------------------------------------------- PDF


def _table(rows: Sequence[Sequence[object]], widths: list[float] | None = None) -> Table:
    cell = styles().cell
    data = [[Paragraph(_escape(str(v)), cell) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(base_table_style()))
    return table


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Bars(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Coverage per body as stacked bars with their figures, drawn on the canvas with the
    embedded font (ReportLab's graphics renderer would start from an unembedded one)."""

    SCALE = 0.6

    def __init__(self, report: AnnualReport, t: Callable[..., str]) -> None:
        super().__init__()
        self._bars = charts.coverage_bars(report.coverage_by_body)
        self._t = t
        self.width = self._bars.width * self.SCALE + 40
        self.height = self._bars.height * self.SCALE

    def draw(self) -> None:
        canvas, k, top = self.canv, self.SCALE, self.height
        canvas.setFont(REGULAR, 6.5)
        canvas.setLineWidth(0.3)
        for index, kind in enumerate(charts.SEGMENTS):
            x = 4 + index * 110
            canvas.setFillColor(colors.HexColor(SEGMENT_FILLS[kind]))
            canvas.rect(x, top - 12, 8, 8, stroke=1, fill=1)
            canvas.setFillColor(colors.black)
            canvas.drawString(x + 11, top - 11, self._t(f"col.{kind}"))
        for bar in self._bars.bars:
            y = top - (bar.y + 24) * k
            canvas.setFillColor(colors.black)
            canvas.drawString(2, y + 4, bar.label[:45])
            end = charts.LABEL_W * k
            for segment in bar.segments:
                canvas.setFillColor(colors.HexColor(SEGMENT_FILLS[segment.kind]))
                canvas.rect(segment.x * k, y, segment.width * k, 24 * k, stroke=1, fill=1)
                end = (segment.x + segment.width) * k
            canvas.setFillColor(colors.black)
            canvas.drawString(end + 3, y + 4, str(bar.total))


def _heat(report: AnnualReport, t: Callable[..., str]) -> Table:
    """The group × gender heatmap as a table: the number in each cell, shade behind it."""
    heat = charts.heatmap(report.burden, report.language)
    rows: list[list[object]] = [[t("col.group"), *heat.column_labels]]
    rows += [[label, *("–" if f is None else f for f in figures)] for label, figures in heat.table]
    table = _table(rows)
    commands: list[tuple[object, ...]] = []
    for cell in heat.cells:
        column = (cell.x - charts.LABEL_W) // charts.CELL_W + 1
        row = (cell.y - charts.HEAD_H) // charts.CELL_H + 1
        level = int(cell.shade.removeprefix("heat-"))
        commands.append(("BACKGROUND", (column, row), (column, row), colors.HexColor(HEAT[level])))
    table.setStyle(TableStyle(commands))
    return table


def _story(report: AnnualReport) -> list[Flowable]:
    t, s, c = _t(report.language), styles(), report.coverage
    story: list[Flowable] = [
        Paragraph(_escape(t("annual.title", year=report.year)), s.h1),
        Paragraph(_escape(report.organisation.name), s.subtitle),
        Paragraph(_escape(t("annual.intro", n=report.approvals)), s.body),
        Paragraph(_escape(t("coverage.title")), s.h2),
        _table(
            [
                [
                    t(f"col.{k}")
                    for k in (
                        "decisions",
                        "screened",
                        "full",
                        "light",
                        "not_needed",
                        "never_screened",
                        "approved",
                        "approval_days_median",
                    )
                ],
                [
                    c.decisions,
                    c.screened,
                    c.full,
                    c.light,
                    c.not_needed,
                    c.never_screened,
                    c.approved,
                    "–" if c.approval_days_median is None else c.approval_days_median,
                ],
            ]
        ),
        Spacer(0, 6),
        _Bars(report, t),
        Paragraph(_escape(t("burden.title")), s.h2),
        _heat(report, t),
        Spacer(0, 6),
        _table(
            [[t(f"col.{k}") for k in ("group", "gender", "decisions", "areas", "cumulative")]]
            + [
                [
                    b.group_label,
                    b.gender_label,
                    _shown(t, b.decisions),
                    _shown(t, b.areas),
                    t("yes") if b.cumulative else t("no"),
                ]
                for b in report.burden
            ]
        ),
        Paragraph(_escape(t("gaps.title")), s.h2),
        _table(
            [[t(f"col.{k}") for k in ("group", "female_worse", "male_worse", "cells_compared")]]
            + [
                [
                    g.group_label,
                    _shown(t, g.female_worse),
                    _shown(t, g.male_worse),
                    _shown(t, g.cells_compared),
                ]
                for g in report.gender_gaps
            ]
        ),
        *_followup_story(report, t, s),
        Paragraph(_escape(t("annual.notable")), s.h2),
        _table(
            [[t("annual.decision"), t("annual.negative_cells"), t("annual.positive_cells")]]
            + [
                [
                    f"{n.decision.title} ({n.decision.case or n.decision.id})",
                    n.negative_cells,
                    n.positive_cells,
                ]
                for n in report.notable
            ]
        ),
        Spacer(0, 8),
        Paragraph(_escape(t("annual.hash", hash=report.content_hash)), s.caption_flow),
    ]
    return story


VERDICT_COLUMNS = ("group", "gender", "area", "predicted", "held", "partly", "did_not_hold")


Row = list[str | int | float | None]


def _verdict_rows(report: AnnualReport, t: Callable[..., str]) -> list[Row]:
    found = report.followups.verdicts if report.followups else []
    return [
        [
            v.group_label,
            v.gender_label,
            v.area_label,
            t(f"direction.{v.predicted}"),
            v.held,
            v.partly,
            v.did_not_hold,
            v.cannot_say,
        ]
        for v in found
    ]


def _followup_counts(report: AnnualReport, t: Callable[..., str]) -> str:
    f = report.followups
    if f is None:
        return ""
    c = f.counts
    return str(
        t(
            "followups.counts",
            on=f.on.isoformat(),
            planned=c.planned,
            due=c.due,
            overdue=c.overdue,
            done=c.done,
        )
    )


def _followup_story(report: AnnualReport, t: Callable[..., str], s: Any) -> list[Flowable]:
    if report.followups is None:
        return []
    header = [t(f"col.{k}") for k in (*VERDICT_COLUMNS, "cannot_say")]
    story: list[Flowable] = [
        Paragraph(_escape(t("followups.title")), s.h2),
        Paragraph(_escape(_followup_counts(report, t)), s.body),
    ]
    rows = _verdict_rows(report, t)
    if rows:
        story.append(_table([header, *rows]))
    return story


def _shown(t: Callable[..., str], value: int | None) -> object:
    return t("suppressed") if value is None else value


def render_pdf(report: AnnualReport) -> bytes:
    """PDF/A-2b: fonts embedded, sRGB output intent, XMP; dated by the year, not the clock."""
    t = _t(report.language)
    title = t("annual.title", year=report.year)
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        invariant=1,
        pageCompression=1,
        initialFontName=REGULAR,
        lang=report.language,
        title=title,
        author=report.organisation.name,
    )
    doc.build(_story(report))
    issued = datetime.combine(issued_on(report.year), time(12), tzinfo=UTC)
    info = DocumentInfo(
        title=f"{title} – {report.organisation.name}",
        author=report.organisation.name,
        subject=title,
        keywords=f"sha256:{report.content_hash}",
        lang=report.language,
        created_at=issued,
        identity=f"{report.content_hash}:{report.language}",
    )
    return make_pdfa(buffer.getvalue(), info)


# --------------------------------------------------------------------------------- XLSX


def render_xlsx(report: AnnualReport) -> bytes:
    t = _t(report.language)
    c = report.coverage
    keys = ("decisions", "screened", "full", "light", "not_needed", "never_screened", "approved")
    sheets = [
        SheetTable(
            "coverage",
            f"{t('annual.title', year=report.year)}: {report.organisation.name}",
            [t("col.decision_body"), *(t(f"col.{k}") for k in keys)],
            [[r.decision_body, *(getattr(r, k) for k in keys)] for r in report.coverage_by_body]
            + [[t("total"), *(getattr(c, k) for k in keys)]],
        ),
        SheetTable(
            "burden",
            t("burden.title"),
            [t(f"col.{k}") for k in ("group", "gender", "decisions", "areas", "cumulative")],
            [
                [
                    b.group_label,
                    b.gender_label,
                    b.decisions,
                    b.areas,
                    t("yes") if b.cumulative else t("no"),
                ]
                for b in report.burden
            ],
        ),
        SheetTable(
            "gaps",
            t("gaps.title"),
            [t(f"col.{k}") for k in ("group", "female_worse", "male_worse", "cells_compared")],
            [
                [g.group_label, g.female_worse, g.male_worse, g.cells_compared]
                for g in report.gender_gaps
            ],
        ),
        SheetTable(
            "followups",
            _followup_counts(report, t) or t("followups.title"),
            [t(f"col.{k}") for k in (*VERDICT_COLUMNS, "cannot_say")],
            _verdict_rows(report, t),
        ),
        SheetTable(
            "notable",
            t("annual.notable"),
            [t("annual.decision"), t("annual.negative_cells"), t("annual.positive_cells")],
            [[n.decision.title, n.negative_cells, n.positive_cells] for n in report.notable],
        ),
    ]
    issued = datetime.combine(issued_on(report.year), time(12), tzinfo=UTC)
    return to_xlsx(sheets, created=issued)
