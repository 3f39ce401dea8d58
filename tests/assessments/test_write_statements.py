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
    """The statements of a write after the first (the first one finds out that the new
    assessment has no live sign-off and fills the per-version caches)."""
    draft, assessment = screened_assessment(client, world.preparer)
    first = write(client, world.preparer, draft["id"], assessment["version"], [CELL])
    assert first.status_code == 200, first.text
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(get_engine(), "before_cursor_execute", seen)
    try:
        answer = write(client, world.preparer, draft["id"], first.json()["version"], [CELL])
    finally:
        event.remove(get_engine(), "before_cursor_execute", seen)
    assert answer.status_code == 200, answer.text
    return statements


def test_a_single_cell_write_runs_six_statements(client: TestClient, world: World) -> None:
    """1. the version claim on the draft's active assessment, which also reads the caller
       and what the write checks and builds on: it returns plain values, the person's row
       (app/auth/access.py caches their roles per access version), its `has_live_signoffs`,
       the draft's state, its organisation's policy version and its template's mark (the
       parsed policy, the template and the draft's alternatives are cached per version; the
       checks, the caller's 401 and 403 first, run after it, and a failing one rolls the
       claim back);
    2. the cell upsert (nothing returned: the answer is the row written);
    3.-5. the audit chain: its head locked, the entry, the head moved;
    6. the outbox event, which returns the organisation's active webhook subscriptions.
    No sign-off is read: the claim said none is live.
    18 before: the whole matrix was loaded, the cell read again, the version written twice;
    15 before the caller's roles were cached per access version; 14 before the claim returned
    the assessment and the live sign-off flag and the policy, template and alternatives were
    cached; 9 before the claim read the draft and its policy version and the outbox event
    returned the subscriptions; 7 before the claim read the caller's row (a statement of its
    own, in the gate's pool-thread call). (SQLite's BEGIN IMMEDIATE is not counted:
    PostgreSQL's BEGIN is not a statement here.)"""
    statements = [s for s in _statements_of_a_cell_write(client, world) if s != "BEGIN IMMEDIATE"]
    assert len(statements) == 6, "\n".join(statements)
    reads = [s for s in statements if s.startswith("SELECT")]
    assert not [s for s in reads if "FROM assessment_cell" in s or "FROM signoff" in s]
    assert not [s for s in reads if "FROM assessment_template" in s or "draft_alternative" in s]
    assert not [s for s in reads if s.startswith("SELECT workflow_policy")]
    assert not [s for s in reads if "FROM user_account" in s]
    assert not [s for s in reads if "FROM decision_draft" in s or "FROM assessment " in s]
    [claim] = [s for s in statements if s.startswith("UPDATE assessment ")]
    assert "updated_by=" in claim
    assert "AND assessment.version = " in claim
    returned = claim.split("RETURNING")[1]
    assert "has_live_signoffs" in returned
    assert "FROM user_account" in returned
    assert "FROM decision_draft" in returned
    assert "FROM workflow_policy" in returned
    [upsert] = [s for s in statements if "INTO assessment_cell" in s]
    assert "ON CONFLICT" in upsert
    assert "RETURNING" not in upsert
    [outbox] = [s for s in statements if "INTO outbox_event" in s]
    assert "FROM webhook_subscription" in outbox.split("RETURNING")[1]
    assert not [s for s in reads if "FROM webhook_subscription" in s]


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
