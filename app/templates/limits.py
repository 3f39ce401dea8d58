"""How large a template may be, and the check that says where one is too large.

A template's size sets the work of every matrix read, write and summary of every draft that
uses it, so it is bounded at the door (import, API create and update, `ennakko templates
validate`). The limits leave generous headroom over real templates: the largest shipped one,
IVA, has 12 areas × 17 population groups × 4 gender columns (all + 3) = 816 cells per
decision alternative; a draft has at most 20 alternatives besides the status quo.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.templates.issues import Issue, Loc

MAX_AREAS = 40
MAX_POPULATION_GROUPS = 60
MAX_GENDERS = 8
MAX_CELLS_PER_ALTERNATIVE = 3_000
# YAML values once aliases (*name) are written out: a few lines of nested aliases can stand
# for billions (the largest shipped template has about 3,000)
MAX_YAML_NODES = 100_000

# (path to a list, "*" for each item of the list before it) → (limit, what the items are)
LIST_LIMITS: dict[tuple[str, ...], tuple[int, str]] = {
    ("areas",): (MAX_AREAS, "impact areas"),
    ("area_groups",): (MAX_AREAS, "area groups"),
    ("areas", "*", "groups"): (MAX_POPULATION_GROUPS, "population groups"),
    ("population_groups",): (MAX_POPULATION_GROUPS, "population groups"),
    ("gender_breakdown", "genders"): (MAX_GENDERS, "genders"),
    ("horizons",): (10, "horizons"),
    ("certainty_levels",): (10, "certainty levels"),
    ("scale", "values"): (21, "scale values"),
    ("screening", "questions"): (100, "screening questions"),
    ("screening", "questions", "*", "options"): (50, "options"),
    ("screening", "rules"): (100, "screening rules"),
    ("applicability",): (50, "applicability entries"),
}


def _lists_at(data: object, path: tuple[str, ...], loc: Loc = ()) -> list[tuple[Loc, list[Any]]]:
    """Every list found at `path` ("*" steps into each item of a list)."""
    if not path:
        return [(loc, data)] if isinstance(data, list) else []
    head, rest = path[0], path[1:]
    if head == "*":
        if not isinstance(data, list):
            return []
        return [
            found
            for index, item in enumerate(data)
            for found in _lists_at(item, rest, (*loc, index))
        ]
    if not isinstance(data, Mapping):
        return []
    return _lists_at(data.get(head), rest, (*loc, head))


def list_size_issues(data: Mapping[str, Any]) -> list[Issue]:
    """Lists longer than their limit (checked before anything whose cost grows with them)."""
    return [
        Issue(loc, f"at most {limit} {what} are allowed, this template has {len(items)}")
        for path, (limit, what) in LIST_LIMITS.items()
        for loc, items in _lists_at(data, path)
        if len(items) > limit
    ]


def cells_issue(cells_per_alternative: int) -> Issue | None:
    """The matrix is too large even though each list is within its limit."""
    if cells_per_alternative <= MAX_CELLS_PER_ALTERNATIVE:
        return None
    return Issue(
        ("areas",),
        f"the matrix has {cells_per_alternative} cells per decision alternative "
        f"(areas × their population groups × gender columns); at most "
        f"{MAX_CELLS_PER_ALTERNATIVE} are allowed",
    )
