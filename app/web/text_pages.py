"""The assessment's texts in the web UI: mitigation, alternatives compared, participation and
statements, data sources and follow-up indicators, saved with the same service as the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app.assessments import service as assessments
from app.core.errors import AppError, PreconditionFailed
from app.drafts import service as drafts
from app.web.access import may_edit
from app.web.draft_pages import FORM_ERRORS, service_errors
from app.web.errors import WebRoute, abandon
from app.web.form_stash import forget_kept, kept_form_of
from app.web.forms import Errors, FieldError, FormInvalid, form_text
from app.web.rendering import redirect, render, translator
from app.web.session import PostedForm, Web, WebContext, require_csrf
from app.web.text_forms import (
    KIND_OF,
    ROW_KINDS,
    TextsForm,
    field_names,
    posted_texts_form,
    recommended_error,
    texts_body,
    texts_form_of,
)

router = APIRouter(include_in_schema=False, route_class=WebRoute)


def _texts_page(
    web: WebContext,
    draft_id: str,
    form: TextsForm | None = None,
    errors: Errors | None = None,
    status: int = 200,
    msg: str | None = None,
) -> Response:
    av = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft_id)
    view = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id)
    form = form or texts_form_of(av.assessment)
    errors = errors or {}
    context: dict[str, Any] = {
        "draft": view.draft,
        "nav": "drafts",
        "tab": "assessment",
        "form": form,
        "kinds": ROW_KINDS,
        "errors": errors,
        "names": field_names(form, translator(web.lang)),
        "alternatives": [(a.key, a.name) for a in view.alternatives],
        "can_edit": may_edit(web.session, web.principal, view.draft, "texts"),
        "msg": msg
        or ("texts_saved" if web.request.query_params.get("msg") == "texts_saved" else None),
    }
    return render(
        web.request,
        "web/texts.html.j2",
        context,
        status=status,
        page_url=f"/drafts/{draft_id}/assessment/texts",
    )


@router.get("/drafts/{draft_id}/assessment/texts")
def show_texts(draft_id: str, web: Web) -> Response:
    """The parts of the assessment outside the matrix; after a sign-in, with the values of
    the form posted when the session lapsed (not saved until the person saves them)."""
    path = f"/drafts/{draft_id}/assessment/texts"
    kept = kept_form_of(web, (path,))
    if kept is None:
        return _texts_page(web, draft_id)
    response = _texts_page(web, draft_id, posted_texts_form(kept[1]), msg="restored")
    forget_kept(web.request, response)
    return response


def _conflict(exc: PreconditionFailed, form: TextsForm) -> Errors:
    """Someone saved in between: say who, keep what was typed, offer their version to save over."""
    details = exc.details if isinstance(exc.details, dict) else {}
    current = details.get("current_version")
    if isinstance(current, int):
        form.version = current
    who = details.get("changed_by") or "–"
    return {"_form": [FieldError("texts_conflict", {"who": who})]}


def _service_errors(exc: AppError) -> Errors:
    details = exc.details if isinstance(exc.details, list) else []
    if any(isinstance(d, dict) and d.get("field") == "recommended_alternative" for d in details):
        return recommended_error()
    return service_errors(exc)


@router.post("/drafts/{draft_id}/assessment/texts")
def save_texts(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Save the texts, or (add-…) show the form again with one more empty row in a list."""
    require_csrf(web, posted)
    form = posted_texts_form(posted)
    action = form_text(posted, "action")
    if action.startswith("add-") and action[4:] in KIND_OF:
        form.add_blank_row(KIND_OF[action[4:]])
        return _texts_page(web, draft_id, form)
    try:
        body = texts_body(form)
    except FormInvalid as exc:
        return _texts_page(web, draft_id, form, exc.errors, 422)
    try:
        assessments.update_texts(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            expected_version=form.version,
            data=body,
        )
    except PreconditionFailed as exc:
        abandon(web.session, exc)
        return _texts_page(web, draft_id, form, _conflict(exc, form), exc.status)
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        return _texts_page(web, draft_id, form, _service_errors(exc), exc.status)
    return redirect(f"/drafts/{draft_id}/assessment/texts?msg=texts_saved")
