"""Idempotency-Key for POST: the key's outcome commits in the same transaction as the work.

The middleware only reads the key, the caller and the request's hash and hands them to the
request session (`app.core.request_session.get_session`) as a transaction hook. The session
claims the key as the first write of its transaction and, just before commit, stores the route's
uncompressed response in that row. So a key is spent exactly when the work commits:

- a retry after the first answer, or after a crash between commit and answer, replays the
  committed response byte for byte (compression happens outside, per request);
- a crash before commit rolls the claim back with the work, so a retry runs afresh;
- a concurrent duplicate waits on the claim (the unique key on PostgreSQL, the writer gate
  on SQLite) and then replays; only if it waits longer than `CLAIM_WAIT` (PostgreSQL) or its
  turn among the writers (`db_wait_seconds`, 503 `busy`) does it get an error;
- a refused request (an error status) spends no key, whether it raised or answered.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlalchemy import delete, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.caller import caller_of
from app.core.config import Settings
from app.core.db import get_engine, utcnow, write_places
from app.core.errors import AppError, Conflict, error_response
from app.core.gates import WRITERS, Busy
from app.core.idempotency_models import IdempotencyRecord
from app.core.request_session import TRANSACTION_HOOK

log = logging.getLogger("ennakko.idempotency")

MAX_KEY_LENGTH = 200
# How long a duplicate waits for the first request's transaction before answering 409.
CLAIM_WAIT = timedelta(seconds=10)
# Expired records are removed in a short transaction of their own, this often per process.
PURGE_EVERY = timedelta(minutes=10)
# Headers that belong to the connection or the sender, not to the answer being replayed.
_NOT_REPLAYED = frozenset({"content-length", "content-encoding", "set-cookie", "date", "vary"})


class IdempotencyKeyReused(AppError):
    status, code = 422, "idempotency_key_reused"


class IdempotentReplay(Exception):
    """Raised by the claim when the key's work has committed: answer with its response."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("idempotent replay")
        self.status = record.status_code or 200
        self.headers = {str(k): str(v) for k, v in record.response_headers.items()}
        self.body = record.response_body or b""

    def response(self) -> Response:
        headers = self.headers | {"Idempotent-Replayed": "true"}
        return Response(content=self.body, status_code=self.status, headers=headers)


async def replay_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IdempotentReplay)
    return exc.response()


class IdempotencyClaim:
    """The transaction hook: claim at begin, store the response before commit."""

    def __init__(
        self, *, principal: str, key: str, method: str, path: str, body_hash: str, ttl: timedelta
    ) -> None:
        self.principal, self.key, self.method, self.path = principal, key, method, path
        self.body_hash, self.ttl = body_hash, ttl
        self.record: IdempotencyRecord | None = None
        self.response: Response | None = None

    def _existing(self, session: Session) -> IdempotencyRecord | None:
        return session.exec(
            select(IdempotencyRecord).where(
                col(IdempotencyRecord.principal) == self.principal,
                col(IdempotencyRecord.key) == self.key,
            )
        ).first()

    def _answer_from(self, record: IdempotencyRecord) -> None:
        if record.request_hash != self.body_hash:
            raise IdempotencyKeyReused("This Idempotency-Key was used with a different request")
        raise IdempotentReplay(record)

    def begin(self, session: Session) -> None:
        existing = self._existing(session)
        if existing is not None:
            if existing.expires_at > utcnow():
                if existing.completed:
                    self._answer_from(existing)
                # Only releases that claimed keys in a transaction of their own left these:
                # whether that request's work committed cannot be known, so it is not re-run.
                raise Conflict(
                    "A request with this Idempotency-Key was interrupted and its outcome is "
                    "unknown; check the resource, then retry with a new key",
                    code="idempotency_outcome_unknown",
                )
            session.delete(existing)
            session.flush()
        self.record = IdempotencyRecord(
            principal=self.principal,
            key=self.key,
            method=self.method,
            path=self.path,
            request_hash=self.body_hash,
            expires_at=utcnow() + self.ttl,
        )
        postgres = session.get_bind().dialect.name == "postgresql"
        try:
            with session.begin_nested():
                if postgres:
                    wait_ms = int(CLAIM_WAIT.total_seconds() * 1000)
                    session.execute(text(f"SET LOCAL lock_timeout = {wait_ms}"))
                session.add(self.record)
                session.flush()
        except IntegrityError:
            # A duplicate committed while this one waited on the key: answer as it did.
            self.record = None
            winner = self._existing(session)
            if winner is None:  # pragma: no cover - the unique key says it exists
                raise
            self._answer_from(winner)
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
                raise
            raise Conflict(
                "A request with this Idempotency-Key is still running",
                code="idempotency_in_flight",
                headers={"Retry-After": "1"},
            ) from exc
        finally:
            if postgres:
                session.execute(text("SET LOCAL lock_timeout = DEFAULT"))

    def capture(self, response: Response) -> None:
        self.response = response

    def before_commit(self, session: Session) -> None:
        if self.record is None:
            return
        response = self.response
        body = getattr(response, "body", None)
        if response is None or not isinstance(body, bytes):
            # Committing the work without its outcome would make a retry run it twice.
            raise RuntimeError(f"{self.method} {self.path}: no response to store for replays")
        if response.status_code >= 400:
            # Only the answer of work that was done is replayed: a refusal (a 403 for a scope
            # granted later, say) must be asked again, so the key stays unspent.
            self.keep_failed(session)
            return
        self.record.completed = True
        self.record.status_code = response.status_code
        self.record.response_headers = {
            k: v for k, v in response.headers.items() if k.lower() not in _NOT_REPLAYED
        }
        self.record.response_body = body
        session.add(self.record)
        session.flush()

    def keep_failed(self, session: Session) -> None:
        """The request failed but its changes stand: the key stays unspent."""
        if self.record is not None:
            session.delete(self.record)
            session.flush()
            self.record = None


class CapturingRoute(APIRoute):
    """An API route that hands its response to the request's idempotency claim.

    The response exists before the request session commits (the session is function-scoped),
    so the claim can store it in the same transaction as the work.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            response = await original(request)
            hook = request.scope.get(TRANSACTION_HOOK)
            if isinstance(hook, IdempotencyClaim):
                hook.capture(response)
            return response

        return handler


def purge_expired() -> None:
    """Remove expired records in a short transaction of their own."""
    with Session(get_engine()) as session:
        session.execute(
            delete(IdempotencyRecord).where(col(IdempotencyRecord.expires_at) < utcnow())
        )
        session.commit()


async def _purge_in_turn(settings: Settings) -> None:
    """The purge is a write: it takes its turn among the writers like a request."""
    places = write_places(settings, get_engine())
    try:
        async with WRITERS.hold(size=places, wait=settings.db_wait_seconds):
            await run_in_threadpool(purge_expired)
    except Busy:
        log.info("idempotency purge skipped: the writers are busy")


class IdempotencyMiddleware:
    """Reads Idempotency-Key on API POSTs and installs the claim for the request session."""

    def __init__(self, app: ASGIApp, *, ttl: timedelta) -> None:
        self.app = app
        self.ttl = ttl
        self.purged_at = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _applies(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key = headers.get(b"idempotency-key", b"").decode("latin-1").strip()
        caller = caller_of(scope) if key else None
        if caller is None:
            await self.app(scope, receive, send)  # no key, or the route itself answers 401
            return
        if len(key) > MAX_KEY_LENGTH:
            response = error_response(422, "validation_error", "Idempotency-Key is too long")
            await response(scope, receive, send)
            return
        body = await _read_body(receive)
        body_hash = hashlib.sha256(
            scope["method"].encode() + scope["path"].encode() + b"\0" + body
        ).hexdigest()
        scope[TRANSACTION_HOOK] = IdempotencyClaim(
            principal=json.dumps(list(caller.identity)),
            key=key,
            method=scope["method"],
            path=scope["path"],
            body_hash=body_hash,
            ttl=self.ttl,
        )
        if time.monotonic() - self.purged_at > PURGE_EVERY.total_seconds():
            self.purged_at = time.monotonic()
            await _purge_in_turn(scope["app"].state.settings)
        await self.app(scope, _replaying(body, receive), send)


def _applies(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] == "POST"
        and str(scope["path"]).startswith("/api/")
    )


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def idempotency_header(
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=MAX_KEY_LENGTH,
            description="Replays the first response for the same key and body (kept 24 h)",
        ),
    ] = None,
) -> None:
    """Documents the header on creating routes; the middleware does the work."""


IDEMPOTENT = [Depends(idempotency_header)]
