"""Audit log bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from app.core.schemas import ReadModel


class AuditEntryRead(ReadModel):
    seq: int
    chain: str
    chain_seq: int
    occurred_at: datetime
    actor_type: str
    actor_id: str | None
    actor_name: str | None
    organisation_id: str | None
    entity_type: str
    entity_id: str
    action: str
    version: int | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


class ChainVerdictRead(ReadModel):
    chain: str = Field(description="The organisation's id, or `platform`")
    ok: bool
    checked: int
    broken_at: int | None = Field(description="The chain-local number of the first bad entry")
    reason: str | None
    checkpointed: int | None = Field(description="The latest entry attested outside the database")


class ChainReportRead(ReadModel):
    ok: bool
    checked: int
    broken_at: int | None
    reason: str | None
    unsigned_checkpoints: int
    chains: list[ChainVerdictRead]
