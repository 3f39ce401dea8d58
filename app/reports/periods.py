"""Report periods: the span asked for (a year, or from–to) and the buckets rows are cut into
(year, quarter, council term). A decision's date is its meeting date when the draft has one,
else the day the draft was created."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from app.core.errors import Unprocessable

MAX_SPAN_DAYS = 366 * 12


class Granularity(StrEnum):
    year = "year"
    quarter = "quarter"
    term = "term"


# Municipal council terms start on 1 June after the April elections (2021: 1 August, as the
# elections were moved that year); four years each.
_TERM_STARTS = (date(2017, 6, 1), date(2021, 8, 1), date(2025, 6, 1))


@dataclass(frozen=True)
class Span:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def end_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    @property
    def label(self) -> str:
        if (
            self.start.month == 1
            and self.start.day == 1
            and self.end == date(self.start.year, 12, 31)
        ):
            return str(self.start.year)
        return f"{self.start.isoformat()}–{self.end.isoformat()}"


def span_of(year: int | None, start: date | None, end: date | None) -> Span:
    """The span asked for: `year`, or `from` and `to` (both, inclusive); 422 otherwise."""
    if year is not None and (start is not None or end is not None):
        raise Unprocessable("Give either year or from and to, not both", code="invalid_period")
    if year is not None:
        return Span(date(year, 1, 1), date(year, 12, 31))
    if start is None or end is None:
        raise Unprocessable("Give year, or both from and to", code="invalid_period")
    if end < start:
        raise Unprocessable("'to' is before 'from'", code="invalid_period")
    if (end - start).days > MAX_SPAN_DAYS:
        raise Unprocessable("A report covers at most twelve years", code="invalid_period")
    return Span(start, end)


def _term_start(day: date) -> date:
    if day >= _TERM_STARTS[-1]:
        years = (day.year - _TERM_STARTS[-1].year) // 4 * 4
        start = date(_TERM_STARTS[-1].year + years, 6, 1)
        return start if day >= start else date(start.year - 4, 6, 1)
    found = [s for s in _TERM_STARTS if s <= day]
    return found[-1] if found else date(day.year - (day.year - 2017) % 4, 6, 1)


def bucket(day: date, granularity: Granularity) -> str:
    """The label of the period `day` falls in: 2026, 2026-Q2, 2025–2029."""
    if granularity is Granularity.year:
        return str(day.year)
    if granularity is Granularity.quarter:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    start = _term_start(day)
    return f"{start.year}–{start.year + 4}"


def decision_date(meeting_date: date | None, created_at: datetime) -> date:
    return meeting_date if meeting_date is not None else created_at.astimezone(UTC).date()
