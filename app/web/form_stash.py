"""A form posted after the session lapsed is kept, and shown again after the sign-in.

The fields go to a stash row (app/auth/stash.py); the browser gets a short-lived cookie with
the stash id and its MAC (no secrets in URLs). The sign-in returns to the page the form was
on, `?alternative=`/`area` included, and that page shows the kept values for a save (they
are not written unasked: the form's version guards them as on any save).
"""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from app.auth import browser, stash
from app.auth.service import SecurityContext
from app.web.rendering import form_page, redirect, url_with
from app.web.session import (
    CSRF_FIELD,
    SESSION_COOKIE,
    WebContext,
    clear_session_cookie,
    mac,
    secure,
    tokens_match,
)

STASH_COOKIE = "ennakko_kept"
# The forms whose page shows kept values again (the matrix, a bulk change, scope, texts,
# one cell, the sign-off and a comment); others send the person to sign in without keeping anything.
KEPT_FORMS = re.compile(
    r"/drafts/[^/]+/(assessment(/scope|/texts|/cell|/bulk)?|review/(signoffs|comments))"
)
PAGE_FIELDS = ("alternative", "area", "show")
# The fields of a kept form that name where on its page the person was.
PLACE_FIELDS = {
    "/assessment/cell": ("alternative", "area", "group", "gender"),
    "/assessment/scope": (),
    "/assessment/texts": (),
}


def restorable(path: str) -> bool:
    """Whether a form posted to `path` is shown again after the sign-in."""
    return KEPT_FORMS.fullmatch(path) is not None


def _cookie_value(secret: str, stash_id: str) -> str:
    return f"{stash_id}.{mac(secret, f'stash:{stash_id}')}"


def _lapsed_subject(request: Request, ctx: SecurityContext) -> str:
    """Whose session the lapsed cookie was: only a session cookie we signed, lapsed within
    the time a kept form lives, names a person (a forged one keeps nothing)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return ""
    within = int(stash.STASH_TTL.total_seconds())
    return browser.lapsed_subject(ctx, token, within_s=within) or ""


def keep_for_sign_in(
    request: Request, session: Session, ctx: SecurityContext, posted: FormData
) -> Response:
    """Keep the posted form and send the browser to the sign-in, back to the same page."""
    subject = _lapsed_subject(request, ctx)
    fields = [(k, v) for k, v in posted.multi_items() if isinstance(v, str) and k != CSRF_FIELD]
    stash_id = None
    if subject:
        stash_id = stash.keep_form(session, subject=subject, path=request.url.path, fields=fields)
    page_path = form_page(request.url.path)
    names = next((v for k, v in PLACE_FIELDS.items() if page_path.endswith(k)), PAGE_FIELDS)
    page = {k: posted.get(k) for k in names if isinstance(posted.get(k), str)}
    next_url = url_with(page_path, **page)
    response = redirect(url_with("/login", next=next_url, kept="1" if stash_id else None))
    clear_session_cookie(request, response)
    if stash_id is not None:
        response.set_cookie(
            STASH_COOKIE,
            _cookie_value(ctx.settings.web_session_secret, stash_id),
            max_age=int(stash.STASH_TTL.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=secure(request),
            path="/",
        )
    return response


def kept_form(web: WebContext, path: str) -> FormData | None:
    """The form this person posted to `path` when their session lapsed, if the browser
    holds its cookie."""
    value = web.request.cookies.get(STASH_COOKIE, "")
    stash_id = value.rpartition(".")[0]
    secret = web.security.settings.web_session_secret
    if not stash_id or not tokens_match(_cookie_value(secret, stash_id), value):
        return None
    fields = stash.kept_form(
        web.session, stash_id=stash_id, subject=f"user:{web.principal.id}", path=path
    )
    if fields is None:
        return None
    items: list[tuple[str, str | UploadFile]] = list(fields)
    return FormData(items)


def forget_kept(request: Request, response: Response) -> None:
    """The kept form has been shown: the cookie goes (the row lapses on its own)."""
    response.delete_cookie(
        STASH_COOKIE, httponly=True, samesite="lax", secure=secure(request), path="/"
    )


def kept_form_of(web: WebContext, paths: tuple[str, ...]) -> tuple[str, FormData] | None:
    """The form kept for one of these paths (the forms of one page), with the path."""
    for path in paths:
        found = kept_form(web, path)
        if found is not None:
            return path, found
    return None
