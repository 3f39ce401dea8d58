"""The browser session: the access token in an HttpOnly cookie, and CSRF tokens bound to it.

The cookie holds a browser session token (app/auth/browser.py) that slides with activity;
an API access token in the cookie is accepted too and turned into one. Every page resolves
its caller with the API's own rules (`principal_from_claims`): the session epoch (logout),
deactivated users and roles read fresh from the database apply to the web UI unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app.auth import browser
from app.auth.dependencies import DbSession, get_security
from app.auth.principal import Principal
from app.auth.service import SecurityContext, principal_from_claims, verify_bearer
from app.core.errors import Forbidden, Unauthorized
from app.web.rendering import page_lang

SESSION_COOKIE = "ennakko_session"
LOGIN_NONCE_COOKIE = "ennakko_login"
CSRF_FIELD = "csrf_token"
# Cells of a large matrix arrive as separate fields; the body-size limit still applies.
MAX_FORM_FIELDS = 20_000


class CsrfRefused(Forbidden):
    code = "csrf_refused"


def mac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def csrf_token_for(secret: str, jti: str) -> str:
    """The token every POST form of this session must carry."""
    return mac(secret, f"csrf:{jti}")


def login_token_for(secret: str, nonce: str) -> str:
    """The login form's token, bound to a nonce cookie (no session exists yet)."""
    return mac(secret, f"login:{nonce}")


def tokens_match(expected: str, given: object) -> bool:
    return isinstance(given, str) and bool(given) and hmac.compare_digest(expected, given)


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=secure(request), path="/"
    )


def login_nonce(request: Request) -> str:
    """The nonce of this browser's login form, reused while its cookie lives."""
    return request.cookies.get(LOGIN_NONCE_COOKIE) or secrets.token_urlsafe(24)


def remember_login_nonce(request: Request, response: Response, nonce: str) -> None:
    response.set_cookie(
        LOGIN_NONCE_COOKIE,
        nonce,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/login",
    )


async def posted_form(request: Request) -> FormData:
    """The urlencoded form body (read on the event loop; routes stay plain `def`)."""
    return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)


PostedForm = Annotated[FormData, Depends(posted_form)]
Security = Annotated[SecurityContext, Depends(get_security)]


def web_session(request: Request, session: DbSession) -> Session:
    """The request's session, kept on the request so an error page can roll it back."""
    request.state.web_db = session
    return session


WebDb = Annotated[Session, Depends(web_session)]


@dataclass(frozen=True)
class WebContext:
    """Everything a signed-in page needs."""

    request: Request
    session: Session
    security: SecurityContext
    principal: Principal
    lang: str
    csrf_token: str


def signed_in_principal(request: Request, session: Session, ctx: SecurityContext) -> Principal:
    """The caller of a valid session cookie, kept on the request for the navigation and forms;
    raises Unauthorized without one."""
    return current_web_context(request, session, ctx).principal


def cookie_age(ctx: SecurityContext) -> int:
    """The session cookie is kept by the browser up to the absolute lifetime (the token in it
    lapses sooner when idle): a form posted after the lapse still says whose it was."""
    return ctx.settings.web_absolute_hours * 3600


def _browser_session(request: Request, ctx: SecurityContext) -> browser.BrowserSession:
    """The cookie's session, re-issued when due: the new cookie goes out with the response
    (see `renew_cookie`). An API access token in the cookie begins a browser session."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized("Sign in to continue", code="login_required")
    request.state.session_cookie_age = cookie_age(ctx)
    if browser.is_browser_token(ctx, token):
        found = browser.verify(ctx, token)
        if found.due_for_renewal(time.time()):
            request.state.renewed_session = browser.renewed(ctx, found)
        return found
    claims = verify_bearer(ctx, token)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or claims.get("_external"):
        # The CSRF token is bound to the session id; a token without one cannot be a session.
        raise Unauthorized("Sign in to continue", code="login_required")
    new_token, lifetime = browser.from_access_claims(ctx, claims)
    request.state.renewed_session = (new_token, lifetime)
    return browser.BrowserSession(claims, jti, int(time.time()) + lifetime)


def current_web_context(request: Request, session: WebDb, ctx: Security) -> WebContext:
    """The signed-in caller; raises Unauthorized (→ redirect to /login) without a valid cookie."""
    found = _browser_session(request, ctx)
    principal = principal_from_claims(session, ctx, found.claims)
    csrf = csrf_token_for(ctx.settings.web_session_secret, found.sid)
    renewed = getattr(request.state, "renewed_session", None)
    request.state.principal = principal
    request.state.csrf_token = csrf
    request.state.session_expires = (
        int(time.time()) + renewed[1] if renewed is not None else found.expires_at
    )
    return WebContext(request, session, ctx, principal, page_lang(request), csrf)


def renew_cookie(request: Request, response: Response) -> None:
    """Send the re-issued session cookie, unless the response ends or replaces the session."""
    renewed = getattr(request.state, "renewed_session", None)
    cookies = response.headers.getlist("set-cookie")
    if renewed is None or any(c.startswith(f"{SESSION_COOKIE}=") for c in cookies):
        return
    set_session_cookie(request, response, renewed[0], request.state.session_cookie_age)


Web = Annotated[WebContext, Depends(current_web_context)]


def require_csrf(web: WebContext, form: FormData) -> None:
    """403 unless the form carries this session's CSRF token."""
    if not tokens_match(web.csrf_token, form.get(CSRF_FIELD)):
        raise CsrfRefused("The form's security token is missing or expired")


def optional_principal(request: Request, session: Session, ctx: SecurityContext) -> bool:
    """Whether the request already carries a valid session (for the login page)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return False
    try:
        if browser.is_browser_token(ctx, token):
            claims = browser.verify(ctx, token).claims
        else:
            claims = verify_bearer(ctx, token)
        principal_from_claims(session, ctx, claims)
    except Unauthorized:
        return False
    return True
