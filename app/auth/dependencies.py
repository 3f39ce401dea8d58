"""Request dependencies: the verified caller, the security context and the route's scope gate."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.models import OAuthFlowClientCredentials
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer
from fastapi.security.utils import get_authorization_scheme_param
from sqlmodel import Session

from app.auth.permissions import SCOPE_DESCRIPTIONS, Scope, ensure_holds
from app.auth.principal import Permission, Principal
from app.auth.service import SecurityContext, principal_from_claims, verify_bearer
from app.core.caller import caller_of
from app.core.errors import Unauthorized, error_responses
from app.core.request_session import get_session

TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 - a URL, not a secret
SCHEME_NAME = "OAuth2"


def _bearer_scheme() -> OAuth2PasswordBearer:
    """People use the password grant, case systems the client-credentials grant."""
    scheme = OAuth2PasswordBearer(
        tokenUrl=TOKEN_URL, scopes=SCOPE_DESCRIPTIONS, scheme_name=SCHEME_NAME, auto_error=False
    )
    flows = scheme.model.flows  # type: ignore[attr-defined]
    flows.clientCredentials = OAuthFlowClientCredentials(
        tokenUrl=TOKEN_URL, scopes={s.value: SCOPE_DESCRIPTIONS[s] for s in Scope}
    )
    return scheme


oauth2_scheme = _bearer_scheme()

# scope="function": commit before the response is sent, so a failed commit is an error.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


async def get_security(request: Request) -> SecurityContext:
    # async: it only reads app state, so it need not hop to the thread pool
    ctx: SecurityContext = request.app.state.security
    return ctx


Security = Annotated[SecurityContext, Depends(get_security)]


BearerToken = Annotated[str | None, Depends(oauth2_scheme)]


def caller_claims(request: Request, token: str | None) -> dict[str, Any]:
    """The verified claims of the bearer token (401 when it is missing or invalid): those the
    caller middleware left in the scope, else verified here."""
    if not token:
        raise Unauthorized()
    caller = caller_of(request.scope)
    if caller is not None:
        return caller.claims
    ctx: SecurityContext = request.app.state.security
    return verify_bearer(ctx, token)


def bearer_claims(request: Request) -> dict[str, Any]:
    """`caller_claims` of the request's bearer token, read as `oauth2_scheme` reads it, for
    a gate of its own (`gating`) that spares a dependency: the gate's OpenAPI security is
    written by `document_scopes` either way."""
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    return caller_claims(request, token if scheme.lower() == "bearer" else None)


def get_principal(request: Request, session: DbSession, token: BearerToken) -> Principal:
    """The authenticated caller (401 when the bearer token is missing or invalid).

    The security context is read from the app state directly rather than through
    `get_security`: one dependency fewer to solve on every authenticated request."""
    claims = caller_claims(request, token)
    principal = principal_from_claims(session, request.app.state.security, claims)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]

_GATES: dict[Callable[..., Any], Permission] = {}


def RequireScope(permission: Permission) -> Any:  # noqa: N802 - reads as a declaration
    """A route-level gate: 401 without a valid token, 403 without the permission's scope.

    Declared first in the route's `dependencies`, it runs before the route's own parameters,
    loaders and idempotency claim, so no 404, 409 or 422 answers a caller who may not use the
    route at all. `document_scopes` writes the scope into the route's security requirement.
    """

    # async: a pure check on the principal, so it need not hop to the thread pool
    async def require_scope(principal: CurrentPrincipal) -> None:
        ensure_holds(principal, permission)

    _GATES[require_scope] = permission
    return Depends(require_scope)


def gating(dependency: Callable[..., Any], permission: Permission) -> Any:
    """A route-level gate of a route's own: `dependency` resolves the caller itself (with
    whatever it reads beside the caller's row) and answers 401 and 403 as `RequireScope`
    does, before anything else the route runs. Declared first in the route's `dependencies`,
    its permission is documented like RequireScope's."""
    _GATES[dependency] = permission
    return Depends(dependency)


def route_permission(route: APIRoute) -> Permission | None:
    """The permission a route's gate declares (None for public routes)."""
    found = [_GATES[d.dependency] for d in route.dependencies if d.dependency in _GATES]
    return found[0] if found else None


def _security(permission: Permission) -> list[dict[str, list[str]]]:
    """OpenAPI security requirements: any one of the permission's scopes (none: any token)."""
    if not permission.scopes:
        return [{SCHEME_NAME: []}]
    return [{SCHEME_NAME: [scope]} for scope in sorted(permission.scopes)]


def document_scopes(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Every gated route of `routers` documents its 403 and names its scopes in the spec."""
    gated = [
        (route, permission)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and (permission := route_permission(route)) is not None
    ]
    for route, permission in gated:
        if permission.scopes:
            route.responses.setdefault(403, error_responses(403)[403])
        # API clients are rate limited on every authenticated route (app/core/ratelimit.py)
        route.responses.setdefault(429, error_responses(429)[429])
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for route, permission in gated:
                for method in route.methods or ():
                    operation = schema["paths"][route.path_format][method.lower()]
                    operation["security"] = _security(permission)
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]
