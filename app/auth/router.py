"""Token issue, the caller's identity, and the public signing keys."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Header, Request, Response, status
from sqlmodel import Session

from app.auth import login, service
from app.auth.dependencies import (
    CurrentPrincipal,
    DbSession,
    RequireScope,
    Security,
    bearer_claims,
    gating,
)
from app.auth.permissions import AUTHENTICATED, ensure_holds
from app.auth.principal import Principal
from app.auth.schemas import MeRead, OrganisationRoles, PasswordChange, TokenResponse
from app.core import tokens
from app.core.errors import Unauthorized, Unprocessable, error_responses
from app.core.idempotency import CapturingRoute
from app.core.request_session import read_alone

router = APIRouter(prefix="/api/v1", tags=["auth"], route_class=CapturingRoute)


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise Unauthorized("Malformed Basic credentials", code="invalid_client") from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise Unauthorized("Malformed Basic credentials", code="invalid_client")
    return client_id, secret


@dataclass(frozen=True)
class CheckedTokenRequest:
    checked: login.Checked
    scope: str | None


async def check_token_request(
    request: Request,
    ctx: Security,
    grant_type: Annotated[Literal["password", "client_credentials"], Form()],
    username: Annotated[str | None, Form(max_length=254)] = None,
    password: Annotated[str | None, Form(max_length=200)] = None,
    client_id: Annotated[str | None, Form(max_length=80)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    scope: Annotated[str | None, Form(max_length=500)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> CheckedTokenRequest:
    """The credentials, verified before the request's write transaction begins: the route
    declares it before its session, so FastAPI resolves it first, and it is async, so
    waiting for a check holds no thread (see app/auth/login.py)."""
    source = request.client.host if request.client else "unknown"
    if grant_type == "password":
        if not username or not password:
            raise Unprocessable("username and password are required for the password grant")
        checked = await login.check_password(
            ctx, username=username, password=password, source=source
        )
        return CheckedTokenRequest(checked, None)
    basic = _basic_credentials(authorization)
    cid, secret = basic if basic else (client_id, client_secret)
    if not cid or not secret:
        raise Unprocessable("client_id and client_secret are required for this grant")
    checked = await login.check_client(ctx, client_id=cid, client_secret=secret, source=source)
    return CheckedTokenRequest(checked, scope)


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    summary="Issue an access token",
    responses=error_responses(401, 422, 429, 503),
)
def issue_token(
    token_request: Annotated[CheckedTokenRequest, Depends(check_token_request)],
    session: DbSession,
    ctx: Security,
) -> TokenResponse:
    """OAuth2 password grant for people, client-credentials grant for systems."""
    checked = token_request.checked
    if checked.attempt.kind == "user":
        issued = login.conclude_password(session, ctx, checked)
    else:
        issued = login.conclude_client(session, ctx, checked, requested_scope=token_request.scope)
    return TokenResponse(
        access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope
    )


async def _me(request: Request) -> tuple[Principal, service.CallerView]:
    """The caller and what /me tells about them, in one light read with a session of its own
    (`read_alone`: in place on SQLite, else one pool-thread call): the person's row is read
    once, for the principal (epoch, active) and the e-mail alike."""
    claims = bearer_claims(request)
    ctx = request.app.state.security

    def read(session: Session) -> tuple[Principal, service.CallerView]:
        principal, user = service.principal_with(
            session,
            ctx,
            claims,
            user_and=lambda user_id: (found := service.user_row(session, user_id), found),
            alone=lambda: None,
        )
        request.state.principal = principal
        ensure_holds(principal, AUTHENTICATED)
        return principal, service.describe(session, principal, user)

    return await read_alone(request, read, light=True)


@router.get(
    "/me",
    response_model=MeRead,
    summary="Who am I",
    responses=error_responses(401),
    dependencies=[gating(_me, AUTHENTICATED)],
)
async def me(found: Annotated[tuple[Principal, service.CallerView], Depends(_me)]) -> MeRead:
    """The caller, its organisations and roles (or scopes for a system)."""
    # async: the gate did the reading; building the answer needs no pool-thread call
    principal, caller = found
    return MeRead(
        kind=principal.kind,
        id=principal.id,
        name=principal.name,
        email=caller.email,
        is_superuser=principal.is_superuser,
        scopes=sorted(principal.scopes),
        organisations=[
            OrganisationRoles(
                organisation_id=org.organisation_id,
                organisation_name=org.name,
                roles=org.roles,
                via_region=org.via_region,
            )
            for org in caller.organisations
        ],
    )


@router.post(
    "/auth/logout",
    status_code=204,
    summary="End every session of the caller",
    responses=error_responses(401),
    dependencies=[RequireScope(AUTHENTICATED)],
)
def logout(session: DbSession, principal: CurrentPrincipal) -> Response:
    """Revoke every token of the caller (person or system), this one included."""
    service.end_sessions(session, principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/me/password",
    status_code=204,
    summary="Change my password",
    responses=error_responses(401, 403, 422, 429),
    dependencies=[RequireScope(AUTHENTICATED)],
)
def change_password(
    data: PasswordChange, session: DbSession, ctx: Security, principal: CurrentPrincipal
) -> Response:
    """Set a new password; every session ends, so sign in again with the new one."""
    service.change_password(
        session,
        ctx,
        principal=principal,
        current_password=data.current_password,
        new_password=data.new_password,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/jwks", summary="Public signing keys (JWKS)")
def jwks(ctx: Security) -> dict[str, Any]:
    """The keys that verify Ennakko's access tokens."""
    return tokens.public_jwks(ctx.signer)
