"""Audit queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.audit.models import AuditEntry
from app.organisations.models import Organisation


def entries_for_organisation(
    session: Session, *, organisation_id: str, entity_id: str | None, limit: int, offset: int
) -> Sequence[AuditEntry]:
    # an organisation's entries are its own chain (indexed by chain, chain_seq)
    query = select(AuditEntry).where(AuditEntry.chain == organisation_id)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    query = query.order_by(col(AuditEntry.chain_seq)).offset(offset).limit(limit)
    return session.exec(query).all()


def entries_for_entities(session: Session, entity_ids: Sequence[str]) -> Sequence[AuditEntry]:
    return session.exec(
        select(AuditEntry)
        .where(col(AuditEntry.entity_id).in_(entity_ids))
        .order_by(col(AuditEntry.seq))
    ).all()


def organisation_exists(session: Session, organisation_id: str) -> bool:
    return session.get(Organisation, organisation_id) is not None


def organisation_names(session: Session, ids: Sequence[str]) -> dict[str, str]:
    rows = session.exec(
        select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(ids))
    ).all()
    return {row[0]: row[1] for row in rows}
