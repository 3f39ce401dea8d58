"""`make run`'s demo data gives the reports something to show for 2026 in Vaasa and Laihia."""

from __future__ import annotations

from app.auth.principal import SYSTEM
from app.core.db import transaction
from app.demo import load_demo_data
from app.organisations import service as org_service
from app.reports import service
from app.reports.coverage import GroupBy
from app.reports.periods import Granularity


def test_the_demo_year_fills_every_report(database: str) -> None:
    with transaction() as session:
        load_demo_data(session)
    with transaction() as session:
        vaasa = org_service.organisation_by_slug(session, "vaasa")
        region = org_service.organisation_by_slug(session, "pohjanmaan-liitto")
        assert vaasa is not None
        assert region is not None
        span = service.span(2026, None, None)
        register = service.coverage(
            session,
            principal=SYSTEM,
            organisation_id=vaasa.id,
            span=span,
            granularity=Granularity.quarter,
            group_by=[GroupBy.body],
        )
        totals = register.totals
        assert totals.decisions >= 16
        assert totals.never_screened >= 2
        assert totals.not_needed >= 4
        assert totals.approved >= 8
        assert totals.approval_days_median is not None
        assert totals.approval_days_median > 7
        assert totals.reached_meeting >= 3
        assert {g.reason for g in register.not_needed_reasons} >= {"Merkitään tiedoksi."}
        ledger = service.ledger(
            session, principal=SYSTEM, organisation_id=vaasa.id, span=span, language="sv"
        )
        assert any(b.cumulative for b in ledger.burden)
        assert any((g.female_worse or 0) > (g.male_worse or 0) for g in ledger.gender_gaps)
        assert ledger.unmapped == []
        # three follow-ups on decided drafts, one of them recorded with a verdict
        assert ledger.followups is not None
        counts = ledger.followups.counts
        assert counts.planned + counts.due + counts.overdue + counts.done == 3
        assert counts.done == 1
        assert [(v.area, v.predicted, v.partly) for v in ledger.followups.verdicts] == [
            ("child_wellbeing", "negative", 1)
        ]
        board = service.dashboard(
            session, principal=SYSTEM, organisation_id=region.id, span=span, language="fi"
        )
        members = {m.organisation.name: m for m in board.members}
        assert set(members) == {"Vaasan kaupunki", "Laihian kunta"}
        assert members["Laihian kunta"].approved == 2
        assert members["Laihian kunta"].open_reviews == 1
        assert members["Laihian kunta"].hot_spots
        assert members["Vaasan kaupunki"].followups_due >= 1
