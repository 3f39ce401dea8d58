"""Meeting bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from app.core.schemas import InputModel, ReadModel
from app.meetings.models import Outcome


class MeetingAttach(InputModel):
    meeting_id: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    item_number: Annotated[str, StringConstraints(min_length=1, max_length=40)] = Field(
        description="e.g. § 42"
    )
    meeting_date: date
    decision_body: Annotated[str, StringConstraints(max_length=200)] = ""


NEEDS_ADDENDUM = {Outcome.passed_revised, Outcome.passed_modified}


def outcome_problems(
    outcome: Outcome, addendum: str | None, vote_result: str | None
) -> dict[str, str]:
    """What an outcome still needs, by field: `addendum_required` or `vote_required`."""
    if outcome in NEEDS_ADDENDUM and not (addendum or "").strip():
        return {"addendum": "addendum_required"}
    if outcome is Outcome.passed_after_vote and not (vote_result or "").strip():
        return {"vote_result": "vote_required"}
    return {}


_OUTCOME_MESSAGES = {
    "addendum_required": "a revised or modified decision needs an addendum",
    "vote_required": "give the vote result",
}


class OutcomeRecord(InputModel):
    outcome: Outcome
    addendum: Annotated[str, StringConstraints(max_length=20_000)] | None = Field(
        default=None,
        description="How the decision differs from the assessed proposal (revised/modified)",
    )
    vote_result: Annotated[str, StringConstraints(max_length=500)] | None = None

    @model_validator(mode="after")
    def _addendum_when_changed(self) -> OutcomeRecord:
        for code in outcome_problems(self.outcome, self.addendum, self.vote_result).values():
            raise ValueError(_OUTCOME_MESSAGES[code])
        return self


class MeetingRead(ReadModel):
    id: str
    draft_id: str
    annex_number: int
    meeting_id: str
    item_number: str
    meeting_date: date
    decision_body: str
    attached_by: str
    attached_at: datetime
    outcome: str | None
    vote_result: str | None
    addendum: str | None
    draft_version_frozen: int | None
    recorded_by: str | None
    recorded_at: datetime | None
