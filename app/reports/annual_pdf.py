"""The annual report as PDF/A-2b by the annex renderer's standards: ReportLab with embedded
fonts, PDF/A written by the same canvas, no clock in the bytes; the charts drawn as in the HTML."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from app.annexes.render.pdfa import DocumentInfo, PdfaCanvas
from app.annexes.render.theme import BOTTOM, MARGIN, REGULAR, TOP, base_table_style, styles
from app.reports import charts
from app.reports.annual_text import (
    VERDICT_COLUMNS,
    Text,
    followup_counts,
    issued_at,
    texts,
    verdict_rows,
)
from app.reports.schemas import AnnualReport

HEAT = ["#f3f5f8", "#fde7e7", "#f4a6a1", "#c8453c", "#7f1d17"]
SEGMENT_FILLS = {
    "full": "#003479",
    "light": "#4a7fc1",
    "not_needed": "#b9c8de",
    "never_screened": "#ffffff",
}


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

    def __init__(self, report: AnnualReport, t: Text) -> None:
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


def _heat(report: AnnualReport, t: Text) -> Table:
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


COVERAGE_KEYS = ("decisions", "screened", "full", "light", "not_needed", "never_screened",
                 "approved")  # fmt: skip


def _story(report: AnnualReport) -> list[Flowable]:
    t, s = texts(report.language), styles()
    return [
        Paragraph(_escape(t("annual.title", year=report.year)), s.h1),
        Paragraph(_escape(report.organisation.name), s.subtitle),
        Paragraph(_escape(t("annual.intro", n=report.approvals)), s.body),
        *_coverage_story(report, t, s),
        *_ledger_story(report, t, s),
        *_followup_story(report, t, s),
        *_notable_story(report, t, s),
        Spacer(0, 8),
        Paragraph(_escape(t("annual.hash", hash=report.content_hash)), s.caption_flow),
    ]


def _coverage_story(report: AnnualReport, t: Text, s: Any) -> list[Flowable]:
    c = report.coverage
    median = "–" if c.approval_days_median is None else c.approval_days_median
    return [
        Paragraph(_escape(t("coverage.title")), s.h2),
        _table(
            [
                [t(f"col.{k}") for k in (*COVERAGE_KEYS, "approval_days_median")],
                [*(getattr(c, k) for k in COVERAGE_KEYS), median],
            ]
        ),
        Spacer(0, 6),
        _Bars(report, t),
    ]


def _ledger_story(report: AnnualReport, t: Text, s: Any) -> list[Flowable]:
    burden = [
        [b.group_label, b.gender_label, _shown(t, b.decisions), _shown(t, b.areas),
         t("yes") if b.cumulative else t("no")]
        for b in report.burden
    ]  # fmt: skip
    gaps = [
        [g.group_label, _shown(t, g.female_worse), _shown(t, g.male_worse),
         _shown(t, g.cells_compared)]
        for g in report.gender_gaps
    ]  # fmt: skip
    return [
        Paragraph(_escape(t("burden.title")), s.h2),
        _heat(report, t),
        Spacer(0, 6),
        _table(
            [
                [t(f"col.{k}") for k in ("group", "gender", "decisions", "areas", "cumulative")],
                *burden,
            ]
        ),
        Paragraph(_escape(t("gaps.title")), s.h2),
        _table(
            [
                [t(f"col.{k}") for k in ("group", "female_worse", "male_worse", "cells_compared")],
                *gaps,
            ]
        ),
    ]


def _notable_story(report: AnnualReport, t: Text, s: Any) -> list[Flowable]:
    rows = [
        [f"{n.decision.title} ({n.decision.case or n.decision.id})", n.negative_cells,
         n.positive_cells]
        for n in report.notable
    ]  # fmt: skip
    return [
        Paragraph(_escape(t("annual.notable")), s.h2),
        _table(
            [[t("annual.decision"), t("annual.negative_cells"), t("annual.positive_cells")], *rows]
        ),
    ]


def _followup_story(report: AnnualReport, t: Text, s: Any) -> list[Flowable]:
    if report.followups is None:
        return []
    header = [t(f"col.{k}") for k in (*VERDICT_COLUMNS, "cannot_say")]
    story: list[Flowable] = [
        Paragraph(_escape(t("followups.title")), s.h2),
        Paragraph(_escape(followup_counts(report, t)), s.body),
    ]
    rows = verdict_rows(report, t)
    if rows:
        story.append(_table([header, *rows]))
    return story


def _shown(t: Text, value: int | None) -> object:
    return t("suppressed") if value is None else value


def render_pdf(report: AnnualReport) -> bytes:
    """PDF/A-2b: fonts embedded, sRGB output intent, XMP; dated by the year, not the clock."""
    t = texts(report.language)
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
    info = DocumentInfo(
        title=f"{title} – {report.organisation.name}",
        author=report.organisation.name,
        subject=title,
        keywords=f"sha256:{report.content_hash}",
        lang=report.language,
        created_at=issued_at(report),
        identity=f"{report.content_hash}:{report.language}",
    )
    doc.build(_story(report), canvasmaker=partial(PdfaCanvas, pdfa=info))
    return buffer.getvalue()
