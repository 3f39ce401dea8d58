"""A verified token of ours is remembered by its exact text (app.auth.service.verify_bearer):
never decoded twice, yet an expired, revoked or role-changed caller is refused at once."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.auth import service
from app.auth.service import EPOCH_CLAIM, SecurityContext, verify_bearer
from app.core import tokens
from app.core.db import transaction
from app.core.errors import Unauthorized
from tests.factories import World


def _ctx(world: World) -> SecurityContext:
    ctx: SecurityContext = world.app.state.security
    return ctx


def _me(client: TestClient, token: str) -> int:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _token(world: World, user_id: str, *, issued: float, lifetime_s: int = 600) -> str:
    ctx = _ctx(world)
    return tokens.issue_token(
        ctx.signer,
        subject=f"user:{user_id}",
        issuer=ctx.settings.jwt_issuer,
        audience=ctx.settings.jwt_audience,
        lifetime_s=lifetime_s,
        claims={EPOCH_CLAIM: 0},
        now=issued,
    )


def test_a_token_is_decoded_once_then_recalled(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(world, world.expert.id, issued=time.time())
    decoded: list[str] = []
    original = tokens.verify_token

    def counting(token: str, **kwargs: Any) -> dict[str, Any]:
        decoded.append(token)
        return original(token, **kwargs)

    monkeypatch.setattr(tokens, "verify_token", counting)
    assert [_me(client, token) for _ in range(3)] == [200, 200, 200]
    assert decoded == [token]


def test_an_expired_token_is_refused_even_when_remembered(client: TestClient, world: World) -> None:
    # Valid when it was verified and remembered; its exp has passed since.
    token = _token(world, world.expert.id, issued=time.time() - 700)
    ctx = _ctx(world)
    ctx.remember(token, tokens.unverified_claims(token))
    assert ctx.recalled(token, time.time()) is None
    assert _me(client, token) == 401
    with pytest.raises(Unauthorized):
        verify_bearer(ctx, token)


def test_the_cache_turns_nothing_but_time(world: World) -> None:
    """Only a token that passed every check is remembered: one altered by a byte is not
    recalled under its neighbour's entry, and a refused token is never remembered."""
    ctx = _ctx(world)
    token = _token(world, world.expert.id, issued=time.time())
    claims = verify_bearer(ctx, token)
    assert ctx.recalled(token, time.time()) is claims
    assert ctx.recalled(token, claims["exp"]) is None  # exp is the first second refused
    forged = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(Unauthorized):
        verify_bearer(ctx, forged)
    assert ctx.recalled(forged, time.time()) is None


def test_revocation_counts_on_the_next_request_with_a_remembered_token(
    client: TestClient, world: World
) -> None:
    token = _token(world, world.expert2.id, issued=time.time())
    assert _me(client, token) == 200  # remembered now
    with transaction() as session:
        session.execute(
            text("UPDATE user_account SET session_epoch = session_epoch + 1 WHERE id = :id"),
            {"id": world.expert2.id},
        )
    assert _me(client, token) == 401


def test_a_deactivated_person_is_refused_with_a_remembered_token(
    client: TestClient, world: World
) -> None:
    token = _token(world, world.secretary.id, issued=time.time())
    assert _me(client, token) == 200
    with transaction() as session:
        session.execute(
            text("UPDATE user_account SET is_active = :no WHERE id = :id"),
            {"id": world.secretary.id, "no": False},
        )
    assert _me(client, token) == 401


def test_no_recall_when_the_external_issuer_shares_our_name(world: World) -> None:
    """Then the external path decides; the cache must not answer in its place."""
    ctx = _ctx(world)
    token = _token(world, world.expert.id, issued=time.time())
    verify_bearer(ctx, token)
    settings = ctx.settings.model_copy(update={"oidc_issuer": ctx.settings.jwt_issuer})
    jwks = tokens.JwksCache(url="http://127.0.0.1:9/jwks", algorithms=("RS256",))
    shared = dataclasses.replace(ctx, settings=settings, jwks=jwks)
    assert shared.recalled(token, time.time()) is None


def test_the_cache_is_bounded(world: World) -> None:
    assert _ctx(world).verified.size == service.VERIFIED_TOKENS
