"""Scoping (THL's method): the impact areas and population groups relevant for this decision,
and one reason for what is left out. Only the cells inside the scope are mandatory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from app.assessments import repository as repo
from app.assessments.models import Assessment, Screening
from app.assessments.schemas import ScopeWrite
from app.assessments.scope_hints import suggested_scope
from app.assessments.service import (
    AssessmentView,
    check_current,
    claim,
    editable,
    entity_of,
    get_assessment,
    scope_of,
    view_of,
)
from app.assessments.shape import MatrixScope, MatrixShape
from app.auth.principal import Principal
from app.core.errors import Unprocessable
from app.drafts.models import DecisionDraft
from app.templates import service as templates
from app.workflow import changes

Suggested = Literal["template", "screening", "previous_cycle"]


@dataclass(frozen=True)
class ScopeState:
    """The scope in force, what it leaves out, and the starting set offered to the assessor."""

    view: AssessmentView
    areas: tuple[str, ...]
    groups: tuple[str, ...]
    columns: tuple[str, ...]
    suggested_areas: tuple[str, ...]
    suggested_groups: tuple[str, ...]
    suggested_from: Suggested
    screening: Screening | None

    @property
    def scope(self) -> MatrixScope:
        return self.view.scope

    @property
    def mandatory_cells(self) -> int:
        shape = self.view.shape
        return sum(1 for k in shape.cell_keys() if self.view.scope.covers(k[1], k[2]))


def _columns(shape: MatrixShape) -> tuple[str, ...]:
    """The population groups that have cells, in the template's order."""
    used = {g for area in shape.areas for g in shape.groups_by_area[area]}
    return tuple(g for g in shape.groups if g in used) or tuple(sorted(used))


def _suggestion(
    session: Session, view: AssessmentView, screening: Screening | None
) -> tuple[tuple[str, ...], tuple[str, ...], Suggested]:
    """The previous cycle's scope when it had one on the same template; else what the
    screening's answers point at in this template; else the template's whole matrix."""
    shape = view.shape
    areas, groups = shape.areas, _columns(shape)
    for earlier in reversed(repo.assessments_of(session, view.assessment.draft_id)):
        if earlier.id == view.assessment.id or earlier.template_id != view.assessment.template_id:
            continue
        previous = scope_of(earlier)
        if previous.is_set:
            return (
                tuple(a for a in areas if previous.areas is None or a in previous.areas),
                tuple(g for g in groups if previous.groups is None or g in previous.groups),
                "previous_cycle",
            )
    if screening is not None:
        definition = templates.definition_of(view.template)
        hinted = suggested_scope(definition, areas, groups, screening.answers)
        if hinted is not None:
            return hinted[0], hinted[1], "screening"
    return areas, groups, "template"


def _state(session: Session, view: AssessmentView) -> ScopeState:
    shape, scope = view.shape, view.scope
    columns = _columns(shape)
    screening = repo.screening_of(session, view.assessment.draft_id)
    suggested_areas, suggested_groups, source = _suggestion(session, view, screening)
    return ScopeState(
        view=view,
        areas=tuple(a for a in shape.areas if scope.areas is None or a in scope.areas),
        groups=tuple(g for g in columns if scope.groups is None or g in scope.groups),
        columns=columns,
        suggested_areas=suggested_areas,
        suggested_groups=suggested_groups,
        suggested_from=source,
        screening=screening,
    )


def get_scope(session: Session, *, principal: Principal, draft_id: str) -> ScopeState:
    """The scope of the draft's assessment, with the starting set the assessor may take."""
    view = get_assessment(session, principal=principal, draft_id=draft_id)
    return _state(session, view)


def _problems(shape: MatrixShape, data: ScopeWrite) -> list[dict[str, str]]:
    problems = []
    columns = set(_columns(shape))
    for field, chosen, known in (
        ("areas", data.areas, set(shape.areas)),
        ("groups", data.groups, columns),
    ):
        for key in chosen or []:
            if key not in known:
                problems.append({"field": field, "key": key, "message": f"unknown key '{key}'"})
        if chosen is not None and len(set(chosen)) != len(chosen):
            problems.append({"field": field, "message": "a key is named twice"})
    return problems


def _normalised(shape: MatrixShape, data: ScopeWrite) -> tuple[list[str] | None, list[str] | None]:
    """None for "every area/group"; naming them all is the same as naming none."""
    areas = None if data.areas is None or set(data.areas) == set(shape.areas) else data.areas
    columns = _columns(shape)
    groups = None if data.groups is None or set(data.groups) == set(columns) else data.groups
    order_a = {k: i for i, k in enumerate(shape.areas)}
    order_g = {k: i for i, k in enumerate(columns)}
    return (
        None if areas is None else sorted(areas, key=order_a.__getitem__),
        None if groups is None else sorted(groups, key=order_g.__getitem__),
    )


def set_scope(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    expected_version: int,
    data: ScopeWrite,
) -> ScopeState:
    """Choose the relevant areas and groups; what is left out needs one reason. Changing the
    scope changes what a sign-off covers, so covering sign-offs go stale."""
    draft, assessment = editable(session, principal, draft_id)
    check_current(assessment, expected_version)
    view = view_of(session, draft, assessment)
    problems = _problems(view.shape, data)
    if problems:
        raise Unprocessable("The scope names keys the matrix does not have", details=problems)
    areas, groups = _normalised(view.shape, data)
    reason = data.reason.strip()
    if (areas is not None or groups is not None) and len(reason) < 3:
        raise Unprocessable(
            "Say why the areas or groups left out are not significantly affected",
            details=[{"field": "reason", "message": "required when something is left out"}],
        )
    current = (assessment.scope_areas, assessment.scope_groups, assessment.scope_reason)
    if (areas, groups, reason) != current:
        _save(session, principal, draft, assessment, (areas, groups, reason))
    return _state(session, view_of(session, draft, assessment))


def _save(
    session: Session,
    principal: Principal,
    draft: DecisionDraft,
    assessment: Assessment,
    scope: tuple[list[str] | None, list[str] | None, str],
) -> None:
    claim(session, assessment, assessment.version, principal)
    assessment.scope_areas, assessment.scope_groups, assessment.scope_reason = scope
    session.add(assessment)
    session.flush()
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action="assessment.scope_set",
        entity=entity_of(assessment),
        data={"areas": scope[0], "groups": scope[1], "reason": scope[2]},
        event="assessment.updated",
        resource=changes.Entity("assessment", assessment.draft_id, assessment.version),
        changed={"scope"},
    )
