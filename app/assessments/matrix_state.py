"""The matrix kept rendered cell by cell, so the next version's body costs the cells written
since, not the whole matrix.

A state holds every stored cell's bytes (rendering.cell_json) in the matrix's order, as of
one version. A newer version's state is the old one patched with the cells written after it
(read_queries.cells_since), which is complete when:

- every stored row written after the old version is in the delta: each write stamps the rows
  it stores with the version it claimed (repository.upsert_cells), other writers leave a
  version newer than any (models.UNKNOWN_VERSION);
- no cell was deleted since: the snapshot's count of stored cells equals the old ones and
  the delta's new ones together (a deleted cell leaves fewer, and which one is not known);
- the shape is the same (template, its content, the draft's alternatives).

Otherwise the state is made afresh from every stored cell. The assessment's own fields are
rendered anew every time (rendering.matrix_frame): they are one row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.assessments.read_queries import CellsSince
from app.assessments.rendering import cell_json
from app.assessments.shape import MatrixShape

Key = tuple[str, str, str, str]
# What one kept cell costs besides its bytes (a bytes object and its list slot), roughly.
CELL_OVERHEAD = 80


@dataclass(frozen=True)
class MatrixState:
    """At `version`, for `shape`: each cell's bytes at its index in shape.key_order (None:
    not stored), and the stored keys the shape lacks (they count among the stored cells)."""

    version: int
    shape: MatrixShape
    fragments: list[bytes | None]
    strays: frozenset[Key]
    stored: int
    size: int


def _key(row: Sequence[Any]) -> Key:
    return (row[0], row[1], row[2], row[3])


def fresh(version: int, shape: MatrixShape, rows: Iterable[Sequence[Any]]) -> MatrixState:
    """The state of every stored cell (`rows` in CELL_FIELDS order)."""
    fragments: list[bytes | None] = [None] * len(shape.key_order)
    positions = shape.positions
    strays = set()
    stored = size = 0
    for row in rows:
        key = _key(row)
        stored += 1
        at = positions.get(key)
        if at is None:
            strays.add(key)
        else:
            fragment = fragments[at] = cell_json(row)
            size += len(fragment) + CELL_OVERHEAD
    return MatrixState(version, shape, fragments, frozenset(strays), stored, size)


def same_shape(a: MatrixShape, b: MatrixShape) -> bool:
    return a is b or a == b


def patched(state: MatrixState, shape: MatrixShape, delta: CellsSince) -> MatrixState | None:
    """`state` moved to the delta's version with the cells written since `state.version`, or
    None when that cannot be shown complete (a cell deleted, another shape)."""
    if delta.version < state.version or not same_shape(state.shape, shape):
        return None
    changed = {_key(row): row for row in delta.rows}
    positions, old = state.shape.positions, state.fragments
    added = [key for key in changed if key not in state.strays]
    added = [key for key in added if key not in positions or old[positions[key]] is None]
    if delta.stored != state.stored + len(added):
        return None  # some cell was deleted since: which one is not known
    if not changed:  # the assessment's own fields alone (or nothing) changed
        return MatrixState(delta.version, shape, old, state.strays, state.stored, state.size)
    fragments = list(old)
    strays = set(state.strays)
    size = state.size
    for key, row in changed.items():
        at = positions.get(key)
        if at is None:
            strays.add(key)
            continue
        before, after = fragments[at], cell_json(row)
        fragments[at] = after
        size += len(after) - (len(before) if before is not None else -CELL_OVERHEAD)
    return MatrixState(delta.version, shape, fragments, frozenset(strays), delta.stored, size)
