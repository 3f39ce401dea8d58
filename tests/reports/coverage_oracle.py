"""The coverage register as it was computed before the database aggregated it: one row per
draft, tallied in Python. Kept as the oracle the aggregated register is compared with."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session

from app.auth.principal import Principal
from app.reports.access import Audience, audience
from app.reports.coverage import MAX_LINKS, GroupBy, link
from app.reports.periods import Granularity, Span, bucket, decision_date
from app.reports.repository.scope import (
    CASE_LABEL,
    D_TABLE,
    RA,
    RA_TABLE,
    S_TABLE,
    D,
    M,
    S,
    Window,
)
from app.reports.schemas import CoverageReport, CoverageRow, ReasonGroup


def coverage_rows(session: Session, window: Window) -> Sequence[Any]:
    """One row per draft in the window: its screening and its current approval."""
    query = (
        select(
            D.id,
            D.organisation_id,
            D.title,
            D.status,
            D.decision_body,
            D.decision_type,
            D.meeting_date,
            D.created_at,
            CASE_LABEL,
            S.outcome,
            S.reason,
            RA.approved_at,
        )
        .outerjoin(S_TABLE, S.draft_id == D.id)
        .outerjoin(RA_TABLE, and_(RA.draft_id == D.id, RA.current.is_(True)))
        .where(window.drafts())
    )
    return session.execute(query).all()


def meeting_outcomes(session: Session, window: Window) -> dict[str, str | None]:
    """Each draft in the window that reached a meeting: its latest item's outcome."""
    query = (
        select(M.draft_id, M.outcome, M.attached_at)
        .join(D_TABLE, D.id == M.draft_id)
        .where(window.drafts())
        .order_by(M.attached_at)
    )
    return {draft_id: outcome for draft_id, outcome, _ in session.execute(query).all()}


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (share 0.5: the median as the lower middle value)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return round(ordered[rank - 1], 1)


@dataclass
class _Tally:
    decisions: int = 0
    screened: int = 0
    outcomes_screened: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    approval_days: list[float] = field(default_factory=list)
    reached_meeting: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, row: Any, meeting: tuple[bool, str | None]) -> None:
        self.decisions += 1
        if row.outcome is not None:
            self.screened += 1
            self.outcomes_screened[str(row.outcome)] += 1
        if row.approved_at is not None:
            days = (row.approved_at - row.created_at).total_seconds() / 86400
            self.approval_days.append(max(days, 0.0))
        attached, outcome = meeting
        if attached:
            self.reached_meeting += 1
            self.outcomes[outcome or "pending"] += 1

    def row(
        self, key: tuple[str | None, ...], audience: Audience, language: str | None
    ) -> CoverageRow:
        org, body, kind, period = key
        return CoverageRow(
            organisation_id=org,
            organisation_name=audience.name(org, language) if org else None,
            decision_body=body,
            decision_type=kind,
            period=period,
            decisions=self.decisions,
            screened=self.screened,
            full=self.outcomes_screened["full"],
            light=self.outcomes_screened["light"],
            not_needed=self.outcomes_screened["not_needed"],
            never_screened=self.decisions - self.screened,
            approved=len(self.approval_days),
            approval_days_median=percentile(self.approval_days, 0.5),
            approval_days_p90=percentile(self.approval_days, 0.9),
            reached_meeting=self.reached_meeting,
            outcomes=dict(sorted(self.outcomes.items())),
        )


def coverage(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    span: Span,
    granularity: Granularity,
    group_by: Sequence[GroupBy],
    language: str | None = None,
) -> CoverageReport:
    """The coverage register of an organisation (a region: it and its members) over a span;
    organisations named in `language` (Swedish names in Swedish)."""
    seen = audience(session, principal=principal, organisation_id=organisation_id)
    window = seen.window(span)
    rows = coverage_rows(session, window)
    meetings = meeting_outcomes(session, window)
    tallies: dict[tuple[str | None, ...], _Tally] = defaultdict(_Tally)
    total = _Tally()
    for row in rows:
        key = (
            row.organisation_id if GroupBy.organisation in group_by else None,
            row.decision_body if GroupBy.body in group_by else None,
            row.decision_type if GroupBy.type in group_by else None,
            bucket(decision_date(row.meeting_date, row.created_at), granularity),
        )
        meeting = (row.id in meetings, meetings.get(row.id))
        tallies[key].add(row, meeting)
        total.add(row, meeting)
    reasons, not_shown = _reasons(rows, seen)
    return CoverageReport(
        organisation=seen.ref(seen.root, language),
        region=seen.is_region,
        organisations=seen.refs(language),
        start=span.start,
        end=span.end,
        period=granularity.value,
        group_by=[g.value for g in group_by],
        rows=[tallies[key].row(key, seen, language) for key in sorted(tallies, key=_sort_key)],
        totals=total.row((None, None, None, None), seen, language),
        not_needed_reasons=reasons,
        reasons_not_shown=not_shown,
    )


def _sort_key(key: tuple[str | None, ...]) -> tuple[str, ...]:
    return tuple(part or "" for part in key)


def _reasons(rows: Sequence[Any], seen: Audience) -> tuple[list[ReasonGroup], int]:
    """'Not needed' reasons grouped by their text (case and spacing aside), most used first.
    A reason's text is shown when the caller may read the draft or its organisation is public;
    a link only when the caller may read the draft."""
    groups: dict[str, list[Any]] = defaultdict(list)
    texts: dict[str, str] = {}
    not_shown = 0
    for row in rows:
        if row.outcome is None or str(row.outcome) != "not_needed":
            continue
        if row.organisation_id not in seen.readable and row.organisation_id not in seen.public:
            not_shown += 1
            continue
        normalised = " ".join((row.reason or "").split()).casefold()
        texts.setdefault(normalised, " ".join((row.reason or "").split()))
        groups[normalised].append(row)
    found = []
    for normalised, members in groups.items():
        readable = [r for r in members if r.organisation_id in seen.readable]
        found.append(
            ReasonGroup(
                reason=texts[normalised],
                count=len(members),
                decisions=[
                    link(r.id, r.title, r.external_label, r.organisation_id)
                    for r in sorted(readable, key=lambda r: (r.title, r.id))[:MAX_LINKS]
                ],
                not_shown=len(members) - min(len(readable), MAX_LINKS),
            )
        )
    found.sort(key=lambda g: (-g.count, g.reason))
    return found, not_shown
