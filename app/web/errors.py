"""Errors as pages: AppError → a friendly page with the right status, 401 → the login page.

The route class catches errors inside FastAPI's function-scoped dependency stack, that is
before `get_session` sees them; so it applies `get_session`'s own rule first (roll back,
unless the error says its changes must stand) and only then renders the page.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import AppError, Unauthorized, Unprocessable
from app.web.form_stash import keep_for_sign_in, restorable
from app.web.rendering import form_page, redirect, render, url_with
from app.web.session import MAX_FORM_FIELDS, clear_session_cookie, renew_cookie

log = logging.getLogger("ennakko.web")

# Paths whose errors stay JSON: the API and the machine-facing endpoints.
MACHINE_PREFIXES = ("/api/", "/healthz", "/readyz", "/docs", "/redoc", "/openapi.json", "/static/")
# Statuses with their own explanation; others fall back to the generic one.
EXPLAINED = frozenset({400, 403, 404, 409, 412, 413, 422, 428, 429, 500})


def _session(request: Request) -> Session | None:
    session = getattr(request.state, "web_db", None)
    return session if isinstance(session, Session) else None


def abandon(session: Session, exc: BaseException) -> None:
    """The request-session rule for an error handled inside a route: keep or roll back."""
    if isinstance(exc, AppError) and exc.keep_changes:
        return
    session.rollback()


async def _settle(request: Request, exc: BaseException) -> None:
    session = _session(request)
    if session is not None:
        await run_in_threadpool(abandon, session, exc)


def detail_messages(details: Any) -> list[str]:
    """Service error details as plain lines (each item's message, with what it is about)."""
    if details is None:
        return []
    items = details if isinstance(details, list) else [details]
    lines = []
    for item in items:
        if isinstance(item, dict):
            message = item.get("message") or item.get("msg") or item.get("reason")
            subject = item.get("question") or item.get("path") or item.get("field")
            if message is None:
                lines.append(", ".join(f"{k}: {v}" for k, v in item.items()))
            else:
                lines.append(f"{subject}: {message}" if subject else str(message))
        else:
            lines.append(str(item))
    return lines[:50]


def error_page(request: Request, exc: AppError) -> Response:
    """The page for a service error."""
    details = exc.details if isinstance(exc.details, dict) else {}
    headers = {k: v for k, v in exc.headers.items() if k.lower() != "www-authenticate"}
    key = str(exc.status) if exc.status in EXPLAINED else "other"
    if exc.status == 412 and "current_content_hash" in details:
        key = "412_content"  # a sign-off on content that changed after it was read
    context = {
        "status": exc.status,
        "key": key,
        "message": exc.message,
        "lines": [] if exc.status == 412 else detail_messages(exc.details),
        "changed_by": details.get("changed_by") if exc.status == 412 else None,
        "reload_url": form_page(request.url.path) if request.method == "POST" else None,
    }
    return render(request, "web/error.html.j2", context, status=exc.status, headers=headers)


def login_redirect(request: Request) -> Response:
    """Back to the login page, remembering the page the person was on.

    A form posted after the session lapsed is not replayed: its page is shown again.
    """
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += f"?{request.url.query}"
    elif request.method != "GET":
        target = form_page(target)
    next_url = target if target != "/" else None
    response = redirect(url_with("/login", next=next_url))
    clear_session_cookie(request, response)
    return response


async def _keep_posted(request: Request) -> Response:
    """A form posted after the session lapsed: kept, and the browser sent to sign in again
    (back on the form's page, which shows the kept values)."""
    session = _session(request)
    if session is None or not restorable(request.url.path):
        return login_redirect(request)
    posted = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    ctx = request.app.state.security
    return await run_in_threadpool(keep_for_sign_in, request, session, ctx, posted)


async def _handle(request: Request, exc: Exception) -> Response:
    await _settle(request, exc)
    if isinstance(exc, Unauthorized):
        if request.method == "POST":
            return await _keep_posted(request)
        return login_redirect(request)
    if isinstance(exc, AppError):
        return error_page(request, exc)
    if isinstance(exc, RequestValidationError):
        lines = [
            f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg', '')}" for e in exc.errors()
        ]
        return error_page(request, Unprocessable("The request is not valid", details=lines[:20]))
    if isinstance(exc, StarletteHTTPException):
        failure = AppError(str(exc.detail))
        failure.status = exc.status_code
        return error_page(request, failure)
    log.exception("unhandled error in a web page", exc_info=exc)
    failure = AppError("Internal server error")
    failure.status = 500
    return error_page(request, failure)


class WebRoute(APIRoute):
    """A route whose errors become HTML pages instead of the API's JSON bodies."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await original(request)
            except Exception as exc:
                return await _handle(request, exc)
            renew_cookie(request, response)
            return response

        return handler


def wants_page(request: Request) -> bool:
    """Whether an error on this path is for a person's browser rather than an API client."""
    return not request.url.path.startswith(MACHINE_PREFIXES)


def install_page_errors(app: FastAPI) -> None:
    """Unknown paths and framework errors outside the API answer an HTML page in the
    visitor's language; the API keeps the JSON body of the handler installed before."""
    json_handler = app.exception_handlers[StarletteHTTPException]

    async def _http(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, StarletteHTTPException) or not wants_page(request):
            answer = json_handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        failure = AppError(str(exc.detail))
        failure.status = exc.status_code
        page = error_page(request, failure)
        for name, value in (exc.headers or {}).items():
            page.headers.setdefault(name, value)
        return page

    app.add_exception_handler(StarletteHTTPException, _http)
