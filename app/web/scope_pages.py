"""Scoping and bulk scoring in the web UI: forms over the same services as the API."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.assessments import bulk, scoping
from app.assessments.schemas import CellsBulk, ScopeWrite
from app.core.errors import AppError, NotFound, Unprocessable
from app.drafts import service as drafts
from app.templates import service as templates
from app.web.assessment_pages import assessment_page, back_to, bulk_state
from app.web.draft_pages import FORM_ERRORS, service_errors
from app.web.errors import WebRoute, abandon
from app.web.form_stash import forget_kept, kept_form_of
from app.web.forms import Errors, FieldError, error_list, form_text
from app.web.matrix import CANNOT_ASSESS, labels_for
from app.web.matrix_view import current_area
from app.web.rendering import redirect, render, translator
from app.web.session import PostedForm, Web, WebContext, require_csrf

router = APIRouter(include_in_schema=False, route_class=WebRoute)


def _scope_page(
    web: WebContext,
    draft_id: str,
    *,
    areas: set[str] | None = None,
    groups: set[str] | None = None,
    reason: str | None = None,
    errors: Errors | None = None,
    status: int = 200,
    msg: str | None = None,
) -> Response:
    state = scoping.get_scope(web.session, principal=web.principal, draft_id=draft_id)
    view = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id)
    definition = templates.definition_of(state.view.template)
    labels = labels_for(definition, view.alternatives, web.lang, translator(web.lang))
    if areas is None:
        areas = set(state.areas if state.scope.is_set else state.suggested_areas)
    if groups is None:
        groups = set(state.groups if state.scope.is_set else state.suggested_groups)
    shape = state.view.shape
    context: dict[str, Any] = {
        "draft": view.draft,
        "nav": "drafts",
        "tab": "assessment",
        "errors": errors or {},
        "screening": state.screening,
        "areas": [(a, labels.areas[a], a in areas) for a in shape.areas],
        "groups": [(g, labels.groups[g], g in groups) for g in state.columns],
        "reason": state.scope.reason if reason is None else reason,
        "scope_set": state.scope.is_set,
        "suggested_from": state.suggested_from,
        "mandatory": state.mandatory_cells,
        "size": shape.size(),
        "version": state.view.assessment.version,
        "msg": msg,
    }
    return render(
        web.request,
        "web/scope.html.j2",
        context,
        status=status,
        page_url=f"/drafts/{draft_id}/assessment/scope",
    )


@router.get("/drafts/{draft_id}/assessment/scope")
def show_scope(draft_id: str, web: Web) -> Response:
    """Choose the impact areas and population groups relevant for this decision; after a
    sign-in, with the choices posted when the session lapsed (not saved until saved)."""
    kept = kept_form_of(web, (f"/drafts/{draft_id}/assessment/scope",))
    if kept is None:
        return _scope_page(web, draft_id)
    posted = kept[1]
    response = _scope_page(
        web,
        draft_id,
        areas=_chosen(posted, "area"),
        groups=_chosen(posted, "group"),
        reason=form_text(posted, "reason"),
        msg="restored",
    )
    forget_kept(web.request, response)
    return response


def _chosen(posted: FormData, name: str) -> set[str]:
    return {v for v in posted.getlist(name) if isinstance(v, str) and v}


@router.post("/drafts/{draft_id}/assessment/scope")
def save_scope(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Save the scope, or (action none/all) show the form again with every box (un)ticked."""
    require_csrf(web, posted)
    action = form_text(posted, "action")
    reason = form_text(posted, "reason")
    areas, groups = _chosen(posted, "area"), _chosen(posted, "group")
    if action in ("none", "all"):
        state = scoping.get_scope(web.session, principal=web.principal, draft_id=draft_id)
        every = action == "all"
        return _scope_page(
            web,
            draft_id,
            areas=set(state.view.shape.areas) if every else set(),
            groups=set(state.columns) if every else set(),
            reason=reason,
        )
    errors: Errors = {}
    if not areas:
        errors["area"] = [FieldError("choose_one")]
    if not groups:
        errors["group"] = [FieldError("choose_one")]
    try:
        data = ScopeWrite(areas=sorted(areas) or None, groups=sorted(groups) or None, reason=reason)
    except ValidationError as exc:
        errors["reason"] = error_list(exc)
    if errors:
        return _scope_page(
            web, draft_id, areas=areas, groups=groups, reason=reason, errors=errors, status=422
        )
    try:
        scoping.set_scope(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            expected_version=int(form_text(posted, "version") or 0),
            data=data,
        )
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        return _scope_page(
            web,
            draft_id,
            areas=areas,
            groups=groups,
            reason=reason,
            errors=_scope_errors(exc),
            status=exc.status,
        )
    return redirect(f"/drafts/{draft_id}/assessment?msg=scope_saved")


def _scope_errors(exc: AppError) -> Errors:
    """The service's refusal; a missing reason is shown at the reason field."""
    details = exc.details if isinstance(exc.details, list) else []
    if any(isinstance(d, dict) and d.get("field") == "reason" for d in details):
        return {"reason": [FieldError("scope_reason")]}
    return service_errors(exc)


def _selection(target: str, alternative: str, area: str) -> dict[str, Any]:
    """The API selection a bulk target of the editor stands for."""
    selection: dict[str, Any] = {"alternative": alternative}
    kind, _, key = target.partition(":")
    if kind == "remaining":
        return selection | {"only_missing": True}
    selection["areas"] = [area]
    if kind == "remaining_area":
        selection["only_missing"] = True
    elif kind == "group":
        selection["groups"] = [key]
    elif kind == "gender":
        selection["genders"] = [key]
    elif kind != "area":
        raise Unprocessable("Choose which cells to fill", details=[{"field": "target"}])
    return selection


def _bulk_body(posted: FormData, alternative: str, area: str) -> dict[str, Any]:
    operation = form_text(posted, "operation")
    body: dict[str, Any] = {"operation": operation}
    if operation == "copy":
        body["from_alternative"] = form_text(posted, "from_alternative")
        scope = "area" if form_text(posted, "copy_scope") == "area" else "remaining_all"
        body["selection"] = {"alternative": alternative}
        if scope == "area":
            body["selection"]["areas"] = [area]
        return body
    body["selection"] = _selection(form_text(posted, "target"), alternative, area)
    if operation == "set":
        chosen = form_text(posted, "value")
        if chosen == CANNOT_ASSESS:
            body["cannot_assess"] = True
        elif chosen.lstrip("-").isdigit():
            body["value"] = int(chosen)
        body["justification"] = form_text(posted, "justification").replace("\r\n", "\n")
    return body


@router.post("/drafts/{draft_id}/assessment/bulk")
def save_bulk(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Set a value for many cells, copy another alternative's cells, or clear cells."""
    require_csrf(web, posted)
    state = bulk_state(posted)
    av = scoping.get_scope(web.session, principal=web.principal, draft_id=draft_id).view
    alternative = state.alternative or av.shape.alternatives[0]
    area = current_area(av, state.area)
    try:
        data = CellsBulk.model_validate(_bulk_body(posted, alternative, area))
    except (ValidationError, Unprocessable):
        found: Errors = {"_form": [FieldError("bulk_incomplete")]}
        return assessment_page(web, draft_id, replace(state, errors=found), 422)
    try:
        _assessment, count = bulk.write_bulk(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            expected_version=state.version or 0,
            data=data,
        )
    except (*FORM_ERRORS, NotFound) as exc:
        abandon(web.session, exc)
        return assessment_page(
            web, draft_id, replace(state, errors=service_errors(exc)), exc.status
        )
    return redirect(back_to(draft_id, state, "bulk_saved" if count else "bulk_nothing"))
