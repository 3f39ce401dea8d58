"""An organisation's own workflow policy, stored as JSON and versioned like every resource."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, fk, id_field


class PolicyRecord(SQLModel, table=True):
    __tablename__ = "workflow_policy"

    id: str = id_field()
    organisation_id: str = fk("organisation.id", cascade=True, index=False)
    policy: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    version: int = Field(default=1, nullable=False)
    updated_at: datetime = created_at_field()
    updated_by: str = Field(default="", max_length=200)

    __table_args__ = (Index("uq_workflow_policy_organisation_id", "organisation_id", unique=True),)
