"""Who may do what: every scope and every permission, by roles (people) and scopes (clients).

Each API route declares one of these permissions with `RequireScope` (app/auth/dependencies.py);
that gate runs before anything else the route does, and the spec names the scope the route
needs. Services then check the same permission per organisation (`ensure`).

- **API clients** hold the scopes they were granted (`Scope`) and asked for in their token.
- **People** hold the scopes their roles imply: a person passes a route's gate when one of
  their roles, in any organisation, is one the permission names; platform operators pass
  every gate. Whether the role counts in *this* organisation is the service's check (404 when
  the caller has no role there, 403 when the role does not allow it).
- Scopes in `PeopleScope` name what only people do; they are never granted to a client.
"""

from __future__ import annotations

from enum import StrEnum

from app.auth.principal import Permission, Principal, PrincipalKind
from app.core.errors import Forbidden, NotFound
from app.organisations.models import Role


class Scope(StrEnum):
    """Scopes an API client can be granted (client-credentials grant)."""

    drafts_read = "drafts:read"
    drafts_write = "drafts:write"
    comments_write = "comments:write"
    reviews_write = "reviews:write"
    meetings_write = "meetings:write"
    annexes_read = "annexes:read"
    annexes_write = "annexes:write"
    webhooks_manage = "webhooks:manage"
    templates_read = "templates:read"
    reports_read = "reports:read"
    followups_write = "followups:write"


class PeopleScope(StrEnum):
    """Scopes only people hold, through their roles; no API client is ever granted one."""

    templates_write = "templates:write"
    users_read = "users:read"
    organisations_admin = "organisations:admin"
    platform_operate = "platform:operate"


SCOPE_DESCRIPTIONS: dict[str, str] = {
    Scope.drafts_read: "Read drafts, screenings, assessments, reviews, comments and meetings",
    Scope.drafts_write: (
        "Create and edit drafts, screenings and assessments, and take the workflow "
        "transitions of a preparer (the organisation's workflow policy decides per state)"
    ),
    Scope.comments_write: "Comment on drafts, resolve and reopen comments",
    Scope.reviews_write: "Take the workflow transitions of an expert reviewer",
    Scope.meetings_write: "Attach annexes to meetings, record outcomes, secretary transitions",
    Scope.annexes_read: "Read and verify annexes and record pushes",
    Scope.annexes_write: "Issue annexes and answer record pushes",
    Scope.webhooks_manage: "Manage webhook subscriptions and deliveries",
    Scope.templates_read: "Read assessment templates",
    Scope.reports_read: (
        "Read the coverage register and the impact ledger of the client's organisation "
        "(a region's client: its members' aggregates)"
    ),
    Scope.followups_write: (
        "Plan follow-ups of decided drafts, record their post-decision reviews and import "
        "the organisation's indicator catalogue"
    ),
    PeopleScope.templates_write: "People only (admins, experts): manage templates",
    PeopleScope.users_read: "People only (any role): read the people of an organisation",
    PeopleScope.organisations_admin: "People only (admins): people, clients, policy, case system",
    PeopleScope.platform_operate: "People only (platform operators): organisations, audit chain",
}

ANY_ROLE = (Role.preparer, Role.expert, Role.secretary, Role.admin)

AUTHENTICATED = Permission.of()
"""Any authenticated caller (what it sees is still filtered by organisation)."""
READ_DRAFTS = Permission.of(*ANY_ROLE, scope=Scope.drafts_read)
WRITE_DRAFTS = Permission.of(Role.preparer, Role.admin, scope=Scope.drafts_write)
# edits the organisation's workflow policy governs per state and role (any role may be named)
EDIT_DRAFTS = Permission.of(*ANY_ROLE, scope=Scope.drafts_write)
TAKE_TRANSITIONS = Permission.of(
    *ANY_ROLE, scopes=(Scope.drafts_write, Scope.reviews_write, Scope.meetings_write)
)
COMMENT = Permission.of(*ANY_ROLE, scope=Scope.comments_write)
READ_TEMPLATES = Permission.of(*ANY_ROLE, scope=Scope.templates_read)
MANAGE_TEMPLATES = Permission.of(Role.admin, Role.expert, scope=PeopleScope.templates_write)
REVIEW = Permission.of(Role.expert, Role.admin, scope=Scope.reviews_write)
RECORD_MEETING = Permission.of(Role.secretary, scope=Scope.meetings_write)
READ_ANNEXES = Permission.of(*ANY_ROLE, scope=Scope.annexes_read)
ISSUE_ANNEXES = Permission.of(Role.secretary, Role.preparer, Role.admin, scope=Scope.annexes_write)
ANSWER_PUSHES = Permission.of(Role.admin, scope=Scope.annexes_write)
MANAGE_WEBHOOKS = Permission.of(Role.admin, scope=Scope.webhooks_manage)
READ_PEOPLE = Permission.of(*ANY_ROLE, scope=PeopleScope.users_read)
ADMINISTER = Permission.of(Role.admin, scope=PeopleScope.organisations_admin)
# welfare coordinators are HYTE experts; administrators answer for the organisation's reporting
READ_REPORTS = Permission.of(Role.expert, Role.admin, scope=Scope.reports_read)
# the follow-up loop: preparers and experts plan and record, administrators too
FOLLOW_UP = Permission.of(Role.preparer, Role.expert, Role.admin, scope=Scope.followups_write)
MANAGE_INDICATORS = Permission.of(Role.expert, Role.admin, scope=Scope.followups_write)
OPERATE = Permission.of(scope=PeopleScope.platform_operate)
"""Platform operators (superusers) only."""


def holds(principal: Principal, permission: Permission) -> bool:
    """The route-level gate: may this caller use a route that needs `permission` at all?"""
    if principal.kind is PrincipalKind.system or principal.is_superuser:
        return True
    if not permission.scopes:
        return True
    if principal.kind is PrincipalKind.client:
        return bool(permission.scopes & principal.scopes)
    return any(roles & permission.roles for roles in principal.roles.values())


def ensure_holds(principal: Principal, permission: Permission) -> None:
    """403 before the route does anything when the caller lacks the route's scope."""
    if holds(principal, permission):
        return
    needed = " or ".join(sorted(permission.scopes))
    if principal.kind is PrincipalKind.client:
        raise Forbidden(f"This API client lacks the {needed} scope", code="insufficient_scope")
    raise Forbidden(f"Your roles do not include {needed}", code="insufficient_scope")


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
    Scope.drafts_write: Role.preparer,
    Scope.reviews_write: Role.expert,
    Scope.meetings_write: Role.secretary,
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
