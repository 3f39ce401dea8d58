"""The bearer token is verified once per request, whoever reads the caller afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth import dependencies, middleware
from app.auth.service import SecurityContext, verify_bearer
from tests.factories import World


def test_a_system_caller_is_verified_once_per_request(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counting(ctx: SecurityContext, token: str) -> dict[str, Any]:
        calls.append(token)
        return verify_bearer(ctx, token)

    monkeypatch.setattr(middleware, "verify_bearer", counting)
    monkeypatch.setattr(dependencies, "verify_bearer", counting)
    # rate limit, idempotency key and the route's principal all need the caller
    response = client.post(
        "/api/v1/drafts",
        json={"title": "Kerran", "proposal": "Tarkistetaan kerran.", "organisation_id": world.org},
        headers=world.system.headers | {"Idempotency-Key": "once-per-request"},
    )
    assert response.status_code == 201, response.text
    assert len(calls) == 1


def test_an_invalid_token_is_still_401(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
