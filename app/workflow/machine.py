"""Applying an organisation's policy: who may edit what now, and taking transitions."""

from __future__ import annotations

from sqlmodel import Session

from app.auth.permissions import effective_roles
from app.auth.principal import Principal
from app.core.errors import Forbidden, InvalidState, NotFound
from app.workflow import changes, listeners
from app.workflow.guards import GuardContext, failures
from app.workflow.policy import Part, Transition, WorkflowPolicy
from app.workflow.states import DraftStatus, Subject
from app.workflow.store import policy_for

PART_NAMES = {
    "draft": "the draft",
    "screening": "the screening",
    "cells": "the matrix",
    "texts": "the assessment texts",
}


def may_edit(session: Session, principal: Principal, draft: Subject, part: Part) -> bool:
    """Whether the caller's roles may edit `part` in the draft's current state."""
    policy = policy_for(session, draft.organisation_id)
    return policy.may_edit(draft.status, part, effective_roles(principal, draft.organisation_id))


def ensure_can_edit(session: Session, principal: Principal, draft: Subject, part: Part) -> None:
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


def _permitted(
    policy: WorkflowPolicy, principal: Principal, draft: Subject, name: str
) -> Transition:
    """The transition, when it exists, starts from the draft's state and the caller's role
    may take it; guards are not asked."""
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
    return transition


def take(
    session: Session,
    *,
    principal: Principal,
    draft: Subject,
    name: str,
    data: dict[str, object] | None = None,
) -> DraftStatus:
    """Take transition `name` if the caller's role allows it and every guard holds."""
    policy = policy_for(session, draft.organisation_id)
    transition = _permitted(policy, principal, draft, name)
    failed = failures(GuardContext(session, principal, draft, policy), list(transition.guards))
    if failed:
        messages = [message for _, message in failed]
        raise InvalidState(
            f"'{name}' is not possible yet: {'; '.join(messages)}",
            code="guard_failed",
            details={"failed": messages, "guards": [guard for guard, _ in failed]},
        )
    previous = draft.status
    draft.status = transition.to
    session.add(draft)
    session.flush()
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action=f"workflow.{name}",
        data={"from": previous.value, "to": transition.to.value, **(data or {})},
    )
    listeners.transitioned(
        session, draft=draft, actor=principal, name=name, previous=previous, to=transition.to
    )
    return transition.to


def allowed_transitions(session: Session, principal: Principal, draft: Subject) -> list[str]:
    """Transitions the caller's roles could take from the current state (guards not checked)."""
    policy = policy_for(session, draft.organisation_id)
    roles = effective_roles(principal, draft.organisation_id)
    return [
        t.name for t in policy.transitions if draft.status in t.from_states and set(t.roles) & roles
    ]
