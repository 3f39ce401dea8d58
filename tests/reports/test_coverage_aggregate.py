"""The coverage register aggregated in the database gives exactly what tallying one row per
draft in Python gave (tests/reports/coverage_oracle.py), for generated worlds: drafts of a region
and its members across year, quarter and council-term boundaries (meeting dates and creation
hours near midnight), every screening outcome, reasons differing in case and spacing, current
and superseded approvals (some recorded before the draft's creation), meeting items with and
without outcomes, titles that sort differently by code point and by language, more reasons than
links are shown, a non-public member, and callers who may and may not read the drafts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, update
from sqlmodel import Session

from app.auth.principal import SYSTEM, Principal, PrincipalKind
from app.core.db import metadata, transaction
from app.core.models import new_id
from app.organisations.models import Role
from app.reports import coverage as aggregated
from app.reports.coverage import GroupBy, coverage
from app.reports.periods import Granularity, Span
from tests.factories import World, build_world
from tests.reports import coverage_oracle as oracle

BODIES = ["Lautakunta", "Hallitus", "Valtuusto"]
TYPES = ["policy", "budget"]
OUTCOMES = [None, "full", "light", "not_needed", "not_needed"]
REASONS = ["Merkitään tiedoksi.", "merkitään  TIEDOKSI.", " Viranhaku. ", "Viranhaku.", ""]
TITLES = ["Päätös", "päätös", "Öljy", "Zeta", "Äänestys", "ala", "Ö", "Aamu"]
MEETING_OUTCOMES = [None, "", "approved", "returned", "amended"]
LINKS = 3  # links shown per reason, fewer than the reasons' drafts


def _draft(session: Session, rng: random.Random, organisation_id: str, n: int) -> None:
    tables = metadata.tables
    day = date(2025, 5, 25) + timedelta(days=rng.randrange(0, 600))
    created = datetime(day.year, day.month, day.day, rng.choice([0, 12, 23]), 59, tzinfo=UTC)
    draft_id = new_id()
    session.execute(
        insert(tables["decision_draft"]),
        {
            "id": draft_id, "organisation_id": organisation_id,
            "status": rng.choice(["decided", "approved", "in_review", "draft", "screening"]),
            "title": f"{rng.choice(TITLES)} {rng.randrange(3)}", "proposal": "Esitys.",
            "background": "", "decision_body": rng.choice(BODIES),
            "decision_type": rng.choice(TYPES),
            "meeting_date": day + timedelta(days=rng.randrange(40)) if rng.random() < 0.6 else None,
            "languages": ["fi"], "presenting_official": "", "content_hash": "0" * 64,
            "version": 1, "created_at": created, "updated_at": created, "updated_by": "Test",
            "external_case_id": f"case-{n}" if rng.random() < 0.3 else None,
        },
    )  # fmt: skip
    outcome = rng.choice(OUTCOMES)
    if outcome is not None:
        session.execute(
            insert(tables["screening"]),
            {
                "id": new_id(), "draft_id": draft_id, "template_id": _template(session),
                "answers": {}, "computed_outcome": outcome, "outcome": outcome,
                "reason": rng.choice(REASONS), "suggested_templates": [],
                "screened_by": "Test", "screened_at": created,
            },
        )  # fmt: skip
    snapshots = rng.choice([0, 0, 1, 1, 2])
    for cycle in range(snapshots):
        days, seconds = rng.choice([-1, 0, 3, 40]), rng.randrange(86400)
        approved = created + timedelta(days=days, seconds=seconds, microseconds=7)
        session.execute(
            insert(tables["report_approval"]),
            {
                "id": new_id(), "draft_id": draft_id, "organisation_id": organisation_id,
                "template_key": "a", "cycle": cycle + 1, "alternative": "reform",
                "publicity_class": "public", "approved_at": approved, "approved_by": "Test",
                "current": cycle == snapshots - 1,
            },
        )  # fmt: skip
    for item in range(rng.choice([0, 0, 1, 2])):
        session.execute(
            insert(tables["meeting_item"]),
            {
                "id": new_id(), "draft_id": draft_id, "organisation_id": organisation_id,
                "annex_number": item + 1, "meeting_id": f"m-{n}-{item}",
                "item_number": str(item + 1), "meeting_date": day, "attached_by": "Test",
                "attached_at": created + timedelta(days=item + 1),
                "outcome": rng.choice(MEETING_OUTCOMES),
            },
        )  # fmt: skip


def _template(session: Session) -> str:
    table = metadata.tables["assessment_template"]
    found = session.execute(table.select().limit(1)).first()
    assert found is not None
    return str(found.id)


def _generate(world: World, seed: int) -> None:
    rng = random.Random(seed)
    organisations = [world.org, world.other, world.region]
    organisation = metadata.tables["organisation"]
    with transaction() as session:
        session.execute(
            update(organisation)
            .where(organisation.c.id == world.other)
            .values(records_settings={"publicity_class": "non_public"})
        )
        for n in range(rng.randrange(20, 60)):
            _draft(session, rng, rng.choice(organisations), n)


def _callers(world: World) -> list[Principal]:
    """Everyone sees all; an expert of one member reads its drafts only; the region's
    reporting client reads none."""
    expert = Principal(
        PrincipalKind.user, "expert", "Expert",
        roles={o: frozenset({Role.expert}) for o in (world.region, world.org)},
    )  # fmt: skip
    reporter = Principal(
        PrincipalKind.client, "reporter", "Reporter",
        roles={world.region: frozenset()}, scopes=frozenset({"reports:read"}),
    )  # fmt: skip
    return [SYSTEM, expert, reporter]


SPANS = [
    Span(date(2026, 1, 1), date(2026, 12, 31)),
    Span(date(2025, 5, 15), date(2027, 2, 28)),
    Span(date(2026, 3, 1), date(2026, 5, 31)),
]
GROUPINGS = [[], [GroupBy.organisation, GroupBy.body], [GroupBy.body, GroupBy.type]]


def _comparable(report: Any) -> dict[str, Any]:
    """The report, its reason texts compared case and spacing aside: which spelling of a
    reason is shown depended on the order rows came back in before."""
    found: dict[str, Any] = report.model_dump()
    for group in found["not_needed_reasons"]:
        group["reason"] = " ".join(group["reason"].split()).casefold()
    found["not_needed_reasons"].sort(key=lambda g: (-g["count"], g["reason"]))
    return found


def _same_register(world: World) -> int:
    compared = 0
    with transaction() as session:
        for principal in _callers(world):
            for organisation_id in (world.region, world.org, world.other):
                if principal is not SYSTEM and not principal.sees(organisation_id):
                    continue
                for span in SPANS:
                    for granularity in Granularity:
                        for group_by in GROUPINGS:
                            args: dict[str, Any] = {
                                "principal": principal, "organisation_id": organisation_id,
                                "span": span, "granularity": granularity,
                                "group_by": group_by, "language": "sv",
                            }  # fmt: skip
                            new = _comparable(coverage(session, **args))
                            old = _comparable(oracle.coverage(session, **args))
                            assert new == old, (principal.id, organisation_id, span, group_by)
                            compared += new["totals"]["decisions"]
    return compared


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_the_aggregated_register_equals_the_one_tallied_per_draft(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setattr(aggregated, "MAX_LINKS", LINKS)
    monkeypatch.setattr(oracle, "MAX_LINKS", LINKS)
    world = build_world(app)
    _generate(world, seed)
    assert _same_register(world) > 0  # decisions were counted and compared


def test_a_reason_is_shown_in_its_most_used_spelling(app: FastAPI) -> None:
    world = build_world(app)
    _generate(world, 5)
    with transaction() as session:
        report = coverage(
            session, principal=SYSTEM, organisation_id=world.region,
            span=SPANS[1], granularity=Granularity.year, group_by=[],
        )  # fmt: skip
    shown = {g.reason for g in report.not_needed_reasons}
    assert shown <= {"Merkitään tiedoksi.", "merkitään TIEDOKSI.", "Viranhaku.", ""}
    assert "Viranhaku." in shown  # " Viranhaku. " and "Viranhaku." are one reason
    assert sum(g.count for g in report.not_needed_reasons) == report.totals.not_needed
