"""The sections of the annex record, in DOMAIN.md's order: identification and records
management, screening, the matrix (scale, areas, groups, genders, cells, summaries, scoping),
findings, comparison, participation, sources, indicators and approvals."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.annexes.record_fields import Count, Direction, Key, LongText, Sha256, Text

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class RecordPart(BaseModel):
    """A part of the record: no unknown fields, never changed once built."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseRef(RecordPart):
    id: Text
    label: Text
    system: Text


class TemplateRef(RecordPart):
    key: Key
    name: Text
    version: Text


class Proposal(RecordPart):
    """The decision proposal and its background as the draft states them, abridged at a
    sentence when long (the decision document carries the full text)."""

    text: LongText | None = None
    background: LongText | None = None
    abridged: bool = False


class Identification(RecordPart):
    organisation_name: Text
    organisation_logo_png: str | None = Field(None, description="Base64 PNG, at most ~200 kB")
    title: Text
    case: CaseRef
    decision_body: Text
    meeting_date: date | None = None
    preparer: Text
    presenting_official: Text | None = None
    template: TemplateRef

    @field_validator("organisation_logo_png")
    @classmethod
    def _png(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) > 300_000:
            raise ValueError("logo is larger than 200 kB")
        try:
            raw = base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError("logo is not valid base64") from exc
        if not raw.startswith(PNG_SIGNATURE):
            raise ValueError("logo is not a PNG image")
        return value


class RecordsManagement(RecordPart):
    """JHS 191 records-management metadata."""

    document_type: Text
    publicity_class: Literal["public", "partly_secret", "secret", "non_public"]
    publicity_reason: Text | None = Field(None, description="Legal ground for secrecy")
    personal_data_class: Literal[
        "no_personal_data", "personal_data", "special_categories", "criminal_records"
    ]
    retention_years: Annotated[int, Field(ge=1, le=200)] | None = Field(
        None, description="Retention period in years; null means kept permanently"
    )


class ScreeningAnswer(RecordPart):
    question: Text
    answer: Literal["yes", "no", "unknown"] = Field(
        description="The chosen option, if any, is in note"
    )
    note: LongText | None = None


class Screening(RecordPart):
    outcome: Literal["full", "light", "not_needed"]
    reason: LongText
    answers: list[ScreeningAnswer] = []


class Alternative(RecordPart):
    key: Key
    name: Text
    description: LongText | None = None
    is_status_quo: bool = False


class ScaleValue(RecordPart):
    value: Annotated[int, Field(ge=-3, le=3)]
    symbol: Annotated[str, StringConstraints(min_length=1, max_length=4)]
    direction: Direction
    label: Text


class Scale(RecordPart):
    values: Annotated[list[ScaleValue], Field(min_length=2)]
    cannot_assess_symbol: Literal["?"] = "?"

    @model_validator(mode="after")
    def _consistent(self) -> Scale:
        values = [v.value for v in self.values]
        if len(set(values)) != len(values):
            raise ValueError("scale values must be unique")
        for v in self.values:
            expected = "positive" if v.value > 0 else "negative" if v.value < 0 else "neutral"
            if v.direction != expected:
                raise ValueError(f"scale value {v.value} must have direction {expected}")
        return self


class Area(RecordPart):
    key: Key
    name: Text
    group_name: Text | None = None
    groups: list[Key] | None = Field(
        None,
        description="The groups assessed in this area (absent: every group); the others, and "
        "parent groups, are not applicable to it rather than unassessed",
    )


class Group(RecordPart):
    key: Key
    name: Text
    parent: Key | None = None


class Gender(RecordPart):
    key: Key = Field(description='"all" means the group as a whole')
    name: Text


class Cell(RecordPart):
    area: Key
    group: Key
    gender: Key
    status: Literal["assessed", "cannot_assess", "not_assessed"]
    value: Annotated[int, Field(ge=-3, le=3)] | None = None
    horizon: Key | None = None
    certainty: Literal["low", "medium", "high"] | None = None
    justification: LongText | None = None
    evidence: LongText | None = None
    mitigation: LongText | None = None

    @model_validator(mode="after")
    def _value_iff_assessed(self) -> Cell:
        if (self.status == "assessed") != (self.value is not None):
            raise ValueError("value is required exactly when status is 'assessed'")
        return self


class AlternativeMatrix(RecordPart):
    alternative: Key
    cells: list[Cell]


class AlternativeSummary(RecordPart):
    alternative: Key
    positive: Count
    neutral: Count
    negative: Count
    cannot_assess: Count
    not_assessed: Count
    scoped_out: Count = Field(0, description="Cells outside the assessment's scope")
    completeness_percent: Annotated[float, Field(ge=0, le=100)] = Field(
        description="Of the cells in scope"
    )


class Scoping(RecordPart):
    """The areas and groups judged relevant (absent: every one); the cells outside are
    *scoped out*: stated not significantly affected, for the one reason given."""

    areas: list[Key] | None = None
    groups: list[Key] | None = None
    reason: LongText


class CumulativeImpact(RecordPart):
    group: Key
    alternative: Key
    negative_areas: Annotated[list[Key], Field(min_length=1)]


class GenderGap(RecordPart):
    area: Key
    group: Key
    alternative: Key
    women: Annotated[int, Field(ge=-3, le=3)] | None
    men: Annotated[int, Field(ge=-3, le=3)] | None


class MissingJustification(RecordPart):
    alternative: Key
    area: Key
    group: Key
    gender: Key


class Findings(RecordPart):
    cumulative: list[CumulativeImpact] = []
    gender_gaps: list[GenderGap] = []
    missing_justifications: list[MissingJustification] = []


class Comparison(RecordPart):
    text: LongText | None = None
    recommended_alternative: Key | None = None


class Statement(RecordPart):
    body: Text
    given_on: date
    summary: LongText
    url: Text | None = None


class Participation(RecordPart):
    description: LongText | None = None
    statements: list[Statement] = []


class DataSource(RecordPart):
    title: Text
    publisher: Text | None = None
    year: Annotated[int, Field(ge=1800, le=2200)] | None = None
    url: Text | None = None


class Indicator(RecordPart):
    name: Text
    baseline: Text | None = None
    target: Text | None = None
    data_source: Text | None = None
    review_on: date | None = None
    responsible: Text | None = None


class Approval(RecordPart):
    reviewer_name: Text
    role: Text
    decision: Literal["approved", "changes_requested"]
    decided_at: AwareDatetime
    content_hash: Sha256
    stale: bool = False
    comment: LongText | None = None
