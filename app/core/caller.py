"""Who is calling: the verified bearer claims, resolved once per request.

The auth layer's middleware verifies the token and leaves the caller in the request scope;
the rate limit, the idempotency keys and the principal dependency read it from there, so no
piece of core imports auth and no token is verified twice in one request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.types import Scope

_KEY = "caller"


@dataclass(frozen=True)
class Caller:
    claims: dict[str, Any]

    @property
    def subject(self) -> str:
        return str(self.claims.get("sub", ""))

    @property
    def identity(self) -> tuple[object, str]:
        """Issuer and subject: who the caller is across token renewals."""
        return self.claims.get("iss"), self.subject

    @property
    def client_subject(self) -> str | None:
        """The `client:…` subject of a system caller (our own tokens only)."""
        external = bool(self.claims.get("_external"))
        return self.subject if self.subject.startswith("client:") and not external else None


def set_caller(scope: Scope, caller: Caller) -> None:
    scope.setdefault("state", {})[_KEY] = caller


def caller_of(scope: Scope) -> Caller | None:
    """The verified caller, or None for an anonymous request or an invalid token."""
    state = scope.get("state")
    found = state.get(_KEY) if isinstance(state, dict) else None
    return found if isinstance(found, Caller) else None
