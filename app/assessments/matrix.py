"""The matrix a template gives for a draft's alternatives (built once per template content)."""

from __future__ import annotations

from collections.abc import Sequence

from app.assessments.shape import Direction, MatrixShape, ScaleValue
from app.core.cache import LruCache
from app.core.errors import InvalidState
from app.drafts.models import DraftAlternative
from app.templates.definition import TemplateDefinition
from app.templates.models import AssessmentTemplate
from app.templates.service import definition_of

_SHAPES: LruCache[tuple[str, str, tuple[str, ...], str], MatrixShape] = LruCache(2048)


def shape_for(
    template: AssessmentTemplate, alternatives: Sequence[DraftAlternative]
) -> MatrixShape:
    """The matrix this template gives for the draft's alternatives (cached per content)."""
    keys = tuple(a.key for a in alternatives)
    status_quo = next((a.key for a in alternatives if a.is_status_quo), "")
    return _SHAPES.get_or_make(
        (template.id, template.content_hash, keys, status_quo),
        lambda: _build_shape(definition_of(template), keys, status_quo),
    )


def _build_shape(
    d: TemplateDefinition, alternatives: tuple[str, ...], status_quo: str
) -> MatrixShape:
    if d.scale is None:
        raise InvalidState("The template has no scale", code="not_a_matrix")
    gap = d.gender_gap_pair()
    return MatrixShape(
        alternatives=alternatives,
        status_quo=status_quo,
        areas=tuple(a.key for a in d.areas),
        groups_by_area={a.key: d.groups_for_area(a.key) for a in d.areas},
        genders=d.cell_genders(),
        scale={
            v.value: ScaleValue(v.value, v.symbol, Direction(v.direction.value))
            for v in d.scale.values
        },
        neutral=d.scale.neutral,
        justification_required=d.scale.justification_required_for_non_neutral,
        horizons=tuple(h.key for h in d.horizons),
        certainties=tuple(c.key for c in d.certainty_levels) if d.cell_fields.certainty else (),
        cumulative_threshold=d.cumulative_threshold,
        gender_gap_threshold=d.gender_gap_threshold,
        women=gap[0] if gap else None,
        men=gap[1] if gap else None,
        groups=tuple(g.key for g in d.leaf_groups()),
    )
