"""Whether cell writes fit the matrix and its scope: every misfit, with the field it is about."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.assessments.schemas import CellWrite
from app.assessments.shape import EVERYTHING, MatrixScope, MatrixShape


def cell_problems(
    shape: MatrixShape, writes: Sequence[CellWrite], scope: MatrixScope = EVERYTHING
) -> list[dict[str, Any]]:
    """Every reason a write does not fit the matrix, with its index in the request."""
    problems: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str, str]] = set()
    for index, cell in enumerate(writes):
        key = (cell.alternative, cell.area, cell.group, cell.gender)
        found = _cell_problem(shape, scope, cell, key, seen)
        seen.add(key)
        if found is not None:
            field, problem = found
            problems.append(
                {
                    "index": index,
                    "cell": dict(zip(("alternative", "area", "group", "gender"), key, strict=True)),
                    "field": field,
                    "message": problem,
                }
            )
    return problems


def _cell_problem(
    shape: MatrixShape,
    scope: MatrixScope,
    cell: CellWrite,
    key: tuple[str, str, str, str],
    seen: set[tuple[str, str, str, str]],
) -> tuple[str, str] | None:
    """The first reason one write does not fit, with the field it is about (`cell`: the key,
    `scope`: the cell is scoped out)."""
    problem = shape.problem_with_key(*key)
    if problem is not None:
        return "cell", problem
    if key in seen:
        return "cell", "the same cell is written twice"
    if not cell.clear and not scope.covers(cell.area, cell.group):
        return "scope", "the cell is scoped out: change the scope to assess it"
    if cell.value is not None and cell.value not in shape.scale:
        return "value", f"value {cell.value} is not on the scale {sorted(shape.scale)}"
    if cell.horizon is not None and cell.horizon not in shape.horizons:
        return "horizon", f"unknown time horizon '{cell.horizon}'"
    if cell.certainty is not None and cell.certainty not in shape.certainties:
        return "certainty", f"unknown certainty '{cell.certainty}'"
    return None
