"""The matrix and its summary as JSON bytes, made straight from rows.

No ORM instance and no Pydantic model per cell: the documents are plain dicts and lists
serialised by orjson. The bytes are exactly those `AssessmentRead.model_dump_json()` and the
summary's `JSONResponse(SummaryRead.model_dump(mode="json"))` gave (tests/assessments/
test_rendering.py compares them on generated matrices); the schemas still describe them in
the OpenAPI document. A value orjson refuses (an integer beyond 64 bits in a free-form JSON
field) falls back to the Pydantic serialiser, which writes the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Protocol

import orjson

from app.assessments.models import AssessmentState
from app.assessments.schemas import AssessmentRead
from app.assessments.shape import MatrixShape
from app.assessments.summary import Counts, Summary
from app.templates.models import AssessmentTemplate

# AssessmentRead's and CellRead's field order: the JSON keeps it.
CELL_FIELDS = (
    *("alternative", "area", "group", "gender", "value", "cannot_assess", "horizon"),
    *("certainty", "justification", "evidence", "mitigation", "updated_at", "updated_by"),
)
_KEY = itemgetter(0, 1, 2, 3)
# Pydantic writes a UTC timestamp with "Z"; a naive one is UTC (repository.cell_rows).
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC


class AssessmentFields(Protocol):
    """What the matrix shows of an assessment (an Assessment, or read_queries.Head)."""

    @property
    def id(self) -> str: ...
    @property
    def draft_id(self) -> str: ...
    @property
    def state(self) -> AssessmentState: ...
    @property
    def cycle(self) -> int: ...
    @property
    def version(self) -> int: ...
    @property
    def mitigation(self) -> str: ...
    @property
    def comparison(self) -> str: ...
    @property
    def recommended_alternative(self) -> str | None: ...
    @property
    def participation(self) -> str: ...
    @property
    def statements(self) -> list[dict[str, Any]]: ...
    @property
    def sources(self) -> list[dict[str, Any]]: ...
    @property
    def indicators(self) -> list[dict[str, Any]]: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def updated_by(self) -> str: ...


def matrix_document(
    assessment: AssessmentFields,
    template: AssessmentTemplate,
    shape: MatrixShape,
    rows: Sequence[Sequence[Any]],
) -> dict[str, Any]:
    """AssessmentRead as a dict; `rows` as repository.cell_rows gives them, in any order:
    the cells come in the matrix's display order (shape.key_order), and those the shape does
    not hold are left out, as the view leaves them out."""
    a = assessment
    return {
        "id": a.id,
        "draft_id": a.draft_id,
        "template_id": template.id,
        "template_key": template.key,
        "template_version": template.version,
        "state": a.state.value,
        "cycle": a.cycle,
        "version": a.version,
        "mitigation": a.mitigation,
        "comparison": a.comparison,
        "recommended_alternative": a.recommended_alternative,
        "participation": a.participation,
        "statements": a.statements,
        "sources": a.sources,
        "indicators": a.indicators,
        "matrix_size": shape.size(),
        "cells": _cells(rows, shape),
        "updated_at": a.updated_at,
        "updated_by": a.updated_by,
    }


def _cells(rows: Sequence[Sequence[Any]], shape: MatrixShape) -> list[dict[str, Any]]:
    """Each row of the shape as a CellRead dict, in the shape's order."""
    if not rows:
        return []
    by_key = dict(zip(map(_KEY, rows), rows, strict=True))
    return [dict(zip(CELL_FIELDS, row, strict=True)) for row in _in_order(by_key, shape)]


def _in_order(by_key: dict[Any, Any], shape: MatrixShape) -> list[Any]:
    """The values of `by_key` whose key is a cell of `shape`, in the shape's order."""
    return [found for found in map(by_key.get, shape.key_order) if found is not None]


def cell_json(row: Sequence[Any]) -> bytes:
    """One cell's bytes as they stand in the matrix (CELL_FIELDS order), in a block of their
    own size: they are kept (matrix_state), see `compact`."""
    return compact(orjson.dumps(dict(zip(CELL_FIELDS, row, strict=True)), option=_OPTIONS))


def compact(data: bytes) -> bytes:
    """`data` copied into a block of its own length. orjson writes into a buffer of 4 KiB at
    least (and grows it by doubling) that the bytes it returns keep: a cell's ~300 bytes
    held 4 KiB, 14 MB for the 3 744 cells of two kept matrices. Worth it for bytes that are
    kept, not for bytes answered once."""
    return bytes(memoryview(data))


_CELLS_AT = b'"cells":['


def matrix_frame(
    assessment: AssessmentFields, template: AssessmentTemplate, shape: MatrixShape
) -> tuple[bytes, bytes]:
    """The matrix's bytes before and after its cells: the body is `before`, the cells'
    bytes (cell_json) joined by commas in the shape's order, and `after`. Raises
    orjson.JSONEncodeError when the free-form fields need the Pydantic path (matrix_json)."""
    framed = orjson.dumps(matrix_document(assessment, template, shape, []), option=_OPTIONS)
    # The last one: free-form JSON fields before it may hold a "cells" key of their own;
    # after it come only updated_at and updated_by, whose strings have their quotes escaped.
    at = framed.rindex(_CELLS_AT + b"]") + len(_CELLS_AT)
    return framed[:at], framed[at:]


def joined_matrix(before: bytes, after: bytes, fragments: Iterable[bytes | None]) -> bytes:
    """The matrix's bytes from its frame and its stored cells' bytes in the shape's order
    (None: a cell not stored), as matrix_frame tells."""
    parts = list(filter(None, fragments))
    if not parts:
        return before + after
    parts[0] = before + parts[0]
    parts[-1] = parts[-1] + after
    return b",".join(parts)


def matrix_json(document: dict[str, Any]) -> bytes:
    """The matrix document's bytes, as `AssessmentRead.model_dump_json()` writes them."""
    try:
        return orjson.dumps(document, option=_OPTIONS)
    except orjson.JSONEncodeError:  # see the module docstring
        for cell in document["cells"]:
            if cell["updated_at"].tzinfo is None:
                cell["updated_at"] = cell["updated_at"].replace(tzinfo=UTC)
        return AssessmentRead.model_validate(document).model_dump_json().encode()


def counts_document(c: Counts) -> dict[str, Any]:
    return {
        "positive": c.positive,
        "neutral": c.neutral,
        "negative": c.negative,
        "cannot_assess": c.cannot_assess,
        "not_assessed": c.not_assessed,
        "scoped_out": c.scoped_out,
        "total": c.total,
        "completeness": c.completeness,
        "direction": c.direction,
    }


def _per_part(table: dict[str, dict[str, Counts]]) -> dict[str, dict[str, Any]]:
    return {alt: {k: counts_document(v) for k, v in d.items()} for alt, d in table.items()}


def summary_document(
    *, assessment_id: str, version: int, shape: MatrixShape, summary: Summary
) -> dict[str, Any]:
    """SummaryRead as a dict: counts per alternative, area, group and gender, the areas side
    by side (status quo first), and the findings."""
    s = summary
    order = [shape.status_quo, *[a for a in shape.alternatives if a != shape.status_quo]]
    return {
        "assessment_id": assessment_id,
        "version": version,
        "total": counts_document(s.total),
        "by_alternative": {k: counts_document(v) for k, v in s.by_alternative.items()},
        "by_area": _per_part(s.by_area),
        "by_group": _per_part(s.by_group),
        "by_gender": _per_part(s.by_gender),
        "comparison": [
            {
                "area": area,
                "alternatives": {alt: counts_document(s.by_area[alt][area]) for alt in order},
            }
            for area in shape.areas
        ],
        "cumulative_impacts": [
            {
                "alternative": c.alternative,
                "group": c.group,
                "negative_cells": c.negative_cells,
                "areas": list(c.areas),
            }
            for c in s.cumulative
        ],
        "gender_gaps": [vars(g) for g in s.gender_gaps],
        "missing_justifications": [
            dict(zip(("alternative", "area", "group", "gender"), k, strict=True))
            for k in s.missing_justification
        ],
    }


def summary_json(document: dict[str, Any]) -> bytes:
    """The summary's bytes (names, counts and percentages only), as Starlette's JSONResponse
    writes them."""
    return orjson.dumps(document)
