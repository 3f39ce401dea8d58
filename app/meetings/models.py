"""A draft's meetings: the annex attached to an agenda item, and the outcome recorded."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, fk, id_field, timestamp_field


class Outcome(StrEnum):
    passed_unchanged = "passed_unchanged"
    passed_after_vote = "passed_after_vote"
    passed_revised = "passed_revised"
    passed_modified = "passed_modified"
    rejected = "rejected"
    noted = "noted"
    returned_to_preparation = "returned_to_preparation"
    tabled = "tabled"
    removed = "removed"


class MeetingItem(SQLModel, table=True):
    __tablename__ = "meeting_item"

    id: str = id_field()
    draft_id: str = fk("decision_draft.id", cascade=True)
    organisation_id: str = Field(max_length=36)
    annex_number: int
    meeting_id: str = Field(max_length=120)
    item_number: str = Field(max_length=40)
    meeting_date: date
    decision_body: str = Field(default="", max_length=200)
    attached_by: str = Field(max_length=200)
    attached_at: datetime = created_at_field()
    outcome: str | None = Field(default=None, max_length=40)
    vote_result: str | None = Field(default=None, max_length=500)
    addendum: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    draft_version_frozen: int | None = None
    recorded_by: str | None = Field(default=None, max_length=200)
    recorded_at: datetime | None = timestamp_field(nullable=True)
