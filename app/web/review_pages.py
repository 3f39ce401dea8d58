"""The review page: the state and its transitions, the requirements with their sign-offs,
and the comment threads (written in comment_pages.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import ValidationError

from app.core.errors import InvalidState
from app.reviews import comments as comment_service
from app.reviews import service as reviews
from app.reviews.models import SignOff
from app.reviews.schemas import COMMENT_SECTIONS, SignOffCreate
from app.web.comment_threads import draft_labels, threads_of
from app.web.draft_pages import FORM_ERRORS, flash, service_errors
from app.web.errors import WebRoute, abandon
from app.web.form_stash import forget_kept, kept_form_of
from app.web.forms import Errors, FieldError, field_error, form_int, form_text
from app.web.rendering import known, redirect, render, translator, url_with
from app.web.review_matrix import last_signoff, review_matrix
from app.web.session import PostedForm, Web, WebContext, require_csrf

router = APIRouter(include_in_schema=False, route_class=WebRoute)

# Transitions with a page of their own (or taken by a sign-off): not offered as buttons here.
ELSEWHERE = frozenset({"request_changes", "issue_annex", "attach_to_meeting", "record_outcome"})
MESSAGES = frozenset(
    {
        "transition_done",
        "signed_approved",
        "signed_changes_requested",
        "comment_added",
        "comment_resolved",
        "comment_reopened",
    }
)


def review_flash(message: str | None) -> str | None:
    return message if message in MESSAGES else flash(message)


SIGNOFF_FIELDS = ("requirement", "decision", "comment", "content_hash")
COMMENT_FIELDS = ("anchor", "alternative", "area", "group", "gender", "body", "parent_id")


@dataclass
class ReviewForms:
    """What the forms of the review page were sent (shown again with their errors)."""

    errors: Errors = field(default_factory=dict)
    guard_failures: list[str] = field(default_factory=list)
    guard_details: list[str] = field(default_factory=list)
    signoff: dict[str, str] = field(default_factory=dict)
    comment: dict[str, str] = field(default_factory=dict)
    alternative: str | None = None
    area: str | None = None
    show: str = "all"
    msg: str | None = None


@dataclass(frozen=True)
class SignOffView:
    signoff: SignOff
    stale: bool
    counts: bool


@dataclass(frozen=True)
class RequirementView:
    key: str
    label: str
    role: str
    count: int
    valid: int
    content_hash: str
    areas: list[str]
    groups: list[str]
    signoffs: list[SignOffView]
    mine_valid: bool


def _requirement_views(
    web: WebContext, states: list[reviews.RequirementState]
) -> list[RequirementView]:
    t = translator(web.lang)
    views = []
    for state in states:
        r = state.requirement
        signoffs = [
            SignOffView(s, s.content_hash != state.content_hash, state.is_valid(s))
            for s in reversed(state.signoffs)
        ]
        views.append(
            RequirementView(
                key=r.key,
                label=known(web.lang, "requirement." + r.key, r.key),
                role=t("role." + r.role.value),
                count=r.count,
                valid=state.valid,
                content_hash=state.content_hash,
                areas=list(r.scope.areas),
                groups=list(r.scope.groups),
                signoffs=signoffs,
                mine_valid=any(
                    v.counts and v.signoff.reviewer_id == web.principal.id for v in signoffs
                ),
            )
        )
    return views


def review_page(
    web: WebContext, draft_id: str, forms: ReviewForms | None = None, status: int = 200
) -> Response:
    """State, transitions, requirements with their sign-offs, and the comment threads."""
    forms = forms or ReviewForms()
    draft, states = reviews.status(web.session, principal=web.principal, draft_id=draft_id)
    labels = draft_labels(web, draft)
    items = comment_service.list_comments(web.session, principal=web.principal, draft_id=draft.id)
    threads = threads_of(items, labels, web.lang)
    actions = reviews.actions(web.session, principal=web.principal, draft=draft)
    transitions = [
        (name, known(web.lang, "transition." + name, name))
        for name in actions.transitions
        if name not in ELSEWHERE
    ]
    requirements = _requirement_views(web, states)
    matrix = review_matrix(
        web,
        draft,
        threads,
        last_signoff(states, web.principal.id),
        alternative=forms.alternative,
        area=forms.area,
        show=forms.show,
    )
    cell_choices = None
    if labels is not None:
        cell_choices = {
            "alternative": list(labels.alternatives.items()),
            "area": list(labels.areas.items()),
            "group": list(labels.groups.items()),
            "gender": list(labels.genders.items()),
        }
    context = {
        "draft": draft,
        "requirements": requirements,
        "met": sum(1 for r in requirements if r.valid >= r.count),
        "transitions": transitions,
        "may_sign": actions.sign,
        "may_comment": actions.comment,
        "threads": threads,
        "open_count": sum(1 for th in threads if not th.root.resolved),
        "review_matrix": matrix,
        "sections": COMMENT_SECTIONS,
        "cell_choices": cell_choices,
        "forms": forms,
        "errors": forms.errors,
        "msg": forms.msg or review_flash(web.request.query_params.get("msg")),
        "nav": "drafts",
        "tab": "review",
    }
    url = url_with(
        f"/drafts/{draft_id}/review",
        alternative=forms.alternative,
        area=forms.area,
        show=None if forms.show == "all" else forms.show,
    )
    return render(web.request, "web/review.html.j2", context, status=status, page_url=url)


@router.get("/drafts/{draft_id}/review")
def show_review(
    draft_id: str,
    web: Web,
    alternative: Annotated[str | None, Query(max_length=40)] = None,
    area: Annotated[str | None, Query(max_length=80)] = None,
    show: Annotated[str, Query(max_length=20)] = "all",
) -> Response:
    """The review of one draft: the sign-off, the matrix with comments, the state change;
    after a sign-in, with the sign-off or comment posted when the session lapsed."""
    forms = ReviewForms(alternative=alternative, area=area, show=show)
    base = f"/drafts/{draft_id}/review"
    kept = kept_form_of(web, (f"{base}/signoffs", f"{base}/comments"))
    if kept is None:
        return review_page(web, draft_id, forms)
    path, posted = kept
    names = SIGNOFF_FIELDS if path.endswith("/signoffs") else COMMENT_FIELDS
    sent = {name: form_text(posted, name) for name in names}
    if path.endswith("/signoffs"):
        forms = replace(forms, signoff=sent, msg="restored")
    else:
        forms = replace(forms, comment=sent, msg="restored")
    response = review_page(web, draft_id, forms)
    forget_kept(web.request, response)
    return response


@router.post("/drafts/{draft_id}/review/transitions/{name}")
def take_transition(draft_id: str, name: str, web: Web, posted: PostedForm) -> Response:
    """Take a transition on the version the page showed; failed guards are listed on the page."""
    require_csrf(web, posted)
    try:
        reviews.transition(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            name=name,
            expected_version=form_int(posted, "version"),
        )
    except InvalidState as exc:
        abandon(web.session, exc)
        forms = ReviewForms()
        if exc.code == "guard_failed" and isinstance(exc.details, dict):
            forms.guard_failures = [f"guard.{g}" for g in exc.details.get("guards", [])]
            forms.guard_details = [str(line) for line in exc.details.get("failed", [])]
        else:
            forms.errors = service_errors(exc)
        return review_page(web, draft_id, forms, exc.status)
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        return review_page(web, draft_id, ReviewForms(errors=service_errors(exc)), exc.status)
    return redirect(f"/drafts/{draft_id}/review?msg=transition_done")


@router.post("/drafts/{draft_id}/review/signoffs")
def sign_off(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Approve or request changes for the content whose hash the page showed (412 if changed)."""
    require_csrf(web, posted)
    sent = {name: form_text(posted, name) for name in SIGNOFF_FIELDS}
    try:
        data = SignOffCreate.model_validate(sent)
    except ValidationError as exc:
        errors: Errors = {}
        for error in exc.errors():
            loc = tuple(error.get("loc", ()))
            if not loc:  # the only model-level rule: changes need a comment
                errors.setdefault("signoff-comment", []).append(FieldError("comment_for_changes"))
            else:
                errors.setdefault(f"signoff-{loc[0]}", []).append(field_error(error))
        forms = ReviewForms(errors=errors, signoff=sent)
        return review_page(web, draft_id, forms, 422)
    try:
        reviews.sign(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            requirement_key=data.requirement,
            decision=data.decision,
            comment=data.comment,
            content_hash=data.content_hash,
        )
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        forms = ReviewForms(errors=service_errors(exc), signoff=sent)
        return review_page(web, draft_id, forms, exc.status)
    return redirect(f"/drafts/{draft_id}/review?msg=signed_{data.decision.value}")
