"""Writing and verifying the hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlmodel import Session, select

from app.audit import repository as audit_repo
from app.audit.models import AuditEntry, AuditHead
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import Forbidden, NotFound
from app.organisations.models import Role

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(entry: AuditEntry) -> str:
    """sha256 over the previous hash and the entry's own canonical JSON."""
    body = {
        "seq": entry.seq,
        "occurred_at": entry.occurred_at.isoformat(),
        "actor_type": entry.actor_type,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "organisation_id": entry.organisation_id,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "action": entry.action,
        "version": entry.version,
        "data": entry.data,
    }
    return hashlib.sha256((entry.prev_hash + canonical_json(body)).encode()).hexdigest()


def _locked_head(session: Session) -> AuditHead:
    head = session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def record(
    session: Session,
    *,
    actor: Principal,
    action: str,
    entity_type: str,
    entity_id: str,
    organisation_id: str | None,
    version: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction."""
    head = _locked_head(session)
    entry = AuditEntry(
        seq=head.seq + 1,
        occurred_at=utcnow(),
        actor_type=actor.kind.value,
        actor_id=actor.id,
        actor_name=actor.name,
        organisation_id=organisation_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        version=version,
        data=json.loads(canonical_json(data or {})),
        prev_hash=head.hash,
        hash="",
    )
    entry.hash = entry_hash(entry)
    head.seq, head.hash = entry.seq, entry.hash
    session.add(entry)
    session.add(head)
    session.flush()
    return entry


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
) -> AuditEntry:
    """Record a change to a stored entity: its type (by table), id, organisation and version
    are read from the entity. Give `organisation_id` or `version` only where the entity says
    them differently (an organisation is its own organisation; a template counts revisions)."""
    table = str(entity.__tablename__)
    return record(
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


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(entries: Iterable[AuditEntry], head: AuditHead | None) -> ChainReport:
    """Walk the chain in order and report the first entry whose link does not hold."""
    prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainReport(checked, entry.seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev:
            return ChainReport(checked, entry.seq, "previous-hash link does not match")
        if entry_hash(entry) != entry.hash:
            return ChainReport(checked, entry.seq, "entry content does not match its hash")
        prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    if head is not None and (head.seq != checked or head.hash != prev):
        return ChainReport(checked, checked + 1, "chain ends before the recorded head")
    return ChainReport(checked)


def verify(session: Session) -> ChainReport:
    """Verify the whole audit chain stored in the database."""
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000)  # type: ignore[arg-type]
    head = session.get(AuditHead, 1)
    return verify_chain(entries, head)


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


def verify_as(session: Session, *, principal: Principal) -> ChainReport:
    """Verify the chain (platform operators)."""
    if not principal.is_superuser:
        raise Forbidden("Only a platform operator verifies the whole chain")
    return verify(session)


def entries_for_entities(session: Session, entity_ids: Sequence[str]) -> Sequence[AuditEntry]:
    """The entries about any of these entities, in chain order (callers checked visibility)."""
    return audit_repo.entries_for_entities(session, entity_ids)
