"""One cell on a page of its own: the score and justification with the fields the compact
editor leaves out (time horizon, certainty, evidence, mitigation), saved as one cell write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.assessments import service as assessments
from app.assessments.schemas import CellWrite
from app.core.errors import NotFound, PreconditionFailed, Unprocessable
from app.drafts import service as drafts
from app.templates import service as templates
from app.web.access import may_edit
from app.web.draft_pages import FORM_ERRORS, service_errors
from app.web.errors import WebRoute, abandon
from app.web.form_stash import forget_kept, kept_form_of
from app.web.forms import Errors, FieldError, field_errors, form_int, form_text
from app.web.matrix import CANNOT_ASSESS, CellKey, labels_for, selected_of
from app.web.matrix_view import cell_id, page_url
from app.web.rendering import redirect, render, translator, url_with
from app.web.session import PostedForm, Web, WebContext, require_csrf

router = APIRouter(include_in_schema=False, route_class=WebRoute)
FIELDS = ("value", "justification", "horizon", "certainty", "evidence", "mitigation")
Part = Annotated[str, Query(max_length=80)]


@dataclass
class CellForm:
    key: CellKey
    values: dict[str, str]
    version: int


def _key(view: assessments.AssessmentView, key: CellKey) -> CellKey:
    if key not in set(view.shape.cell_keys()):
        raise NotFound("Cell not found")
    return key


def _stored_form(view: assessments.AssessmentView, key: CellKey) -> CellForm:
    stored = next((c for c in view.cells if (c.alternative, c.area, c.grp, c.gender) == key), None)
    values = {
        "value": selected_of(stored),
        "justification": stored.justification if stored else "",
        "horizon": (stored.horizon or "") if stored else "",
        "certainty": (stored.certainty or "") if stored else "",
        "evidence": stored.evidence if stored else "",
        "mitigation": stored.mitigation if stored else "",
    }
    return CellForm(key, values, view.assessment.version)


def _cell_page(
    web: WebContext,
    draft_id: str,
    form: CellForm | None,
    key: CellKey,
    errors: Errors | None = None,
    status: int = 200,
    msg: str | None = None,
) -> Response:
    view = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft_id)
    draft = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id)
    key = _key(view, key)
    form = form or _stored_form(view, key)
    definition = templates.definition_of(view.template)
    t = translator(web.lang)
    labels = labels_for(definition, draft.alternatives, web.lang, t)
    shape = view.shape
    context: dict[str, Any] = {
        "draft": draft.draft,
        "nav": "drafts",
        "tab": "assessment",
        "form": form,
        "errors": errors or {},
        "cell_label": labels.cell(key),
        "options": labels.options,
        "horizons": [(h.key, h.name.text(web.lang)) for h in definition.horizons],
        "certainties": [
            (c.key, c.name.text(web.lang))
            for c in definition.certainty_levels
            if c.key in shape.certainties
        ],
        "fields": definition.cell_fields,
        "in_scope": view.scope.covers(key[1], key[2]),
        "can_edit": may_edit(web.session, web.principal, draft.draft, "cells"),
        "back": f"{page_url(draft_id, key[0], key[1])}#{cell_id(shape, key)}",
        "msg": msg
        or ("cell_saved" if web.request.query_params.get("msg") == "cell_saved" else None),
        "names": {name: t(f"cell.{name}") for name in FIELDS},
    }
    return render(web.request, "web/cell.html.j2", context, status=status)


@router.get("/drafts/{draft_id}/assessment/cell")
def show_cell(
    draft_id: str, web: Web, alternative: Part, area: Part, group: Part, gender: Part
) -> Response:
    """One cell with every field the template asks for; after a sign-in, with the values
    posted when the session lapsed (not saved until saved)."""
    key = (alternative, area, group, gender)
    kept = kept_form_of(web, (f"/drafts/{draft_id}/assessment/cell",))
    form = _posted(kept[1]) if kept is not None else None
    if form is None or form.key != key:
        return _cell_page(web, draft_id, None, key)
    response = _cell_page(web, draft_id, form, key, msg="restored")
    forget_kept(web.request, response)
    return response


def _posted(posted: FormData) -> CellForm:
    key = tuple(form_text(posted, k) for k in ("alternative", "area", "group", "gender"))
    values = {name: form_text(posted, name).replace("\r\n", "\n") for name in FIELDS}
    return CellForm((key[0], key[1], key[2], key[3]), values, form_int(posted, "version"))


def _write(form: CellForm) -> CellWrite:
    v = form.values
    state: dict[str, Any] = {"clear": True}
    if v["value"] == CANNOT_ASSESS:
        state = {"cannot_assess": True}
    elif v["value"].lstrip("-").isdigit() and len(v["value"]) < 4:
        state = {"value": int(v["value"])}
    elif v["value"]:
        state = {"value": v["value"]}  # reported as not a choice
    alternative, area, group, gender = form.key
    return CellWrite.model_validate(
        {
            "alternative": alternative,
            "area": area,
            "group": group,
            "gender": gender,
            "justification": v["justification"],
            "horizon": v["horizon"] or None,
            "certainty": v["certainty"] or None,
            "evidence": v["evidence"],
            "mitigation": v["mitigation"],
            **state,
        }
    )


def _field_of(loc: tuple[Any, ...]) -> str:
    head = str(loc[0]) if loc else ""
    return head if head in FIELDS else "value"


def _problem_errors(exc: Unprocessable) -> Errors:
    """The service's reason the cell does not fit, in the page's words at its field."""
    details = exc.details if isinstance(exc.details, list) else []
    errors: Errors = {}
    for item in details:
        field = item.get("field") if isinstance(item, dict) else None
        if field in ("value", "horizon", "certainty"):
            errors.setdefault(str(field), []).append(FieldError("choice"))
        elif field == "scope":
            errors.setdefault("value", []).append(FieldError("cell_scoped_out"))
    return errors or service_errors(exc)


@router.post("/drafts/{draft_id}/assessment/cell")
def save_cell(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Save the cell on the version the page showed; a conflict keeps what was typed."""
    require_csrf(web, posted)
    form = _posted(posted)
    try:
        write = _write(form)
    except ValidationError as exc:
        return _cell_page(web, draft_id, form, form.key, field_errors(exc, _field_of), 422)
    try:
        assessments.write_cells(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            expected_version=form.version,
            writes=[write],
        )
    except PreconditionFailed as exc:
        abandon(web.session, exc)
        details = exc.details if isinstance(exc.details, dict) else {}
        if isinstance(details.get("current_version"), int):
            form.version = details["current_version"]
        who = details.get("changed_by") or "–"
        found: Errors = {"_form": [FieldError("cell_conflict", {"who": who})]}
        return _cell_page(web, draft_id, form, form.key, found, exc.status)
    except Unprocessable as exc:
        abandon(web.session, exc)
        return _cell_page(web, draft_id, form, form.key, _problem_errors(exc), 422)
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        return _cell_page(web, draft_id, form, form.key, service_errors(exc), exc.status)
    alternative, area, group, gender = form.key
    return redirect(
        url_with(
            f"/drafts/{draft_id}/assessment/cell",
            alternative=alternative,
            area=area,
            group=group,
            gender=gender,
            msg="cell_saved",
        )
    )
