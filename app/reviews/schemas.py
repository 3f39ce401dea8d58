"""Bodies for review status, sign-offs, comments, transitions and policies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, StringConstraints, model_validator

from app.core.schemas import InputModel, ReadModel
from app.reviews.models import Decision
from app.workflow.policy import WorkflowPolicy
from app.workflow.states import DraftStatus

Body = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]


class SignOffCreate(InputModel):
    requirement: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    decision: Decision
    comment: Annotated[str, StringConstraints(max_length=10_000)] = ""
    content_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="The content_hash of the requirement as you read it (from the review status)"
    )

    @model_validator(mode="after")
    def _comment_for_changes(self) -> SignOffCreate:
        if self.decision is Decision.changes_requested and not self.comment.strip():
            raise ValueError("a request for changes needs a comment")
        return self


class SignOffRead(ReadModel):
    id: str
    requirement: str
    reviewer_id: str
    reviewer_name: str
    role: str
    decision: Decision
    comment: str
    content_hash: str
    draft_version: int
    assessment_version: int | None
    cycle: int
    created_at: datetime
    stale: bool
    counts: bool


class RequirementRead(ReadModel):
    key: str
    role: str
    count: int
    valid: int
    scope: dict[str, list[str]]
    template_keys: list[str]
    content_hash: str
    signoffs: list[SignOffRead]


CommentSection = Literal[
    "title",
    "proposal",
    "background",
    "alternatives",
    "screening",
    "matrix",
    "mitigation",
    "participation",
    "sources",
    "indicators",
]
# The sections a comment can be anchored to, in the order a page offers them.
COMMENT_SECTIONS: tuple[CommentSection, ...] = get_args(CommentSection)


class CommentAnchor(InputModel):
    section: CommentSection | None = None
    alternative: Annotated[str, StringConstraints(max_length=40)] | None = None
    area: Annotated[str, StringConstraints(max_length=80)] | None = None
    group: Annotated[str, StringConstraints(max_length=80)] | None = None
    gender: Annotated[str, StringConstraints(max_length=40)] | None = None

    @model_validator(mode="after")
    def _one_anchor(self) -> CommentAnchor:
        cell = [self.alternative, self.area, self.group, self.gender]
        if self.section is None and not all(cell):
            raise ValueError(
                "anchor to a section, or to a cell with alternative, area, group and gender"
            )
        if self.section is not None and any(cell):
            raise ValueError("anchor to a section or to a cell, not both")
        return self


class CommentCreate(InputModel):
    anchor: CommentAnchor = Field(default_factory=lambda: CommentAnchor(section="proposal"))
    body: Body
    parent_id: str | None = Field(default=None, max_length=36)


class CommentRead(ReadModel):
    id: str
    parent_id: str | None
    anchor: dict[str, Any]
    author_name: str
    body: str
    resolved: bool
    resolved_by: str | None
    resolved_at: datetime | None
    created_at: datetime


class ReviewStatusRead(ReadModel):
    draft_id: str
    status: DraftStatus
    version: int
    requirements: list[RequirementRead]
    approved_requirements: int
    total_requirements: int
    open_comments: int
    allowed_transitions: list[str]


class SignOffResult(ReadModel):
    signoff: SignOffRead
    status: DraftStatus
    open_comments: list[CommentRead]


class DiffRead(ReadModel):
    signoff: SignOffRead
    changes: list[dict[str, Any]]


class TransitionResult(ReadModel):
    draft_id: str
    status: DraftStatus
    version: int


class AwaitingRead(ReadModel):
    draft_id: str
    organisation_id: str
    title: str
    requirement: str
    progress: str = Field(description="'n of m' valid sign-offs")
    valid: int
    required: int
    due_date: date | None


class PolicyRead(ReadModel):
    organisation_id: str
    version: int
    is_default: bool
    policy: WorkflowPolicy


class PolicyWrite(InputModel):
    policy: WorkflowPolicy
