"""Case-system endpoint settings, record pushes and the case system's callback."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import ADMINISTER, ANSWER_PUSHES, READ_ANNEXES
from app.core.errors import error_responses
from app.core.idempotency import IDEMPOTENT, CapturingRoute
from app.core.versioning import VERSIONED_WRITE_ERRORS, OptionalIfMatch, set_etag
from app.integrations import record_push
from app.integrations.models import CaseSystemEndpoint
from app.integrations.router import AppSettings
from app.integrations.schemas import (
    CaseSystemPut,
    CaseSystemRead,
    CaseSystemWithSecret,
    PushCallback,
    RecordPushRead,
)

router = APIRouter(prefix="/api/v1", tags=["integrations"], route_class=CapturingRoute)


def _endpoint_read(endpoint: CaseSystemEndpoint, secret: str | None = None) -> CaseSystemWithSecret:
    return CaseSystemWithSecret(
        **endpoint.model_dump(exclude={"auth_token", "secret"}),
        has_auth_token=bool(endpoint.auth_token),
        secret=secret,
    )


@router.put(
    "/organisations/{organisation_id}/case-system",
    response_model=CaseSystemWithSecret,
    summary="Configure the case-system endpoint",
    responses={
        201: {"model": CaseSystemWithSecret, "description": "Created; the secret is shown once"},
        **VERSIONED_WRITE_ERRORS,
    },
    dependencies=[RequireScope(ADMINISTER)],
)
def put_case_system(
    organisation_id: str,
    data: CaseSystemPut,
    session: DbSession,
    principal: CurrentPrincipal,
    settings: AppSettings,
    if_match: OptionalIfMatch,
    response: Response,
) -> CaseSystemWithSecret:
    """Create (201, secret shown once) or replace (200, If-Match) where records are pushed."""
    result = record_push.put_endpoint(
        session,
        principal=principal,
        organisation_id=organisation_id,
        data=data,
        expected_version=if_match,
        allow_private=settings.webhook_allow_private_targets,
    )
    response.status_code = 201 if result.created else 200
    set_etag(response, result.endpoint.version)
    return _endpoint_read(result.endpoint, result.endpoint.secret if result.created else None)


@router.get(
    "/organisations/{organisation_id}/case-system",
    response_model=CaseSystemRead,
    summary="Get the case-system endpoint",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(ADMINISTER)],
)
def get_case_system(
    organisation_id: str, session: DbSession, principal: CurrentPrincipal, response: Response
) -> CaseSystemRead:
    """Where records are pushed (the token and secret are never shown again)."""
    endpoint = record_push.get_endpoint(
        session, principal=principal, organisation_id=organisation_id
    )
    set_etag(response, endpoint.version)
    return CaseSystemRead(**_endpoint_read(endpoint).model_dump(exclude={"secret"}))


@router.get(
    "/record-pushes/{push_id}",
    response_model=RecordPushRead,
    summary="Get a record push",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_ANNEXES)],
)
def get_record_push(
    push_id: str, session: DbSession, principal: CurrentPrincipal
) -> RecordPushRead:
    """The pushed record, its delivery state and the case system's record id."""
    push = record_push.visible_push(session, principal=principal, push_id=push_id)
    return RecordPushRead.model_validate(push)


@router.post(
    "/case-system/callbacks/{push_id}",
    response_model=RecordPushRead,
    summary="Answer a record push",
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=[RequireScope(ANSWER_PUSHES), *IDEMPOTENT],
)
def case_system_callback(
    push_id: str, data: PushCallback, session: DbSession, principal: CurrentPrincipal
) -> RecordPushRead:
    """The case system (its API client, scope annexes:write) reports its record id."""
    push = record_push.record_callback(session, principal=principal, push_id=push_id, data=data)
    return RecordPushRead.model_validate(push)
