"""The matrix read and summary as they were computed before they were rendered from rows:
the oracle that tests/assessments/test_rendering.py compares today's bytes and counts with.

Kept verbatim (the summary loop, the per-cell Pydantic models, JSONResponse): a change to
the shape of either answer has to change this file too, on purpose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from fastapi.responses import JSONResponse

from app.assessments.schemas import SummaryRead
from app.assessments.shape import EVERYTHING, Direction, MatrixScope, MatrixShape
from app.assessments.summary import (
    CellState,
    Counts,
    CumulativeImpact,
    GenderGap,
    Summary,
)


def _outcome(shape: MatrixShape, cell: CellState | None) -> str:
    if cell is None or (cell.value is None and not cell.cannot_assess):
        return "not_assessed"
    if cell.cannot_assess:
        return "cannot_assess"
    assert cell.value is not None
    return shape.direction_of(cell.value).value


def summarise(
    shape: MatrixShape, cells: Iterable[CellState], scope: MatrixScope = EVERYTHING
) -> Summary:
    """Counts per alternative, area, group and gender, and the cumulative/gender-gap findings.
    Cells outside `scope` count as scoped out, whatever is stored for them."""
    by_key = {
        (c.alternative, c.area, c.group, c.gender): c
        for c in cells
        if scope.covers(c.area, c.group)
    }
    summary = Summary()
    negatives: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in shape.cell_keys():
        alternative, area, group, gender = key
        cell = by_key.get(key)
        outcome = _outcome(shape, cell) if scope.covers(area, group) else "scoped_out"
        summary.by_alternative.setdefault(alternative, Counts()).add(outcome)
        summary.by_area.setdefault(alternative, {}).setdefault(area, Counts()).add(outcome)
        summary.by_group.setdefault(alternative, {}).setdefault(group, Counts()).add(outcome)
        summary.by_gender.setdefault(alternative, {}).setdefault(gender, Counts()).add(outcome)
        if outcome == Direction.negative.value:
            negatives[(alternative, group)].append(area)
        if (
            cell is not None
            and cell.value is not None
            and not cell.cannot_assess
            and shape.justification_required
            and cell.value != shape.neutral
            and not cell.justification.strip()
        ):
            summary.missing_justification.append(key)
    summary.cumulative = [
        CumulativeImpact(alt, group, len(areas), tuple(dict.fromkeys(areas)))
        for (alt, group), areas in negatives.items()
        if len(areas) >= shape.cumulative_threshold
    ]
    summary.gender_gaps = _gender_gaps(shape, by_key)
    return summary


def _gender_gaps(
    shape: MatrixShape, by_key: dict[tuple[str, str, str, str], CellState]
) -> list[GenderGap]:
    if shape.women not in shape.genders or shape.men not in shape.genders:
        return []
    gaps = []
    for alternative in shape.alternatives:
        for area in shape.areas:
            for group in shape.groups_by_area[area]:
                women = by_key.get((alternative, area, group, shape.women or ""))
                men = by_key.get((alternative, area, group, shape.men or ""))
                if (
                    women
                    and men
                    and women.value is not None
                    and men.value is not None
                    and not women.cannot_assess
                    and not men.cannot_assess
                    and abs(women.value - men.value) >= shape.gender_gap_threshold
                ):
                    gaps.append(GenderGap(alternative, area, group, women.value, men.value))
    return gaps


def _counts(c: Counts) -> dict[str, object]:
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


def summary_bytes(assessment_id: str, version: int, shape: MatrixShape, s: Summary) -> bytes:
    """What GET …/assessment/summary answered for `s`."""
    order = [shape.status_quo, *[a for a in shape.alternatives if a != shape.status_quo]]
    body = SummaryRead(
        assessment_id=assessment_id,
        version=version,
        total=_counts(s.total),
        by_alternative={k: _counts(v) for k, v in s.by_alternative.items()},
        by_area={alt: {k: _counts(v) for k, v in d.items()} for alt, d in s.by_area.items()},
        by_group={alt: {k: _counts(v) for k, v in d.items()} for alt, d in s.by_group.items()},
        by_gender={alt: {k: _counts(v) for k, v in d.items()} for alt, d in s.by_gender.items()},
        comparison=[
            {"area": area, "alternatives": {alt: _counts(s.by_area[alt][area]) for alt in order}}
            for area in shape.areas
        ],
        cumulative_impacts=[
            {
                "alternative": c.alternative,
                "group": c.group,
                "negative_cells": c.negative_cells,
                "areas": list(c.areas),
            }
            for c in s.cumulative
        ],
        gender_gaps=[vars(g) for g in s.gender_gaps],
        missing_justifications=[
            dict(zip(("alternative", "area", "group", "gender"), k, strict=True))
            for k in s.missing_justification
        ],
    )
    return bytes(JSONResponse(body.model_dump(mode="json")).body)
