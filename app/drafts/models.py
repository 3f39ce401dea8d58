"""Decision drafts, their alternatives and immutable revisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, fk, id_field
from app.workflow.states import DraftStatus


class DecisionDraft(SQLModel, table=True):
    __tablename__ = "decision_draft"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_system", "external_case_id"),
        Index("ix_decision_draft_org_created", "organisation_id", "created_at", "id"),
        Index(
            "ix_decision_draft_org_status_created", "organisation_id", "status", "created_at", "id"
        ),
        Index("ix_decision_draft_org_meeting", "organisation_id", "meeting_date"),
        Index("ix_decision_draft_org_body", "organisation_id", "decision_body"),
    )

    id: str = id_field()
    organisation_id: str = fk("organisation.id", index=False)
    status: DraftStatus = enum_field(DraftStatus, default=DraftStatus.draft)
    title: str = Field(max_length=300)
    proposal: str = Field(sa_column=Column(Text, nullable=False))
    background: str = Field(default="", sa_column=Column(Text, nullable=False))
    decision_body: str = Field(default="", max_length=200)
    decision_type: str = Field(default="", max_length=100)
    meeting_date: date | None = None
    budget_eur: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(16, 2), nullable=True)
    )
    languages: list[str] = Field(sa_column=Column(JSON, nullable=False))
    preparer_id: str | None = fk("user_account.id", nullable=True, index=False)
    presenting_official: str = Field(default="", max_length=200)
    external_system: str | None = Field(default=None, max_length=80)
    external_case_id: str | None = Field(default=None, max_length=120)
    external_label: str | None = Field(default=None, max_length=200)
    matrix_template_key: str | None = Field(default=None, max_length=80)
    content_hash: str = Field(max_length=64)
    version: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    updated_by: str = Field(default="", max_length=200)


class DraftAlternative(SQLModel, table=True):
    __tablename__ = "draft_alternative"
    __table_args__ = (UniqueConstraint("draft_id", "key"),)

    id: str = id_field()
    draft_id: str = fk("decision_draft.id", cascade=True)
    key: str = Field(max_length=40)
    name: str = Field(max_length=300)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    is_status_quo: bool = Field(default=False, nullable=False)
    position: int = 0


class DraftRevision(SQLModel, table=True):
    """What a draft said at one version; never changed after it is written."""

    __tablename__ = "draft_revision"
    __table_args__ = (UniqueConstraint("draft_id", "version"),)

    id: str = id_field()
    draft_id: str = fk("decision_draft.id", cascade=True)
    version: int
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)
    created_at: datetime = created_at_field()
    created_by: str = Field(default="", max_length=200)
