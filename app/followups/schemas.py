"""Request and response bodies of the follow-up loop."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.core.schemas import InputModel, ReadModel
from app.followups.models import IndicatorSource, Verdict

Short = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Note = Annotated[str, StringConstraints(max_length=4000)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=80)]


class CatalogueIndicatorRead(ReadModel):
    id: str
    organisation_id: str = Field(description="The organisation or region that maintains it")
    source: IndicatorSource
    code: str = Field(description="The indicator's id in its source (Sotkanet, TEAviisari)")
    name_fi: str
    name_sv: str | None
    name_en: str | None
    unit: str | None


class CatalogueList(BaseModel):
    items: list[CatalogueIndicatorRead]


class RowError(BaseModel):
    row: int = Field(description="Line of the CSV file (the header is line 1)")
    field: str | None
    message: str


class ImportResult(BaseModel):
    organisation_id: str
    created: int
    updated: int
    unchanged: int


class PlannedIndicator(InputModel):
    position: int = Field(ge=0, lt=50, description="The indicator's index in the assessment")
    review_on: date | None = Field(default=None, description="Default: the assessment's date")
    responsible: Short | None = Field(default=None, description="Default: the assessment's")
    catalogue_id: Key | None = Field(default=None, description="A catalogue entry it measures")


class FollowUpPlan(InputModel):
    """Review dates and responsible persons; an indicator left out keeps the assessment's."""

    indicators: list[PlannedIndicator] = Field(default_factory=list, max_length=50)


class RealisedValue(InputModel):
    position: int = Field(ge=0, lt=50)
    realised: Short | None = None
    observation: Note = ""


class CellVerdict(InputModel):
    alternative: Key
    area: Key
    group: Key
    gender: Key
    verdict: Verdict | None = Field(description="null removes the verdict")
    note: Note = ""


class FollowUpRecord(InputModel):
    """The post-decision review: realised values, verdicts on predicted cells, and whether the
    review is complete. A field left out is unchanged."""

    indicators: list[RealisedValue] = Field(default_factory=list, max_length=50)
    cells: list[CellVerdict] = Field(default_factory=list, max_length=2000)
    summary: Note | None = None
    complete: bool | None = Field(default=None, description="Close (true) or reopen the review")


class FollowUpIndicatorRead(ReadModel):
    position: int
    name: str
    catalogue: CatalogueIndicatorRead | None
    baseline: str | None
    target: str | None
    review_on: date
    responsible: str
    status: str = Field(description="planned, due, overdue or recorded")
    realised: str | None
    observation: str
    recorded_at: datetime | None
    recorded_by: str | None


class CellVerdictRead(ReadModel):
    alternative: str
    area: str
    group: str
    gender: str
    predicted: int | None = Field(description="The value the approved assessment predicted")
    cannot_assess: bool
    verdict: Verdict
    note: str


class FollowUpRead(ReadModel):
    id: str
    draft_id: str
    draft_title: str
    organisation_id: str
    status: str = Field(description="planned, due, overdue or done")
    next_review_on: date | None
    summary: str
    completed_at: datetime | None
    version: int
    indicators: list[FollowUpIndicatorRead]
    cells: list[CellVerdictRead]
    updated_at: datetime
    updated_by: str


class FollowUpList(BaseModel):
    items: list[FollowUpRead]
    on: date = Field(description="The day the statuses are evaluated on")
