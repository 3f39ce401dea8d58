"""Moving an assessment to another version of its template, carrying the cells that fit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.assessments import repository as repo
from app.assessments.matrix import shape_for
from app.assessments.models import Assessment
from app.assessments.service import AssessmentView, claim, editable, entity_of, view_of
from app.assessments.shape import MatrixShape
from app.auth.principal import Principal
from app.core.errors import Unprocessable
from app.drafts import service as drafts
from app.templates import service as templates
from app.workflow import changes


@dataclass(frozen=True)
class Migration:
    view: AssessmentView
    carried: int
    not_carried: list[dict[str, Any]]


def migrate(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    expected_version: int,
    template_id: str,
) -> Migration:
    """Move the assessment to another version of its template, carrying the cells that still fit."""
    draft, assessment = editable(session, principal, draft_id)
    current = templates.get_any(session, assessment.template_id)
    target = templates.usable(
        session,
        principal=principal,
        template_id=template_id,
        organisation_id=draft.organisation_id,
        kind="matrix",
    )
    if target.key != current.key or target.id == current.id:
        raise Unprocessable(
            "Choose another version of the same template",
            details={"current": f"{current.key}@{current.version}"},
        )
    claim(session, assessment, expected_version, principal)
    shape = shape_for(target, drafts.alternatives(session, draft.id))
    not_carried = _drop_cells_that_do_not_fit(session, assessment, shape)
    assessment.template_id = target.id
    session.add(assessment)
    session.flush()
    view = view_of(session, draft, assessment)
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action="assessment.template_migrated",
        entity=entity_of(assessment),
        data={
            "from": f"{current.key}@{current.version}",
            "to": f"{target.key}@{target.version}",
            "not_carried": not_carried,
        },
        changed={"template", "cells"},
    )
    return Migration(view, len(view.cells), not_carried)


def _drop_cells_that_do_not_fit(
    session: Session, assessment: Assessment, shape: MatrixShape
) -> list[dict[str, Any]]:
    """Delete the cells the new matrix has no place or scale value for; what each one held."""
    not_carried = []
    for cell in repo.cells(session, assessment.id):
        key = (cell.alternative, cell.area, cell.grp, cell.gender)
        problem = shape.problem_with_key(*key)
        if problem is None and cell.value is not None and cell.value not in shape.scale:
            problem = f"value {cell.value} is not on the new scale"
        if problem is not None:
            not_carried.append(
                {
                    "alternative": key[0],
                    "area": key[1],
                    "group": key[2],
                    "gender": key[3],
                    "reason": problem,
                    "value": cell.value,
                    "cannot_assess": cell.cannot_assess,
                    "justification": cell.justification,
                }
            )
            session.delete(cell)
    return not_carried
