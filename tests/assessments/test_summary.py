"""Matrix invariants: summaries do not depend on write order, counts add up to the matrix."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessments.shape import EVERYTHING, Direction, MatrixScope, MatrixShape, ScaleValue
from app.assessments.summary import COUNT_KEYS, CellState, summarise

SCALE = {
    v: ScaleValue(v, s, d)
    for v, s, d in [
        (2, "++", Direction.positive),
        (1, "+", Direction.positive),
        (0, "0", Direction.neutral),
        (-1, "−", Direction.negative),
        (-2, "−−", Direction.negative),
    ]
}


@st.composite
def shapes(draw: st.DrawFn) -> MatrixShape:
    alternatives = tuple(f"a{i}" for i in range(draw(st.integers(1, 3))))
    areas = tuple(f"area{i}" for i in range(draw(st.integers(1, 4))))
    groups = tuple(f"g{i}" for i in range(draw(st.integers(1, 4))))
    by_area = {
        a: tuple(draw(st.lists(st.sampled_from(groups), min_size=1, unique=True))) for a in areas
    }
    genders = draw(st.sampled_from([("all",), ("women", "men"), ("women", "men", "other")]))
    return MatrixShape(
        alternatives=alternatives,
        status_quo=alternatives[0],
        areas=areas,
        groups_by_area=by_area,
        genders=genders,
        scale=SCALE,
        neutral=0,
        justification_required=True,
        groups=groups,
        cumulative_threshold=draw(st.integers(1, 3)),
    )


@st.composite
def matrices(draw: st.DrawFn) -> tuple[MatrixShape, list[CellState]]:
    shape = draw(shapes())
    keys = draw(st.lists(st.sampled_from(shape.cell_keys()), unique=True))
    cells = []
    for key in keys:
        cannot = draw(st.booleans())
        value = None if cannot else draw(st.sampled_from(sorted(SCALE)))
        cells.append(
            CellState(
                *key,
                value=value,
                cannot_assess=cannot,
                justification=draw(st.sampled_from(["", "perustelu"])),
            )
        )
    return shape, cells


@settings(max_examples=200, deadline=None)
@given(matrices(), st.randoms())
def test_summary_is_independent_of_write_order(
    matrix: tuple[MatrixShape, list[CellState]], rnd: object
) -> None:
    shape, cells = matrix
    shuffled = list(cells)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert summarise(shape, cells) == summarise(shape, shuffled)


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_counts_add_up_to_the_matrix_size(matrix: tuple[MatrixShape, list[CellState]]) -> None:
    shape, cells = matrix
    summary = summarise(shape, cells)
    assert summary.total.total == shape.size()
    assert summary.total.not_assessed == shape.size() - len(cells)
    for alternative, counts in summary.by_alternative.items():
        assert counts.total == shape.size() // len(shape.alternatives)
        for breakdown in (summary.by_area, summary.by_group, summary.by_gender):
            parts = breakdown[alternative].values()
            for key in COUNT_KEYS:
                assert sum(getattr(p, key) for p in parts) == getattr(counts, key)


@settings(max_examples=100, deadline=None)
@given(matrices())
def test_not_assessed_is_never_counted_as_no_impact(
    matrix: tuple[MatrixShape, list[CellState]],
) -> None:
    shape, cells = matrix
    summary = summarise(shape, cells)
    assert summary.total.neutral == sum(1 for c in cells if c.value == 0 and not c.cannot_assess)
    assert summary.total.cannot_assess == sum(1 for c in cells if c.cannot_assess)


@st.composite
def scopes(draw: st.DrawFn, shape: MatrixShape) -> MatrixScope:
    areas = draw(st.none() | st.sets(st.sampled_from(shape.areas), min_size=1))
    groups = draw(st.none() | st.sets(st.sampled_from(shape.groups), min_size=1))
    return MatrixScope(
        areas=None if areas is None else frozenset(areas),
        groups=None if groups is None else frozenset(groups),
        reason="Ei merkittäviä vaikutuksia.",
    )


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_scoped_out_cells_are_their_own_state(data: st.DataObject) -> None:
    shape, cells = data.draw(matrices())
    scope = data.draw(scopes(shape))
    scoped = summarise(shape, cells, scope)
    outside = [k for k in shape.cell_keys() if not scope.covers(k[1], k[2])]
    assert scoped.total.scoped_out == len(outside)
    assert scoped.total.total == shape.size()
    inside_cells = [c for c in cells if scope.covers(c.area, c.group)]
    unscoped = summarise(shape, inside_cells)
    # what is outside the scope is neither "not assessed" nor a value, whatever is stored
    assert scoped.total.not_assessed == unscoped.total.not_assessed - len(outside)
    for key in ("positive", "neutral", "negative", "cannot_assess"):
        assert getattr(scoped.total, key) == getattr(unscoped.total, key)
    assert all(scope.covers(k[1], k[2]) for k in scoped.missing_justification)
    assert summarise(shape, cells, EVERYTHING) == summarise(shape, cells)
