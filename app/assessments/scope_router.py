"""The assessment's scope and bulk cell writes; `register` adds them to the assessments router."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.assessments import bulk, scoping
from app.assessments.schemas import CellsBulk, CellsBulkResult, ScopeRead, ScopeWrite
from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import EDIT_DRAFTS, READ_DRAFTS
from app.core.errors import error_responses
from app.core.idempotency import IDEMPOTENT
from app.core.versioning import VERSIONED_WRITE_ERRORS, IfMatch, etag, set_etag


def _scope_read(state: scoping.ScopeState) -> ScopeRead:
    view, shape = state.view, state.view.shape
    return ScopeRead(
        assessment_id=view.assessment.id,
        version=view.assessment.version,
        is_set=state.scope.is_set,
        areas=list(state.areas),
        groups=list(state.groups),
        reason=state.scope.reason,
        scoped_out_areas=[a for a in shape.areas if a not in state.areas],
        scoped_out_groups=[g for g in state.columns if g not in state.groups],
        mandatory_cells=state.mandatory_cells,
        matrix_size=shape.size(),
        suggested_areas=list(state.suggested_areas),
        suggested_groups=list(state.suggested_groups),
        suggested_from=state.suggested_from,
    )


def get_scope(draft_id: str, session: DbSession, principal: CurrentPrincipal) -> JSONResponse:
    """The areas and groups in scope, the reason for what is left out, and a starting set."""
    state = scoping.get_scope(session, principal=principal, draft_id=draft_id)
    return JSONResponse(
        _scope_read(state).model_dump(mode="json"),
        headers={"ETag": etag(state.view.assessment.version)},
    )


def put_scope(
    draft_id: str,
    data: ScopeWrite,
    session: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ScopeRead:
    """Only cells in scope are mandatory; If-Match is the assessment's ETag. Covering
    sign-offs go stale when the scope changes."""
    state = scoping.set_scope(
        session, principal=principal, draft_id=draft_id, expected_version=if_match, data=data
    )
    set_etag(response, state.view.assessment.version)
    return _scope_read(state)


def write_bulk(
    draft_id: str,
    data: CellsBulk,
    session: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> CellsBulkResult:
    """A row, a column, a group across genders or all remaining cells in scope, in one atomic
    write audited as one change; If-Match is the assessment's ETag."""
    assessment, count = bulk.write_bulk(
        session, principal=principal, draft_id=draft_id, expected_version=if_match, data=data
    )
    set_etag(response, assessment.version)
    return CellsBulkResult(assessment_id=assessment.id, version=assessment.version, count=count)


def register(router: APIRouter) -> None:
    """Add the scope and bulk routes to `router` (the assessments router, with its prefix)."""
    router.add_api_route(
        "/assessment/scope",
        get_scope,
        methods=["GET"],
        response_model=ScopeRead,
        summary="Read the assessment's scope",
        responses=error_responses(401, 403, 404),
        dependencies=[RequireScope(READ_DRAFTS)],
    )
    router.add_api_route(
        "/assessment/scope",
        put_scope,
        methods=["PUT"],
        response_model=ScopeRead,
        summary="Choose the assessment's scope",
        responses=VERSIONED_WRITE_ERRORS,
        dependencies=[RequireScope(EDIT_DRAFTS)],
    )
    router.add_api_route(
        "/assessment/cells/bulk",
        write_bulk,
        methods=["POST"],
        response_model=CellsBulkResult,
        summary="Set, copy or clear many cells",
        responses=VERSIONED_WRITE_ERRORS,
        dependencies=[RequireScope(EDIT_DRAFTS), *IDEMPOTENT],
    )
