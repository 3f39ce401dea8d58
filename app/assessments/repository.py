"""Every query about screenings, assessments and cells."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Insert,
    Row,
    Select,
    bindparam,
    delete,
    literal_column,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from app.assessments.models import (
    UNKNOWN_VERSION,
    Assessment,
    AssessmentCell,
    AssessmentState,
    Screening,
)
from app.core import upsert
from app.drafts.models import DecisionDraft
from app.templates.models import AssessmentTemplate


def screening_of(session: Session, draft_id: str) -> Screening | None:
    return session.exec(select(Screening).where(Screening.draft_id == draft_id)).first()


def active_assessment(session: Session, draft_id: str, *, lock: bool = False) -> Assessment | None:
    query = select(Assessment).where(
        Assessment.draft_id == draft_id, Assessment.state == AssessmentState.active
    )
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def assessment(session: Session, assessment_id: str) -> Assessment | None:
    return session.get(Assessment, assessment_id)


def assessments_of(session: Session, draft_id: str) -> Sequence[Assessment]:
    return session.exec(
        select(Assessment).where(Assessment.draft_id == draft_id).order_by(col(Assessment.cycle))
    ).all()


def cells(session: Session, assessment_id: str) -> Sequence[AssessmentCell]:
    return session.exec(
        select(AssessmentCell).where(AssessmentCell.assessment_id == assessment_id)
    ).all()


_CELL = AssessmentCell.__table__.c  # type: ignore[attr-defined]


def _cell_rows(updated_at: Any) -> Select[Any]:
    return core_select(
        _CELL.alternative,
        _CELL.area,
        _CELL.grp,
        _CELL.gender,
        _CELL.value,
        _CELL.cannot_assess,
        _CELL.horizon,
        _CELL.certainty,
        _CELL.justification,
        _CELL.evidence,
        _CELL.mitigation,
        updated_at,
        _CELL.updated_by,
    ).where(_CELL.assessment_id == bindparam("assessment_id"))


# Built once, Core rows only (no ORM objects): the matrix read and the summary load every
# cell of an assessment, where building 864 instances would dominate. No ORDER BY, as
# `cells` above: the same statement shape answers in the same order. SQLite stores the UTC
# wall time and its driver parses it in C; the per-row UTC tagging in Python is left to the
# serialiser there (naive means UTC), PostgreSQL's values go through the column type.
_CELL_ROWS = {
    "sqlite": _cell_rows(type_coerce(_CELL.updated_at, DateTime()).label("updated_at")),
    "postgresql": _cell_rows(_CELL.updated_at),
}
_SUMMARY_ROWS = core_select(
    _CELL.alternative,
    _CELL.area,
    _CELL.grp,
    _CELL.gender,
    _CELL.value,
    _CELL.cannot_assess,
    _CELL.justification,
).where(_CELL.assessment_id == bindparam("assessment_id"))


def cell_rows(session: Session, assessment_id: str) -> Sequence[Row[Any]]:
    """Every stored cell as a row: alternative, area, grp, gender, value, cannot_assess,
    horizon, certainty, justification, evidence, mitigation, updated_at, updated_by
    (updated_at in UTC: aware, or naive on SQLite)."""
    statement = _CELL_ROWS.get(session.get_bind().dialect.name, _CELL_ROWS["postgresql"])
    return session.execute(statement, {"assessment_id": assessment_id}).all()


def summary_rows(session: Session, assessment_id: str) -> Sequence[Row[Any]]:
    """What a summary reads of each stored cell: alternative, area, grp, gender, value,
    cannot_assess, justification."""
    return session.execute(_SUMMARY_ROWS, {"assessment_id": assessment_id}).all()


def cells_with_keys(
    session: Session, assessment_id: str, keys: Sequence[tuple[str, str, str, str]]
) -> dict[tuple[str, str, str, str], AssessmentCell]:
    """The stored cells among `keys` (the rest are not yet assessed)."""
    found: dict[tuple[str, str, str, str], AssessmentCell] = {}
    wanted = set(keys)
    for chunk in range(0, len(keys), 400):
        part = keys[chunk : chunk + 400]
        rows = session.exec(
            select(AssessmentCell).where(
                AssessmentCell.assessment_id == assessment_id,
                tuple_(
                    AssessmentCell.alternative,
                    AssessmentCell.area,
                    AssessmentCell.grp,
                    AssessmentCell.gender,
                ).in_(part),
            )
        ).all()
        found |= {(c.alternative, c.area, c.grp, c.gender): c for c in rows}
    return {k: v for k, v in found.items() if k in wanted}


def _of_template(column: Any) -> Any:
    return (
        core_select(column)
        .where(col(AssessmentTemplate.id) == col(Assessment.template_id))
        .correlate(Assessment.__table__)  # type: ignore[attr-defined]
        .scalar_subquery()
    )


_ASSESSMENT = Assessment.__table__  # type: ignore[attr-defined]
# Built once, plain Core (an ORM-enabled UPDATE builds a new statement per run): the version
# claim of a cell write. The compare-and-swap on the draft's active assessment returns the row
# it moved (with `has_live_signoffs` as it stands under the row's lock) and its template's
# revision and updated_at, which key the cached template; the ORM loads the row from it.
_CLAIM_ACTIVE = (
    select(
        Assessment,
        literal_column("template_revision"),
        literal_column("template_updated_at"),
    )
    .from_statement(
        update(_ASSESSMENT)
        .where(
            _ASSESSMENT.c.draft_id == bindparam("claim_draft_id"),
            _ASSESSMENT.c.state == AssessmentState.active,
            _ASSESSMENT.c.version == bindparam("claim_expected"),
        )
        .values(
            version=_ASSESSMENT.c.version + 1,
            updated_at=bindparam("claim_at"),
            updated_by=bindparam("claim_by"),
        )
        .returning(
            *_ASSESSMENT.c,
            _of_template(col(AssessmentTemplate.revision)).label("template_revision"),
            _of_template(col(AssessmentTemplate.updated_at)).label("template_updated_at"),
        )
    )
    .execution_options(populate_existing=True)
)  # the caller may hold the row from before: renew it


def claim_active(
    session: Session, draft_id: str, expected: int, *, by: str, at: datetime
) -> tuple[Assessment, int, Any] | None:
    """Move the draft's active assessment from version `expected` to the next one, stamped
    with who and when: the assessment and its template's (revision, updated_at), or None when
    there is no active assessment at that version."""
    params = {"claim_draft_id": draft_id, "claim_expected": expected}
    params |= {"claim_at": at, "claim_by": by}
    row = session.execute(_CLAIM_ACTIVE, params).first()
    return None if row is None else (row[0], int(row[1]), row[2])


# Built once: this runs on every matrix read, where building the statement would dominate.
_ACTIVE_OF_DRAFT = (
    select(DecisionDraft.organisation_id, Assessment.id, Assessment.version)
    .select_from(DecisionDraft)
    .outerjoin(
        Assessment,
        (col(Assessment.draft_id) == col(DecisionDraft.id))
        & (col(Assessment.state) == AssessmentState.active),
    )
    .where(col(DecisionDraft.id) == bindparam("draft_id"))
)


def active_of_draft(session: Session, draft_id: str) -> tuple[str, str | None, int | None] | None:
    """(organisation, active assessment id, its version) of a draft in one query, or None."""
    row = session.execute(_ACTIVE_OF_DRAFT, {"draft_id": draft_id}).first()
    return None if row is None else (row[0], row[1], row[2])


CellKey = tuple[str, str, str, str]
_KEY_COLUMNS = ["assessment_id", "alternative", "area", "grp", "gender"]
# what a write sets on a cell that exists; the rest of the row is its identity
_CELL_CONTENT = [
    "value",
    "cannot_assess",
    "horizon",
    "certainty",
    "justification",
    "evidence",
    "mitigation",
    "updated_at",
    "updated_by",
    "written_version",
]
_CHUNK = 200  # rows per statement (15 parameters each)


# Built once per dialect (the engine's, on its first write) and run with the rows as
# parameters (executemany: SQLAlchemy sends them as one multi-row statement), so its compiled
# form is cached: compiling it per write cost more than running it.
@functools.cache
def _upsert(dialect: str) -> Insert:
    table = AssessmentCell.__table__  # type: ignore[attr-defined]
    statement = upsert.insert_or_update(dialect, table, _KEY_COLUMNS, _CELL_CONTENT)
    return statement.returning(*table.c)


def upsert_cells(session: Session, rows: list[dict[str, Any]]) -> list[AssessmentCell]:
    """Insert or overwrite each cell by its key; the stored rows, in the order given, each
    stamped with the version its write claimed (see _stamp_written)."""
    statement = _upsert(upsert.dialect_name(session))
    _stamp_written(session, rows)
    stored: dict[CellKey, AssessmentCell] = {}
    for chunk in range(0, len(rows), _CHUNK):
        for row in session.execute(statement, rows[chunk : chunk + _CHUNK]):
            cell = AssessmentCell.model_validate(dict(row._mapping))
            stored[(cell.alternative, cell.area, cell.grp, cell.gender)] = cell
    return [stored[(r["alternative"], r["area"], r["grp"], r["gender"])] for r in rows]


def _stamp_written(session: Session, rows: list[dict[str, Any]]) -> None:
    """Set each row's `written_version` to its assessment's version as this transaction sees
    it: the one the write claimed (a cell write claims the next version first and holds the
    row's lock until commit), so a read that cached an older version fetches these rows. The
    assessment is in the session already (the claim loaded or stamped it): no query."""
    versions: dict[str, int] = {}
    for row in rows:
        assessment_id = row["assessment_id"]
        if assessment_id not in versions:
            found = session.get(Assessment, assessment_id)
            versions[assessment_id] = UNKNOWN_VERSION if found is None else found.version
        row["written_version"] = versions[assessment_id]


def delete_cells(session: Session, assessment_id: str, keys: Sequence[CellKey]) -> None:
    for chunk in range(0, len(keys), 400):
        session.execute(
            delete(AssessmentCell)
            .where(
                col(AssessmentCell.assessment_id) == assessment_id,
                tuple_(
                    col(AssessmentCell.alternative),
                    col(AssessmentCell.area),
                    col(AssessmentCell.grp),
                    col(AssessmentCell.gender),
                ).in_(keys[chunk : chunk + 400]),
            )
            .execution_options(synchronize_session=False)
        )
