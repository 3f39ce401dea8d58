"""A template problem with its location, and the lenient readers the checks share.

The readers look into a raw template mapping without trusting its shape: a malformed part
reads as absent, so every check still runs (and reports) on a partly broken template.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

Loc = tuple[str | int, ...]
Item = tuple[Loc, dict[str, Any]]


@dataclass(frozen=True)
class Issue:
    """What is wrong (`message`) and where (`loc`, a path into the template)."""

    loc: Loc
    message: str


def path_of(loc: Loc) -> str:
    """`("areas", 3, "groups")` as `areas[3].groups`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def get_in(data: object, *keys: str) -> object:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def items_at(data: object, loc: Loc) -> list[Item]:
    """The mapping items of a list, with their locations (malformed items are skipped)."""
    if not isinstance(data, list):
        return []
    return [((*loc, index), item) for index, item in enumerate(data) if isinstance(item, dict)]


def as_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def as_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def keys_of(items: Iterable[Item]) -> list[str]:
    return [key for _, item in items if (key := as_str(item.get("key"))) is not None]


def duplicates(items: list[Item], field: str = "key") -> list[Issue]:
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
