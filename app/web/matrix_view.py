"""The compact matrix editor: one alternative, one impact area at a time. Rows are the
population groups, columns the genders; each cell carries its score and its justification.
The navigation counts what is missing per area and alternative, with links to it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from app.assessments.models import AssessmentCell
from app.assessments.service import AssessmentView
from app.assessments.shape import ALL_GENDERS, Direction, MatrixShape
from app.assessments.summary import Summary
from app.web.forms import Errors, FieldError
from app.web.matrix import CANNOT_ASSESS, CellKey, Labels, justification_field, selected_of
from app.web.matrix import value_field as value_field

FILTERS = ("all", "nonneutral", "missing", "commented", "mine")


@dataclass
class CellView:
    id: str
    key: CellKey
    selected: str
    justification: str
    direction: str
    label: str
    missing: bool
    missing_justification: bool
    commented: bool
    errors: list[FieldError] = field(default_factory=list)

    @property
    def value_name(self) -> str:
        return value_field(self.key)

    @property
    def justification_name(self) -> str:
        return justification_field(self.key)


@dataclass
class RowView:
    group: str
    label: str
    in_scope: bool
    cells: list[CellView | None]


@dataclass(frozen=True)
class AreaLink:
    key: str
    label: str
    in_scope: bool
    missing: int
    href: str
    current: bool


@dataclass(frozen=True)
class AltLink:
    key: str
    name: str
    missing: int
    href: str
    current: bool


@dataclass
class MatrixView:
    """What the editor page shows: the navigation, the current area's rows and the filter."""

    labels: Labels
    alternative: str
    alternative_name: str
    is_status_quo: bool
    area: str
    area_label: str
    area_help: str
    area_in_scope: bool
    genders: list[tuple[str, str]]
    show_genders: bool
    rows: list[RowView]
    hidden_rows: int
    alternatives: list[AltLink]
    areas: list[AreaLink]
    show: str
    missing_total: int
    scope_reason: str
    scope_set: bool
    bulk_targets: list[tuple[str, str]]
    problems: list[tuple[str, str, FieldError]] = field(default_factory=list)

    @property
    def cells(self) -> list[CellView]:
        return [c for r in self.rows for c in r.cells if c is not None]


def cell_id(shape: MatrixShape, key: CellKey) -> str:
    """A stable element id per cell (keys may hold characters ids should not)."""
    alternative, area, group, gender = key
    return (
        f"c-{shape.alternatives.index(alternative)}-{shape.areas.index(area)}"
        f"-{shape.groups.index(group) if group in shape.groups else 0}"
        f"-{shape.genders.index(gender)}"
    )


def page_url(draft_id: str, alternative: str, area: str, show: str = "all") -> str:
    query = {"alternative": alternative, "area": area}
    if show != "all":
        query["show"] = show
    return f"/drafts/{draft_id}/assessment?{urlencode(query)}"


def _direction(shape: MatrixShape, selected: str) -> str:
    if selected == CANNOT_ASSESS:
        return "cannot"
    if selected.lstrip("-").isdigit() and int(selected) in shape.scale:
        return shape.direction_of(int(selected)).value
    return "none"


@dataclass
class _Page:
    view: AssessmentView
    labels: Labels
    summary: Summary
    commented: set[CellKey]
    overrides: Mapping[CellKey, tuple[str, str]]
    errors: Errors

    def cell(self, key: CellKey, stored: AssessmentCell | None) -> CellView:
        default = (selected_of(stored), stored.justification if stored else "")
        selected, text = self.overrides.get(key, default)
        problems = self.errors.get(value_field(key), []) + self.errors.get(
            justification_field(key), []
        )
        return CellView(
            id=cell_id(self.view.shape, key),
            key=key,
            selected=selected,
            justification=text,
            direction=_direction(self.view.shape, selected),
            label=self.labels.cell(key),
            missing=stored is None or (stored.value is None and not stored.cannot_assess),
            missing_justification=key in self.missing_justification,
            commented=key in self.commented,
            errors=problems,
        )

    @property
    def missing_justification(self) -> set[CellKey]:
        return set(self.summary.missing_justification)

    def rows(self, alternative: str, area: str) -> list[RowView]:
        shape, scope = self.view.shape, self.view.scope
        stored = {(c.alternative, c.area, c.grp, c.gender): c for c in self.view.cells}
        rows = []
        for group in _columns(shape):
            in_scope = scope.covers(area, group)
            cells: list[CellView | None] = [
                self.cell(key, stored.get(key))
                if group in shape.groups_by_area[area] and in_scope
                else None
                for gender in shape.genders
                for key in [(alternative, area, group, gender)]
            ]
            if group in shape.groups_by_area[area]:
                rows.append(RowView(group, self.labels.groups[group], in_scope, cells))
        return rows


def _columns(shape: MatrixShape) -> list[str]:
    used = {g for area in shape.areas for g in shape.groups_by_area[area]}
    return [g for g in shape.groups if g in used] or sorted(used)


def _shown(row: RowView, show: str, area: str, mine: Callable[[str, str], bool] | None) -> bool:
    if show == "mine":
        return row.in_scope and (mine is None or mine(area, row.group))
    cells = [c for c in row.cells if c is not None]
    if show == "nonneutral":
        return any(c.direction in (Direction.positive, Direction.negative) for c in cells)
    if show == "missing":
        return any(c.missing or c.missing_justification or c.errors for c in cells)
    if show == "commented":
        return any(c.commented for c in cells)
    return True


def _missing_by(summary: Summary, alternative: str) -> dict[str, int]:
    return {
        area: counts.not_assessed for area, counts in summary.by_area.get(alternative, {}).items()
    }


def _problems(
    draft_id: str, view: AssessmentView, labels: Labels, errors: Errors, here: tuple[str, str]
) -> list[tuple[str, str, FieldError]]:
    """(link, cell name, error) of every cell the form could not save, on this page or not."""
    found = []
    valid = set(view.shape.cell_keys())
    for name, items in errors.items():
        parts = tuple(name.split("|"))
        key = parts[1:]
        if parts[0] not in ("v", "j") or key not in valid:
            continue
        cell = (key[0], key[1], key[2], key[3])
        anchor = f"#{cell_id(view.shape, cell)}{'-j' if parts[0] == 'j' else ''}"
        link = anchor if cell[:2] == here else page_url(draft_id, cell[0], cell[1]) + anchor
        found += [(link, labels.cell(cell), e) for e in items]
    return found


def current_area(view: AssessmentView, asked: str | None) -> str:
    """The area asked for, else the first one in scope."""
    shape, scope = view.shape, view.scope
    if asked in shape.areas:
        return asked
    return next((a for a in shape.areas if scope.areas is None or a in scope.areas), shape.areas[0])


def build_matrix(
    draft_id: str,
    view: AssessmentView,
    labels: Labels,
    summary: Summary,
    t: Callable[..., str],
    *,
    alternative: str | None,
    area: str | None,
    show: str = "all",
    commented: set[CellKey] | None = None,
    overrides: Mapping[CellKey, tuple[str, str]] | None = None,
    errors: Errors | None = None,
    link: Callable[[str, str, str, str], str] = page_url,
    mine: Callable[[str, str], bool] | None = None,
) -> MatrixView:
    """The editor page of one alternative and one area, with the navigation to the others
    (`link` makes their addresses: the editor's, or the review page's; `mine` says which
    rows "only my scope" shows, else those inside the assessment's scope)."""
    shape, scope = view.shape, view.scope
    current = alternative if alternative in shape.alternatives else shape.alternatives[0]
    area_key = current_area(view, area)
    show = show if show in FILTERS else "all"
    page = _Page(view, labels, summary, commented or set(), overrides or {}, errors or {})
    rows = page.rows(current, area_key)
    shown = [r for r in rows if _shown(r, show, area_key, mine)]
    missing = _missing_by(summary, current)
    in_scope = scope.areas is None or area_key in scope.areas
    return MatrixView(
        labels=labels,
        alternative=current,
        alternative_name=labels.alternatives.get(current, current),
        is_status_quo=current == shape.status_quo,
        area=area_key,
        area_label=labels.areas[area_key],
        area_help=labels.area_help.get(area_key, ""),
        area_in_scope=in_scope,
        genders=[(g, labels.genders[g]) for g in shape.genders],
        show_genders=shape.genders != (ALL_GENDERS,),
        rows=shown,
        hidden_rows=len(rows) - len(shown),
        alternatives=_alternative_links(
            draft_id, view, labels, summary, link, (area_key, show), current
        ),
        areas=_area_links(draft_id, view, labels, missing, link, (current, show), area_key),
        show=show,
        missing_total=summary.by_alternative[current].not_assessed
        if current in summary.by_alternative
        else 0,
        scope_reason=scope.reason,
        scope_set=scope.is_set,
        bulk_targets=_bulk_targets(view, labels, area_key, t) if in_scope else [],
        problems=_problems(draft_id, view, labels, errors or {}, (current, area_key)),
    )


def _alternative_links(
    draft_id: str,
    view: AssessmentView,
    labels: Labels,
    summary: Summary,
    link: Callable[[str, str, str, str], str],
    at: tuple[str, str],
    current: str,
) -> list[AltLink]:
    """The alternatives' tabs, each with its count of what is still to assess (`at`: the area
    and filter the links keep)."""
    area_key, show = at
    return [
        AltLink(
            a,
            labels.alternatives.get(a, a),
            summary.by_alternative[a].not_assessed if a in summary.by_alternative else 0,
            link(draft_id, a, area_key, show),
            a == current,
        )
        for a in view.shape.alternatives
    ]


def _area_links(
    draft_id: str,
    view: AssessmentView,
    labels: Labels,
    missing: Mapping[str, int],
    link: Callable[[str, str, str, str], str],
    at: tuple[str, str],
    current: str,
) -> list[AreaLink]:
    """The areas' navigation of one alternative (`at`: the alternative and filter the links
    keep), each marked in or out of scope with its count of what is still to assess."""
    alternative, show = at
    scope = view.scope
    return [
        AreaLink(
            a,
            labels.areas[a],
            scope.areas is None or a in scope.areas,
            missing.get(a, 0),
            link(draft_id, alternative, a, show),
            a == current,
        )
        for a in view.shape.areas
    ]


def _bulk_targets(
    view: AssessmentView, labels: Labels, area: str, t: Callable[..., str]
) -> list[tuple[str, str]]:
    """What one bulk action can cover: the remaining cells, this area, a group, a column."""
    shape, scope = view.shape, view.scope
    name = labels.areas[area]
    targets = [
        ("remaining", t("bulk.target.remaining")),
        ("remaining_area", t("bulk.target.remaining_area", area=name)),
        ("area", t("bulk.target.area", area=name)),
    ]
    targets += [
        (f"group:{g}", t("bulk.target.group", group=labels.groups[g], area=name))
        for g in _columns(shape)
        if g in shape.groups_by_area[area] and scope.covers(area, g)
    ]
    if shape.genders != (ALL_GENDERS,):
        targets += [
            (f"gender:{g}", t("bulk.target.gender", gender=labels.genders[g], area=name))
            for g in shape.genders
        ]
    return targets
