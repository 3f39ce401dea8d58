"""The assessment: start it on a matrix template, then the matrix editor and its summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.assessments import screening as screening_service
from app.assessments import service as assessments
from app.assessments.models import ScreeningOutcome
from app.auth.permissions import WRITE_DRAFTS
from app.core.errors import NotFound, Unauthorized, Unprocessable
from app.drafts import service as drafts
from app.drafts.service import DraftView
from app.reviews import comments
from app.templates import service as templates
from app.templates.models import TemplateStatus
from app.web.access import may_edit
from app.web.draft_pages import FORM_ERRORS, flash, service_errors
from app.web.errors import WebRoute, abandon
from app.web.form_stash import forget_kept, keep_for_sign_in, kept_form_of
from app.web.forms import Errors, form_int, form_text
from app.web.matrix import CellKey, cell_writes, labels_for, posted_overrides
from app.web.matrix import problem_errors as cell_problem_errors
from app.web.matrix_view import build_matrix, cell_id, page_url
from app.web.my_scope import my_scope
from app.web.rendering import redirect, render, translator, url_with
from app.web.screening_pages import router as screening_router
from app.web.session import (
    PostedForm,
    Security,
    Web,
    WebContext,
    WebDb,
    current_web_context,
    require_csrf,
)
from app.web.summary import summary_view
from app.web.template_view import template_name

router = APIRouter(include_in_schema=False, route_class=WebRoute)
router.include_router(screening_router)


def _assessment(web: WebContext, draft_id: str) -> assessments.AssessmentView | None:
    try:
        return assessments.get_assessment(web.session, principal=web.principal, draft_id=draft_id)
    except NotFound:
        return None


def _start_context(web: WebContext, view: DraftView) -> dict[str, object]:
    """What the start form needs: the screening, and the templates (suggested ones first)."""
    try:
        screening = screening_service.get_screening(
            web.session, principal=web.principal, draft_id=view.draft.id
        )
    except NotFound:
        screening = None
    suggested = [t.id for t in screening.suggestions] if screening else []
    available = templates.list_templates(
        web.session,
        principal=web.principal,
        kind="matrix",
        status=TemplateStatus.published,
        key=None,
    )
    ordered = sorted(available, key=lambda t: (t.id not in suggested, t.name, t.version))
    return {
        "screening": screening,
        "needed": screening is not None
        and screening.screening.outcome is not ScreeningOutcome.not_needed,
        "template_options": [
            (
                t.id,
                template_name(templates.definition_of(t), web.lang),
                t.version,
                t.id in suggested,
            )
            for t in ordered
        ],
        "can_start": web.principal.may(view.draft.organisation_id, WRITE_DRAFTS),
    }


@dataclass(frozen=True)
class MatrixState:
    """What the matrix form showed or was sent: the page, the version, the inputs."""

    alternative: str | None = None
    area: str | None = None
    show: str = "all"
    version: int | None = None
    overrides: Mapping[CellKey, tuple[str, str]] = field(default_factory=dict)
    errors: Errors = field(default_factory=dict)
    # what a bulk form was sent with, shown again (refused, or kept over a lapsed session)
    bulk: Mapping[str, str] = field(default_factory=dict)


BULK_FIELDS = ("target", "value", "justification", "from_alternative", "copy_scope")


def bulk_state(posted: PostedForm) -> MatrixState:
    """The page a bulk form was posted from, with the values it was sent with."""
    return replace(
        page_state(posted),
        bulk={name: form_text(posted, name) for name in BULK_FIELDS if form_text(posted, name)},
    )


def _commented(web: WebContext, draft_id: str) -> set[CellKey]:
    """Cells with an open comment thread."""
    found = set()
    for c in comments.list_comments(
        web.session, principal=web.principal, draft_id=draft_id, only_open=True
    ):
        a = c.anchor
        if all(a.get(k) for k in ("alternative", "area", "group", "gender")):
            found.add((a["alternative"], a["area"], a["group"], a["gender"]))
    return found


def matrix_context(
    web: WebContext, view: DraftView, av: assessments.AssessmentView, state: MatrixState
) -> dict[str, object]:
    definition = templates.definition_of(av.template)
    t = translator(web.lang)
    labels = labels_for(definition, view.alternatives, web.lang, t)
    summary = assessments.summary_of(av)
    draft_id = view.draft.id
    matrix = build_matrix(
        draft_id,
        av,
        labels,
        summary,
        t,
        alternative=state.alternative,
        area=state.area,
        show=state.show,
        commented=_commented(web, draft_id),
        mine=my_scope(web.session, web.principal, view.draft, av) if state.show == "mine" else None,
        overrides=state.overrides,
        errors=state.errors,
    )
    women = labels.genders.get(av.shape.women or "", "")
    men = labels.genders.get(av.shape.men or "", "")

    def href(key: CellKey) -> str:
        """A missing justification: its box on the cell's page."""
        return f"{page_url(draft_id, key[0], key[1])}#{cell_id(av.shape, key)}-j"

    return {
        "assessment": av.assessment,
        "template_name": template_name(definition, web.lang),
        "template_version": av.template.version,
        "matrix": matrix,
        "summary": summary_view(summary, labels, href, women, men),
        "version": av.assessment.version if state.version is None else state.version,
        "can_score": may_edit(web.session, web.principal, view.draft, "cells"),
        "bulk": state.bulk,
    }


def assessment_page(
    web: WebContext,
    draft_id: str,
    state: MatrixState | None = None,
    status: int = 200,
    msg: str | None = None,
) -> Response:
    """The start form, or the matrix editor with the summary on the same page."""
    state = state or MatrixState()
    view = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id)
    av = _assessment(web, draft_id)
    context: dict[str, object] = {
        "draft": view.draft,
        "errors": state.errors,
        "msg": msg or flash(web.request.query_params.get("msg")),
        "nav": "drafts",
        "tab": "assessment",
        "started": av is not None,
    }
    if av is None:
        context |= _start_context(web, view)
    else:
        context |= matrix_context(web, view, av, state)
    url = url_with(
        f"/drafts/{draft_id}/assessment",
        alternative=state.alternative,
        area=state.area,
        show=None if state.show == "all" else state.show,
    )
    return render(web.request, "web/assessment.html.j2", context, status=status, page_url=url)


@router.get("/drafts/{draft_id}/assessment")
def show_assessment(
    draft_id: str,
    web: Web,
    alternative: Annotated[str | None, Query(max_length=40)] = None,
    area: Annotated[str | None, Query(max_length=80)] = None,
    show: Annotated[str, Query(max_length=20)] = "all",
) -> Response:
    """The matrix editor of one alternative and one area, and the summary of all; after a
    sign-in, with the values of the form posted when the session lapsed."""
    page = f"/drafts/{draft_id}/assessment"
    found = kept_form_of(web, (page, f"{page}/bulk"))
    if found is None:
        return assessment_page(web, draft_id, MatrixState(alternative, area, show))
    path, kept = found
    if path == page:
        av = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft_id)
        state = replace(page_state(kept), overrides=posted_overrides(av.shape, kept))
    else:
        state = bulk_state(kept)
    response = assessment_page(web, draft_id, state, msg="restored")
    forget_kept(web.request, response)
    return response


@router.post("/drafts/{draft_id}/assessment/start")
def start_assessment(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Start the assessment on the chosen matrix template."""
    require_csrf(web, posted)
    try:
        assessments.start_assessment(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            template_id=form_text(posted, "template_id"),
        )
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        return assessment_page(web, draft_id, MatrixState(errors=service_errors(exc)), exc.status)
    return redirect(f"/drafts/{draft_id}/assessment?msg=started")


def page_state(posted: PostedForm) -> MatrixState:
    """The page a matrix form was posted from."""
    return MatrixState(
        form_text(posted, "alternative") or None,
        form_text(posted, "area") or None,
        form_text(posted, "show") or "all",
        form_int(posted, "version"),
    )


def back_to(draft_id: str, state: MatrixState, message: str) -> str:
    return url_with(
        f"/drafts/{draft_id}/assessment",
        alternative=state.alternative,
        area=state.area,
        show=None if state.show == "all" else state.show,
        msg=message,
    )


@router.post("/drafts/{draft_id}/assessment")
def save_cells(
    draft_id: str, request: Request, session: WebDb, ctx: Security, posted: PostedForm
) -> Response:
    """Save every changed cell in one write, guarded by the version the form showed; a form
    posted after the session lapsed is kept for after the sign-in."""
    try:
        web = current_web_context(request, session, ctx)
    except Unauthorized:
        return keep_for_sign_in(request, session, ctx, posted)
    require_csrf(web, posted)
    av = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft_id)
    state = replace(page_state(posted), overrides=posted_overrides(av.shape, posted))
    writes, errors = cell_writes(av, state.overrides)
    if errors:
        return assessment_page(web, draft_id, replace(state, errors=errors), 422)
    if not writes:
        return redirect(back_to(draft_id, state, "cells_unchanged"))
    try:
        assessments.write_cells(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            expected_version=state.version or 0,
            writes=writes,
        )
    except Unprocessable as exc:
        abandon(web.session, exc)
        found = cell_problem_errors(exc.details, writes) or service_errors(exc)
        return assessment_page(web, draft_id, replace(state, errors=found), 422)
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        return assessment_page(
            web, draft_id, replace(state, errors=service_errors(exc)), exc.status
        )
    return redirect(back_to(draft_id, state, "cells_saved"))
