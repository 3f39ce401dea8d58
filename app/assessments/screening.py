"""Screening a draft: the template's questions answered, the outcome and its reason recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.assessments import repository as repo
from app.assessments.models import Screening, ScreeningOutcome
from app.assessments.schemas import ScreeningIn
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import NotFound, Unprocessable
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.templates import service as templates
from app.templates.definition import TemplateDefinition
from app.templates.models import AssessmentTemplate
from app.workflow import changes, machine
from app.workflow.states import DraftStatus


@dataclass(frozen=True)
class ScreeningResult:
    screening: Screening
    matched_rule: str | None
    suggestions: list[AssessmentTemplate]


def _fill(
    screening: Screening,
    template_id: str,
    data: ScreeningIn,
    computed: ScreeningOutcome,
    outcome: ScreeningOutcome,
    suggestions: Sequence[AssessmentTemplate],
    principal: Principal,
) -> None:
    """The answers, both outcomes, the reason, the suggested matrices and who screened."""
    screening.template_id, screening.answers = template_id, dict(data.answers)
    screening.computed_outcome, screening.outcome, screening.reason = computed, outcome, data.reason
    screening.suggested_templates = [t.id for t in suggestions]
    screening.screened_by, screening.screened_at = principal.name, utcnow()


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
    machine.ensure_can_edit(session, principal, draft, "screening")
    template = templates.usable(
        session,
        principal=principal,
        template_id=data.template_id,
        organisation_id=draft.organisation_id,
        kind="screening",
    )
    definition = templates.definition_of(template)
    problems = answer_problems(definition, data.answers)
    if problems:
        raise Unprocessable("The answers do not fit the screening questions", details=problems)
    computed, matched_rule = evaluate(definition, data.answers)
    outcome = data.outcome or computed
    suggestions = suggested_templates(session, draft=draft, outcome=outcome)
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
    _fill(screening, template.id, data, computed, outcome, suggestions, principal)
    if draft.status is DraftStatus.draft:
        draft.status = DraftStatus.screening
    session.add_all([screening, draft])
    session.flush()
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action="draft.screened",
        data={
            "outcome": outcome.value,
            "computed_outcome": computed.value,
            "template": f"{template.key}@{template.version}",
        },
        event="draft.screened",
    )
    return ScreeningResult(screening, matched_rule, suggestions)


def get_screening(session: Session, *, principal: Principal, draft_id: str) -> ScreeningResult:
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    screening = repo.screening_of(session, draft.id)
    if screening is None:
        raise NotFound("The draft has not been screened")
    template = templates.get_any(session, screening.template_id)
    _, matched = evaluate(templates.definition_of(template), screening.answers)
    suggestions = [templates.get_any(session, t) for t in screening.suggested_templates]
    return ScreeningResult(screening, matched, suggestions)


def answer_problems(
    definition: TemplateDefinition, answers: dict[str, str]
) -> list[dict[str, str]]:
    """Answers to unknown questions, answers that are not options of their question, and
    questions that are asked for these answers but have none: a screening is complete."""
    problems = [
        {"question": q, "message": m} for q, m in definition.answer_problems(answers).items()
    ]
    return problems + [
        {"question": q, "message": "the question is not answered"}
        for q in definition.unanswered(answers)
    ]


def evaluate(
    definition: TemplateDefinition, answers: dict[str, str]
) -> tuple[ScreeningOutcome, str | None]:
    """The outcome the template's rules give, and the rule that gave it."""
    result = definition.evaluate_screening(answers)
    return ScreeningOutcome(result.outcome.value), result.matched_rule


def suggested_templates(
    session: Session, *, draft: DecisionDraft, outcome: ScreeningOutcome
) -> list[AssessmentTemplate]:
    """Published matrix templates whose applicability rules fit the draft and the outcome."""
    return [
        t
        for t in templates.published_matrices(session, draft.organisation_id)
        if templates.definition_of(t).suggest(
            decision_body=draft.decision_body,
            decision_type=draft.decision_type,
            budget_eur=draft.budget_eur,
            outcome=outcome.value,
        )
    ]
