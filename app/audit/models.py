"""The append-only audit log: one HMAC-keyed hash chain per organisation.

Each organisation's entries form their own chain (`chain` = the organisation's id; entries
without an organisation form the chain `platform`), so writers of different organisations
never wait on one another. `seq` numbers entries across all chains in insertion order (a
sequence, not a lock); `chain_seq` numbers them within their chain without gaps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field

PLATFORM_CHAIN = "platform"


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (UniqueConstraint("chain", "chain_seq"),)

    seq: int | None = Field(default=None, primary_key=True)
    chain: str = Field(max_length=36)
    chain_seq: int
    occurred_at: datetime = created_at_field()
    actor_type: str = Field(max_length=20)
    actor_id: str | None = Field(default=None, max_length=80)
    actor_name: str | None = Field(default=None, max_length=200)
    organisation_id: str | None = Field(default=None, max_length=36, index=True)
    entity_type: str = Field(max_length=40)
    entity_id: str = Field(max_length=80, index=True)
    action: str = Field(max_length=60)
    version: int | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class AuditChain(SQLModel, table=True):
    """Each chain's tip; a writer locks only its own chain's row. The database lets the row
    move only one step forward, onto a stored entry, and never be deleted."""

    __tablename__ = "audit_chain"

    chain: str = Field(primary_key=True, max_length=36)
    seq: int = 0
    hash: str = Field(max_length=64)
