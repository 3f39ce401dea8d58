"""Reports API: the coverage register and the impact ledger, as JSON, CSV and XLSX."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import READ_REPORTS
from app.core.errors import error_responses
from app.reports import service
from app.reports.coverage import GroupBy
from app.reports.exports import ExportFormat
from app.reports.periods import Granularity
from app.reports.schemas import (
    AnnualReport,
    CoverageReport,
    LedgerCells,
    LedgerReport,
    RegionDashboard,
)

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
ERRORS = error_responses(401, 403, 404, 422)

Organisation = Annotated[
    str,
    Query(
        min_length=1,
        max_length=36,
        description="Organisation id; a region's report covers it and its member municipalities",
    ),
]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Calendar year (or from and to)")]
From = Annotated[date | None, Query(alias="from", description="First day (with to)")]
To = Annotated[date | None, Query(alias="to", description="Last day, inclusive (with from)")]
Period = Annotated[Granularity, Query(description="Rows per year, quarter or council term")]
GroupByParam = Annotated[
    str,
    Query(
        max_length=60,
        pattern=r"^(organisation|body|type)(,(organisation|body|type)){0,2}$",
        description="Comma-separated: organisation, body (decision body), type (decision type)",
    ),
]
Lang = Annotated[str, Query(pattern="^(fi|sv|en)$", description="Language of labels")]
Format = Annotated[ExportFormat, Query(description="csv or xlsx")]
Table = Annotated[
    str | None,
    Query(
        pattern="^(coverage|reasons|ledger|burden|gaps|unmapped)$",
        description="CSV: which table (default the report's first); XLSX holds every table",
    ),
]
Key = Annotated[str, Query(min_length=1, max_length=80)]
OptionalKey = Annotated[str | None, Query(min_length=1, max_length=80)]
Direction = Annotated[
    str | None, Query(pattern="^(negative|positive|cannot_assess)$", description="Effect")
]


def _file(found: service.Export) -> Response:
    return Response(
        found.content,
        media_type=found.media_type,
        headers={"Content-Disposition": f'attachment; filename="{found.file_name}"'},
    )


def _group_by(value: str) -> list[GroupBy]:
    return list(dict.fromkeys(GroupBy(part) for part in value.split(",")))


@router.get(
    "/coverage",
    response_model=CoverageReport,
    response_model_by_alias=True,
    summary="Coverage register",
    responses=ERRORS,
    dependencies=[RequireScope(READ_REPORTS)],
)
def coverage(
    session: DbSession,
    principal: CurrentPrincipal,
    organisation: Organisation,
    year: Year = None,
    start: From = None,
    end: To = None,
    period: Period = Granularity.year,
    group_by: GroupByParam = "organisation,body",
    lang: Lang = "fi",
) -> CoverageReport:
    """Screened, full / light / not needed (with reasons), never screened, draft → approval
    days (median, p90) and meeting outcomes, per organisation, body, type and period."""
    return service.coverage(
        session,
        principal=principal,
        organisation_id=organisation,
        span=service.span(year, start, end),
        granularity=period,
        group_by=_group_by(group_by),
        language=lang,
    )


@router.get(
    "/coverage/export",
    summary="Coverage register as CSV or XLSX",
    responses=ERRORS | {200: {"content": {"text/csv": {}, "application/octet-stream": {}}}},
    dependencies=[RequireScope(READ_REPORTS)],
)
def coverage_export(
    session: DbSession,
    principal: CurrentPrincipal,
    organisation: Organisation,
    format: Format,
    year: Year = None,
    start: From = None,
    end: To = None,
    period: Period = Granularity.year,
    group_by: GroupByParam = "organisation,body",
    lang: Lang = "fi",
    table: Table = None,
) -> Response:
    """Every coverage table in the language asked for; formulas are never written."""
    report = service.coverage(
        session,
        principal=principal,
        organisation_id=organisation,
        span=service.span(year, start, end),
        granularity=period,
        group_by=_group_by(group_by),
        language=lang,
    )
    tables = service.coverage_export(report, lang)
    return _file(service.export(tables, format, table, "coverage", as_of=report.start))


@router.get(
    "/ledger",
    response_model=LedgerReport,
    response_model_by_alias=True,
    summary="Impact ledger",
    responses=ERRORS,
    dependencies=[RequireScope(READ_REPORTS)],
)
def ledger(
    session: DbSession,
    principal: CurrentPrincipal,
    organisation: Organisation,
    year: Year = None,
    start: From = None,
    end: To = None,
    lang: Lang = "fi",
) -> LedgerReport:
    """Approved decisions by canonical group × gender × area and effect; cumulative burden,
    gender gaps across decisions, and what could not be mapped."""
    return service.ledger(
        session,
        principal=principal,
        organisation_id=organisation,
        span=service.span(year, start, end),
        language=lang,
    )


@router.get(
    "/ledger/cells",
    response_model=LedgerCells,
    summary="The cells behind an impact ledger figure",
    responses=ERRORS,
    dependencies=[RequireScope(READ_REPORTS)],
)
def ledger_cells(
    session: DbSession,
    principal: CurrentPrincipal,
    organisation: Organisation,
    group: Key,
    gender: Key,
    year: Year = None,
    start: From = None,
    end: To = None,
    template: OptionalKey = None,
    area: OptionalKey = None,
    direction: Direction = None,
) -> LedgerCells:
    """Each approved cell with its decision (decisions the caller may not open: counted)."""
    return service.ledger_cells(
        session,
        principal=principal,
        organisation_id=organisation,
        span=service.span(year, start, end),
        group=group,
        gender=gender,
        template=template,
        area=area,
        direction=direction,
    )


@router.get(
    "/ledger/export",
    summary="Impact ledger as CSV or XLSX",
    responses=ERRORS | {200: {"content": {"text/csv": {}, "application/octet-stream": {}}}},
    dependencies=[RequireScope(READ_REPORTS)],
)
def ledger_export(
    session: DbSession,
    principal: CurrentPrincipal,
    organisation: Organisation,
    format: Format,
    year: Year = None,
    start: From = None,
    end: To = None,
    lang: Lang = "fi",
    table: Table = None,
) -> Response:
    """Every ledger table in the language asked for; formulas are never written."""
    report = service.ledger(
        session,
        principal=principal,
        organisation_id=organisation,
        span=service.span(year, start, end),
        language=lang,
    )
    tables = service.ledger_export(report, lang)
    return _file(service.export(tables, format, table, "ledger", as_of=report.start))


@router.get(
    "/region",
    response_model=RegionDashboard,
    response_model_by_alias=True,
    summary="Region dashboard",
    responses=ERRORS,
    dependencies=[RequireScope(READ_REPORTS)],
)
def region(
    session: DbSession,
    principal: CurrentPrincipal,
    organisation: Organisation,
    year: Year = None,
    start: From = None,
    end: To = None,
    lang: Lang = "fi",
) -> RegionDashboard:
    """The region's member municipalities side by side: coverage, open reviews, hot spots."""
    return service.dashboard(
        session,
        principal=principal,
        organisation_id=organisation,
        span=service.span(year, start, end),
        language=lang,
    )


OptionalLang = Annotated[
    str | None,
    Query(
        pattern="^(fi|sv|en)$",
        description="One of the organisation's languages (default: its first)",
    ),
]
RequiredYear = Annotated[int, Query(ge=2000, le=2100, description="Calendar year")]
AnnualFormat = Annotated[str, Query(pattern="^(pdf|html|xlsx)$", description="pdf, html or xlsx")]


@router.get(
    "/annual",
    response_model=AnnualReport,
    summary="Annual report to the leadership group",
    responses=ERRORS,
    dependencies=[RequireScope(READ_REPORTS)],
)
def annual(
    session: DbSession,
    principal: CurrentPrincipal,
    organisation: Organisation,
    year: RequiredYear,
    lang: OptionalLang = None,
) -> AnnualReport:
    """Coverage, the ledger's main findings and notable decisions of a year, in one of the
    organisation's languages, with the sha256 of each file (PDF/A-2b, HTML, XLSX)."""
    return service.annual(
        session, principal=principal, organisation_id=organisation, year=year, language=lang
    )


@router.get(
    "/annual/export",
    summary="Annual report as PDF/A-2b, HTML or XLSX",
    responses=ERRORS
    | {
        200: {
            "content": {"application/pdf": {}, "text/html": {}, "application/octet-stream": {}},
            "description": "The file; X-Content-SHA256 carries its sha256",
        }
    },
    dependencies=[RequireScope(READ_REPORTS)],
)
def annual_export(
    session: DbSession,
    principal: CurrentPrincipal,
    organisation: Organisation,
    year: RequiredYear,
    format: AnnualFormat,
    lang: Lang = "fi",
) -> Response:
    """The same data always gives the same bytes."""
    found = service.annual_file(
        session,
        principal=principal,
        organisation_id=organisation,
        year=year,
        language=lang,
        fmt=format,
    )
    response = _file(found)
    response.headers["X-Content-SHA256"] = hashlib.sha256(found.content).hexdigest()
    return response
