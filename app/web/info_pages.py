"""Pages anyone may read, signed in or not: the accessibility statement and the help pages."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.core.errors import NotFound, Unauthorized
from app.web.errors import WebRoute
from app.web.rendering import render
from app.web.session import SESSION_COOKIE, Security, WebDb, signed_in_principal

router = APIRouter(include_in_schema=False, route_class=WebRoute)

# When the statement was last reviewed against the service (act 306/2019 § 15 asks for it).
STATEMENT_REVIEWED = date(2026, 12, 6)
HelpRole = Literal["preparer", "expert", "secretary", "admin"]
HELP_ROLES: tuple[HelpRole, ...] = ("preparer", "expert", "secretary", "admin")
# What each role's help page explains: (section key, number of steps).
HELP_STEPS = {"preparer": 6, "expert": 4, "secretary": 4, "admin": 4}


def _remember_caller(request: Request, session: WebDb, ctx: Security) -> None:
    """Show the signed-in navigation when the visitor has a session; the page is public."""
    if not request.cookies.get(SESSION_COOKIE):
        return
    try:
        signed_in_principal(request, session, ctx)
    except Unauthorized:
        return


@router.get("/accessibility")
def accessibility_statement(request: Request, session: WebDb, ctx: Security) -> Response:
    """The accessibility statement in the form act 306/2019 asks for."""
    _remember_caller(request, session, ctx)
    feedback = ctx.settings.accessibility_feedback.strip()
    href = f"mailto:{feedback}" if "@" in feedback else feedback
    context = {
        "nav": "accessibility",
        "reviewed": STATEMENT_REVIEWED,
        "feedback": feedback,
        "feedback_href": href if href.startswith(("mailto:", "https://")) else None,
    }
    return render(request, "web/accessibility.html.j2", context)


@router.get("/help")
def help_index(request: Request, session: WebDb, ctx: Security) -> Response:
    """Who does what in the workflow, with a page per role."""
    _remember_caller(request, session, ctx)
    context = {"nav": "help", "roles": HELP_ROLES, "role": None, "steps": 0}
    return render(request, "web/help.html.j2", context)


@router.get("/help/{role}")
def help_for_role(role: str, request: Request, session: WebDb, ctx: Security) -> Response:
    """What one role does, step by step, and where in the service (404: no such help page)."""
    if role not in HELP_STEPS:
        raise NotFound("No help page for this role")
    _remember_caller(request, session, ctx)
    context = {"nav": "help", "roles": HELP_ROLES, "role": role, "steps": HELP_STEPS[role]}
    return render(request, "web/help.html.j2", context)
