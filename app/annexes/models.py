"""Issued annexes and their files: immutable once written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, fk, id_field


class Annex(SQLModel, table=True):
    __tablename__ = "annex"
    __table_args__ = (UniqueConstraint("draft_id", "number", "language"),)

    id: str = id_field()
    draft_id: str = fk("decision_draft.id", cascade=True)
    organisation_id: str = Field(max_length=36, index=True)
    assessment_id: str | None = Field(default=None, max_length=36)
    number: int = Field(description="1 for the first issue of the draft, then 2, 3 …")
    language: str = Field(max_length=2)
    draft_version: int
    content_hash: str = Field(max_length=64)
    approvals: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    issued_at: datetime = created_at_field()
    issued_by: str = Field(max_length=200)


class AnnexFile(SQLModel, table=True):
    __tablename__ = "annex_file"
    __table_args__ = (UniqueConstraint("annex_id", "format"),)

    id: str = id_field()
    annex_id: str = fk("annex.id", cascade=True)
    format: str = Field(max_length=10)
    media_type: str = Field(max_length=100)
    file_name: str = Field(max_length=200)
    sha256: str = Field(max_length=64, index=True)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
