"""The states a decision draft moves through, and what the workflow needs to know of a draft."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class DraftStatus(StrEnum):
    draft = "draft"
    screening = "screening"
    assessment = "assessment"
    in_review = "in_review"
    changes_requested = "changes_requested"
    approved = "approved"
    annex_issued = "annex_issued"
    attached = "attached"
    decided = "decided"


class Subject(Protocol):
    """A draft as the state machine sees it (the drafts domain owns the table)."""

    id: str
    organisation_id: str
    status: DraftStatus
    version: int
    preparer_id: str | None
