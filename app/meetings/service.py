"""The secretary's part: attach the issued annex to a meeting item and record the outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.annexes import service as annexes
from app.assessments import cycles
from app.auth.permissions import RECORD_MEETING, ensure
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import InvalidState
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.meetings import repository as repo
from app.meetings.models import MeetingItem, Outcome
from app.meetings.schemas import MeetingAttach, OutcomeRecord
from app.workflow import changes, machine
from app.workflow.states import DraftStatus

# An outcome is recorded for a draft on a meeting agenda.
RECORDABLE = DraftStatus.attached


def list_items(session: Session, *, principal: Principal, draft_id: str) -> Sequence[MeetingItem]:
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    return repo.items(session, draft.id)


def attach(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    expected_version: int,
    data: MeetingAttach,
) -> MeetingItem:
    """Put the latest issued annex on a meeting's agenda item."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ensure(principal, draft.organisation_id, RECORD_MEETING, "attach annexes to meetings")
    number = annexes.last_number(session, draft.id)
    if number == 0:
        raise InvalidState(
            "Issue the annex before attaching it to a meeting", code="annex_required"
        )
    drafts.claim(session, draft, expected_version, principal)
    machine.take(
        session,
        principal=principal,
        draft=draft,
        name="attach_to_meeting",
        data={"meeting_id": data.meeting_id, "item_number": data.item_number},
    )
    item = MeetingItem(
        draft_id=draft.id,
        organisation_id=draft.organisation_id,
        annex_number=number,
        attached_by=principal.name,
        **data.model_dump(),
    )
    session.add(item)
    session.flush()
    return item


def _open_item(session: Session, draft: DecisionDraft) -> MeetingItem:
    open_items = [i for i in repo.items(session, draft.id) if i.outcome is None]
    if not open_items:
        raise InvalidState("The draft is not on a meeting agenda", code="not_attached")
    return open_items[-1]


def record_outcome(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    expected_version: int,
    data: OutcomeRecord,
) -> MeetingItem:
    """Record the decision; the issued annex is never rewritten, differences go to an addendum."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ensure(principal, draft.organisation_id, RECORD_MEETING, "record meeting outcomes")
    if draft.status is not RECORDABLE:
        raise InvalidState("Record an outcome for a draft on a meeting agenda", code="not_attached")
    item = _open_item(session, draft)
    drafts.claim(session, draft, expected_version, principal)
    item.outcome, item.addendum, item.vote_result = (
        data.outcome.value,
        data.addendum,
        data.vote_result,
    )
    item.recorded_by, item.recorded_at = principal.name, utcnow()
    if data.outcome is Outcome.tabled:
        item.draft_version_frozen = draft.version
        changes.record(
            session,
            actor=principal,
            draft=draft,
            action="meeting.tabled",
            data={"meeting_id": item.meeting_id, "item_number": item.item_number},
        )
    else:
        machine.take(
            session,
            principal=principal,
            draft=draft,
            name="record_outcome",
            data={
                "outcome": data.outcome.value,
                "meeting_id": item.meeting_id,
                "addendum": data.addendum,
            },
        )
        if data.outcome is Outcome.returned_to_preparation:
            _new_cycle(session, draft, principal)
    session.add(item)
    session.flush()
    changes.emit(session, draft=draft, event="meeting.outcome_recorded")
    return item


def _new_cycle(session: Session, draft: DecisionDraft, principal: Principal) -> None:
    """Returned to preparation: the assessment goes on in a new cycle, or screening again."""
    carried = cycles.new_cycle(session, principal=principal, draft=draft)
    draft.status = DraftStatus.assessment if carried else DraftStatus.screening
    session.add(draft)


@dataclass(frozen=True)
class MeetingActions:
    """What the principal may do on the draft's meeting page now."""

    secretary: bool
    attach: bool
    record: bool


def actions(session: Session, *, principal: Principal, draft: DecisionDraft) -> MeetingActions:
    """The secretary attaches an issued annex (when the workflow lets them) and records the
    outcome of a draft on an agenda."""
    secretary = principal.may(draft.organisation_id, RECORD_MEETING)
    issued = annexes.last_number(session, draft.id) > 0
    allowed = machine.allowed_transitions(session, principal, draft)
    return MeetingActions(
        secretary=secretary,
        attach=secretary and issued and "attach_to_meeting" in allowed,
        record=secretary and draft.status is RECORDABLE,
    )
