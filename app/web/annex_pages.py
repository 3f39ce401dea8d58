"""After approval: issuing the annex, downloading its files, the meeting, and the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import Response
from pydantic import ValidationError

from app.annexes import service as annexes
from app.annexes.models import Annex, AnnexFile
from app.auth.permissions import ISSUE_ANNEXES
from app.core.middleware import ANNEX_FILE_CSP
from app.drafts import service as drafts
from app.meetings import service as meetings
from app.meetings.models import Outcome
from app.meetings.schemas import MeetingAttach, OutcomeRecord, outcome_problems
from app.organisations import service as organisations
from app.reviews import history
from app.web.draft_pages import FORM_ERRORS, flash, service_errors
from app.web.errors import WebRoute, abandon
from app.web.forms import Errors, FieldError, field_errors, form_int, form_text
from app.web.history_words import action_words
from app.web.rendering import known, redirect, render, translator
from app.web.session import PostedForm, Web, WebContext, require_csrf

router = APIRouter(include_in_schema=False, route_class=WebRoute)

LANGUAGE_CHOICES = ("fi", "sv", "en")
OUTCOMES = [o.value for o in Outcome]
MESSAGES = frozenset({"issued", "attached", "outcome_recorded"})
# The HTML annex is self-contained: inline CSS, no scripts, images only as data: URIs.
ANNEX_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "Referrer-Policy": "same-origin",
}


def _flash(web: WebContext) -> str | None:
    message = web.request.query_params.get("msg")
    return message if message in MESSAGES else flash(message)


@dataclass(frozen=True)
class AnnexView:
    annex: Annex
    files: list[AnnexFile]


def annex_page(
    web: WebContext,
    draft_id: str,
    *,
    languages: list[str] | None = None,
    errors: Errors | None = None,
    status: int = 200,
) -> Response:
    """Issued annexes with their files, and the form to issue one."""
    view = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id)
    draft = view.draft
    issued = [
        AnnexView(a, sorted(fs, key=lambda f: list(annexes.MEDIA_TYPES).index(f.format)))
        for a, fs in annexes.list_for_draft(web.session, principal=web.principal, draft_id=draft_id)
    ]
    issued.sort(key=lambda v: (-v.annex.number, LANGUAGE_CHOICES.index(v.annex.language)))
    org = organisations.visible_organisation(
        web.session, principal=web.principal, organisation_id=draft.organisation_id
    )
    context = {
        "draft": draft,
        "issued": issued,
        "formats": annexes.FORMAT_NAMES,
        "may_issue": web.principal.may(draft.organisation_id, ISSUE_ANNEXES),
        "issuable": annexes.is_issuable(draft),
        "language_choices": LANGUAGE_CHOICES,
        "chosen": languages if languages is not None else list(org.languages),
        "errors": errors or {},
        "msg": _flash(web),
        "nav": "drafts",
        "tab": "annex",
    }
    return render(
        web.request,
        "web/annex.html.j2",
        context,
        status=status,
        page_url=f"/drafts/{draft_id}/annex",
    )


@router.get("/drafts/{draft_id}/annex")
def show_annex(draft_id: str, web: Web) -> Response:
    """The draft's annexes."""
    return annex_page(web, draft_id)


@router.post("/drafts/{draft_id}/annex")
def issue_annex(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Render and store the annex in the chosen languages."""
    require_csrf(web, posted)
    chosen = [v for v in posted.getlist("languages") if isinstance(v, str)]
    if not chosen or not set(chosen) <= set(LANGUAGE_CHOICES):
        errors: Errors = {"languages": [FieldError("choose_one")]}
        return annex_page(web, draft_id, languages=chosen, errors=errors, status=422)
    try:
        annexes.issue(web.session, principal=web.principal, draft_id=draft_id, languages=chosen)
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        return annex_page(
            web, draft_id, languages=chosen, errors=service_errors(exc), status=exc.status
        )
    return redirect(f"/drafts/{draft_id}/annex?msg=issued")


@router.get("/annexes/{annex_id}.{fmt}")
def download_annex(
    annex_id: str,
    fmt: str,
    web: Web,
    if_none_match: Annotated[str | None, Header()] = None,
    download: bool = False,
) -> Response:
    """The issued file over the browser session: the API's headers, its sha256 as the ETag.

    The HTML annex opens in the browser (it is the accessible version) unless `?download=1`;
    the other formats are saved.
    """
    file = annexes.annex_file(web.session, principal=web.principal, annex_id=annex_id, fmt=fmt)
    etag = f'"{file.sha256}"'
    inline = fmt == "html" and not download
    disposition = "inline" if inline else "attachment"
    headers = {
        "ETag": etag,
        "Cache-Control": "private, max-age=31536000, immutable",
        "Content-Disposition": f'{disposition}; filename="{file.file_name}"',
        "Digest": f"sha-256={file.sha256}",
        "Content-Security-Policy": ANNEX_FILE_CSP,
    }
    if inline:
        headers |= ANNEX_PAGE_HEADERS
    if if_none_match is not None and etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(file.content, media_type=file.media_type, headers=headers)


@dataclass
class MeetingForms:
    attach: dict[str, str] = field(default_factory=dict)
    outcome: dict[str, str] = field(default_factory=dict)
    errors: Errors = field(default_factory=dict)


def meeting_page(
    web: WebContext, draft_id: str, forms: MeetingForms | None = None, status: int = 200
) -> Response:
    """The meeting items of the draft, and the secretary's forms."""
    forms = forms or MeetingForms()
    view = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id)
    draft = view.draft
    items = list(meetings.list_items(web.session, principal=web.principal, draft_id=draft_id))
    issued = annexes.list_for_draft(web.session, principal=web.principal, draft_id=draft_id)
    latest = max((a.number for a, _ in issued), default=0)
    allowed = meetings.actions(web.session, principal=web.principal, draft=draft)
    attach_values = forms.attach or {
        "meeting_id": "",
        "item_number": "",
        "meeting_date": draft.meeting_date.isoformat() if draft.meeting_date else "",
        "decision_body": draft.decision_body or "",
    }
    context = {
        "draft": draft,
        "items": list(reversed(items)),
        "latest_annex": latest,
        "may_attach": allowed.attach,
        "may_record": allowed.record,
        "secretary": allowed.secretary,
        "outcomes": OUTCOMES,
        "attach": attach_values,
        "outcome": forms.outcome,
        "errors": forms.errors,
        "msg": _flash(web),
        "nav": "drafts",
        "tab": "meeting",
    }
    return render(
        web.request,
        "web/meeting.html.j2",
        context,
        status=status,
        page_url=f"/drafts/{draft_id}/meeting",
    )


@router.get("/drafts/{draft_id}/meeting")
def show_meeting(draft_id: str, web: Web) -> Response:
    """Where the annex went and what was decided."""
    return meeting_page(web, draft_id)


@router.post("/drafts/{draft_id}/meeting")
def attach_to_meeting(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Put the latest issued annex on a meeting's agenda item."""
    require_csrf(web, posted)
    sent = {
        name: form_text(posted, name).strip()
        for name in ("meeting_id", "item_number", "meeting_date", "decision_body")
    }
    try:
        data = MeetingAttach.model_validate(sent)
    except ValidationError as exc:
        errors = field_errors(exc, lambda loc: str(loc[0]) if loc else "_form")
        return meeting_page(web, draft_id, MeetingForms(attach=sent, errors=errors), 422)
    try:
        meetings.attach(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            expected_version=form_int(posted, "version"),
            data=data,
        )
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        forms = MeetingForms(attach=sent, errors=service_errors(exc))
        return meeting_page(web, draft_id, forms, exc.status)
    return redirect(f"/drafts/{draft_id}/meeting?msg=attached")


def _outcome_errors(sent: dict[str, str]) -> Errors:
    errors: Errors = {}
    if sent["outcome"] not in OUTCOMES:
        errors["outcome"] = [FieldError("choice")]
        return errors
    found = outcome_problems(Outcome(sent["outcome"]), sent["addendum"], sent["vote_result"])
    return {name: [FieldError(code)] for name, code in found.items()}


@router.post("/drafts/{draft_id}/meeting/outcome")
def record_outcome(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Record the decision; differences from the assessed proposal go to an addendum."""
    require_csrf(web, posted)
    sent = {name: form_text(posted, name) for name in ("outcome", "addendum", "vote_result")}
    errors = _outcome_errors(sent)
    if errors:
        return meeting_page(web, draft_id, MeetingForms(outcome=sent, errors=errors), 422)
    payload: dict[str, Any] = {
        "outcome": sent["outcome"],
        "addendum": sent["addendum"].strip() or None,
        "vote_result": sent["vote_result"].strip() or None,
    }
    try:
        data = OutcomeRecord.model_validate(payload)
    except ValidationError as exc:
        errors = field_errors(exc, lambda loc: str(loc[0]) if loc else "_form")
        return meeting_page(web, draft_id, MeetingForms(outcome=sent, errors=errors), 422)
    try:
        meetings.record_outcome(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            expected_version=form_int(posted, "version"),
            data=data,
        )
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        forms = MeetingForms(outcome=sent, errors=service_errors(exc))
        return meeting_page(web, draft_id, forms, exc.status)
    return redirect(f"/drafts/{draft_id}/meeting?msg=outcome_recorded")


@dataclass(frozen=True)
class HistoryRow:
    when: Any
    actor: str
    action: str
    version: str


def _version_words(lang: str, entity_type: str, version: int | None) -> str:
    """Which thing's version an event made, in words (only drafts and assessments have one
    the pages show)."""
    key = f"history.version_of.{entity_type}"
    if version is None or known(lang, key, "") == "":
        return ""
    return translator(lang)(key, version=version)


@router.get("/drafts/{draft_id}/history")
def show_history(draft_id: str, web: Web) -> Response:
    """The draft's timeline from the audit log, newest first."""
    view = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id)
    entries = history.timeline(web.session, principal=web.principal, draft_id=draft_id)
    rows = [
        HistoryRow(
            e.occurred_at,
            e.actor_name or e.actor_id or e.actor_type,
            action_words(web.lang, e.action),
            _version_words(web.lang, e.entity_type, e.version),
        )
        for e in reversed(list(entries))
    ]
    context = {"draft": view.draft, "rows": rows, "nav": "drafts", "tab": "history"}
    return render(web.request, "web/history.html.j2", context)
