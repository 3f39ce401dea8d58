"""Summaries of a matrix: transparent counts, completeness and findings, never one score."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.assessments.shape import EVERYTHING, Direction, MatrixScope, MatrixShape

COUNT_KEYS = ("positive", "neutral", "negative", "cannot_assess", "not_assessed", "scoped_out")


@dataclass(frozen=True)
class CellState:
    alternative: str
    area: str
    group: str
    gender: str
    value: int | None
    cannot_assess: bool
    justification: str


@dataclass
class Counts:
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    cannot_assess: int = 0
    not_assessed: int = 0
    scoped_out: int = 0

    @property
    def total(self) -> int:
        """Every cell, the scoped-out ones included."""
        return self.in_scope + self.scoped_out

    @property
    def in_scope(self) -> int:
        return self.positive + self.neutral + self.negative + self.cannot_assess + self.not_assessed

    @property
    def completeness(self) -> float:
        """Share of the cells in scope with a value or *cannot be assessed*, in percent."""
        scoped = self.in_scope
        return round(100.0 * (scoped - self.not_assessed) / scoped, 1) if scoped else 0.0

    @property
    def direction(self) -> str:
        if self.positive and self.negative:
            return "mixed"
        if self.negative:
            return "negative"
        if self.positive:
            return "positive"
        if self.neutral:
            return "neutral"
        return "unknown"

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass(frozen=True)
class CumulativeImpact:
    alternative: str
    group: str
    negative_cells: int
    areas: tuple[str, ...]


@dataclass(frozen=True)
class GenderGap:
    alternative: str
    area: str
    group: str
    women: int
    men: int


@dataclass
class Summary:
    by_alternative: dict[str, Counts] = field(default_factory=dict)
    by_area: dict[str, dict[str, Counts]] = field(default_factory=dict)
    by_group: dict[str, dict[str, Counts]] = field(default_factory=dict)
    by_gender: dict[str, dict[str, Counts]] = field(default_factory=dict)
    cumulative: list[CumulativeImpact] = field(default_factory=list)
    gender_gaps: list[GenderGap] = field(default_factory=list)
    missing_justification: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def total(self) -> Counts:
        overall = Counts()
        for counts in self.by_alternative.values():
            for key in COUNT_KEYS:
                setattr(overall, key, getattr(overall, key) + getattr(counts, key))
        return overall


def _outcome(shape: MatrixShape, cell: CellState | None) -> str:
    if cell is None or (cell.value is None and not cell.cannot_assess):
        return "not_assessed"
    if cell.cannot_assess:
        return "cannot_assess"
    assert cell.value is not None
    return shape.direction_of(cell.value).value


def summarise(
    shape: MatrixShape, cells: Iterable[CellState], scope: MatrixScope = EVERYTHING
) -> Summary:
    """Counts per alternative, area, group and gender, and the cumulative/gender-gap findings.
    Cells outside `scope` count as scoped out, whatever is stored for them."""
    by_key = {
        (c.alternative, c.area, c.group, c.gender): c
        for c in cells
        if scope.covers(c.area, c.group)
    }
    summary = Summary()
    negatives: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in shape.cell_keys():
        alternative, area, group, gender = key
        cell = by_key.get(key)
        outcome = _outcome(shape, cell) if scope.covers(area, group) else "scoped_out"
        summary.by_alternative.setdefault(alternative, Counts()).add(outcome)
        summary.by_area.setdefault(alternative, {}).setdefault(area, Counts()).add(outcome)
        summary.by_group.setdefault(alternative, {}).setdefault(group, Counts()).add(outcome)
        summary.by_gender.setdefault(alternative, {}).setdefault(gender, Counts()).add(outcome)
        if outcome == Direction.negative.value:
            negatives[(alternative, group)].append(area)
        if (
            cell is not None
            and cell.value is not None
            and not cell.cannot_assess
            and shape.justification_required
            and cell.value != shape.neutral
            and not cell.justification.strip()
        ):
            summary.missing_justification.append(key)
    summary.cumulative = [
        CumulativeImpact(alt, group, len(areas), tuple(dict.fromkeys(areas)))
        for (alt, group), areas in negatives.items()
        if len(areas) >= shape.cumulative_threshold
    ]
    summary.gender_gaps = _gender_gaps(shape, by_key)
    return summary


def _gender_gaps(
    shape: MatrixShape, by_key: dict[tuple[str, str, str, str], CellState]
) -> list[GenderGap]:
    if shape.women not in shape.genders or shape.men not in shape.genders:
        return []
    gaps = []
    for alternative in shape.alternatives:
        for area in shape.areas:
            for group in shape.groups_by_area[area]:
                women = by_key.get((alternative, area, group, shape.women or ""))
                men = by_key.get((alternative, area, group, shape.men or ""))
                if (
                    women
                    and men
                    and women.value is not None
                    and men.value is not None
                    and not women.cannot_assess
                    and not men.cannot_assess
                    and abs(women.value - men.value) >= shape.gender_gap_threshold
                ):
                    gaps.append(GenderGap(alternative, area, group, women.value, men.value))
    return gaps
