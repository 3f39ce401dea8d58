"""Review status, sign-offs, transitions, comments, the reviewer's inbox and policies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.audit.schemas import AuditEntryRead
from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import ADMINISTER, COMMENT, READ_DRAFTS, REVIEW, TAKE_TRANSITIONS
from app.core.errors import error_responses
from app.core.idempotency import IDEMPOTENT, CapturingRoute
from app.core.versioning import VERSIONED_WRITE_ERRORS, Versioned, set_etag
from app.reviews import comments as comment_service
from app.reviews import history, inbox, service
from app.reviews.models import Comment, SignOff
from app.reviews.schemas import (
    AwaitingRead,
    CommentCreate,
    CommentRead,
    DiffRead,
    PolicyRead,
    PolicyWrite,
    RequirementRead,
    ReviewStatusRead,
    SignOffCreate,
    SignOffRead,
    SignOffResult,
    TransitionResult,
)
from app.workflow import machine, store

router = APIRouter(prefix="/api/v1", tags=["reviews"], route_class=CapturingRoute)
TransitionName = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,40}$")]


def _signoff_read(signoff: SignOff, state: service.RequirementState | None) -> SignOffRead:
    counts = state is not None and state.is_valid(signoff)
    stale = state is not None and signoff.content_hash != state.content_hash
    return SignOffRead(
        id=signoff.id,
        requirement=signoff.requirement,
        reviewer_id=signoff.reviewer_id,
        reviewer_name=signoff.reviewer_name,
        role=signoff.role,
        decision=signoff.decision,
        comment=signoff.comment,
        content_hash=signoff.content_hash,
        draft_version=signoff.draft_version,
        assessment_version=signoff.assessment_version,
        cycle=signoff.cycle,
        created_at=signoff.created_at,
        stale=stale,
        counts=counts,
    )


@router.get(
    "/drafts/{draft_id}/review",
    response_model=ReviewStatusRead,
    summary="Review status",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def review_status(
    draft_id: str, session: DbSession, principal: CurrentPrincipal, response: Response
) -> ReviewStatusRead:
    """Requirements with their content hashes, sign-offs (stale ones marked), n of m progress."""
    draft, states = service.status(session, principal=principal, draft_id=draft_id)
    set_etag(response, draft.version)
    requirements = [
        RequirementRead(
            key=s.requirement.key,
            role=s.requirement.role.value,
            count=s.requirement.count,
            valid=s.valid,
            scope=s.requirement.scope.model_dump(),
            template_keys=s.requirement.template_keys,
            content_hash=s.content_hash,
            signoffs=[_signoff_read(x, s) for x in s.signoffs],
        )
        for s in states
    ]
    return ReviewStatusRead(
        draft_id=draft.id,
        status=draft.status,
        version=draft.version,
        requirements=requirements,
        approved_requirements=sum(1 for s in states if s.valid >= s.requirement.count),
        total_requirements=len(states),
        open_comments=len(comment_service.open_comments(session, draft.id)),
        allowed_transitions=machine.allowed_transitions(session, principal, draft),
    )


@router.post(
    "/drafts/{draft_id}/signoffs",
    status_code=201,
    response_model=SignOffResult,
    summary="Sign off or request changes",
    responses=error_responses(401, 403, 404, 409, 412, 422),
    dependencies=[RequireScope(REVIEW), *IDEMPOTENT],
)
def sign_off(
    draft_id: str, data: SignOffCreate, session: DbSession, principal: CurrentPrincipal
) -> SignOffResult:
    """Bound to the content hash you read; 412 when the content changed since."""
    signed = service.sign(
        session,
        principal=principal,
        draft_id=draft_id,
        requirement_key=data.requirement,
        decision=data.decision,
        comment=data.comment,
        content_hash=data.content_hash,
    )
    open_items = comment_service.open_comments(session, signed.draft.id)
    return SignOffResult(
        signoff=_signoff_read(signed.signoff, signed.state),
        status=signed.draft.status,
        open_comments=[CommentRead.model_validate(c) for c in open_items],
    )


@router.get(
    "/drafts/{draft_id}/signoffs/{signoff_id}/diff",
    response_model=DiffRead,
    summary="What changed since a sign-off",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def signoff_diff(
    draft_id: str, signoff_id: str, session: DbSession, principal: CurrentPrincipal
) -> DiffRead:
    """The changes inside the sign-off's scope since it was given."""
    found = service.signoff_diff(
        session, principal=principal, draft_id=draft_id, signoff_id=signoff_id
    )
    return DiffRead(signoff=_signoff_read(found.signoff, found.state), changes=found.changes)


@router.post(
    "/drafts/{draft_id}/transitions/{name}",
    response_model=TransitionResult,
    summary="Take a workflow transition",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(TAKE_TRANSITIONS), *IDEMPOTENT],
)
def take_transition(
    draft_id: str,
    name: TransitionName,
    session: DbSession,
    principal: CurrentPrincipal,
    write: Versioned,
) -> TransitionResult:
    """E.g. submit_for_review, approve, withdraw, reopen; guards are checked."""
    draft = service.transition(
        session, principal=principal, draft_id=draft_id, name=name, expected_version=write.expected
    )
    write.answer(draft.version)
    return TransitionResult(draft_id=draft.id, status=draft.status, version=draft.version)


@router.get(
    "/reviews/awaiting",
    response_model=list[AwaitingRead],
    summary="Awaiting my review",
    responses=error_responses(401),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def awaiting(session: DbSession, principal: CurrentPrincipal) -> list[AwaitingRead]:
    """Drafts in review across every organisation the caller serves, with n of m progress."""
    return [
        AwaitingRead(
            draft_id=i.draft.id,
            organisation_id=i.draft.organisation_id,
            title=i.draft.title,
            requirement=i.requirement.key,
            progress=f"{i.valid} of {i.requirement.count}",
            valid=i.valid,
            required=i.requirement.count,
            due_date=i.due_date,
        )
        for i in inbox.awaiting(session, principal=principal)
    ]


@router.get(
    "/drafts/{draft_id}/comments",
    response_model=list[CommentRead],
    summary="List comments",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def list_comments(
    draft_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    open_only: Annotated[bool, Query(alias="open")] = False,
) -> list[CommentRead]:
    """Comments and replies in order."""
    items = comment_service.list_comments(
        session, principal=principal, draft_id=draft_id, only_open=open_only
    )
    return [CommentRead.model_validate(c) for c in items]


@router.post(
    "/drafts/{draft_id}/comments",
    status_code=201,
    response_model=CommentRead,
    summary="Comment",
    responses=error_responses(401, 403, 404, 422),
    dependencies=[RequireScope(COMMENT), *IDEMPOTENT],
)
def add_comment(
    draft_id: str, data: CommentCreate, session: DbSession, principal: CurrentPrincipal
) -> CommentRead:
    """Comment on a section or a cell, or reply to a comment."""
    return CommentRead.model_validate(
        comment_service.add(session, principal=principal, draft_id=draft_id, data=data)
    )


def _resolve(
    session: DbSession, principal: CurrentPrincipal, draft_id: str, comment_id: str, resolved: bool
) -> Comment:
    return comment_service.set_resolved(
        session, principal=principal, draft_id=draft_id, comment_id=comment_id, resolved=resolved
    )


@router.post(
    "/drafts/{draft_id}/comments/{comment_id}/resolve",
    response_model=CommentRead,
    summary="Resolve a comment",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(COMMENT), *IDEMPOTENT],
)
def resolve_comment(
    draft_id: str, comment_id: str, session: DbSession, principal: CurrentPrincipal
) -> CommentRead:
    """Mark the thread resolved."""
    return CommentRead.model_validate(_resolve(session, principal, draft_id, comment_id, True))


@router.post(
    "/drafts/{draft_id}/comments/{comment_id}/reopen",
    response_model=CommentRead,
    summary="Reopen a comment",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(COMMENT), *IDEMPOTENT],
)
def reopen_comment(
    draft_id: str, comment_id: str, session: DbSession, principal: CurrentPrincipal
) -> CommentRead:
    """Open the thread again."""
    return CommentRead.model_validate(_resolve(session, principal, draft_id, comment_id, False))


@router.get(
    "/drafts/{draft_id}/history",
    response_model=list[AuditEntryRead],
    summary="Draft timeline",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def draft_history(
    draft_id: str, session: DbSession, principal: CurrentPrincipal
) -> list[AuditEntryRead]:
    """Every change, transition, sign-off and comment of the draft, in order."""
    return [
        AuditEntryRead.model_validate(e)
        for e in history.timeline(session, principal=principal, draft_id=draft_id)
    ]


@router.get(
    "/organisations/{organisation_id}/policy",
    response_model=PolicyRead,
    summary="Get the workflow policy",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def get_policy(
    organisation_id: str, session: DbSession, principal: CurrentPrincipal, response: Response
) -> PolicyRead:
    """The organisation's workflow; version 0 means the shipped default."""
    record, policy = store.get(session, principal=principal, organisation_id=organisation_id)
    set_etag(response, record.version if record else 0)
    return PolicyRead(
        organisation_id=organisation_id,
        version=record.version if record else 0,
        is_default=record is None,
        policy=policy,
    )


@router.put(
    "/organisations/{organisation_id}/policy",
    response_model=PolicyRead,
    summary="Replace the workflow policy",
    responses=error_responses(401, 403, 404, 412, 422, 428),
    dependencies=[RequireScope(ADMINISTER)],
)
def put_policy(
    organisation_id: str,
    data: PolicyWrite,
    session: DbSession,
    principal: CurrentPrincipal,
    write: Versioned,
) -> PolicyRead:
    """Validated before it is saved: approved must be reachable, every transition has a role."""
    record = store.put(
        session,
        principal=principal,
        organisation_id=organisation_id,
        expected_version=write.expected,
        policy=data.policy,
    )
    write.answer(record.version)
    return PolicyRead(
        organisation_id=organisation_id,
        version=record.version,
        is_default=False,
        policy=data.policy,
    )
