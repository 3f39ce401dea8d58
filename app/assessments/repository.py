"""Every query about screenings, assessments and cells."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.assessments.models import Assessment, AssessmentCell, AssessmentState, Screening


def screening_of(session: Session, draft_id: str) -> Screening | None:
    return session.exec(select(Screening).where(Screening.draft_id == draft_id)).first()


def active_assessment(session: Session, draft_id: str, *, lock: bool = False) -> Assessment | None:
    query = select(Assessment).where(
        Assessment.draft_id == draft_id, Assessment.state == AssessmentState.active
    )
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def assessments_of(session: Session, draft_id: str) -> Sequence[Assessment]:
    return session.exec(
        select(Assessment).where(Assessment.draft_id == draft_id).order_by(col(Assessment.cycle))
    ).all()


def cells(session: Session, assessment_id: str) -> Sequence[AssessmentCell]:
    return session.exec(
        select(AssessmentCell).where(AssessmentCell.assessment_id == assessment_id)
    ).all()


def cells_by_key(
    session: Session, assessment_id: str
) -> dict[tuple[str, str, str, str], AssessmentCell]:
    return {(c.alternative, c.area, c.grp, c.gender): c for c in cells(session, assessment_id)}
