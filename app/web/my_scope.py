"""The "only my scope" filter of the matrix: the rows (area × group) the person looks after.

A reviewer's scope is that of the review requirements their roles sign (the organisation's
workflow policy, for this template); anyone else's is the assessment's scope. Either way,
only cells inside the assessment's scope."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from app.assessments.service import AssessmentView
from app.auth.principal import Principal
from app.drafts.models import DecisionDraft
from app.workflow.policy import Scope
from app.workflow.store import policy_for

Covers = Callable[[str, str], bool]


def _scopes(
    session: Session, principal: Principal, draft: DecisionDraft, av: AssessmentView
) -> list[Scope]:
    """The scopes of the requirements this person may sign (their role in any organisation:
    a region's reviewers sign too)."""
    roles = {r for held in principal.roles.values() for r in held}
    key = av.template.key
    return [
        r.scope
        for r in policy_for(session, draft.organisation_id).requirements
        if r.role in roles and (not r.template_keys or key in r.template_keys)
    ]


def my_scope(
    session: Session, principal: Principal, draft: DecisionDraft, av: AssessmentView
) -> Covers:
    """Whether (area, group) is in the person's scope."""
    scopes = _scopes(session, principal, draft, av)

    def covers(area: str, group: str) -> bool:
        if not av.scope.covers(area, group):
            return False
        return not scopes or any(
            (not s.areas or area in s.areas) and (not s.groups or group in s.groups) for s in scopes
        )

    return covers
