"""The summary of the rows the database gives equals the old cell-by-cell computation on
generated matrices stored in the database (SQLite and PostgreSQL), scopes, blank
justifications and cells the shape no longer holds included."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert
from sqlmodel import Session

from app.assessments import repository as repo
from app.assessments.models import AssessmentCell
from app.assessments.shape import MatrixShape
from app.assessments.summary import CellState, summarise_rows
from app.core.db import get_engine
from tests.assessments import oracle
from tests.assessments.test_summary import SCALE, scopes, shapes
from tests.factories import World
from tests.flows import screened_assessment

# Blank to str.strip() or not: ASCII and Unicode spaces, a line separator, text.
JUSTIFICATIONS = ["", " ", "\u3000\t\n", "\u2028\xa0", "perustelu", " x "]
TABLE = AssessmentCell.__table__  # type: ignore[attr-defined]


@st.composite
def stored(draw: st.DrawFn, shape: MatrixShape) -> list[dict[str, Any]]:
    keys = draw(st.lists(st.sampled_from(shape.cell_keys()), unique=True))
    if draw(st.booleans()):  # a cell of an alternative the draft no longer has
        keys.append(("gone", shape.areas[0], shape.groups[0], shape.genders[0]))
    rows = []
    for alternative, area, group, gender in keys:
        cannot = draw(st.booleans())
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "alternative": alternative,
                "area": area,
                "grp": group,
                "gender": gender,
                "value": None if cannot else draw(st.none() | st.sampled_from(sorted(SCALE))),
                "cannot_assess": cannot,
                "justification": draw(st.sampled_from(JUSTIFICATIONS)),
                "evidence": "",
                "mitigation": "",
                "updated_at": datetime(2026, 12, 6, tzinfo=UTC),
                "updated_by": "",
            }
        )
    return rows


def test_stored_rows_summarise_as_the_cell_by_cell_summary(
    client: TestClient, world: World
) -> None:
    _, assessment = screened_assessment(client, world.preparer)
    assessment_id = assessment["id"]

    @settings(max_examples=80, deadline=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        shape = data.draw(shapes())
        if data.draw(st.booleans()):
            shape = MatrixShape(**vars(shape) | {"genders": ("all", "women", "men")})
        rows = data.draw(stored(shape))
        scope = data.draw(scopes(shape))
        states = [
            CellState(
                r["alternative"],
                r["area"],
                r["grp"],
                r["gender"],
                r["value"],
                r["cannot_assess"],
                r["justification"],
            )
            for r in rows
            if (r["alternative"], r["area"], r["grp"], r["gender"]) in shape.key_set
        ]
        with Session(get_engine()) as session:
            session.execute(delete(TABLE).where(TABLE.c.assessment_id == assessment_id))
            if rows:
                session.execute(insert(TABLE), [r | {"assessment_id": assessment_id} for r in rows])
            try:
                found = summarise_rows(shape, repo.summary_rows(session, assessment_id), scope)
                assert found == oracle.summarise(shape, states, scope)
            finally:
                session.rollback()

    check()
