"""The request context of a cell write (`PATCH …/assessment/cells`): the caller, the route's
scope gate and the write, in one pool-thread call.

A person with a token of ours is read in the version claim's own statement (their row
returned beside the claim, the claim stamped with their name), so resolving them costs no
statement of its own; the 401 and 403 checks run right after it, before anything else the
write answers, and a refusal rolls the claim back with the rest. Any other caller (an API
client, an external identity), and a write the claim does not take (a stale version, a draft
not there or not seen), is resolved as usual and then written as every other caller writes.
(So a refused person's claim holds the row's lock only for those checks, then is undone;
the draft of another organisation is answered 404 by the ordinary path.)

The route's gate only verifies the bearer token (401); the scope (403) is checked in the
write's call. A request refused before the write runs (428 without If-Match, 422 for its
body) has its caller checked first (`CellsWriteRoute`), so 401 and 403 still come first.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.assessments import repository as repo
from app.assessments import writing
from app.assessments.schemas import CellWrite
from app.auth.dependencies import bearer_claims, gating
from app.auth.permissions import EDIT_DRAFTS, ensure_holds
from app.auth.principal import Principal
from app.auth.service import (
    own_user_id,
    person_name,
    person_returned,
    person_returning,
    principal_from_claims,
    principal_of_user,
)
from app.core.db import reading, utcnow
from app.core.errors import AppError
from app.core.idempotency import CapturingRoute

# The claim of a person's write: their row returned beside it, stamped with their name.
# Whatever its organisation: the person's visibility is checked right after the claim.
_CLAIM_AS_PERSON = repo.claim_statement(
    by=person_name(), beside=person_returning(), any_organisation=True
)
# Set on the request state once the caller passed the gate in the write's call.
_GATED = "cells_write_gated"


async def cells_gate(request: Request) -> None:
    """401 without a valid bearer token; the rest of the gate runs with the write."""
    request.state.write_claims = bearer_claims(request)


# The gate of the cell write, in place of RequireScope(EDIT_DRAFTS).
CELLS_GATE = gating(cells_gate, EDIT_DRAFTS)


def _gated(request: Request, principal: Principal) -> None:
    """403 without the scope; the caller is the request's principal from here on."""
    request.state.principal = principal
    ensure_holds(principal, EDIT_DRAFTS)
    setattr(request.state, _GATED, True)


def write_as_caller(
    request: Request,
    session: Session,
    draft_id: str,
    expected_version: int,
    writes: Sequence[CellWrite],
) -> writing.CellsWritten:
    """The caller's write: 401 and 403 first, then as `writing.write_cells`."""
    claims: dict[str, Any] = request.state.write_claims
    user_id = own_user_id(claims)
    if user_id is not None:
        claimed = _claim_as_person(request, session, user_id, draft_id, expected_version)
        if claimed is not None:
            return writing.write_claimed(session, request.state.principal, claimed, writes)
    if not getattr(request.state, _GATED, False):
        _gated(request, principal_from_claims(session, request.app.state.security, claims))
    return writing.write_cells(
        session,
        principal=request.state.principal,
        draft_id=draft_id,
        expected_version=expected_version,
        writes=writes,
    )


def _claim_as_person(
    request: Request, session: Session, user_id: str, draft_id: str, expected: int
) -> repo.Claimed | None:
    """The claim, checked for the person who made it (gated); None, with the claim rolled
    back, when nothing was claimed or the person does not see the draft."""
    found = repo.claim_cells_beside(
        session,
        _CLAIM_AS_PERSON,
        {"user_id": user_id},
        draft_id,
        expected,
        organisations=None,
        by=None,
        at=utcnow(),
    )
    if found is None:
        session.rollback()
        return None
    claimed, person = found
    claims: dict[str, Any] = request.state.write_claims
    principal = principal_of_user(session, person_returned(user_id, person), claims)
    _gated(request, principal)
    if not principal.sees(claimed.organisation_id):
        session.rollback()
        return None
    writing.ensure_claimed_editable(session, principal, claimed)
    return claimed


def _check_caller(request: Request) -> None:
    """401 or 403 for a caller who may not write cells at all."""
    with reading() as session:
        claims = bearer_claims(request)
        ensure_holds(
            principal_from_claims(session, request.app.state.security, claims), EDIT_DRAFTS
        )


def _refused_before_gate(request: Request, exc: Exception) -> bool:
    if getattr(request.state, _GATED, False):
        return False
    return not isinstance(exc, AppError) or exc.status not in (401, 403, 503)


class CellsWriteRoute(CapturingRoute):
    """The cell write's route: a request refused before the write ran (its If-Match or its
    body) answers 401 or 403 first when its caller may not write cells at all."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except (RequestValidationError, AppError) as exc:
                if _refused_before_gate(request, exc):
                    await run_in_threadpool(_check_caller, request)
                raise

        return handler
