"""The cross-reference checks of a template (unknown keys, duplicates, cycles, scale
consistency, sizes; the screening's are in screening_checks.py), each with the path of what
it found.

They read the raw mapping leniently, so they still run (and report) when some items are
malformed; the structure itself is checked by the pydantic models in definition.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from app.templates.definition import TemplateDefinition
from app.templates.elements import ALL_GENDERS, TemplateKind
from app.templates.issues import (
    Issue,
    Loc,
    as_int,
    as_str,
    duplicates,
    get_in,
    items_at,
    keys_of,
)
from app.templates.limits import cells_issue, list_size_issues
from app.templates.screening_checks import check_screening
from app.templates.vocabulary import unknown_canonical_keys

_DIRECTIONS = ("positive", "neutral", "negative")


def _structural(data: Mapping[str, Any]) -> list[Issue]:
    try:
        TemplateDefinition.model_validate(data)
    except ValidationError as exc:
        return [Issue(tuple(error["loc"]), _message(error)) for error in exc.errors()]
    return []


def _message(error: ErrorDetails) -> str:
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "extra_forbidden":
        return "unknown field"
    message = error["msg"].removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def _check_kind(data: Mapping[str, Any]) -> list[Issue]:
    kind, issues = data.get("kind"), []
    if kind == "matrix":
        needed = {
            "areas": "at least one impact area",
            "population_groups": "at least one population group",
            "scale": "a scale",
        }
        issues += [
            Issue((field,), f"a matrix template needs {what}")
            for field, what in needed.items()
            if not data.get(field)
        ]
        if data.get("screening") is not None:
            issues.append(Issue(("screening",), "a matrix template has no screening questions"))
    elif kind == "screening":
        unwanted = (
            "area_groups",
            "areas",
            "population_groups",
            "horizons",
            "certainty_levels",
            "scale",
        )
        issues += [
            Issue((field,), f"a screening template has no {field.replace('_', ' ')}")
            for field in unwanted
            if data.get(field)
        ]
        if data.get("applicability"):
            issues.append(Issue(("applicability",), "only matrix templates are suggested"))
        if data.get("screening") is None:
            issues.append(Issue(("screening",), "a screening template needs screening questions"))
    return issues


def _check_unique_keys(data: Mapping[str, Any]) -> list[Issue]:
    lists = [
        ("area_groups",),
        ("areas",),
        ("population_groups",),
        ("gender_breakdown", "genders"),
        ("horizons",),
        ("certainty_levels",),
        ("screening", "questions"),
        ("screening", "rules"),
    ]
    issues = [issue for keys in lists for issue in duplicates(items_at(get_in(data, *keys), keys))]
    for loc, question in items_at(
        get_in(data, "screening", "questions"), ("screening", "questions")
    ):
        issues += duplicates(items_at(question.get("options"), (*loc, "options")))
    return issues


def _check_areas(data: Mapping[str, Any]) -> list[Issue]:
    area_groups = items_at(data.get("area_groups"), ("area_groups",))
    known_area_groups = set(keys_of(area_groups))
    known_groups = set(keys_of(items_at(data.get("population_groups"), ("population_groups",))))
    issues, used = [], set()
    for loc, area in items_at(data.get("areas"), ("areas",)):
        area_group = as_str(area.get("area_group"))
        used.add(area_group)
        if area_group is not None and area_group not in known_area_groups:
            issues.append(Issue((*loc, "area_group"), f"unknown area group {area_group!r}"))
        groups = area.get("groups")
        listed = (
            [group for group in groups if isinstance(group, str)]
            if isinstance(groups, list)
            else []
        )
        issues += [
            Issue((*loc, "groups"), f"unknown group {group!r}")
            for group in listed
            if group not in known_groups
        ]
        issues += [
            Issue((*loc, "groups"), f"group {group!r} is listed twice")
            for index, group in enumerate(listed)
            if group in listed[:index]
        ]
    issues += [
        Issue((*loc, "key"), f"area group {key!r} has no areas")
        for loc, item in area_groups
        if (key := as_str(item.get("key"))) and key not in used
    ]
    return issues


def _cycle_through(key: str, parents: Mapping[str, str | None]) -> list[str] | None:
    walk, node = [key], parents.get(key)
    while node is not None and node not in walk:
        walk.append(node)
        node = parents.get(node)
    return [*walk, key] if node == key else None


def _check_population_groups(data: Mapping[str, Any]) -> list[Issue]:
    items = items_at(data.get("population_groups"), ("population_groups",))
    parents = {
        key: as_str(item.get("parent")) for _, item in items if (key := as_str(item.get("key")))
    }
    issues, reported = [], set[str]()
    for loc, item in items:
        key, parent = as_str(item.get("key")), as_str(item.get("parent"))
        if key is None or parent is None:
            continue
        if parent not in parents:
            issues.append(Issue((*loc, "parent"), f"unknown parent group {parent!r}"))
        elif key not in reported and (cycle := _cycle_through(key, parents)):
            reported.update(cycle)
            issues.append(Issue((*loc, "parent"), f"groups form a cycle: {' → '.join(cycle)}"))
    return issues


def _check_vocabulary(data: Mapping[str, Any]) -> list[Issue]:
    return [Issue(loc, message) for loc, message in unknown_canonical_keys(data)]


def _check_genders(data: Mapping[str, Any]) -> list[Issue]:
    breakdown = data.get("gender_breakdown")
    if not isinstance(breakdown, dict):
        return []
    items = items_at(breakdown.get("genders"), ("gender_breakdown", "genders"))
    issues = [
        Issue((*loc, "key"), f"{ALL_GENDERS!r} is reserved for the cell covering all genders")
        for loc, item in items
        if item.get("key") == ALL_GENDERS
    ]
    if breakdown.get("enabled") is True and not breakdown.get("genders"):
        issues.append(
            Issue(
                ("gender_breakdown", "genders"),
                "the gender breakdown is enabled but lists no genders",
            )
        )
    gap, known = breakdown.get("gap_between"), set(keys_of(items))
    if isinstance(gap, list):
        issues += [
            Issue(("gender_breakdown", "gap_between"), f"unknown gender {gender!r}")
            for gender in gap
            if isinstance(gender, str) and gender not in known
        ]
        if len(gap) == 2 and gap[0] == gap[1]:
            issues.append(
                Issue(("gender_breakdown", "gap_between"), "compare two different genders")
            )
    return issues


def _check_scale(data: Mapping[str, Any]) -> list[Issue]:
    items = items_at(get_in(data, "scale", "values"), ("scale", "values"))
    issues = duplicates(items, "value") + duplicates(items, "symbol")
    values = {
        value: item for loc, item in items if (value := as_int(item.get("value"))) is not None
    }
    neutral = as_int(get_in(data, "scale", "neutral"))
    if neutral is not None and values and neutral not in values:
        shown = ", ".join(str(value) for value in sorted(values))
        issues.append(
            Issue(("scale", "neutral"), f"neutral value {neutral} is not on the scale ({shown})")
        )
    elif neutral is not None:
        issues += [issue for loc, item in items if (issue := _direction_issue(loc, item, neutral))]
    cannot = get_in(data, "scale", "cannot_assess")
    symbol = as_str(cannot.get("symbol", "?")) if isinstance(cannot, dict) else None
    issues += [
        Issue(
            ("scale", "cannot_assess", "symbol"),
            f"cannot-assess symbol {symbol!r} collides with scale value {value}",
        )
        for value, item in values.items()
        if symbol is not None
        and symbol.strip() in (str(item.get("symbol", "")).strip(), str(value))
    ]
    return issues


def _direction_issue(loc: Loc, item: Mapping[str, Any], neutral: int) -> Issue | None:
    value, direction = as_int(item.get("value")), item.get("direction")
    if value is None or direction not in _DIRECTIONS:
        return None
    if value == neutral:
        expected, why = "neutral", f"the neutral value {neutral}"
    else:
        expected = "positive" if value > neutral else "negative"
        side = "above" if value > neutral else "below"
        why = f"value {value} is {side} the neutral value {neutral}, so it"
    if direction == expected:
        return None
    return Issue((*loc, "direction"), f"{why} must have direction {expected!r}")


def _check_cell_fields(data: Mapping[str, Any]) -> list[Issue]:
    certainty_on = get_in(data, "cell_fields", "certainty") is True
    levels = data.get("certainty_levels")
    if certainty_on and not levels:
        return [Issue(("certainty_levels",), "the certainty field is on but no levels are given")]
    if levels and not certainty_on:
        return [Issue(("certainty_levels",), "levels are given but cell_fields.certainty is off")]
    return []


def _check_applicability(data: Mapping[str, Any]) -> list[Issue]:
    criteria = ("outcomes", "decision_bodies", "decision_types")
    return [
        Issue(
            loc, "give at least one of outcomes, decision_bodies, decision_types and min_budget_eur"
        )
        for loc, entry in items_at(data.get("applicability"), ("applicability",))
        if not any(entry.get(field) for field in criteria) and entry.get("min_budget_eur") is None
    ]


_CHECKS = (
    _check_kind,
    _check_unique_keys,
    _check_areas,
    _check_population_groups,
    _check_genders,
    _check_vocabulary,
    _check_scale,
    _check_cell_fields,
    check_screening,
    _check_applicability,
)


def _cells_issues(data: Mapping[str, Any]) -> list[Issue]:
    """Run on a template that passed every other check, so its matrix can be built."""
    definition = TemplateDefinition.model_validate(data)
    if definition.kind is not TemplateKind.matrix:
        return []
    issue = cells_issue(len(definition.cell_keys(["-"])))
    return [issue] if issue else []


def issues_in(data: object) -> list[Issue]:
    """Every problem of a parsed template, structural first, without duplicates."""
    if not isinstance(data, dict):
        return [Issue((), "a template must be a mapping of fields")]
    too_large = list_size_issues(data)
    if too_large:
        # every other check grows with these lists (some faster): report what is too long
        return too_large
    found = _structural(data) + [issue for check in _CHECKS for issue in check(data)]
    if not found:
        found = _cells_issues(data)
    return list(dict.fromkeys(found))
