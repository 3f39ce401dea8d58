"""Screening results, assessments pinned to a template version, and their cells."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Index, Text, UniqueConstraint, true
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, fk, id_field


class ScreeningOutcome(StrEnum):
    full = "full"
    light = "light"
    not_needed = "not_needed"


class Screening(SQLModel, table=True):
    __tablename__ = "screening"

    id: str = id_field()
    draft_id: str = fk("decision_draft.id", cascade=True, index=False)
    template_id: str = fk("assessment_template.id", index=False)
    answers: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    computed_outcome: ScreeningOutcome = enum_field(ScreeningOutcome)
    outcome: ScreeningOutcome = enum_field(ScreeningOutcome)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    suggested_templates: list[str] = Field(sa_column=Column(JSON, nullable=False))
    screened_by: str = Field(max_length=200)
    screened_at: datetime = created_at_field()

    __table_args__ = (UniqueConstraint("draft_id"),)


class AssessmentState(StrEnum):
    active = "active"
    previous = "previous"


class Assessment(SQLModel, table=True):
    __tablename__ = "assessment"

    id: str = id_field()
    draft_id: str = fk("decision_draft.id", cascade=True)
    organisation_id: str = fk("organisation.id")
    template_id: str = fk("assessment_template.id", index=False)
    state: AssessmentState = enum_field(AssessmentState, default=AssessmentState.active)
    cycle: int = 1
    mitigation: str = Field(default="", sa_column=Column(Text, nullable=False))
    comparison: str = Field(default="", sa_column=Column(Text, nullable=False))
    recommended_alternative: str | None = Field(default=None, max_length=40)
    participation: str = Field(default="", sa_column=Column(Text, nullable=False))
    statements: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    sources: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    indicators: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # The THL scoping: the areas and groups judged relevant (None: every one, no scope set)
    # and the one reason for what was left out.
    scope_areas: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    scope_groups: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    scope_reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    updated_by: str = Field(default="", max_length=200)
    # Whether the draft may have a sign-off that is not stale yet: false only after a check
    # found none, set again (under this row's lock) when a sign-off is given. The version
    # claim returns it, so a cell write skips the staleness work when there is nothing to mark.
    has_live_signoffs: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )


# A cell's `written_version` when no writer named it: newer than any version, so a read that
# patches its cached matrix with the cells written since always fetches such a cell again.
UNKNOWN_VERSION = 2**31 - 1


class AssessmentCell(SQLModel, table=True):
    """One assessed cell; a cell without a row is *not yet assessed*."""

    __tablename__ = "assessment_cell"
    __table_args__ = (
        UniqueConstraint("assessment_id", "alternative", "area", "grp", "gender"),
        Index("ix_assessment_cell_written", "assessment_id", "written_version"),
    )

    id: str = id_field()
    assessment_id: str = fk("assessment.id", cascade=True, index=False)
    alternative: str = Field(max_length=40)
    area: str = Field(max_length=80)
    grp: str = Field(max_length=80)
    gender: str = Field(max_length=40)
    value: int | None = None
    cannot_assess: bool = Field(default=False, nullable=False)
    horizon: str | None = Field(default=None, max_length=40)
    certainty: str | None = Field(default=None, max_length=20)
    justification: str = Field(default="", sa_column=Column(Text, nullable=False))
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False))
    mitigation: str = Field(default="", sa_column=Column(Text, nullable=False))
    updated_at: datetime = created_at_field()
    updated_by: str = Field(default="", max_length=200)
    # The assessment version whose write last stored this row (repository.upsert_cells sets
    # it; any other insert or ORM update leaves UNKNOWN_VERSION). A read that cached the matrix
    # at version v fetches only the rows written after v (app/assessments/matrix_state.py).
    written_version: int = Field(
        default=UNKNOWN_VERSION,
        sa_column_kwargs={"onupdate": UNKNOWN_VERSION, "server_default": "0"},
    )
