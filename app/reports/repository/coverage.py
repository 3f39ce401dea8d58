"""The coverage register's queries, aggregated in the database: drafts counted per
organisation, decision body, type, decision month, screening outcome and latest meeting
outcome; the approval times of approved drafts; the 'not needed' reasons counted per text, with
the first decisions of each text to link to; and the reviews open per organisation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Date, and_, cast, func, select
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

NOT_NEEDED = "not_needed"


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def decision_month(session: Session) -> Any:
    """A draft's decision month as 'YYYY-MM': of its meeting date, else of the UTC day it was
    created (periods.decision_date); every report period starts on the first of a month."""
    if _postgres(session):
        created = cast(func.timezone("UTC", D.created_at), Date)
        return func.to_char(func.coalesce(D.meeting_date, created), "YYYY-MM")
    # SQLite keeps dates as 'YYYY-MM-DD' and UTC timestamps as 'YYYY-MM-DD HH:MM:SS...'
    return func.substr(func.coalesce(D.meeting_date, D.created_at), 1, 7)


def _latest_meeting_outcome() -> Any:
    """The outcome of the draft's latest meeting item ('pending' before one is recorded), NULL
    when the draft never reached a meeting."""
    return (
        select(func.coalesce(func.nullif(M.outcome, ""), "pending"))
        .where(M.draft_id == D.id)
        .order_by(M.attached_at.desc(), M.id.desc())
        .limit(1)
        .correlate(D_TABLE)
        .scalar_subquery()
    )


def coverage_counts(session: Session, window: Window) -> Sequence[Any]:
    """Drafts in the window counted per organisation, body, type, decision month, screening
    outcome (None: never screened) and latest meeting outcome (None: no meeting)."""
    per_draft = (
        select(
            D.organisation_id.label("organisation_id"),
            D.decision_body.label("decision_body"),
            D.decision_type.label("decision_type"),
            decision_month(session).label("month"),
            S.outcome.label("outcome"),
            _latest_meeting_outcome().label("meeting"),
        )
        .select_from(D_TABLE)
        .outerjoin(S_TABLE, S.draft_id == D.id)
        .where(window.drafts())
        .subquery()
    )
    c = per_draft.c
    keys = (c.organisation_id, c.decision_body, c.decision_type, c.month, c.outcome, c.meeting)
    return session.execute(select(*keys, func.count().label("n")).group_by(*keys)).all()


def approval_times(session: Session, window: Window) -> Sequence[Any]:
    """Each draft in the window with a current approval: its keys, creation and approval."""
    query = (
        select(
            D.organisation_id,
            D.decision_body,
            D.decision_type,
            decision_month(session).label("month"),
            D.created_at,
            RA.approved_at,
        )
        .join(RA_TABLE, and_(RA.draft_id == D.id, RA.current.is_(True)))
        .where(window.drafts())
    )
    return session.execute(query).all()


def reason_counts(session: Session, window: Window) -> Sequence[Any]:
    """'Not needed' screenings in the window per reason text (as written) and organisation."""
    query = (
        select(S.reason, D.organisation_id, func.count().label("n"))
        .join(S_TABLE, S.draft_id == D.id)
        .where(window.drafts(), S.outcome == NOT_NEEDED)
        .group_by(S.reason, D.organisation_id)
    )
    return session.execute(query).all()


def reason_links(
    session: Session, window: Window, organisation_ids: Sequence[str], limit: int
) -> Sequence[Any]:
    """Of each reason text (as written), the first `limit` drafts by title and id (in code
    point order) among the 'not needed' drafts of `organisation_ids` in the window."""
    if not organisation_ids:
        return []
    order: tuple[Any, ...] = (D.title, D.id)
    if _postgres(session):
        order = (D.title.collate("C"), D.id.collate("C"))
    ranked = (
        select(
            D.id,
            D.title,
            CASE_LABEL,
            D.organisation_id,
            S.reason,
            func.row_number().over(partition_by=S.reason, order_by=order).label("rank"),
        )
        .join(S_TABLE, S.draft_id == D.id)
        .where(
            window.drafts(),
            S.outcome == NOT_NEEDED,
            D.organisation_id.in_(organisation_ids),
        )
        .subquery()
    )
    return session.execute(select(ranked).where(ranked.c.rank <= limit)).all()


def open_reviews(session: Session, organisation_ids: Sequence[str]) -> dict[str, int]:
    """Drafts in review now, per organisation."""
    query = (
        select(D.organisation_id, func.count())
        .where(D.organisation_id.in_(organisation_ids), D.status == DraftStatus.in_review)
        .group_by(D.organisation_id)
    )
    return {str(org): int(count) for org, count in session.execute(query).all()}
