"""Meetings API for secretaries."""

from __future__ import annotations

from fastapi import APIRouter

from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import READ_DRAFTS, RECORD_MEETING
from app.auth.principal import Principal
from app.core.errors import error_responses
from app.core.idempotency import IDEMPOTENT, CapturingRoute
from app.core.versioning import VERSIONED_WRITE_ERRORS, Versioned, VersionedWrite
from app.drafts import service as drafts
from app.meetings import service
from app.meetings.schemas import MeetingAttach, MeetingRead, OutcomeRecord

router = APIRouter(
    prefix="/api/v1/drafts/{draft_id}", tags=["meetings"], route_class=CapturingRoute
)


def _answer(
    write: VersionedWrite[int], session: DbSession, principal: Principal, draft_id: str
) -> None:
    """The draft's ETag after the change (read with the caller's visibility, as every read)."""
    write.answer(drafts.visible_draft(session, principal=principal, draft_id=draft_id).version)


@router.get(
    "/meetings",
    response_model=list[MeetingRead],
    summary="List a draft's meeting items",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def list_meetings(
    draft_id: str, session: DbSession, principal: CurrentPrincipal
) -> list[MeetingRead]:
    """Agenda items the annex was attached to, with their outcomes."""
    return [
        MeetingRead.model_validate(i)
        for i in service.list_items(session, principal=principal, draft_id=draft_id)
    ]


@router.post(
    "/meetings",
    status_code=201,
    response_model=MeetingRead,
    summary="Attach the annex to a meeting",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(RECORD_MEETING), *IDEMPOTENT],
)
def attach(
    draft_id: str,
    data: MeetingAttach,
    session: DbSession,
    principal: CurrentPrincipal,
    write: Versioned,
) -> MeetingRead:
    """The secretary puts the issued annex on an agenda item (If-Match: the draft ETag)."""
    item = service.attach(
        session, principal=principal, draft_id=draft_id, expected_version=write.expected, data=data
    )
    _answer(write, session, principal, draft_id)
    return MeetingRead.model_validate(item)


@router.post(
    "/outcome",
    response_model=MeetingRead,
    summary="Record the meeting outcome",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(RECORD_MEETING), *IDEMPOTENT],
)
def record_outcome(
    draft_id: str,
    data: OutcomeRecord,
    session: DbSession,
    principal: CurrentPrincipal,
    write: Versioned,
) -> MeetingRead:
    """Passed, rejected, noted, returned to preparation (new cycle), tabled (version frozen) …"""
    item = service.record_outcome(
        session, principal=principal, draft_id=draft_id, expected_version=write.expected, data=data
    )
    _answer(write, session, principal, draft_id)
    return MeetingRead.model_validate(item)
