"""Follow-up API: the indicator catalogue, and the plan and post-decision review of a decided
draft."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import FOLLOW_UP, MANAGE_INDICATORS, READ_DRAFTS
from app.core.errors import error_responses
from app.core.idempotency import CapturingRoute
from app.core.versioning import VERSIONED_WRITE_ERRORS, MaybeVersioned, Versioned, set_etag
from app.followups import catalogue, service
from app.followups.models import FollowUpVerdict
from app.followups.schemas import (
    CatalogueIndicatorRead,
    CatalogueList,
    CellVerdictRead,
    FollowUpIndicatorRead,
    FollowUpList,
    FollowUpPlan,
    FollowUpRead,
    FollowUpRecord,
    ImportResult,
)

router = APIRouter(prefix="/api/v1", tags=["followups"], route_class=CapturingRoute)
Organisation = Annotated[str, Query(min_length=1, max_length=64, description="Organisation id")]


def to_read(view: service.View) -> FollowUpRead:
    """The follow-up as the API (and the pages) show it."""
    f = view.follow_up
    entries = view.catalogue
    return FollowUpRead(
        id=f.id,
        draft_id=f.draft_id,
        draft_title=view.draft.title,
        organisation_id=f.organisation_id,
        status=view.status,
        next_review_on=f.next_review_on,
        summary=f.summary,
        completed_at=f.completed_at,
        version=f.version,
        indicators=[
            FollowUpIndicatorRead(
                position=i.position,
                name=i.name,
                catalogue=(
                    CatalogueIndicatorRead.model_validate(entries[i.catalogue_id])
                    if i.catalogue_id and entries.get(i.catalogue_id)
                    else None
                ),
                baseline=i.baseline,
                target=i.target,
                review_on=i.review_on,
                responsible=i.responsible,
                status=view.indicator_status(i),
                realised=i.realised,
                observation=i.observation,
                recorded_at=i.recorded_at,
                recorded_by=i.recorded_by,
            )
            for i in view.indicators
        ],
        cells=[_verdict(view, v) for v in view.verdicts],
        updated_at=f.updated_at,
        updated_by=f.updated_by,
    )


def _verdict(view: service.View, v: FollowUpVerdict) -> CellVerdictRead:
    cell = view.predicted.get((v.alternative, v.area, v.grp, v.gender))
    return CellVerdictRead(
        alternative=v.alternative,
        area=v.area,
        group=v.grp,
        gender=v.gender,
        predicted=cell.value if cell else None,
        cannot_assess=cell.cannot_assess if cell else False,
        verdict=v.verdict,
        note=v.note,
    )


@router.get(
    "/indicators",
    response_model=CatalogueList,
    summary="The indicator catalogue an organisation sees",
    responses=error_responses(401, 403, 404, 422),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def list_indicators(
    organisation: Organisation, session: DbSession, principal: CurrentPrincipal
) -> CatalogueList:
    """The organisation's own catalogue entries and its region's."""
    rows = catalogue.entries(session, principal=principal, organisation_id=organisation)
    return CatalogueList(items=[CatalogueIndicatorRead.model_validate(r) for r in rows])


@router.post(
    "/indicators/import",
    response_model=ImportResult,
    summary="Import an organisation's indicator catalogue from CSV",
    responses=error_responses(401, 403, 404, 422),
    dependencies=[RequireScope(MANAGE_INDICATORS)],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def import_indicators(
    organisation: Organisation,
    session: DbSession,
    principal: CurrentPrincipal,
    content: Annotated[bytes, Body(media_type="text/csv")],
) -> ImportResult:
    """A CSV body (UTF-8; columns source, code, name_fi, name_sv, name_en, unit; source is
    sotkanet, teaviisari or own): every row lands or none does, a bad row is named by line."""
    done = catalogue.import_csv(
        session, principal=principal, organisation_id=organisation, content=content
    )
    return ImportResult(
        organisation_id=done.organisation_id,
        created=done.created,
        updated=done.updated,
        unchanged=done.unchanged,
    )


@router.get(
    "/drafts/{draft_id}/followup",
    response_model=FollowUpRead,
    summary="A decided draft's follow-up",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def get_followup(
    draft_id: str, session: DbSession, principal: CurrentPrincipal, response: Response
) -> FollowUpRead:
    """The plan, the realised values and the verdicts on predicted cells (ETag: its version)."""
    view = service.get(session, principal=principal, draft_id=draft_id)
    set_etag(response, view.follow_up.version)
    return to_read(view)


@router.put(
    "/drafts/{draft_id}/followup",
    response_model=FollowUpRead,
    summary="Plan the follow-up of an approved or decided draft",
    responses=error_responses(401, 403, 404, 409, 412, 422),
    dependencies=[RequireScope(FOLLOW_UP)],
)
def put_followup(
    draft_id: str,
    data: FollowUpPlan,
    session: DbSession,
    principal: CurrentPrincipal,
    write: MaybeVersioned,
) -> FollowUpRead:
    """Without If-Match creates the plan, with it changes the plan: a review date and a
    responsible person per indicator (default: the assessment's), optionally a catalogue
    entry. 409 unless the draft is approved, issued, attached or decided."""
    view = service.plan(
        session, principal=principal, draft_id=draft_id, data=data, expected_version=write.expected
    )
    write.answer(view.follow_up.version)
    return to_read(view)


@router.put(
    "/drafts/{draft_id}/followup/review",
    response_model=FollowUpRead,
    summary="Record the post-decision review of a draft",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(FOLLOW_UP)],
)
def put_review(
    draft_id: str,
    data: FollowUpRecord,
    session: DbSession,
    principal: CurrentPrincipal,
    write: Versioned,
) -> FollowUpRead:
    """Realised values and observations per indicator, held / partly / did not hold / cannot
    say per predicted cell, a summary, and whether the review is complete (If-Match). 409
    before any review date has come."""
    view = service.record(
        session, principal=principal, draft_id=draft_id, data=data, expected_version=write.expected
    )
    write.answer(view.follow_up.version)
    return to_read(view)


@router.get(
    "/followups",
    response_model=FollowUpList,
    summary="An organisation's follow-ups",
    responses=error_responses(401, 403, 404, 422),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def list_followups(
    organisation: Organisation,
    session: DbSession,
    principal: CurrentPrincipal,
    due: Annotated[bool, Query(description="Only those whose review date has come")] = False,
    on: Annotated[date | None, Query(description="Evaluate on this day (default today)")] = None,
) -> FollowUpList:
    """Earliest review date first; status planned, due, overdue (30 days past) or done."""
    views = service.listing(
        session, principal=principal, organisation_id=organisation, due_only=due, on=on
    )
    return FollowUpList(items=[to_read(v) for v in views], on=on or service.today())
