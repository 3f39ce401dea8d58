"""The matrix editor: what each table shows, and the posted form turned into cell writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.assessments.models import AssessmentCell
from app.assessments.schemas import CellWrite
from app.assessments.service import AssessmentView
from app.assessments.shape import ALL_GENDERS, MatrixShape
from app.drafts.models import DraftAlternative
from app.templates.definition import TemplateDefinition
from app.web.forms import Errors, FieldError, error_list
from app.web.template_view import matrix_names

CANNOT_ASSESS = "ca"
CellKey = tuple[str, str, str, str]


def value_field(key: CellKey) -> str:
    return "v|" + "|".join(key)


def justification_field(key: CellKey) -> str:
    return "j|" + "|".join(key)


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def selected_of(cell: AssessmentCell | None) -> str:
    if cell is None:
        return ""
    if cell.cannot_assess:
        return CANNOT_ASSESS
    return "" if cell.value is None else str(cell.value)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    direction: str


@dataclass(frozen=True)
class Labels:
    """The template's names in one language, and the scale as select options."""

    areas: dict[str, str]
    area_help: dict[str, str]
    groups: dict[str, str]
    genders: dict[str, str]
    alternatives: dict[str, str]
    options: list[Option]
    symbols: dict[str, str]

    def cell(self, key: CellKey) -> str:
        alternative, area, group, gender = key
        parts = [self.areas[area], self.groups[group]]
        if gender != ALL_GENDERS:
            parts.append(self.genders[gender])
        return f"{' – '.join(parts)} ({self.alternatives[alternative]})"

    def short(self, key: CellKey) -> str:
        """The cell within its row: group, and gender when the matrix has genders."""
        _alternative, _area, group, gender = key
        if gender == ALL_GENDERS:
            return self.groups[group]
        return f"{self.groups[group]} – {self.genders[gender]}"


def labels_for(
    definition: TemplateDefinition,
    alternatives: Sequence[DraftAlternative],
    lang: str,
    t: Callable[..., str],
) -> Labels:
    names = matrix_names(definition, lang, t("matrix.all_genders"))
    # Blank means "not assessed yet"; the legend says so in words.
    options = [Option("", "", "none")]
    options += [Option(s.value, f"{s.symbol} {s.label}", s.direction) for s in names.scale]
    symbols = {s.value: s.symbol for s in names.scale}
    cannot = names.cannot_assess
    if cannot is not None:
        options.append(Option(CANNOT_ASSESS, f"{cannot.symbol} {cannot.label}", "cannot"))
        symbols[CANNOT_ASSESS] = cannot.symbol
    return Labels(
        areas=names.areas,
        area_help=names.area_help,
        groups=names.groups,
        genders=names.genders,
        alternatives={a.key: a.name for a in alternatives},
        options=options,
        symbols=symbols,
    )


@dataclass
class CellView:
    id: str
    key: CellKey
    selected: str
    justification: str
    direction: str
    label: str
    short: str
    missing_justification: bool = False
    errors: list[FieldError] = field(default_factory=list)

    @property
    def in_focus(self) -> bool:
        """Assessed, justified or flagged: its justification is shown without extra clicks."""
        return bool(
            self.selected or self.justification or self.missing_justification or self.errors
        )

    @property
    def value_name(self) -> str:
        return value_field(self.key)

    @property
    def justification_name(self) -> str:
        return justification_field(self.key)


@dataclass
class RowView:
    area: str
    label: str
    help: str
    cells: list[CellView | None]

    @property
    def focused(self) -> list[CellView]:
        return [c for c in self.cells if c is not None and c.in_focus]

    @property
    def others(self) -> list[CellView]:
        return [c for c in self.cells if c is not None and not c.in_focus]


@dataclass
class TableView:
    alternative: str
    name: str
    is_status_quo: bool
    rows: list[RowView]


@dataclass
class MatrixView:
    tables: list[TableView]
    columns: list[tuple[str, str]]
    group_spans: list[tuple[str, int]]
    gender_labels: list[str]
    show_genders: bool
    labels: Labels
    ids: dict[CellKey, str]
    alternatives: list[tuple[str, str]]
    current: str


def _columns(shape: MatrixShape) -> list[tuple[str, str]]:
    used = {g for area in shape.areas for g in shape.groups_by_area[area]}
    groups = [g for g in shape.groups if g in used] or sorted(used)
    return [(group, gender) for group in groups for gender in shape.genders]


def cell_ids(shape: MatrixShape, columns: Sequence[tuple[str, str]]) -> dict[CellKey, str]:
    """A stable element id per cell (keys may hold characters ids should not)."""
    alts = {a: i for i, a in enumerate(shape.alternatives)}
    areas = {a: i for i, a in enumerate(shape.areas)}
    cols = {c: i for i, c in enumerate(columns)}
    return {
        key: f"c-{alts[key[0]]}-{areas[key[1]]}-{cols[(key[2], key[3])]}"
        for key in shape.cell_keys()
    }


def _direction(shape: MatrixShape, selected: str) -> str:
    if selected == CANNOT_ASSESS:
        return "cannot"
    if selected.lstrip("-").isdigit() and int(selected) in shape.scale:
        return shape.direction_of(int(selected)).value
    return "none"


@dataclass
class _Builder:
    view: AssessmentView
    labels: Labels
    ids: dict[CellKey, str]
    missing: set[CellKey]
    overrides: Mapping[CellKey, tuple[str, str]]
    errors: Errors

    def cell(self, key: CellKey, stored: AssessmentCell | None) -> CellView:
        default = (selected_of(stored), stored.justification if stored else "")
        selected, text = self.overrides.get(key, default)
        problems = self.errors.get(value_field(key), []) + self.errors.get(
            justification_field(key), []
        )
        return CellView(
            self.ids[key],
            key,
            selected,
            text,
            _direction(self.view.shape, selected),
            self.labels.cell(key),
            self.labels.short(key),
            key in self.missing,
            problems,
        )

    def table(self, alternative: str, columns: Sequence[tuple[str, str]]) -> TableView:
        shape = self.view.shape
        stored = {(c.alternative, c.area, c.grp, c.gender): c for c in self.view.cells}
        rows = []
        for area in shape.areas:
            cells: list[CellView | None] = [
                self.cell(
                    (alternative, area, group, gender),
                    stored.get((alternative, area, group, gender)),
                )
                if group in shape.groups_by_area[area]
                else None
                for group, gender in columns
            ]
            rows.append(
                RowView(area, self.labels.areas[area], self.labels.area_help.get(area, ""), cells)
            )
        name = self.labels.alternatives.get(alternative, alternative)
        return TableView(alternative, name, alternative == shape.status_quo, rows)


def build_matrix(
    view: AssessmentView,
    labels: Labels,
    *,
    missing: set[CellKey],
    only: str | None = None,
    overrides: Mapping[CellKey, tuple[str, str]] | None = None,
    errors: Errors | None = None,
) -> MatrixView:
    """The table of one alternative (`only`, else the first): areas × (group × gender)."""
    shape = view.shape
    current = only if only in shape.alternatives else (shape.alternatives or ("",))[0]
    columns = _columns(shape)
    ids = cell_ids(shape, columns)
    builder = _Builder(view, labels, ids, missing, overrides or {}, errors or {})
    tables = [builder.table(current, columns)] if current else []
    spans: dict[str, int] = {}
    for group, _gender in columns:
        spans[group] = spans.get(group, 0) + 1
    return MatrixView(
        tables=tables,
        columns=columns,
        group_spans=[(labels.groups[g], n) for g, n in spans.items()],
        gender_labels=[labels.genders[gender] for _group, gender in columns],
        show_genders=shape.genders != (ALL_GENDERS,),
        labels=labels,
        ids=ids,
        alternatives=[(a, labels.alternatives.get(a, a)) for a in shape.alternatives],
        current=current,
    )


def posted_overrides(shape: MatrixShape, posted: FormData) -> dict[CellKey, tuple[str, str]]:
    """What the form said for each cell it carried."""
    result = {}
    for key in shape.cell_keys():
        value = posted.get(value_field(key))
        if isinstance(value, str):
            text = posted.get(justification_field(key))
            result[key] = (value, text if isinstance(text, str) else "")
    return result


def _write(key: CellKey, chosen: str, text: str, stored: AssessmentCell | None) -> CellWrite:
    alternative, area, group, gender = key
    state: dict[str, Any] = {"clear": True}
    if chosen == CANNOT_ASSESS:
        state = {"cannot_assess": True}
    elif chosen:
        state = {"value": int(chosen)}
    # Fields this form does not edit are carried over, so a save never wipes them.
    kept = {
        "horizon": stored.horizon if stored else None,
        "certainty": stored.certainty if stored else None,
        "evidence": stored.evidence if stored else "",
        "mitigation": stored.mitigation if stored else "",
    }
    return CellWrite(
        alternative=alternative,
        area=area,
        group=group,
        gender=gender,
        justification=text,
        **state,
        **kept,
    )


def cell_writes(
    view: AssessmentView, overrides: Mapping[CellKey, tuple[str, str]]
) -> tuple[list[CellWrite], Errors]:
    """The cells the form changed, compared with what is stored (one write each)."""
    stored_cells = {(c.alternative, c.area, c.grp, c.gender): c for c in view.cells}
    writes: list[CellWrite] = []
    errors: Errors = {}
    for key, (chosen, raw_text) in overrides.items():
        stored, text = stored_cells.get(key), _clean(raw_text)
        if chosen == selected_of(stored) and text == _clean(stored.justification if stored else ""):
            continue
        if not chosen and stored is None:
            if text:
                errors[justification_field(key)] = [FieldError("value_first")]
            continue
        if (
            chosen
            and chosen != CANNOT_ASSESS
            and (not chosen.lstrip("-").isdigit() or int(chosen) not in view.shape.scale)
        ):
            errors[value_field(key)] = [FieldError("choice")]
            continue
        try:
            writes.append(_write(key, chosen, text, stored))
        except ValidationError as exc:
            errors[justification_field(key)] = error_list(exc)
    return writes, errors


def problem_errors(details: Any, writes: Sequence[CellWrite]) -> Errors:
    """The service's per-write problems, keyed by the select of the cell concerned."""
    errors: Errors = {}
    for item in details if isinstance(details, list) else []:
        index = item.get("index") if isinstance(item, dict) else None
        if isinstance(index, int) and 0 <= index < len(writes):
            w = writes[index]
            key = (w.alternative, w.area, w.group, w.gender)
            errors.setdefault(value_field(key), []).append(
                FieldError("service", {"message": str(item.get("message", ""))})
            )
    return errors
