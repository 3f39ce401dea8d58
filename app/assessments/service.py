"""Screening, starting an assessment, writing cells, summaries and moving to a newer template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.assessments import repository as repo
from app.assessments import writing
from app.assessments.matrix import shape_for
from app.assessments.models import (
    Assessment,
    AssessmentCell,
    Screening,
    ScreeningOutcome,
)
from app.assessments.schemas import AssessmentTexts, CellWrite
from app.assessments.shape import EVERYTHING, MatrixScope, MatrixShape
from app.assessments.summary import Summary, summarise_rows
from app.assessments.writing import CellsWritten as CellsWritten
from app.assessments.writing import Matrix
from app.assessments.writing import write_cells as write_cells
from app.auth.permissions import READ_DRAFTS, WRITE_DRAFTS, ensure, ensure_visible
from app.auth.principal import Principal
from app.core.errors import InvalidState, NotFound, Unprocessable
from app.core.versioning import check_version
from app.core.versioning import claim as claim_next_version
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft, DraftAlternative
from app.templates import service as templates
from app.templates.models import AssessmentTemplate
from app.workflow import changes
from app.workflow.changes import Entity
from app.workflow.policy import Part
from app.workflow.states import DraftStatus, Subject


@dataclass(frozen=True)
class AssessmentView:
    assessment: Assessment
    template: AssessmentTemplate
    shape: MatrixShape
    cells: Sequence[AssessmentCell]
    scope: MatrixScope = EVERYTHING
    # The draft's alternatives the shape was made from (None: the view was made without them).
    alternatives: tuple[DraftAlternative, ...] | None = None


def scope_of(assessment: Assessment) -> MatrixScope:
    """The assessment's scope (everything when none was set)."""
    return MatrixScope.stored(
        assessment.scope_areas, assessment.scope_groups, assessment.scope_reason
    )


def matrix_of(
    session: Session, assessment: Assessment, draft_id: str
) -> tuple[AssessmentTemplate, tuple[DraftAlternative, ...], MatrixShape]:
    """The assessment's template, its draft's alternatives and the shape they give."""
    template = templates.get_any(session, assessment.template_id)
    alternatives = tuple(drafts.alternatives(session, draft_id))
    return template, alternatives, shape_for(template, alternatives)


def view_of(
    session: Session, draft: Subject, assessment: Assessment, *, with_cells: bool = True
) -> AssessmentView:
    """The assessment with its template, shape and scope, and (unless told not to: a write
    needs none of them) its stored cells."""
    template, alternatives, shape = matrix_of(session, assessment, draft.id)
    cells: list[AssessmentCell] = []
    if with_cells:
        valid = set(shape.cell_keys())
        cells = [
            c
            for c in repo.cells(session, assessment.id)
            if (c.alternative, c.area, c.grp, c.gender) in valid
        ]
    return AssessmentView(
        assessment, template, shape, cells, scope_of(assessment), alternatives=alternatives
    )


def start_assessment(
    session: Session, *, principal: Principal, draft_id: str, template_id: str
) -> AssessmentView:
    """Start the matrix on a published template version; the assessment stays pinned to it."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ensure(principal, draft.organisation_id, WRITE_DRAFTS, "start assessments")
    screening = repo.screening_of(session, draft.id)
    if screening is None or screening.outcome is ScreeningOutcome.not_needed:
        raise InvalidState(
            "Screen the draft first: a matrix follows a full or light outcome",
            code="screening_required",
        )
    if repo.active_assessment(session, draft.id) is not None:
        raise InvalidState(
            "The draft already has an assessment; move it to another template version instead",
            code="assessment_exists",
        )
    template = templates.usable(
        session,
        principal=principal,
        template_id=template_id,
        organisation_id=draft.organisation_id,
        kind="matrix",
    )
    cycle = len(repo.assessments_of(session, draft.id)) + 1
    assessment = Assessment(
        draft_id=draft.id,
        organisation_id=draft.organisation_id,
        template_id=template.id,
        cycle=cycle,
        updated_by=principal.name,
    )
    draft.matrix_template_key = template.key
    if draft.status in (DraftStatus.draft, DraftStatus.screening):
        draft.status = DraftStatus.assessment
    session.add_all([assessment, draft])
    session.flush()
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action="assessment.started",
        entity=entity_of(assessment),
        data={"draft_id": draft.id, "template": f"{template.key}@{template.version}"},
    )
    return view_of(session, draft, assessment)


def _active(session: Session, draft: DecisionDraft) -> Assessment:
    assessment = repo.active_assessment(session, draft.id)
    if assessment is None:
        raise NotFound("The draft has no assessment yet")
    return assessment


def get_assessment(session: Session, *, principal: Principal, draft_id: str) -> AssessmentView:
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    return view_of(session, draft, _active(session, draft))


def cell_problem(session: Session, draft: Subject, key: tuple[str, str, str, str]) -> str | None:
    """Why (alternative, area, group, gender) is no cell of the draft's matrix, or None."""
    assessment = repo.active_assessment(session, draft.id)
    if assessment is None:
        return "the draft has no matrix yet"
    return view_of(session, draft, assessment).shape.problem_with_key(*key)


def active_version(session: Session, *, principal: Principal, draft_id: str) -> int:
    """The assessment's version alone, for cheap conditional reads."""
    return visible_active(session, principal, draft_id)[1]


def visible_active(session: Session, principal: Principal, draft_id: str) -> tuple[str, int]:
    """(assessment id, version) in one query, with the same 404/403 rules as visible_draft."""
    return active_seen_by(principal, repo.active_of_draft(session, draft_id))


def active_seen_by(
    principal: Principal, found: tuple[str, str | None, int | None] | None
) -> tuple[str, int]:
    """(assessment id, version) of `repo.active_of_draft`'s answer, 404/403 as visible_draft."""
    if found is None:
        raise NotFound("Draft not found")
    organisation_id, assessment_id, version = found
    ensure_visible(principal, organisation_id, "Draft")
    ensure(principal, organisation_id, READ_DRAFTS, "read drafts")
    if assessment_id is None or version is None:
        raise NotFound("The draft has no assessment yet")
    return assessment_id, version


def claim(session: Session, assessment: Assessment, expected: int, principal: Principal) -> None:
    claim_next_version(session, assessment, expected, by=principal.name)


def entity_of(assessment: Assessment) -> Entity:
    return Entity("assessment", assessment.id, assessment.version)


def editable(
    session: Session, principal: Principal, draft_id: str, part: Part = "cells"
) -> tuple[DecisionDraft, Assessment]:
    draft = drafts.editable_draft(session, principal=principal, draft_id=draft_id, part=part)
    return draft, _active(session, draft)


def apply_writes(
    session: Session,
    *,
    principal: Principal,
    draft: DecisionDraft,
    view: AssessmentView,
    writes: Sequence[CellWrite],
    action: str,
    data: dict[str, Any],
) -> CellsWritten:
    """All writes land or none does (422 listing every misfit); one version, one audit entry,
    and the covering sign-offs go stale. The caller checked the version and the right to edit."""
    assessment = view.assessment
    matrix = Matrix(view.template, view.alternatives, view.shape, view.scope)
    writing.check_fit(matrix, writes)
    claim(session, assessment, assessment.version, principal)
    written = writing.store_cells(session, assessment.id, assessment.version, writes, principal)
    writing.record_written(
        session,
        principal=principal,
        draft=draft,
        about=entity_of(assessment),
        matrix=matrix,
        action=action,
        data=data,
        loaded=assessment,
    )
    return CellsWritten(assessment.id, assessment.version, written)


def check_current(assessment: Assessment, expected_version: int) -> None:
    """412 naming the last writer when the caller did not read the current version."""
    check_version(
        expected=expected_version,
        current=assessment.version,
        changed_by=assessment.updated_by,
        changed_at=assessment.updated_at,
    )


def update_texts(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    expected_version: int,
    data: AssessmentTexts,
) -> AssessmentView:
    """Mitigation, participation and statements, sources and follow-up indicators."""
    draft, assessment = editable(session, principal, draft_id, "texts")
    written = data.model_dump(mode="json", exclude_unset=True)
    if (
        "recommended_alternative" in written
        and written["recommended_alternative"] is not None
        and written["recommended_alternative"]
        not in {a.key for a in drafts.alternatives(session, draft.id)}
    ):
        raise Unprocessable(
            "recommended_alternative is not an alternative of the draft",
            details=[{"field": "recommended_alternative"}],
        )
    written = {k: v for k, v in written.items() if v is not None or k == "recommended_alternative"}
    if any(getattr(assessment, k) != v for k, v in written.items()):
        claim(session, assessment, expected_version, principal)
        for field, value in written.items():
            setattr(assessment, field, value)
        session.add(assessment)
        session.flush()
        changes.record(
            session,
            actor=principal,
            draft=draft,
            action="assessment.texts_updated",
            entity=entity_of(assessment),
            data={"fields": sorted(written)},
        )
    else:
        check_version(expected=expected_version, current=assessment.version)
    return view_of(session, draft, assessment)


def summary_of(view: AssessmentView) -> Summary:
    return summarise_rows(
        view.shape,
        [
            (c.alternative, c.area, c.grp, c.gender, c.value, c.cannot_assess, c.justification)
            for c in view.cells
        ],
        view.scope,
    )


# What other domains read of a draft's assessment (their own rules checked visibility).


def active_assessment(session: Session, draft_id: str, *, lock: bool = False) -> Assessment | None:
    return repo.active_assessment(session, draft_id, lock=lock)


def note_live_signoffs(session: Session, assessment: Assessment, *, live: bool) -> None:
    """Keep the assessment's `has_live_signoffs` (the caller holds the assessment's row lock:
    it claimed its version or read it FOR UPDATE)."""
    if assessment.has_live_signoffs is not live:
        assessment.has_live_signoffs = live
        session.add(assessment)


def cycle_of(session: Session, draft_id: str) -> int:
    """The review cycle: the active assessment's, or the next one when there is none."""
    assessment = repo.active_assessment(session, draft_id)
    return assessment.cycle if assessment else len(repo.assessments_of(session, draft_id)) + 1


def cells_of(session: Session, assessment_id: str) -> Sequence[AssessmentCell]:
    return repo.cells(session, assessment_id)


def screening_of(session: Session, draft_id: str) -> Screening | None:
    return repo.screening_of(session, draft_id)


def assessment_ids(session: Session, draft_id: str) -> list[str]:
    return [a.id for a in repo.assessments_of(session, draft_id)]
