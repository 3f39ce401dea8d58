"""Every query of the reports: read-only aggregates over drafts, screenings, meetings and the
approval snapshots, always filtered by the organisations the caller's report covers, and the
writes of the snapshots themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, case, func, insert, or_, select, update
from sqlmodel import Session

from app.assessments.models import Screening
from app.drafts.models import DecisionDraft
from app.followups.models import FollowUp, FollowUpVerdict
from app.meetings.models import MeetingItem
from app.organisations.models import Organisation
from app.reports.models import ReportApproval, ReportCell
from app.workflow.states import DraftStatus

_D_TABLE: Table = DecisionDraft.__table__  # type: ignore[attr-defined]
_S_TABLE: Table = Screening.__table__  # type: ignore[attr-defined]
_M_TABLE: Table = MeetingItem.__table__  # type: ignore[attr-defined]
_O_TABLE: Table = Organisation.__table__  # type: ignore[attr-defined]
_RA_TABLE: Table = ReportApproval.__table__  # type: ignore[attr-defined]
_RC_TABLE: Table = ReportCell.__table__  # type: ignore[attr-defined]
_F_TABLE: Table = FollowUp.__table__  # type: ignore[attr-defined]
_FV_TABLE: Table = FollowUpVerdict.__table__  # type: ignore[attr-defined]
_D, _S, _M, _O = _D_TABLE.c, _S_TABLE.c, _M_TABLE.c, _O_TABLE.c
_RA, _RC = _RA_TABLE.c, _RC_TABLE.c
# what a decision link shows of its case: the case system's label, else the case id
_CASE_LABEL = func.coalesce(_D.external_label, _D.external_case_id).label("external_label")

# a draft in one of these states carries its latest approval (reopen, a new cycle: it does not)
APPROVED_STATES = (
    DraftStatus.approved,
    DraftStatus.annex_issued,
    DraftStatus.attached,
    DraftStatus.decided,
)


def supersede(session: Session, draft_id: str) -> None:
    session.execute(
        update(_RA_TABLE)
        .where(_RA.draft_id == draft_id, _RA.current.is_(True))
        .values(current=False)
        .execution_options(synchronize_session=False)
    )


def add_cells(session: Session, cells: Sequence[dict[str, Any]]) -> None:
    if cells:
        session.execute(insert(_RC_TABLE), list(cells))


def organisation(session: Session, organisation_id: str) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def members_of(session: Session, region_id: str) -> Sequence[Organisation]:
    query = select(Organisation).where(_O.parent_id == region_id).order_by(_O.name)
    return session.execute(query).scalars().all()


def _in_period(start: date, end: date, start_at: datetime, end_before: datetime) -> Any:
    """A draft's decision date (its meeting date, else its creation day) in the span."""
    meeting = _D.meeting_date
    created = _D.created_at
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
            _D.organisation_id.in_(self.organisation_ids),
            _in_period(self.start, self.end, self.start_at, self.end_before),
        )


def coverage_rows(session: Session, window: Window) -> Sequence[Any]:
    """One row per draft in the window: its screening and its current approval."""
    query = (
        select(
            _D.id,
            _D.organisation_id,
            _D.title,
            _D.status,
            _D.decision_body,
            _D.decision_type,
            _D.meeting_date,
            _D.created_at,
            _CASE_LABEL,
            _S.outcome,
            _S.reason,
            _RA.approved_at,
        )
        .outerjoin(_S_TABLE, _S.draft_id == _D.id)
        .outerjoin(
            _RA_TABLE,
            and_(
                _RA.draft_id == _D.id,
                _RA.current.is_(True),
            ),
        )
        .where(window.drafts())
    )
    return session.execute(query).all()


def meeting_outcomes(session: Session, window: Window) -> dict[str, str | None]:
    """Each draft in the window that reached a meeting: its latest item's outcome."""
    query = (
        select(_M.draft_id, _M.outcome, _M.attached_at)
        .join(_D_TABLE, _D.id == _M.draft_id)
        .where(window.drafts())
        .order_by(_M.attached_at)
    )
    return {draft_id: outcome for draft_id, outcome, _ in session.execute(query).all()}


def _approved_cells(window: Window) -> Any:
    return and_(
        _RA.current.is_(True),
        _RA.organisation_id.in_(window.organisation_ids),
        _D.status.in_(APPROVED_STATES),
        window.drafts(),
    )


def approvals(session: Session, window: Window) -> Sequence[Any]:
    """The approvals the ledger counts: (approval, draft, organisation, title, label, template,
    publicity). The cell aggregates below are driven by these ids (index on approval_id)."""
    query = (
        select(
            _RA.id,
            _RA.draft_id,
            _RA.organisation_id,
            _D.title,
            _CASE_LABEL,
            _RA.template_id,
            _RA.template_key,
            _RA.publicity_class,
        )
        .join(_D_TABLE, _D.id == _RA.draft_id)
        .where(_approved_cells(window))
    )
    return session.execute(query).all()


def _restricted(restricted: Sequence[str], approval: Any = None) -> Any:
    """1 for a cell of an approval the caller may not see below the minimum count, else 0."""
    if not restricted:
        return func.sum(0)
    column = _RC.approval_id if approval is None else approval
    return func.sum(case((column.in_(restricted), 1), else_=0))


def ledger_buckets(
    session: Session, ids: Sequence[str], restricted: Sequence[str]
) -> Sequence[Any]:
    """Per canonical group × gender × template area × direction: decisions, cells, strength."""
    if not ids:
        return []
    keys = (_RC.canonical_group, _RC.canonical_gender, _RA.template_key, _RC.area, _RC.direction)
    query = (
        select(
            *keys,
            func.count(func.distinct(_RC.approval_id)),
            func.count(),
            func.max(_RC.strength),
            func.max(_RC.strength_max),
            func.sum(case((_RC.uncertain.is_(True), 1), else_=0)),
            _restricted(restricted),
        )
        .join(_RA_TABLE, _RA.id == _RC.approval_id)
        .where(_RC.approval_id.in_(ids), _RC.direction != "neutral")
        .group_by(*keys)
    )
    return session.execute(query).all()


def burden(session: Session, ids: Sequence[str], restricted: Sequence[str]) -> Sequence[Any]:
    """Per canonical group × gender hit negatively: decisions and distinct areas."""
    if not ids:
        return []
    query = (
        select(
            _RC.canonical_group,
            _RC.canonical_gender,
            func.count(func.distinct(_RC.approval_id)),
            func.count(func.distinct(_RA.template_key + ":" + _RC.area)),
            _restricted(restricted),
        )
        .join(_RA_TABLE, _RA.id == _RC.approval_id)
        .where(
            _RC.approval_id.in_(ids),
            _RC.direction == "negative",
            _RC.canonical_group.is_not(None),
        )
        .group_by(_RC.canonical_group, _RC.canonical_gender)
    )
    return session.execute(query).all()


def gender_gaps(
    session: Session, ids: Sequence[str], pair: tuple[str, str], restricted: Sequence[str]
) -> Sequence[Any]:
    """Per canonical group: decisions where the first gender of `pair` fares worse than the
    second in some cell (same area and template group), and the other way round, and the
    cells compared. One pass: each cell pair is folded with conditional aggregates."""
    if not ids:
        return []
    first = func.max(case((_RC.canonical_gender == pair[0], _RC.value)))
    second = func.max(case((_RC.canonical_gender == pair[1], _RC.value)))
    pairs = (
        select(
            _RC.approval_id.label("approval_id"),
            _RC.canonical_group.label("grp"),
            first.label("first"),
            second.label("second"),
        )
        .where(
            _RC.approval_id.in_(ids),
            _RC.canonical_gender.in_(pair),
            _RC.value.is_not(None),
            _RC.canonical_group.is_not(None),
        )
        .group_by(_RC.approval_id, _RC.canonical_group, _RC.area, _RC.grp)
        .subquery()
    )
    both = and_(pairs.c.first.is_not(None), pairs.c.second.is_not(None))
    query = (
        select(
            pairs.c.grp,
            func.count(func.distinct(case((pairs.c.first < pairs.c.second, pairs.c.approval_id)))),
            func.count(func.distinct(case((pairs.c.first > pairs.c.second, pairs.c.approval_id)))),
            func.count(),
            _restricted(restricted, pairs.c.approval_id),
        )
        .where(both)
        .group_by(pairs.c.grp)
    )
    return session.execute(query).all()


def unmapped(session: Session, ids: Sequence[str]) -> Sequence[Any]:
    """Template keys the ledger could not count: (template, kind, key, cells)."""
    if not ids:
        return []
    query = (
        select(
            _RA.template_key,
            _RC.grp,
            _RC.gender,
            _RC.canonical_group.is_(None),
            _RC.canonical_gender.is_(None),
            func.count(),
        )
        .join(_RA_TABLE, _RA.id == _RC.approval_id)
        .where(
            _RC.approval_id.in_(ids),
            or_(_RC.canonical_group.is_(None), _RC.canonical_gender.is_(None)),
        )
        .group_by(
            _RA.template_key,
            _RC.grp,
            _RC.gender,
            _RC.canonical_group.is_(None),
            _RC.canonical_gender.is_(None),
        )
    )
    found: dict[tuple[str, str, str], int] = {}
    for template, grp, gender, no_group, no_gender, count in session.execute(query).all():
        for unmapped_, kind, key in ((no_group, "group", grp), (no_gender, "gender", gender)):
            if unmapped_:
                found[template, kind, key] = found.get((template, kind, key), 0) + count
    return [(template, kind, key, count) for (template, kind, key), count in found.items()]


def bucket_cells(
    session: Session,
    window: Window,
    *,
    group: str,
    gender: str,
    template_key: str | None,
    area: str | None,
    direction: str | None,
    limit: int,
) -> Sequence[Any]:
    """The cells behind one ledger bucket, with their decisions (newest approvals first)."""
    conditions = [
        _approved_cells(window),
        _RC.canonical_group == group,
        _RC.canonical_gender == gender,
        _RC.direction != "neutral",
    ]
    if template_key is not None:
        conditions.append(_RA.template_key == template_key)
    if area is not None:
        conditions.append(_RC.area == area)
    if direction is not None:
        conditions.append(_RC.direction == direction)
    query = (
        select(
            _RA.draft_id,
            _RA.organisation_id,
            _RA.publicity_class,
            _D.title,
            _CASE_LABEL,
            _RA.template_key,
            _RC.area,
            _RC.grp,
            _RC.gender,
            _RC.value,
            _RC.direction,
            _RC.uncertain,
        )
        .join(_RA_TABLE, _RA.id == _RC.approval_id)
        .join(_D_TABLE, _D.id == _RA.draft_id)
        .where(*conditions)
        .order_by(_RA.approved_at.desc(), _RC.area, _RC.grp)
        .limit(limit)
    )
    return session.execute(query).all()


def open_reviews(session: Session, organisation_ids: Sequence[str]) -> dict[str, int]:
    """Drafts in review now, per organisation."""
    query = (
        select(_D.organisation_id, func.count())
        .where(_D.organisation_id.in_(organisation_ids), _D.status == DraftStatus.in_review)
        .group_by(_D.organisation_id)
    )
    return {str(org): int(count) for org, count in session.execute(query).all()}


def backdate_for_demo(
    session: Session, draft_id: str, *, created_at: datetime, approved_at: datetime
) -> None:
    """Demo data only: a draft made today dated back to when the demo story says it was."""
    session.execute(update(_D_TABLE).where(_D.id == draft_id).values(created_at=created_at))
    session.execute(
        update(_RA_TABLE).where(_RA.draft_id == draft_id).values(approved_at=approved_at)
    )


def approved_without_snapshot(session: Session) -> list[str]:
    """Drafts approved (or later) that have no current approval snapshot, oldest first."""
    query = (
        select(_D.id)
        .outerjoin(_RA_TABLE, and_(_RA.draft_id == _D.id, _RA.current.is_(True)))
        .where(_D.status.in_(APPROVED_STATES), _RA.id.is_(None))
        .order_by(_D.created_at)
    )
    return [str(draft_id) for draft_id in session.execute(query).scalars()]


def most_negative(session: Session, window: Window, limit: int) -> Sequence[Any]:
    """The approved decisions of the window with the most negative cells."""
    negative = func.sum(case((_RC.direction == "negative", 1), else_=0))
    query = (
        select(
            _RA.draft_id,
            _RA.organisation_id,
            _D.title,
            _CASE_LABEL,
            negative.label("negative"),
            func.sum(case((_RC.direction == "positive", 1), else_=0)).label("positive"),
        )
        .join(_RA_TABLE, _RA.id == _RC.approval_id)
        .join(_D_TABLE, _D.id == _RA.draft_id)
        .where(_approved_cells(window))
        .group_by(_RA.draft_id, _RA.organisation_id, _D.title, _CASE_LABEL)
        .having(negative > 0)
        .order_by(negative.desc(), _D.title, _RA.draft_id)
        .limit(limit)
    )
    return session.execute(query).all()


def followup_verdicts(
    session: Session, approval_ids: Sequence[str], readable: Sequence[str]
) -> Sequence[Any]:
    """Verdicts of post-decision reviews on the approved cells they judge, in canonical keys:
    (group, gender, template, area, direction, verdict, cells), readable organisations only."""
    if not approval_ids:
        return []
    v, f = _FV_TABLE.c, _F_TABLE.c
    query = (
        select(
            _RC.canonical_group,
            _RC.canonical_gender,
            _RA.template_key,
            _RC.area,
            _RC.direction,
            v.verdict,
            func.count().label("cells"),
        )
        .select_from(_FV_TABLE)
        .join(_F_TABLE, f.id == v.follow_up_id)
        .join(
            _RA_TABLE,
            and_(
                _RA.draft_id == f.draft_id,
                _RA.alternative == v.alternative,
                _RA.id.in_(list(approval_ids)),
                _RA.organisation_id.in_(list(readable)),
            ),
        )
        .join(
            _RC_TABLE,
            and_(
                _RC.approval_id == _RA.id,
                _RC.area == v.area,
                _RC.grp == v.grp,
                _RC.gender == v.gender,
            ),
        )
        .group_by(
            _RC.canonical_group,
            _RC.canonical_gender,
            _RA.template_key,
            _RC.area,
            _RC.direction,
            v.verdict,
        )
    )
    return session.execute(query).all()
