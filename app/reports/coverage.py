"""The coverage register: per organisation, decision body, decision type and period, how many
decisions were screened, assessed fully or lightly, not assessed (with the reasons), never
screened; time from draft to approval; how many reached a meeting and with what outcome."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from app.auth.principal import Principal
from app.reports.access import Audience, audience
from app.reports.periods import Granularity, Span, bucket, decision_date
from app.reports.repository import coverage as repo
from app.reports.schemas import (
    CoverageReport,
    CoverageRow,
    DecisionLink,
    ReasonGroup,
)

MAX_LINKS = 50


class GroupBy(StrEnum):
    organisation = "organisation"
    body = "body"
    type = "type"


def link(draft_id: str, title: str, label: str | None, organisation_id: str) -> DecisionLink:
    return DecisionLink(
        id=draft_id,
        title=title,
        case=label,
        organisation_id=organisation_id,
        url=f"/drafts/{draft_id}",
        api_url=f"/api/v1/drafts/{draft_id}",
    )


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
    rows = repo.coverage_rows(session, window)
    meetings = repo.meeting_outcomes(session, window)
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
