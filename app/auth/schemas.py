"""Token and caller bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from app.auth.principal import PrincipalKind
from app.core.schemas import InputModel, ReadModel
from app.organisations.models import Role
from app.organisations.schemas import Password


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


class PasswordChange(InputModel):
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    new_password: Password
