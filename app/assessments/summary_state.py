"""The summary kept counted per alternative, so the next version's summary costs the
alternatives whose cells were written since, not the whole matrix.

Every count, finding and list of the summary is the alternatives' parts one after another
(rendering.summary_of_pieces), and an alternative's part depends on its own cells alone: a
state keeps each alternative's stored cells and its rendered piece, and a newer version
recounts only the alternatives the cells written since belong to (summarise_rows over that
alternative's cells, the very computation of a full summary). The delta is complete under
the conditions matrix_state explains; a new scope recounts every alternative from the kept
cells, another shape starts afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from app.assessments.matrix_state import same_shape
from app.assessments.read_queries import CellsSince
from app.assessments.rendering import summary_piece
from app.assessments.shape import MatrixScope, MatrixShape
from app.assessments.summary import CellRow, summarise_rows

Key = tuple[str, str, str, str]
Piece = dict[str, Any]
# What one kept cell's row costs (tuple, dict slot, its strings), roughly.
CELL_COST = 200


@dataclass(frozen=True)
class SummaryState:
    """At `version`: the stored cells by alternative (those the shape lacks included), and
    the piece of each alternative the summary shows, in the shape's order."""

    version: int
    shape: MatrixShape
    scope: MatrixScope
    cells: dict[str, dict[Key, CellRow]]
    stored: int
    pieces: dict[str, Piece]
    # The shape of each alternative alone (made once per state's shape).
    own_shapes: dict[str, MatrixShape]

    @property
    def size(self) -> int:
        return CELL_COST * self.stored


def _piece(
    own: MatrixShape, alternative: str, cells: dict[Key, CellRow], scope: MatrixScope
) -> Piece | None:
    """The alternative's piece, counted over its own cells in its own shape (None: it has
    no cell)."""
    summary = summarise_rows(own, cells.values(), scope)
    return summary_piece(alternative, summary) if alternative in summary.by_alternative else None


def _pieces(
    own_shapes: dict[str, MatrixShape],
    scope: MatrixScope,
    cells: dict[str, dict[Key, CellRow]],
    old: dict[str, Piece],
    recount: set[str] | None,
) -> dict[str, Piece]:
    """Each alternative's piece in the shape's order: recounted when in `recount` (None:
    every one), else the old one."""
    pieces: dict[str, Piece] = {}
    for alternative, own in own_shapes.items():
        if recount is None or alternative in recount:
            piece = _piece(own, alternative, cells.get(alternative, {}), scope)
        else:
            piece = old.get(alternative)
        if piece is not None:
            pieces[alternative] = piece
    return pieces


def _key(row: Sequence[Any]) -> Key:
    return (row[0], row[1], row[2], row[3])


def fresh(
    version: int, shape: MatrixShape, scope: MatrixScope, rows: Iterable[CellRow]
) -> SummaryState:
    """The state of every stored cell (`rows` in summary.CellRow order)."""
    cells: dict[str, dict[Key, CellRow]] = {}
    stored = 0
    for row in rows:
        cells.setdefault(row[0], {})[_key(row)] = row
        stored += 1
    own_shapes = {alt: replace(shape, alternatives=(alt,)) for alt in shape.alternatives}
    pieces = _pieces(own_shapes, scope, cells, {}, None)
    return SummaryState(version, shape, scope, cells, stored, pieces, own_shapes)


def patched(
    state: SummaryState, shape: MatrixShape, scope: MatrixScope, delta: CellsSince
) -> SummaryState | None:
    """`state` moved to the delta's version, or None when the delta cannot be shown complete
    (a cell deleted, another shape)."""
    if delta.version < state.version or not same_shape(state.shape, shape):
        return None
    changed: dict[str, dict[Key, CellRow]] = {}
    for row in delta.rows:
        changed.setdefault(row[0], {})[_key(row)] = row
    cells = dict(state.cells)
    stored = state.stored
    for alternative, rows in changed.items():
        kept = cells[alternative] = dict(state.cells.get(alternative, {}))
        stored += sum(1 for key in rows if key not in kept)
        kept.update(rows)
    if delta.stored != stored:
        return None  # some cell was deleted since: which one is not known
    recount = None if scope != state.scope else set(changed)
    pieces = _pieces(state.own_shapes, scope, cells, state.pieces, recount)
    return SummaryState(delta.version, shape, scope, cells, stored, pieces, state.own_shapes)
