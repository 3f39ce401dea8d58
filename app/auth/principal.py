"""Who is calling: a person with roles per organisation, or a system with scopes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from app.organisations.models import Role


class PrincipalKind(StrEnum):
    user = "user"
    client = "client"
    system = "system"


@dataclass(frozen=True)
class Permission:
    """People pass with any of `roles` in the organisation; API clients with any of `scopes`."""

    roles: frozenset[Role]
    scopes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *roles: Role, scope: str | None = None, scopes: tuple[str, ...] = ()) -> Permission:
        return cls(frozenset(roles), frozenset((scope,) if scope else scopes))


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    id: str
    name: str
    roles: dict[str, frozenset[Role]] = field(default_factory=dict)
    scopes: frozenset[str] = frozenset()
    is_superuser: bool = False

    @property
    def subject(self) -> str:
        return f"{self.kind.value}:{self.id}"

    @property
    def organisation_ids(self) -> frozenset[str]:
        """Organisations whose data this principal may see."""
        return frozenset(self.roles)

    def sees(self, organisation_id: str) -> bool:
        return self.is_superuser or organisation_id in self.organisation_ids

    def roles_in(self, organisation_id: str) -> frozenset[Role]:
        return self.roles.get(organisation_id, frozenset())

    def may(self, organisation_id: str, permission: Permission) -> bool:
        if self.kind is PrincipalKind.client:
            return organisation_id in self.roles and bool(permission.scopes & self.scopes)
        if self.kind is PrincipalKind.system:
            return True
        return bool(self.roles_in(organisation_id) & permission.roles)


SYSTEM = Principal(kind=PrincipalKind.system, id="ennakko", name="Ennakko", is_superuser=True)
