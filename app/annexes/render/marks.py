"""How a matrix cell is shown: symbol, text label, CSS class and heatmap colours.

Colours are light enough for near-black text to pass WCAG 2.1 AA (≥ 4.5:1); the symbol and
label always carry the meaning, colour only repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.annexes.record import Scale

INK = "#111111"
NOT_ASSESSED_SYMBOL = "○"
NOT_APPLICABLE_SYMBOL = "–"
SCOPED_OUT_SYMBOL = "·"

FILLS: dict[str, str] = {
    "pos2": "#7fbf7b",
    "pos1": "#d9f0d3",
    "zero": "#eeeeee",
    "neg1": "#fddbc7",
    "neg2": "#ef8a62",
    "unknown": "#e3d7f0",
    "none": "#ffffff",
    "na": "#ffffff",
    "out": "#f4f4f4",
}


@dataclass(frozen=True, slots=True)
class Mark:
    """One way a cell can look; shared by every cell with the same value."""

    symbol: str
    label: str
    css: str
    fill: str


def _css(value: int, scale_max: int) -> str:
    if value == 0:
        return "zero"
    strong = abs(value) * 2 > scale_max
    return ("pos" if value > 0 else "neg") + ("2" if strong else "1")


def marks_for(
    scale: Scale,
    cannot_assess: str,
    not_assessed: str,
    not_applicable: str = "",
    scoped_out: str = "",
) -> dict[int | str, Mark]:
    """Marks keyed by scale value, plus "cannot_assess", "not_assessed", "not_applicable"
    (a group that the template does not assess in an area, or a parent group) and
    "scoped_out" (left out of the assessment's scope as not significantly affected)."""
    pos_max = max((v.value for v in scale.values if v.value > 0), default=1)
    neg_max = max((-v.value for v in scale.values if v.value < 0), default=1)
    marks: dict[int | str, Mark] = {}
    for v in scale.values:
        css = _css(v.value, pos_max if v.value > 0 else neg_max)
        marks[v.value] = Mark(v.symbol, v.label, css, FILLS[css])
    marks["cannot_assess"] = Mark(
        scale.cannot_assess_symbol, cannot_assess, "unknown", FILLS["unknown"]
    )
    marks["not_assessed"] = Mark(NOT_ASSESSED_SYMBOL, not_assessed, "none", FILLS["none"])
    marks["not_applicable"] = Mark(NOT_APPLICABLE_SYMBOL, not_applicable, "na", FILLS["none"])
    marks["scoped_out"] = Mark(SCOPED_OUT_SYMBOL, scoped_out, "out", FILLS["out"])
    return marks


def legend(
    marks: dict[int | str, Mark],
    *,
    with_not_applicable: bool = False,
    with_scoped_out: bool = False,
) -> list[Mark]:
    """Marks in legend order: strongest positive first, then unknown, not assessed and (when
    the matrix has such cells) not applicable and scoped out."""
    values = sorted((k for k in marks if isinstance(k, int)), reverse=True)
    extra = [marks["not_applicable"]] if with_not_applicable else []
    extra += [marks["scoped_out"]] if with_scoped_out else []
    return [marks[v] for v in values] + [marks["cannot_assess"], marks["not_assessed"], *extra]
