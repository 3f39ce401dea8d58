"""Every query about organisations, users, memberships and API clients."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.core.db import run_core
from app.organisations.models import ApiClient, Membership, Organisation, Role, User


def get_organisation(session: Session, organisation_id: str) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.slug == slug)).first()


def list_organisations(
    session: Session, *, visible: frozenset[str] | None, limit: int, offset: int
) -> Sequence[Organisation]:
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    if visible is not None:
        query = query.where(col(Organisation.id).in_(visible))
    return session.exec(query.offset(offset).limit(limit)).all()


def organisations_by_ids(
    session: Session, organisation_ids: Sequence[str]
) -> Sequence[Organisation]:
    if not organisation_ids:
        return []
    return session.exec(
        select(Organisation).where(col(Organisation.id).in_(organisation_ids))
    ).all()


_NAMES = sa_select(col(Organisation.id), col(Organisation.name)).where(
    col(Organisation.id).in_(bindparam("ids", expanding=True))
)


def organisation_names(session: Session, organisation_ids: Sequence[str]) -> dict[str, str]:
    """The organisations' names by id, without building ORM objects (every /me reads them)."""
    if not organisation_ids:
        return {}
    return {str(i): str(n) for i, n in run_core(session, _NAMES, {"ids": list(organisation_ids)})}


def get_user(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def list_users(
    session: Session, *, organisation_ids: frozenset[str] | None, limit: int, offset: int
) -> Sequence[User]:
    query = select(User).order_by(User.email)
    if organisation_ids is not None:
        members = select(Membership.user_id).where(
            col(Membership.organisation_id).in_(organisation_ids)
        )
        query = query.where(col(User.id).in_(members))
    return session.exec(query.offset(offset).limit(limit)).all()


def memberships_of_user(session: Session, user_id: str) -> Sequence[Membership]:
    return session.exec(
        select(Membership).where(Membership.user_id == user_id).order_by(col(Membership.created_at))
    ).all()


def memberships_of_users(session: Session, user_ids: Sequence[str]) -> Sequence[Membership]:
    if not user_ids:
        return []
    return session.exec(select(Membership).where(col(Membership.user_id).in_(user_ids))).all()


def memberships_in(session: Session, organisation_id: str) -> Sequence[Membership]:
    return session.exec(
        select(Membership)
        .where(Membership.organisation_id == organisation_id)
        .order_by(col(Membership.created_at), col(Membership.id))
    ).all()


def find_membership(
    session: Session, *, user_id: str, organisation_id: str, role: Role
) -> Membership | None:
    return session.exec(
        select(Membership).where(
            Membership.user_id == user_id,
            Membership.organisation_id == organisation_id,
            Membership.role == role,
        )
    ).first()


def get_membership(session: Session, membership_id: str) -> Membership | None:
    return session.get(Membership, membership_id)


def get_client(session: Session, client_pk: str) -> ApiClient | None:
    return session.get(ApiClient, client_pk)


def client_by_client_id(session: Session, client_id: str) -> ApiClient | None:
    return session.exec(select(ApiClient).where(ApiClient.client_id == client_id)).first()


def clients_of(session: Session, organisation_id: str) -> Sequence[ApiClient]:
    return session.exec(
        select(ApiClient)
        .where(ApiClient.organisation_id == organisation_id)
        .order_by(ApiClient.client_id)
    ).all()


# Built once: on the hot path of every request, building the statement costs more than running it.
_MEMBER = aliased(Organisation)
_ROLES_OF_USER = (
    select(Membership.organisation_id, Membership.role, _MEMBER.id)
    .outerjoin(
        _MEMBER,
        (col(_MEMBER.parent_id) == col(Membership.organisation_id))
        & (col(Membership.role) == Role.expert),
    )
    .where(col(Membership.user_id) == bindparam("user_id"))
)


def roles_of_user(session: Session, user_id: str) -> list[tuple[str, Role, str | None]]:
    """Each membership with the member organisations an expert membership in a region extends
    to: rows of (organisation, role, member or None)."""
    rows = run_core(session, _ROLES_OF_USER, {"user_id": user_id}).all()
    return [(org, Role(role), child) for org, role, child in rows]


@dataclass(frozen=True)
class UserAccess:
    """What every request reads of the person behind a token: one row, by primary key."""

    id: str
    email: str
    full_name: str
    is_active: bool
    is_superuser: bool
    session_epoch: int
    access_version: int


# The columns of UserAccess, in its order: a query that reads the person's row beside other
# rows (one round trip for a whole request) selects these first.
USER_ACCESS_COLUMNS = (
    col(User.id),
    col(User.email),
    col(User.full_name),
    col(User.is_active),
    col(User.is_superuser),
    col(User.session_epoch),
    col(User.access_version),
)
# sqlalchemy's select: sqlmodel's is typed for at most four columns
_USER_ACCESS = sa_select(*USER_ACCESS_COLUMNS).where(col(User.id) == bindparam("user_id"))


def user_access(session: Session, user_id: str) -> UserAccess | None:
    """The person's row without building an ORM object (read on every request)."""
    row = run_core(session, _USER_ACCESS, {"user_id": user_id}).first()
    return None if row is None else UserAccess(*row)


def end_sessions(session: Session, model: type[User] | type[ApiClient], entity_id: str) -> None:
    """Raise the session epoch in the database itself, so concurrent raises all count."""
    session.execute(
        update(model)
        .where(col(model.id) == entity_id)
        .values(session_epoch=col(model.session_epoch) + 1)
        .execution_options(synchronize_session=False)
    )
    entity = session.get(model, entity_id)
    if entity is not None:
        session.refresh(entity, ["session_epoch"])
