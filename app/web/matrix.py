"""The matrix editor's names (labels) and its posted form turned into cell writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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
