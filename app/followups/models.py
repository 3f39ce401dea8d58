"""The follow-up loop: an indicator catalogue per organisation, and the post-decision review
of a decided draft (its indicators with review dates, realised values and, per predicted cell,
whether the prediction held)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, fk, id_field, timestamp_field


class IndicatorSource(StrEnum):
    sotkanet = "sotkanet"
    teaviisari = "teaviisari"
    own = "own"


class Verdict(StrEnum):
    held = "held"
    partly = "partly"
    did_not_hold = "did_not_hold"
    cannot_say = "cannot_say"


class CatalogueIndicator(SQLModel, table=True):
    """One indicator an organisation (or a region, for its members) follows."""

    __tablename__ = "catalogue_indicator"
    __table_args__ = (UniqueConstraint("organisation_id", "source", "code"),)

    id: str = id_field()
    organisation_id: str = fk("organisation.id", cascade=True)
    source: IndicatorSource = enum_field(IndicatorSource)
    code: str = Field(max_length=40)
    name_fi: str = Field(max_length=300)
    name_sv: str | None = Field(default=None, max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    unit: str | None = Field(default=None, max_length=60)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class FollowUp(SQLModel, table=True):
    """The follow-up of one decided draft: its plan and its post-decision review."""

    __tablename__ = "follow_up"
    __table_args__ = (UniqueConstraint("draft_id"),)

    id: str = id_field()
    draft_id: str = fk("decision_draft.id", cascade=True, index=False)
    organisation_id: str = Field(max_length=36, index=True)
    # the earliest review date of its indicators still to record (null: all recorded)
    next_review_on: date | None = Field(default=None, index=True)
    summary: str = Field(default="", max_length=4000)
    completed_at: datetime | None = timestamp_field(nullable=True)
    version: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    updated_by: str = Field(default="", max_length=200)


class FollowUpIndicator(SQLModel, table=True):
    """One follow-up indicator of the assessment, with its review date and realised value."""

    __tablename__ = "follow_up_indicator"
    __table_args__ = (UniqueConstraint("follow_up_id", "position"),)

    id: str = id_field()
    follow_up_id: str = fk("follow_up.id", cascade=True, index=False)
    position: int
    name: str = Field(max_length=500)
    catalogue_id: str | None = fk("catalogue_indicator.id", nullable=True, index=False)
    baseline: str | None = Field(default=None, max_length=500)
    target: str | None = Field(default=None, max_length=500)
    review_on: date
    responsible: str = Field(max_length=500)
    realised: str | None = Field(default=None, max_length=500)
    observation: str = Field(default="", max_length=4000)
    recorded_at: datetime | None = timestamp_field(nullable=True)
    recorded_by: str | None = Field(default=None, max_length=200)


class FollowUpVerdict(SQLModel, table=True):
    """Whether one predicted cell held, as the post-decision review judged it."""

    __tablename__ = "follow_up_verdict"
    __table_args__ = (
        UniqueConstraint("follow_up_id", "alternative", "area", "grp", "gender"),
        Index("ix_follow_up_verdict_follow_up", "follow_up_id"),
    )

    id: str = id_field()
    follow_up_id: str = fk("follow_up.id", cascade=True, index=False)
    alternative: str = Field(max_length=40)
    area: str = Field(max_length=80)
    grp: str = Field(max_length=80)
    gender: str = Field(max_length=40)
    verdict: Verdict = enum_field(Verdict)
    note: str = Field(default="", max_length=2000)
