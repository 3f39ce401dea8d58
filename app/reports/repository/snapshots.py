"""The approval snapshots' own writes, and which drafts still lack one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlmodel import Session

from app.reports.repository.scope import APPROVED_STATES, D_TABLE, RA, RA_TABLE, RC_TABLE, D


def supersede(session: Session, draft_id: str) -> None:
    session.execute(
        update(RA_TABLE)
        .where(RA.draft_id == draft_id, RA.current.is_(True))
        .values(current=False)
        .execution_options(synchronize_session=False)
    )


def add_cells(session: Session, cells: Sequence[dict[str, Any]]) -> None:
    if cells:
        session.execute(insert(RC_TABLE), list(cells))


def backdate_for_demo(
    session: Session, draft_id: str, *, created_at: datetime, approved_at: datetime
) -> None:
    """Demo data only: a draft made today dated back to when the demo story says it was."""
    session.execute(update(D_TABLE).where(D.id == draft_id).values(created_at=created_at))
    session.execute(update(RA_TABLE).where(RA.draft_id == draft_id).values(approved_at=approved_at))


def approved_without_snapshot(session: Session) -> list[str]:
    """Drafts approved (or later) that have no current approval snapshot, oldest first."""
    query = (
        select(D.id)
        .outerjoin(RA_TABLE, and_(RA.draft_id == D.id, RA.current.is_(True)))
        .where(D.status.in_(APPROVED_STATES), RA.id.is_(None))
        .order_by(D.created_at)
    )
    return [str(draft_id) for draft_id in session.execute(query).scalars()]


def counted_months(session: Session, draft_id: str) -> set[tuple[str, date]]:
    """The (organisation, month) buckets of the stored ledger the draft's approvals are in."""
    query = select(RA.organisation_id, RA.ledger_month).where(
        RA.draft_id == draft_id, RA.ledger_month.is_not(None)
    )
    return {(str(org), month) for org, month in session.execute(query).all()}


def counted_now(session: Session, draft_id: str) -> Any:
    """The draft's current approval, its organisation, status and decision date fields (None
    without a current approval)."""
    query = (
        select(RA.id, RA.organisation_id, RA.ledger_month, D.status, D.meeting_date, D.created_at)
        .join(D_TABLE, D.id == RA.draft_id)
        .where(RA.draft_id == draft_id, RA.current.is_(True))
    )
    return session.execute(query).first()


def set_counted_month(
    session: Session, draft_id: str, approval_id: str | None, month: date | None
) -> None:
    """Mark which approval of the draft the stored ledger counts, and in which month."""
    session.execute(
        update(RA_TABLE)
        .where(RA.draft_id == draft_id, RA.ledger_month.is_not(None))
        .values(ledger_month=None)
        .execution_options(synchronize_session=False)
    )
    if approval_id is not None and month is not None:
        session.execute(
            update(RA_TABLE)
            .where(RA.id == approval_id)
            .values(ledger_month=month)
            .execution_options(synchronize_session=False)
        )


def current_approvals(session: Session) -> Sequence[Any]:
    """Every current approval of a draft that is approved or later, with its decision date
    fields."""
    query = (
        select(RA.id, RA.organisation_id, D.meeting_date, D.created_at)
        .join(D_TABLE, D.id == RA.draft_id)
        .where(RA.current.is_(True), D.status.in_(APPROVED_STATES))
    )
    return session.execute(query).all()
