"""The starting scope a screening suggests: which impact areas and population groups the
screening's "yes" answers point at, within what the template has.

The questions are the published screening template's (eva-screening); areas are named by the
template's area key or area group, groups by the template's key, parent key or shared
vocabulary key (app/templates/vocabulary.py), so a template that uses other words simply gets
no hint from that answer. The hints are a starting set to narrow or widen, never a rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.templates.definition import TemplateDefinition
from app.templates.elements import PopulationGroup

EVERY = ("*",)


@dataclass(frozen=True)
class Hint:
    """What a "yes" to one screening question points at; EVERY for "every one"."""

    areas: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()


HINTS: dict[str, Hint] = {
    # a strategy or plan guides everything after it: the whole matrix
    "strategy": Hint(areas=EVERY, groups=EVERY),
    "affects_residents": Hint(areas=("wellbeing", "equality_services"), groups=EVERY),
    "service_network": Hint(
        areas=("equality_services", "living_environment"),
        groups=(
            "children",
            "families_with_children",
            "older_people",
            "people_with_disabilities",
            "residents_by_area",
        ),
    ),
    "affects_staff": Hint(areas=("livelihood", "mental_health"), groups=("working_age",)),
    "affects_businesses": Hint(
        areas=("livelihood",), groups=("working_age", "young_people", "low_socioeconomic_status")
    ),
    "budget_over_threshold": Hint(areas=("equality_services",)),
    "significant_impacts": Hint(areas=("health",)),
}


def _group_names(definition: TemplateDefinition) -> dict[str, set[str]]:
    """Each leaf group's own key, its ancestors' keys and their vocabulary keys."""
    by_key = {g.key: g for g in definition.population_groups}
    names: dict[str, set[str]] = {}
    for leaf in definition.leaf_groups():
        found: set[str] = set()
        node: PopulationGroup | None = leaf
        while node is not None and node.key not in found:
            found.add(node.key)
            if node.canonical:
                found.add(node.canonical)
            node = by_key.get(node.parent) if node.parent else None
        names[leaf.key] = found
    return names


def _pick(
    keys: tuple[str, ...], names: Mapping[str, set[str]], wanted: set[str]
) -> tuple[str, ...]:
    if "*" in wanted:
        return keys
    return tuple(k for k in keys if names.get(k, {k}) & wanted)


def suggested_scope(
    definition: TemplateDefinition,
    areas: tuple[str, ...],
    groups: tuple[str, ...],
    answers: Mapping[str, Any],
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The areas and groups (of those given, in their order) the screening's answers point
    at; None when the answers point at nothing the template has (the whole matrix then)."""
    hints = [HINTS[q] for q, answer in answers.items() if answer == "yes" and q in HINTS]
    if not hints or answers.get("concerns_people") == "no":
        return None
    wanted_areas = {name for h in hints for name in h.areas}
    wanted_groups = {name for h in hints for name in h.groups}
    area_names = {a.key: {a.key, a.area_group} for a in definition.areas}
    chosen_areas = _pick(areas, area_names, wanted_areas)
    chosen_groups = (
        _pick(groups, _group_names(definition), wanted_groups) if wanted_groups else groups
    )
    if not chosen_areas:
        return None
    return chosen_areas, chosen_groups or groups
