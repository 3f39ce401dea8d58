"""HTML forms ↔ the services' input schemas, with field-level messages for 422s."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.core.i18n import format_euros
from app.drafts.models import DecisionDraft, DraftAlternative
from app.drafts.schemas import STATUS_QUO_KEY, DraftCreate, DraftUpdate

TEXT_FIELDS = (
    "title",
    "proposal",
    "background",
    "decision_body",
    "decision_type",
    "meeting_date",
    "budget_eur",
    "presenting_official",
    "ext_system",
    "ext_case_id",
    "ext_label",
)
MAX_ALTERNATIVE_ROWS = 25
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass(frozen=True)
class FieldError:
    """A message key under `error.field.` and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


Errors = dict[str, list[FieldError]]


class FormInvalid(Exception):
    def __init__(self, errors: Errors) -> None:
        super().__init__("the form has errors")
        self.errors = errors


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def form_int(form: FormData, name: str, default: int = 0) -> int:
    text = form_text(form, name).strip()
    return int(text) if text.isdigit() and len(text) < 10 else default


_MESSAGE_OF_TYPE = {
    "missing": "required",
    "string_too_long": "too_long",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "date_type": "date",
    "decimal_parsing": "number",
    "decimal_type": "number",
    "decimal_max_digits": "number_digits",
    "decimal_max_places": "number_digits",
    "decimal_whole_digits": "number_digits",
    "too_short": "choose_one",
    "too_long": "too_many",
    "string_pattern_mismatch": "pattern",
    "enum": "choice",
    "literal_error": "choice",
}


def _field_error(error: Any) -> FieldError:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "string_too_short":
        minimum = int(ctx.get("min_length", 1))
        return FieldError("required") if minimum <= 1 else FieldError("too_short", {"min": minimum})
    if kind == "string_too_long":
        return FieldError("too_long", {"max": int(ctx.get("max_length", 0))})
    if kind == "text_character":
        return FieldError("character", {"character": str(ctx.get("character", ""))})
    if kind == "annex_character":
        return FieldError("annex_character", {"character": str(ctx.get("character", ""))})
    return FieldError(_MESSAGE_OF_TYPE.get(kind, "invalid"))


def field_error(error: Any) -> FieldError:
    """One pydantic error (an item of `exc.errors()`) as a field message."""
    return _field_error(error)


def error_list(exc: ValidationError) -> list[FieldError]:
    """Every message of a validation error, for a form field of its own."""
    return [_field_error(error) for error in exc.errors()]


def field_errors(exc: ValidationError, name_of: Callable[[tuple[Any, ...]], str]) -> Errors:
    """Pydantic errors keyed by the form field each one is about."""
    errors: Errors = {}
    for error in exc.errors():
        errors.setdefault(name_of(tuple(error.get("loc", ()))), []).append(_field_error(error))
    return errors


@dataclass
class AltRow:
    key: str
    name: str
    description: str
    is_status_quo: bool
    remove: bool = False


@dataclass
class DraftForm:
    """What the draft form shows: stored values, or what was just posted."""

    values: dict[str, str]
    languages: list[str]
    alternatives: list[AltRow]
    organisation_id: str = ""
    version: int = 0
    lang: str = "fi"

    def add_blank_row(self) -> None:
        if len(self.alternatives) < MAX_ALTERNATIVE_ROWS:
            self.alternatives.append(AltRow("", "", "", is_status_quo=False))


_FIELD_LABELS = {
    "title": "field.title",
    "proposal": "field.proposal",
    "background": "field.background",
    "decision_body": "field.decision_body",
    "decision_type": "field.decision_type",
    "meeting_date": "field.meeting_date",
    "presenting_official": "field.presenting_official",
    "budget_eur": "field.budget_eur",
    "languages": "field.languages",
    "ext_system": "field.ext_system",
    "ext_case_id": "field.case_id",
    "ext_label": "field.ext_label",
    "organisation_id": "field.organisation",
    "alternatives": "draft.section.alternatives",
}


def draft_field_names(form: DraftForm, t: Callable[..., str]) -> dict[str, str]:
    """Each field's label, so the error summary can say which field a message is about."""
    names = {field_name: t(key) for field_name, key in _FIELD_LABELS.items()}
    for index in range(len(form.alternatives)):
        names[f"alt-{index}-name"] = t("alt.name", n=index + 1)
        names[f"alt-{index}-description"] = t("alt.description", n=index + 1)
    return names


def empty_draft_form(status_quo_name: str, languages: Sequence[str]) -> DraftForm:
    """A new draft: the status quo plus two empty alternatives."""
    rows = [AltRow(STATUS_QUO_KEY, status_quo_name, "", is_status_quo=True)]
    form = DraftForm(dict.fromkeys(TEXT_FIELDS, ""), list(languages) or ["fi"], rows)
    form.add_blank_row()
    form.add_blank_row()
    return form


def draft_form_of(
    draft: DecisionDraft, alternatives: Sequence[DraftAlternative], lang: str = "fi"
) -> DraftForm:
    values = dict.fromkeys(TEXT_FIELDS, "")
    for name in ("title", "proposal", "background", "decision_body", "decision_type"):
        values[name] = str(getattr(draft, name) or "")
    values["presenting_official"] = draft.presenting_official
    values["meeting_date"] = draft.meeting_date.isoformat() if draft.meeting_date else ""
    values["budget_eur"] = "" if draft.budget_eur is None else format_euros(draft.budget_eur, lang)
    values["ext_system"] = draft.external_system or ""
    values["ext_case_id"] = draft.external_case_id or ""
    values["ext_label"] = draft.external_label or ""
    rows = [AltRow(a.key, a.name, a.description, a.is_status_quo) for a in alternatives]
    form = DraftForm(values, list(draft.languages), rows, draft.organisation_id, draft.version)
    form.add_blank_row()
    return form


def posted_draft_form(form: FormData, lang: str = "fi") -> DraftForm:
    rows = []
    for index in range(min(form_int(form, "alt_count"), MAX_ALTERNATIVE_ROWS)):
        prefix = f"alt-{index}-"
        rows.append(
            AltRow(
                key=form_text(form, prefix + "key").strip(),
                name=form_text(form, prefix + "name"),
                description=form_text(form, prefix + "description"),
                is_status_quo=form_text(form, prefix + "sq") == "1",
                remove=form_text(form, prefix + "remove") == "1",
            )
        )
    languages = [v for v in form.getlist("languages") if isinstance(v, str)]
    return DraftForm(
        values={name: form_text(form, name) for name in TEXT_FIELDS},
        languages=languages,
        alternatives=rows,
        organisation_id=form_text(form, "organisation_id"),
        version=form_int(form, "version"),
        lang=lang,
    )


def _budget(text: str, lang: str) -> str | None:
    """The sum as typed in the page's language ("250 000,50" in fi and sv, "250,000.50" in
    en, as the page shows it): group separators dropped, the decimal separator made a dot."""
    cleaned = _SPACES.sub("", text).replace("€", "")
    if "," in cleaned and "." in cleaned:
        group = "," if cleaned.rindex(",") < cleaned.rindex(".") else "."
        cleaned = cleaned.replace(group, "")
    cleaned = cleaned.replace(",", "" if lang == "en" else ".")
    return cleaned or None


def _alternatives(rows: Sequence[AltRow]) -> tuple[list[dict[str, Any]], list[int]]:
    """The rows to save (blank new rows and removed ones left out) and their row numbers."""
    kept, positions = [], []
    for index, row in enumerate(rows):
        blank = not row.name.strip() and not row.description.strip()
        if not row.is_status_quo and (row.remove or blank):
            continue
        kept.append(
            {
                "key": row.key or None,
                "name": row.name,
                "description": row.description,
                "is_status_quo": row.is_status_quo,
            }
        )
        positions.append(index)
    return kept, positions


def _payload(form: DraftForm) -> tuple[dict[str, Any], list[int]]:
    v = form.values
    ref = None
    if any(v[k].strip() for k in ("ext_system", "ext_case_id", "ext_label")):
        ref = {
            "system": v["ext_system"],
            "case_id": v["ext_case_id"],
            "label": v["ext_label"] or None,
        }
    alternatives, positions = _alternatives(form.alternatives)
    payload: dict[str, Any] = {
        name: v[name]
        for name in ("title", "proposal", "background", "decision_body", "decision_type")
    }
    payload |= {
        "presenting_official": v["presenting_official"],
        "meeting_date": v["meeting_date"].strip() or None,
        "budget_eur": _budget(v["budget_eur"], form.lang),
        "languages": form.languages,
        "external_ref": ref,
        "alternatives": alternatives,
    }
    return payload, positions


def _draft_field_name(positions: list[int]) -> Callable[[tuple[Any, ...]], str]:
    def name_of(loc: tuple[Any, ...]) -> str:
        if not loc:
            return "_form"
        head = str(loc[0])
        if head == "external_ref":
            return f"ext_{loc[1]}" if len(loc) > 1 else "ext_case_id"
        if head == "alternatives":
            if len(loc) > 2 and isinstance(loc[1], int) and loc[1] < len(positions):
                return f"alt-{positions[loc[1]]}-{loc[2]}"
            return "alternatives"
        return head

    return name_of


def draft_create(form: DraftForm) -> DraftCreate:
    """The create body, or FormInvalid with a message per field."""
    payload, positions = _payload(form)
    payload["organisation_id"] = form.organisation_id or None
    try:
        return DraftCreate.model_validate(payload)
    except ValidationError as exc:
        raise FormInvalid(field_errors(exc, _draft_field_name(positions))) from exc


def draft_update(form: DraftForm) -> DraftUpdate:
    """The full-state update body (every field sent, so clearing a field clears it)."""
    payload, positions = _payload(form)
    try:
        return DraftUpdate.model_validate(payload)
    except ValidationError as exc:
        raise FormInvalid(field_errors(exc, _draft_field_name(positions))) from exc
