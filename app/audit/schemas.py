"""Audit log bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.core.schemas import ReadModel


class AuditEntryRead(ReadModel):
    seq: int
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


class ChainReportRead(ReadModel):
    ok: bool
    checked: int
    broken_at: int | None
    reason: str | None
