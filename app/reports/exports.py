"""Every report as tables, written as CSV or XLSX, headers in the reader's language.

XLSX is written by app.reports.xlsx (openpyxl), loaded on first use through app.core.lazy.

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return before
one) as a formula, so every text cell that starts with one of them is written with a leading
apostrophe: the text is shown as it is and never evaluated. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core import lazy
from app.core.i18n import translate
from app.reports.schemas import CoverageReport, LedgerReport

Cell = str | int | float | None
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


MEDIA_TYPES = {
    ExportFormat.csv: "text/csv; charset=utf-8",
    ExportFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]


def neutralise(value: Cell) -> Cell:
    """Text that a spreadsheet would read as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _t(lang: str, key: str) -> str:
    return translate(lang, f"reports.{key}")


def _outcome(lang: str, key: str) -> str:
    if key == "pending":
        return _t(lang, "page.pending")
    return translate(lang, f"web.meeting.outcome.{key}")


def _columns(lang: str, *keys: str) -> list[str]:
    return [_t(lang, f"col.{key}") for key in keys]


def coverage_tables(report: CoverageReport, lang: str) -> list[Table]:
    rows = [*report.rows, report.totals]
    coverage = Table(
        "coverage",
        _t(lang, "coverage.title"),
        _columns(
            lang,
            "organisation",
            "decision_body",
            "decision_type",
            "period",
            "decisions",
            "screened",
            "full",
            "light",
            "not_needed",
            "never_screened",
            "approved",
            "approval_days_median",
            "approval_days_p90",
            "reached_meeting",
            "outcomes",
        ),
        [
            [
                r.organisation_name or ("" if r is not report.totals else _t(lang, "total")),
                r.decision_body,
                r.decision_type,
                r.period,
                r.decisions,
                r.screened,
                r.full,
                r.light,
                r.not_needed,
                r.never_screened,
                r.approved,
                r.approval_days_median,
                r.approval_days_p90,
                r.reached_meeting,
                ", ".join(f"{_outcome(lang, k)}: {v}" for k, v in r.outcomes.items()),
            ]
            for r in rows
        ],
    )
    reasons = Table(
        "reasons",
        _t(lang, "reasons.title"),
        _columns(lang, "reason", "count", "decisions"),
        [
            [g.reason, g.count, "; ".join(f"{d.title} ({d.case or d.id})" for d in g.decisions)]
            for g in report.not_needed_reasons
        ],
    )
    return [coverage, reasons]


def ledger_tables(report: LedgerReport, lang: str) -> list[Table]:
    suppressed = _t(lang, "suppressed")

    def shown(value: int | None) -> Cell:
        return suppressed if value is None else value

    impacts = Table(
        "ledger",
        _t(lang, "ledger.title"),
        _columns(
            lang, "group", "gender", "template", "area", "direction", "decisions", "cells",
            "uncertain", "strength_max", "scale_max",
        ),
        [
            [
                r.group_label, r.gender_label, r.template, r.area_label,
                _t(lang, f"direction.{r.direction}"), shown(r.decisions), shown(r.cells),
                shown(r.uncertain), shown(r.strength_max), r.scale_max,
            ]
            for r in report.rows
        ],
    )  # fmt: skip
    burden = Table(
        "burden",
        _t(lang, "burden.title"),
        _columns(lang, "group", "gender", "decisions", "areas", "cumulative"),
        [
            [
                r.group_label,
                r.gender_label,
                shown(r.decisions),
                shown(r.areas),
                _t(lang, "yes") if r.cumulative else _t(lang, "no"),
            ]
            for r in report.burden
        ],
    )
    gaps = Table(
        "gaps",
        _t(lang, "gaps.title"),
        _columns(lang, "group", "female_worse", "male_worse", "cells_compared"),
        [
            [r.group_label, shown(r.female_worse), shown(r.male_worse), shown(r.cells_compared)]
            for r in report.gender_gaps
        ],
    )
    unmapped = Table(
        "unmapped",
        _t(lang, "unmapped.title"),
        _columns(lang, "template", "kind", "key", "cells"),
        [[r.template, r.kind, r.key, r.cells] for r in report.unmapped],
    )
    return [impacts, burden, gaps, unmapped]


def to_csv(table: Table) -> bytes:
    """One table as CSV (UTF-8 with a byte order mark, which spreadsheet programs need)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headers])
    writer.writerows([[neutralise(v) for v in row] for row in table.rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: Sequence[Table], *, created: datetime) -> bytes:
    """Every table on its own sheet, title in the first row and headers bold and frozen."""
    write: Callable[..., bytes] = lazy.load("app.reports.xlsx").to_xlsx
    return write(tables, created=created)
