"""The coverage register's queries: drafts with their screening, current approval and meeting
outcome, and the reviews open per organisation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session

from app.reports.repository.scope import (
    CASE_LABEL,
    D_TABLE,
    RA,
    RA_TABLE,
    S_TABLE,
    D,
    M,
    S,
    Window,
)
from app.workflow.states import DraftStatus


def coverage_rows(session: Session, window: Window) -> Sequence[Any]:
    """One row per draft in the window: its screening and its current approval."""
    query = (
        select(
            D.id,
            D.organisation_id,
            D.title,
            D.status,
            D.decision_body,
            D.decision_type,
            D.meeting_date,
            D.created_at,
            CASE_LABEL,
            S.outcome,
            S.reason,
            RA.approved_at,
        )
        .outerjoin(S_TABLE, S.draft_id == D.id)
        .outerjoin(RA_TABLE, and_(RA.draft_id == D.id, RA.current.is_(True)))
        .where(window.drafts())
    )
    return session.execute(query).all()


def meeting_outcomes(session: Session, window: Window) -> dict[str, str | None]:
    """Each draft in the window that reached a meeting: its latest item's outcome."""
    query = (
        select(M.draft_id, M.outcome, M.attached_at)
        .join(D_TABLE, D.id == M.draft_id)
        .where(window.drafts())
        .order_by(M.attached_at)
    )
    return {draft_id: outcome for draft_id, outcome, _ in session.execute(query).all()}


def open_reviews(session: Session, organisation_ids: Sequence[str]) -> dict[str, int]:
    """Drafts in review now, per organisation."""
    query = (
        select(D.organisation_id, func.count())
        .where(D.organisation_id.in_(organisation_ids), D.status == DraftStatus.in_review)
        .group_by(D.organisation_id)
    )
    return {str(org): int(count) for org, count in session.execute(query).all()}
