"""Request and response bodies for decision drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from app.core.schemas import InputModel, ReadModel
from app.organisations.schemas import Language
from app.workflow.states import DraftStatus

Title = Annotated[str, StringConstraints(min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(max_length=100_000)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
AlternativeKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
STATUS_QUO_KEY = "status_quo"


class ExternalRef(InputModel):
    """The case in a case-management system; case ids are opaque strings."""

    system: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    case_id: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    label: Annotated[str, StringConstraints(max_length=200)] | None = None


class AlternativeIn(InputModel):
    key: AlternativeKey | None = Field(default=None, description="Stable key; generated if absent")
    name: Title
    # The annex record holds at most 20 000 characters per text.
    description: Annotated[str, StringConstraints(max_length=20_000)] = ""
    is_status_quo: bool = False


def _check_alternatives(alternatives: list[AlternativeIn]) -> list[AlternativeIn]:
    keys = [a.key for a in alternatives if a.key]
    if len(keys) != len(set(keys)):
        raise ValueError("alternative keys must be unique")
    if sum(a.is_status_quo for a in alternatives) > 1:
        raise ValueError("only one alternative can be the status quo")
    return alternatives


class DraftFields(InputModel):
    title: Title
    proposal: LongText = Field(min_length=1)
    background: LongText = ""
    decision_body: ShortText = ""
    decision_type: Annotated[str, StringConstraints(max_length=100)] = ""
    meeting_date: date | None = None
    budget_eur: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    languages: list[Language] = Field(
        default_factory=lambda: [Language.fi], min_length=1, max_length=3
    )
    presenting_official: ShortText = ""
    external_ref: ExternalRef | None = None

    @field_validator("languages")
    @classmethod
    def _unique_languages(cls, value: list[Language]) -> list[Language]:
        if len(set(value)) != len(value):
            raise ValueError("each language once")
        return value


class DraftCreate(DraftFields):
    organisation_id: str | None = Field(
        default=None, max_length=36, description="Needed when the caller belongs to several"
    )
    alternatives: list[AlternativeIn] = Field(default_factory=list, max_length=20)

    _alternatives = field_validator("alternatives")(_check_alternatives)


class DraftUpdate(InputModel):
    title: Title | None = None
    proposal: LongText | None = Field(default=None, min_length=1)
    background: LongText | None = None
    decision_body: ShortText | None = None
    decision_type: Annotated[str, StringConstraints(max_length=100)] | None = None
    meeting_date: date | None = None
    budget_eur: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    languages: list[Language] | None = Field(default=None, min_length=1, max_length=3)
    presenting_official: ShortText | None = None
    external_ref: ExternalRef | None = None
    alternatives: list[AlternativeIn] | None = Field(
        default=None,
        min_length=1,
        max_length=20,
        description="The full list; keep the status quo (it can be renamed, not removed)",
    )

    @model_validator(mode="after")
    def _check(self) -> DraftUpdate:
        if self.alternatives is not None:
            _check_alternatives(self.alternatives)
        if "title" in self.model_fields_set and self.title is None:
            raise ValueError("title cannot be null")
        if "proposal" in self.model_fields_set and self.proposal is None:
            raise ValueError("proposal cannot be null")
        return self


class AlternativeRead(ReadModel):
    key: str
    name: str
    description: str
    is_status_quo: bool


class ExternalRefRead(ReadModel):
    system: str
    case_id: str
    label: str | None


class DraftRead(ReadModel):
    id: str
    organisation_id: str
    status: DraftStatus
    title: str
    proposal: str
    background: str
    decision_body: str
    decision_type: str
    meeting_date: date | None
    budget_eur: Decimal | None
    languages: list[Language]
    preparer_id: str | None
    presenting_official: str
    external_ref: ExternalRefRead | None
    matrix_template_key: str | None
    alternatives: list[AlternativeRead]
    content_hash: str
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str


class DraftSummary(ReadModel):
    id: str
    organisation_id: str
    status: DraftStatus
    title: str
    decision_body: str
    meeting_date: date | None
    external_ref: ExternalRefRead | None
    matrix_template_key: str | None
    version: int
    updated_at: datetime


class DraftList(ReadModel):
    items: list[DraftSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end"
    )


class RevisionRead(ReadModel):
    version: int
    content_hash: str
    created_at: datetime
    created_by: str
    content: dict[str, object]


@dataclass(frozen=True)
class DraftFilter:
    """What a draft listing is narrowed by (the organisations are the readable ones)."""

    organisation_ids: frozenset[str]
    status: DraftStatus | None = None
    system: str | None = None
    case_id: str | None = None
    decision_body: str | None = None
    meeting_from: date | None = None
    meeting_to: date | None = None
    template_key: str | None = None
    text: str | None = None
