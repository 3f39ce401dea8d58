"""Matrix and screening templates stored in the database, one row per template version."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, fk, id_field


class TemplateStatus(StrEnum):
    draft = "draft"
    published = "published"
    retired = "retired"


class AssessmentTemplate(SQLModel, table=True):
    __tablename__ = "assessment_template"
    __table_args__ = (UniqueConstraint("owner", "key", "version"),)

    id: str = id_field()
    # "" for templates shipped with Ennakko, else the owning organisation's id.
    owner: str = Field(default="", max_length=36, index=True)
    organisation_id: str | None = fk("organisation.id", nullable=True)
    key: str = Field(max_length=80)
    version: int
    kind: str = Field(max_length=20)
    status: TemplateStatus = enum_field(TemplateStatus)
    name: str = Field(max_length=300)
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)
    source_yaml: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    revision: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
