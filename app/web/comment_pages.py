"""Writing comments on a draft under review, and resolving or reopening their threads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError

from app.core.errors import Unprocessable
from app.reviews import comments as comment_service
from app.reviews.schemas import CommentCreate
from app.web.draft_pages import FORM_ERRORS, service_errors
from app.web.errors import WebRoute, abandon
from app.web.forms import Errors, FieldError, field_error, form_text
from app.web.rendering import redirect
from app.web.review_pages import COMMENT_FIELDS, ReviewForms, review_page
from app.web.session import PostedForm, Web, WebContext, require_csrf

router = APIRouter(include_in_schema=False, route_class=WebRoute)
# The anchor choice that means "a cell of the matrix" (the others are section names).
CELL = "cell"


def _anchor(posted: dict[str, str]) -> dict[str, str | None]:
    if posted["anchor"] == CELL:
        return {k: posted[k] or None for k in ("alternative", "area", "group", "gender")}
    return {"section": posted["anchor"] or None}


@router.post("/drafts/{draft_id}/review/comments")
def add_comment(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """A new comment on a section or a cell, or a reply in a thread."""
    require_csrf(web, posted)
    sent = {name: form_text(posted, name) for name in COMMENT_FIELDS}
    parent = sent["parent_id"] or None
    prefix = f"reply-{parent}" if parent else "comment"
    payload: dict[str, Any] = {"body": sent["body"].strip(), "parent_id": parent}
    if parent is None:
        payload["anchor"] = _anchor(sent)
    errors: Errors = {}
    try:
        data = CommentCreate.model_validate(payload)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error.get("loc", ()))
            name = f"{prefix}-body" if loc[:1] == ("body",) else f"{prefix}-anchor"
            kind = error.get("type")
            errors.setdefault(name, []).append(
                FieldError("anchor") if kind == "value_error" else field_error(error)
            )
        return review_page(web, draft_id, ReviewForms(errors=errors, comment=sent), 422)
    try:
        comment_service.add(web.session, principal=web.principal, draft_id=draft_id, data=data)
    except Unprocessable as exc:
        abandon(web.session, exc)
        if exc.code == "no_such_cell":
            errors[f"{prefix}-anchor"] = [FieldError("no_such_cell")]
        else:
            errors = service_errors(exc)
        return review_page(web, draft_id, ReviewForms(errors=errors, comment=sent), exc.status)
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        forms = ReviewForms(errors=service_errors(exc), comment=sent)
        return review_page(web, draft_id, forms, exc.status)
    return redirect(f"/drafts/{draft_id}/review?msg=comment_added#comments")


def _set_resolved(draft_id: str, comment_id: str, web: WebContext, resolved: bool) -> Response:
    comment_service.set_resolved(
        web.session,
        principal=web.principal,
        draft_id=draft_id,
        comment_id=comment_id,
        resolved=resolved,
    )
    message = "comment_resolved" if resolved else "comment_reopened"
    return redirect(f"/drafts/{draft_id}/review?msg={message}#comment-{comment_id}")


@router.post("/drafts/{draft_id}/review/comments/{comment_id}/resolve")
def resolve_comment(draft_id: str, comment_id: str, web: Web, posted: PostedForm) -> Response:
    """Mark a thread resolved."""
    require_csrf(web, posted)
    return _set_resolved(draft_id, comment_id, web, True)


@router.post("/drafts/{draft_id}/review/comments/{comment_id}/reopen")
def reopen_comment(draft_id: str, comment_id: str, web: Web, posted: PostedForm) -> Response:
    """Open a resolved thread again."""
    require_csrf(web, posted)
    return _set_resolved(draft_id, comment_id, web, False)
