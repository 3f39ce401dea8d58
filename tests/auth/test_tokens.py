"""JWT verification: each attack gives 401, a good token gives the caller."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from app.auth.service import SecurityContext
from tests.auth import jwt_forge
from tests.factories import World


def _claims(ctx: SecurityContext, world: World, **override: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": f"user:{world.preparer.id}",
        "iss": ctx.settings.jwt_issuer,
        "aud": ctx.settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "gen": 0,
    }
    base.update(override)
    return {k: v for k, v in base.items() if v is not None}


def _header(ctx: SecurityContext, **override: Any) -> dict[str, Any]:
    return {"alg": "RS256", "typ": "JWT", "kid": ctx.signer.kid} | override


def test_valid_forged_token_is_accepted_so_the_forge_is_sound(
    client: TestClient, world: World
) -> None:
    ctx: SecurityContext = client.app.state.security  # type: ignore[attr-defined]
    key = jwt_forge.load_private(ctx.signer.private_pem)
    token = jwt_forge.sign_rs256(_header(ctx), _claims(ctx, world), key)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["id"] == world.preparer.id


ATTACKS: dict[str, Callable[[SecurityContext, World, rsa.RSAPrivateKey], str]] = {
    "alg_none": lambda ctx, w, k: jwt_forge.unsigned(_claims(ctx, w)),
    "hs256_with_public_key": lambda ctx, w, k: jwt_forge.sign_hs256(
        _header(ctx, alg="HS256"), _claims(ctx, w), ctx.signer.public_pem
    ),
    "expired": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx),
        _claims(
            ctx,
            w,
            iat=int(time.time()) - 900,
            nbf=int(time.time()) - 900,
            exp=int(time.time()) - 60,
        ),
        k,
    ),
    "not_yet_valid": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx), _claims(ctx, w, nbf=int(time.time()) + 600, exp=int(time.time()) + 900), k
    ),
    "wrong_audience": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx), _claims(ctx, w, aud="other-api"), k
    ),
    "wrong_issuer": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx), _claims(ctx, w, iss="urn:evil"), k
    ),
    "missing_exp": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx), _claims(ctx, w, exp=None), k
    ),
    "missing_iat": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx), _claims(ctx, w, iat=None), k
    ),
    "missing_sub": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx), _claims(ctx, w, sub=None), k
    ),
    "missing_aud": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx), _claims(ctx, w, aud=None), k
    ),
    "missing_iss": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx), _claims(ctx, w, iss=None), k
    ),
    "unknown_kid": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx, kid="rogue"), _claims(ctx, w), k
    ),
    "missing_kid": lambda ctx, w, k: jwt_forge.sign_rs256(
        {"alg": "RS256", "typ": "JWT"}, _claims(ctx, w), k
    ),
    "foreign_key": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx),
        _claims(ctx, w),
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
    ),
    "altered_payload": lambda ctx, w, k: _alter(
        jwt_forge.sign_rs256(_header(ctx), _claims(ctx, w), k),
        jwt_forge.segments(_header(ctx), _claims(ctx, w, sub=f"user:{w.admin.id}")),
    ),
    "unknown_subject_kind": lambda ctx, w, k: jwt_forge.sign_rs256(
        _header(ctx), _claims(ctx, w, sub="robot:1"), k
    ),
    "garbage": lambda ctx, w, k: "not.a.jwt",
    # Time claims: whole seconds only, issued in the past, a bounded lifetime.
    "exp_as_string": lambda ctx, w, k: _signed(ctx, w, k, exp=str(int(time.time()) + 300)),
    "exp_as_float": lambda ctx, w, k: _signed(ctx, w, k, exp=time.time() + 300.5),
    "exp_1e30": lambda ctx, w, k: _signed(ctx, w, k, exp=1e30),
    "exp_huge_integer": lambda ctx, w, k: _signed(ctx, w, k, exp=10**30),
    "exp_infinite": lambda ctx, w, k: _signed(ctx, w, k, exp=float("inf")),
    "exp_as_list": lambda ctx, w, k: _signed(ctx, w, k, exp=[int(time.time()) + 300]),
    "exp_as_bool": lambda ctx, w, k: _signed(ctx, w, k, exp=True),
    "iat_as_string": lambda ctx, w, k: _signed(ctx, w, k, iat=str(int(time.time()))),
    "nbf_as_string": lambda ctx, w, k: _signed(ctx, w, k, nbf="0"),
    "iat_in_the_future": lambda ctx, w, k: _signed(
        ctx, w, k, iat=int(time.time()) + 3600, nbf=int(time.time()), exp=int(time.time()) + 3900
    ),
    "lifetime_too_long": lambda ctx, w, k: _signed(ctx, w, k, exp=int(time.time()) + 30 * 86400),
    "exp_before_iat": lambda ctx, w, k: _signed(
        ctx, w, k, iat=int(time.time()) + 20, exp=int(time.time()) + 10
    ),
    "epoch_as_string": lambda ctx, w, k: _signed(ctx, w, k, gen="0"),
    "epoch_missing": lambda ctx, w, k: _signed(ctx, w, k, gen=None),
}


def _signed(ctx: SecurityContext, world: World, key: rsa.RSAPrivateKey, **claims: Any) -> str:
    return jwt_forge.sign_rs256(_header(ctx), _claims(ctx, world, **claims), key)


def _alter(token: str, new_signing_input: str) -> str:
    return new_signing_input + "." + token.rsplit(".", 1)[1]


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_token_is_refused(client: TestClient, world: World, attack: str) -> None:
    ctx: SecurityContext = client.app.state.security  # type: ignore[attr-defined]
    token = ATTACKS[attack](ctx, world, jwt_forge.load_private(ctx.signer.private_pem))
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] in {"invalid_token", "unauthorized"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_token_of_deactivated_client_is_refused(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/me", headers=world.system.headers).status_code == 200
    response = client.post(
        f"/api/v1/organisations/{world.org}/clients/{world.system.id}/deactivate",
        headers=world.admin.headers,
    )
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers=world.system.headers).status_code == 401
