"""The documented signature test vector, and verification edge cases."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.config import PROJECT_ROOT
from app.integrations import signing
from app.integrations.models import OutboxEvent

SECRET = "whsec_test_2Vq3x9KXnC8wLr5mTz0Fh"
TIMESTAMP = 1768469400
BODY = (
    b'{"event":"draft.approved","id":"0b5c3b1e-6f0a-4f43-9d55-2f1d8c6b9a10",'
    b'"occurred_at":"2026-01-15T09:30:00Z","resource":"draft",'
    b'"resource_id":"7d2f6c1a-3b4e-4c5d-8e9f-0a1b2c3d4e5f","version":7}'
)
SIGNATURE = "v1=f46f9d13d7e3d87073377bc75f9f28013c77e06bfeb91b11f8f0edaee0970698"


def test_vector_matches_the_implementation_and_the_docs() -> None:
    event = OutboxEvent(
        id="0b5c3b1e-6f0a-4f43-9d55-2f1d8c6b9a10",
        organisation_id="org",
        event="draft.approved",
        resource="draft",
        resource_id="7d2f6c1a-3b4e-4c5d-8e9f-0a1b2c3d4e5f",
        version=7,
        occurred_at=datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
    )
    assert signing.canonical_body(signing.event_payload(event)) == BODY
    assert signing.signature(SECRET, TIMESTAMP, BODY) == SIGNATURE
    docs = (PROJECT_ROOT / "docs" / "webhooks.md").read_text(encoding="utf-8")
    for part in (SECRET, str(TIMESTAMP), BODY.decode(), SIGNATURE):
        assert part in docs


def _verify(
    *,
    secret: str = SECRET,
    timestamp: str = str(TIMESTAMP),
    header: str = SIGNATURE,
    body: bytes = BODY,
    now: float = TIMESTAMP + 10.0,
) -> bool:
    return signing.verify(
        secret=secret, timestamp=timestamp, signature_header=header, body=body, now=now
    )


def test_verify_accepts_the_vector_and_refuses_tampering() -> None:
    assert _verify()
    assert _verify(header=f"v1=00, {SIGNATURE}")
    assert not _verify(body=BODY + b" ")
    assert not _verify(secret="whsec_other")
    assert not _verify(now=TIMESTAMP + 301.0)
    assert not _verify(timestamp="x")
