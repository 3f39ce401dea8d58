"""The shape of one assessment's matrix: which cells exist and what values they take."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

ALL_GENDERS = "all"


class Direction(StrEnum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


@dataclass(frozen=True)
class ScaleValue:
    value: int
    symbol: str
    direction: Direction


@dataclass(frozen=True)
class MatrixShape:
    """Alternatives × areas × groups × genders, with the scale and the finding thresholds."""

    alternatives: tuple[str, ...]
    status_quo: str
    areas: tuple[str, ...]
    groups_by_area: dict[str, tuple[str, ...]]
    genders: tuple[str, ...]
    scale: dict[int, ScaleValue]
    neutral: int
    justification_required: bool
    horizons: tuple[str, ...] = ()
    certainties: tuple[str, ...] = ()
    cumulative_threshold: int = 2
    gender_gap_threshold: int = 2
    women: str | None = "women"
    men: str | None = "men"
    groups: tuple[str, ...] = field(default=())

    def cell_keys(self) -> list[tuple[str, str, str, str]]:
        """Every (alternative, area, group, gender) the matrix holds, in display order."""
        return [
            (alt, area, group, gender)
            for alt in self.alternatives
            for area in self.areas
            for group in self.groups_by_area[area]
            for gender in self.genders
        ]

    @cached_property
    def key_order(self) -> tuple[tuple[str, str, str, str], ...]:
        """`cell_keys()` made once per shape (shapes are cached per template)."""
        return tuple(self.cell_keys())

    @cached_property
    def positions(self) -> dict[tuple[str, str, str, str], int]:
        """Each cell's index in `key_order`."""
        return {key: i for i, key in enumerate(self.key_order)}

    @cached_property
    def key_set(self) -> frozenset[tuple[str, str, str, str]]:
        """`cell_keys()` as a set (made once per shape; shapes are cached per template)."""
        return frozenset(self.key_order)

    @cached_property
    def key_columns(
        self,
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """`cell_keys()` as four parallel columns: alternatives, areas, groups, genders."""
        keys = self.cell_keys()
        return (
            tuple(k[0] for k in keys),
            tuple(k[1] for k in keys),
            tuple(k[2] for k in keys),
            tuple(k[3] for k in keys),
        )

    def size(self) -> int:
        per_alternative = sum(len(self.groups_by_area[a]) for a in self.areas) * len(self.genders)
        return per_alternative * len(self.alternatives)

    def problem_with_key(self, alternative: str, area: str, group: str, gender: str) -> str | None:
        """Why this key is not a cell of the matrix, or None when it is."""
        if alternative not in self.alternatives:
            return f"unknown alternative '{alternative}'"
        if area not in self.groups_by_area:
            return f"unknown area '{area}'"
        if group not in self.groups_by_area[area]:
            return f"group '{group}' is not assessed in area '{area}'"
        if gender not in self.genders:
            return f"unknown gender '{gender}'"
        return None

    def direction_of(self, value: int) -> Direction:
        return self.scale[value].direction


@dataclass(frozen=True)
class MatrixScope:
    """The areas and groups judged relevant for this decision (None: every one) and the one
    reason for what was left out. A cell outside is *scoped out*: neither assessed nor missing."""

    areas: frozenset[str] | None = None
    groups: frozenset[str] | None = None
    reason: str = ""

    @classmethod
    def stored(
        cls, areas: Sequence[str] | None, groups: Sequence[str] | None, reason: str
    ) -> MatrixScope:
        """The scope as an assessment row stores it (None: every area, every group)."""
        return cls(
            areas=None if areas is None else frozenset(areas),
            groups=None if groups is None else frozenset(groups),
            reason=reason,
        )

    @property
    def is_set(self) -> bool:
        return self.areas is not None or self.groups is not None

    def covers(self, area: str, group: str) -> bool:
        return (self.areas is None or area in self.areas) and (
            self.groups is None or group in self.groups
        )


EVERYTHING = MatrixScope()
