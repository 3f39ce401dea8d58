"""The matrix kept rendered cell by cell, so the next version's body costs the cells written
since, not the whole matrix.

A state is one version's body and, for each cell of the matrix's order, the length of its
bytes there (rendering.cell_json; 0: not stored): the cells stand in the body one after the
other, joined by commas, from `at` to `end`. Each cell's bytes are in the body once and only
there, so a kept matrix costs its body and 4 bytes a cell, not its body and every cell's
bytes again (some 1 MB more for 2 880 cells, held as as many small objects as cells). A newer
version's state is the old one patched with the cells written after it
(read_queries.cells_since): the runs of cells not written since are copied from the old body,
whole; it is complete when:

- every stored row written after the old version is in the delta: each write stamps the rows
  it stores with the version it claimed (repository.upsert_cells), other writers leave a
  version newer than any (models.UNKNOWN_VERSION);
- no cell was deleted since: the snapshot's count of stored cells equals the old ones and
  the delta's new ones together (a deleted cell leaves fewer, and which one is not known);
- the shape is the same (template, its content, the draft's alternatives).

Otherwise the state is made afresh from every stored cell. The assessment's own fields are
rendered anew every time (rendering.matrix_frame, the body's bytes before and after the
cells): they are one row.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from app.assessments.read_queries import CellsSince
from app.assessments.rendering import cell_json, joined_matrix
from app.assessments.shape import MatrixShape

Key = tuple[str, str, str, str]
# the matrix's bytes before and after its cells (rendering.matrix_frame)
Frame = tuple[bytes, bytes]
# the array type of the cells' lengths: 4 bytes a cell (a cell's bytes are far below 4 GB)
LENGTHS = "I"


@dataclass(frozen=True)
class MatrixState:
    """At `version`, for `shape`: the matrix's body, where its cells stand in it (`at` to
    `end`), each cell's length there at its index in shape.key_order (0: not stored), and
    the stored keys the shape lacks (they count among the stored cells)."""

    version: int
    shape: MatrixShape
    body: bytes
    at: int
    end: int
    lengths: array[int]
    strays: frozenset[Key]
    stored: int

    @property
    def size(self) -> int:
        """What the state holds besides its body (the body is counted as the cached one)."""
        return len(self.lengths) * self.lengths.itemsize + 64 * len(self.strays)


def _key(row: Sequence[Any]) -> Key:
    return (row[0], row[1], row[2], row[3])


def _framed(frame: Frame, cells: Sequence[bytes | memoryview]) -> tuple[bytes, int, int]:
    """The body of `frame` around `cells` (bytes-like, in order, joined by commas), and
    where the cells stand in it."""
    before, after = frame
    parts: list[bytes | memoryview] = [before]
    for index, part in enumerate(cells):
        if index:
            parts.append(b",")
        parts.append(part)
    parts.append(after)
    body = b"".join(parts)
    return body, len(before), len(body) - len(after)


def fresh(
    version: int, shape: MatrixShape, rows: Iterable[Sequence[Any]], frame: Frame
) -> MatrixState:
    """The state of every stored cell (`rows` in CELL_FIELDS order) in `frame`."""
    fragments: list[bytes | None] = [None] * len(shape.key_order)
    positions = shape.positions
    strays = set()
    stored = 0
    for row in rows:
        key = _key(row)
        stored += 1
        at = positions.get(key)
        if at is None:
            strays.add(key)
        else:
            fragments[at] = cell_json(row)
    body = joined_matrix(*frame, fragments)
    lengths = array(LENGTHS, (len(f) if f is not None else 0 for f in fragments))
    end = len(body) - len(frame[1])
    return MatrixState(version, shape, body, len(frame[0]), end, lengths, frozenset(strays), stored)


def same_shape(a: MatrixShape, b: MatrixShape) -> bool:
    return a is b or a == b


def patched(
    state: MatrixState, shape: MatrixShape, delta: CellsSince, frame: Frame
) -> MatrixState | None:
    """`state` moved to the delta's version with the cells written since `state.version`, in
    `frame`; None when that cannot be shown complete (a cell deleted, another shape)."""
    if delta.version < state.version or not same_shape(state.shape, shape):
        return None
    changed = {_key(row): row for row in delta.rows}
    positions, old = state.shape.positions, state.lengths
    added = [key for key in changed if key not in state.strays]
    added = [key for key in added if key not in positions or not old[positions[key]]]
    if delta.stored != state.stored + len(added):
        return None  # some cell was deleted since: which one is not known
    strays = set(state.strays)
    written: dict[int, bytes] = {}
    for key, row in changed.items():
        at = positions.get(key)
        if at is None:
            strays.add(key)
        else:
            written[at] = cell_json(row)
    body, at, end = _framed(frame, _cells_after(state, written))
    lengths = array(LENGTHS, old)
    for index, fragment in written.items():
        lengths[index] = len(fragment)
    return MatrixState(
        delta.version, shape, body, at, end, lengths, frozenset(strays), delta.stored
    )


def _cells_after(state: MatrixState, written: dict[int, bytes]) -> list[bytes | memoryview]:
    """The cells of `state` with those `written` put in (a new cell where none was stored):
    each run of cells between two written ones is one slice of the old body, its commas
    within."""
    cells = memoryview(state.body)[state.at : state.end]
    # where each cell of the order starts in `cells` (a cell not stored: where it would)
    starts = list(accumulate((n + 1 if n else 0 for n in state.lengths), initial=0))
    parts: list[bytes | memoryview] = []
    done = 0  # the old cells before this offset are in `parts`
    for index in sorted(written):
        start = starts[index]
        if start > done:
            parts.append(cells[done : start - 1])  # the run before, without its last comma
        parts.append(written[index])
        done = starts[index + 1] if state.lengths[index] else start
    if done < len(cells):
        parts.append(cells[done:])
    return parts
