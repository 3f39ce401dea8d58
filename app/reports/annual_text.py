"""What the annual report's files share: its texts in the report's language, the follow-up
verdict rows and counts, and the moment the files are dated (the year's end, never the clock)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

from app.core.i18n import translate
from app.reports.annual import issued_on
from app.reports.schemas import AnnualReport

Text = Callable[..., str]


def texts(lang: str) -> Text:
    """The report's strings (`reports.<key>`) in `lang`."""

    def t(key: str, **params: object) -> str:
        return translate(lang, f"reports.{key}", **params)

    return t


def issued_at(report: AnnualReport) -> datetime:
    return datetime.combine(issued_on(report.year), time(12), tzinfo=UTC)


VERDICT_COLUMNS = ("group", "gender", "area", "predicted", "held", "partly", "did_not_hold")


Row = list[str | int | float | None]


def verdict_rows(report: AnnualReport, t: Text) -> list[Row]:
    found = report.followups.verdicts if report.followups else []
    return [
        [
            v.group_label,
            v.gender_label,
            v.area_label,
            t(f"direction.{v.predicted}"),
            v.held,
            v.partly,
            v.did_not_hold,
            v.cannot_say,
        ]
        for v in found
    ]


def followup_counts(report: AnnualReport, t: Text) -> str:
    f = report.followups
    if f is None:
        return ""
    c = f.counts
    return str(
        t(
            "followups.counts",
            on=f.on.isoformat(),
            planned=c.planned,
            due=c.due,
            overdue=c.overdue,
            done=c.done,
        )
    )
