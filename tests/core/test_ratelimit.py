"""Per-client rate limit: 429 with Retry-After from a token bucket per API client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.config import get_settings
from app.core.ratelimit import TokenBuckets
from app.main import create_app
from tests.factories import World


@pytest.fixture
def limited(database: str) -> Iterator[TestClient]:
    app = create_app(get_settings().model_copy(update={"client_rate_per_minute": 3}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_client_over_its_rate_gets_429_with_retry_after(limited: TestClient, world: World) -> None:
    statuses = [
        limited.get("/api/v1/me", headers=world.system.headers).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = limited.get("/api/v1/me", headers=world.system.headers)
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 20


def test_people_and_other_clients_are_not_held_back(limited: TestClient, world: World) -> None:
    for _ in range(4):
        limited.get("/api/v1/me", headers=world.system.headers)
    assert all(
        limited.get("/api/v1/me", headers=world.preparer.headers).status_code == 200
        for _ in range(5)
    )
    created = limited.post(
        f"/api/v1/organisations/{world.other}/clients",
        json={"client_id": f"rate-{world.other[:8]}", "name": "Other", "scopes": ["drafts:read"]},
        headers=world.other_admin.headers,
    )
    assert created.status_code == 201, created.text
    token = world.token(f"client:{created.json()['id']}", scope="drafts:read")
    another = {"Authorization": f"Bearer {token}"}
    assert limited.get("/api/v1/me", headers=another).status_code == 200


def test_bucket_refills_at_the_configured_rate() -> None:
    now = [0.0]
    buckets = TokenBuckets(60, clock=lambda: now[0])
    assert all(buckets.take("a") == 0 for _ in range(60))
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0
    now[0] = 2.0
    assert buckets.take("a") == 0
    assert buckets.take("a") == 0
    assert buckets.take("a") > 0


def test_the_limit_holds_only_where_429_is_documented(
    limited: TestClient, world: World, app: FastAPI
) -> None:
    for _ in range(4):
        limited.get("/api/v1/me", headers=world.system.headers)
    assert limited.get("/api/v1/me", headers=world.system.headers).status_code == 429
    # probes and the key set answer a rate-limited client (their spec has no 429)
    for path in ("/healthz", "/readyz", "/api/v1/auth/jwks"):
        assert limited.get(path, headers=world.system.headers).status_code == 200, path
    spec = app.openapi()["paths"]
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in spec.items()
        if path.startswith("/api/") and not path.startswith("/api/v1/auth/")
        for method, operation in operations.items()
        if "429" not in operation["responses"]
    ]
    assert undocumented == []
