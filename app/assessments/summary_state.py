"""The summary kept counted cell by cell, so the next version's summary costs the cells
written since, not the whole matrix.

A state holds, as of one version, each cell's outcome (as summary._outcomes gives it), the
counts per alternative, area, group and gender with their rendered documents, and the
findings (missing justifications, gender gaps, cumulative impacts) each keyed by where it
stands in the matrix's order. A newer version moves the counts of each cell written since
from its old outcome to its new one and redoes the findings those cells take part in. The
delta is complete under the conditions matrix_state explains; a new scope recounts every
kept cell, another shape starts afresh. The bytes are those of summary_document over
summarise_rows (tests/assessments/test_incremental_reads.py compares them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from app.assessments.matrix_state import same_shape
from app.assessments.read_queries import CellsSince
from app.assessments.rendering import counts_document
from app.assessments.shape import Direction, MatrixScope, MatrixShape
from app.assessments.summary import COUNT_KEYS, CellRow, Counts, gender_gap, judged

Key = tuple[str, str, str, str]
Part = tuple[str, ...]  # ("alternative", alt) or (table, alt, area | group | gender)
TABLES = ("by_area", "by_group", "by_gender")
NEGATIVE = Direction.negative.value
# A kept cell's justification when it has one (_kept): the summary asks only whether it is blank.
JUSTIFIED = "justified"
# What one kept cell costs (its row, outcome and list slots), roughly.
CELL_COST = 160


@dataclass(frozen=True)
class Layout:
    """Where each cell of a shape counts under a scope (made once per shape and scope)."""

    shape: MatrixShape
    scope: MatrixScope
    covered: tuple[bool, ...]
    parts: tuple[tuple[Part, Part, Part, Part], ...]  # alternative, area, group, gender
    # The summary's tables in their order: alternatives, then each alternative's parts.
    alternatives: tuple[tuple[str, Part], ...]
    tables: dict[str, tuple[tuple[str, tuple[tuple[str, Part], ...]], ...]]
    pairs: dict[tuple[str, str], tuple[int, ...]]  # (alternative, group): its cells
    twins: tuple[tuple[int, int] | None, ...]  # each cell's (women, men) cells, if any


def _layout(shape: MatrixShape, scope: MatrixScope) -> Layout:
    alts, areas, groups, genders = shape.key_columns
    # each part once, shared by its cells (a tuple per cell and part was ~1 MB at 2 880 cells)
    known: dict[Part, Part] = {}
    parts: tuple[tuple[Part, Part, Part, Part], ...] = tuple(
        (
            known.setdefault(("alternative", a), ("alternative", a)),
            known.setdefault(("by_area", a, ar), ("by_area", a, ar)),
            known.setdefault(("by_group", a, g), ("by_group", a, g)),
            known.setdefault(("by_gender", a, ge), ("by_gender", a, ge)),
        )
        for a, ar, g, ge in zip(alts, areas, groups, genders, strict=True)
    )
    tables: dict[str, tuple[tuple[str, tuple[tuple[str, Part], ...]], ...]] = {}
    for index, table in enumerate(TABLES, start=1):
        seen: dict[str, dict[str, Part]] = {}
        for cell in parts:
            seen.setdefault(cell[0][1], {}).setdefault(cell[index][2], cell[index])
        tables[table] = tuple((alt, tuple(named.items())) for alt, named in seen.items())
    pairs: dict[tuple[str, str], list[int]] = {}
    for at, (alt, group) in enumerate(zip(alts, groups, strict=True)):
        pairs.setdefault((alt, group), []).append(at)
    return Layout(
        shape,
        scope,
        tuple(scope.covers(area, group) for area, group in zip(areas, groups, strict=True)),
        parts,
        tuple((alt, ("alternative", alt)) for alt in dict.fromkeys(alts)),
        tables,
        {pair: tuple(cells) for pair, cells in pairs.items()},
        _twins(shape),
    )


def _twins(shape: MatrixShape) -> tuple[tuple[int, int] | None, ...]:
    """For each cell of the gender gap's two genders, its and its twin's (women, men)."""
    positions = shape.positions
    if shape.women not in shape.genders or shape.men not in shape.genders:
        return (None,) * len(shape.key_order)
    twins: list[tuple[int, int] | None] = []
    for alt, area, group, gender in shape.key_order:
        pair = None
        if gender in (shape.women, shape.men):
            women = positions[(alt, area, group, shape.women or "")]
            pair = (women, positions[(alt, area, group, shape.men or "")])
        twins.append(pair)
    return tuple(twins)


@dataclass(frozen=True)
class SummaryState:
    """At `version`: each cell's row (None: not stored) and outcome in the shape's order,
    the stored keys the shape lacks, the counts and their documents per part, and the
    findings by the index of the cell they start at."""

    version: int
    layout: Layout
    cells: list[CellRow | None]
    strays: frozenset[Key]
    stored: int
    outcomes: list[str]
    counts: dict[Part, Counts]
    docs: dict[Part, dict[str, Any]]
    missing: frozenset[int]
    gaps: dict[int, dict[str, Any]]
    cumulative: dict[tuple[str, str], tuple[int, dict[str, Any]]]

    @property
    def size(self) -> int:
        return CELL_COST * len(self.cells)


def _outcome(layout: Layout, at: int, cell: CellRow | None) -> tuple[str, bool]:
    """The cell's outcome and whether it lacks a justification (summary._outcomes)."""
    if not layout.covered[at]:
        return "scoped_out", False
    if cell is None:
        return "not_assessed", False
    return judged(layout.shape, cell)


def _gap(layout: Layout, cells: list[CellRow | None], twin: tuple[int, int]) -> Any:
    """The gender gap of one (alternative, area, group), or None (summary._gender_gaps)."""
    shape = layout.shape
    women = cells[twin[0]] if layout.covered[twin[0]] else None
    men = cells[twin[1]] if layout.covered[twin[1]] else None
    if women and men and gender_gap(shape, women, men):
        alt, area, group, _ = shape.key_order[twin[0]]
        return {"alternative": alt, "area": area, "group": group, "women": women[4], "men": men[4]}
    return None


def _cumulative(
    layout: Layout, outcomes: list[str], pair: tuple[str, str]
) -> tuple[int, dict[str, Any]] | None:
    """The cumulative impact of one (alternative, group), or None (summary._cumulative)."""
    negative = [at for at in layout.pairs[pair] if outcomes[at] == NEGATIVE]
    if len(negative) < layout.shape.cumulative_threshold or not negative:
        return None
    areas = [layout.shape.key_order[at][1] for at in negative]
    entry = {
        "alternative": pair[0],
        "group": pair[1],
        "negative_cells": len(negative),
        "areas": list(dict.fromkeys(areas)),
    }
    return negative[0], entry


def _key(row: Sequence[Any]) -> Key:
    return (row[0], row[1], row[2], row[3])


def _kept(shape: MatrixShape, at: int, row: CellRow) -> CellRow:
    """What the state keeps of a stored row: the shape's own key strings (not the row's copies
    of them) and whether a justification is there rather than its text, which is all the
    counts and findings read (summary.judged, summary.gender_gap)."""
    return (*shape.key_order[at], row[4], row[5], JUSTIFIED if row[6].strip() else "")


def fresh(
    version: int, shape: MatrixShape, scope: MatrixScope, rows: Iterable[CellRow]
) -> SummaryState:
    """The state of every stored cell (`rows` in summary.CellRow order)."""
    cells: list[CellRow | None] = [None] * len(shape.key_order)
    strays = set()
    stored = 0
    for row in rows:
        stored += 1
        at = shape.positions.get(_key(row))
        if at is None:
            strays.add(_key(row))
        else:
            cells[at] = _kept(shape, at, row)
    return _counted(version, _layout(shape, scope), cells, frozenset(strays), stored)


def _counted(
    version: int,
    layout: Layout,
    cells: list[CellRow | None],
    strays: frozenset[Key],
    stored: int,
) -> SummaryState:
    """Every count and finding of `cells` afresh."""
    judged = [_outcome(layout, at, cell) for at, cell in enumerate(cells)]
    outcomes = [outcome for outcome, _ in judged]
    counts: dict[Part, Counts] = {}
    for index in range(4):
        column = (parts[index] for parts in layout.parts)
        for (part, outcome), n in Counter(zip(column, outcomes, strict=True)).items():
            setattr(counts.setdefault(part, Counts()), outcome, n)
    twins = {twin for twin in layout.twins if twin is not None}
    gaps = {twin[0]: gap for twin in twins if (gap := _gap(layout, cells, twin)) is not None}
    cumulative = {
        pair: found
        for pair in layout.pairs
        if (found := _cumulative(layout, outcomes, pair)) is not None
    }
    return SummaryState(
        version,
        layout,
        cells,
        strays,
        stored,
        outcomes,
        counts,
        {part: counts_document(c) for part, c in counts.items()},
        frozenset(at for at, (_, lacks) in enumerate(judged) if lacks),
        gaps,
        cumulative,
    )


def patched(
    state: SummaryState, shape: MatrixShape, scope: MatrixScope, delta: CellsSince
) -> SummaryState | None:
    """`state` moved to the delta's version, or None when the delta cannot be shown complete
    (a cell deleted, another shape)."""
    layout = state.layout
    if delta.version < state.version or not same_shape(layout.shape, shape):
        return None
    changed = {_key(row): row for row in delta.rows}
    positions = shape.positions
    cells, strays = list(state.cells), set(state.strays)
    stored = state.stored
    moved: list[int] = []
    for key, row in changed.items():
        at = positions.get(key)
        if at is None:
            stored += key not in strays
            strays.add(key)
        else:
            stored += cells[at] is None
            cells[at] = _kept(shape, at, row)
            moved.append(at)
    if delta.stored != stored:
        return None  # some cell was deleted since: which one is not known
    if scope != layout.scope:
        return _counted(delta.version, _layout(shape, scope), cells, frozenset(strays), stored)
    return _moved(state, delta.version, cells, frozenset(strays), stored, moved)


def _moved(
    state: SummaryState,
    version: int,
    cells: list[CellRow | None],
    strays: frozenset[Key],
    stored: int,
    moved: list[int],
) -> SummaryState:
    """`state` with the cells at `moved` changed: their counts moved from the old outcome
    to the new, and the findings they take part in redone."""
    layout = state.layout
    outcomes, counts, docs = list(state.outcomes), dict(state.counts), dict(state.docs)
    missing, gaps, cumulative = set(state.missing), dict(state.gaps), dict(state.cumulative)
    pairs: set[tuple[str, str]] = set()
    twins: set[tuple[int, int]] = set()
    touched: set[Part] = set()
    for at in moved:
        new, lacks = _outcome(layout, at, cells[at])
        old = outcomes[at]
        (missing.add if lacks else missing.discard)(at)
        twin = layout.twins[at]
        if twin is not None:
            twins.add(twin)
        if new == old:
            continue
        outcomes[at] = new
        for part in layout.parts[at]:
            c = counts[part] = replace(counts[part])
            setattr(c, old, getattr(c, old) - 1)
            setattr(c, new, getattr(c, new) + 1)
            touched.add(part)
        if NEGATIVE in (old, new):
            alt, _, group, _ = layout.shape.key_order[at]
            pairs.add((alt, group))
    docs.update((part, counts_document(counts[part])) for part in touched)
    for twin in twins:
        _put(gaps, twin[0], _gap(layout, cells, twin))
    for pair in pairs:
        _put(cumulative, pair, _cumulative(layout, outcomes, pair))
    return SummaryState(
        version,
        layout,
        cells,
        strays,
        stored,
        outcomes,
        counts,
        docs,
        frozenset(missing),
        gaps,
        cumulative,
    )


def _put(found: dict[Any, Any], key: Any, value: Any) -> None:
    """Set `key` to `value`, or leave it out when `value` is None."""
    if value is None:
        found.pop(key, None)
    else:
        found[key] = value


def document(state: SummaryState, assessment_id: str) -> dict[str, Any]:
    """SummaryRead as a dict, as rendering.summary_document writes it."""
    layout, docs = state.layout, state.docs
    total = Counts()
    for _, part in layout.alternatives:
        counted = state.counts[part]
        for key in COUNT_KEYS:
            setattr(total, key, getattr(total, key) + getattr(counted, key))
    shape = layout.shape
    order = [shape.status_quo, *[a for a in shape.alternatives if a != shape.status_quo]]
    tables = {
        table: {alt: {name: docs[part] for name, part in named} for alt, named in per_alt}
        for table, per_alt in layout.tables.items()
    }
    by_area = tables["by_area"]
    keys = shape.key_order
    return {
        "assessment_id": assessment_id,
        "version": state.version,
        "total": counts_document(total),
        "by_alternative": {alt: docs[part] for alt, part in layout.alternatives},
        **tables,
        "comparison": [
            {"area": area, "alternatives": {alt: by_area[alt][area] for alt in order}}
            for area in shape.areas
        ],
        "cumulative_impacts": [
            entry for _, entry in sorted(state.cumulative.values(), key=itemgetter(0))
        ],
        "gender_gaps": [state.gaps[at] for at in sorted(state.gaps)],
        "missing_justifications": [
            dict(zip(("alternative", "area", "group", "gender"), keys[at], strict=True))
            for at in sorted(state.missing)
        ],
    }
