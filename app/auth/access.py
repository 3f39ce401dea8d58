"""A person's roles, cached per worker under the access version the database keeps for them.

`user_account.access_version` is raised by database triggers whenever the person's roles may
change (a membership added, removed or changed; an organisation joining or leaving a region),
in the same transaction as the change. Every request still reads the person's row (active,
session epoch, access version) by primary key, so a change committed by any worker, the CLI
or plain SQL is seen by the next request everywhere; only the membership query is saved.

The version is read before the roles: roles cached under a version are never older than it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.core.cache import LruCache
from app.organisations import repository as org_repo
from app.organisations.models import Role


@dataclass(frozen=True)
class Access:
    """Roles per organisation, and the (organisation, role) pairs held directly (not via a
    region)."""

    roles: dict[str, frozenset[Role]]
    direct: frozenset[tuple[str, Role]]


# (user id, access version) → Access; a few hundred bytes each, so at most a few MB.
_CACHE: LruCache[tuple[str, int], Access] = LruCache(8192)


def _load(session: Session, user_id: str) -> Access:
    roles: dict[str, set[Role]] = {}
    direct: set[tuple[str, Role]] = set()
    for organisation_id, role, member in org_repo.roles_of_user(session, user_id):
        roles.setdefault(organisation_id, set()).add(role)
        direct.add((organisation_id, role))
        if member is not None:
            roles.setdefault(member, set()).add(Role.expert)
    return Access({org: frozenset(rs) for org, rs in roles.items()}, frozenset(direct))


def access_of(session: Session, user: org_repo.UserAccess) -> Access:
    """The person's roles at the access version read with `user`."""
    return _CACHE.get_or_make((user.id, user.access_version), lambda: _load(session, user.id))
