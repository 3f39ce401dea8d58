"""A new review cycle: a draft returned to preparation carries its assessment forward."""

from __future__ import annotations

from sqlmodel import Session

from app.assessments import repository as repo
from app.assessments.models import Assessment, AssessmentCell, AssessmentState
from app.assessments.service import entity_of
from app.auth.principal import Principal
from app.drafts.models import DecisionDraft
from app.workflow import changes


def new_cycle(session: Session, *, principal: Principal, draft: DecisionDraft) -> bool:
    """Keep the active assessment as the previous one and carry it into a new cycle (a draft
    returned to preparation); False when the draft had no assessment."""
    previous = repo.active_assessment(session, draft.id)
    if previous is None:
        return False
    previous.state = AssessmentState.previous
    session.add(previous)
    session.flush()
    fresh = Assessment(
        draft_id=draft.id,
        organisation_id=draft.organisation_id,
        template_id=previous.template_id,
        cycle=previous.cycle + 1,
        mitigation=previous.mitigation,
        comparison=previous.comparison,
        recommended_alternative=previous.recommended_alternative,
        participation=previous.participation,
        statements=previous.statements,
        sources=previous.sources,
        indicators=previous.indicators,
        updated_by=principal.name,
    )
    session.add(fresh)
    session.flush()
    for cell in repo.cells(session, previous.id):
        session.add(
            AssessmentCell(
                **cell.model_dump(exclude={"id", "assessment_id", "written_version"}),
                assessment_id=fresh.id,
                written_version=fresh.version,
            )
        )
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action="assessment.new_cycle",
        entity=entity_of(fresh),
        data={"draft_id": draft.id, "previous_assessment_id": previous.id, "cycle": fresh.cycle},
    )
    return True
