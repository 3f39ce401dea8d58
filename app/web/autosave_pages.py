"""Saving one matrix cell as it is changed (the editor's script; the form's own save stays).

The same service call as the form's save (`write_cells`, guarded by the assessment version),
answered in JSON: the new version, or on a version conflict the stored value ("theirs") so
the page can offer keep mine / take theirs. When the version moved but this cell did not
(someone saved another cell), the page's value is written on the current version.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.assessments import service as assessments
from app.assessments.service import AssessmentView
from app.core.errors import PreconditionFailed, Unauthorized, Unprocessable
from app.drafts import service as drafts
from app.web.assessment_pages import MatrixState, matrix_context
from app.web.draft_pages import FORM_ERRORS
from app.web.errors import WebRoute, abandon
from app.web.forms import Errors, form_int, form_text
from app.web.matrix import CellKey, cell_writes, posted_overrides, selected_of
from app.web.matrix import problem_errors as cell_problem_errors
from app.web.matrix_view import MatrixView
from app.web.rendering import PAGE_HEADERS, render_fragment, translator
from app.web.session import (
    PostedForm,
    Security,
    WebContext,
    WebDb,
    current_web_context,
    require_csrf,
)

router = APIRouter(include_in_schema=False, route_class=WebRoute)


def _json(status: int, body: dict[str, object]) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=PAGE_HEADERS)


def _left(web: WebContext) -> int:
    """Seconds the (re-issued) session lives on: the page's expiry warning starts again."""
    expires = getattr(web.request.state, "session_expires", 0)
    return max(0, int(expires - time.time()))


def if_match_version(header: str | None) -> int | None:
    """The version of an If-Match header (`"7"`, `W/"7"` or `7`), None when absent or bad."""
    text = (header or "").strip().removeprefix("W/").strip('"')
    return int(text) if text.isdigit() else None


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _stored(av: AssessmentView, key: CellKey) -> tuple[str, str]:
    for c in av.cells:
        if (c.alternative, c.area, c.grp, c.gender) == key:
            return selected_of(c), _clean(c.justification)
    return "", ""


def _messages(web: WebContext, errors: Errors) -> list[str]:
    t = translator(web.lang)
    return [t("error.field." + e.key, **e.params) for found in errors.values() for e in found]


def _conflict(av: AssessmentView, key: CellKey) -> JSONResponse:
    value, text = _stored(av, key)
    theirs = {"value": value, "justification": text}
    return _json(412, {"conflict": True, "version": av.assessment.version, "theirs": theirs})


# A save that lost the race to a save of another cell (both sent with the version the page
# held) is written again on the version that won, as long as its own cell is still as the
# page read it: the script sends one request per changed cell, several at a time.
ATTEMPTS = 3


@router.post("/drafts/{draft_id}/assessment/autosave")
def save_cell(
    draft_id: str, request: Request, session: WebDb, ctx: Security, posted: PostedForm
) -> JSONResponse:
    """Save one cell (score and justification) against the version in If-Match.

    A lapsed session answers 401 and keeps its cookie: the page's own save then keeps the
    form for after the sign-in (app/web/form_stash.py)."""
    try:
        web = current_web_context(request, session, ctx)
    except Unauthorized:
        return _json(401, {"expired": True})
    require_csrf(web, posted)
    av = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft_id)
    overrides = posted_overrides(av.shape, posted)
    if len(overrides) != 1:
        raise Unprocessable("Post exactly one cell", code="one_cell")
    version = if_match_version(web.request.headers.get("if-match"))
    version = form_int(posted, "version", -1) if version is None else version
    if version < 0:
        raise Unprocessable("The version the page showed is missing", code="version_missing")
    base = (form_text(posted, "base_value"), _clean(form_text(posted, "base_justification")))
    for _ in range(ATTEMPTS):
        answer = _save_on(web, draft_id, av, posted, version, base)
        if isinstance(answer, JSONResponse):
            return answer
        av = answer  # another save won the race: read again and try on its version
    return _conflict(av, next(iter(overrides)))


def _save_on(
    web: WebContext,
    draft_id: str,
    av: AssessmentView,
    posted: PostedForm,
    version: int,
    base: tuple[str, str],
) -> JSONResponse | AssessmentView:
    """One attempt: the answer, or the assessment as stored when a concurrent save moved the
    version between this request's read and its write."""
    overrides = posted_overrides(av.shape, posted)
    key = next(iter(overrides))
    current = av.assessment.version
    if version != current:
        if _stored(av, key) != base:
            return _conflict(av, key)
        version = current  # another cell moved the version; this one is as the page read it
    writes, errors = cell_writes(av, overrides)
    if errors:
        return _json(422, {"errors": _messages(web, errors)})
    if not writes:
        return _json(200, {"version": current, "unchanged": True})
    try:
        written = assessments.write_cells(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            expected_version=version,
            writes=writes,
        )
    except PreconditionFailed as exc:
        abandon(web.session, exc)
        return assessments.get_assessment(web.session, principal=web.principal, draft_id=draft_id)
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        found = cell_problem_errors(exc.details, writes) if isinstance(exc, Unprocessable) else {}
        return _json(exc.status, {"errors": _messages(web, found) or [exc.message]})
    body = {"version": written.version, "expires_in": _left(web)}
    live, remaining = _live(web, draft_id, posted)
    return _json(200, body | {"live": live, "remaining": remaining})


def _remaining(web: WebContext, missing: int) -> str:
    """What is still to assess in words, for the page's status line (read out by screen
    readers, which do not notice the counts being replaced)."""
    t = translator(web.lang)
    return t("autosave.remaining", count=missing) if missing else t("autosave.remaining_none")


def _live(web: WebContext, draft_id: str, posted: PostedForm) -> tuple[dict[str, str], str]:
    """The page's parts that count what is missing, rendered afresh after the save (element
    id → HTML: the counts beside the editor and the summary), and the count in words."""
    view = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id)
    av = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft_id)
    state = MatrixState(
        form_text(posted, "alternative") or None,
        form_text(posted, "area") or None,
        form_text(posted, "show") or "all",
    )
    context = {"draft": view.draft} | matrix_context(web, view, av, state)
    matrix = context["matrix"]
    assert isinstance(matrix, MatrixView)
    missing = sum(a.missing for a in matrix.alternatives)
    fragments = {
        "matrix-counts": render_fragment(web.request, "web/_matrix_counts.html.j2", context),
        "summary": render_fragment(web.request, "web/_summary.html.j2", context),
    }
    return fragments, _remaining(web, missing)
