"""Writing cells: one version, one audit entry and one event per request, all cells or none.

A single write (`write_cells`) claims the version in one statement that also reads what the
write checks and builds on (the draft's state, its organisation's policy version, the template's
mark, the scope, whether a sign-off may be live), so no draft or assessment is loaded as an ORM
instance; the checks run after the claim and an error rolls the claim back with the rest.
Bulk writes (`apply_writes`) hold the loaded assessment and go through the same store and record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.assessments import repository as repo
from app.assessments.fit import cell_problems
from app.assessments.matrix import shape_for
from app.assessments.models import Assessment
from app.assessments.schemas import CellWrite
from app.assessments.shape import MatrixScope, MatrixShape
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import NotFound, PreconditionFailed, Unprocessable
from app.core.models import new_id
from app.core.versioning import check_version
from app.drafts import service as drafts
from app.drafts.models import DraftAlternative
from app.templates import service as templates
from app.templates.models import AssessmentTemplate
from app.workflow import changes
from app.workflow.changes import Entity
from app.workflow.listeners import Loaded
from app.workflow.states import Subject

# A written cell as stored: the assessment_cell columns but its id (the key's `grp` included).
CellRow = dict[str, Any]


@dataclass(frozen=True, slots=True)
class CellsWritten:
    assessment_id: str
    version: int
    cells: list[CellRow]


@dataclass(frozen=True, slots=True)
class Matrix:
    """What cells are written into: the template and alternatives the shape was made of, the
    shape and the scope."""

    template: AssessmentTemplate
    alternatives: tuple[DraftAlternative, ...] | None
    shape: MatrixShape
    scope: MatrixScope


def write_cells(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    expected_version: int,
    writes: Sequence[CellWrite],
) -> CellsWritten:
    """Write many cells atomically, guarded by the assessment's version."""
    claimed = _claim(session, principal, draft_id, expected_version)
    return write_claimed(session, principal, claimed, writes)


def write_claimed(
    session: Session, principal: Principal, claimed: repo.Claimed, writes: Sequence[CellWrite]
) -> CellsWritten:
    """The cells written under a version `principal` claimed and may edit (checked, as
    `_claim` checks it), with their audit entry and event."""
    template = templates.at_mark(session, claimed.template_id, *claimed.template_mark)
    alternatives = drafts.alternatives_at_version(session, claimed.draft)
    scope = MatrixScope.stored(*claimed.scope)
    matrix = Matrix(template, alternatives, shape_for(template, alternatives), scope)
    check_fit(matrix, writes)
    written = store_cells(session, claimed.assessment_id, claimed.version, writes, principal)
    keys = [[c.alternative, c.area, c.group, c.gender] for c in writes]
    # Only a live sign-off's staleness check needs the assessment as a model instance (read
    # then, after the claim: the new version).
    live = claimed.has_live_signoffs
    record_written(
        session,
        principal=principal,
        draft=claimed.draft,
        about=Entity("assessment", claimed.assessment_id, claimed.version),
        matrix=matrix,
        action="assessment.cells_written",
        data={"cells": keys[:500], "count": len(writes)},
        loaded=repo.assessment(session, claimed.assessment_id) if live else None,
        live_signoffs=live,
    )
    return CellsWritten(claimed.assessment_id, claimed.version, written)


def _claim(
    session: Session, principal: Principal, draft_id: str, expected_version: int
) -> repo.Claimed:
    """The draft's active assessment moved to its next version, when the caller may edit its
    cells and read `expected_version` (404, 403, 409 or 412 otherwise, as `editable_draft`
    and the version check say)."""
    claimed = repo.claim_cells(
        session,
        draft_id,
        expected_version,
        organisations=None if principal.is_superuser else principal.organisation_ids,
        by=principal.name,
        at=utcnow(),
    )
    if claimed is None:
        draft = drafts.editable_draft(session, principal=principal, draft_id=draft_id, part="cells")
        current = repo.active_assessment(session, draft.id)
        if current is None:
            raise NotFound("The draft has no assessment yet")
        check_version(
            expected=expected_version,
            current=current.version,
            changed_by=current.updated_by,
            changed_at=current.updated_at,
        )
        raise PreconditionFailed(  # pragma: no cover - the read shows the winner
            "The resource was changed meanwhile", details={"expected_version": expected_version}
        )
    ensure_claimed_editable(session, principal, claimed)
    return claimed


def ensure_claimed_editable(session: Session, principal: Principal, claimed: repo.Claimed) -> None:
    """403 or 409 when the claimed draft's state or the caller's role forbids the write."""
    drafts.ensure_editable(
        session, principal=principal, draft=claimed.draft, policy_version=claimed.policy_version
    )


def check_fit(matrix: Matrix, writes: Sequence[CellWrite]) -> None:
    """422 listing every write that does not fit the matrix or its scope."""
    problems = cell_problems(matrix.shape, writes, matrix.scope)
    if problems:
        raise Unprocessable(
            "Some cells do not fit the matrix; nothing was written", details=problems
        )


def record_written(
    session: Session,
    *,
    principal: Principal,
    draft: Subject,
    about: Entity,
    matrix: Matrix,
    action: str,
    data: dict[str, Any],
    loaded: Assessment | None,
    live_signoffs: bool | None = None,
) -> None:
    """The audit entry, the event and the content change of cells written under a claimed
    version; `live_signoffs` only as the claim itself read it, under the row's lock (None: the
    staleness check asks)."""
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action=action,
        entity=about,
        data=data,
        event="assessment.updated",
        resource=Entity("assessment", draft.id, about.version),
        changed={"cells"},
        loaded=Loaded(loaded, matrix.template, matrix.alternatives, live_signoffs=live_signoffs),
    )


def store_cells(
    session: Session,
    assessment_id: str,
    version: int,
    writes: Sequence[CellWrite],
    principal: Principal,
) -> list[CellRow]:
    """Upsert or clear each cell by its key (no read first), under the claimed `version`;
    the rows written."""
    now = utcnow()
    cleared = [(c.alternative, c.area, c.group, c.gender) for c in writes if c.clear]
    if cleared:
        repo.delete_cells(session, assessment_id, cleared)
    rows = [
        {
            "id": new_id(),
            "assessment_id": assessment_id,
            "alternative": cell.alternative,
            "area": cell.area,
            "grp": cell.group,
            "gender": cell.gender,
            "value": cell.value,
            "cannot_assess": cell.cannot_assess,
            "horizon": cell.horizon,
            "certainty": cell.certainty,
            "justification": cell.justification,
            "evidence": cell.evidence,
            "mitigation": cell.mitigation,
            "updated_at": now,
            "updated_by": principal.name,
            "written_version": version,
        }
        for cell in writes
        if not cell.clear
    ]
    if rows:
        repo.upsert_cells(session, rows)
    return rows
