"""The stored ledger (report_ledger_row) gives exactly the ledger computed from the snapshot
cells, for generated worlds: several organisations of a region, approvals across month and
year boundaries (meeting dates and creation days), public and non-public organisations,
superseded approvals, drafts that left the approved states, keys outside the vocabulary, and
callers who may and may not read the drafts (the minimum-count rule)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from app.auth.principal import SYSTEM, Principal, PrincipalKind
from app.core.db import metadata, transaction
from app.core.models import new_id
from app.organisations.models import Role
from app.reports import ledger_store
from app.reports.ledger import ledger
from app.reports.models import ReportLedgerRow
from app.reports.periods import Span
from tests.factories import World, build_world

GROUPS = ["children_0_6", "young_people", "older_people", None]  # None: a key left unmapped
GENDERS = ["all", "female", "male", None]
AREAS = ["health", "learning", "income"]
VALUES = [-2, -1, 0, 0, 1, 2, None]  # None: cannot assess


def _cells(rng: random.Random, approval_id: str, template: str) -> list[dict[str, Any]]:
    found = []
    for area in AREAS:
        for group in GROUPS:
            for gender in GENDERS:
                if rng.random() < 0.35:
                    continue
                value = rng.choice(VALUES)
                direction = (
                    "cannot_assess" if value is None
                    else "neutral" if value == 0
                    else "positive" if value > 0 else "negative"
                )  # fmt: skip
                found.append(
                    {
                        "id": new_id(), "approval_id": approval_id, "area": area,
                        "grp": f"{template}_{group or 'own_group'}",
                        "gender": f"{template}_{gender or 'own_gender'}",
                        "canonical_group": group, "canonical_gender": gender,
                        "value": value, "direction": direction,
                        "strength": abs(value or 0), "strength_max": 2 if template == "a" else 3,
                        "uncertain": value is None or rng.random() < 0.2,
                    }
                )  # fmt: skip
    return found


def _decision(
    session: Session, rng: random.Random, organisation_id: str, public: bool, n: int
) -> str:
    """One draft with 0–2 snapshots (the last current), in a random state and date."""
    tables = metadata.tables
    day = date(2025, 12, 1) + timedelta(days=rng.randrange(0, 430))
    created = datetime(day.year, day.month, day.day, rng.choice([0, 12, 23]), tzinfo=UTC)
    draft_id = new_id()
    session.execute(
        insert(tables["decision_draft"]),
        {
            "id": draft_id, "organisation_id": organisation_id,
            "status": rng.choice(["decided", "approved", "attached", "in_review", "draft"]),
            "title": f"Päätös {n}", "proposal": "Esitys.", "background": "",
            "decision_body": "Lautakunta", "decision_type": "policy",
            "meeting_date": day if rng.random() < 0.7 else None, "languages": ["fi"],
            "presenting_official": "", "content_hash": "0" * 64, "version": 1,
            "created_at": created, "updated_at": created, "updated_by": "Test",
        },
    )  # fmt: skip
    snapshots = rng.choice([0, 1, 1, 1, 2])
    for cycle in range(snapshots):
        approval_id, template = new_id(), rng.choice(["a", "b"])
        session.execute(
            insert(tables["report_approval"]),
            {
                "id": approval_id, "draft_id": draft_id, "organisation_id": organisation_id,
                "template_key": template, "cycle": cycle + 1, "alternative": "reform",
                "publicity_class": "public" if public else "non_public",
                "approved_at": created, "approved_by": "Test", "current": cycle == snapshots - 1,
            },
        )  # fmt: skip
        cells = _cells(rng, approval_id, template)
        if cells:
            session.execute(insert(tables["report_cell"]), cells)
    return draft_id


def _generate(world: World, seed: int) -> list[str]:
    rng = random.Random(seed)
    publicity = {world.org: True, world.other: False, world.region: rng.random() < 0.5}
    with transaction() as session:
        return [
            _decision(session, rng, organisation_id, publicity[organisation_id], n)
            for n in range(rng.randrange(4, 14))
            for organisation_id in [rng.choice(list(publicity))]
        ]


def _callers(world: World) -> list[Principal]:
    """Everyone sees all; the region's expert reads its members' drafts; the region's reporting
    client reads none of them (the minimum count applies to the non-public member)."""
    expert = Principal(
        PrincipalKind.user, "expert", "Expert",
        roles={o: frozenset({Role.expert}) for o in (world.region, world.org, world.other)},
    )  # fmt: skip
    reporter = Principal(
        PrincipalKind.client, "reporter", "Reporter",
        roles={world.region: frozenset()}, scopes=frozenset({"reports:read"}),
    )  # fmt: skip
    return [SYSTEM, expert, reporter]


SPANS = [
    Span(date(2026, 1, 1), date(2026, 12, 31)),
    Span(date(2025, 12, 1), date(2027, 2, 28)),
    Span(date(2026, 3, 1), date(2026, 5, 31)),
]


def _same_ledger(world: World) -> None:
    with transaction() as session:
        for principal in _callers(world):
            for organisation_id in (world.region, world.org, world.other):
                for span in SPANS:
                    args: dict[str, Any] = {
                        "principal": principal, "organisation_id": organisation_id,
                        "span": span, "language": "fi",
                    }  # fmt: skip
                    if not principal.sees(organisation_id) and principal is not SYSTEM:
                        continue
                    stored = ledger(session, **args).model_dump()
                    live = ledger(session, **args, live=True).model_dump()
                    assert stored == live, (principal.id, organisation_id, span)


def _stored_rows(world: World) -> list[tuple[Any, ...]]:
    table = ReportLedgerRow.__table__  # type: ignore[attr-defined]
    columns = [c for c in table.c if c.name != "id"]
    ids = (world.region, world.org, world.other)
    with transaction() as session:
        query = select(*columns).where(table.c.organisation_id.in_(ids))
        return sorted(tuple(r) for r in session.execute(query).all())


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_the_stored_ledger_equals_the_live_one(app: FastAPI, seed: int) -> None:
    world = build_world(app)
    drafts = _generate(world, seed)
    with transaction() as session:
        for draft_id in drafts:  # as the state changes that approved them do
            ledger_store.refresh_draft(session, draft_id)
    _same_ledger(world)
    assert _stored_rows(world)  # something was stored and compared


def test_moves_and_withdrawals_rebuild_the_months_left_and_entered(app: FastAPI) -> None:
    world = build_world(app)
    drafts = _generate(world, 7)
    tables = metadata.tables
    drafts_table = tables["decision_draft"]
    with transaction() as session:
        for draft_id in drafts:
            ledger_store.refresh_draft(session, draft_id)
    rng = random.Random(11)
    with transaction() as session:
        for draft_id in drafts:  # meeting moved, withdrawn, or approved again
            change = rng.choice(["move", "withdraw", "approve", "keep"])
            values: dict[str, Any] = {
                "move": {"meeting_date": date(2026, rng.randrange(1, 13), 15)},
                "withdraw": {"status": "draft"},
                "approve": {"status": "decided"},
                "keep": {},
            }[change]
            if values:
                session.execute(
                    update(drafts_table).where(drafts_table.c.id == draft_id).values(**values)
                )
            ledger_store.refresh_draft(session, draft_id)
    _same_ledger(world)


def test_the_migration_backfill_builds_the_same_rows(app: FastAPI) -> None:
    world = build_world(app)
    drafts = _generate(world, 3)
    with transaction() as session:
        for draft_id in drafts:
            ledger_store.refresh_draft(session, draft_id)
    kept = _stored_rows(world)
    assert kept
    table = ReportLedgerRow.__table__  # type: ignore[attr-defined]
    with transaction() as session:
        session.execute(delete(table))
        ledger_store.rebuild_all(session)
    assert _stored_rows(world) == kept
    _same_ledger(world)
