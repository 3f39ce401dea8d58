"""A matrix or summary patched with the cells written since its cached version is byte for
byte the one rendered from every cell: over random write sequences (writes, clears, cells
outside the matrix, texts-only writes, scope and shape changes) against a stored table kept
in memory, and through the API with two workers' caches reading one database."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessments import matrix_state, reads, summary_state
from app.assessments.models import Assessment
from app.assessments.read_queries import CellsSince
from app.assessments.rendering import (
    cell_json,
    matrix_document,
    matrix_frame,
    matrix_json,
    summary_document,
    summary_json,
)
from app.assessments.shape import EVERYTHING, MatrixScope, MatrixShape
from app.assessments.summary import summarise_rows
from app.core.body_cache import BodyCache
from app.templates.models import AssessmentTemplate
from tests.assessments.test_summary import SCALE, shapes
from tests.factories import World
from tests.flows import screened_assessment, write

TEMPLATE = AssessmentTemplate.model_construct(id="t1", key="iva", version=3)
TEXTS = st.sampled_from(["", "  ", "perustelu", 'Lainaus "näin" \\ ja /', "Åland 👩‍👧"])
Key = tuple[str, str, str, str]


@dataclass
class Table:
    """assessment_cell as the database keeps it: each row with its written_version."""

    version: int = 1
    rows: dict[Key, tuple[tuple[Any, ...], int]] = field(default_factory=dict)
    cleared_at: int = 0  # the last version that deleted a row

    def delta(self, since: int) -> CellsSince:
        return CellsSince(
            self.version,
            len(self.rows),
            [row for row, written in self.rows.values() if written > since],
        )

    def all(self) -> list[tuple[Any, ...]]:
        return [row for row, _ in self.rows.values()]


@st.composite
def cell_rows(draw: st.DrawFn, key: Key, version: int) -> tuple[Any, ...]:
    cannot = draw(st.booleans()) and draw(st.booleans())
    value = None if cannot else draw(st.sampled_from(sorted(SCALE)))
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=version)
    return (
        *key,
        value,
        cannot,
        draw(st.none() | st.just("short")),
        draw(st.none() | st.just("high")),
        draw(TEXTS),
        draw(TEXTS),
        draw(TEXTS),
        moment.replace(tzinfo=None) if draw(st.booleans()) else moment,
        draw(TEXTS),
    )


def _step(data: st.DataObject, table: Table, shape: MatrixShape) -> MatrixShape:
    """One write to `table` (a new version); the shape it leaves (a draft's alternatives
    may change)."""
    kind = data.draw(st.sampled_from(["cells", "cells", "cells", "clear", "texts", "shape"]))
    table.version += 1
    if kind == "cells":
        keys = data.draw(st.lists(st.sampled_from(shape.key_order), min_size=1, max_size=4))
        if data.draw(st.booleans()) and data.draw(st.booleans()):
            keys.append(("gone", *shape.key_order[0][1:]))
        for key in keys:
            table.rows[key] = (data.draw(cell_rows(key, table.version)), table.version)
    elif kind == "clear" and table.rows:
        for key in data.draw(st.lists(st.sampled_from(sorted(table.rows)), max_size=3)):
            table.rows.pop(key, None)
            table.cleared_at = table.version
    elif kind == "shape":
        alternatives = shape.alternatives
        fewer = alternatives[:-1] if len(alternatives) > 1 else (*alternatives, "a9")
        shape = replace(shape, alternatives=fewer)
    return shape


def _head(version: int) -> Assessment:
    return Assessment(
        id="a1",
        draft_id="d1",
        organisation_id="o1",
        template_id="t1",
        version=version,
        mitigation="Lieventäminen",
        statements=[{"cells": []}],
        updated_at=datetime(2026, 12, 6, 7, 0, tzinfo=UTC) + timedelta(seconds=version),
        updated_by="Testaaja",
    )


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_a_patched_matrix_is_the_one_rendered_from_every_cell(data: st.DataObject) -> None:
    shape = data.draw(shapes())
    table, kept = Table(), None
    for _ in range(data.draw(st.integers(1, 12))):
        shape = _step(data, table, shape)
        if not data.draw(st.booleans()):
            continue  # a version nobody read
        framed = matrix_frame(_head(table.version), TEMPLATE, shape)
        state = (
            None
            if kept is None
            else matrix_state.patched(kept, shape, table.delta(kept.version), framed)
        )
        if kept is not None and kept.version >= table.cleared_at and shape == kept.shape:
            assert state is not None  # nothing deleted, the same shape: the delta serves
        state = state or matrix_state.fresh(table.version, shape, table.all(), framed)
        whole = matrix_document(_head(table.version), TEMPLATE, shape, table.all())
        assert state.body == matrix_json(whole)
        # each stored cell's bytes stand in the body where the lengths say
        at = state.at
        for key, length in zip(shape.key_order, state.lengths, strict=True):
            assert (length > 0) == (key in table.rows)
            if length:
                assert state.body[at : at + length] == cell_json(table.rows[key][0])
                at += length + 1
        assert at - 1 == state.end or at == state.at == state.end
        kept = state


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_a_patched_summary_is_the_one_counted_from_every_cell(data: st.DataObject) -> None:
    shape = data.draw(shapes())
    genders = data.draw(st.sampled_from([shape.genders, ("women", "men"), ("all", "women", "men")]))
    shape = replace(shape, genders=genders, gender_gap_threshold=data.draw(st.integers(1, 3)))
    table, scope, kept = Table(), EVERYTHING, None
    for _ in range(data.draw(st.integers(1, 12))):
        shape = _step(data, table, shape)
        if data.draw(st.integers(0, 5)) == 0:
            areas = data.draw(st.none() | st.frozensets(st.sampled_from(shape.areas)))
            scope = MatrixScope(areas=areas, groups=None, reason="rajaus")
        if not data.draw(st.booleans()):
            continue
        summary_rows = [(*r[:6], r[8]) for r in table.all()]
        delta = table.delta(-1 if kept is None else kept.version)
        delta = replace(delta, rows=[(*r[:6], r[8]) for r in delta.rows])
        state = None if kept is None else summary_state.patched(kept, shape, scope, delta)
        if kept is not None and kept.version >= table.cleared_at and shape == kept.layout.shape:
            assert state is not None
        state = state or summary_state.fresh(table.version, shape, scope, summary_rows)
        whole = summarise_rows(shape, summary_rows, scope)
        expected = summary_document(
            assessment_id="a1", version=table.version, shape=shape, summary=whole
        )
        assert summary_json(summary_state.document(state, "a1")) == summary_json(expected)
        kept = state


class _Worker:
    """A worker's own body cache, swapped in for the requests it serves."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cache = BodyCache(lambda: 64 * 2**20)
        self.monkeypatch = monkeypatch

    def get(self, client: TestClient, world: World, url: str) -> Any:
        self.monkeypatch.setattr(reads, "_BODIES", self.cache)
        response = client.get(url, headers=world.expert.headers)
        assert response.status_code == 200, response.text
        return response


def _cell(alt: str, area: str, gender: str, value: int | None) -> dict[str, Any]:
    cell: dict[str, Any] = {"alternative": alt, "area": area, "group": "children_13_17"}
    cell |= {"gender": gender, "justification": f"{area} {gender} {value}"}
    return cell | ({"clear": True} if value is None else {"value": value})


def test_two_workers_each_patch_their_copy_with_the_other_ones_writes(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft, _ = screened_assessment(client, world.preparer)
    url = f"/api/v1/drafts/{draft['id']}/assessment"
    one, other = _Worker(monkeypatch), _Worker(monkeypatch)
    made: list[int] = []
    fresh = matrix_state.fresh
    monkeypatch.setattr(matrix_state, "fresh", lambda *a: made.append(1) or fresh(*a))
    writes = [
        [_cell("reform", "safety", "women", -2), _cell("reform", "safety", "men", 1)],
        [_cell("reform", "safety", "women", 0), _cell("reform", "mental_health", "men", -1)],
        [_cell("reform", "safety", "men", None)],  # a clear: rendered afresh
        [_cell("reform", "participation", "women", 2)],
    ]
    for version, cells in enumerate(writes, start=1):
        for path in (url, url + "/summary"):
            one.get(client, world, path)
        assert write(client, world.expert, draft["id"], version, cells).status_code == 200
        for path in (url, url + "/summary"):
            got = other.get(client, world, path), one.get(client, world, path)
            whole = _Worker(monkeypatch).get(client, world, path)
            assert got[0].content == got[1].content == whole.content
            assert got[0].headers["etag"] == whole.headers["etag"] == f'"v{version + 1}"'
    # Each worker made its matrix from every cell once, then after the clear once more; the
    # fresh caches of the comparison each once.
    assert len(made) == 2 + 2 + len(writes)
