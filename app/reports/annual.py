"""The annual report to the leadership group and the council: an organisation's year in one
document, in the organisation's languages: coverage, the ledger's main findings and the
notable decisions. Rendered as PDF/A-2b, accessible HTML and XLSX (annual_render.py); the
same data always gives the same bytes, and each file's sha256 is given with it."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlmodel import Session

from app.auth.principal import Principal
from app.core.errors import Unprocessable
from app.reports.access import audience
from app.reports.coverage import GroupBy, coverage, link
from app.reports.ledger import ledger
from app.reports.periods import Granularity, span_of
from app.reports.repository import cells as repo
from app.reports.schemas import AnnualReport, NotableDecision

TOP_FINDINGS = 8
NOTABLE = 5


def annual_report(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    year: int,
    language: str | None,
) -> AnnualReport:
    """The year of an organisation (a region: with its members) in one of its languages
    (None: its first)."""
    seen = audience(session, principal=principal, organisation_id=organisation_id)
    language = language or seen.root.languages[0]
    if language not in seen.root.languages:
        raise Unprocessable(
            f"The organisation reports in {', '.join(seen.root.languages)}",
            code="not_an_organisation_language",
        )
    span = span_of(year, None, None)
    register = coverage(
        session,
        principal=principal,
        organisation_id=organisation_id,
        span=span,
        granularity=Granularity.year,
        group_by=[GroupBy.body],
        language=language,
    )
    impacts = ledger(
        session, principal=principal, organisation_id=organisation_id, span=span, language=language
    )
    notable = [
        NotableDecision(
            decision=link(r.draft_id, r.title, r.external_label, r.organisation_id),
            negative_cells=int(r.negative),
            positive_cells=int(r.positive),
        )
        for r in repo.most_negative(session, seen.window(span), NOTABLE)
        if r.organisation_id in seen.readable
    ]
    report = AnnualReport(
        organisation=seen.ref(seen.root, language),
        year=year,
        language=language,
        languages=list(seen.root.languages),
        coverage=register.totals,
        coverage_by_body=register.rows,
        burden=impacts.burden[:TOP_FINDINGS],
        gender_gaps=impacts.gender_gaps[:TOP_FINDINGS],
        unmapped=impacts.unmapped,
        approvals=impacts.approvals,
        followups=impacts.followups,
        notable=notable,
        content_hash="",
    )
    report.content_hash = content_hash(report)
    return report


def content_hash(report: AnnualReport) -> str:
    """sha256 of the report's data (without the hash itself), as canonical JSON."""
    data = report.model_dump(mode="json", by_alias=True, exclude={"content_hash"})
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def issued_on(year: int) -> date:
    """The date the documents carry: the last day of the year (never the clock)."""
    return date(year, 12, 31)
