"""The append-only, hash-chained audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
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


class AuditHead(SQLModel, table=True):
    """One row holding the chain's tip; writers lock it, which keeps the chain linear."""

    __tablename__ = "audit_head"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0
    hash: str = Field(max_length=64)
