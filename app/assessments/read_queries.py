"""The two statements a matrix or summary read runs when its cached copy is not of the
current version: the assessment's head, and its cells written since a version.

Both are built once (plain Core, no ORM instance). Together they read one state of the
assessment: `cells_since` returns the version its own snapshot saw, and the reader keeps the
pair only when that is the version `head` read (every change of cells claims a new version
in the same transaction, so an equal version means no write landed between the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Select, and_, bindparam, func, type_coerce
from sqlalchemy import select as core_select
from sqlmodel import Session

from app.assessments.models import Assessment, AssessmentCell, AssessmentState
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


_HEAD = (
    core_select(
        *(_A[name] for name in list(Head.__dataclass_fields__)[:18]),
        _D.version.label("draft_version"),
        _T.revision.label("template_revision"),
        _T.updated_at.label("template_updated_at"),
    )
    .select_from(
        _ASSESSMENT.join(_DRAFT, _D.id == _A.draft_id).join(_TEMPLATE, _T.id == _A.template_id)
    )
    .where(_A.id == bindparam("assessment_id"))
)


def head(session: Session, assessment_id: str) -> Head | None:
    """The assessment's head, or None when it is gone."""
    row = session.execute(_HEAD, {"assessment_id": assessment_id}).first()
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


def _since(columns: list[Any]) -> Select[Any]:
    """One row per cell written after :since, each with the snapshot's version and number of
    stored cells (one row of NULL cells when none was)."""
    stored = (
        core_select(func.count())
        .select_from(_CELLS)
        .where(_C.assessment_id == bindparam("assessment_id"))
        .scalar_subquery()
    )
    at = (
        core_select(_A.version.label("at_version"), stored.label("stored"))
        .where(_A.id == bindparam("assessment_id"))
        .subquery("at")
    )
    written = and_(
        _C.assessment_id == bindparam("assessment_id"), _C.written_version > bindparam("since")
    )
    return core_select(at.c.at_version, at.c.stored, *columns).select_from(
        at.outerjoin(_CELLS, written)
    )


_SINCE = {
    ("matrix", "sqlite"): _since(
        [*_MATRIX_COLUMNS, type_coerce(_C.updated_at, DateTime()).label("updated_at"), _C.updated_by]
    ),
    ("matrix", "postgresql"): _since([*_MATRIX_COLUMNS, _C.updated_at, _C.updated_by]),
    ("summary", "sqlite"): _since([*_SUMMARY_COLUMNS, _C.justification]),
    ("summary", "postgresql"): _since([*_SUMMARY_COLUMNS, _C.justification]),
}


def cells_since(session: Session, kind: str, assessment_id: str, since: int) -> CellsSince | None:
    """The cells written after version `since` (all of them for -1), as rows of the matrix
    (CELL_FIELDS order) or of the summary (summary.CellRow order); None when the assessment
    is gone."""
    dialect = session.get_bind().dialect.name
    statement = _SINCE.get((kind, dialect), _SINCE[(kind, "postgresql")])
    found = session.execute(statement, {"assessment_id": assessment_id, "since": since}).all()
    if not found:
        return None
    first = found[0]
    rows = [] if first[2] is None else [tuple(row[2:]) for row in found]
    return CellsSince(first[0], first[1], rows)
