"""The rows a report reads: the tables, the window of organisations and decision dates, and
which drafts count as approved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, func, or_, select
from sqlmodel import Session

from app.assessments.models import Screening
from app.drafts.models import DecisionDraft
from app.followups.models import FollowUp, FollowUpVerdict
from app.meetings.models import MeetingItem
from app.organisations.models import Organisation
from app.reports.models import ReportApproval, ReportCell, ReportLedgerRow
from app.workflow.states import DraftStatus

D_TABLE: Table = DecisionDraft.__table__  # type: ignore[attr-defined]
S_TABLE: Table = Screening.__table__  # type: ignore[attr-defined]
M_TABLE: Table = MeetingItem.__table__  # type: ignore[attr-defined]
O_TABLE: Table = Organisation.__table__  # type: ignore[attr-defined]
RA_TABLE: Table = ReportApproval.__table__  # type: ignore[attr-defined]
RC_TABLE: Table = ReportCell.__table__  # type: ignore[attr-defined]
RL_TABLE: Table = ReportLedgerRow.__table__  # type: ignore[attr-defined]
F_TABLE: Table = FollowUp.__table__  # type: ignore[attr-defined]
FV_TABLE: Table = FollowUpVerdict.__table__  # type: ignore[attr-defined]
D, S, M, ORG = D_TABLE.c, S_TABLE.c, M_TABLE.c, O_TABLE.c
RA, RC, RL = RA_TABLE.c, RC_TABLE.c, RL_TABLE.c
# what a decision link shows of its case: the case system's label, else the case id
CASE_LABEL = func.coalesce(D.external_label, D.external_case_id).label("external_label")

# a draft in one of these states carries its latest approval (reopen, a new cycle: it does not)
APPROVED_STATES = (
    DraftStatus.approved,
    DraftStatus.annex_issued,
    DraftStatus.attached,
    DraftStatus.decided,
)


def organisation(session: Session, organisation_id: str) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def members_of(session: Session, region_id: str) -> Sequence[Organisation]:
    query = select(Organisation).where(ORG.parent_id == region_id).order_by(ORG.name)
    return session.execute(query).scalars().all()


def _in_period(start: date, end: date, start_at: datetime, end_before: datetime) -> Any:
    """A draft's decision date (its meeting date, else its creation day) in the span."""
    meeting = D.meeting_date
    created = D.created_at
    return or_(
        and_(meeting.is_not(None), meeting >= start, meeting <= end),
        and_(meeting.is_(None), created >= start_at, created < end_before),
    )


@dataclass(frozen=True)
class Window:
    organisation_ids: Sequence[str]
    start: date
    end: date
    start_at: datetime
    end_before: datetime

    def drafts(self) -> Any:
        return and_(
            D.organisation_id.in_(self.organisation_ids),
            _in_period(self.start, self.end, self.start_at, self.end_before),
        )


def approved_cells(window: Window) -> Any:
    """The current approvals of approved drafts whose decision date is in the window."""
    return and_(
        RA.current.is_(True),
        RA.organisation_id.in_(window.organisation_ids),
        D.status.in_(APPROVED_STATES),
        window.drafts(),
    )
