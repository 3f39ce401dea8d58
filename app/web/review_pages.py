"""Review: transitions, sign-offs bound to content, what changed since, comments, the inbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError

from app.assessments import service as assessments
from app.auth.permissions import READ_DRAFTS, REVIEW
from app.auth.principal import PrincipalKind
from app.core.errors import InvalidState, NotFound
from app.drafts import repository as draft_repo
from app.drafts.models import DecisionDraft
from app.organisations import service as organisations
from app.reviews import comments as comment_service
from app.reviews import service as reviews
from app.reviews.models import Comment, SignOff
from app.reviews.schemas import CommentCreate, SignOffCreate
from app.templates import service as templates
from app.web.draft_pages import FORM_ERRORS, flash, service_errors
from app.web.errors import WebRoute, abandon
from app.web.forms import Errors, FieldError, field_error, form_int, form_text
from app.web.matrix import Labels, labels_for
from app.web.rendering import known, redirect, render, translator
from app.web.session import PostedForm, Web, WebContext, require_csrf
from app.web.template_view import template_name
from app.workflow import machine
from app.workflow.states import DraftStatus
from app.workflow.store import policy_for

router = APIRouter(include_in_schema=False, route_class=WebRoute)

# Transitions with a page of their own (or taken by a sign-off): not offered as buttons here.
ELSEWHERE = frozenset({"request_changes", "issue_annex", "attach_to_meeting", "record_outcome"})
SECTIONS = [
    "title",
    "proposal",
    "background",
    "alternatives",
    "screening",
    "matrix",
    "mitigation",
    "participation",
    "sources",
    "indicators",
]
CELL = "cell"
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


@dataclass
class ReviewForms:
    """What the forms of the review page were sent (shown again with their errors)."""

    errors: Errors = field(default_factory=dict)
    guard_failures: list[str] = field(default_factory=list)
    guard_details: list[str] = field(default_factory=list)
    signoff: dict[str, str] = field(default_factory=dict)
    comment: dict[str, str] = field(default_factory=dict)


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


@dataclass
class Thread:
    root: Comment
    anchor: str
    replies: list[Comment] = field(default_factory=list)


def _labels(web: WebContext, draft: DecisionDraft) -> Labels | None:
    try:
        av = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft.id)
    except NotFound:
        return None
    definition = templates.definition_of(av.template)
    return labels_for(
        definition, draft_repo.alternatives(web.session, draft.id), web.lang, translator(web.lang)
    )


def anchor_label(anchor: dict[str, Any], labels: Labels | None, lang: str) -> str:
    """A comment's anchor in words: the section, or the cell with its names."""
    t = translator(lang)
    section = anchor.get("section")
    if section:
        return t("comment.section." + str(section))
    alternative, area, group, gender = (
        str(anchor.get(k, "")) for k in ("alternative", "area", "group", "gender")
    )
    if labels is not None:
        parts = [
            labels.areas.get(area, area),
            labels.groups.get(group, group),
            labels.genders.get(gender, gender),
        ]
        name = labels.alternatives.get(alternative, alternative)
    else:
        parts, name = [area, group, gender], alternative
    return t("comment.cell", cell=" – ".join(parts), alternative=name)


def threads_of(items: Sequence[Comment], labels: Labels | None, lang: str) -> list[Thread]:
    """Top-level comments with their replies (a reply to a reply joins the same thread)."""
    root_of: dict[str, str] = {}
    threads: dict[str, Thread] = {}
    for comment in items:
        if comment.parent_id is None or comment.parent_id not in root_of:
            root_of[comment.id] = comment.id
            threads[comment.id] = Thread(comment, anchor_label(comment.anchor, labels, lang))
        else:
            root = root_of[comment.parent_id]
            root_of[comment.id] = root
            threads[root].replies.append(comment)
    return list(threads.values())


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


def _may_sign(web: WebContext, draft: DecisionDraft) -> bool:
    return (
        draft.status is DraftStatus.in_review
        and web.principal.kind is PrincipalKind.user
        and web.principal.may(draft.organisation_id, REVIEW)
        and not (
            policy_for(web.session, draft.organisation_id).separation_of_duties
            and draft.preparer_id == web.principal.id
        )
    )


def review_page(
    web: WebContext, draft_id: str, forms: ReviewForms | None = None, status: int = 200
) -> Response:
    """State, transitions, requirements with their sign-offs, and the comment threads."""
    forms = forms or ReviewForms()
    draft, states = reviews.status(web.session, principal=web.principal, draft_id=draft_id)
    labels = _labels(web, draft)
    items = comment_service.list_comments(web.session, principal=web.principal, draft_id=draft.id)
    threads = threads_of(items, labels, web.lang)
    transitions = [
        (name, known(web.lang, "transition." + name, name))
        for name in machine.allowed_transitions(web.session, web.principal, draft)
        if name not in ELSEWHERE
    ]
    requirements = _requirement_views(web, states)
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
        "may_sign": _may_sign(web, draft),
        "may_comment": web.principal.may(draft.organisation_id, READ_DRAFTS),
        "threads": threads,
        "open_count": sum(1 for th in threads if not th.root.resolved),
        "sections": SECTIONS,
        "cell_choices": cell_choices,
        "forms": forms,
        "errors": forms.errors,
        "msg": review_flash(web.request.query_params.get("msg")),
        "nav": "drafts",
        "tab": "review",
    }
    return render(
        web.request,
        "web/review.html.j2",
        context,
        status=status,
        page_url=f"/drafts/{draft_id}/review",
    )


@router.get("/drafts/{draft_id}/review")
def show_review(draft_id: str, web: Web) -> Response:
    """The review of one draft."""
    return review_page(web, draft_id)


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
    sent = {
        name: form_text(posted, name)
        for name in ("requirement", "decision", "comment", "content_hash")
    }
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


def _anchor(posted: dict[str, str]) -> dict[str, str | None]:
    if posted["anchor"] == CELL:
        return {k: posted[k] or None for k in ("alternative", "area", "group", "gender")}
    return {"section": posted["anchor"] or None}


def _cell_exists(web: WebContext, draft_id: str, anchor: dict[str, str | None]) -> bool:
    if "section" in anchor:
        return True
    try:
        av = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft_id)
    except NotFound:
        return False
    return (
        av.shape.problem_with_key(
            str(anchor["alternative"]),
            str(anchor["area"]),
            str(anchor["group"]),
            str(anchor["gender"]),
        )
        is None
    )


@router.post("/drafts/{draft_id}/review/comments")
def add_comment(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """A new comment on a section or a cell, or a reply in a thread."""
    require_csrf(web, posted)
    sent = {
        name: form_text(posted, name)
        for name in ("anchor", "alternative", "area", "group", "gender", "body", "parent_id")
    }
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
    if parent is None and not _cell_exists(web, draft_id, payload["anchor"]):
        errors[f"{prefix}-anchor"] = [FieldError("no_such_cell")]
        return review_page(web, draft_id, ReviewForms(errors=errors, comment=sent), 422)
    try:
        comment_service.add(web.session, principal=web.principal, draft_id=draft_id, data=data)
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


@dataclass(frozen=True)
class Change:
    part: str
    label: str
    before: list[tuple[str, str]]
    after: list[tuple[str, str]]


def _alternatives_text(value: Any) -> list[tuple[str, str]]:
    rows = value if isinstance(value, list) else []
    return [(str(a.get("name", "")), str(a.get("description", ""))) for a in rows]


def _cell_fields(value: Any, labels: Labels | None, lang: str) -> list[tuple[str, str]]:
    if value is None:
        return [(translator(lang)("diff.field.value"), translator(lang)("diff.not_assessed"))]
    t = translator(lang)
    shown = []
    for name, item in value.items():
        if item in (None, "", False) and name != "value":
            continue
        text = str(item)
        if name == "value":
            if value.get("cannot_assess"):
                text = t("diff.cannot_assess")
            elif item is None:
                text = t("diff.not_assessed")
            elif labels is not None:
                names = {o.value: o.label for o in labels.options}
                text = names.get(str(item), str(item))
        if name == "cannot_assess":
            continue
        shown.append((t("diff.field." + name), text))
    return shown


def diff_view(
    changes: list[dict[str, Any]], labels: Labels | None, web: WebContext
) -> list[Change]:
    """The service's diff as before → after lines in the page's language."""
    t = translator(web.lang)
    views = []
    for change in changes:
        part = change["part"]
        before, after = change.get("before"), change.get("after")
        if part == "proposal":
            views.append(
                Change(
                    part,
                    t("diff.part.proposal"),
                    [("", str(before or ""))],
                    [("", str(after or ""))],
                )
            )
        elif part == "alternatives":
            views.append(
                Change(
                    part,
                    t("diff.part.alternatives"),
                    _alternatives_text(before),
                    _alternatives_text(after),
                )
            )
        elif part == "template":

            def version(v: Any) -> list[tuple[str, str]]:
                if not v:
                    return [("", "–")]
                return [("", t("diff.template", key=v.get("key", ""), version=v.get("version")))]

            views.append(Change(part, t("diff.part.template"), version(before), version(after)))
        else:
            label = anchor_label(change.get("cell", {}), labels, web.lang)
            views.append(
                Change(
                    part,
                    label,
                    _cell_fields(before, labels, web.lang),
                    _cell_fields(after, labels, web.lang),
                )
            )
    return views


@router.get("/drafts/{draft_id}/review/signoffs/{signoff_id}")
def show_signoff_diff(draft_id: str, signoff_id: str, web: Web) -> Response:
    """What changed in a sign-off's scope since it was given."""
    signoff, changes = reviews.signoff_diff(
        web.session, principal=web.principal, draft_id=draft_id, signoff_id=signoff_id
    )
    draft, states = reviews.status(web.session, principal=web.principal, draft_id=draft_id)
    state = next((s for s in states if s.requirement.key == signoff.requirement), None)
    labels = _labels(web, draft)
    template = None
    found = templates.get_any(web.session, signoff.template_id) if signoff.template_id else None
    if found is not None:
        template = template_name(templates.definition_of(found), web.lang)
    context = {
        "draft": draft,
        "signoff": signoff,
        "stale": state is not None and signoff.content_hash != state.content_hash,
        "current_hash": state.content_hash if state else "",
        "requirement": known(web.lang, "requirement." + signoff.requirement, signoff.requirement),
        "template": template,
        "changes": diff_view(changes, labels, web),
        "nav": "drafts",
        "tab": "review",
    }
    return render(web.request, "web/signoff_diff.html.j2", context)


@dataclass(frozen=True)
class AwaitingRow:
    draft: DecisionDraft
    organisation: str
    requirement: str
    valid: int
    required: int
    due_date: Any


@router.get("/reviews")
def awaiting_reviews(web: Web) -> Response:
    """Awaiting my review, across every organisation the reviewer serves."""
    items = reviews.awaiting(web.session, principal=web.principal)
    names: dict[str, str] = {}
    rows = []
    for item in items:
        org_id = item.draft.organisation_id
        if org_id not in names:
            org = organisations.visible_organisation(
                web.session, principal=web.principal, organisation_id=org_id
            )
            names[org_id] = org.name_sv if web.lang == "sv" and org.name_sv else org.name
        rows.append(
            AwaitingRow(
                item.draft,
                names[org_id],
                known(web.lang, "requirement." + item.requirement.key, item.requirement.key),
                item.valid,
                item.requirement.count,
                item.due_date,
            )
        )
    rows.sort(key=lambda r: (r.due_date is None, str(r.due_date or ""), r.draft.title))
    return render(web.request, "web/reviews.html.j2", {"rows": rows, "nav": "reviews"})
