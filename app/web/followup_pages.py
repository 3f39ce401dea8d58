"""The follow-up pages: a decided draft's plan and post-decision review, an organisation's
follow-ups with the due ones first, and its indicator catalogue with a CSV upload. The same
services as the follow-up API; every form works without script."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from app.core.errors import AppError, InvalidState, NotFound, PreconditionFailed, Unprocessable
from app.core.i18n import translate
from app.drafts import service as drafts
from app.followups import catalogue, service
from app.followups.models import Verdict
from app.followups.schemas import FollowUpPlan, FollowUpRecord
from app.web.draft_pages import service_errors
from app.web.errors import WebRoute, abandon
from app.web.forms import Errors, FieldError, form_text
from app.web.rendering import redirect, render, url_with
from app.web.session import PostedForm, Web, WebContext, require_csrf

router = APIRouter(include_in_schema=False, route_class=WebRoute)
MESSAGES = frozenset({"planned", "recorded", "imported"})
MAX_UPLOAD = catalogue.MAX_BYTES


def follow_text(lang: str) -> Callable[..., str]:
    """The strings of the follow-up pages (app/locales/*/followups.json)."""

    def ft(key: str, **params: object) -> str:
        return translate(lang, "followups." + key, **params)

    return ft


def _message(web: WebContext) -> str | None:
    msg = web.request.query_params.get("msg")
    return msg if msg in MESSAGES else None


def _draft_page(
    web: WebContext,
    draft_id: str,
    *,
    errors: Errors | None = None,
    conflict_by: str | None = None,
    status: int = 200,
) -> Response:
    draft = drafts.visible_draft(web.session, principal=web.principal, draft_id=draft_id)
    try:
        view: service.View | None = service.get(
            web.session, principal=web.principal, draft_id=draft_id
        )
    except NotFound:
        view = None
    entries = catalogue.entries(
        web.session, principal=web.principal, organisation_id=draft.organisation_id
    )
    sources = service.indicators_of(web.session, draft)
    stored = {i.position: i for i in view.indicators} if view else {}
    context: dict[str, Any] = {
        "plan_rows": [(n, source, stored.get(n)) for n, source in enumerate(sources)],
        "draft": draft,
        "view": view,
        "sources": sources,
        "plannable": draft.status in service.DECIDED_STATES,
        "catalogue": entries,
        "verdicts": [v.value for v in Verdict],
        "today": service.today(),
        "ft": follow_text(web.lang),
        "errors": errors or {},
        "conflict_by": conflict_by,
        "msg": _message(web) if not errors and not conflict_by else None,
        "nav": "drafts",
        "tab": "followup",
    }
    return render(web.request, "web/followup.html.j2", context, status=status)


@router.get("/drafts/{draft_id}/followup")
def show_followup(draft_id: str, web: Web) -> Response:
    """The plan and the post-decision review of a decided draft."""
    return _draft_page(web, draft_id)


def _version(form: FormData) -> int | None:
    text = form_text(form, "version").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _refused(web: WebContext, draft_id: str, exc: AppError) -> Response:
    abandon(web.session, exc)
    if isinstance(exc, PreconditionFailed):
        details = exc.details if isinstance(exc.details, dict) else {}
        who = str(details.get("changed_by") or "") or follow_text(web.lang)("someone")
        return _draft_page(web, draft_id, conflict_by=who, status=412)
    return _draft_page(web, draft_id, errors=service_errors(exc), status=exc.status)


def _invalid(exc: ValidationError) -> Errors:
    return {
        "_form": [
            FieldError("service", {"message": f"{'/'.join(map(str, e['loc']))}: {e['msg']}"})
            for e in exc.errors()
        ]
    }


@router.post("/drafts/{draft_id}/followup/plan")
def save_plan(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Create or change the plan: a review date and a person per indicator."""
    require_csrf(web, posted)
    rows = []
    for n in range(50):
        if f"on-{n}" not in posted:
            continue
        rows.append(
            {
                "position": n,
                "review_on": form_text(posted, f"on-{n}") or None,
                "responsible": form_text(posted, f"who-{n}").strip() or None,
                "catalogue_id": form_text(posted, f"cat-{n}") or None,
            }
        )
    try:
        data = FollowUpPlan.model_validate({"indicators": rows})
    except ValidationError as exc:
        return _draft_page(web, draft_id, errors=_invalid(exc), status=422)
    try:
        service.plan(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            data=data,
            expected_version=_version(posted),
        )
    except (Unprocessable, InvalidState, PreconditionFailed, NotFound) as exc:
        return _refused(web, draft_id, exc)
    return redirect(url_with(f"/drafts/{draft_id}/followup", msg="planned"))


def _cells(posted: FormData) -> list[dict[str, Any]]:
    cells = []
    for key in posted:
        if not key.startswith("cell-"):
            continue
        alternative, area, group, gender = [*form_text(posted, key).split("|"), "", "", ""][:4]
        n = key[5:]
        verdict = form_text(posted, f"verdict-{n}") or None
        cells.append(
            {
                "alternative": alternative,
                "area": area,
                "group": group,
                "gender": gender,
                "verdict": verdict,
                "note": form_text(posted, f"vnote-{n}").strip(),
            }
        )
    return cells


@router.post("/drafts/{draft_id}/followup/review")
def save_review(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Record realised values, observations and verdicts (on the version the page showed)."""
    require_csrf(web, posted)
    indicators = [
        {
            "position": n,
            "realised": form_text(posted, f"real-{n}").strip() or None,
            "observation": form_text(posted, f"obs-{n}").strip().replace("\r\n", "\n"),
        }
        for n in range(50)
        if f"real-{n}" in posted
    ]
    try:
        data = FollowUpRecord.model_validate(
            {
                "indicators": indicators,
                "cells": _cells(posted),
                "summary": form_text(posted, "summary").strip().replace("\r\n", "\n"),
                "complete": bool(posted.get("complete")),
            }
        )
    except ValidationError as exc:
        return _draft_page(web, draft_id, errors=_invalid(exc), status=422)
    version = _version(posted)
    try:
        service.record(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            data=data,
            expected_version=version if version is not None else -1,
        )
    except (Unprocessable, InvalidState, PreconditionFailed, NotFound) as exc:
        return _refused(web, draft_id, exc)
    return redirect(url_with(f"/drafts/{draft_id}/followup", msg="recorded"))


def _org_page(
    web: WebContext,
    organisation_id: str,
    *,
    errors: Errors | None = None,
    status: int = 200,
    imported: catalogue.Imported | None = None,
) -> Response:
    on = service.today()
    views = service.listing(
        web.session,
        principal=web.principal,
        organisation_id=organisation_id,
        due_only=False,
        on=on,
    )
    order = {"overdue": 0, "due": 1, "planned": 2, "done": 3}
    context = {
        "organisation_id": organisation_id,
        "views": sorted(views, key=lambda v: (order[v.status], v.follow_up.next_review_on or on)),
        "entries": catalogue.entries(
            web.session, principal=web.principal, organisation_id=organisation_id
        ),
        "on": on,
        "ft": follow_text(web.lang),
        "errors": errors or {},
        "imported": imported,
        "msg": _message(web) if not errors else None,
        "nav": "reports",
    }
    return render(web.request, "web/followups.html.j2", context, status=status)


@router.get("/followups/{organisation_id}")
def organisation_followups(organisation_id: str, web: Web) -> Response:
    """An organisation's follow-ups (overdue and due first) and its indicator catalogue."""
    return _org_page(web, organisation_id)


async def upload_form(request: Request) -> AsyncIterator[FormData]:
    """The catalogue upload: one file, or the CSV pasted in a text box (closed afterwards)."""
    form = await request.form(max_files=1, max_fields=10, max_part_size=MAX_UPLOAD)
    try:
        yield form
    finally:
        await form.close()


UploadForm = Annotated[FormData, Depends(upload_form)]


def _row_errors(web: WebContext, exc: Unprocessable) -> Errors:
    """The file's bad rows, each with its line, at the top of the form."""
    details = exc.details if isinstance(exc.details, list) else []
    ft = follow_text(web.lang)
    lines = [
        FieldError(
            "service",
            {
                "message": ft(
                    "row_error",
                    row=d.get("row"),
                    field=d.get("field") or "-",
                    message=d.get("message"),
                )
            },
        )
        for d in details
        if isinstance(d, dict)
    ]
    return {"_form": [FieldError("service", {"message": exc.message}), *lines]}


@router.post("/followups/{organisation_id}/indicators")
def upload_catalogue(organisation_id: str, web: Web, posted: UploadForm) -> Response:
    """Import the catalogue from the uploaded (or pasted) CSV: every row or none."""
    require_csrf(web, posted)
    upload = posted.get("file")
    content = b""
    if isinstance(upload, UploadFile):
        content = upload.file.read(MAX_UPLOAD + 1)
    if not content:
        content = form_text(posted, "csv").encode("utf-8")
    try:
        done = catalogue.import_csv(
            web.session, principal=web.principal, organisation_id=organisation_id, content=content
        )
    except Unprocessable as exc:
        abandon(web.session, exc)
        return _org_page(web, organisation_id, errors=_row_errors(web, exc), status=422)
    return _org_page(web, organisation_id, imported=done)
