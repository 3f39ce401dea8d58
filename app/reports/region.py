"""The region dashboard: the member municipalities side by side, to find where support is
needed: coverage, open reviews the region's experts may sign, and burden hot spots."""

from __future__ import annotations

from sqlmodel import Session

from app.auth.principal import Principal
from app.core.errors import Unprocessable
from app.followups import service as followups
from app.reports.access import audience
from app.reports.coverage import GroupBy, coverage
from app.reports.followups import due_per_organisation
from app.reports.ledger import burden_of
from app.reports.periods import Granularity, Span
from app.reports.repository import coverage as repo
from app.reports.schemas import MemberSummary, RegionDashboard

HOT_SPOTS = 3


def dashboard(
    session: Session, *, principal: Principal, organisation_id: str, span: Span, language: str
) -> RegionDashboard:
    """Each member municipality of the region, side by side (422 for a municipality)."""
    seen = audience(session, principal=principal, organisation_id=organisation_id)
    if not seen.is_region:
        raise Unprocessable("The region dashboard is for regions", code="not_a_region")
    register = coverage(
        session,
        principal=principal,
        organisation_id=organisation_id,
        span=span,
        granularity=Granularity.year,
        group_by=[GroupBy.organisation],
        language=language,
    )
    members = [o for o in seen.organisations if o.id != seen.root.id]
    reviews = repo.open_reviews(session, [o.id for o in members])
    due = due_per_organisation(session, [o.id for o in members], followups.today())
    summaries = []
    for member in members:
        rows = [r for r in register.rows if r.organisation_id == member.id]
        decisions, screened = sum(r.decisions for r in rows), sum(r.screened for r in rows)
        one = seen.only(member.id)
        hot = [b for b in burden_of(session, one, span, language) if b.decisions]
        summaries.append(
            MemberSummary(
                organisation=seen.ref(member, language),
                decisions=decisions,
                screened=screened,
                full=sum(r.full for r in rows),
                light=sum(r.light for r in rows),
                not_needed=sum(r.not_needed for r in rows),
                never_screened=sum(r.never_screened for r in rows),
                approved=sum(r.approved for r in rows),
                screened_share=round(screened / decisions, 3) if decisions else None,
                open_reviews=reviews.get(member.id, 0),
                hot_spots=hot[:HOT_SPOTS],
                followups_due=due.get(member.id, 0),
            )
        )
    return RegionDashboard(
        region=seen.ref(seen.root, language),
        start=span.start,
        end=span.end,
        members=summaries,
    )
