"""Screening a draft: choose a screening template, answer it, see the outcome, give the reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import ValidationError

from app.assessments import screening as screening_service
from app.assessments.models import ScreeningOutcome
from app.assessments.schemas import ScreeningIn
from app.core.errors import NotFound, Unprocessable
from app.drafts import service as drafts
from app.templates import service as templates
from app.templates.definition import TemplateDefinition
from app.templates.models import AssessmentTemplate, TemplateStatus
from app.web.access import may_edit
from app.web.draft_pages import FORM_ERRORS, flash, service_errors
from app.web.errors import WebRoute, abandon
from app.web.forms import Errors, FieldError, field_errors, form_int, form_text
from app.web.rendering import redirect, render, translator
from app.web.session import PostedForm, Web, WebContext, require_csrf
from app.web.template_view import (
    Outcome,
    answer_keys,
    applicable_answers,
    outcome_of,
    questions,
    rule_reason,
    template_description,
    template_name,
)

router = APIRouter(include_in_schema=False, route_class=WebRoute)
OUTCOMES = [o.value for o in ScreeningOutcome]


@dataclass
class ScreeningForm:
    template_id: str
    version: int
    answers: dict[str, str] = field(default_factory=dict)
    outcome: str = ""
    reason: str = ""


def _options(web: WebContext) -> list[AssessmentTemplate]:
    return list(
        templates.list_templates(
            web.session,
            principal=web.principal,
            kind="screening",
            status=TemplateStatus.published,
            key=None,
        )
    )


def _existing(web: WebContext, draft_id: str) -> screening_service.ScreeningResult | None:
    try:
        return screening_service.get_screening(
            web.session, principal=web.principal, draft_id=draft_id
        )
    except NotFound:
        return None


def _first_form(
    existing: screening_service.ScreeningResult | None, chosen: AssessmentTemplate, version: int
) -> ScreeningForm:
    if existing is None or existing.screening.template_id != chosen.id:
        return ScreeningForm(chosen.id, version)
    s = existing.screening
    override = s.outcome.value if s.outcome != s.computed_outcome else ""
    return ScreeningForm(chosen.id, version, dict(s.answers), override, s.reason)


def screening_page(
    web: WebContext,
    draft_id: str,
    *,
    wanted: str | None = None,
    form: ScreeningForm | None = None,
    errors: Errors | None = None,
    preview: Outcome | None = None,
    status: int = 200,
) -> Response:
    """The screening result so far, and the questionnaire to record (or redo) it."""
    draft = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id).draft
    existing = _existing(web, draft_id)
    options = _options(web)
    preferred = (
        wanted
        or (form.template_id if form else None)
        or (existing.screening.template_id if existing else None)
    )
    chosen = next((o for o in options if o.id == preferred), options[0] if options else None)
    definition = templates.definition_of(chosen) if chosen else None
    if form is None and chosen is not None:
        form = _first_form(existing, chosen, draft.version)
    context = {
        "draft": draft,
        "existing": existing,
        **(_existing_context(web, existing) if existing else {}),
        "options": [(o.id, _name(o, web.lang)) for o in options],
        "chosen": chosen,
        **_questionnaire(definition, web.lang),
        "form": form,
        "errors": errors or {},
        "preview": preview,
        "outcomes": OUTCOMES,
        "can_screen": may_edit(web.session, web.principal, draft, "screening"),
        "msg": flash(web.request.query_params.get("msg")),
        "nav": "drafts",
        "tab": "screening",
    }
    return render(
        web.request,
        "web/screening.html.j2",
        context,
        status=status,
        page_url=f"/drafts/{draft_id}/screening",
    )


def _questionnaire(definition: TemplateDefinition | None, lang: str) -> dict[str, Any]:
    """The questions, and the names the error summary gives each answer field."""
    if definition is None:
        return {"description": "", "questions": [], "names": {}}
    t = translator(lang)
    shown = questions(definition, lang, t)
    names = {f"answer-{q.key}": t("screening.question_n", n=q.number) for q in shown}
    names |= {"reason": t("screening.reason"), "outcome": t("screening.outcome_choice")}
    return {
        "description": template_description(definition, lang),
        "questions": shown,
        "names": names,
    }


def _name(template: AssessmentTemplate, lang: str) -> str:
    return f"{template_name(templates.definition_of(template), lang)} (v{template.version})"


def _existing_context(
    web: WebContext, existing: screening_service.ScreeningResult
) -> dict[str, Any]:
    template = templates.visible_template(
        web.session, principal=web.principal, template_id=existing.screening.template_id
    )
    definition = templates.definition_of(template)
    return {
        "existing_name": _name(template, web.lang),
        "rule_reason": rule_reason(definition, existing.matched_rule, web.lang),
        "suggestion_names": [_name(t, web.lang) for t in existing.suggestions],
    }


@router.get("/drafts/{draft_id}/screening")
def show_screening(
    draft_id: str, web: Web, template: str | None = Query(default=None, max_length=36)
) -> Response:
    """The screening page (?template= picks another screening template)."""
    return screening_page(web, draft_id, wanted=template)


def _posted(
    web: WebContext, posted: PostedForm
) -> tuple[ScreeningForm, Errors, TemplateDefinition | None]:
    """The form as posted, the answers' problems, and the chosen template's definition."""
    form = ScreeningForm(
        form_text(posted, "template_id"),
        form_int(posted, "version"),
        outcome=form_text(posted, "outcome"),
        reason=form_text(posted, "reason"),
    )
    chosen = next((o for o in _options(web) if o.id == form.template_id), None)
    if chosen is None:
        return form, {"_form": [FieldError("template")]}, None
    definition = templates.definition_of(chosen)
    errors: Errors = {}
    for key, accepted in answer_keys(definition).items():
        answer = form_text(posted, f"answer-{key}")
        if answer in accepted:
            form.answers[key] = answer
        elif answer:
            errors[f"answer-{key}"] = [FieldError("choice")]
    for key in definition.unanswered(form.answers) if definition.screening else []:
        errors.setdefault(f"answer-{key}", [FieldError("answer")])
    form.answers = applicable_answers(definition, form.answers)
    return form, errors, definition


def _screening_in(form: ScreeningForm) -> ScreeningIn:
    payload = {
        "template_id": form.template_id,
        "answers": form.answers,
        "outcome": form.outcome or None,
        "reason": form.reason,
    }
    try:
        return ScreeningIn.model_validate(payload)
    except ValidationError as exc:
        raise _Invalid(field_errors(exc, lambda loc: str(loc[0]) if loc else "_form")) from exc


class _Invalid(Exception):
    def __init__(self, errors: Errors) -> None:
        super().__init__("invalid screening form")
        self.errors = errors


def _answer_errors(details: Any) -> Errors:
    errors: Errors = {}
    for item in details if isinstance(details, list) else []:
        if isinstance(item, dict) and item.get("question"):
            errors.setdefault(f"answer-{item['question']}", []).append(FieldError("answer"))
    return errors


@router.post("/drafts/{draft_id}/screening")
def save_screening(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Preview the computed outcome, or record the screening with its reason."""
    require_csrf(web, posted)
    form, errors, definition = _posted(web, posted)
    if form_text(posted, "action") == "preview" and definition is not None and not errors:
        preview = outcome_of(definition, form.answers, web.lang)
        return screening_page(web, draft_id, form=form, preview=preview)
    try:
        data = _screening_in(form)
    except _Invalid as exc:
        errors = errors | exc.errors
    if errors:
        return screening_page(web, draft_id, form=form, errors=errors, status=422)
    try:
        screening_service.record_screening(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            expected_version=form.version,
            data=data,
        )
    except Unprocessable as exc:
        abandon(web.session, exc)
        found = _answer_errors(exc.details) or service_errors(exc)
        return screening_page(web, draft_id, form=form, errors=found, status=exc.status)
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        return screening_page(
            web, draft_id, form=form, errors=service_errors(exc), status=exc.status
        )
    return redirect(f"/drafts/{draft_id}/screening?msg=screened")
