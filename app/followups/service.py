"""The follow-up loop of a decided draft: its plan (a review date and a responsible person per
follow-up indicator) and its post-decision review (realised values, observations, and whether
each predicted cell held). A separate record beside the draft: the draft's state machine is
untouched, so an approved, issued, attached or decided draft keeps its state and its annex."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from app.assessments import service as assessments
from app.assessments.models import AssessmentCell
from app.audit import service as audit
from app.auth.permissions import FOLLOW_UP, READ_DRAFTS, ensure
from app.auth.principal import SYSTEM, Principal
from app.core.db import utcnow
from app.core.errors import InvalidState, NotFound, Unprocessable
from app.core.versioning import claim
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.followups import catalogue
from app.followups import repository as repo
from app.followups.models import (
    CatalogueIndicator,
    FollowUp,
    FollowUpIndicator,
    FollowUpVerdict,
)
from app.followups.schemas import FollowUpPlan, FollowUpRecord
from app.organisations import service as organisations
from app.workflow.states import DraftStatus

# a follow-up whose review date passed this long ago without a record is overdue
OVERDUE_AFTER = timedelta(days=30)
DECIDED_STATES = (
    DraftStatus.approved,
    DraftStatus.annex_issued,
    DraftStatus.attached,
    DraftStatus.decided,
)
CellKey = tuple[str, str, str, str]


def today() -> date:
    return utcnow().date()


def status_on(review_on: date | None, done: bool, on: date) -> str:
    """planned (date ahead), due, overdue (OVERDUE_AFTER past the date) or done."""
    if done or review_on is None:
        return "done"
    if review_on > on:
        return "planned"
    return "overdue" if on - review_on > OVERDUE_AFTER else "due"


@dataclass(frozen=True)
class View:
    follow_up: FollowUp
    draft: DecisionDraft
    indicators: Sequence[FollowUpIndicator]
    verdicts: Sequence[FollowUpVerdict]
    predicted: dict[CellKey, AssessmentCell]
    on: date
    catalogue: dict[str, CatalogueIndicator]

    @property
    def status(self) -> str:
        return status_on(
            self.follow_up.next_review_on, self.follow_up.completed_at is not None, self.on
        )

    def indicator_status(self, indicator: FollowUpIndicator) -> str:
        if indicator.recorded_at is not None:
            return "recorded"
        return status_on(indicator.review_on, False, self.on)


def _predicted(session: Session, draft: DecisionDraft) -> dict[CellKey, AssessmentCell]:
    assessment = assessments.active_assessment(session, draft.id)
    if assessment is None:
        return {}
    return {
        (c.alternative, c.area, c.grp, c.gender): c
        for c in assessments.cells_of(session, assessment.id)
        if c.value is not None or c.cannot_assess
    }


def view_of(session: Session, follow_up: FollowUp, draft: DecisionDraft, on: date) -> View:
    indicators = repo.indicators(session, follow_up.id)
    entries = {
        i.catalogue_id: catalogue.get(session, i.catalogue_id) for i in indicators if i.catalogue_id
    }
    return View(
        follow_up,
        draft,
        indicators,
        repo.verdicts(session, follow_up.id),
        _predicted(session, draft),
        on,
        {k: v for k, v in entries.items() if v is not None},
    )


def indicators_of(session: Session, draft: DecisionDraft) -> list[dict[str, object]]:
    """The follow-up indicators the draft's assessment names (what a plan is made of)."""
    assessment = assessments.active_assessment(session, draft.id)
    return list(assessment.indicators) if assessment else []


def _existing(session: Session, draft: DecisionDraft) -> FollowUp:
    follow_up = repo.of_draft(session, draft.id)
    if follow_up is None:
        raise NotFound("This draft has no follow-up plan")
    return follow_up


def get(session: Session, *, principal: Principal, draft_id: str, on: date | None = None) -> View:
    """The draft's follow-up, its statuses evaluated on `on` (default today)."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    return view_of(session, _existing(session, draft), draft, on or today())


def _refresh_next(follow_up: FollowUp, indicators: Sequence[FollowUpIndicator]) -> None:
    pending = [i.review_on for i in indicators if i.recorded_at is None]
    follow_up.next_review_on = min(pending) if pending else None


def plan(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    data: FollowUpPlan,
    expected_version: int | None,
) -> View:
    """Create (no If-Match) or change (If-Match) the follow-up plan of an approved or decided
    draft: every indicator of its assessment gets a review date and a responsible person."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ensure(principal, draft.organisation_id, FOLLOW_UP, "plan follow-ups")
    drafts.lock(session, draft)
    if draft.status not in DECIDED_STATES:
        raise InvalidState(
            "Only an approved or decided draft is followed up",
            details={"status": draft.status.value},
        )
    assessment = assessments.active_assessment(session, draft.id)
    sources = list(assessment.indicators) if assessment else []
    if not sources:
        raise Unprocessable("The assessment names no follow-up indicators", code="no_indicators")
    follow_up = repo.of_draft(session, draft.id)
    if follow_up is None and expected_version is not None:
        raise NotFound("This draft has no follow-up plan yet; create it without If-Match")
    if follow_up is not None:
        if expected_version is None:
            raise InvalidState(
                "The follow-up plan exists; change it with If-Match", code="plan_exists"
            )
        claim(session, follow_up, expected_version, by=principal.name)
    else:
        follow_up = FollowUp(
            draft_id=draft.id, organisation_id=draft.organisation_id, updated_by=principal.name
        )
        session.add(follow_up)
        session.flush()
    rows = _plan_rows(session, draft, follow_up, sources, data)
    _refresh_next(follow_up, rows)
    session.add(follow_up)
    session.flush()
    audit.changed(
        session,
        principal,
        "followup.planned",
        follow_up,
        data={"draft_id": draft.id, "review_on": [r.review_on.isoformat() for r in rows]},
    )
    return view_of(session, follow_up, draft, today())


def _plan_rows(
    session: Session,
    draft: DecisionDraft,
    follow_up: FollowUp,
    sources: list[dict[str, object]],
    data: FollowUpPlan,
) -> list[FollowUpIndicator]:
    given = {p.position: p for p in data.indicators}
    beyond = [p for p in given if p >= len(sources)]
    if beyond:
        raise Unprocessable(
            "Some positions name no indicator of the assessment",
            code="unknown_indicator",
            details=[{"position": p, "message": "no such indicator"} for p in beyond],
        )
    org = organisations.organisation(session, draft.organisation_id)
    stored = {r.position: r for r in repo.indicators(session, follow_up.id)}
    rows, problems = [], []
    for position, source in enumerate(sources):
        wanted = given.get(position)
        review_on = (wanted.review_on if wanted else None) or source.get("review_on")
        responsible = (wanted.responsible if wanted else None) or source.get("responsible")
        if not review_on or not responsible:
            problems.append({"position": position, "message": "needs a review date and a person"})
            continue
        when = review_on if isinstance(review_on, date) else date.fromisoformat(str(review_on))
        row = stored.get(position) or FollowUpIndicator(
            follow_up_id=follow_up.id,
            position=position,
            name="",
            review_on=when,
            responsible="",
        )
        row.name = str(source.get("name") or "")[:500]
        row.baseline = _text(source.get("baseline"))
        row.target = _text(source.get("target"))
        row.review_on = when
        row.responsible = str(responsible)[:500]
        if wanted and wanted.catalogue_id and org is not None:
            row.catalogue_id = catalogue.entry_for(session, org, wanted.catalogue_id).id
        session.add(row)
        rows.append(row)
    if problems:
        raise Unprocessable(
            "Every follow-up indicator needs a review date and a responsible person",
            code="incomplete_plan",
            details=problems,
        )
    return rows


def _text(value: object) -> str | None:
    return str(value)[:500] if value not in (None, "") else None


def record(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    data: FollowUpRecord,
    expected_version: int,
    on: date | None = None,
) -> View:
    """Record the post-decision review (If-Match): realised values and observations per
    indicator, verdicts per predicted cell; only once a review date has come (409 before)."""
    on = on or today()
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ensure(principal, draft.organisation_id, FOLLOW_UP, "record follow-ups")
    follow_up = _existing(session, draft)
    claim(session, follow_up, expected_version, by=principal.name)
    rows = {r.position: r for r in repo.indicators(session, follow_up.id)}
    if min((r.review_on for r in rows.values()), default=on) > on:
        raise InvalidState("No review date of this follow-up has come yet", code="followup_not_due")
    unknown = [v.position for v in data.indicators if v.position not in rows]
    if unknown:
        raise Unprocessable(
            "Some positions name no follow-up indicator",
            code="unknown_indicator",
            details=[{"position": p, "message": "no such indicator"} for p in unknown],
        )
    now = utcnow()
    for value in data.indicators:
        row = rows[value.position]
        row.realised, row.observation = value.realised, value.observation
        row.recorded_at = now if value.realised or value.observation else None
        row.recorded_by = principal.name if row.recorded_at else None
        session.add(row)
    _record_verdicts(session, draft, follow_up, data)
    if data.summary is not None:
        follow_up.summary = data.summary
    if data.complete is not None:
        follow_up.completed_at = now if data.complete else None
    _refresh_next(follow_up, list(rows.values()))
    session.add(follow_up)
    session.flush()
    audit.changed(
        session,
        principal,
        "followup.recorded",
        follow_up,
        data={
            "draft_id": draft.id,
            "indicators": sorted(v.position for v in data.indicators),
            "cells": len(data.cells),
            "complete": follow_up.completed_at is not None,
        },
    )
    return view_of(session, follow_up, draft, on)


def _record_verdicts(
    session: Session, draft: DecisionDraft, follow_up: FollowUp, data: FollowUpRecord
) -> None:
    predicted = _predicted(session, draft)
    keys = [(c.alternative, c.area, c.group, c.gender) for c in data.cells]
    stray = [k for k in keys if k not in predicted]
    if stray:
        raise Unprocessable(
            "Some cells were not predicted in the approved assessment",
            code="unknown_cell",
            details=[
                {"cell": "/".join(k), "message": "no prediction in this cell"} for k in stray[:50]
            ],
        )
    repo.drop_verdicts(session, follow_up.id, keys)
    session.flush()
    for cell in data.cells:
        if cell.verdict is None:
            continue
        session.add(
            FollowUpVerdict(
                follow_up_id=follow_up.id,
                alternative=cell.alternative,
                area=cell.area,
                grp=cell.group,
                gender=cell.gender,
                verdict=cell.verdict,
                note=cell.note,
            )
        )


def listing(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    due_only: bool,
    on: date | None = None,
) -> list[View]:
    """The follow-ups of an organisation (due_only: those whose review date has come and
    that are not done), earliest review date first."""
    on = on or today()
    org = organisations.visible_organisation(
        session, principal=principal, organisation_id=organisation_id
    )
    ensure(principal, org.id, READ_DRAFTS, "read follow-ups")
    rows = repo.of_organisations(session, [org.id], due_by=on if due_only else None)
    return [view_of(session, f, drafts.draft_of(session, f.draft_id), on) for f in rows]


def due_everywhere(session: Session, *, on: date) -> list[View]:
    """Every organisation's follow-ups whose review date has come (the `followups due` step)."""
    everyone = organisations.list_organisations(session, principal=SYSTEM, limit=100_000, offset=0)
    rows = repo.of_organisations(session, [o.id for o in everyone], due_by=on)
    return [view_of(session, f, drafts.draft_of(session, f.draft_id), on) for f in rows]


def due_counts(
    session: Session, organisation_ids: Sequence[str], on: date
) -> dict[str, dict[str, int]]:
    """Per organisation: follow-ups planned, due, overdue and done on `on` (for the reports)."""
    counts: dict[str, dict[str, int]] = {
        o: {"planned": 0, "due": 0, "overdue": 0, "done": 0} for o in organisation_ids
    }
    for f in repo.of_organisations(session, organisation_ids, limit=100_000):
        counts[f.organisation_id][status_on(f.next_review_on, f.completed_at is not None, on)] += 1
    return counts


def verdicts_of(session: Session, follow_up_ids: Sequence[str]) -> Sequence[FollowUpVerdict]:
    return repo.verdicts_of(session, follow_up_ids)


def of_organisations(session: Session, organisation_ids: Sequence[str]) -> Sequence[FollowUp]:
    return repo.of_organisations(session, organisation_ids, limit=100_000)
