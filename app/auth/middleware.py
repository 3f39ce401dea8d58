"""Verifying the bearer token once per request, before the rate limit and idempotency run."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth.service import verify_bearer
from app.core.caller import Caller, set_caller
from app.core.errors import AppError


class CallerMiddleware:
    """Leaves the verified claims in the scope; an invalid token is simply no caller here (the
    route's principal dependency answers 401 for it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers", []))
            auth = headers.get(b"authorization", b"").decode("latin-1")
            if auth.lower().startswith("bearer ") and auth[7:].strip():
                try:
                    claims = verify_bearer(scope["app"].state.security, auth[7:].strip())
                except AppError:
                    claims = None
                if claims is not None:
                    set_caller(scope, Caller(claims))
        await self.app(scope, receive, send)
