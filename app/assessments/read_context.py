"""The matrix and summary reads as one pool-thread call: the caller, the route's scope gate,
the draft's visibility and active assessment from one query, then the body (from the cache,
or rendered with the same session) unless If-None-Match names the version.

A person with a token of ours is read in the same statement as the draft (their row beside
the draft's organisation and active assessment), so such a read costs one round trip; the
session epoch, the active flag and the access version are still read on every request. Any
other caller (an API client, an external identity) is resolved as usual, then the draft.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam
from sqlmodel import Session, col

from app.assessments import reads, service
from app.assessments import repository as repo
from app.assessments.models import Assessment, AssessmentState
from app.auth.dependencies import bearer_claims, gating
from app.auth.permissions import READ_DRAFTS, ensure_holds
from app.auth.principal import Principal
from app.auth.service import UserAccess, person_beside, person_of, principal_with
from app.core.body_cache import accepts_gzip
from app.core.db import run_core
from app.core.request_session import read_alone, reads_in_place
from app.core.versioning import etag, names_tag
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
# reads.rendered_assessment or reads.rendered_summary, and their kept_* counterparts
Render = Callable[..., reads.Rendered]
Kept = Callable[..., reads.Rendered | None]


@dataclass(frozen=True)
class ActiveRead:
    """Who reads, the version of the draft's active assessment they may read, and its body
    (None when the caller's If-None-Match names that version: 304)."""

    principal: Principal
    assessment_id: str
    version: int
    rendered: reads.Rendered | None


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


def reading(render: Render, kept: Kept) -> Callable[[Request, str], Awaitable[ActiveRead]]:
    """The gate and the body of a read of the draft's active assessment: 401 without a valid,
    current token; 403 without the read scope (before anything else); then 404/403 as
    `service.visible_active`; then the body of the version read: `kept` when the cache holds
    it, else `render`ed (patched or whole) with a session whose statements run alone
    (`read_alone`). Where light reads run in place (`reads_in_place`: SQLite) the gate and a
    kept body cost no pool-thread call and only a render takes one; elsewhere the gate and
    the body are one pool-thread call, cached or not."""

    async def read(request: Request, draft_id: str) -> ActiveRead:
        claims = bearer_claims(request)
        ctx = request.app.state.security
        if_none_match = request.headers.get("if-none-match")
        gzipped = accepts_gzip(request.headers.get("accept-encoding"))

        def gate(session: Session) -> tuple[Principal, reads.Active]:
            principal, found = principal_with(
                session,
                ctx,
                claims,
                user_and=lambda user_id: _person_and_active(session, user_id, draft_id),
                alone=lambda: repo.active_of_draft(session, draft_id),
            )
            request.state.principal = principal
            ensure_holds(principal, READ_DRAFTS)
            return principal, service.active_seen_by(principal, found)

        def in_turn(session: Session) -> ActiveRead:
            principal, active = gate(session)
            if names_tag(if_none_match, etag(active[1])):
                return ActiveRead(principal, *active, None)
            return ActiveRead(principal, *active, render(session, active, gzipped=gzipped))

        if not reads_in_place():
            return await read_alone(request, in_turn)
        principal, active = await read_alone(request, gate, light=True)
        if names_tag(if_none_match, etag(active[1])):
            return ActiveRead(principal, *active, None)
        rendered = kept(active, gzipped=gzipped) or await read_alone(
            request, lambda session: render(session, active, gzipped=gzipped)
        )
        return ActiveRead(principal, *active, rendered)

    return read


# Each read's gate (for its route's `dependencies`, documented as RequireScope's) and the
# same dependency as its parameter (solved once per request).
_MATRIX = reading(reads.rendered_assessment, reads.kept_assessment)
MATRIX_GATE = gating(_MATRIX, READ_DRAFTS)
MatrixReading = Annotated[ActiveRead, Depends(_MATRIX)]
_SUMMARY = reading(reads.rendered_summary, reads.kept_summary)
SUMMARY_GATE = gating(_SUMMARY, READ_DRAFTS)
SummaryReading = Annotated[ActiveRead, Depends(_SUMMARY)]
