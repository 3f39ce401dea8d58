"""The welfare coordinator's pages: the coverage register, the impact ledger with its heatmap,
the region dashboard, and their downloads; the same services as the reports API."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.auth.permissions import READ_REPORTS
from app.core.i18n import translate
from app.organisations import service as organisations
from app.organisations.service import REGION_KINDS
from app.reports import charts, service
from app.reports.access import MINIMUM_COUNT
from app.reports.coverage import GroupBy
from app.reports.exports import ExportFormat
from app.reports.periods import Granularity
from app.web.errors import WebRoute
from app.web.rendering import PAGE_HEADERS, render
from app.web.session import Web

router = APIRouter(include_in_schema=False, route_class=WebRoute)
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]


def _year(year: int | None) -> int:
    return year if year is not None else datetime.now(UTC).year


def _reports_text(lang: str) -> Callable[..., str]:
    def rt(key: str, **params: object) -> str:
        return translate(lang, f"reports.{key}", **params)

    return rt


def _context(web: Web, organisation_id: str, year: int, **extra: Any) -> dict[str, Any]:
    return {
        "nav": "reports",
        "rt": _reports_text(web.lang),
        "organisation_id": organisation_id,
        "year": year,
        "years": list(range(year - 2, year + 2)),
        "minimum_count": MINIMUM_COUNT,
        **extra,
    }


@router.get("/reports")
def reports_index(web: Web, year: YearQuery = None) -> Response:
    """The organisations whose reports the caller may read."""
    ids = sorted(org for org, roles in web.principal.roles.items() if roles & READ_REPORTS.roles)
    found = organisations.organisations_by_ids(web.session, ids)
    listed = sorted(found, key=lambda o: (o.parent_id is not None, o.name))
    context = _context(web, "", _year(year), organisations=listed)
    return render(web.request, "web/reports_index.html.j2", context)


@router.get("/reports/{organisation_id}/coverage")
def coverage_page(web: Web, organisation_id: str, year: YearQuery = None) -> Response:
    """The coverage register per body, with a chart and the reasons for 'not needed'."""
    chosen = _year(year)
    span = service.span(chosen, None, None)
    report = service.coverage(
        web.session,
        principal=web.principal,
        organisation_id=organisation_id,
        span=span,
        granularity=Granularity.year,
        group_by=[GroupBy.organisation, GroupBy.body],
        language=web.lang,
    )
    context = _context(
        web, organisation_id, chosen, report=report, bars=charts.coverage_bars(report.rows)
    )
    return render(web.request, "web/report_coverage.html.j2", context)


@router.get("/reports/{organisation_id}/ledger")
def ledger_page(web: Web, organisation_id: str, year: YearQuery = None) -> Response:
    """Who bears the impacts: the heatmap, cumulative burden, gender gaps, unmapped keys."""
    chosen = _year(year)
    report = service.ledger(
        web.session,
        principal=web.principal,
        organisation_id=organisation_id,
        span=service.span(chosen, None, None),
        language=web.lang,
    )
    heat = charts.heatmap(report.burden, web.lang)
    context = _context(web, organisation_id, chosen, report=report, heat=heat)
    return render(web.request, "web/report_ledger.html.j2", context)


@router.get("/reports/{organisation_id}/region")
def region_page(web: Web, organisation_id: str, year: YearQuery = None) -> Response:
    """The region's members side by side."""
    chosen = _year(year)
    board = service.dashboard(
        web.session,
        principal=web.principal,
        organisation_id=organisation_id,
        span=service.span(chosen, None, None),
        language=web.lang,
    )
    return render(
        web.request,
        "web/report_region.html.j2",
        _context(web, organisation_id, chosen, board=board),
    )


@router.get("/reports/{organisation_id}/annual")
def annual_page(web: Web, organisation_id: str, year: YearQuery = None) -> Response:
    """The annual report's files in each of the organisation's languages, with their sha256
    (as an annex's files are shown)."""
    chosen = _year(year)
    org = organisations.visible_organisation(
        web.session, principal=web.principal, organisation_id=organisation_id
    )
    reports = [
        service.annual(
            web.session,
            principal=web.principal,
            organisation_id=organisation_id,
            year=chosen,
            language=language,
        )
        for language in org.languages
    ]
    context = _context(
        web, organisation_id, chosen, reports=reports, is_region=org.kind in REGION_KINDS
    )
    return render(web.request, "web/report_annual.html.j2", context)


@router.get("/reports/{organisation_id}/annual.{fmt}")
def annual_download(
    web: Web,
    organisation_id: str,
    fmt: Literal["pdf", "html", "xlsx"],
    year: YearQuery = None,
    language: Annotated[Literal["fi", "sv", "en"] | None, Query()] = None,
) -> Response:
    """The annual report in `language`, else in the page's language when the organisation
    uses it, else in its first language; X-Content-SHA256 carries the file's sha256."""
    org = organisations.visible_organisation(
        web.session, principal=web.principal, organisation_id=organisation_id
    )
    fallback = web.lang if web.lang in org.languages else org.languages[0]
    found = service.annual_file(
        web.session,
        principal=web.principal,
        organisation_id=organisation_id,
        year=_year(year),
        language=language or fallback,
        fmt=fmt,
    )
    disposition = "inline" if fmt == "html" else "attachment"
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            **PAGE_HEADERS,
            "Content-Disposition": f'{disposition}; filename="{found.file_name}"',
            "X-Content-SHA256": hashlib.sha256(found.content).hexdigest(),
        },
    )


@router.get("/reports/{organisation_id}/{report}.{fmt}")
def report_download(
    web: Web,
    organisation_id: str,
    report: Literal["coverage", "ledger"],
    fmt: ExportFormat,
    year: YearQuery = None,
) -> Response:
    """A report as XLSX (every table) or CSV (its first table)."""
    span = service.span(_year(year), None, None)
    if report == "coverage":
        tables = service.coverage_export(
            service.coverage(
                web.session,
                principal=web.principal,
                organisation_id=organisation_id,
                span=span,
                granularity=Granularity.year,
                group_by=[GroupBy.organisation, GroupBy.body],
                language=web.lang,
            ),
            web.lang,
        )
    else:
        tables = service.ledger_export(
            service.ledger(
                web.session,
                principal=web.principal,
                organisation_id=organisation_id,
                span=span,
                language=web.lang,
            ),
            web.lang,
        )
    found = service.export(tables, fmt, None, report, as_of=span.start)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            **PAGE_HEADERS,
            "Content-Disposition": f'attachment; filename="{found.file_name}"',
        },
    )
