"""Sign-offs bound to content hashes, and comments."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, fk, id_field, timestamp_field


class Decision(StrEnum):
    approved = "approved"
    changes_requested = "changes_requested"


class SignOff(SQLModel, table=True):
    __tablename__ = "signoff"
    __table_args__ = (Index("ix_signoff_draft_cycle", "draft_id", "cycle"),)

    id: str = id_field()
    draft_id: str = fk("decision_draft.id", cascade=True, index=False)
    organisation_id: str = Field(max_length=36, index=True)
    assessment_id: str | None = Field(default=None, max_length=36)
    cycle: int = 1
    requirement: str = Field(max_length=60)
    reviewer_id: str = fk("user_account.id", index=True)
    reviewer_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    decision: Decision = enum_field(Decision)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    template_id: str | None = Field(default=None, max_length=36)
    draft_version: int
    assessment_version: int | None = None
    created_at: datetime = created_at_field()
    stale_at: datetime | None = timestamp_field(nullable=True)
    due_date: date | None = None


class Comment(SQLModel, table=True):
    __tablename__ = "review_comment"
    __table_args__ = (Index("ix_review_comment_draft", "draft_id", "created_at"),)

    id: str = id_field()
    draft_id: str = fk("decision_draft.id", cascade=True, index=False)
    organisation_id: str = Field(max_length=36)
    parent_id: str | None = fk("review_comment.id", nullable=True, index=False)
    anchor: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    author_id: str = Field(max_length=36)
    author_name: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    resolved: bool = Field(default=False, nullable=False)
    resolved_by: str | None = Field(default=None, max_length=200)
    resolved_at: datetime | None = timestamp_field(nullable=True)
    version: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()
