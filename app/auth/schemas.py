"""Token and caller bodies."""

from __future__ import annotations

from app.auth.principal import PrincipalKind
from app.core.schemas import ReadModel
from app.organisations.models import Role


class TokenResponse(ReadModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (OAuth2 token type, not a secret)
    expires_in: int
    scope: str = ""


class OrganisationRoles(ReadModel):
    organisation_id: str
    organisation_name: str
    roles: list[Role]
    via_region: bool


class MeRead(ReadModel):
    kind: PrincipalKind
    id: str
    name: str
    email: str | None
    is_superuser: bool
    scopes: list[str]
    organisations: list[OrganisationRoles]
