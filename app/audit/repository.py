"""Audit queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.audit.models import AuditEntry
from app.organisations.models import Organisation


def entries_for_organisation(
    session: Session, *, organisation_id: str, entity_id: str | None, limit: int, offset: int
) -> Sequence[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.organisation_id == organisation_id)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    return session.exec(query.order_by(col(AuditEntry.seq)).offset(offset).limit(limit)).all()


def entries_for_entities(session: Session, entity_ids: Sequence[str]) -> Sequence[AuditEntry]:
    return session.exec(
        select(AuditEntry)
        .where(col(AuditEntry.entity_id).in_(entity_ids))
        .order_by(col(AuditEntry.seq))
    ).all()


def organisation_exists(session: Session, organisation_id: str) -> bool:
    return session.get(Organisation, organisation_id) is not None
