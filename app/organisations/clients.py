"""Rules for API clients: the case-management systems an organisation registers."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.errors import Conflict, NotFound, Unprocessable
from app.core.passwords import hash_secret
from app.organisations import repository as repo
from app.organisations.models import ApiClient
from app.organisations.schemas import ApiClientCreate
from app.organisations.service import require_admin, visible_organisation

# The token endpoint's limit on a client id.
MAX_CLIENT_ID = 80


def qualified_client_id(slug: str, requested: str) -> str:
    """The id a client logs in with: the organisation's slug, a dot, the requested id.

    Client ids are global (the token request names no organisation), so each organisation
    gets its own namespace; an id already in it ("espoo.ahjo" for espoo) is kept as given.
    """
    login = requested if requested.startswith(f"{slug}.") else f"{slug}.{requested}"
    if len(login) > MAX_CLIENT_ID:
        raise Unprocessable(
            f"client_id with the organisation's prefix ({slug}.) is longer than "
            f"{MAX_CLIENT_ID} characters",
            details={"client_id": login},
        )
    return login


@dataclass(frozen=True)
class IssuedClient:
    client: ApiClient
    secret: str


def create_client(
    session: Session, *, principal: Principal, organisation_id: str, data: ApiClientCreate
) -> IssuedClient:
    """Register a case-management system; its secret is returned once and stored hashed."""
    org = visible_organisation(session, principal=principal, organisation_id=organisation_id)
    require_admin(principal, organisation_id)
    client_id = qualified_client_id(org.slug, data.client_id)
    # Only this organisation's own ids can clash: the answer says nothing about other tenants.
    if repo.client_by_client_id(session, client_id):
        raise Conflict("An API client with this id exists", details={"client_id": client_id})
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        client_id=client_id,
        name=data.name,
        organisation_id=organisation_id,
        secret_hash=hash_secret(secret),
        scopes=sorted(s.value for s in set(data.scopes)),
    )
    session.add(client)
    session.flush()
    audit.changed(
        session,
        principal,
        "api_client.created",
        client,
        data={"client_id": client.client_id, "scopes": client.scopes},
    )
    return IssuedClient(client, secret)


def list_clients(
    session: Session, *, principal: Principal, organisation_id: str
) -> Sequence[ApiClient]:
    """The organisation's registered systems (administrators)."""
    visible_organisation(session, principal=principal, organisation_id=organisation_id)
    require_admin(principal, organisation_id)
    return repo.clients_of(session, organisation_id)


def _visible_client(
    session: Session, principal: Principal, organisation_id: str, client_pk: str
) -> ApiClient:
    visible_organisation(session, principal=principal, organisation_id=organisation_id)
    require_admin(principal, organisation_id)
    client = repo.get_client(session, client_pk)
    if client is None or client.organisation_id != organisation_id:
        raise NotFound("API client not found")
    return client


def rotate_client_secret(
    session: Session, *, principal: Principal, organisation_id: str, client_pk: str
) -> IssuedClient:
    """Replace the secret; the old one stops working at once."""
    client = _visible_client(session, principal, organisation_id, client_pk)
    secret = secrets.token_urlsafe(32)
    client.secret_hash = hash_secret(secret)
    # A rotated secret is often a leaked one: tokens obtained with it stop working too.
    _revoke_and_record(session, principal, client, "api_client.secret_rotated")
    return IssuedClient(client, secret)


def deactivate_client(
    session: Session, *, principal: Principal, organisation_id: str, client_pk: str
) -> ApiClient:
    """Stop a system: no new tokens, and the ones it holds are revoked (also if reactivated)."""
    client = _visible_client(session, principal, organisation_id, client_pk)
    client.is_active = False
    _revoke_and_record(session, principal, client, "api_client.deactivated")
    return client


def _revoke_and_record(
    session: Session, principal: Principal, client: ApiClient, action: str
) -> None:
    """Save a changed client as a new version, end the sessions it holds and audit it."""
    client.version += 1
    session.add(client)
    session.flush()
    repo.end_sessions(session, ApiClient, client.id)
    audit.changed(session, principal, action, client)
