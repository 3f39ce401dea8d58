"""The reports' public face: the coverage register, the impact ledger and their exports, each
computed for the organisations the caller may see (app/reports/access.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session

from app.auth.principal import Principal
from app.core.errors import Unprocessable
from app.reports import annual_render
from app.reports.annual import annual_report
from app.reports.coverage import coverage
from app.reports.exports import (
    MEDIA_TYPES,
    ExportFormat,
    Table,
    coverage_tables,
    ledger_tables,
    to_csv,
    to_xlsx,
)
from app.reports.ledger import ledger, ledger_cells
from app.reports.periods import Span, span_of
from app.reports.region import dashboard
from app.reports.schemas import AnnualReport, CoverageReport, LedgerReport

__all__ = [
    "Export",
    "annual",
    "annual_file",
    "coverage",
    "coverage_export",
    "dashboard",
    "export",
    "ledger",
    "ledger_cells",
    "span",
]


def span(year: int | None, start: date | None, end: date | None) -> Span:
    """The period asked for (a year, or from and to); 422 when it is not one."""
    return span_of(year, start, end)


def coverage_export(report: CoverageReport, lang: str) -> list[Table]:
    return coverage_tables(report, lang)


def ledger_export(report: LedgerReport, lang: str) -> list[Table]:
    return ledger_tables(report, lang)


@dataclass(frozen=True)
class Export:
    content: bytes
    media_type: str
    file_name: str


def export(
    tables: list[Table], fmt: ExportFormat, table: str | None, stem: str, *, as_of: date
) -> Export:
    """The tables as one XLSX workbook, or one of them (`table`, default the first) as CSV."""
    if fmt is ExportFormat.xlsx:
        created = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
        return Export(to_xlsx(tables, created=created), MEDIA_TYPES[fmt], f"{stem}.xlsx")
    chosen = next((t for t in tables if table in (None, t.name)), None)
    if chosen is None:
        names = ", ".join(t.name for t in tables)
        raise Unprocessable(f"This report's tables are {names}", code="unknown_table")
    return Export(to_csv(chosen), MEDIA_TYPES[fmt], f"{stem}-{chosen.name}.csv")


ANNUAL_FORMATS = annual_render.FORMATS


def annual(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    year: int,
    language: str | None,
) -> AnnualReport:
    """The annual report's data, with each file's name, size and sha256."""
    report = annual_report(
        session, principal=principal, organisation_id=organisation_id, year=year, language=language
    )
    report.files = annual_render.files(report)
    return report


def annual_file(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    year: int,
    language: str | None,
    fmt: str,
) -> Export:
    """One file of the annual report (pdf, html or xlsx): the same data, the same bytes."""
    report = annual_report(
        session, principal=principal, organisation_id=organisation_id, year=year, language=language
    )
    return Export(
        annual_render.render(report, fmt),
        annual_render.media_type(fmt),
        annual_render.file_name(report, fmt),
    )
