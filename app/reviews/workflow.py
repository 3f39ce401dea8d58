"""Applying an organisation's policy: who may edit what now, and taking transitions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.assessments import repository as assessment_repo
from app.assessments.models import ScreeningOutcome
from app.audit import service as audit
from app.auth.permissions import effective_roles
from app.auth.principal import Principal
from app.core.errors import Forbidden, InvalidState, NotFound
from app.drafts.models import DecisionDraft, DraftStatus
from app.reviews.models import PolicyRecord
from app.reviews.policy import DEFAULT_POLICY, Guard, Part, WorkflowPolicy

PART_NAMES = {
    "draft": "the draft",
    "screening": "the screening",
    "cells": "the matrix",
    "texts": "the assessment texts",
}


_POLICY_OF = select(PolicyRecord.version, PolicyRecord.policy).where(
    col(PolicyRecord.organisation_id) == bindparam("organisation_id")
)
_PARSED: dict[tuple[str, int], WorkflowPolicy] = {}


def policy_for(session: Session, organisation_id: str) -> WorkflowPolicy:
    """The organisation's policy, or the default one (parsed once per version)."""
    row = session.execute(_POLICY_OF, {"organisation_id": organisation_id}).first()
    if row is None:
        return DEFAULT_POLICY
    key = (organisation_id, row[0])
    if key not in _PARSED:
        if len(_PARSED) > 1000:
            _PARSED.clear()
        _PARSED[key] = WorkflowPolicy.model_validate(row[1])
    return _PARSED[key]


def may_edit(session: Session, principal: Principal, draft: DecisionDraft, part: Part) -> bool:
    """Whether the caller's roles may edit `part` in the draft's current state."""
    policy = policy_for(session, draft.organisation_id)
    return policy.may_edit(draft.status, part, effective_roles(principal, draft.organisation_id))


def ensure_can_edit(
    session: Session, principal: Principal, draft: DecisionDraft, part: Part
) -> None:
    """403 when the caller's roles may not edit `part` in the draft's current state."""
    policy = policy_for(session, draft.organisation_id)
    if not policy.may_edit(draft.status, part, effective_roles(principal, draft.organisation_id)):
        if not any(policy.edit.get(draft.status, {}).get(part, [])):
            raise InvalidState(
                f"{PART_NAMES[part].capitalize()} cannot be changed while the draft is "
                f"'{draft.status.value}'",
                code="draft_not_editable",
            )
        raise Forbidden(
            f"Your role may not change {PART_NAMES[part]} while the draft is '{draft.status.value}'"
        )


@dataclass(frozen=True)
class GuardContext:
    session: Session
    principal: Principal
    draft: DecisionDraft
    policy: WorkflowPolicy


def _screening_done(ctx: GuardContext) -> str | None:
    screening = assessment_repo.screening_of(ctx.session, ctx.draft.id)
    return (
        None
        if screening and screening.reason.strip()
        else "the screening with its reason is missing"
    )


def _needs_matrix(ctx: GuardContext) -> bool:
    screening = assessment_repo.screening_of(ctx.session, ctx.draft.id)
    return screening is not None and screening.outcome is not ScreeningOutcome.not_needed


def _matrix_summary(ctx: GuardContext):  # type: ignore[no-untyped-def]
    from app.assessments import service as assessments

    view = assessments.get_assessment(ctx.session, principal=ctx.principal, draft_id=ctx.draft.id)
    return assessments.summary_of(view)


def _matrix_complete(ctx: GuardContext) -> str | None:
    if not _needs_matrix(ctx):
        return None
    if assessment_repo.active_assessment(ctx.session, ctx.draft.id) is None:
        return "the assessment has not been started"
    missing = _matrix_summary(ctx).total.not_assessed
    return f"{missing} cells are not yet assessed" if missing else None


def _justifications_present(ctx: GuardContext) -> str | None:
    if (
        not _needs_matrix(ctx)
        or assessment_repo.active_assessment(ctx.session, ctx.draft.id) is None
    ):
        return None
    missing = len(_matrix_summary(ctx).missing_justification)
    return f"{missing} non-neutral cells lack a justification" if missing else None


def _signoffs_valid(ctx: GuardContext) -> str | None:
    from app.reviews import service as reviews

    unmet = [
        r.requirement.key
        for r in reviews.requirement_states(ctx.session, ctx.draft, ctx.policy)
        if r.valid < r.requirement.count
    ]
    return f"required sign-offs missing: {', '.join(unmet)}" if unmet else None


def _not_own_draft(ctx: GuardContext) -> str | None:
    if ctx.policy.separation_of_duties and ctx.principal.id == ctx.draft.preparer_id:
        return "the preparer cannot approve their own draft"
    return None


GUARDS: dict[Guard, Callable[[GuardContext], str | None]] = {
    "screening_done": _screening_done,
    "matrix_complete": _matrix_complete,
    "justifications_present": _justifications_present,
    "signoffs_valid": _signoffs_valid,
    "not_own_draft": _not_own_draft,
}


def take(
    session: Session,
    *,
    principal: Principal,
    draft: DecisionDraft,
    name: str,
    data: dict[str, object] | None = None,
) -> DraftStatus:
    """Take transition `name` if the caller's role allows it and every guard holds."""
    policy = policy_for(session, draft.organisation_id)
    transition = policy.transition(name)
    if transition is None:
        raise NotFound(f"No transition '{name}' in this organisation's workflow")
    if draft.status not in transition.from_states:
        raise InvalidState(
            f"'{name}' is not possible while the draft is '{draft.status.value}'",
            code="transition_not_allowed",
            details={
                "state": draft.status.value,
                "from_states": [s.value for s in transition.from_states],
            },
        )
    if not set(transition.roles) & effective_roles(principal, draft.organisation_id):
        raise Forbidden(f"Your role may not take '{name}'")
    ctx = GuardContext(session, principal, draft, policy)
    failed = [message for guard in transition.guards if (message := GUARDS[guard](ctx))]
    if failed:
        raise InvalidState(
            f"'{name}' is not possible yet: {'; '.join(failed)}",
            code="guard_failed",
            details={"failed": failed},
        )
    previous = draft.status
    draft.status = transition.to
    session.add(draft)
    session.flush()
    audit.record(
        session,
        actor=principal,
        action=f"workflow.{name}",
        entity_type="draft",
        entity_id=draft.id,
        organisation_id=draft.organisation_id,
        version=draft.version,
        data={"from": previous.value, "to": transition.to.value, **(data or {})},
    )
    return transition.to


def allowed_transitions(session: Session, principal: Principal, draft: DecisionDraft) -> list[str]:
    """Transitions the caller's roles could take from the current state (guards not checked)."""
    policy = policy_for(session, draft.organisation_id)
    roles = effective_roles(principal, draft.organisation_id)
    return [
        t.name for t in policy.transitions if draft.status in t.from_states and set(t.roles) & roles
    ]
