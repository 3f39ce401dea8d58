"""Screening a draft: the template's questions answered, the outcome and its reason recorded."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.assessments import repository as repo
from app.assessments.models import Screening
from app.assessments.schemas import ScreeningIn
from app.audit import service as audit
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import NotFound, Unprocessable
from app.drafts import service as drafts
from app.drafts.models import DraftStatus
from app.integrations import events
from app.reviews import workflow
from app.templates import service as templates
from app.templates.models import AssessmentTemplate


@dataclass(frozen=True)
class ScreeningResult:
    screening: Screening
    matched_rule: str | None
    suggestions: list[AssessmentTemplate]


def record_screening(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    expected_version: int,
    data: ScreeningIn,
) -> ScreeningResult:
    """Answer the screening questions; the outcome and its reason are recorded."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    workflow.ensure_can_edit(session, principal, draft, "screening")
    template = templates.usable(
        session,
        principal=principal,
        template_id=data.template_id,
        organisation_id=draft.organisation_id,
        kind="screening",
    )
    definition = templates.definition_of(template)
    problems = templates.screening_answer_problems(definition, data.answers)
    if problems:
        raise Unprocessable("The answers do not fit the screening questions", details=problems)
    computed, matched_rule = templates.evaluate_screening(definition, data.answers)
    outcome = data.outcome or computed
    suggestions = templates.suggestions(session, principal=principal, draft=draft, outcome=outcome)
    drafts.claim(session, draft, expected_version, principal)
    screening = repo.screening_of(session, draft.id) or Screening(
        draft_id=draft.id,
        template_id=template.id,
        answers={},
        computed_outcome=computed,
        outcome=outcome,
        reason="",
        suggested_templates=[],
        screened_by="",
    )
    screening.template_id, screening.answers = template.id, dict(data.answers)
    screening.computed_outcome, screening.outcome, screening.reason = computed, outcome, data.reason
    screening.suggested_templates = [t.id for t in suggestions]
    screening.screened_by, screening.screened_at = principal.name, utcnow()
    if draft.status is DraftStatus.draft:
        draft.status = DraftStatus.screening
    session.add_all([screening, draft])
    session.flush()
    audit.record(
        session,
        actor=principal,
        action="draft.screened",
        entity_type="draft",
        entity_id=draft.id,
        organisation_id=draft.organisation_id,
        version=draft.version,
        data={
            "outcome": outcome.value,
            "computed_outcome": computed.value,
            "template": f"{template.key}@{template.version}",
        },
    )
    events.emit(
        session,
        organisation_id=draft.organisation_id,
        event="draft.screened",
        resource="draft",
        resource_id=draft.id,
        version=draft.version,
    )
    return ScreeningResult(screening, matched_rule, suggestions)


def get_screening(session: Session, *, principal: Principal, draft_id: str) -> ScreeningResult:
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    screening = repo.screening_of(session, draft.id)
    if screening is None:
        raise NotFound("The draft has not been screened")
    template = templates.get_any(session, screening.template_id)
    _, matched = templates.evaluate_screening(templates.definition_of(template), screening.answers)
    suggestions = [templates.get_any(session, t) for t in screening.suggested_templates]
    return ScreeningResult(screening, matched, suggestions)
