"""The coverage register: per organisation, decision body, decision type and period, how many
decisions were screened, assessed fully or lightly, not assessed (with the reasons), never
screened; time from draft to approval; how many reached a meeting and with what outcome."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from app.auth.principal import Principal
from app.reports.access import Audience, audience
from app.reports.periods import Granularity, Span, bucket
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

    def add(self, count: int, outcome: str | None, meeting: str | None) -> None:
        """`count` drafts screened with `outcome` (None: never) whose latest meeting item has
        `meeting` (None: no meeting)."""
        self.decisions += count
        if outcome is not None:
            self.screened += count
            self.outcomes_screened[outcome] += count
        if meeting is not None:
            self.reached_meeting += count
            self.outcomes[meeting] += count

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
    readable = [o for o in window.organisation_ids if o in seen.readable]
    parts: dict[str, list[Any]] = defaultdict(list)
    for row in repo.register_rows(session, window, readable, MAX_LINKS):
        parts[row.part].append(row)
    tallies, total = _tallies(parts, _Keys(granularity, group_by))
    reasons, not_shown = _reasons(parts, seen)
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


@dataclass
class _Keys:
    """A row's key in the register: the dimensions grouped by and the period of its month."""

    granularity: Granularity
    group_by: Sequence[GroupBy]
    periods: dict[str, str] = field(default_factory=dict)

    def of(self, row: Any) -> tuple[str | None, ...]:
        if row.month not in self.periods:
            year, month = map(int, row.month.split("-"))
            self.periods[row.month] = bucket(date(year, month, 1), self.granularity)
        return (
            row.organisation_id if GroupBy.organisation in self.group_by else None,
            row.decision_body if GroupBy.body in self.group_by else None,
            row.decision_type if GroupBy.type in self.group_by else None,
            self.periods[row.month],
        )


def _tallies(
    parts: dict[str, list[Any]], keys: _Keys
) -> tuple[dict[tuple[str | None, ...], _Tally], _Tally]:
    """The register's rows and its totals, from the counts and approval times the database
    aggregates (the medians need every approval time, so those come one per approval)."""
    tallies: dict[tuple[str | None, ...], _Tally] = defaultdict(_Tally)
    total = _Tally()
    for row in parts["count"]:
        outcome = None if row.outcome is None else str(row.outcome)
        tallies[keys.of(row)].add(row.n, outcome, row.meeting)
        total.add(row.n, outcome, row.meeting)
    for row in parts["approval"]:
        days = max((row.approved_at - row.created_at).total_seconds() / 86400, 0.0)
        tallies[keys.of(row)].approval_days.append(days)
        total.approval_days.append(days)
    return tallies, total


def _sort_key(key: tuple[str | None, ...]) -> tuple[str, ...]:
    return tuple(part or "" for part in key)


def _normalised(reason: str) -> tuple[str, str]:
    """A reason's grouping key (case and spacing aside) and its text as shown."""
    shown = " ".join(reason.split())
    return shown.casefold(), shown


def _reasons(parts: dict[str, list[Any]], seen: Audience) -> tuple[list[ReasonGroup], int]:
    """'Not needed' reasons grouped by their text (case and spacing aside), most used first,
    shown as their most used spelling. A reason's text is shown when the caller may read the
    draft or its organisation is public; a link only when the caller may read the draft."""
    counts: dict[str, int] = defaultdict(int)
    readable: dict[str, int] = defaultdict(int)
    spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    not_shown = 0
    for row in parts["reason"]:
        reason, organisation_id, n = row.reason, row.organisation_id, row.n
        if organisation_id not in seen.readable and organisation_id not in seen.public:
            not_shown += n
            continue
        normalised, shown = _normalised(reason or "")
        counts[normalised] += n
        spellings[normalised][shown] += n
        if organisation_id in seen.readable:
            readable[normalised] += n
    links: dict[str, list[Any]] = defaultdict(list)
    for row in parts["link"]:
        links[_normalised(row.reason or "")[0]].append(row)
    found = [
        ReasonGroup(
            reason=min(spellings[normalised].items(), key=lambda s: (-s[1], s[0]))[0],
            count=count,
            decisions=[
                link(r.id, r.title, r.external_label, r.organisation_id)
                for r in sorted(links[normalised], key=lambda r: (r.title, r.id))[:MAX_LINKS]
            ],
            not_shown=count - min(readable[normalised], MAX_LINKS),
        )
        for normalised, count in counts.items()
    ]
    found.sort(key=lambda g: (-g.count, g.reason))
    return found, not_shown
