"""Writing and verifying the hash chain."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from sqlmodel import Session

from app.audit import repository as audit_repo
from app.audit.chain import canonical_json, checkpoint_all, entry_hash, record
from app.audit.models import AuditEntry
from app.audit.verification import ChainReport, VerifyReport, verify, verify_chain
from app.auth.principal import Principal
from app.core.errors import Forbidden, NotFound
from app.organisations.models import Role

__all__ = [
    "ChainReport",
    "VerifyReport",
    "canonical_json",
    "changed",
    "checkpoint_all",
    "entries_for_entities",
    "entry_hash",
    "organisation_log",
    "record",
    "verify",
    "verify_as",
    "verify_chain",
]


class _Given(Enum):
    BY_ENTITY = "by entity"


_BY_ENTITY = _Given.BY_ENTITY
# The audit log's name for an audited table, where the two differ.
_ENTITY_TYPES = {"user_account": "user", "assessment_template": "template"}


def changed(
    session: Session,
    actor: Principal,
    action: str,
    entity: Any,
    *,
    data: dict[str, Any] | None = None,
    organisation_id: str | _Given | None = _BY_ENTITY,
    version: int | _Given | None = _BY_ENTITY,
) -> None:
    """Record a change to a stored entity: its type (by table), id, organisation and version
    are read from the entity. Give `organisation_id` or `version` only where the entity says
    them differently (an organisation is its own organisation; a template counts revisions)."""
    table = str(entity.__tablename__)
    record(
        session,
        actor=actor,
        action=action,
        entity_type=_ENTITY_TYPES.get(table, table),
        entity_id=entity.id,
        organisation_id=getattr(entity, "organisation_id", None)
        if organisation_id is _Given.BY_ENTITY
        else organisation_id,
        version=getattr(entity, "version", None) if version is _Given.BY_ENTITY else version,
        data=data,
    )


def organisation_log(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    entity_id: str | None,
    limit: int,
    offset: int,
) -> Sequence[AuditEntry]:
    """An organisation's audit entries in chain order (its administrators)."""
    # audit sits beside organisations (which records through it), so it asks its own query
    if not principal.sees(organisation_id) or not audit_repo.organisation_exists(
        session, organisation_id
    ):
        raise NotFound("Organisation not found")
    if not (principal.is_superuser or Role.admin in principal.roles_in(organisation_id)):
        raise Forbidden("Only administrators read the audit log")
    return audit_repo.entries_for_organisation(
        session, organisation_id=organisation_id, entity_id=entity_id, limit=limit, offset=offset
    )


def verify_as(session: Session, *, principal: Principal) -> VerifyReport:
    """Verify every chain (platform operators)."""
    if not principal.is_superuser:
        raise Forbidden("Only a platform operator verifies the whole chain")
    return verify(session)


def entries_for_entities(session: Session, entity_ids: Sequence[str]) -> Sequence[AuditEntry]:
    """The entries about any of these entities, in chain order (callers checked visibility)."""
    return audit_repo.entries_for_entities(session, entity_ids)
