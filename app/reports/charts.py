"""Chart geometry for the report pages, drawn server-side as SVG by the templates: a group ×
gender heatmap of the ledger's negative effects and coverage bars per decision body and year.
Every figure is also written as text in the chart and in the table beside it: nothing is told
by colour alone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from app.reports.schemas import BurdenRow, CoverageRow
from app.templates.vocabulary import CANONICAL_GENDERS, CANONICAL_GROUPS

CELL_W, CELL_H, LABEL_W, HEAD_H = 96, 30, 260, 40
BAR_W, BAR_H, BAR_GAP = 420, 24, 10
SEGMENTS = ("full", "light", "not_needed", "never_screened")


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    value: int | None
    shade: str  # a fill class, level 0..4
    label: str


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    columns: list[tuple[int, str]]  # (x, gender label)
    rows: list[tuple[int, str]]  # (y, group label)
    cells: list[HeatCell]
    table: list[tuple[str, list[int | None]]]
    column_labels: list[str]


def heatmap(burden: list[BurdenRow], language: str) -> Heatmap:
    """Negative decisions by canonical group × gender (suppressed figures stay empty)."""
    values: dict[tuple[str, str], int | None] = {(b.group, b.gender): b.decisions for b in burden}
    groups = [g for g in CANONICAL_GROUPS if any(k[0] == g.key for k in values)]
    genders = list(CANONICAL_GENDERS)
    top = max((v for v in values.values() if v), default=1)
    cells, table = [], []
    for row, group in enumerate(groups):
        figures: list[int | None] = []
        for column, gender in enumerate(genders):
            value = values.get((group.key, gender.key), 0)
            figures.append(value)
            level = 0 if not value else min(4, 1 + (value * 3) // top)
            cells.append(
                HeatCell(
                    x=LABEL_W + column * CELL_W,
                    y=HEAD_H + row * CELL_H,
                    value=value,
                    shade=f"heat-{level}",
                    label=f"{group.text(language)}, {gender.text(language)}: "
                    f"{'–' if value is None else value}",
                )
            )
        table.append((group.text(language), figures))
    return Heatmap(
        width=LABEL_W + len(genders) * CELL_W,
        height=HEAD_H + max(len(groups), 1) * CELL_H,
        columns=[
            (LABEL_W + i * CELL_W + CELL_W // 2, g.text(language)) for i, g in enumerate(genders)
        ],
        rows=[(HEAD_H + i * CELL_H + CELL_H // 2, g.text(language)) for i, g in enumerate(groups)],
        cells=cells,
        table=table,
        column_labels=[g.text(language) for g in genders],
    )


@dataclass(frozen=True)
class Segment:
    x: int
    width: int
    kind: str
    value: int


@dataclass(frozen=True)
class Bar:
    y: int
    label: str
    total: int
    segments: list[Segment]


@dataclass(frozen=True)
class CoverageBars:
    width: int
    height: int
    bars: list[Bar]


def coverage_bars(rows: list[CoverageRow]) -> CoverageBars:
    """One stacked bar per decision body and period: full, light, not needed, never screened."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SEGMENTS, 0))
    for row in rows:
        key = f"{row.decision_body or '–'} {row.period or ''}".strip()
        for kind in SEGMENTS:
            sums[key][kind] += getattr(row, kind)
    top = max((sum(v.values()) for v in sums.values()), default=1) or 1
    bars = []
    for index, (label, parts) in enumerate(sorted(sums.items())):
        x, segments = LABEL_W, []
        for kind in SEGMENTS:
            width = round(BAR_W * parts[kind] / top)
            if parts[kind]:
                segments.append(Segment(x, max(width, 2), kind, parts[kind]))
            x += width
        bars.append(Bar(HEAD_H + index * (BAR_H + BAR_GAP), label, sum(parts.values()), segments))
    return CoverageBars(LABEL_W + BAR_W + 60, HEAD_H + len(bars) * (BAR_H + BAR_GAP) + 10, bars)
