"""What the read cache keeps per assessment costs about its own size: the kept state is
measured with tracemalloc, the budget being the payload plus a small overhead per cell."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from app.assessments.rendering import cell_json

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
