"""Who may do what: one place naming each permission by roles (people) and scope (systems)."""

from __future__ import annotations

from app.auth.principal import Permission, Principal
from app.core.errors import Forbidden, NotFound
from app.organisations.models import Role

ANY_ROLE = (Role.preparer, Role.expert, Role.secretary, Role.admin)

READ_DRAFTS = Permission.of(*ANY_ROLE, scope="drafts:read")
WRITE_DRAFTS = Permission.of(Role.preparer, Role.admin, scope="drafts:write")
SCREEN_DRAFTS = Permission.of(Role.preparer, Role.admin, scope="drafts:write")
SCORE_CELLS = Permission.of(Role.preparer, Role.expert, scope="drafts:write")
READ_TEMPLATES = Permission.of(*ANY_ROLE, scope="templates:read")
MANAGE_TEMPLATES = Permission.of(Role.admin, Role.expert)
REVIEW = Permission.of(Role.expert, Role.admin, scope="reviews:write")
RECORD_MEETING = Permission.of(Role.secretary, scope="meetings:write")
READ_ANNEXES = Permission.of(*ANY_ROLE, scope="annexes:read")
ISSUE_ANNEXES = Permission.of(Role.secretary, Role.preparer, Role.admin, scope="annexes:write")
MANAGE_WEBHOOKS = Permission.of(Role.admin, scope="webhooks:manage")
ADMINISTER = Permission.of(Role.admin)
COMMENT = READ_DRAFTS  # whoever may read a draft may comment on it
RESOLVE_COMMENTS = Permission.of(*ANY_ROLE, scope=REVIEW.scope)
ANSWER_PUSHES = Permission.of(Role.admin, scope="annexes:write")


def ensure_visible(principal: Principal, organisation_id: str, what: str) -> None:
    """404 when the caller has no role at all in the organisation: existence is not leaked."""
    if not principal.sees(organisation_id):
        raise NotFound(f"{what} not found")


def ensure(principal: Principal, organisation_id: str, permission: Permission, action: str) -> None:
    """403 when the caller sees the organisation but lacks the permission."""
    if principal.is_superuser and principal.kind.value == "system":
        return
    if not principal.may(organisation_id, permission):
        raise Forbidden(f"Your role does not allow you to {action}")


_SCOPE_ROLES = {
    "drafts:write": Role.preparer,
    "reviews:write": Role.expert,
    "meetings:write": Role.secretary,
}


def effective_roles(principal: Principal, organisation_id: str) -> frozenset[Role]:
    """A person's roles; for a system, the roles its scopes stand in for."""
    if principal.kind.value == "client":
        if organisation_id not in principal.roles:
            return frozenset()
        return frozenset(role for scope, role in _SCOPE_ROLES.items() if scope in principal.scopes)
    if principal.kind.value == "system":
        return frozenset(Role)
    return principal.roles_in(organisation_id)
