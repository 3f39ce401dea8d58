"""The cross-reference checks of a template (unknown keys, duplicates, cycles, scale and
screening consistency, sizes), each with the path of what it found.

They read the raw mapping leniently, so they still run (and report) when some items are
malformed; the structure itself is checked by the pydantic models in definition.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from app.templates.definition import TemplateDefinition
from app.templates.elements import ALL_GENDERS, NO, YES, TemplateKind
from app.templates.limits import cells_issue, list_size_issues
from app.templates.vocabulary import unknown_canonical_keys

Loc = tuple[str | int, ...]
Item = tuple[Loc, dict[str, Any]]
_DIRECTIONS = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Issue:
    loc: Loc
    message: str


def path_of(loc: Loc) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _get(data: object, *keys: str) -> object:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _items(data: object, loc: Loc) -> list[Item]:
    """The mapping items of a list, with their locations (malformed items are skipped)."""
    if not isinstance(data, list):
        return []
    return [((*loc, index), item) for index, item in enumerate(data) if isinstance(item, dict)]


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _keys(items: Iterable[Item]) -> list[str]:
    return [key for _, item in items if (key := _str(item.get("key"))) is not None]


def _duplicates(items: list[Item], field: str = "key") -> list[Issue]:
    first: dict[str | int, Loc] = {}
    issues = []
    for loc, item in items:
        value = item.get(field)
        if not isinstance(value, str | int) or isinstance(value, bool):
            continue
        if value in first:
            shown = repr(value) if isinstance(value, str) else str(value)
            issues.append(
                Issue(
                    (*loc, field), f"duplicate {field} {shown} (first at {path_of(first[value])})"
                )
            )
        else:
            first[value] = loc
    return issues


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
    issues = [issue for keys in lists for issue in _duplicates(_items(_get(data, *keys), keys))]
    for loc, question in _items(_get(data, "screening", "questions"), ("screening", "questions")):
        issues += _duplicates(_items(question.get("options"), (*loc, "options")))
    return issues


def _check_areas(data: Mapping[str, Any]) -> list[Issue]:
    area_groups = _items(data.get("area_groups"), ("area_groups",))
    known_area_groups = set(_keys(area_groups))
    known_groups = set(_keys(_items(data.get("population_groups"), ("population_groups",))))
    issues, used = [], set()
    for loc, area in _items(data.get("areas"), ("areas",)):
        area_group = _str(area.get("area_group"))
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
        if (key := _str(item.get("key"))) and key not in used
    ]
    return issues


def _cycle_through(key: str, parents: Mapping[str, str | None]) -> list[str] | None:
    walk, node = [key], parents.get(key)
    while node is not None and node not in walk:
        walk.append(node)
        node = parents.get(node)
    return [*walk, key] if node == key else None


def _check_population_groups(data: Mapping[str, Any]) -> list[Issue]:
    items = _items(data.get("population_groups"), ("population_groups",))
    parents = {key: _str(item.get("parent")) for _, item in items if (key := _str(item.get("key")))}
    issues, reported = [], set[str]()
    for loc, item in items:
        key, parent = _str(item.get("key")), _str(item.get("parent"))
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
    items = _items(breakdown.get("genders"), ("gender_breakdown", "genders"))
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
    gap, known = breakdown.get("gap_between"), set(_keys(items))
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
    items = _items(_get(data, "scale", "values"), ("scale", "values"))
    issues = _duplicates(items, "value") + _duplicates(items, "symbol")
    values = {value: item for loc, item in items if (value := _int(item.get("value"))) is not None}
    neutral = _int(_get(data, "scale", "neutral"))
    if neutral is not None and values and neutral not in values:
        shown = ", ".join(str(value) for value in sorted(values))
        issues.append(
            Issue(("scale", "neutral"), f"neutral value {neutral} is not on the scale ({shown})")
        )
    elif neutral is not None:
        issues += [issue for loc, item in items if (issue := _direction_issue(loc, item, neutral))]
    cannot = _get(data, "scale", "cannot_assess")
    symbol = _str(cannot.get("symbol", "?")) if isinstance(cannot, dict) else None
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
    value, direction = _int(item.get("value")), item.get("direction")
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
    certainty_on = _get(data, "cell_fields", "certainty") is True
    levels = data.get("certainty_levels")
    if certainty_on and not levels:
        return [Issue(("certainty_levels",), "the certainty field is on but no levels are given")]
    if levels and not certainty_on:
        return [Issue(("certainty_levels",), "levels are given but cell_fields.certainty is off")]
    return []


def _answer_list(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [
        YES if item is True else NO if item is False else item
        for item in items
        if isinstance(item, str | bool)
    ]


def _check_match(
    match: object, loc: Loc, answers: Mapping[str, tuple[str, ...]], later: Iterable[str] = ()
) -> list[Issue]:
    if not isinstance(match, dict):
        return []
    issues = []
    for question, accepted in match.items():
        if question not in answers:
            problem = f"question {question!r} is asked later" if question in later else None
            issues.append(Issue((*loc, str(question)), problem or f"unknown question {question!r}"))
            continue
        expected = ", ".join(answers[question])
        issues += [
            Issue(
                (*loc, question),
                f"unknown answer {answer!r} for question {question!r} (expected {expected})",
            )
            for answer in _answer_list(accepted)
            if answer not in answers[question]
        ]
    return issues


def _question_answers(loc: Loc, question: Mapping[str, Any]) -> tuple[tuple[str, ...], list[Issue]]:
    options = question.get("options")
    if question.get("answer") == "yes_no":
        problem = "a yes/no question has the fixed options yes and no" if options else None
        return (YES, NO), [Issue((*loc, "options"), problem)] if problem else []
    keys = tuple(_keys(_items(options, (*loc, "options"))))
    if question.get("answer") == "choice" and (not isinstance(options, list) or len(options) < 2):
        return keys, [Issue((*loc, "options"), "a choice question needs at least two options")]
    return keys, []


def _check_screening(data: Mapping[str, Any]) -> list[Issue]:
    answers: dict[str, tuple[str, ...]] = {}
    questions = _items(_get(data, "screening", "questions"), ("screening", "questions"))
    issues = []
    for loc, question in questions:
        # ask_if may only look at questions asked before this one
        later = set(_keys(questions)) - set(answers)
        issues += _check_match(question.get("ask_if"), (*loc, "ask_if"), answers, later)
        accepted, problems = _question_answers(loc, question)
        issues += problems
        if (key := _str(question.get("key"))) is not None:
            answers[key] = accepted
    for loc, rule in _items(_get(data, "screening", "rules"), ("screening", "rules")):
        if not any(rule.get(clause) for clause in ("when", "any", "all")):
            issues.append(Issue(loc, "a rule needs at least one of when, any and all"))
        issues += _check_match(rule.get("when"), (*loc, "when"), answers)
        for clause in ("any", "all"):
            matches = rule.get(clause)
            for index, match in enumerate(matches if isinstance(matches, list) else []):
                issues += _check_match(match, (*loc, clause, index), answers)
    return issues


def _check_applicability(data: Mapping[str, Any]) -> list[Issue]:
    criteria = ("outcomes", "decision_bodies", "decision_types")
    return [
        Issue(
            loc, "give at least one of outcomes, decision_bodies, decision_types and min_budget_eur"
        )
        for loc, entry in _items(data.get("applicability"), ("applicability",))
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
    _check_screening,
    _check_applicability,
)


def _size_issues(data: Mapping[str, Any]) -> list[Issue]:
    return [Issue(issue.loc, issue.message) for issue in list_size_issues(data)]


def _cells_issues(data: Mapping[str, Any]) -> list[Issue]:
    """Run on a template that passed every other check, so its matrix can be built."""
    definition = TemplateDefinition.model_validate(data)
    if definition.kind is not TemplateKind.matrix:
        return []
    issue = cells_issue(len(definition.cell_keys(["-"])))
    return [Issue(issue.loc, issue.message)] if issue else []


def issues_in(data: object) -> list[Issue]:
    """Every problem of a parsed template, structural first, without duplicates."""
    if not isinstance(data, dict):
        return [Issue((), "a template must be a mapping of fields")]
    too_large = _size_issues(data)
    if too_large:
        # every other check grows with these lists (some faster): report what is too long
        return too_large
    found = _structural(data) + [issue for check in _CHECKS for issue in check(data)]
    if not found:
        found = _cells_issues(data)
    return list(dict.fromkeys(found))
