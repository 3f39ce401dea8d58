"""The reviewer's inbox: drafts in review, across their organisations, that still need them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from app.auth.permissions import effective_roles
from app.auth.principal import Principal
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.reviews import service
from app.workflow.policy import Requirement
from app.workflow.states import DraftStatus
from app.workflow.store import policy_for


@dataclass(frozen=True)
class AwaitingItem:
    draft: DecisionDraft
    requirement: Requirement
    valid: int
    due_date: Any


def awaiting(session: Session, *, principal: Principal) -> list[AwaitingItem]:
    """Drafts in review, across every organisation the reviewer serves, that still need them."""
    readable = sorted(o for o in principal.organisation_ids if effective_roles(principal, o))
    in_review = drafts.in_state(session, readable, DraftStatus.in_review)
    items = []
    for draft in in_review:
        policy = policy_for(session, draft.organisation_id)
        for state in service.requirement_states(session, draft, policy):
            mine = any(s.reviewer_id == principal.id and state.is_valid(s) for s in state.signoffs)
            if (
                state.valid < state.requirement.count
                and not mine
                and service.may_review(session, principal, draft, state.requirement)
                and not (policy.separation_of_duties and draft.preparer_id == principal.id)
            ):
                due = (
                    (draft.updated_at + timedelta(days=state.requirement.due_days)).date()
                    if state.requirement.due_days
                    else None
                )
                items.append(AwaitingItem(draft, state.requirement, state.valid, due))
    return items
