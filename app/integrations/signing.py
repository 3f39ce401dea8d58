"""Thin webhook bodies and their HMAC-SHA256 signatures (verification recipe: docs/webhooks.md)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

SIGNATURE_SCHEME = "v1"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class EventFields(Protocol):
    """What a payload is made of: an OutboxEvent, or a row of its columns (the worker's claim)."""

    @property
    def id(self) -> str: ...
    @property
    def event(self) -> str: ...
    @property
    def resource(self) -> str: ...
    @property
    def resource_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def occurred_at(self) -> datetime: ...


def event_payload(event: EventFields) -> dict[str, Any]:
    """What a receiver gets: enough to fetch the resource, nothing more."""
    return {
        "id": event.id,
        "event": event.event,
        "resource": event.resource,
        "resource_id": event.resource_id,
        "version": event.version,
        "occurred_at": iso_utc(event.occurred_at),
    }


def canonical_body(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256 of `{timestamp}.{body}` keyed with the secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SIGNATURE_SCHEME}={mac.hexdigest()}"


def signed_headers(
    *, secret: str, event_id: str, event: str, body: bytes, timestamp: int
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Ennakko-Webhooks/1",
        "Ennakko-Event-Id": event_id,
        "Ennakko-Event": event,
        "Ennakko-Timestamp": str(timestamp),
        "Ennakko-Signature": signature(secret, timestamp, body),
    }


def verify(*, secret: str, timestamp: str, signature_header: str, body: bytes, now: float) -> bool:
    """True when the signature matches and the timestamp is within five minutes of `now`."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, int(timestamp), body)
    given = [part.strip() for part in signature_header.split(",")]
    return any(hmac.compare_digest(expected, candidate) for candidate in given)
