"""What the read cache keeps per assessment costs about its own size: the kept state is
measured with tracemalloc, the budget being the payload plus a small overhead per cell."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from app.assessments import summary_state
from app.assessments.rendering import cell_json
from app.assessments.shape import EVERYTHING, MatrixShape
from tests.assessments.test_summary import SCALE

CELLS = 300


def _traced(make: Callable[[], Any]) -> tuple[Any, int]:
    """What `make` returns and the bytes still allocated for it once it has returned."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        made = make()
        return made, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def _row(n: int) -> tuple[Any, ...]:
    return (
        *("vaihtoehto_1", "health", "children", "women", 1, False, "short", "high"),
        f"Perustelu {n}: vaikutus arvioitu kuulemisen perusteella.",
        "Lähde",
        "",
        datetime(2026, 12, 6, 7, 0, tzinfo=UTC),
        "user-1",
    )


def test_a_kept_cell_holds_a_block_of_its_own_size() -> None:
    rows = [_row(n) for n in range(CELLS)]
    kept, grown = _traced(lambda: [cell_json(row) for row in rows])
    payload = sum(len(fragment) for fragment in kept)
    # a bytes object's header and the list's slot: well under 100 bytes a cell (orjson's own
    # buffer is 4 KiB, so a cell kept as orjson returns it costs ~10× its size)
    assert grown < payload + CELLS * 100


def _shape() -> MatrixShape:
    alternatives = ("a0", "a1", "a2")
    groups = tuple(f"g{i}" for i in range(8))
    areas = tuple(f"area{i}" for i in range(12))
    return MatrixShape(
        alternatives=alternatives,
        status_quo="a0",
        areas=areas,
        groups_by_area=dict.fromkeys(areas, groups),
        genders=("women", "men", "other"),
        scale=SCALE,
        neutral=0,
        justification_required=True,
        groups=groups,
        cumulative_threshold=2,
    )


def test_a_kept_summary_holds_no_row_of_its_own() -> None:
    """The summary's state keeps the shape's key strings and whether a justification is
    there, not the rows' copies: a row's strings (here 2 KB of justification) are freed."""
    shape = _shape()

    def kept() -> summary_state.SummaryState:
        # rows as the database gives them: strings of their own in each row
        rows = [
            (*(f"{part}" for part in key), -1, False, f"Perustelu {n}. " * 150)
            for n, key in enumerate(shape.key_order)
        ]
        return summary_state.fresh(1, shape, EVERYTHING, rows)

    state, grown = _traced(kept)
    assert len(state.cells) == 864
    assert summary_state.document(state, "x")["total"]["negative"] == 864
    # the counts, the layout and a tuple per cell: well under 1 KB a cell (a row's
    # justification alone is 2 KB)
    assert grown < 864 * 1000
