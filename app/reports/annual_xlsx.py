"""The annual report as an XLSX workbook: one sheet per section, dated by the year's end."""

from __future__ import annotations

from app.reports.annual_text import (
    VERDICT_COLUMNS,
    followup_counts,
    issued_at,
    texts,
    verdict_rows,
)
from app.reports.exports import Table as SheetTable
from app.reports.exports import to_xlsx
from app.reports.schemas import AnnualReport


def render_xlsx(report: AnnualReport) -> bytes:
    t = texts(report.language)
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
            followup_counts(report, t) or t("followups.title"),
            [t(f"col.{k}") for k in (*VERDICT_COLUMNS, "cannot_say")],
            verdict_rows(report, t),
        ),
        SheetTable(
            "notable",
            t("annual.notable"),
            [t("annual.decision"), t("annual.negative_cells"), t("annual.positive_cells")],
            [[n.decision.title, n.negative_cells, n.positive_cells] for n in report.notable],
        ),
    ]
    return to_xlsx(sheets, created=issued_at(report))
