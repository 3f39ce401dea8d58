"""The statements a matrix or summary read runs when its cached copy is not of the
current version: the assessment's head, and its cells written since a version.

All are built once (plain Core, no ORM instance). With a cached copy, the head and the few
cells written since come in one statement (`head_and_cells_since`), so of one snapshot.
Without one, every cell comes in a statement of its own (`cells_since`, the head's columns
are not repeated on each row), which returns the version its own snapshot saw: the reader
keeps the pair only when that is the version `head` read (every change of cells claims a new
version in the same transaction, so an equal version means no write landed between the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Select, and_, bindparam, func, type_coerce
from sqlalchemy import select as core_select
from sqlmodel import Session

from app.assessments.models import Assessment, AssessmentCell, AssessmentState
from app.core.db import run_core
from app.drafts.models import DecisionDraft
from app.templates.models import AssessmentTemplate

_ASSESSMENT = Assessment.__table__  # type: ignore[attr-defined]
_CELLS = AssessmentCell.__table__  # type: ignore[attr-defined]
_DRAFT = DecisionDraft.__table__  # type: ignore[attr-defined]
_TEMPLATE = AssessmentTemplate.__table__  # type: ignore[attr-defined]
_A, _C, _D, _T = _ASSESSMENT.c, _CELLS.c, _DRAFT.c, _TEMPLATE.c


@dataclass(frozen=True)
class Head:
    """What a matrix or summary read takes from the assessment row (the attributes the
    renderer reads of an Assessment), with the marks its template and alternatives are
    cached by."""

    id: str
    draft_id: str
    template_id: str
    state: AssessmentState
    cycle: int
    version: int
    mitigation: str
    comparison: str
    recommended_alternative: str | None
    participation: str
    statements: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    scope_areas: list[str] | None
    scope_groups: list[str] | None
    scope_reason: str
    updated_at: datetime
    updated_by: str
    draft_version: int
    template_revision: int
    template_updated_at: Any


_HEAD_COLUMNS = [
    *(_A[name] for name in list(Head.__dataclass_fields__)[:18]),
    _D.version.label("draft_version"),
    _T.revision.label("template_revision"),
    _T.updated_at.label("template_updated_at"),
]
_HEAD_FROM = _ASSESSMENT.join(_DRAFT, _D.id == _A.draft_id).join(_TEMPLATE, _T.id == _A.template_id)
_HEAD = (
    core_select(*_HEAD_COLUMNS).select_from(_HEAD_FROM).where(_A.id == bindparam("assessment_id"))
)
_HEAD_WIDTH = len(_HEAD_COLUMNS)


def head(session: Session, assessment_id: str) -> Head | None:
    """The assessment's head, or None when it is gone."""
    row = run_core(session, _HEAD, {"assessment_id": assessment_id}).first()
    return None if row is None else Head(*row)


@dataclass(frozen=True)
class CellsSince:
    """The cells stored after `since` in one snapshot: the assessment's version and number of
    stored cells in that snapshot, and the rows written after `since`."""

    version: int
    stored: int
    rows: list[tuple[Any, ...]]


# What the matrix reads of a cell (CELL_FIELDS order; repository.cell_rows explains the
# SQLite timestamp) and what the summary reads (summary.CellRow order).
_MATRIX_COLUMNS = [
    *(_C.alternative, _C.area, _C.grp, _C.gender, _C.value, _C.cannot_assess, _C.horizon),
    *(_C.certainty, _C.justification, _C.evidence, _C.mitigation),
]
_SUMMARY_COLUMNS = [_C.alternative, _C.area, _C.grp, _C.gender, _C.value, _C.cannot_assess]


def _since(columns: list[Any], *, with_head: bool) -> Select[Any]:
    """One row per cell written after :since, each with the snapshot's version (or the whole
    head) and number of stored cells; one row of NULL cells when none was."""
    stored = (
        core_select(func.count())
        .select_from(_CELLS)
        .where(_C.assessment_id == bindparam("assessment_id"))
        .scalar_subquery()
        .label("stored")
    )
    one = (
        core_select(*_HEAD_COLUMNS, stored).select_from(_HEAD_FROM)
        if with_head
        else core_select(_A.version, stored)
    )
    at = one.where(_A.id == bindparam("assessment_id")).subquery("at")
    written = and_(
        _C.assessment_id == bindparam("assessment_id"), _C.written_version > bindparam("since")
    )
    return core_select(*at.c, *columns).select_from(at.outerjoin(_CELLS, written))


_COLUMNS = {
    ("matrix", "sqlite"): [
        *_MATRIX_COLUMNS,
        type_coerce(_C.updated_at, DateTime()).label("updated_at"),
        _C.updated_by,
    ],
    ("matrix", "postgresql"): [*_MATRIX_COLUMNS, _C.updated_at, _C.updated_by],
    ("summary", "sqlite"): [*_SUMMARY_COLUMNS, _C.justification],
    ("summary", "postgresql"): [*_SUMMARY_COLUMNS, _C.justification],
}
_SINCE = {key: _since(columns, with_head=False) for key, columns in _COLUMNS.items()}
_HEAD_AND_SINCE = {key: _since(columns, with_head=True) for key, columns in _COLUMNS.items()}


def _run(
    session: Session, statements: dict[tuple[str, str], Select[Any]], kind: str, params: Any
) -> list[Any]:
    dialect = session.get_bind().dialect.name
    statement = statements.get((kind, dialect), statements[(kind, "postgresql")])
    return list(run_core(session, statement, params).all())


def cells_since(session: Session, kind: str, assessment_id: str, since: int) -> CellsSince | None:
    """The cells written after version `since` (all of them for -1), as rows of the matrix
    (CELL_FIELDS order) or of the summary (summary.CellRow order); None when the assessment
    is gone."""
    found = _run(session, _SINCE, kind, {"assessment_id": assessment_id, "since": since})
    if not found:
        return None
    first = found[0]
    rows = [] if first[2] is None else [tuple(row[2:]) for row in found]
    return CellsSince(first[0], first[1], rows)


def head_and_cells_since(
    session: Session, kind: str, assessment_id: str, since: int
) -> tuple[Head, CellsSince] | None:
    """`head` and `cells_since` in one statement, so of one snapshot: for a few cells (the
    head's columns come with each row)."""
    found = _run(session, _HEAD_AND_SINCE, kind, {"assessment_id": assessment_id, "since": since})
    if not found:
        return None
    first, width = found[0], _HEAD_WIDTH + 1
    head = Head(*first[:_HEAD_WIDTH])
    rows = [] if first[width] is None else [tuple(row[width:]) for row in found]
    return head, CellsSince(head.version, first[_HEAD_WIDTH], rows)
