"""The server-rendered web UI: sign-in, the drafts list, and the per-draft pages."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from app.auth import browser
from app.auth.login import Checked, check_password, conclude_password
from app.auth.service import end_sessions, verify_bearer
from app.core.errors import TooManyRequests, Unauthorized
from app.core.gates import Busy
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.drafts.schemas import DraftFilter
from app.organisations import service as organisations
from app.web.annex_pages import router as annex_router
from app.web.assessment_pages import router as assessment_router
from app.web.autosave_pages import router as autosave_router
from app.web.cell_pages import router as cell_router
from app.web.comment_pages import router as comment_router
from app.web.draft_pages import router as draft_router
from app.web.errors import WebRoute, abandon
from app.web.followup_pages import router as followup_router
from app.web.forms import Errors, FieldError, form_text
from app.web.inbox_pages import router as inbox_router
from app.web.info_pages import router as info_router
from app.web.missing_pages import router as missing_router
from app.web.policy_pages import router as policy_router
from app.web.rendering import PAGE_HEADERS, redirect, render, url_with
from app.web.report_pages import router as report_router
from app.web.review_pages import router as review_router
from app.web.scope_pages import router as scope_router
from app.web.session import (
    CSRF_FIELD,
    LOGIN_NONCE_COOKIE,
    CsrfRefused,
    PostedForm,
    Security,
    Web,
    WebContext,
    WebDb,
    clear_session_cookie,
    cookie_age,
    login_nonce,
    login_token_for,
    optional_principal,
    remember_login_nonce,
    require_csrf,
    set_session_cookie,
    tokens_match,
)
from app.web.signoff_diff import router as signoff_diff_router
from app.web.text_pages import router as text_router
from app.web.translation_pages import router as translation_router
from app.web.withdrawn import withdrawn_of
from app.workflow.states import DraftStatus

router = APIRouter(include_in_schema=False, route_class=WebRoute)
PAGE_SIZE = 25
ShortQuery = Annotated[str, Query(max_length=200)]


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another origin (open redirect)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(c in target for c in "\r\n\\")
    ):
        return "/"
    return target


def _login_page(
    request: Request,
    ctx: Security,
    *,
    next_url: str,
    email: str = "",
    error: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    nonce = login_nonce(request)
    context = {
        "login_token": login_token_for(ctx.settings.web_session_secret, nonce),
        "next_url": next_url,
        "email": email,
        # A form posted after the session lapsed was kept (app/web/form_stash.py).
        "kept": request.query_params.get("kept") == "1",
        "error": error,
        "retry_minutes": -(-int((headers or {}).get("Retry-After", "60")) // 60),
    }
    response = render(request, "web/login.html.j2", context, status=status, headers=headers)
    remember_login_nonce(request, response, nonce)
    return response


@router.get("/login")
def login_form(request: Request, session: WebDb, ctx: Security, next: ShortQuery = "/") -> Response:
    """The sign-in form (straight on to the page asked for when already signed in)."""
    if optional_principal(request, session, ctx):
        return redirect(safe_next(next))
    return _login_page(request, ctx, next_url=safe_next(next))


@dataclass(frozen=True)
class LoginForm:
    """The posted sign-in form after step 1 of the sign-in: checked, or the page to show."""

    next_url: str
    email: str
    checked: Checked | None = None
    error: str | None = None
    status: int = 200
    headers: dict[str, str] | None = None


async def checked_login_form(request: Request, ctx: Security, form: PostedForm) -> LoginForm:
    """The form's token and fields, and the password verified before the request's write
    transaction begins (declared before the session, async: see app/auth/login.py)."""
    next_url = safe_next(form_text(form, "next"))
    email = form_text(form, "email").strip()
    password = form_text(form, "password")
    nonce = request.cookies.get(LOGIN_NONCE_COOKIE, "")
    expected = login_token_for(ctx.settings.web_session_secret, nonce)
    if not nonce or not tokens_match(expected, form.get(CSRF_FIELD)):
        return LoginForm(next_url, email, error="expired", status=403)
    if not email or not password or len(email) > 254 or len(password) > 200:
        return LoginForm(next_url, email, error="missing", status=422)
    source = request.client.host if request.client else "unknown"
    try:
        checked = await check_password(ctx, username=email, password=password, source=source)
    except TooManyRequests as exc:
        return LoginForm(next_url, email, error="throttled", status=429, headers=exc.headers)
    except Busy as exc:
        return LoginForm(next_url, email, error="busy", status=503, headers=exc.headers)
    return LoginForm(next_url, email, checked=checked)


@router.post("/login")
def login(
    request: Request,
    form: Annotated[LoginForm, Depends(checked_login_form)],
    session: WebDb,
    ctx: Security,
) -> Response:
    """Sign in with the API's password grant; keep the token in a cookie."""
    page = partial(_login_page, request, ctx, next_url=form.next_url, email=form.email)
    if form.checked is None:
        return page(error=form.error, status=form.status, headers=form.headers)
    try:
        issued = conclude_password(session, ctx, form.checked)
    except Unauthorized as exc:
        abandon(session, exc)
        return page(error="wrong", status=401)
    token, _ = browser.from_access_claims(ctx, verify_bearer(ctx, issued.access_token))
    response = redirect(form.next_url)
    set_session_cookie(request, response, token, cookie_age(ctx))
    return response


@router.post("/logout")
def logout(web: Web, form: PostedForm) -> Response:
    """End the session: the cookie goes, and its token (every token of this person) is revoked."""
    require_csrf(web, form)
    end_sessions(web.session, web.principal)
    response = redirect("/login")
    clear_session_cookie(web.request, response)
    return response


def _date_filter(value: str, name: str, errors: Errors) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[name] = [FieldError("date")]
        return None


def _status_filter(value: str, errors: Errors) -> DraftStatus | None:
    if not value:
        return None
    try:
        return DraftStatus(value)
    except ValueError:
        errors["status"] = [FieldError("choice")]
        return None


def _organisation_names(web: WebContext, ids: set[str]) -> dict[str, str]:
    names = {}
    for org_id in sorted(ids):
        org = organisations.visible_organisation(
            web.session, principal=web.principal, organisation_id=org_id
        )
        names[org_id] = org.name_sv if web.lang == "sv" and org.name_sv else org.name
    return names


@router.get("/")
def drafts_list(
    web: Web,
    q: ShortQuery = "",
    status: Annotated[str, Query(max_length=40)] = "",
    decision_body: ShortQuery = "",
    meeting_from: Annotated[str, Query(max_length=20)] = "",
    meeting_to: Annotated[str, Query(max_length=20)] = "",
    cursor: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    """The drafts the caller may read, newest first, with search and a cursor to the next page."""
    errors: Errors = {}
    flt = DraftFilter(
        organisation_ids=frozenset(),
        status=_status_filter(status, errors),
        decision_body=decision_body.strip() or None,
        meeting_from=_date_filter(meeting_from, "meeting_from", errors),
        meeting_to=_date_filter(meeting_to, "meeting_to", errors),
        text=q.strip() or None,
    )
    rows: Sequence[DecisionDraft] = []
    next_cursor: str | None = None
    if not errors:
        rows, next_cursor = drafts.list_drafts(
            web.session, principal=web.principal, flt=flt, limit=PAGE_SIZE, cursor=cursor or None
        )
    filters = {
        "q": q,
        "status": status,
        "decision_body": decision_body,
        "meeting_from": meeting_from,
        "meeting_to": meeting_to,
    }
    many = len(web.principal.organisation_ids) > 1
    context = {
        "drafts": rows,
        "filters": filters,
        "errors": errors,
        "statuses": [s.value for s in DraftStatus],
        "next_url": url_with("/", **filters, cursor=next_cursor) if next_cursor else None,
        "first_url": url_with("/", **filters) if cursor else None,
        "org_names": _organisation_names(web, {d.organisation_id for d in rows}) if many else {},
        "withdrawn": withdrawn_of(web.session, web.principal, rows),
        "nav": "drafts",
    }
    return render(web.request, "web/drafts_list.html.j2", context, status=422 if errors else 200)


router.include_router(draft_router)
router.include_router(translation_router)
router.include_router(assessment_router)
router.include_router(autosave_router)
router.include_router(missing_router)
router.include_router(scope_router)
router.include_router(text_router)
router.include_router(cell_router)
router.include_router(review_router)
router.include_router(comment_router)
router.include_router(signoff_diff_router)
router.include_router(inbox_router)
router.include_router(annex_router)
router.include_router(policy_router)
router.include_router(info_router)
router.include_router(report_router)
router.include_router(followup_router)


@router.post("/session/extend")
def extend_session(web: Web) -> Response:
    """Activity without a page (the expiry warning's "continue"): the session slides on.

    CSRF-checked by the X-CSRF-Token header; answers when the session now lapses."""
    if not tokens_match(web.csrf_token, web.request.headers.get("x-csrf-token")):
        raise CsrfRefused("The form's security token is missing or expired")
    expires = getattr(web.request.state, "session_expires", 0)
    return JSONResponse({"expires_in": max(0, int(expires - time.time()))}, headers=PAGE_HEADERS)
