"""Sign-offs bound to content, their staleness, review status and the reviewer's inbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.assessments import service as assessments
from app.assessments.models import Assessment
from app.assessments.shape import EVERYTHING
from app.auth.permissions import REVIEW, effective_roles, ensure
from app.auth.principal import Principal, PrincipalKind
from app.core.db import utcnow
from app.core.errors import (
    AppError,
    Forbidden,
    InvalidState,
    NotFound,
    PreconditionFailed,
    Unprocessable,
)
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft, DraftAlternative
from app.organisations import service as organisations
from app.reviews import comments
from app.reviews import repository as repo
from app.reviews import scope as scoping
from app.reviews.models import Decision, SignOff
from app.templates import service as templates
from app.templates.models import AssessmentTemplate
from app.workflow import changes, machine
from app.workflow.changes import Entity
from app.workflow.listeners import NOTHING_LOADED, Loaded
from app.workflow.policy import Requirement, WorkflowPolicy
from app.workflow.states import DraftStatus
from app.workflow.store import policy_for


@dataclass(frozen=True)
class RequirementState:
    requirement: Requirement
    content_hash: str
    content: dict[str, Any]
    signoffs: list[SignOff]
    valid: int

    def is_valid(self, signoff: SignOff) -> bool:
        return signoff.decision is Decision.approved and signoff.content_hash == self.content_hash


def applicable(policy: WorkflowPolicy, template_key: str | None) -> list[Requirement]:
    return [
        r
        for r in policy.requirements
        if not r.template_keys or (template_key is not None and template_key in r.template_keys)
    ]


def requirement_states(
    session: Session,
    draft: DecisionDraft,
    policy: WorkflowPolicy,
    loaded: Loaded = NOTHING_LOADED,
) -> list[RequirementState]:
    """Each applicable requirement with its current content hash and the sign-offs given for it
    (what the caller has `loaded` of the draft's content is used, not read again)."""
    assessment = (
        loaded.assessment
        if isinstance(loaded.assessment, Assessment)
        else assessments.active_assessment(session, draft.id)
    )
    template = (
        loaded.template
        if isinstance(loaded.template, AssessmentTemplate)
        else templates.get_any(session, assessment.template_id)
        if assessment
        else None
    )
    cells = assessments.cells_of(session, assessment.id) if assessment else []
    alternatives = [a for a in loaded.alternatives or () if isinstance(a, DraftAlternative)]
    if loaded.alternatives is None or len(alternatives) != len(loaded.alternatives):
        alternatives = drafts.alternatives(session, draft.id)
    cycle = assessment.cycle if assessment else assessments.cycle_of(session, draft.id)
    given = repo.signoffs(session, draft.id, cycle)
    states = []
    for requirement in applicable(policy, template.key if template else None):
        content = scoping.scope_content(
            draft=draft,
            alternatives=alternatives,
            template=template,
            cells=cells,
            scope=requirement.scope,
            matrix_scope=assessments.scope_of(assessment) if assessment else EVERYTHING,
        )
        digest = scoping.content_hash(content)
        mine = [s for s in given if s.requirement == requirement.key]
        latest = _latest_per_reviewer(mine)
        valid = sum(
            1
            for s in latest
            if s.decision is Decision.approved
            and s.content_hash == digest
            and not (policy.separation_of_duties and s.reviewer_id == draft.preparer_id)
        )
        states.append(RequirementState(requirement, digest, content, mine, valid))
    return states


def _latest_per_reviewer(signoffs: Sequence[SignOff]) -> list[SignOff]:
    latest: dict[str, SignOff] = {}
    for signoff in signoffs:
        latest[signoff.reviewer_id] = signoff
    return list(latest.values())


def may_review(
    session: Session, principal: Principal, draft: DecisionDraft, requirement: Requirement
) -> bool:
    if principal.kind is PrincipalKind.client:
        return bool(REVIEW.scopes & principal.scopes) and principal.sees(draft.organisation_id)
    if requirement.role not in effective_roles(principal, draft.organisation_id):
        return False
    if requirement.allow_region:
        return True
    return organisations.has_membership(
        session,
        user_id=principal.id,
        organisation_id=draft.organisation_id,
        role=requirement.role,
    )


def sign(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    requirement_key: str,
    decision: Decision,
    comment: str,
    content_hash: str,
) -> Signed:
    """Approve or request changes for exactly the content whose hash the reviewer saw."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ensure(principal, draft.organisation_id, REVIEW, "review drafts")
    # Same lock order as cell writes (assessment, then draft), so the two never deadlock.
    assessment = assessments.active_assessment(session, draft.id, lock=True)
    drafts.lock(session, draft)
    policy = policy_for(session, draft.organisation_id)
    refusal = _sign_refusal(principal, draft, policy)
    if refusal is not None:
        raise refusal
    state = _signable_state(session, principal, draft, policy, requirement_key)
    if content_hash != state.content_hash:
        raise PreconditionFailed(
            "The content changed after you read it; review the changes and sign again",
            details={
                "current_content_hash": state.content_hash,
                "changed_by": _last_content_writer(session, draft, state.requirement),
            },
        )
    signoff = _record_signoff(session, principal, draft, assessment, state, decision, comment)
    if decision is Decision.changes_requested:
        machine.take(
            session,
            principal=principal,
            draft=draft,
            name="request_changes",
            data={"signoff_id": signoff.id},
        )
    return Signed(signoff, draft, state)


def _record_signoff(
    session: Session,
    principal: Principal,
    draft: DecisionDraft,
    assessment: Assessment | None,
    state: RequirementState,
    decision: Decision,
    comment: str,
) -> SignOff:
    """Store the sign-off with the exact content it covers, audited and announced."""
    signoff = SignOff(
        draft_id=draft.id,
        organisation_id=draft.organisation_id,
        assessment_id=assessment.id if assessment else None,
        cycle=assessment.cycle if assessment else assessments.cycle_of(session, draft.id),
        requirement=state.requirement.key,
        reviewer_id=principal.id,
        reviewer_name=principal.name,
        role=state.requirement.role.value,
        decision=decision,
        comment=comment,
        content_hash=state.content_hash,
        content=state.content,
        template_id=(state.content["template"] or {}).get("id"),
        draft_version=draft.version,
        assessment_version=assessment.version if assessment else None,
    )
    session.add(signoff)
    if assessment is not None:  # read FOR UPDATE by `sign`: a concurrent write waits, sees it
        assessments.note_live_signoffs(session, assessment, live=True)
    session.flush()
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action=f"signoff.{decision.value}",
        entity=Entity("signoff", signoff.id, draft.version),
        data={
            "draft_id": draft.id,
            "requirement": state.requirement.key,
            "content_hash": signoff.content_hash,
        },
        event=f"signoff.{decision.value}",
    )
    return signoff


@dataclass(frozen=True)
class Signed:
    """A sign-off with the draft it moved and the requirement state it was given against (its
    content is what it covers, so the state still tells whether it counts)."""

    signoff: SignOff
    draft: DecisionDraft
    state: RequirementState


def _signable_state(
    session: Session,
    principal: Principal,
    draft: DecisionDraft,
    policy: WorkflowPolicy,
    requirement_key: str,
) -> RequirementState:
    """The requirement the caller signs for, when it applies and their role may sign it."""
    state = next(
        (
            s
            for s in requirement_states(session, draft, policy)
            if s.requirement.key == requirement_key
        ),
        None,
    )
    if state is None:
        raise Unprocessable(f"No review requirement '{requirement_key}' applies to this draft")
    if not may_review(session, principal, draft, state.requirement):
        raise Forbidden(
            f"Requirement '{requirement_key}' needs the role '{state.requirement.role.value}'"
        )
    return state


def _sign_refusal(
    principal: Principal, draft: DecisionDraft, policy: WorkflowPolicy
) -> AppError | None:
    """Why the caller cannot sign off this draft now, or None (who may sign, in one place)."""
    if not principal.may(draft.organisation_id, REVIEW):
        return Forbidden("Your role does not allow you to review drafts")
    if principal.kind is not PrincipalKind.user:
        return Forbidden("Sign-offs are given by people")
    if draft.status is not DraftStatus.in_review:
        return InvalidState(
            "Sign-offs are given while the draft is in review", code="not_in_review"
        )
    if policy.separation_of_duties and principal.id == draft.preparer_id:
        return Forbidden("The preparer cannot sign off their own draft")
    return None


@dataclass(frozen=True)
class ReviewActions:
    """What this principal may do on this draft's review now, as the services will judge it."""

    transitions: list[str]
    sign: bool
    comment: bool


def actions(session: Session, *, principal: Principal, draft: DecisionDraft) -> ReviewActions:
    """The actions available to the principal on the draft (guards are checked on taking)."""
    policy = policy_for(session, draft.organisation_id)
    return ReviewActions(
        transitions=machine.allowed_transitions(session, principal, draft),
        sign=_sign_refusal(principal, draft, policy) is None,
        comment=comments.may_comment(principal, draft),
    )


def _last_content_writer(
    session: Session, draft: DecisionDraft, requirement: Requirement
) -> str | None:
    """Who last changed content the requirement covers: the newest draft revision that changed
    the proposal or the alternatives, or the newest cell in scope, whichever came later."""
    writes: list[tuple[datetime, str]] = []
    previous: tuple[Any, Any] | None = None
    for revision in drafts.content_revisions(session, draft.id):
        covered = (revision.content.get("proposal"), revision.content.get("alternatives"))
        if covered != previous:
            writes.append((revision.created_at, revision.created_by))
        previous = covered
    assessment = assessments.active_assessment(session, draft.id)
    if assessment is not None:
        writes += [
            (cell.updated_at, cell.updated_by)
            for cell in assessments.cells_of(session, assessment.id)
            if scoping.in_scope(cell, requirement.scope)
        ]
    return max(writes)[1] if writes else draft.updated_by


def refresh_staleness(
    session: Session, *, draft: DecisionDraft, actor: Principal, loaded: Loaded = NOTHING_LOADED
) -> list[SignOff]:
    """Mark sign-offs whose covered content changed; they stay visible and stop counting."""
    live = loaded.live_signoffs
    if not (repo.has_live_signoff(session, draft.id) if live is None else live):
        return []
    policy = policy_for(session, draft.organisation_id)
    states = requirement_states(session, draft, policy, loaded)
    newly_stale = []
    for state in states:
        for signoff in state.signoffs:
            if signoff.stale_at is None and signoff.content_hash != state.content_hash:
                signoff.stale_at = utcnow()
                session.add(signoff)
                newly_stale.append(signoff)
    if newly_stale:
        session.flush()
        for signoff in newly_stale:
            changes.record(
                session,
                actor=actor,
                draft=draft,
                action="signoff.stale",
                entity=Entity("signoff", signoff.id, draft.version),
                data={"draft_id": draft.id},
            )
        changes.emit(session, draft=draft, event="signoff.stale")
    if live and isinstance(loaded.assessment, Assessment):
        _forget_when_none_live(session, draft, loaded.assessment, states)
    return newly_stale


def _forget_when_none_live(
    session: Session, draft: DecisionDraft, assessment: Assessment, states: list[RequirementState]
) -> None:
    """Clear the assessment's live sign-off flag once no sign-off of the draft is live (the
    writer that claimed the assessment holds its row lock, as every sign-off giver must)."""
    if any(s.stale_at is None for state in states for s in state.signoffs):
        return
    if not repo.has_live_signoff(session, draft.id):
        assessments.note_live_signoffs(session, assessment, live=False)


def status(
    session: Session, *, principal: Principal, draft_id: str
) -> tuple[DecisionDraft, list[RequirementState]]:
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    return draft, requirement_states(session, draft, policy_for(session, draft.organisation_id))


@dataclass(frozen=True)
class SignOffDiff:
    """A sign-off, what changed in its scope since, and its requirement's state now (None for
    a sign-off of an earlier cycle)."""

    draft: DecisionDraft
    signoff: SignOff
    changes: list[dict[str, Any]]
    state: RequirementState | None


def signoff_diff(
    session: Session, *, principal: Principal, draft_id: str, signoff_id: str
) -> SignOffDiff:
    """What changed in the sign-off's scope since it was given."""
    draft, states = status(session, principal=principal, draft_id=draft_id)
    for state in states:
        for signoff in state.signoffs:
            if signoff.id == signoff_id:
                changes = scoping.diff(signoff.content, state.content)
                return SignOffDiff(draft, signoff, changes, state)
    earlier = repo.signoff(session, signoff_id)
    if earlier is None or earlier.draft_id != draft.id:
        raise NotFound("Sign-off not found")
    current = next((s for s in states if s.requirement.key == earlier.requirement), None)
    return SignOffDiff(draft, earlier, [], current)


def transition(
    session: Session, *, principal: Principal, draft_id: str, name: str, expected_version: int
) -> DecisionDraft:
    """Take a workflow transition on the draft the caller read (If-Match)."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    drafts.claim(session, draft, expected_version, principal)
    machine.take(session, principal=principal, draft=draft, name=name)
    event = {"submit_for_review": "review.requested", "approve": "draft.approved"}.get(name)
    if event:
        changes.emit(session, draft=draft, event=event)
    return draft
