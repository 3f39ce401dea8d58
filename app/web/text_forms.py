"""The assessment's texts as an HTML form ↔ the service's AssessmentTexts body.

Statements, data sources and follow-up indicators are lists of rows. Without JavaScript a
person adds rows with an "add row" submit button and removes one with its checkbox; blank
rows are left out of what is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.assessments.models import Assessment
from app.assessments.schemas import AssessmentTexts
from app.web.forms import Errors, FieldError, FormInvalid, field_errors, form_int, form_text

TEXT_FIELDS = ("mitigation", "comparison", "participation")


@dataclass(frozen=True)
class RowKind:
    """One list of the form: its name prefix, its fields and the body's list name."""

    prefix: str
    body_name: str
    fields: tuple[str, ...]
    limit: int


STATEMENTS = RowKind("st", "statements", ("body", "given_on", "summary", "url"), 50)
SOURCES = RowKind("src", "sources", ("title", "publisher", "year", "url"), 100)
INDICATORS = RowKind(
    "ind",
    "indicators",
    ("name", "baseline", "target", "data_source", "review_on", "responsible"),
    50,
)
ROW_KINDS = (STATEMENTS, SOURCES, INDICATORS)
KIND_OF = {k.prefix: k for k in ROW_KINDS}


@dataclass
class TextsForm:
    """What the texts form shows: the stored values, or what was just posted."""

    values: dict[str, str]
    rows: dict[str, list[dict[str, str]]]
    version: int = 0
    removed: dict[str, set[int]] = field(default_factory=dict)

    def add_blank_row(self, kind: RowKind) -> None:
        rows = self.rows[kind.prefix]
        if len(rows) < kind.limit:
            rows.append(dict.fromkeys(kind.fields, ""))

    def ensure_blank_rows(self) -> None:
        """One empty row at the end of each list, for the next item."""
        for kind in ROW_KINDS:
            rows = self.rows[kind.prefix]
            if not rows or any(v.strip() for v in rows[-1].values()):
                self.add_blank_row(kind)


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def texts_form_of(assessment: Assessment) -> TextsForm:
    """The form filled with what the assessment holds, plus a blank row per list."""
    values = {name: getattr(assessment, name) or "" for name in TEXT_FIELDS}
    values["recommended_alternative"] = assessment.recommended_alternative or ""
    stored: Mapping[str, Sequence[dict[str, Any]]] = {
        "st": assessment.statements,
        "src": assessment.sources,
        "ind": assessment.indicators,
    }
    rows = {
        kind.prefix: [
            {f: _as_text(item.get(f)) for f in kind.fields} for item in stored[kind.prefix]
        ]
        for kind in ROW_KINDS
    }
    form = TextsForm(values, rows, assessment.version)
    form.ensure_blank_rows()
    return form


def posted_texts_form(posted: FormData) -> TextsForm:
    values = {name: form_text(posted, name) for name in TEXT_FIELDS}
    values["recommended_alternative"] = form_text(posted, "recommended_alternative")
    rows: dict[str, list[dict[str, str]]] = {}
    removed: dict[str, set[int]] = {}
    for kind in ROW_KINDS:
        count = min(form_int(posted, f"{kind.prefix}_count"), kind.limit)
        rows[kind.prefix] = [
            {f: form_text(posted, f"{kind.prefix}-{i}-{f}") for f in kind.fields}
            for i in range(count)
        ]
        removed[kind.prefix] = {
            i for i in range(count) if form_text(posted, f"{kind.prefix}-{i}-remove") == "1"
        }
    return TextsForm(values, rows, form_int(posted, "version"), removed)


def _optional(text: str) -> str | None:
    return text.strip() or None


def _row_value(kind: RowKind, name: str, text: str) -> Any:
    if kind is SOURCES and name == "year":
        stripped = text.strip()
        return int(stripped) if stripped.isdigit() and len(stripped) < 6 else _optional(text)
    if name in kind.fields[:1] or (kind is STATEMENTS and name == "summary"):
        return text  # required texts: an empty one is reported at its field
    return _optional(text)


def _kept_rows(form: TextsForm, kind: RowKind) -> tuple[list[dict[str, Any]], list[int]]:
    """The rows to save (blank and removed ones left out) and their row numbers."""
    kept, positions = [], []
    for index, row in enumerate(form.rows[kind.prefix]):
        if index in form.removed.get(kind.prefix, set()) or not any(
            v.strip() for v in row.values()
        ):
            continue
        kept.append({name: _row_value(kind, name, text) for name, text in row.items()})
        positions.append(index)
    return kept, positions


def _name_of(positions: dict[str, list[int]]) -> Callable[[tuple[Any, ...]], str]:
    prefixes = {k.body_name: k.prefix for k in ROW_KINDS}

    def name_of(loc: tuple[Any, ...]) -> str:
        if not loc:
            return "_form"
        head = str(loc[0])
        prefix = prefixes.get(head)
        if prefix is None:
            return head
        rows = positions[prefix]
        if len(loc) > 2 and isinstance(loc[1], int) and loc[1] < len(rows):
            return f"{prefix}-{rows[loc[1]]}-{loc[2]}"
        return f"{prefix}_list"

    return name_of


def texts_body(form: TextsForm) -> AssessmentTexts:
    """The full-state body (every part sent, so emptying a field empties it), or FormInvalid."""
    payload: dict[str, Any] = {name: form.values[name] for name in TEXT_FIELDS}
    payload["recommended_alternative"] = _optional(form.values["recommended_alternative"])
    positions: dict[str, list[int]] = {}
    for kind in ROW_KINDS:
        payload[kind.body_name], positions[kind.prefix] = _kept_rows(form, kind)
    try:
        return AssessmentTexts.model_validate(payload)
    except ValidationError as exc:
        raise FormInvalid(field_errors(exc, _name_of(positions))) from exc


def field_names(form: TextsForm, t: Callable[..., str]) -> dict[str, str]:
    """Each field's label, so the error summary says which field a message is about."""
    names = {name: t(f"texts.{name}") for name in (*TEXT_FIELDS, "recommended_alternative")}
    for kind in ROW_KINDS:
        for index in range(len(form.rows[kind.prefix])):
            for name in kind.fields:
                names[f"{kind.prefix}-{index}-{name}"] = t(
                    f"texts.{kind.prefix}.row_field",
                    n=index + 1,
                    field=t(f"texts.{kind.prefix}.{name}"),
                )
    return names


def recommended_error() -> Errors:
    return {"recommended_alternative": [FieldError("choice")]}
