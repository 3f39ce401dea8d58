"""Idempotency-Key: replay, mismatch and in-flight."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from fastapi.testclient import TestClient

from app.core.idempotency import claim
from tests.factories import World


def _user_body(world: World) -> dict[str, object]:
    return {
        "email": f"idem-{uuid.uuid4().hex[:8]}@test.ennakko.fi",
        "full_name": "Idem",
        "organisation_id": world.org,
        "roles": ["preparer"],
    }


def test_same_key_same_body_replays_the_first_response(client: TestClient, world: World) -> None:
    body = _user_body(world)
    headers = world.admin.headers | {"Idempotency-Key": uuid.uuid4().hex}
    first = client.post("/api/v1/users", json=body, headers=headers)
    second = client.post("/api/v1/users", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    users = client.get(
        f"/api/v1/organisations/{world.org}/users", headers=world.admin.headers
    ).json()
    assert [u["email"] for u in users].count(body["email"]) == 1


def test_same_key_different_body_is_422(client: TestClient, world: World) -> None:
    headers = world.admin.headers | {"Idempotency-Key": uuid.uuid4().hex}
    assert client.post("/api/v1/users", json=_user_body(world), headers=headers).status_code == 201
    response = client.post("/api/v1/users", json=_user_body(world), headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_keys_are_per_caller(client: TestClient, world: World) -> None:
    key = uuid.uuid4().hex
    first = client.post(
        "/api/v1/users",
        json=_user_body(world),
        headers=world.admin.headers | {"Idempotency-Key": key},
    )
    assert first.status_code == 201
    other = client.post(
        f"/api/v1/organisations/{world.other}/clients",
        json={"client_id": f"c-{key[:8]}", "name": "x", "scopes": ["drafts:read"]},
        headers=world.other_admin.headers | {"Idempotency-Key": key},
    )
    assert other.status_code == 201


def test_request_still_running_is_409(client: TestClient, world: World) -> None:
    body = _user_body(world)
    key = uuid.uuid4().hex
    import json

    from app.auth.service import verify_bearer

    claims = verify_bearer(client.app.state.security, world.admin.token)  # type: ignore[attr-defined]
    raw = json.dumps(body).encode()
    digest = hashlib.sha256(b"POST/api/v1/users\0" + raw).hexdigest()
    principal = json.dumps([claims["iss"], claims["sub"]])
    assert (
        claim(
            principal=principal,
            key=key,
            method="POST",
            path="/api/v1/users",
            body_hash=digest,
            ttl=timedelta(hours=24),
        ).outcome
        == "run"
    )
    response = client.post(
        "/api/v1/users",
        content=raw,
        headers=world.admin.headers | {"Idempotency-Key": key, "Content-Type": "application/json"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_flight"


def test_failed_request_is_replayed_as_failed(client: TestClient, world: World) -> None:
    headers = world.preparer.headers | {"Idempotency-Key": uuid.uuid4().hex}
    body = _user_body(world)
    assert client.post("/api/v1/users", json=body, headers=headers).status_code == 403
    assert client.post("/api/v1/users", json=body, headers=headers).status_code == 403
