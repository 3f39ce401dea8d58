"""The tests' tokens (tests.factories.mint) are the service's tokens, byte for byte: the factory
only skips parsing the signing key again for every token."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from app.auth.service import EPOCH_CLAIM, SecurityContext
from app.core import tokens
from tests.factories import World, token_at


@pytest.mark.parametrize(
    ("subject", "claims"),
    [
        ("user:someone", {EPOCH_CLAIM: 3}),
        ("client:something", {"scope": "drafts:read drafts:write", EPOCH_CLAIM: 0, "gen": 0}),
        ("user:ä ö\u2028", {}),
    ],
)
def test_minted_tokens_equal_issued_ones(
    world: World, monkeypatch: pytest.MonkeyPatch, subject: str, claims: dict[str, object]
) -> None:
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=0x1234))
    ctx: SecurityContext = world.app.state.security
    issued = tokens.issue_token(
        ctx.signer,
        subject=subject,
        issuer=ctx.settings.jwt_issuer,
        audience=ctx.settings.jwt_audience,
        lifetime_s=600,
        claims=dict(claims),
        now=1_800_000_000,
    )
    assert token_at(world.app, subject, 1_800_000_000, dict(claims)) == issued


def test_minted_tokens_are_accepted(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/me", headers=world.preparer.headers).status_code == 200
    assert client.get("/api/v1/me", headers=world.system.headers).status_code == 200
