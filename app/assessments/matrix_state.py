"""The matrix kept rendered cell by cell, so the next version's body costs the cells written
since, not the whole matrix.

A state holds every stored cell's bytes (rendering.cell_json) by key, as of one version. A
newer version's state is the old one patched with the cells written after it
(read_queries.cells_since), which is complete when:

- every stored row written after the old version is in the delta: each write stamps the rows
  it stores with the version it claimed (repository.upsert_cells), other writers leave a
  version newer than any (models.UNKNOWN_VERSION);
- no cell was deleted since: the snapshot's count of stored cells equals the old keys and
  the delta's together (a deleted cell leaves fewer, and which one is not known);
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
# What one kept cell costs besides its bytes (a bytes object and its dict slot), roughly.
CELL_OVERHEAD = 120


@dataclass(frozen=True)
class MatrixState:
    """Every stored cell's bytes by key at `version` (cells the shape lacks included: the
    count of stored cells covers them), for `shape`."""

    version: int
    shape: MatrixShape
    fragments: dict[Key, bytes]
    size: int

    @property
    def stored(self) -> int:
        return len(self.fragments)


def _key(row: Sequence[Any]) -> Key:
    return (row[0], row[1], row[2], row[3])


def fresh(version: int, shape: MatrixShape, rows: Iterable[Sequence[Any]]) -> MatrixState:
    """The state of every stored cell (`rows` in CELL_FIELDS order)."""
    fragments = {_key(row): cell_json(row) for row in rows}
    size = sum(map(len, fragments.values())) + CELL_OVERHEAD * len(fragments)
    return MatrixState(version, shape, fragments, size)


def same_shape(a: MatrixShape, b: MatrixShape) -> bool:
    return a is b or a == b


def patched(state: MatrixState, shape: MatrixShape, delta: CellsSince) -> MatrixState | None:
    """`state` moved to the delta's version with the cells written since `state.version`, or
    None when that cannot be shown complete (a cell deleted, another shape)."""
    if delta.version < state.version or not same_shape(state.shape, shape):
        return None
    changed = {_key(row): row for row in delta.rows}
    added = sum(1 for key in changed if key not in state.fragments)
    if delta.stored != state.stored + added:
        return None  # some cell was deleted since: which one is not known
    if not changed:  # the assessment's own fields alone (or nothing) changed
        return MatrixState(delta.version, shape, state.fragments, state.size)
    fragments = dict(state.fragments)
    size = state.size
    for key, row in changed.items():
        old = fragments.get(key)
        new = fragments[key] = cell_json(row)
        size += len(new) - (len(old) if old is not None else -CELL_OVERHEAD)
    return MatrixState(delta.version, shape, fragments, size)
