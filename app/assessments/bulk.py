"""Bulk scoring: one value for a row, a column, a group across genders or everything left in
scope; copying an alternative's cells; clearing a selection. One request, one version, one
audit entry, written through the same path as single cell writes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from app.assessments.models import Assessment, AssessmentCell
from app.assessments.schemas import BulkSelection, CellsBulk, CellWrite
from app.assessments.service import (
    AssessmentView,
    CellsWritten,
    apply_writes,
    check_current,
    editable,
    view_of,
)
from app.auth.principal import Principal
from app.core.errors import Unprocessable
from app.drafts.models import DecisionDraft

CellKey = tuple[str, str, str, str]


def _selection_problems(view: AssessmentView, s: BulkSelection) -> list[dict[str, Any]]:
    """Names the selection gives that the matrix lacks, or that the scope leaves out."""
    shape, scope = view.shape, view.scope
    groups = {g for a in shape.areas for g in shape.groups_by_area[a]}
    problems: list[dict[str, Any]] = []

    def problem(field: str, key: str, message: str) -> None:
        problems.append({"field": f"selection.{field}", "key": key, "message": message})

    if s.alternative not in shape.alternatives:
        problem("alternative", s.alternative, f"unknown alternative '{s.alternative}'")
    for area in s.areas or []:
        if area not in shape.areas:
            problem("areas", area, f"unknown area '{area}'")
        elif scope.areas is not None and area not in scope.areas:
            problem("areas", area, f"area '{area}' is scoped out")
    for group in s.groups or []:
        if group not in groups:
            problem("groups", group, f"unknown group '{group}'")
        elif scope.groups is not None and group not in scope.groups:
            problem("groups", group, f"group '{group}' is scoped out")
    for gender in s.genders or []:
        if gender not in shape.genders:
            problem("genders", gender, f"unknown gender '{gender}'")
    return problems


def selected_keys(view: AssessmentView, s: BulkSelection) -> list[CellKey]:
    """The cells in scope the selection names, in display order."""
    stored = {(c.alternative, c.area, c.grp, c.gender) for c in view.cells}
    return [
        key
        for key in view.shape.cell_keys()
        if key[0] == s.alternative
        and (s.areas is None or key[1] in s.areas)
        and (s.groups is None or key[2] in s.groups)
        and (s.genders is None or key[3] in s.genders)
        and view.scope.covers(key[1], key[2])
        and not (s.only_missing and key in stored)
    ]


def _kept(cell: AssessmentCell | None) -> dict[str, Any]:
    """What a bulk value leaves of a cell: its other fields."""
    if cell is None:
        return {}
    return {
        "horizon": cell.horizon,
        "certainty": cell.certainty,
        "evidence": cell.evidence,
        "mitigation": cell.mitigation,
    }


def _set(key: CellKey, data: CellsBulk, cell: AssessmentCell | None) -> CellWrite:
    state: dict[str, Any] = {"cannot_assess": True} if data.cannot_assess else {"value": data.value}
    text = data.justification.strip() or (cell.justification if cell else "")
    return CellWrite(
        alternative=key[0],
        area=key[1],
        group=key[2],
        gender=key[3],
        justification=text,
        **state,
        **_kept(cell),
    )


def _copy(key: CellKey, source: AssessmentCell | None) -> CellWrite:
    alternative, area, group, gender = key
    if source is None:
        return CellWrite(alternative=alternative, area=area, group=group, gender=gender, clear=True)
    state: dict[str, Any] = (
        {"cannot_assess": True} if source.cannot_assess else {"value": source.value}
    )
    return CellWrite(
        alternative=alternative,
        area=area,
        group=group,
        gender=gender,
        justification=source.justification,
        **state,
        **_kept(source),
    )


def bulk_writes(view: AssessmentView, data: CellsBulk) -> list[CellWrite]:
    """The single cell writes a bulk request stands for (cells already so are left alone)."""
    stored = {(c.alternative, c.area, c.grp, c.gender): c for c in view.cells}
    writes: list[CellWrite] = []
    for key in selected_keys(view, data.selection):
        cell = stored.get(key)
        if data.operation == "clear":
            if cell is not None:
                writes.append(
                    CellWrite(
                        alternative=key[0], area=key[1], group=key[2], gender=key[3], clear=True
                    )
                )
        elif data.operation == "set":
            writes.append(_set(key, data, cell))
        else:
            source = stored.get((data.from_alternative or "", *key[1:]))
            if source is not None or cell is not None:
                writes.append(_copy(key, source))
    return writes


def write_bulk(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    expected_version: int,
    data: CellsBulk,
) -> tuple[Assessment, int]:
    """Apply one bulk operation atomically: the assessment after it and how many cells were
    written (0, and no new version, when the selection needs no change)."""
    draft, assessment = editable(session, principal, draft_id)
    check_current(assessment, expected_version)
    view = view_of(session, draft, assessment)
    problems = _selection_problems(view, data.selection)
    if data.from_alternative is not None and data.from_alternative not in view.shape.alternatives:
        problems.append(
            {
                "field": "from_alternative",
                "key": data.from_alternative,
                "message": f"unknown alternative '{data.from_alternative}'",
            }
        )
    if data.from_alternative == data.selection.alternative:
        problems.append({"field": "from_alternative", "message": "copy to another alternative"})
    if problems:
        raise Unprocessable(
            "The selection does not fit the matrix; nothing was written", details=problems
        )
    writes = bulk_writes(view, data)
    if not writes:
        return assessment, 0
    _apply(session, principal, draft, view, data, writes)
    return view.assessment, len(writes)


def _apply(
    session: Session,
    principal: Principal,
    draft: DecisionDraft,
    view: AssessmentView,
    data: CellsBulk,
    writes: Sequence[CellWrite],
) -> CellsWritten:
    return apply_writes(
        session,
        principal=principal,
        draft=draft,
        view=view,
        writes=writes,
        action="assessment.cells_bulk_written",
        data={
            "operation": data.operation,
            "selection": data.selection.model_dump(mode="json", exclude_none=True),
            "from_alternative": data.from_alternative,
            "value": data.value,
            "cannot_assess": data.cannot_assess,
            "count": len(writes),
        },
    )
