"""Request dependencies: the verified caller and the security context."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from app.auth.principal import Principal
from app.auth.service import SecurityContext, principal_from_claims, verify_bearer
from app.core.caller import caller_of
from app.core.db import get_session
from app.core.errors import Unauthorized

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

# scope="function": commit before the response is sent, so a failed commit is an error.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


async def get_security(request: Request) -> SecurityContext:
    # async: it only reads app state, so it need not hop to the thread pool
    ctx: SecurityContext = request.app.state.security
    return ctx


Security = Annotated[SecurityContext, Depends(get_security)]


def get_principal(
    request: Request,
    session: DbSession,
    ctx: Security,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    """The authenticated caller (401 when the bearer token is missing or invalid)."""
    if not token:
        raise Unauthorized()
    caller = caller_of(request.scope)
    claims = caller.claims if caller is not None else verify_bearer(ctx, token)
    principal = principal_from_claims(session, ctx, claims)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
