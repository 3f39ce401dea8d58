"""The matrix and summary reads: JSON bytes cached per assessment version, in a cache
bounded by bytes (ENNAKKO_READ_CACHE_BYTES).

Each cached body keeps what made it (matrix_state, summary_state): a read of a newer
version fetches the assessment's head and the cells written since the cached version, and
patches; it renders from every stored cell only when the delta cannot be shown complete, or
nothing is cached. The delta comes from the database, so another worker's writes are seen
alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlmodel import Session

from app.assessments import matrix_state, read_queries, service, summary_state
from app.assessments import repository as repo
from app.assessments.matrix import shape_for
from app.assessments.matrix_state import MatrixState
from app.assessments.read_queries import CellsSince, Head
from app.assessments.rendering import (
    matrix_document,
    matrix_frame,
    matrix_json,
    summary_document,
    summary_json,
)
from app.assessments.shape import MatrixScope, MatrixShape
from app.assessments.summary import summarise_rows
from app.assessments.summary_state import SummaryState
from app.core.body_cache import Body, BodyCache, compress
from app.core.config import get_settings
from app.core.errors import NotFound
from app.drafts import service as drafts
from app.templates import service as templates
from app.templates.models import AssessmentTemplate

# Rendered bodies per (kind, assessment id), of the version last read: a version never
# changes content, and a newer one replaces it.
_BODIES = BodyCache(lambda: get_settings().read_cache_bytes)
# The draft's active assessment and its version, as the caller's visibility check read them.
Active = tuple[str, int]
# Head-and-cells reads tried before a read gives up keeping its body (each failed one saw a
# write land between its two statements).
_ATTEMPTS = 3


@dataclass(frozen=True)
class Rendered:
    body: bytes
    version: int
    gzipped: bool


@dataclass(frozen=True)
class _Made:
    version: int
    body: Body
    keep: bool = True  # False: the body may mix two versions, answer it but keep it not


def _cached(
    session: Session,
    active: Active,
    kind: str,
    make: Callable[[Session, str, Any], _Made],
    gzipped: bool,
) -> Rendered:
    """The body of `kind` for the draft's active assessment, from the cache or
    `make(session, assessment id, what the family keeps)`. `active` is the assessment and
    version the caller's visibility check read (read_context.reading, in this request):
    it is not read again."""
    assessment_id, version = active
    family = (kind, assessment_id)
    found = _BODIES.get(family, version)
    if found is None:
        latest = _BODIES.latest(family)
        # If a write has landed since the visibility query, its newer version is what gets
        # rendered and keyed.
        made = make(session, assessment_id, None if latest is None else latest[1].extra)
        version, found = made.version, made.body
        if not made.keep:
            body = compress(found.identity) if gzipped else found.identity
            return Rendered(body, version, gzipped)
        found = _BODIES.put(family, version, found)
    body = _BODIES.encoded(family, version, found, gzipped=gzipped)
    return Rendered(body, version, gzipped)


@dataclass(frozen=True)
class _Read:
    """One state of an assessment: its head, the shape its matrix has, and its cells
    written after some version."""

    head: Head
    template: AssessmentTemplate
    shape: MatrixShape
    cells: CellsSince


def _read(session: Session, kind: str, assessment_id: str, since: int) -> _Read | None:
    """The head and the cells written after `since` (-1: every cell) as of one version
    (None: a write landed between the two statements of a whole read at every attempt)."""
    found = _head_and_cells(session, kind, assessment_id, since)
    if found is None:
        return None
    head, cells = found
    template = templates.at_mark(
        session, head.template_id, head.template_revision, head.template_updated_at
    )
    alternatives = drafts.alternatives_at(session, head.draft_id, head.draft_version)
    return _Read(head, template, shape_for(template, alternatives), cells)


def _head_and_cells(
    session: Session, kind: str, assessment_id: str, since: int
) -> tuple[Head, CellsSince] | None:
    """A few cells come with the head in one statement; every cell in a statement of its
    own (the head's columns are not repeated on each row), kept when both saw one version."""
    if since >= 0:
        found = read_queries.head_and_cells_since(session, kind, assessment_id, since)
        if found is None:
            raise NotFound("The draft has no assessment yet")
        return found
    for _ in range(_ATTEMPTS):
        head = read_queries.head(session, assessment_id)
        cells = read_queries.cells_since(session, kind, assessment_id, since)
        if head is None or cells is None:
            raise NotFound("The draft has no assessment yet")
        if cells.version == head.version:
            return head, cells
    return None


def _scope(head: Head) -> MatrixScope:
    """The assessment's scope (as service.scope_of reads it of the row)."""
    return MatrixScope.stored(head.scope_areas, head.scope_groups, head.scope_reason)


def _next_matrix(session: Session, assessment_id: str, kept: MatrixState | None) -> _Made:
    """The current state: `kept` patched, or made afresh; the matrix rendered whole when no
    read was consistent, or its free-form fields need the Pydantic path (rendering)."""
    read = _read(session, "matrix", assessment_id, -1 if kept is None else kept.version)
    if read is not None and kept is not None:
        frame = _frame(read)
        if frame is None:
            return _whole_matrix(session, assessment_id, keep=True)
        moved = matrix_state.patched(kept, read.shape, read.cells, frame)
        if moved is not None:
            return _Made(moved.version, Body(moved.body, extra=moved, extra_size=moved.size))
        read = _read(session, "matrix", assessment_id, -1)
    if read is None:
        return _whole_matrix(session, assessment_id, keep=False)
    frame = _frame(read)
    if frame is None:
        return _whole_matrix(session, assessment_id, keep=True)
    state = matrix_state.fresh(read.head.version, read.shape, read.cells.rows, frame)
    return _Made(state.version, Body(state.body, extra=state, extra_size=state.size))


def _frame(read: _Read) -> tuple[bytes, bytes] | None:
    """The matrix's bytes around its cells (None: free-form fields beyond orjson)."""
    try:
        return matrix_frame(read.head, read.template, read.shape)
    except orjson.JSONEncodeError:
        return None


def _make_matrix(session: Session, assessment_id: str, kept: Any) -> _Made:
    return _next_matrix(session, assessment_id, kept if isinstance(kept, MatrixState) else None)


def _whole_matrix(session: Session, assessment_id: str, *, keep: bool) -> _Made:
    """The matrix rendered whole from the ORM row and every cell, without a state to patch
    (its free-form fields need the Pydantic path, or writes kept landing between a read's
    statements: then it is not kept either)."""
    assessment = repo.assessment(session, assessment_id)
    if assessment is None:
        raise NotFound("The draft has no assessment yet")
    template, _, shape = service.matrix_of(session, assessment, assessment.draft_id)
    rows = repo.cell_rows(session, assessment.id)
    body = matrix_json(matrix_document(assessment, template, shape, rows))
    return _Made(assessment.version, Body(body), keep=keep)


def rendered_assessment(session: Session, active: Active, *, gzipped: bool = False) -> Rendered:
    """The whole matrix as JSON bytes (AssessmentRead), gzip-encoded if asked; cached per
    assessment version, patched with the cells written since the cached one."""
    return _cached(session, active, "matrix", _make_matrix, gzipped)


def kept_assessment(active: Active, *, gzipped: bool = False) -> Rendered | None:
    """The matrix of this version as the cache holds it, in the encoding asked; None when it
    must be rendered, patched or compressed first."""
    return _kept("matrix", active, gzipped)


def kept_summary(active: Active, *, gzipped: bool = False) -> Rendered | None:
    """The summary of this version as the cache holds it (see `kept_assessment`)."""
    return _kept("summary", active, gzipped)


def _kept(kind: str, active: Active, gzipped: bool) -> Rendered | None:
    assessment_id, version = active
    found = _BODIES.get((kind, assessment_id), version)
    body = None if found is None else found.gzipped if gzipped else found.identity
    return None if body is None else Rendered(body, version, gzipped)


def _next_summary(
    session: Session, assessment_id: str, kept: SummaryState | None
) -> tuple[_Read, SummaryState] | None:
    """The current state: `kept` patched, or made afresh (None: no consistent read)."""
    read = _read(session, "summary", assessment_id, -1 if kept is None else kept.version)
    if read is not None and kept is not None:
        moved = summary_state.patched(kept, read.shape, _scope(read.head), read.cells)
        if moved is not None:
            return read, moved
        read = _read(session, "summary", assessment_id, -1)
    if read is None:
        return None
    scope = _scope(read.head)
    return read, summary_state.fresh(read.head.version, read.shape, scope, read.cells.rows)


def _make_summary(session: Session, assessment_id: str, kept: Any) -> _Made:
    state = kept if isinstance(kept, SummaryState) else None
    found = _next_summary(session, assessment_id, state)
    if found is None:
        return _unkept_summary(session, assessment_id)
    _, state = found
    body = summary_json(summary_state.document(state, assessment_id))
    return _Made(state.version, Body(body, extra=state, extra_size=state.size + len(body)))


def _unkept_summary(session: Session, assessment_id: str) -> _Made:
    """The summary counted whole from the ORM row and every cell, not kept (writes kept
    landing between a read's statements)."""
    assessment = repo.assessment(session, assessment_id)
    if assessment is None:
        raise NotFound("The draft has no assessment yet")
    _, _, shape = service.matrix_of(session, assessment, assessment.draft_id)
    rows = repo.summary_rows(session, assessment.id)
    summary = summarise_rows(shape, rows, service.scope_of(assessment))
    document = summary_document(
        assessment_id=assessment.id, version=assessment.version, shape=shape, summary=summary
    )
    return _Made(assessment.version, Body(summary_json(document)), keep=False)


def rendered_summary(session: Session, active: Active, *, gzipped: bool = False) -> Rendered:
    """The summary as JSON bytes (SummaryRead), cached per assessment version, recounted for
    the alternatives whose cells were written since the cached one."""
    return _cached(session, active, "summary", _make_summary, gzipped)
