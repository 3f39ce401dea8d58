"""Every query about screenings, assessments and cells."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Insert,
    Row,
    Select,
    Update,
    bindparam,
    delete,
    or_,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy import select as core_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from app.assessments.models import (
    Assessment,
    AssessmentCell,
    AssessmentState,
    Screening,
)
from app.core import upsert
from app.drafts.models import DecisionDraft
from app.templates.models import AssessmentTemplate
from app.workflow.models import PolicyRecord
from app.workflow.states import DraftStatus


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
_DRAFT = DecisionDraft.__table__  # type: ignore[attr-defined]
_POLICY = PolicyRecord.__table__  # type: ignore[attr-defined]


def _of_draft(column: Any) -> Any:
    return (
        core_select(column)
        .where(_DRAFT.c.id == _ASSESSMENT.c.draft_id)
        .correlate(_ASSESSMENT)
        .scalar_subquery()
    )


@dataclass(slots=True)
class ClaimedDraft:
    """What a cell write needs of the draft (a workflow subject, not a loaded draft)."""

    id: str
    organisation_id: str
    status: DraftStatus
    version: int
    preparer_id: str | None


@dataclass(frozen=True, slots=True)
class Claimed:
    """An active assessment moved to its next version by a cell write (the new version), its
    draft, the draft's organisation's stored policy version (None: the default policy) and its
    template's mark (revision, updated_at), which key the cached policy and template; and the
    organisation the assessment belongs to."""

    assessment_id: str
    version: int
    template_id: str
    template_mark: tuple[int, Any]
    scope: tuple[list[str] | None, list[str] | None, str]
    has_live_signoffs: bool
    draft: ClaimedDraft
    policy_version: int | None
    organisation_id: str


# Plain Core, built once per caller: the version claim of a cell write, which also reads
# what the write checks and builds on, so that no draft, policy or assessment read comes
# before it. The compare-and-swap moves the draft's active assessment, when it belongs to
# an organisation the caller sees (any, for a claim checked after it), and returns plain
# values, no ORM instance (`has_live_signoffs` as it stands under the row's lock), with its
# draft's state, the draft's organisation's policy version and its template's mark through
# scalar subqueries (SQLite's RETURNING names no other table).
def claim_statement(
    by: Any = None, beside: Sequence[Any] = (), *, any_organisation: bool = False
) -> Update:
    """The claim stamped `by` (an expression; None: the `claim_by` parameter) with `beside`
    returned after its own columns (scalar subqueries a caller needs in the same round trip,
    e.g. the person's row); built once by each caller. `any_organisation`: for a caller who
    checks what it claimed right after (and rolls back), a claim that takes the assessment
    whatever its organisation, without the list of organisations (an expanding parameter,
    which makes every execution render the statement anew)."""
    seen = or_(
        bindparam("claim_any_organisation", type_=Boolean()),
        _ASSESSMENT.c.organisation_id.in_(bindparam("claim_organisations", expanding=True)),
    )
    return (
        update(_ASSESSMENT)
        .where(
            _ASSESSMENT.c.draft_id == bindparam("claim_draft_id"),
            _ASSESSMENT.c.state == AssessmentState.active,
            _ASSESSMENT.c.version == bindparam("claim_expected"),
            *(() if any_organisation else (seen,)),
        )
        .values(
            version=_ASSESSMENT.c.version + 1,
            updated_at=bindparam("claim_at"),
            updated_by=bindparam("claim_by") if by is None else by,
        )
        .returning(
            _ASSESSMENT.c.id,
            _ASSESSMENT.c.version,
            _ASSESSMENT.c.template_id,
            _of_template(col(AssessmentTemplate.revision)),
            _of_template(col(AssessmentTemplate.updated_at)),
            _ASSESSMENT.c.scope_areas,
            _ASSESSMENT.c.scope_groups,
            _ASSESSMENT.c.scope_reason,
            _ASSESSMENT.c.has_live_signoffs,
            _of_draft(_DRAFT.c.organisation_id),
            _of_draft(_DRAFT.c.status),
            _of_draft(_DRAFT.c.version),
            _of_draft(_DRAFT.c.preparer_id),
            core_select(_POLICY.c.version)
            .where(_POLICY.c.organisation_id == _of_draft(_DRAFT.c.organisation_id))
            .correlate(_ASSESSMENT)
            .scalar_subquery(),
            _ASSESSMENT.c.organisation_id,
            _ASSESSMENT.c.updated_by,
            *beside,
        )
    )


_CLAIM_CELLS = claim_statement()


def claim_cells(
    session: Session,
    draft_id: str,
    expected: int,
    *,
    organisations: frozenset[str] | None,
    by: str,
    at: datetime,
) -> Claimed | None:
    """Move the draft's active assessment from version `expected` to the next one, stamped
    with who and when, if it belongs to one of `organisations` (None: any); None when there is
    no such assessment at that version. The session's copy of the assessment, if it holds
    one, is brought up to date."""
    found = claim_cells_beside(
        session, _CLAIM_CELLS, {}, draft_id, expected, organisations=organisations, by=by, at=at
    )
    return None if found is None else found[0]


def claim_cells_beside(
    session: Session,
    statement: Update,
    params: dict[str, Any],
    draft_id: str,
    expected: int,
    *,
    organisations: frozenset[str] | None,
    by: str | None,
    at: datetime,
) -> tuple[Claimed, tuple[Any, ...]] | None:
    """`claim_cells` by a `claim_statement` (with `params` for what it returns beside the
    claim; `by` None when the statement stamps the claim itself): the claim and the values
    returned beside it."""
    params = params | {"claim_draft_id": draft_id, "claim_expected": expected, "claim_at": at}
    params |= {"claim_any_organisation": organisations is None}
    params["claim_organisations"] = sorted(organisations or ())
    if by is not None:
        params["claim_by"] = by
    row = session.connection().execute(statement, params).first()
    if row is None:
        return None
    held = session.identity_map.get(identity_key(Assessment, row[0]))
    if held is not None:
        for name, value in (("version", row[1]), ("updated_at", at), ("updated_by", row[15])):
            set_committed_value(held, name, value)
    draft = ClaimedDraft(draft_id, row[9], DraftStatus(row[10]), row[11], row[12])
    mark, scope = (int(row[3]), row[4]), (row[5], row[6], row[7])
    claimed = Claimed(row[0], row[1], row[2], mark, scope, row[8], draft, row[13], row[14])
    return claimed, tuple(row[_CLAIMED_WIDTH:])


# The claim's own columns, before what a caller returns beside them.
_CLAIMED_WIDTH = len(_CLAIM_CELLS.exported_columns)


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
# form is cached: compiling it per write cost more than running it. Nothing is returned: a
# written cell is exactly the row given (its id aside, which no answer shows).
@functools.cache
def _upsert(dialect: str) -> Insert:
    table = AssessmentCell.__table__  # type: ignore[attr-defined]
    return upsert.insert_or_update(dialect, table, _KEY_COLUMNS, _CELL_CONTENT)


def upsert_cells(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or overwrite each cell by its key. Each row names the assessment version whose
    write stores it (`written_version`: the version the write claimed, so that a read that
    cached an older version fetches these rows; app/assessments/matrix_state.py)."""
    statement = _upsert(upsert.dialect_name(session))
    connection = session.connection()
    for chunk in range(0, len(rows), _CHUNK):
        connection.execute(statement, rows[chunk : chunk + _CHUNK])


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
