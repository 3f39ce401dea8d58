"""The matrix summary as the page shows it: counts, completeness and findings, with names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.assessments.summary import Counts, Summary
from app.web.matrix import CellKey, Labels


@dataclass(frozen=True)
class Finding:
    """One flagged finding, already in words."""

    alternative: str
    subject: str
    detail: str
    count: int = 0


@dataclass(frozen=True)
class MissingJustification:
    label: str
    href: str


@dataclass(frozen=True)
class SummaryView:
    by_alternative: list[tuple[str, Counts]]
    total: Counts
    cumulative: list[Finding]
    gender_gaps: list[Finding]
    missing: list[MissingJustification]


def _scale_text(labels: Labels, value: int) -> str:
    return next((o.label for o in labels.options if o.value == str(value)), str(value))


def summary_view(
    summary: Summary, labels: Labels, href: Callable[[CellKey], str], women: str, men: str
) -> SummaryView:
    """Names instead of keys; `women`/`men` are the column titles of the gender-gap values;
    `href` links a cell on its alternative's and area's page."""
    cumulative = [
        Finding(
            labels.alternatives.get(c.alternative, c.alternative),
            labels.groups.get(c.group, c.group),
            ", ".join(labels.areas.get(a, a) for a in c.areas),
            c.negative_cells,
        )
        for c in summary.cumulative
    ]
    gaps = [
        Finding(
            labels.alternatives.get(g.alternative, g.alternative),
            f"{labels.areas.get(g.area, g.area)} – {labels.groups.get(g.group, g.group)}",
            f"{women}: {_scale_text(labels, g.women)}; {men}: {_scale_text(labels, g.men)}",
        )
        for g in summary.gender_gaps
    ]
    missing = [
        MissingJustification(labels.cell(key), href(key)) for key in summary.missing_justification
    ]
    return SummaryView(
        by_alternative=[
            (labels.alternatives.get(alt, alt), counts)
            for alt, counts in summary.by_alternative.items()
        ],
        total=summary.total,
        cumulative=cumulative,
        gender_gaps=gaps,
        missing=missing,
    )
