"""Admin API: organisations, users, memberships and API clients."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import ADMINISTER, AUTHENTICATED, OPERATE, READ_PEOPLE
from app.core.errors import error_responses
from app.core.idempotency import IDEMPOTENT, CapturingRoute
from app.core.pagination import Paging
from app.core.versioning import Versioned, set_etag
from app.organisations import clients, service
from app.organisations.schemas import (
    ApiClientCreate,
    ApiClientRead,
    ApiClientWithSecret,
    MembershipCreate,
    MembershipRead,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    UserCreate,
    UserRead,
)

router = APIRouter(prefix="/api/v1", tags=["organisations"], route_class=CapturingRoute)
READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post(
    "/organisations",
    status_code=201,
    response_model=OrganisationRead,
    summary="Create an organisation",
    responses=WRITE_ERRORS,
    dependencies=[RequireScope(OPERATE), *IDEMPOTENT],
)
def create_organisation(
    data: OrganisationCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> OrganisationRead:
    """Create a tenant (platform operators)."""
    org = service.create_organisation(session, principal=principal, data=data)
    set_etag(response, org.version)
    return OrganisationRead.model_validate(org)


@router.get(
    "/organisations",
    response_model=list[OrganisationRead],
    summary="List organisations",
    responses=READ_ERRORS,
    dependencies=[RequireScope(AUTHENTICATED)],
)
def list_organisations(
    session: DbSession, principal: CurrentPrincipal, page: Paging
) -> list[OrganisationRead]:
    """Organisations the caller belongs to (all of them for platform operators)."""
    orgs = service.list_organisations(
        session, principal=principal, limit=page.limit, offset=page.offset
    )
    return [OrganisationRead.model_validate(o) for o in orgs]


@router.get(
    "/organisations/{organisation_id}",
    response_model=OrganisationRead,
    summary="Get an organisation",
    responses=READ_ERRORS,
    dependencies=[RequireScope(AUTHENTICATED)],
)
def get_organisation(
    organisation_id: str, session: DbSession, principal: CurrentPrincipal, response: Response
) -> OrganisationRead:
    """One organisation the caller belongs to."""
    org = service.visible_organisation(
        session, principal=principal, organisation_id=organisation_id
    )
    set_etag(response, org.version)
    return OrganisationRead.model_validate(org)


@router.patch(
    "/organisations/{organisation_id}",
    response_model=OrganisationRead,
    summary="Update an organisation",
    responses=error_responses(401, 403, 404, 412, 422, 428),
    dependencies=[RequireScope(ADMINISTER)],
)
def update_organisation(
    organisation_id: str,
    data: OrganisationUpdate,
    session: DbSession,
    principal: CurrentPrincipal,
    write: Versioned,
) -> OrganisationRead:
    """Change names, languages, region or records-management settings."""
    org = service.update_organisation(
        session,
        principal=principal,
        organisation_id=organisation_id,
        expected_version=write.expected,
        data=data,
    )
    write.answer(org.version)
    return OrganisationRead.model_validate(org)


def _user_read(item: service.UserWithMemberships) -> UserRead:
    return UserRead(
        id=item.user.id,
        email=item.user.email,
        full_name=item.user.full_name,
        is_active=item.user.is_active,
        memberships=[MembershipRead.model_validate(m) for m in item.memberships],
    )


@router.post(
    "/users",
    status_code=201,
    response_model=UserRead,
    summary="Create a user",
    responses=WRITE_ERRORS,
    dependencies=[RequireScope(ADMINISTER), *IDEMPOTENT],
)
def create_user(data: UserCreate, session: DbSession, principal: CurrentPrincipal) -> UserRead:
    """Create a person with roles in an organisation the caller administers."""
    [item] = service.with_memberships(
        session, [service.create_user(session, principal=principal, data=data)], principal=principal
    )
    return _user_read(item)


@router.get(
    "/users/{user_id}",
    response_model=UserRead,
    summary="Get a user",
    responses=READ_ERRORS,
    dependencies=[RequireScope(READ_PEOPLE)],
)
def get_user(user_id: str, session: DbSession, principal: CurrentPrincipal) -> UserRead:
    """A person who shares an organisation with the caller."""
    user = service.visible_user(session, principal=principal, user_id=user_id)
    [item] = service.with_memberships(session, [user], principal=principal)
    return _user_read(item)


@router.get(
    "/organisations/{organisation_id}/users",
    response_model=list[UserRead],
    summary="List an organisation's users",
    responses=READ_ERRORS,
    dependencies=[RequireScope(READ_PEOPLE)],
)
def list_users(
    organisation_id: str, session: DbSession, principal: CurrentPrincipal, page: Paging
) -> list[UserRead]:
    """People with a role in the organisation."""
    items = service.list_users(
        session,
        principal=principal,
        organisation_id=organisation_id,
        limit=page.limit,
        offset=page.offset,
    )
    return [_user_read(item) for item in items]


@router.post(
    "/organisations/{organisation_id}/memberships",
    status_code=201,
    response_model=MembershipRead,
    summary="Give a user a role",
    responses=WRITE_ERRORS,
    dependencies=[RequireScope(ADMINISTER), *IDEMPOTENT],
)
def add_membership(
    organisation_id: str, data: MembershipCreate, session: DbSession, principal: CurrentPrincipal
) -> MembershipRead:
    """Give an existing person a role here (e.g. a regional expert in a member municipality)."""
    membership = service.add_membership(
        session, principal=principal, organisation_id=organisation_id, data=data
    )
    return MembershipRead.model_validate(membership)


@router.delete(
    "/organisations/{organisation_id}/memberships/{membership_id}",
    status_code=204,
    summary="Remove a role",
    responses=WRITE_ERRORS,
    dependencies=[RequireScope(ADMINISTER)],
)
def remove_membership(
    organisation_id: str, membership_id: str, session: DbSession, principal: CurrentPrincipal
) -> Response:
    """Take a role away from a person."""
    service.remove_membership(
        session, principal=principal, organisation_id=organisation_id, membership_id=membership_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _with_secret(issued: clients.IssuedClient) -> ApiClientWithSecret:
    """The client with its new secret (shown only in this response)."""
    return ApiClientWithSecret(
        **ApiClientRead.model_validate(issued.client).model_dump(), client_secret=issued.secret
    )


@router.get(
    "/organisations/{organisation_id}/clients",
    response_model=list[ApiClientRead],
    summary="List API clients",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(ADMINISTER)],
)
def list_clients(
    organisation_id: str, session: DbSession, principal: CurrentPrincipal
) -> list[ApiClientRead]:
    """Systems registered for the organisation (administrators)."""
    registered = clients.list_clients(session, principal=principal, organisation_id=organisation_id)
    return [ApiClientRead.model_validate(c) for c in registered]


@router.post(
    "/organisations/{organisation_id}/clients",
    status_code=201,
    response_model=ApiClientWithSecret,
    summary="Register an API client",
    responses=WRITE_ERRORS,
    dependencies=[RequireScope(ADMINISTER), *IDEMPOTENT],
)
def create_client(
    organisation_id: str, data: ApiClientCreate, session: DbSession, principal: CurrentPrincipal
) -> ApiClientWithSecret:
    """Register a case-management system; the secret is shown only in this response."""
    issued = clients.create_client(
        session, principal=principal, organisation_id=organisation_id, data=data
    )
    return _with_secret(issued)


@router.post(
    "/organisations/{organisation_id}/clients/{client_pk}/rotate-secret",
    response_model=ApiClientWithSecret,
    summary="Rotate an API client's secret",
    responses=WRITE_ERRORS,
    dependencies=[RequireScope(ADMINISTER), *IDEMPOTENT],
)
def rotate_client_secret(
    organisation_id: str, client_pk: str, session: DbSession, principal: CurrentPrincipal
) -> ApiClientWithSecret:
    """Issue a new secret; the old one stops working."""
    issued = clients.rotate_client_secret(
        session, principal=principal, organisation_id=organisation_id, client_pk=client_pk
    )
    return _with_secret(issued)


@router.post(
    "/organisations/{organisation_id}/clients/{client_pk}/deactivate",
    response_model=ApiClientRead,
    summary="Deactivate an API client",
    responses=WRITE_ERRORS,
    dependencies=[RequireScope(ADMINISTER), *IDEMPOTENT],
)
def deactivate_client(
    organisation_id: str, client_pk: str, session: DbSession, principal: CurrentPrincipal
) -> ApiClientRead:
    """Stop the system from getting tokens."""
    client = clients.deactivate_client(
        session, principal=principal, organisation_id=organisation_id, client_pk=client_pk
    )
    return ApiClientRead.model_validate(client)
