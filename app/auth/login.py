"""Sign-in in two steps, so that no sign-in holds the database's writer while it hashes.

1. `check_password` / `check_client` run *before* the request's write transaction (the token
   route and the web form call them from an async dependency declared before the request
   session, so FastAPI resolves it first and waiting holds no thread): they refuse an
   address that must wait (`throttle`) with 429 without verifying anything, look the
   account up in a read-only transaction, and verify the secret with argon2id on a pool
   thread, at most `verify_concurrency` at once in the process
   (`core.gates.VERIFIER`, 503 `busy` after `verify_wait_seconds`) and at most
   `login_source_concurrency` at once per source address (429 beyond that).
2. `conclude_password` / `conclude_client` run inside the request's transaction and only
   write the outcome down: a failure is counted (kept although the request fails), a success
   clears the pair's count and issues the token. The account is read again there, so a
   password changed or an account deactivated in between is not signed in with.

Why the counts look the way they do is explained in `app/auth/throttle.py`.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.auth import throttle
from app.auth.service import EPOCH_CLAIM, SecurityContext
from app.auth.throttle import Attempt
from app.core import tokens
from app.core.db import reading
from app.core.errors import TooManyRequests, Unauthorized, Unprocessable
from app.core.gates import VERIFIER
from app.core.passwords import verify_secret
from app.core.text import character_name, forbidden_character
from app.organisations import repository as org_repo


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str


@dataclass(frozen=True)
class Checked:
    """The outcome of step 1: who was claimed, the hash the secret was checked against."""

    attempt: Attempt
    account_id: str | None
    secret_hash: str | None
    verified: bool


def _issue(ctx: SecurityContext, subject: str, scope: str, epoch: int) -> IssuedToken:
    lifetime = ctx.settings.access_token_minutes * 60
    claims: dict[str, Any] = {EPOCH_CLAIM: epoch}
    if scope:
        claims["scope"] = scope
    token = tokens.issue_token(
        ctx.signer,
        subject=subject,
        issuer=ctx.settings.jwt_issuer,
        audience=ctx.settings.jwt_audience,
        lifetime_s=lifetime,
        claims=claims,
    )
    return IssuedToken(token, lifetime, scope)


def _under_text_rule(**fields: str) -> None:
    """Credentials under the text rule, before they reach a query (PostgreSQL refuses NUL)."""
    for name, value in fields.items():
        char = forbidden_character(value)
        if char is not None:
            raise Unprocessable(f"{name} cannot contain {character_name(char)}")


_checking: Counter[str] = Counter()
_checking_lock = threading.Lock()


@contextmanager
def _one_more_from(source: str, limit: int) -> Iterator[None]:
    """One more attempt of this address being checked; 429 when it already has `limit`."""
    with _checking_lock:
        if _checking[source] >= limit:
            raise TooManyRequests(
                "Too many sign-ins from this address at once; retry shortly", retry_after=1
            )
        _checking[source] += 1
    try:
        yield
    finally:
        with _checking_lock:
            _checking[source] -= 1
            if _checking[source] <= 0:
                del _checking[source]


def _account(session: Session, attempt: Attempt) -> tuple[str | None, str | None]:
    """The claimed account's id and secret hash, after refusing an address that must wait."""
    throttle.refuse_if_waiting(session, [attempt.pair_key, attempt.source_key])
    if attempt.kind == "user":
        user = org_repo.user_by_email(session, attempt.credential)
        return (user.id, user.password_hash) if user else (None, None)
    client = org_repo.client_by_client_id(session, attempt.credential)
    return (client.id, client.secret_hash) if client else (None, None)


def _look_up(attempt: Attempt) -> tuple[str | None, str | None]:
    with reading() as session:
        return _account(session, attempt)


async def _check(ctx: SecurityContext, attempt: Attempt, secret: str) -> Checked:
    settings = ctx.settings
    with _one_more_from(attempt.source, settings.login_source_concurrency):
        account_id, secret_hash = await run_in_threadpool(_look_up, attempt)
        async with VERIFIER.hold(
            size=settings.verify_concurrency, wait=settings.verify_wait_seconds
        ):
            verified = await run_in_threadpool(verify_secret, secret_hash, secret)
    return Checked(attempt, account_id, secret_hash, verified)


async def check_password(
    ctx: SecurityContext, *, username: str, password: str, source: str
) -> Checked:
    """Step 1 of a person's sign-in (see the module docstring)."""
    _under_text_rule(username=username, password=password)
    return await _check(ctx, Attempt("user", username.strip().lower(), source), password)


async def check_client(
    ctx: SecurityContext, *, client_id: str, client_secret: str, source: str
) -> Checked:
    """Step 1 of a case system's client-credentials grant."""
    _under_text_rule(client_id=client_id, client_secret=client_secret)
    return await _check(ctx, Attempt("client", client_id, source), client_secret)


def _failed(
    session: Session, ctx: SecurityContext, checked: Checked, error: Unauthorized
) -> NoReturn:
    """Count the failure on the pair and the address, and fail (the count is kept)."""
    throttle.record_failure(session, checked.attempt.counters(ctx.settings))
    raise error


def conclude_password(session: Session, ctx: SecurityContext, checked: Checked) -> IssuedToken:
    """Step 2 of a person's sign-in: count the failure, or forgive the pair and issue."""
    user = org_repo.get_user(session, checked.account_id) if checked.account_id else None
    if (
        user is None
        or not checked.verified
        or not user.is_active
        or user.password_hash != checked.secret_hash
    ):
        _failed(
            session,
            ctx,
            checked,
            Unauthorized("Wrong user name or password", code="invalid_grant", keep_changes=True),
        )
    throttle.forget(session, checked.attempt.pair_key)
    return _issue(ctx, f"user:{user.id}", "", user.session_epoch)


def conclude_client(
    session: Session, ctx: SecurityContext, checked: Checked, *, requested_scope: str | None
) -> IssuedToken:
    """Step 2 of the client-credentials grant: count the failure, or issue the granted scopes."""
    client = org_repo.get_client(session, checked.account_id) if checked.account_id else None
    if (
        client is None
        or not checked.verified
        or not client.is_active
        or client.secret_hash != checked.secret_hash
    ):
        _failed(
            session,
            ctx,
            checked,
            Unauthorized(
                "Unknown client or wrong secret", code="invalid_client", keep_changes=True
            ),
        )
    granted = set(client.scopes)
    if requested_scope:
        requested = set(requested_scope.split())
        if not requested <= granted:
            raise Unauthorized("Requested scope exceeds the client's scopes", code="invalid_scope")
        granted = requested
    throttle.forget(session, checked.attempt.pair_key)
    return _issue(ctx, f"client:{client.id}", " ".join(sorted(granted)), client.session_epoch)
