"""The web UI's pages: their language choice, what they are rendered with, and HTML
responses. Their Jinja2 environment (app.web.page_env) is loaded with the first page a worker
renders (app.core.lazy): a worker answering only the API never imports Jinja2."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.auth.permissions import WRITE_DRAFTS
from app.core import lazy
from app.core.i18n import (
    LANGUAGES,
    catalogue,
    format_day,
    format_euros,
    format_moment,
    format_number,
    translate,
)
from app.organisations.models import Role
from app.web.withdrawn import page_withdrawn

if TYPE_CHECKING:  # the environment itself is loaded with the first page
    from jinja2 import Environment

FRONTEND_DIR = Path(__file__).resolve().parents[2] / "frontend"
TEMPLATE_DIR = FRONTEND_DIR / "templates"
STATIC_DIR = FRONTEND_DIR / "static"
LANG_COOKIE = "lang"
DEFAULT_LANG = "fi"
KEY_PREFIX = "web."
PAGE_ENV = "app.web.page_env"

# Pages show a person's own data: never kept by a cache. (The security headers of every
# response, pages included, come from app.core.middleware.SecurityHeadersMiddleware.)
PAGE_HEADERS = {"Cache-Control": "no-store"}


def _templates() -> Environment:
    """The pages' Jinja2 environment (app.web.page_env), loaded with the first page."""
    env: Environment = lazy.load(PAGE_ENV).ENV
    return env


def requested_lang(request: Request) -> str | None:
    """The language asked for with ?lang=, when it is one we speak."""
    value = request.query_params.get("lang")
    return value if value in LANGUAGES else None


def page_lang(request: Request) -> str:
    """?lang= first, then the lang cookie, then Finnish."""
    cookie = request.cookies.get(LANG_COOKIE)
    return requested_lang(request) or (cookie if cookie in LANGUAGES else DEFAULT_LANG)


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **params: object) -> str:
        return translate(lang, KEY_PREFIX + key, **params)

    return t


def known(lang: str, key: str, fallback: str) -> str:
    """The translation of `key` when the catalogue has one, else `fallback` (policy names)."""
    full = KEY_PREFIX + key
    return translate(lang, full) if full in catalogue(lang) else fallback


def url_with(path: str, **params: object) -> str:
    """`path` with the non-empty query parameters given."""
    query = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    return f"{path}?{urlencode(query)}" if query else path


def _lang_links(page_url: str) -> list[dict[str, str]]:
    path, _, query = page_url.partition("?")
    kept = [p for p in query.split("&") if p and not p.startswith("lang=")]
    return [
        {"lang": code, "href": f"{path}?{'&'.join([*kept, f'lang={code}'])}"} for code in LANGUAGES
    ]


def _nav_links(principal: Any) -> dict[str, Any]:
    """Entries of the main navigation that depend on the caller's roles."""
    roles = getattr(principal, "roles", None) or {}
    reviewer = any(Role.expert in r or Role.admin in r for r in roles.values())
    admin_of = sorted(org for org, r in roles.items() if Role.admin in r)
    may = getattr(principal, "may", None)
    return {
        "nav_new_draft": may is not None
        and any(may(org, WRITE_DRAFTS) for org in getattr(principal, "organisation_ids", ())),
        "nav_reviews": reviewer,
        # welfare coordinators (experts) and administrators read the reports
        "nav_reports": reviewer,
        "nav_policy": f"/organisations/{admin_of[0]}/policy" if admin_of else None,
    }


def _session_left(request: Request) -> int | None:
    """Seconds until the signed-in session lapses without activity (for the expiry warning)."""
    expires = getattr(request.state, "session_expires", None)
    return max(0, int(expires - time.time())) if isinstance(expires, int) else None


def page_globals(request: Request, page_url: str | None = None) -> dict[str, Any]:
    """What every page (and every fragment of one) is rendered with."""
    lang = page_lang(request)
    if page_url is None:
        page_url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    principal = getattr(request.state, "principal", None)
    return {
        "lang": lang,
        "t": translator(lang),
        "day": lambda value: format_day(value, lang),
        "moment": lambda value: format_moment(value, lang),
        "number": lambda value: format_number(value, lang),
        "euros": lambda value: format_euros(value, lang),
        "url_with": url_with,
        "lang_links": _lang_links(page_url),
        "principal": principal,
        **_nav_links(principal),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "session_left": _session_left(request),
        "nav": None,
    }


def render_fragment(request: Request, template: str, context: Mapping[str, Any]) -> str:
    """A part of a page (a partial template), as the page itself would render it."""
    return _templates().get_template(template).render({**page_globals(request), **context})


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    page_url: str | None = None,
) -> HTMLResponse:
    """A full HTML page in the request's language, with the security headers."""
    html = (
        _templates()
        .get_template(template)
        .render(
            {
                **page_globals(request, page_url),
                **context,
                "withdrawn_by": page_withdrawn(request.state, dict(context)),
            }
        )
    )
    response = HTMLResponse(html, status_code=status, headers={**PAGE_HEADERS, **(headers or {})})
    remember_lang(request, response)
    return response


# Forms whose page is at the address they post to (the others post to a path below the page).
OWN_PAGES = ("/assessment/scope", "/assessment/texts", "/assessment/cell")


def form_page(path: str) -> str:
    """The page a form posted to `path` is on: /drafts/{id}/{tab}, a policy page, else the list."""
    if path.startswith("/drafts/"):
        if path.endswith(OWN_PAGES) and path.count("/") == 4:
            return path
        return "/".join(path.split("/")[:4])
    if path.startswith("/organisations/"):
        return path
    return "/"


def remember_lang(request: Request, response: Any) -> None:
    """Keep a ?lang= choice in a cookie so the next pages use it too."""
    chosen = requested_lang(request)
    if chosen is not None and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )


def redirect(url: str) -> RedirectResponse:
    """303 See Other: after a successful POST, and for pages that send the browser on."""
    response = RedirectResponse(url, status_code=303)
    response.headers.update(PAGE_HEADERS)
    return response
