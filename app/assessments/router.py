"""Screening, the assessment matrix, cell writes, summaries and template migration."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlmodel import Session

from app.assessments import migration, reads, screening, service, write_context
from app.assessments import scope_router as scope_routes
from app.assessments.models import AssessmentCell
from app.assessments.read_context import (
    MATRIX_GATE,
    SUMMARY_GATE,
    ActiveRead,
    MatrixReading,
    SummaryReading,
)
from app.assessments.rendering import CELL_FIELDS
from app.assessments.schemas import (
    AssessmentRead,
    AssessmentStart,
    AssessmentTexts,
    CellRead,
    CellsWrite,
    CellsWriteResult,
    MigrationReport,
    ScreeningIn,
    ScreeningRead,
    SummaryRead,
    TemplateSuggestion,
)
from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import EDIT_DRAFTS, READ_DRAFTS, WRITE_DRAFTS
from app.core.errors import error_responses
from app.core.idempotency import IDEMPOTENT, CapturingRoute
from app.core.request_session import write_alone
from app.core.versioning import (
    IF_NONE_MATCH_DOCUMENTED,
    VERSIONED_WRITE_ERRORS,
    IfMatch,
    etag,
    set_etag,
)

router = APIRouter(
    prefix="/api/v1/drafts/{draft_id}", tags=["assessments"], route_class=CapturingRoute
)


# The busiest routes first: a request's path is matched against the routes in this order.
@router.get(
    "/assessment",
    response_model=AssessmentRead,
    summary="Read the whole matrix",
    responses={304: {"description": "Not modified"}, **error_responses(401, 403, 404)},
    dependencies=[MATRIX_GATE],
    openapi_extra=IF_NONE_MATCH_DOCUMENTED,
)
async def get_assessment(read: MatrixReading) -> Response:
    """Every assessed cell; cells not listed are *not yet assessed*. Supports If-None-Match."""
    # async: the gate read the caller, the version and the body (read_context.reading)
    return _answer(read)


def _answer(read: ActiveRead) -> Response:
    """304 when If-None-Match named the version read, else its body (gzip-encoded if the
    caller accepts it, past the compression middleware untouched)."""
    if read.rendered is None:
        return Response(status_code=304, headers={"ETag": etag(read.version)})
    return _body(read.rendered)


def _body(rendered: reads.Rendered) -> Response:
    """A cached JSON body; a gzip-encoded one passes the compression middleware untouched."""
    headers = {"ETag": etag(rendered.version)}
    if rendered.gzipped:
        headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    return Response(rendered.body, media_type="application/json", headers=headers)


async def write_cells(
    request: Request, draft_id: str, data: CellsWrite, if_match: IfMatch
) -> Response:
    """All cells land or none does; If-Match is the assessment's ETag. Returns the written cells."""
    # async: the caller, the gate, the write and the commit are one pool-thread call
    return await write_alone(
        request, lambda session: _write_cells(request, session, draft_id, if_match, data)
    )


def _write_cells(
    request: Request, session: Session, draft_id: str, if_match: int, data: CellsWrite
) -> Response:
    result = write_context.write_as_caller(request, session, draft_id, if_match, data.cells)
    # Built once, without validation (every value is a validated write's or the server's) and
    # serialised here: FastAPI would validate the answer again in another pool-thread call.
    answer = CellsWriteResult.model_construct(
        assessment_id=result.assessment_id,
        version=result.version,
        cells=[_written_cell(c) for c in result.cells],
    )
    body = CellsWriteResult.__pydantic_serializer__.to_json(answer)
    return Response(body, media_type="application/json", headers={"ETag": etag(result.version)})


router.add_api_route(
    "/assessment/cells",
    write_cells,
    methods=["PATCH"],
    response_model=CellsWriteResult,
    summary="Write many cells",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[write_context.CELLS_GATE],
    route_class_override=write_context.CellsWriteRoute,
)


@router.get(
    "/assessment/summary",
    response_model=SummaryRead,
    summary="Summary of the matrix",
    responses={304: {"description": "Not modified"}, **error_responses(401, 403, 404)},
    dependencies=[SUMMARY_GATE],
    openapi_extra=IF_NONE_MATCH_DOCUMENTED,
)
async def get_summary(read: SummaryReading) -> Response:
    """Counts per alternative, area, group and gender; findings; alternatives side by side.
    Supports If-None-Match (the ETag is the assessment's version, as the matrix read's)."""
    return _answer(read)


scope_routes.register(router)


def _screening(result: screening.ScreeningResult) -> ScreeningRead:
    s = result.screening
    return ScreeningRead(
        template_id=s.template_id,
        answers=s.answers,
        computed_outcome=s.computed_outcome,
        outcome=s.outcome,
        reason=s.reason,
        matched_rule=result.matched_rule,
        suggested_templates=[
            TemplateSuggestion(template_id=t.id, key=t.key, version=t.version, name=t.name)
            for t in result.suggestions
        ],
        screened_by=s.screened_by,
        screened_at=s.screened_at,
    )


@router.put(
    "/screening",
    response_model=ScreeningRead,
    summary="Record the screening",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(EDIT_DRAFTS)],
)
def put_screening(
    draft_id: str,
    data: ScreeningIn,
    session: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ScreeningRead:
    """Answer the screening questions; If-Match is the draft's ETag, which the screening bumps."""
    result = screening.record_screening(
        session, principal=principal, draft_id=draft_id, expected_version=if_match, data=data
    )
    set_etag(response, if_match + 1)
    return _screening(result)


@router.get(
    "/screening",
    response_model=ScreeningRead,
    summary="Get the screening",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def get_screening(draft_id: str, session: DbSession, principal: CurrentPrincipal) -> ScreeningRead:
    """The outcome, its reason and the suggested matrix templates."""
    return _screening(screening.get_screening(session, principal=principal, draft_id=draft_id))


# CellRead's fields (rendering.CELL_FIELDS) and the assessment_cell column each comes from
_CELL_COLUMNS = {field: "grp" if field == "group" else field for field in CELL_FIELDS}


def _cell_read(c: AssessmentCell) -> CellRead:
    return CellRead(**{field: getattr(c, column) for field, column in _CELL_COLUMNS.items()})


def _in_display_order(view: service.AssessmentView) -> list[AssessmentCell]:
    """The view's cells in the matrix's order, as the matrix read lists them."""
    by_key = {(c.alternative, c.area, c.grp, c.gender): c for c in view.cells}
    return [by_key[key] for key in view.shape.key_order if key in by_key]


def to_read(view: service.AssessmentView) -> AssessmentRead:
    a = view.assessment
    return AssessmentRead(
        id=a.id,
        draft_id=a.draft_id,
        template_id=view.template.id,
        template_key=view.template.key,
        template_version=view.template.version,
        state=a.state.value,
        cycle=a.cycle,
        version=a.version,
        mitigation=a.mitigation,
        comparison=a.comparison,
        recommended_alternative=a.recommended_alternative,
        participation=a.participation,
        statements=a.statements,
        sources=a.sources,
        indicators=a.indicators,
        matrix_size=view.shape.size(),
        cells=[_cell_read(c) for c in _in_display_order(view)],
        updated_at=a.updated_at,
        updated_by=a.updated_by,
    )


@router.post(
    "/assessment",
    status_code=201,
    response_model=AssessmentRead,
    summary="Start the assessment",
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=[RequireScope(WRITE_DRAFTS), *IDEMPOTENT],
)
def start_assessment(
    draft_id: str,
    data: AssessmentStart,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> AssessmentRead:
    """Start the matrix on a published template version, to which it stays pinned."""
    view = service.start_assessment(
        session, principal=principal, draft_id=draft_id, template_id=data.template_id
    )
    set_etag(response, view.assessment.version)
    return to_read(view)


@router.patch(
    "/assessment",
    response_model=AssessmentRead,
    summary="Update assessment texts",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(EDIT_DRAFTS)],
)
def update_texts(
    draft_id: str,
    data: AssessmentTexts,
    session: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> AssessmentRead:
    """Mitigation, participation and statements, sources, follow-up indicators."""
    view = service.update_texts(
        session, principal=principal, draft_id=draft_id, expected_version=if_match, data=data
    )
    set_etag(response, view.assessment.version)
    return to_read(view)


def _written_cell(row: dict[str, Any]) -> CellRead:
    return CellRead.model_construct(
        **{field: row[column] for field, column in _CELL_COLUMNS.items()}
    )


@router.post(
    "/assessment/migrate",
    response_model=MigrationReport,
    summary="Move to another template version",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(EDIT_DRAFTS), *IDEMPOTENT],
)
def migrate(
    draft_id: str,
    data: AssessmentStart,
    session: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> MigrationReport:
    """Carries the cells that still fit and reports the ones that could not be carried."""
    result = migration.migrate(
        session,
        principal=principal,
        draft_id=draft_id,
        expected_version=if_match,
        template_id=data.template_id,
    )
    set_etag(response, result.view.assessment.version)
    return MigrationReport(
        assessment=to_read(result.view), carried=result.carried, not_carried=result.not_carried
    )
