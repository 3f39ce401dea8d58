"""Idempotency-Key for POST: replay the first response, refuse a different body or overlap.

It runs as ASGI middleware so every creating or state-changing POST gets it. The key
is claimed in its own short transaction before the request runs, which is what lets a
concurrent duplicate see "still running" (409) instead of running twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.caller import caller_of
from app.core.db import get_engine, utcnow
from app.core.errors import error_response
from app.core.idempotency_models import IdempotencyRecord

MAX_KEY_LENGTH = 200
# A claim older than this whose request never finished belongs to a crashed worker.
STALE_CLAIM = timedelta(minutes=5)
_REPLAYED_HEADERS = ("content-type", "etag", "location")


@dataclass(frozen=True)
class Claim:
    outcome: str  # "run", "replay", "mismatch", "in_flight"
    record_id: str | None = None
    status: int | None = None
    headers: dict[str, str] | None = None
    body: bytes | None = None


def claim(
    *, principal: str, key: str, method: str, path: str, body_hash: str, ttl: timedelta
) -> Claim:
    """Claim `key` for this request, or say how an earlier request with it ended."""
    now = utcnow()
    with Session(get_engine()) as session:
        existing = session.exec(
            select(IdempotencyRecord).where(
                col(IdempotencyRecord.principal) == principal, col(IdempotencyRecord.key) == key
            )
        ).first()
        if existing is not None and existing.expires_at > now:
            if existing.request_hash != body_hash:
                return Claim("mismatch")
            if existing.completed:
                return Claim(
                    "replay",
                    existing.id,
                    existing.status_code,
                    dict(existing.response_headers),
                    existing.response_body,
                )
            if now - existing.created_at < STALE_CLAIM:
                return Claim("in_flight")
        if existing is not None:
            session.delete(existing)
            session.flush()
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < now))  # type: ignore[arg-type]
        record = IdempotencyRecord(
            principal=principal,
            key=key,
            method=method,
            path=path,
            request_hash=body_hash,
            expires_at=now + ttl,
        )
        session.add(record)
        try:
            session.commit()
        except IntegrityError:
            return Claim("in_flight")
        return Claim("run", record.id)


def finish(record_id: str, *, status: int, headers: dict[str, str], body: bytes) -> None:
    """Store the response for replays; forget the claim when the request failed on our side."""
    with Session(get_engine()) as session:
        record = session.get(IdempotencyRecord, record_id)
        if record is None:
            return
        if status >= 500:
            session.delete(record)
        else:
            record.completed, record.status_code = True, status
            record.response_headers, record.response_body = headers, body
            session.add(record)
        session.commit()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, *, ttl: timedelta) -> None:
        self.app = app
        self.ttl = ttl

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        key = headers.get(b"idempotency-key", b"").decode("latin-1").strip()
        if scope["type"] != "http" or scope["method"] != "POST" or not key:
            await self.app(scope, receive, send)
            return
        caller = caller_of(scope)
        principal = json.dumps(list(caller.identity)) if caller else None
        if principal is None:
            await self.app(scope, receive, send)  # the route itself answers 401
            return
        if len(key) > MAX_KEY_LENGTH:
            await error_response(422, "validation_error", "Idempotency-Key is too long")(
                scope, receive, send
            )
            return
        body = await _read_body(receive)
        body_hash = hashlib.sha256(
            scope["method"].encode() + scope["path"].encode() + b"\0" + body
        ).hexdigest()
        result = await run_in_threadpool(
            lambda: claim(
                principal=principal,
                key=key,
                method=scope["method"],
                path=scope["path"],
                body_hash=body_hash,
                ttl=self.ttl,
            )
        )
        if result.outcome != "run":
            await self._answer(result, scope, receive, send)
            return
        await self._run(scope, body, send, result.record_id or "")

    async def _run(self, scope: Scope, body: bytes, send: Send, record_id: str) -> None:
        status, stored_headers, chunks = 500, {}, []
        sent_body = False

        async def replay_receive() -> Message:
            nonlocal sent_body
            if sent_body:
                return {"type": "http.disconnect"}
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal status, stored_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                stored_headers = {
                    k.decode("latin-1"): v.decode("latin-1")
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() in _REPLAYED_HEADERS
                }
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_receive, capture)
        finally:
            await run_in_threadpool(
                lambda: finish(
                    record_id, status=status, headers=stored_headers, body=b"".join(chunks)
                )
            )

    async def _answer(self, result: Claim, scope: Scope, receive: Receive, send: Send) -> None:
        if result.outcome == "mismatch":
            response = error_response(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was used with a different request",
            )
        elif result.outcome == "in_flight":
            response = error_response(
                409, "idempotency_in_flight", "A request with this Idempotency-Key is still running"
            )
        else:
            raw = [(k.encode(), v.encode()) for k, v in (result.headers or {}).items()]
            raw.append((b"idempotent-replayed", b"true"))
            await send(
                {"type": "http.response.start", "status": result.status or 200, "headers": raw}
            )
            await send({"type": "http.response.body", "body": result.body or b""})
            return
        await response(scope, receive, send)


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
