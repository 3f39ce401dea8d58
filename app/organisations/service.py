"""Rules for organisations, people, memberships and API clients."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.core.passwords import hash_secret
from app.core.versioning import check_version, claim
from app.organisations import repository as repo
from app.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from app.organisations.schemas import (
    MembershipCreate,
    OrganisationCreate,
    OrganisationUpdate,
    UserCreate,
)


def require_admin(principal: Principal, organisation_id: str) -> None:
    if principal.is_superuser or Role.admin in principal.roles_in(organisation_id):
        return
    raise Forbidden("Only an administrator of this organisation may do that")


def visible_organisation(
    session: Session, *, principal: Principal, organisation_id: str
) -> Organisation:
    """The organisation, or 404 when it does not exist or the caller has no role in it."""
    org = repo.get_organisation(session, organisation_id)
    if org is None or not principal.sees(org.id):
        raise NotFound("Organisation not found")
    return org


# Organisations whose experts support their member organisations (the expert role extends).
REGION_KINDS = frozenset(
    {OrganisationKind.regional_council, OrganisationKind.wellbeing_services_county}
)
# Who belongs to which region and whose addresses are whose: platform operators decide.
OPERATOR_FIELDS = ("parent_id", "email_domains")


def _check_parent(session: Session, *, kind: OrganisationKind, parent_id: str | None) -> None:
    """The parent is a region, and a region belongs to no region (so there are no cycles)."""
    if parent_id is None:
        return
    if kind in REGION_KINDS:
        raise Unprocessable("A region does not belong to another region")
    parent = repo.get_organisation(session, parent_id)
    if parent is None:
        raise Unprocessable("Parent organisation does not exist", details={"parent_id": parent_id})
    if parent.kind not in REGION_KINDS:
        raise Unprocessable(
            "The parent must be a region (regional council or wellbeing services county)",
            details={"parent_id": parent_id},
        )


def create_organisation(
    session: Session, *, principal: Principal, data: OrganisationCreate
) -> Organisation:
    """Create a tenant (platform operators only)."""
    if not principal.is_superuser:
        raise Forbidden("Only a platform operator may create organisations")
    if repo.organisation_by_slug(session, data.slug):
        raise Conflict("An organisation with this slug exists", details={"slug": data.slug})
    _check_parent(session, kind=data.kind, parent_id=data.parent_id)
    org = Organisation(
        slug=data.slug,
        name=data.name,
        name_sv=data.name_sv,
        kind=data.kind,
        languages=[lang.value for lang in data.languages],
        parent_id=data.parent_id,
        email_domains=data.email_domains,
        records_settings=data.records_settings.model_dump(mode="json"),
    )
    session.add(org)
    session.flush()
    audit.changed(
        session,
        principal,
        "organisation.created",
        org,
        organisation_id=org.id,
        data={"slug": org.slug, "kind": org.kind.value},
    )
    return org


def update_organisation(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    expected_version: int,
    data: OrganisationUpdate,
) -> Organisation:
    """Change names, languages or records settings (organisation admins); the region and
    the e-mail domains only a platform operator changes."""
    org = visible_organisation(session, principal=principal, organisation_id=organisation_id)
    require_admin(principal, org.id)
    changes = data.model_dump(mode="json", exclude_unset=True)
    # Sending the current value back is no change: clients may PATCH what they read.
    for field in OPERATOR_FIELDS:
        if field in changes and changes[field] == getattr(org, field):
            del changes[field]
    if any(field in changes for field in OPERATOR_FIELDS) and not principal.is_superuser:
        raise Forbidden("Only a platform operator may change the region or the e-mail domains")
    check_version(expected=expected_version, current=org.version, changed_at=org.updated_at)
    old_parent = org.parent_id
    if "parent_id" in changes:
        _check_parent(session, kind=org.kind, parent_id=data.parent_id)
    claim(session, org, expected_version)
    for field, value in changes.items():
        setattr(org, field, value)
    org.updated_at = utcnow()
    session.add(org)
    session.flush()
    audit.changed(
        session, principal, "organisation.updated", org, organisation_id=org.id, data=changes
    )
    if "parent_id" in changes:
        _audit_region_change(session, principal, org, old_parent)
    return org


def _audit_region_change(
    session: Session, principal: Principal, org: Organisation, old_parent: str | None
) -> None:
    """The regions' own trails show a member joining or leaving (their experts' reach)."""
    for region in sorted({r for r in (old_parent, org.parent_id) if r is not None}):
        audit.changed(
            session,
            principal,
            "organisation.region_changed",
            org,
            organisation_id=region,
            data={"from": old_parent, "to": org.parent_id},
        )


def list_organisations(
    session: Session, *, principal: Principal, limit: int, offset: int
) -> Sequence[Organisation]:
    visible = None if principal.is_superuser else principal.organisation_ids
    return repo.list_organisations(session, visible=visible, limit=limit, offset=offset)


def create_user(session: Session, *, principal: Principal, data: UserCreate) -> User:
    """Create a person with roles in one organisation (its admins, for addresses in its
    e-mail domains; platform operators for any address)."""
    org = visible_organisation(session, principal=principal, organisation_id=data.organisation_id)
    require_admin(principal, data.organisation_id)
    _check_own_address(principal, org, data.email)
    existing = repo.user_by_email(session, data.email)
    if existing is not None:
        # Only ever said about an address in the caller's own domains (or to an operator).
        known = principal.is_superuser or bool(
            _organisations_of(session, existing) & principal.organisation_ids
        )
        raise Conflict(
            "A user with this e-mail exists"
            + ("" if known else "; a platform operator can give them a role here"),
            details={"email": data.email} | ({"user_id": existing.id} if known else {}),
        )
    user = User(
        email=data.email.lower(),
        full_name=data.full_name,
        password_hash=hash_secret(data.password) if data.password else None,
    )
    session.add(user)
    session.flush()
    for role in sorted(set(data.roles)):
        session.add(Membership(user_id=user.id, organisation_id=data.organisation_id, role=role))
    session.flush()
    audit.changed(
        session,
        principal,
        "user.created",
        user,
        organisation_id=data.organisation_id,
        data={"email": user.email, "roles": sorted(r.value for r in set(data.roles))},
    )
    return user


def _check_own_address(principal: Principal, org: Organisation, email: str) -> None:
    """An admin creates accounts for the organisation's own addresses only. Whether an address
    elsewhere has an account is another tenant's business: the answer never depends on it."""
    if principal.is_superuser:
        return
    domain = email.rpartition("@")[2].lower()
    if domain not in org.email_domains:
        raise Forbidden(
            "Accounts are created here only for addresses in the organisation's e-mail "
            "domains; a platform operator adds anyone else",
            code="email_domain_not_managed",
            details={"email_domains": org.email_domains},
        )


def _organisations_of(session: Session, user: User) -> set[str]:
    return {m.organisation_id for m in repo.memberships_of_user(session, user.id)}


def visible_user(session: Session, *, principal: Principal, user_id: str) -> User:
    user = repo.get_user(session, user_id)
    if user is None:
        raise NotFound("User not found")
    if (
        not principal.is_superuser
        and user.id != principal.id
        and not _organisations_of(session, user) & principal.organisation_ids
    ):
        raise NotFound("User not found")
    return user


def _manages(session: Session, principal: Principal, user: User) -> bool:
    """The caller administers an organisation the person already belongs to."""
    return principal.is_superuser or any(
        Role.admin in principal.roles_in(org_id) for org_id in _organisations_of(session, user)
    )


def add_membership(
    session: Session, *, principal: Principal, organisation_id: str, data: MembershipCreate
) -> Membership:
    """Give a person the caller manages a role here; anyone else joins through an operator."""
    visible_organisation(session, principal=principal, organisation_id=organisation_id)
    require_admin(principal, organisation_id)
    user = repo.get_user(session, data.user_id)
    # One answer for "no such person" and "someone else's person": no existence oracle, and
    # nobody is attached to an organisation without their own organisation's say.
    if user is None or not _manages(session, principal, user):
        raise Unprocessable(
            "No person with this id in an organisation you administer; a platform operator "
            "adds people from other organisations",
            details={"user_id": data.user_id},
        )
    if repo.find_membership(
        session, user_id=data.user_id, organisation_id=organisation_id, role=data.role
    ):
        raise Conflict("The user already has this role here")
    membership = Membership(user_id=data.user_id, organisation_id=organisation_id, role=data.role)
    session.add(membership)
    session.flush()
    audit.changed(
        session,
        principal,
        "membership.created",
        membership,
        data={"user_id": data.user_id, "role": data.role.value},
    )
    return membership


def remove_membership(
    session: Session, *, principal: Principal, organisation_id: str, membership_id: str
) -> None:
    """Take a role away; the last administrator cannot be removed."""
    visible_organisation(session, principal=principal, organisation_id=organisation_id)
    require_admin(principal, organisation_id)
    membership = repo.get_membership(session, membership_id)
    if membership is None or membership.organisation_id != organisation_id:
        raise NotFound("Membership not found")
    admins = [m for m in repo.memberships_in(session, organisation_id) if m.role is Role.admin]
    if membership.role is Role.admin and len(admins) == 1:
        raise Conflict("The last administrator of an organisation cannot be removed")
    session.delete(membership)
    session.flush()
    # Roles are read fresh on every request; ending the sessions also makes the person sign
    # in again, so nothing cached on their side outlives the role.
    repo.end_sessions(session, User, membership.user_id)
    audit.changed(
        session,
        principal,
        "membership.deleted",
        membership,
        data={"user_id": membership.user_id, "role": membership.role.value},
    )


@dataclass(frozen=True)
class UserWithMemberships:
    user: User
    memberships: list[Membership]


def with_memberships(
    session: Session, users: Sequence[User], *, principal: Principal
) -> list[UserWithMemberships]:
    """The users with their memberships in organisations the caller sees (one query for all):
    what a person does in another tenant is not this one's business."""
    by_user: dict[str, list[Membership]] = {}
    for membership in repo.memberships_of_users(session, [u.id for u in users]):
        if principal.sees(membership.organisation_id) or membership.user_id == principal.id:
            by_user.setdefault(membership.user_id, []).append(membership)
    return [UserWithMemberships(u, by_user.get(u.id, [])) for u in users]


def list_users(
    session: Session, *, principal: Principal, organisation_id: str, limit: int, offset: int
) -> list[UserWithMemberships]:
    """People with a role in an organisation the caller belongs to."""
    visible_organisation(session, principal=principal, organisation_id=organisation_id)
    users = repo.list_users(
        session, organisation_ids=frozenset({organisation_id}), limit=limit, offset=offset
    )
    return with_memberships(session, users, principal=principal)


# What other domains read of organisations and people they already hold.


def organisation(session: Session, organisation_id: str) -> Organisation | None:
    return repo.get_organisation(session, organisation_id)


def user(session: Session, user_id: str) -> User | None:
    return repo.get_user(session, user_id)


def has_membership(session: Session, *, user_id: str, organisation_id: str, role: Role) -> bool:
    """Whether the person holds `role` in the organisation itself (not through its region)."""
    found = repo.find_membership(
        session, user_id=user_id, organisation_id=organisation_id, role=role
    )
    return found is not None


def organisations_by_ids(
    session: Session, organisation_ids: Sequence[str]
) -> Sequence[Organisation]:
    return repo.organisations_by_ids(session, organisation_ids)


def user_by_email(session: Session, email: str) -> User | None:
    return repo.user_by_email(session, email)


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    return repo.organisation_by_slug(session, slug)
