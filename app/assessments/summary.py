"""Summaries of a matrix: transparent counts, completeness and findings, never one score."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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


# What a summary reads of a stored cell, in this order (see repository.summary_rows).
CellRow = Sequence[Any]  # alternative, area, group, gender, value, cannot_assess, justification
Key = tuple[str, str, str, str]


def summarise(
    shape: MatrixShape, cells: Iterable[CellState], scope: MatrixScope = EVERYTHING
) -> Summary:
    """Counts per alternative, area, group and gender, and the cumulative/gender-gap findings.
    Cells outside `scope` count as scoped out, whatever is stored for them."""
    return summarise_rows(
        shape,
        (
            (c.alternative, c.area, c.group, c.gender, c.value, c.cannot_assess, c.justification)
            for c in cells
        ),
        scope,
    )


def summarise_rows(
    shape: MatrixShape, rows: Iterable[CellRow], scope: MatrixScope = EVERYTHING
) -> Summary:
    """`summarise` over plain rows (as the database returns them): one pass over the matrix
    for the outcomes, the counting itself done by Counter over parallel columns."""
    covers = scope.covers
    by_key: dict[Key, CellRow] = {(r[0], r[1], r[2], r[3]): r for r in rows if covers(r[1], r[2])}
    outcomes, missing = _outcomes(shape, by_key, covers)
    alts, areas, groups, genders = shape.key_columns
    summary = Summary()
    for (alt, outcome), n in Counter(zip(alts, outcomes, strict=True)).items():
        setattr(summary.by_alternative.setdefault(alt, Counts()), outcome, n)
    for target, column in (
        (summary.by_area, areas),
        (summary.by_group, groups),
        (summary.by_gender, genders),
    ):
        for (alt, part, outcome), n in Counter(zip(alts, column, outcomes, strict=True)).items():
            setattr(target.setdefault(alt, {}).setdefault(part, Counts()), outcome, n)
    summary.missing_justification = missing
    summary.cumulative = _cumulative(shape, outcomes)
    summary.gender_gaps = _gender_gaps(shape, by_key)
    return summary


def _outcomes(
    shape: MatrixShape, by_key: dict[Key, CellRow], covers: Callable[[str, str], bool]
) -> tuple[list[str], list[Key]]:
    """Each cell's outcome in the shape's key order, and the cells lacking a justification."""
    get = by_key.get
    outcomes: list[str] = []
    missing: list[Key] = []
    for key in shape.cell_keys():
        cell = get(key)
        if cell is None:
            outcome = "not_assessed" if covers(key[1], key[2]) else "scoped_out"
        else:
            outcome, lacks = judged(shape, cell)
            if lacks:
                missing.append(key)
        outcomes.append(outcome)
    return outcomes, missing


def judged(shape: MatrixShape, cell: CellRow) -> tuple[str, bool]:
    """A stored cell's outcome, and whether it lacks the justification the shape asks for
    (a scored cell off the neutral value with a blank justification)."""
    if cell[5]:
        return "cannot_assess", False
    if cell[4] is None:
        return "not_assessed", False
    lacks = shape.justification_required and cell[4] != shape.neutral and not cell[6].strip()
    return shape.scale[cell[4]].direction.value, lacks


def gender_gap(shape: MatrixShape, women: CellRow | None, men: CellRow | None) -> bool:
    """Whether women's and men's cells of one (alternative, area, group) are both scored and
    differ by the shape's gender-gap threshold or more."""
    return bool(
        women
        and men
        and women[4] is not None
        and men[4] is not None
        and not women[5]
        and not men[5]
        and abs(women[4] - men[4]) >= shape.gender_gap_threshold
    )


def _cumulative(shape: MatrixShape, outcomes: list[str]) -> list[CumulativeImpact]:
    negatives: dict[tuple[str, str], list[str]] = defaultdict(list)
    negative = Direction.negative.value
    alts, areas, groups, _ = shape.key_columns
    for alt, area, group, outcome in zip(alts, areas, groups, outcomes, strict=True):
        if outcome == negative:
            negatives[(alt, group)].append(area)
    return [
        CumulativeImpact(alt, group, len(found), tuple(dict.fromkeys(found)))
        for (alt, group), found in negatives.items()
        if len(found) >= shape.cumulative_threshold
    ]


def _gender_gaps(shape: MatrixShape, by_key: dict[Key, CellRow]) -> list[GenderGap]:
    if shape.women not in shape.genders or shape.men not in shape.genders:
        return []
    gaps = []
    for alternative in shape.alternatives:
        for area in shape.areas:
            for group in shape.groups_by_area[area]:
                women = by_key.get((alternative, area, group, shape.women or ""))
                men = by_key.get((alternative, area, group, shape.men or ""))
                if women and men and gender_gap(shape, women, men):
                    gaps.append(GenderGap(alternative, area, group, women[4], men[4]))
    return gaps
