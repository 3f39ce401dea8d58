"""Every query about screenings, assessments and cells."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, tuple_
from sqlmodel import Session, col, select

from app.assessments.models import Assessment, AssessmentCell, AssessmentState, Screening
from app.drafts.models import DecisionDraft


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


def cells_with_keys(
    session: Session, assessment_id: str, keys: Sequence[tuple[str, str, str, str]]
) -> dict[tuple[str, str, str, str], AssessmentCell]:
    """The stored cells among `keys` (the rest are not yet assessed)."""
    found: dict[tuple[str, str, str, str], AssessmentCell] = {}
    wanted = set(keys)
    for chunk in range(0, len(keys), 400):
        part = keys[chunk : chunk + 400]
        rows = session.exec(
            select(AssessmentCell).where(
                AssessmentCell.assessment_id == assessment_id,
                tuple_(
                    AssessmentCell.alternative,
                    AssessmentCell.area,
                    AssessmentCell.grp,
                    AssessmentCell.gender,
                ).in_(part),
            )
        ).all()
        found |= {(c.alternative, c.area, c.grp, c.gender): c for c in rows}
    return {k: v for k, v in found.items() if k in wanted}


# Built once: this runs on every matrix read, where building the statement would dominate.
_ACTIVE_OF_DRAFT = (
    select(DecisionDraft.organisation_id, Assessment.id, Assessment.version)
    .select_from(DecisionDraft)
    .outerjoin(
        Assessment,
        (col(Assessment.draft_id) == col(DecisionDraft.id))
        & (col(Assessment.state) == AssessmentState.active),
    )
    .where(col(DecisionDraft.id) == bindparam("draft_id"))
)


def active_of_draft(session: Session, draft_id: str) -> tuple[str, str | None, int | None] | None:
    """(organisation, active assessment id, its version) of a draft in one query, or None."""
    row = session.execute(_ACTIVE_OF_DRAFT, {"draft_id": draft_id}).first()
    return None if row is None else (row[0], row[1], row[2])
