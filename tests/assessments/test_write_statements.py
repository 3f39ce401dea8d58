"""The SQL a single-cell write runs (`PATCH …/assessment/cells`), pinned."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import event

from app.core.db import get_engine
from tests.factories import World
from tests.flows import screened_assessment, write

CELL = {"alternative": "reform", "area": "housing_mobility", "group": "young_people"}
CELL |= {"gender": "women", "value": 1, "justification": "Asuminen paranee."}


def _statements_of_a_cell_write(client: TestClient, world: World) -> list[str]:
    draft, assessment = screened_assessment(client, world.preparer)
    version = assessment["version"]
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(get_engine(), "before_cursor_execute", seen)
    try:
        answer = write(client, world.preparer, draft["id"], version, [CELL])
    finally:
        event.remove(get_engine(), "before_cursor_execute", seen)
    assert answer.status_code == 200, answer.text
    return statements


def test_a_single_cell_write_runs_fourteen_statements(client: TestClient, world: World) -> None:
    """18 before: the whole matrix was loaded, the cell read again, the version written twice;
    15 before the caller's roles were cached per access version (app/auth/access.py).
    (SQLite's BEGIN IMMEDIATE is not counted: PostgreSQL's BEGIN is not a statement here.)"""
    statements = [s for s in _statements_of_a_cell_write(client, world) if s != "BEGIN IMMEDIATE"]
    assert len(statements) == 14, "\n".join(statements)
    cell_reads = [s for s in statements if s.startswith("SELECT") and "FROM assessment_cell" in s]
    assert cell_reads == []
    [claim] = [s for s in statements if s.startswith("UPDATE assessment ")]
    assert "updated_by=" in claim
    assert "AND assessment.version = " in claim
    [upsert] = [s for s in statements if "INTO assessment_cell" in s]
    assert "ON CONFLICT" in upsert


def test_a_rewritten_cell_keeps_its_row_and_takes_the_new_content(
    client: TestClient, world: World
) -> None:
    draft, assessment = screened_assessment(client, world.preparer)
    first = write(client, world.preparer, draft["id"], assessment["version"], [CELL])
    assert first.status_code == 200, first.text
    again = CELL | {"value": -1, "justification": "Asuminen kallistuu."}
    second = write(client, world.preparer, draft["id"], first.json()["version"], [again])
    assert second.status_code == 200, second.text
    [after] = second.json()["cells"]
    assert (after["value"], after["justification"]) == (-1, "Asuminen kallistuu.")
    read = client.get(f"/api/v1/drafts/{draft['id']}/assessment", headers=world.preparer.headers)
    stored = [c for c in read.json()["cells"] if c["area"] == CELL["area"]]
    assert [(c["value"], c["justification"]) for c in stored] == [(-1, "Asuminen kallistuu.")]
    assert read.headers["etag"] == f'"v{second.json()["version"]}"'
