"""The request context of the matrix and summary reads: the caller, the route's scope gate
and the draft's visibility and active assessment, from one query in one pool-thread call.

A person with a token of ours is read in the same statement as the draft (their row beside
the draft's organisation and active assessment), so such a read costs one round trip; the
session epoch, the active flag and the access version are still read on every request. Any
other caller (an API client, an external identity) is resolved as usual, then the draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam
from sqlmodel import Session, col

from app.assessments import repository as repo
from app.assessments import service
from app.assessments.models import Assessment, AssessmentState
from app.auth.dependencies import bearer_claims, gating
from app.auth.permissions import READ_DRAFTS, ensure_holds
from app.auth.principal import Principal
from app.auth.service import UserAccess, person_beside, person_of, principal_with
from app.core.db import read_alone, run_core
from app.drafts.models import DecisionDraft

# The person's row and, beside it, what repo.active_of_draft reads (NULLs when the draft is
# not there): built once, as this runs on every matrix and summary read.
_PERSON_AND_ACTIVE = (
    person_beside(col(DecisionDraft.organisation_id), col(Assessment.id), col(Assessment.version))
    .outerjoin(DecisionDraft, col(DecisionDraft.id) == bindparam("draft_id"))
    .outerjoin(
        Assessment,
        (col(Assessment.draft_id) == col(DecisionDraft.id))
        & (col(Assessment.state) == AssessmentState.active),
    )
)

Active = tuple[str, str | None, int | None] | None


@dataclass(frozen=True)
class ActiveRead:
    """Who reads, and the version of the draft's active assessment they may read."""

    principal: Principal
    assessment_id: str
    version: int


def _person_and_active(
    session: Session, user_id: str, draft_id: str
) -> tuple[UserAccess | None, Active]:
    row = run_core(session, _PERSON_AND_ACTIVE, {"user_id": user_id, "draft_id": draft_id}).first()
    if row is None:
        return None, None
    person, (organisation_id, assessment_id, version) = person_of(row)
    if organisation_id is None:
        return person, None
    return person, (str(organisation_id), assessment_id, version)


async def active_read(request: Request, draft_id: str) -> ActiveRead:
    """401 without a valid, current token; 403 without the read scope (before anything
    else); then 404/403 as `service.visible_active`. The caller and the draft are read in
    one pool-thread call with a session of its own (`read_alone`), so a cached answer needs
    no other pool-thread call and no request session."""
    claims = bearer_claims(request)
    ctx = request.app.state.security

    def read(session: Session) -> tuple[Principal, Active]:
        return principal_with(
            session,
            ctx,
            claims,
            user_and=lambda user_id: _person_and_active(session, user_id, draft_id),
            alone=lambda: repo.active_of_draft(session, draft_id),
        )

    principal, found = await read_alone(request, read)
    request.state.principal = principal
    ensure_holds(principal, READ_DRAFTS)
    assessment_id, version = service.active_seen_by(principal, found)
    return ActiveRead(principal, assessment_id, version)


# The gate of the matrix and summary reads, in place of RequireScope(READ_DRAFTS).
READ_GATE = gating(active_read, READ_DRAFTS)
CurrentRead = Annotated[ActiveRead, Depends(active_read)]
