"""Decision drafts API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import EDIT_DRAFTS, READ_DRAFTS, WRITE_DRAFTS
from app.core.errors import error_responses
from app.core.idempotency import IDEMPOTENT, CapturingRoute
from app.core.versioning import VERSIONED_WRITE_ERRORS, MaybeVersioned, Versioned, set_etag
from app.drafts import by_case, service
from app.drafts.models import DecisionDraft
from app.drafts.schemas import (
    AlternativeRead,
    DraftCreate,
    DraftFilter,
    DraftList,
    DraftRead,
    DraftSummary,
    DraftUpdate,
    ExternalRefRead,
    RevisionRead,
)
from app.workflow.states import DraftStatus

router = APIRouter(prefix="/api/v1", tags=["drafts"], route_class=CapturingRoute)
CaseSystem = Annotated[str, Query(min_length=1, max_length=80, description="Case system name")]
CaseId = Annotated[
    str,
    Query(
        min_length=1,
        max_length=120,
        description='The system\'s own case id, e.g. "HEL 2021-011830" or "47/00.02/2016"',
    ),
]


def _ref(draft: DecisionDraft) -> ExternalRefRead | None:
    if not draft.external_system or not draft.external_case_id:
        return None
    return ExternalRefRead(
        system=draft.external_system, case_id=draft.external_case_id, label=draft.external_label
    )


def to_read(view: service.DraftView) -> DraftRead:
    d = view.draft
    return DraftRead(
        id=d.id,
        organisation_id=d.organisation_id,
        status=d.status,
        title=d.title,
        proposal=d.proposal,
        background=d.background,
        decision_body=d.decision_body,
        decision_type=d.decision_type,
        meeting_date=d.meeting_date,
        budget_eur=d.budget_eur,
        languages=d.languages,
        preparer_id=d.preparer_id,
        presenting_official=d.presenting_official,
        external_ref=_ref(d),
        matrix_template_key=d.matrix_template_key,
        alternatives=[AlternativeRead.model_validate(a) for a in view.alternatives],
        content_hash=d.content_hash,
        version=d.version,
        created_at=d.created_at,
        updated_at=d.updated_at,
        updated_by=d.updated_by,
    )


@router.post(
    "/drafts",
    status_code=201,
    response_model=DraftRead,
    summary="Create a draft",
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=[RequireScope(WRITE_DRAFTS), *IDEMPOTENT],
)
def create_draft(
    data: DraftCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> DraftRead:
    """Create a decision draft; a status-quo alternative is always present."""
    view = service.create(session, principal=principal, data=data)
    set_etag(response, view.draft.version)
    response.headers["Location"] = f"/api/v1/drafts/{view.draft.id}"
    return to_read(view)


@router.get(
    "/drafts",
    response_model=DraftList,
    summary="List and search drafts",
    responses=error_responses(401, 422),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def list_drafts(
    session: DbSession,
    principal: CurrentPrincipal,
    status: DraftStatus | None = None,
    organisation_id: Annotated[str | None, Query(max_length=36)] = None,
    external_system: Annotated[str | None, Query(max_length=80)] = None,
    external_case_id: Annotated[str | None, Query(max_length=120)] = None,
    decision_body: Annotated[str | None, Query(max_length=200)] = None,
    meeting_from: date | None = None,
    meeting_to: date | None = None,
    template: Annotated[str | None, Query(max_length=80, description="Matrix template key")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in title or proposal")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> DraftList:
    """Newest first; follow `next_cursor` for more."""
    flt = DraftFilter(
        organisation_ids=frozenset({organisation_id}) if organisation_id else frozenset(),
        status=status,
        system=external_system,
        case_id=external_case_id,
        decision_body=decision_body,
        meeting_from=meeting_from,
        meeting_to=meeting_to,
        template_key=template,
        text=q.strip() if q and q.strip() else None,
    )
    rows, next_cursor = service.list_drafts(
        session, principal=principal, flt=flt, limit=limit, cursor=cursor
    )
    items = [
        DraftSummary(
            id=d.id,
            organisation_id=d.organisation_id,
            status=d.status,
            title=d.title,
            decision_body=d.decision_body,
            meeting_date=d.meeting_date,
            external_ref=_ref(d),
            matrix_template_key=d.matrix_template_key,
            version=d.version,
            updated_at=d.updated_at,
        )
        for d in rows
    ]
    return DraftList(items=items, next_cursor=next_cursor)


@router.get(
    "/drafts/by-case",
    response_model=DraftRead,
    summary="Find a draft by case id",
    responses=error_responses(401, 403, 404, 422),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def get_draft_by_case(
    system: CaseSystem,
    case_id: CaseId,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    organisation_id: Annotated[str | None, Query(max_length=36)] = None,
) -> DraftRead:
    """The draft linked to a case-management system's case; 404 when none is."""
    view = by_case.get(
        session,
        principal=principal,
        system=system,
        case_id=case_id,
        organisation_id=organisation_id,
    )
    set_etag(response, view.draft.version)
    return to_read(view)


@router.put(
    "/drafts/by-case",
    response_model=DraftRead,
    summary="Create or update a draft by case id",
    responses={
        201: {"model": DraftRead, "description": "Created and linked to the case"},
        **VERSIONED_WRITE_ERRORS,
    },
    dependencies=[RequireScope(WRITE_DRAFTS)],
)
def put_draft_by_case(
    system: CaseSystem,
    case_id: CaseId,
    data: DraftCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    write: MaybeVersioned,
) -> DraftRead:
    """Create the case's draft (201) or save the fields sent to it (200, If-Match required)."""
    view, created = by_case.put(
        session,
        principal=principal,
        system=system,
        case_id=case_id,
        data=data,
        expected_version=write.expected,
    )
    write.response.status_code = 201 if created else 200
    write.answer(view.draft.version)
    write.response.headers["Location"] = f"/api/v1/drafts/{view.draft.id}"
    return to_read(view)


@router.get(
    "/drafts/{draft_id}",
    response_model=DraftRead,
    summary="Get a draft",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def get_draft(
    draft_id: str, session: DbSession, principal: CurrentPrincipal, response: Response
) -> DraftRead:
    """The draft with its alternatives; the ETag is its version."""
    view = service.get_view(session, principal=principal, draft_id=draft_id)
    set_etag(response, view.draft.version)
    return to_read(view)


@router.patch(
    "/drafts/{draft_id}",
    response_model=DraftRead,
    summary="Update a draft",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(EDIT_DRAFTS)],
)
def update_draft(
    draft_id: str,
    data: DraftUpdate,
    session: DbSession,
    principal: CurrentPrincipal,
    write: Versioned,
) -> DraftRead:
    """Save changes as a new revision (If-Match required)."""
    view = service.update(
        session, principal=principal, draft_id=draft_id, expected_version=write.expected, data=data
    )
    write.answer(view.draft.version)
    return to_read(view)


@router.get(
    "/drafts/{draft_id}/revisions",
    response_model=list[RevisionRead],
    summary="List a draft's revisions",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def list_revisions(
    draft_id: str, session: DbSession, principal: CurrentPrincipal
) -> list[RevisionRead]:
    """Every saved version with its content hash, oldest first."""
    return [
        RevisionRead.model_validate(r)
        for r in service.revisions(session, principal=principal, draft_id=draft_id)
    ]
